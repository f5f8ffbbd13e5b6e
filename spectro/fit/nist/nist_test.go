package nist

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
)

// Every one-predictor StRD problem, from both starts, to at least 6 correct
// significant digits in every parameter and in the residual sum of squares.
func TestStRD(t *testing.T) {
	probs, err := ReadDir(filepath.Join(shareddata.Dir(t), "nist-strd"))
	if err != nil {
		t.Fatal(err)
	}
	runs, passed := 0, 0
	for _, p := range probs {
		if p.Predictors != 1 {
			continue
		}
		for start := 1; start <= 2; start++ {
			r := Run(p, start, Options)
			runs++
			status := "ok"
			if r.Passed {
				passed++
			} else {
				status = "FAIL"
				t.Errorf("%s start %d: LRE %.1f (parameters %.1f, SSR %.1f, float64 floor %.1f) %s", p.Name, start, r.MinLRE, r.LRE, r.LRESSR, r.SSRFloor, r.Err)
			}
			t.Logf("%-9s %-7s start %d: min LRE %4.1f (SSR %4.1f, floor %4.1f) %3d iterations  %s", p.Name, p.Difficulty, start, r.MinLRE, r.LRESSR, r.SSRFloor, r.Iterations, status)
		}
	}
	t.Log(fmt.Sprintf("%d of %d runs to ≥ 6 digits", passed, runs))
	if runs != 52 {
		t.Errorf("%d runs, want 52 (26 one-predictor problems × 2 starts)", runs)
	}
}
