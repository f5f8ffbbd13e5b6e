package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro/fit/nist"
)

// TestNISTThroughTheCommandLine fits every NIST StRD problem of one
// predictor from both starts as a user would: the data written as x,y
// columns, `spectrogen fit FILE --expr MODEL --param b1=START ...` with no
// solver flag, and every parameter read back from --json. All 52 runs must
// reach 6 significant digits (the certified values' LRE, as the bench
// scores them).
func TestNISTThroughTheCommandLine(t *testing.T) {
	dir := filepath.Join(shareddata.Dir(t), "nist-strd")
	probs, err := nist.ReadDir(dir)
	if err != nil {
		t.Skip(err)
	}
	tmp := t.TempDir()
	runs, passed := 0, 0
	for _, p := range probs {
		if p.Predictors != 1 {
			continue
		}
		var b strings.Builder
		for i := range p.X {
			fmt.Fprintf(&b, "%.17g,%.17g\n", p.X[i], p.Y[i])
		}
		file := filepath.Join(tmp, p.Name+".csv")
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		for start := 1; start <= 2; start++ {
			args := []string{"fit", file, "--expr", p.Model, "--json"}
			for i, name := range p.Params {
				args = append(args, "--param", fmt.Sprintf("%s=%.17g", name, p.Start[start-1][i]))
			}
			out, errOut, code := run(t, args...)
			runs++
			if code != 0 {
				t.Errorf("%s start %d: exit %d: %s", p.Name, start, code, errOut)
				continue
			}
			var got struct {
				Params map[string]json.RawMessage `json:"params"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%s start %d: %v\n%s", p.Name, start, err, out)
			}
			worst := math.Inf(1)
			for i, name := range p.Params {
				var par struct {
					Value float64 `json:"value"`
				}
				if err := json.Unmarshal(got.Params[name], &par); err != nil {
					t.Fatalf("%s start %d: parameter %s: %v", p.Name, start, name, err)
				}
				worst = math.Min(worst, nist.LRE(par.Value, p.Certified[i]))
			}
			if worst < 6 {
				t.Errorf("%s start %d: %.1f digits, want ≥ 6", p.Name, start, worst)
			} else {
				passed++
			}
		}
	}
	if runs != 52 {
		t.Errorf("%d runs, want the 52 of the 26 one-predictor problems", runs)
	}
	t.Logf("%d of %d NIST runs to ≥ 6 digits through the command line", passed, runs)
}
