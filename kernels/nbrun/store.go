package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// Stored outputs: a notebook is committed executed, and its metadata keeps
// the hash of its code cells at the time (metadataKey/codeHashKey), so a
// check can tell that code changed after the outputs were stored.
const (
	metadataKey = "spectrogen"
	codeHashKey = "code_sha256"
	// secondsKey is how long the notebook took when stored: runs start the
	// longest first, so two at a time finish close together.
	secondsKey = "seconds"
	// maxImageBytes bounds each stored figure (PNG bytes, decoded).
	maxImageBytes = 800 << 10 // a 2 × 2 grid of spectra at 150 dpi is about 600 KB
)

// codeHash is the SHA-256 of the notebook's code cells, in order: markdown
// edits do not make outputs stale, code edits do.
func codeHash(nb map[string]any) string {
	h := sha256.New()
	cells, _ := nb["cells"].([]any)
	for _, c := range cells {
		cell, _ := c.(map[string]any)
		if cell["cell_type"] != "code" {
			continue
		}
		h.Write([]byte(joinText(cell["source"])))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readNotebook(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb map[string]any
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	return nb, nil
}

// storedHash is the code hash recorded when the outputs were stored ("" if none).
func storedHash(nb map[string]any) string {
	meta, _ := nb["metadata"].(map[string]any)
	sg, _ := meta[metadataKey].(map[string]any)
	s, _ := sg[codeHashKey].(string)
	return s
}

// storedSeconds is how long the notebook at path took when its outputs were
// stored (0 if unknown or unreadable).
func storedSeconds(path string) float64 {
	nb, err := readNotebook(path)
	if err != nil {
		return 0
	}
	meta, _ := nb["metadata"].(map[string]any)
	sg, _ := meta[metadataKey].(map[string]any)
	v, _ := sg[secondsKey].(float64)
	return v
}

// checkStored fails when a committed notebook's outputs are missing or were
// stored before its code last changed.
func checkStored(path string) error {
	nb, err := readNotebook(path)
	if err != nil {
		return err
	}
	switch stored := storedHash(nb); {
	case stored == "":
		return fmt.Errorf("%s has no stored outputs: run `make notebooks-refresh` and commit the result", path)
	case stored != codeHash(nb):
		return fmt.Errorf("%s: its code changed after its outputs were stored: run `make notebooks-refresh` and commit the result", path)
	}
	if countImages(nb) == 0 {
		return fmt.Errorf("%s: its stored outputs hold no figure", path)
	}
	if err := claimsShown(nb); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func countImages(nb map[string]any) int {
	n := 0
	forOutputs(nb, func(o map[string]any) {
		data, _ := o["data"].(map[string]any)
		for _, mime := range []string{"image/png", "image/svg+xml"} {
			if _, ok := data[mime]; ok {
				n++
			}
		}
	})
	return n
}

func forOutputs(nb map[string]any, f func(map[string]any)) {
	cells, _ := nb["cells"].([]any)
	for _, c := range cells {
		cell, _ := c.(map[string]any)
		outs, _ := cell["outputs"].([]any)
		for _, o := range outs {
			if om, ok := o.(map[string]any); ok {
				f(om)
			}
		}
	}
}

// scrubber replaces this machine's folders in outputs with neutral names, so
// a stored notebook shows no machine paths.
type scrubber struct {
	pairs []string // old, new, … for strings.Replacer (longest first)
	tmp   *regexp.Regexp
}

func newScrubber() *scrubber {
	var pairs []string
	add := func(dir, name string) {
		if dir == "" || dir == "/" {
			return
		}
		if abs, err := filepath.Abs(dir); err == nil {
			pairs = append(pairs, abs, name)
		}
	}
	// Most specific first: the data folder and the checkout may lie inside home.
	for _, d := range filepath.SplitList(os.Getenv("SPECTRO_DATA")) {
		add(d, "$SPECTRO_DATA")
	}
	if wd, err := os.Getwd(); err == nil {
		add(wd, ".")
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(home, "~")
	}
	tmp := regexp.QuoteMeta(strings.TrimRight(os.TempDir(), "/"))
	// Only the temporary folder's own (random) name goes: the file name and
	// the ":3:" after it are what an error message is for.
	return &scrubber{pairs: pairs, tmp: regexp.MustCompile(tmp + `/[^\s"'\\/:]+`)}
}

func (s *scrubber) text(t string) string {
	t = strings.NewReplacer(s.pairs...).Replace(t)
	return s.tmp.ReplaceAllString(t, "<temporary folder>")
}

// store turns an executed notebook into the one to commit: outputs scrubbed of
// machine paths, per-cell execution timestamps dropped (they would make every
// refresh a diff), each image checked against maxImageBytes, and the code hash
// recorded.
func store(executed, dest string, took time.Duration) error {
	nb, err := readNotebook(executed)
	if err != nil {
		return err
	}
	sc := newScrubber()
	var tooBig []string
	cells, _ := nb["cells"].([]any)
	for i, c := range cells {
		cell, _ := c.(map[string]any)
		if meta, ok := cell["metadata"].(map[string]any); ok {
			delete(meta, "execution")
		}
		outs, _ := cell["outputs"].([]any)
		for _, o := range outs {
			om, _ := o.(map[string]any)
			if t, ok := om["text"]; ok {
				om["text"] = scrubAny(sc, t)
			}
			data, _ := om["data"].(map[string]any)
			for mime, v := range data {
				if mime == "image/png" {
					raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(joinText(v), "\n", ""))
					if err == nil && len(raw) > maxImageBytes {
						tooBig = append(tooBig, fmt.Sprintf("cell %d: %d KB", i, len(raw)>>10))
					}
					continue
				}
				if strings.HasPrefix(mime, "text/") {
					data[mime] = scrubAny(sc, v)
				}
			}
		}
	}
	if len(tooBig) > 0 {
		return fmt.Errorf("%s: figures over %d KB: %s", dest, maxImageBytes>>10, strings.Join(tooBig, ", "))
	}
	if err := claimsShown(nb); err != nil { // the new outputs must still show what the prose says
		return fmt.Errorf("%s: %w", dest, err)
	}
	meta, _ := nb["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		nb["metadata"] = meta
	}
	meta[metadataKey] = map[string]any{codeHashKey: codeHash(nb), secondsKey: math.Round(took.Seconds())}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ") // Jupyter's own layout: one-space indent, sorted keys
	if err := enc.Encode(nb); err != nil {
		return err
	}
	return atomicfile.Write(dest, buf.Bytes()) // an interrupted refresh never leaves a half-written notebook
}

func scrubAny(sc *scrubber, v any) any {
	switch t := v.(type) {
	case string:
		return sc.text(t)
	case []any:
		out := make([]any, len(t))
		for i, s := range t {
			out[i] = scrubAny(sc, s)
		}
		return out
	}
	return v
}
