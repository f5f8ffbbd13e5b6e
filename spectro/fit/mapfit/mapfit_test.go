package mapfit

import (
	"context"
	"math"
	"sort"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

func TestFitRecoversSmoothParameters(t *testing.T) {
	m, truth := Synthetic(12, 9, 1024, 0.01, 1)
	r, err := Fit(context.Background(), m, Options{Shape: lineshape.PseudoVoigt, Guess: fit.GuessOptions{MaxPeaks: 8, Baseline: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines() != 4 {
		t.Fatalf("the mean spectrum's model has %d lines, want 4", r.Lines())
	}
	if n := r.FailedCount(); n > 0 {
		t.Errorf("%d of %d pixels failed", n, len(r.Failed))
	}
	for k := range 4 {
		center, fwhm, height, _ := r.Line(k)
		var dc, dh []float64
		for p := range center {
			want := truth[p][k]
			dc = append(dc, math.Abs(center[p]-want.Center))
			dh = append(dh, math.Abs(height[p]-want.Height)/want.Height)
			if math.Abs(fwhm[p]-want.FWHM)/want.FWHM > 0.2 {
				t.Errorf("line %d pixel %d: FWHM %.2f, true %.2f", k, p, fwhm[p], want.FWHM)
				break
			}
		}
		sort.Float64s(dc)
		sort.Float64s(dh)
		if dc[len(dc)/2] > 0.2 || dh[len(dh)/2] > 0.05 {
			t.Errorf("line %d: median centre error %.3f cm⁻¹, height error %.3f", k, dc[len(dc)/2], dh[len(dh)/2])
		}
	}
}

func TestFailedPixelsAreMarked(t *testing.T) {
	m, _ := Synthetic(6, 4, 512, 0.01, 2)
	for i := range m.Y[5] {
		m.Y[5][i] = 0 // a dead pixel: nothing to fit
	}
	r, err := Fit(context.Background(), m, Options{Shape: lineshape.PseudoVoigt, Guess: fit.GuessOptions{MaxPeaks: 6, Baseline: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed[5] || r.Errors[5] == "" || r.Values[5] != nil {
		t.Errorf("the dead pixel: failed %v (%q)", r.Failed[5], r.Errors[5])
	}
	if r.FailedCount() != 1 {
		t.Errorf("%d pixels failed, want only the dead one", r.FailedCount())
	}
	c, _, _, _ := r.Line(0)
	if !math.IsNaN(c[5]) || math.IsNaN(c[6]) {
		t.Errorf("line images: failed pixel %g, its neighbour %g", c[5], c[6])
	}
}

func TestFitRejectsMalformedMaps(t *testing.T) {
	m, _ := Synthetic(3, 2, 64, 0.01, 3)
	m.Y = m.Y[:5]
	if _, err := Fit(context.Background(), m, Options{}); err == nil {
		t.Error("a map with a missing pixel was fitted")
	}
}

// BenchmarkMap300 is the map: 300 × 300 pixels of 1,024 points
// (spectrogen bench map prints the same with the recovery).
func BenchmarkMap300(b *testing.B) {
	m, _ := Synthetic(300, 300, 1024, 0.01, 1)
	for b.Loop() {
		if _, err := Fit(context.Background(), m, Options{Shape: lineshape.PseudoVoigt, Guess: fit.GuessOptions{MaxPeaks: 8, Baseline: 1}}); err != nil {
			b.Fatal(err)
		}
	}
}
