package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spectrogen-go/spectrogen/internal/ziptest"
)

// killTrainArgs is a short training run with a checkpoint every 10 steps.
func killTrainArgs(data, out string) []string {
	return []string{"train", "--data", data, "--out", out, "--steps", "50", "--set", "checkpoint_every=10;eval_every=10"}
}

// countCheckpoints counts the checkpoint data files in a model folder.
func countCheckpoints(model string) int {
	m, _ := filepath.Glob(filepath.Join(model, "checkpoints", "*.bin"))
	return len(m)
}

// trainAndKill starts a training run and SIGKILLs it as soon as the number of
// checkpoint files passes after; with after = 0 that is the moment the first
// checkpoint's data file appears, which is often while it is being written.
func trainAndKill(t *testing.T, data, model string, after int) {
	t.Helper()
	startAndKill(t, func() bool { return countCheckpoints(model) > after }, killTrainArgs(data, model)...)
}

var resumedAt = regexp.MustCompile(`resuming .* at step (\d+) of 50`)

// TestKilledTrainingResumes kills `spectrogen train` for real (SIGKILL) and
// runs the same command again: it must say it resumed and from which step,
// finish, and end with exactly the model an uninterrupted run makes (resume
// is bit-exact on the pure-Go backend); a kill that lands while a checkpoint
// is being written must cost at most that checkpoint.
func TestKilledTrainingResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains several small models")
	}
	dir := t.TempDir()
	data := synthData(t, dir, 1)
	src, _ := filepath.Glob(filepath.Join(data, "infrared", "*"))
	generate := func(model string) []byte {
		out := filepath.Join(dir, "gen-"+filepath.Base(model))
		if _, errOut, code := run(t, "generate", "--model", model, "--out", out, "--samples", "0", src[0]); code != 0 {
			t.Fatalf("generate with %s: %s", model, errOut)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*.csv"))
		if len(files) == 0 {
			t.Fatalf("generate with %s wrote no spectrum", model)
		}
		b, _ := os.ReadFile(files[0])
		return b
	}

	whole := filepath.Join(dir, "whole")
	if _, errOut, code := run(t, killTrainArgs(data, whole)...); code != 0 {
		t.Fatal(errOut)
	}
	want := generate(whole)

	// Killed after its first complete checkpoint, then resumed.
	killed := filepath.Join(dir, "killed")
	trainAndKill(t, data, killed, 1)
	stdout, stderr, code := run(t, killTrainArgs(data, killed)...)
	if code != 0 {
		t.Fatalf("rerun after SIGKILL failed:\n%s\n%s", stdout, stderr)
	}
	m := resumedAt.FindStringSubmatch(stdout + stderr)
	if m == nil {
		t.Fatalf("rerun does not say it resumed:\n%s\n%s", stdout, stderr)
	}
	if step, _ := strconv.Atoi(m[1]); step < 10 {
		t.Errorf("resumed at step %d, want at least the first checkpoint's 10", step)
	}
	if got := generate(killed); !bytes.Equal(got, want) {
		t.Errorf("the killed and resumed model generates differently from the uninterrupted one")
	}

	// Killed while a checkpoint is being written: retried (bounded) until a
	// rerun reports a checkpoint set aside, which proves the kill hit a write.
	hitWrite := false
	for try := 0; try < 4 && (!hitWrite || try < 2); try++ {
		model := filepath.Join(dir, "midwrite"+strconv.Itoa(try))
		// Kill the moment the first (even tries) or second checkpoint's file
		// appears: a rerun after the first is a fresh start, which must still
		// follow the command line's seed.
		trainAndKill(t, data, model, try%2)
		stdout, stderr, code := run(t, killTrainArgs(data, model)...)
		if code != 0 {
			t.Fatalf("try %d: rerun failed:\n%s\n%s", try, stdout, stderr)
		}
		if hitWrite = strings.Contains(stdout+stderr, "set aside"); hitWrite {
			t.Logf("try %d: the kill landed inside a checkpoint write; the rerun set that checkpoint aside and resumed from the one before", try)
		}
		if got := generate(model); !bytes.Equal(got, want) {
			t.Errorf("try %d: the resumed model generates differently from the uninterrupted one", try)
		}
	}
	if !hitWrite {
		t.Log("no kill landed inside a checkpoint write in 4 tries (each resumed correctly)")
	}
}

// startAndKill starts the CLI and SIGKILLs it once ready reports true (polled
// every few milliseconds, for at most 3 minutes).
func startAndKill(t *testing.T, ready func() bool, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
	for !ready() {
		select {
		case err := <-done:
			t.Fatalf("%v ended before it could be killed (%v):\n%s", args, err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("%v: not ready to be killed after 3 minutes:\n%s", args, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	<-done
	return out.String()
}

// TestKilledFetch kills `spectrogen fetch` in the middle of its download: no
// set appears in the cache, and the rerun downloads and installs the whole set.
func TestKilledFetch(t *testing.T) {
	body := ziptest.Bytes(t, map[string]string{
		"Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt": "##NAMES=Calcite\n150, 1\n151, 2\n152, 1\n",
		"Albite__R040068-3__Raman__514__0__ccw__Raman_Data_Processed__1596.txt":  "##NAMES=Albite\n480, 1\n481, 3\n482, 1\n",
	})
	var stall atomic.Bool
	stall.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if !stall.Load() {
			w.Write(body)
			return
		}
		w.Write(body[:len(body)/2]) // half, then hang until the client goes away
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	cache := t.TempDir()
	set := filepath.Join(cache, "rruff", "raman", "excellent_unoriented")
	downloading := func() bool {
		m, _ := filepath.Glob(filepath.Join(cache, "rruff", "raman", ".download-*"))
		for _, f := range m {
			if st, err := os.Stat(f); err == nil && st.Size() > 0 {
				return true
			}
		}
		return false
	}
	args := []string{"fetch", "rruff", "--modality", "raman", "--dir", cache, "--url", srv.URL}
	startAndKill(t, downloading, args...)
	if _, err := os.Stat(set); err == nil {
		t.Fatalf("a killed fetch left %s in the cache", set)
	}
	stall.Store(false)
	stdout, errOut, code := run(t, args...)
	if code != 0 || strings.TrimSpace(stdout) != set {
		t.Fatalf("rerun: exit %d, %q\n%s", code, stdout, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(set, "*.txt")); len(files) != 2 {
		t.Errorf("rerun installed %d files, want 2", len(files))
	}
}

// TestKilledCrossval kills `spectrogen crossval` during its second fold and
// reruns it on the same work folder: the finished fold is kept, the killed one
// resumes, and the report is the one an uninterrupted run prints.
func TestKilledCrossval(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four small models")
	}
	dir := t.TempDir()
	data := synthData(t, dir, 2)
	args := func(work string) []string {
		return []string{"crossval", "--data", data, "--folds", "2", "--steps", "30", "--split", "species", "--work", work, "--json",
			"--set", "checkpoint_every=10;eval_every=10"}
	}
	whole, errOut, code := run(t, args(filepath.Join(dir, "whole"))...)
	if code != 0 {
		t.Fatal(errOut)
	}
	work := filepath.Join(dir, "killed")
	startAndKill(t, func() bool { return countCheckpoints(filepath.Join(work, "fold2")) >= 2 }, args(work)...)
	resumed, errOut, code := run(t, args(work)...)
	if code != 0 {
		t.Fatalf("rerun: %s", errOut)
	}
	if !strings.Contains(errOut, "already trained to step 30") || !resumedAt30.MatchString(errOut) {
		t.Errorf("rerun should keep fold 1 and resume fold 2:\n%s", errOut)
	}
	if resumed != whole {
		t.Errorf("report after kill and rerun differs from the uninterrupted one:\n%s\nvs\n%s", resumed, whole)
	}
}

var resumedAt30 = regexp.MustCompile(`resuming .*fold2 at step \d+ of 30`)
