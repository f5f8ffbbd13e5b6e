package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"time"

	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/fit/mapfit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// runBenchMap times a map fit on the synthetic benchmark map and scores the
// recovered parameters against the true ones.
func runBenchMap(ctx context.Context, args []string) error {
	fs := newFlags("bench map", "[--size 300] [--points 1024] [--noise 0.01] [--json]")
	size := fs.Int("size", 300, "the map is size × size pixels")
	points := fs.Int("points", 1024, "points per spectrum")
	noise := fs.Float64("noise", 0.01, "noise standard deviation (the tallest line is 1)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *size < 2 || *size > 2000 || *points < 64 || *points > 1<<16 || !(*noise >= 0) {
		return usagef("--size 2–2000, --points 64–65536 and --noise ≥ 0, got %d, %d, %g", *size, *points, *noise)
	}
	m, truth := mapfit.Synthetic(*size, *size, *points, *noise, 1)
	start := time.Now()
	r, err := mapfit.Fit(ctx, m, mapfit.Options{Shape: lineshape.PseudoVoigt, Guess: fit.GuessOptions{MaxPeaks: 8, Baseline: 1}})
	if err != nil {
		return err
	}
	took := time.Since(start).Seconds()
	type lineScore struct {
		Line                                int
		CenterError, FWHMError, HeightError float64 // medians: cm⁻¹, relative, relative
	}
	var scores []lineScore
	for k := range min(r.Lines(), len(truth[0])) {
		c, w, h, _ := r.Line(k)
		var dc, dw, dh []float64
		for p := range c {
			if math.IsNaN(c[p]) {
				continue
			}
			t := truth[p][k]
			dc, dw, dh = append(dc, math.Abs(c[p]-t.Center)), append(dw, math.Abs(w[p]-t.FWHM)/t.FWHM), append(dh, math.Abs(h[p]-t.Height)/t.Height)
		}
		scores = append(scores, lineScore{k + 1, eval.Median(dc), eval.Median(dw), eval.Median(dh)})
	}
	pixels := *size * *size
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"size": *size, "points": *points, "noise": *noise, "cores": runtime.GOMAXPROCS(0),
			"seconds": took, "pixels_per_second": float64(pixels) / took, "failed": r.FailedCount(), "reseeded": r.ReseededCount(), "lines": scores})
	}
	fmt.Printf("map %d × %d of %d points, 4 pseudo-Voigt lines drifting smoothly, noise %g: %.1f s on %d cores (%.0f pixels/s); %d failed, %d re-fitted from the mean spectrum's start\n",
		*size, *size, *points, *noise, took, runtime.GOMAXPROCS(0), float64(pixels)/took, r.FailedCount(), r.ReseededCount())
	for _, s := range scores {
		fmt.Printf("  line %d: median error centre %.3f cm-1, FWHM %.2f %%, height %.2f %%\n", s.Line, s.CenterError, 100*s.FWHMError, 100*s.HeightError)
	}
	return nil
}
