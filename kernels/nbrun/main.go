// Command nbrun executes Jupyter notebooks headless with the project's GoNB kernel
// and checks them: a notebook passes when every cell ran without error, it
// displayed at least one image (PNG or SVG), and its committed copy holds
// outputs stored from its current code (see -store). It prints one line per
// notebook with its time and a closing "N passed, N failed" line, and exits
// non-zero if any failed.
//
//	go run ./kernels/nbrun [-kernel spectrogen] [-out out/notebooks] [-timeout 15m] [-store] [NOTEBOOK.ipynb|DIR ...]
//
// With no arguments it runs every notebook in notebooks/. Executed copies (with
// their outputs) are written to -out, so a failure can be inspected. With
// -store, each notebook that passes is written back over its source with its
// outputs (machine paths scrubbed, figures at most 300 KB each) and the hash
// of its code cells in its metadata: that is how notebooks are committed
// (`make notebooks-refresh`), so a reader sees every figure without running
// anything, and a later check notices code changed since.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	kernel := flag.String("kernel", "spectrogen", "Jupyter kernel name to execute the notebooks with")
	outDir := flag.String("out", "out/notebooks", "folder for the executed notebooks")
	timeout := flag.Duration("timeout", 20*time.Minute, "time limit per notebook")
	storeOutputs := flag.Bool("store", false, "write each passing notebook back over its source with its outputs (make notebooks-refresh)")
	jobs := flag.Int("jobs", 2, "notebooks executed at once (each is a kernel of its own; a model they share is trained once)")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		args = []string{"notebooks"}
	}
	nbs, err := collect(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbrun:", err)
		os.Exit(2)
	}
	if len(nbs) == 0 {
		fmt.Fprintln(os.Stderr, "nbrun: no notebooks found in", strings.Join(args, " "))
		os.Exit(2)
	}
	// Models the notebooks share (model.TrainShared) are trained once per run
	// in a folder of the run's own, so stored outputs never come from a model
	// an earlier version of the code trained.
	cleanup := func() {}
	if os.Getenv("SPECTRO_SHARED_MODELS") == "" {
		dir, err := os.MkdirTemp("", "nbrun-shared-models-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "nbrun:", err)
			os.Exit(2)
		}
		os.Setenv("SPECTRO_SHARED_MODELS", dir)
		cleanup = func() { os.RemoveAll(dir) }
	}
	ok := runAll(nbs, *kernel, *outDir, *timeout, *storeOutputs, *jobs)
	cleanup()
	if !ok {
		os.Exit(1)
	}
}

// runAll runs and checks the notebooks (storing them with store), jobs at a
// time in their order, and prints a line each as it ends and a summary; it
// reports whether all passed. Running two at once fills the core a notebook
// leaves idle while GoNB compiles a cell or a cell plots.
func runAll(nbs []string, kernel, outDir string, timeout time.Duration, storeOutputs bool, jobs int) bool {
	type result struct {
		err  error
		took time.Duration
	}
	results := make([]result, len(nbs))
	// The longest first (by the time stored with their outputs), so the
	// last to finish is a short one.
	order := make([]int, len(nbs))
	secs := make([]float64, len(nbs))
	for i, nb := range nbs {
		order[i], secs[i] = i, storedSeconds(nb)
	}
	sort.SliceStable(order, func(a, b int) bool { return secs[order[a]] > secs[order[b]] })
	start := time.Now()
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range max(1, jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= len(nbs) {
					mu.Unlock()
					return
				}
				i := order[next]
				next++
				mu.Unlock()
				nb := nbs[i]
				t0 := time.Now()
				err := run(nb, kernel, outDir, timeout)
				if err == nil && storeOutputs {
					err = store(filepath.Join(outDir, filepath.Base(nb)), nb, time.Since(t0))
				} else if err == nil {
					err = checkStored(nb)
				}
				results[i] = result{err, time.Since(t0)}
				mu.Lock()
				printResult(nb, err, results[i].took)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	passed, failed := 0, 0
	var sum time.Duration
	for _, r := range results {
		sum += r.took
		if r.err != nil {
			failed++
		} else {
			passed++
		}
	}
	fmt.Printf("%.0fs in all, %d notebooks at a time (%.0fs of notebook time)\n", time.Since(start).Seconds(), max(1, jobs), sum.Seconds())
	fmt.Printf("notebooks: %d passed, %d failed\n", passed, failed)
	return failed == 0
}

// printResult prints one notebook's line (and its error, indented).
func printResult(nb string, err error, took time.Duration) {
	status := "ok  "
	if err != nil {
		status = "FAIL"
	}
	fmt.Printf("%s %-45s %6.1fs\n", status, nb, took.Seconds())
	if err != nil {
		fmt.Println(indent(err.Error()))
	}
}

func collect(args []string) ([]string, error) {
	var nbs []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			nbs = append(nbs, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.ipynb"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		nbs = append(nbs, m...)
	}
	return nbs, nil
}

func run(nb, kernel, outDir string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout+time.Minute)
	defer cancel()
	abs, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	// --allow-errors: the executed copy is written even when a cell fails, so the
	// check below can report the cell's own error rather than a Python traceback.
	cmd := exec.CommandContext(ctx, "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		"--ExecutePreprocessor.kernel_name="+kernel,
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(timeout.Seconds())),
		"--output-dir", abs, nb)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("nbconvert: %v\n%s", err, tail(string(out), 60))
	}
	return check(filepath.Join(abs, filepath.Base(nb)))
}

// notebook is the part of the .ipynb format the check reads.
type notebook struct {
	Cells []struct {
		CellType string `json:"cell_type"`
		Source   any    `json:"source"`
		Outputs  []struct {
			OutputType string         `json:"output_type"`
			Data       map[string]any `json:"data"`
			EName      string         `json:"ename"`
			EValue     string         `json:"evalue"`
			Name       string         `json:"name"` // stream: stdout or stderr
			Text       any            `json:"text"`
		} `json:"outputs"`
	} `json:"cells"`
}

var (
	styleRe = regexp.MustCompile(`(?s)<style.*?</style>`)
	tagRe   = regexp.MustCompile(`<[^>]+>`)
	// GoNB reports a cell whose program panicked or exited non-zero only on
	// stderr, ending with Go's "exit status N" line, without an error output.
	exitRe = regexp.MustCompile(`(?m)^exit status [1-9][0-9]*\s*$`)
)

// check fails on the first cell with an error output (GoNB reports compile
// errors as HTML before the error output; its text is included), on a cell
// whose program exited non-zero (a panic, os.Exit), and when no image was displayed.
func check(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	images := 0
	for i, c := range nb.Cells {
		var html []string
		for _, o := range c.Outputs {
			if h, ok := o.Data["text/html"]; ok && strings.Contains(fmt.Sprint(h), "gonb-err") {
				text := tagRe.ReplaceAllString(styleRe.ReplaceAllString(joinText(h), ""), "")
				html = append(html, strings.TrimSpace(strings.NewReplacer("&#34;", `"`, "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(text)))
			}
			if o.OutputType == "error" {
				return fmt.Errorf("cell %d: %s: %s\n%s", i, o.EName, o.EValue, tail(strings.Join(html, "\n"), 25))
			}
			if text := joinText(o.Text); o.OutputType == "stream" && o.Name == "stderr" && exitRe.MatchString(text) {
				return fmt.Errorf("cell %d: the program failed:\n%s", i, tail(text, 25))
			}
			if _, ok := o.Data["image/png"]; ok {
				images++
			}
			if _, ok := o.Data["image/svg+xml"]; ok {
				images++
			}
		}
	}
	if images == 0 {
		return fmt.Errorf("%s: no image output", path)
	}
	return nil
}

// joinText flattens a notebook text field (a string or a list of strings).
func joinText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, s := range t {
			b.WriteString(fmt.Sprint(s))
		}
		return b.String()
	}
	return fmt.Sprint(v)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
