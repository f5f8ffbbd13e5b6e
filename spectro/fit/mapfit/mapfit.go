// Package mapfit fits a peak model to every pixel of a spectral map (a Raman
// or infrared image, a line scan) on all cores.
//
// The model is chosen once, on the map's mean spectrum (fit.FitBest: guessed
// lines, added where the residual still shows one), so every pixel has the
// same lines and the parameters form images. Each pixel then starts from an
// already fitted neighbour — the pixel to its left, else the one above —
// which pyspeckit's fiteach(use_nearest_as_guess=True) showed to converge in
// a few steps on maps whose parameters vary smoothly; where that start fails
// (an error, a line leaving the axis, R² below MinR2), the pixel is fitted
// again from the mean spectrum's values and the better fit kept. A pixel
// whose fit still errs or loses a line off the axis is marked failed; a low
// R² alone is not a failure (a pixel of little signal fits noise poorly
// whatever its start) and shows in the R² image.
package mapfit

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"gonum.org/v1/gonum/floats"
)

// Options steer a map fit.
type Options struct {
	Shape   lineshape.Shape   // line shape (zero value: the fit package's first, Gaussian; see Shapes)
	Shapes  []lineshape.Shape // candidates for the mean spectrum's model (default: Shape alone)
	Guess   fit.GuessOptions  // how the mean spectrum's lines are guessed
	Solver  fit.Options       // the solver for every pixel
	Workers int               // goroutines (0: all cores)
	// MinR2 is the R² below which a neighbour's start counts as failed and
	// the pixel is fitted again from the template (0: 0.5).
	MinR2 float64
	// Progress, when set, is called with the pixels done so far (from one
	// goroutine at a time).
	Progress func(done, total int)
}

// Result is a fitted map.
type Result struct {
	Width, Height int
	// Template is the fit of the mean spectrum: its model (lines, baseline)
	// is every pixel's.
	Template *fit.Result
	// Values are each pixel's fitted parameters, in Template.Model.Params
	// order (nil for a failed pixel).
	Values [][]float64
	R2     []float64
	Failed []bool
	// Reseeded marks pixels whose neighbour's start failed and which were
	// fitted again from the template.
	Reseeded []bool
	Errors   []string // per pixel, why it failed ("" otherwise)
	Shape    lineshape.Shape
}

// Fit fits every pixel of m.
func Fit(ctx context.Context, m *spectro.Map, o Options) (*Result, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if o.MinR2 == 0 {
		o.MinR2 = 0.5
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	shapes := o.Shapes
	if len(shapes) == 0 {
		shapes = []lineshape.Shape{o.Shape}
	}
	mean := m.Mean()
	fits, err := fit.FitBest(mean.X, mean.Y, o.Guess, o.Solver, shapes...)
	if err != nil {
		return nil, fmt.Errorf("map %s: the mean spectrum cannot be fitted: %w", m.Meta.Source, err)
	}
	tmpl := fits[0]
	shape, _ := tmpl.Model.PeakShape()
	n := m.Width * m.Height
	r := &Result{Width: m.Width, Height: m.Height, Template: tmpl, Shape: shape,
		Values: make([][]float64, n), R2: make([]float64, n), Failed: make([]bool, n), Reseeded: make([]bool, n), Errors: make([]string, n)}
	lo, hi := m.X[0], m.X[len(m.X)-1]
	template := tmpl.Model.Values()
	done := make([]atomic.Bool, n) // pixel finished (Values/Failed may be read)
	var next, finished atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			model := *tmpl.Model
			model.Params = append([]fit.Param(nil), tmpl.Model.Params...)
			for {
				row := int(next.Add(1) - 1)
				if row >= m.Height || ctx.Err() != nil {
					return
				}
				for col := range m.Width {
					p := row*m.Width + col
					seed, seedR2, fromTemplate := template, tmpl.R2, true
					var above []float64
					if row > 0 && done[p-m.Width].Load() && !r.Failed[p-m.Width] {
						above = r.Values[p-m.Width]
					}
					switch {
					case col > 0 && !r.Failed[p-1]:
						seed, seedR2, fromTemplate = r.Values[p-1], r.R2[p-1], false
					case above != nil:
						seed, seedR2, fromTemplate, above = above, r.R2[p-m.Width], false, nil
					}
					r.fitPixel(m, p, &model, seed, seedR2, above, template, fromTemplate, lo, hi, o)
					done[p].Store(true)
				}
				d := int(finished.Add(int64(m.Width)))
				if o.Progress != nil {
					mu.Lock()
					o.Progress(d, n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// fitPixel fits pixel p from seed, falling back to the template's values.
func (r *Result) fitPixel(m *spectro.Map, p int, model *fit.Model, seed []float64, seedR2 float64, above, template []float64, fromTemplate bool, lo, hi float64, o Options) {
	// try fits from start; why says what is wrong, hard when the fit is
	// unusable (not merely poor).
	try := func(start []float64) (res *fit.Result, why string, hard bool) {
		for i := range model.Params {
			model.Params[i].Value = start[i]
		}
		res, err := fit.Fit(m.X, m.Y[p], model, o.Solver)
		if err != nil {
			return nil, err.Error(), true
		}
		for _, pk := range res.Peaks() {
			if pk.Center < lo || pk.Center > hi || !(pk.FWHM > 0) || math.IsNaN(pk.Height) || math.IsNaN(res.R2) {
				return res, fmt.Sprintf("a line left the axis (centre %.4g, FWHM %.3g)", pk.Center, pk.FWHM), true
			}
		}
		if !(res.R2 >= o.MinR2) {
			return res, fmt.Sprintf("R² %.3f below %.2f", res.R2, o.MinR2), false
		}
		return res, "", false
	}
	if floats.Max(m.Y[p]) == floats.Min(m.Y[p]) {
		r.Failed[p], r.Errors[p], r.R2[p] = true, "flat: nothing to fit", math.NaN()
		return
	}
	res, why, hard := try(seed)
	// A start that loses a line shows as a drop in R² from the neighbour it
	// came from; the chain would carry the loss along the row.
	if why == "" && !fromTemplate && res.R2 < seedR2-0.1 {
		why = fmt.Sprintf("R² %.3f, %.3f below its neighbour's", res.R2, seedR2-res.R2)
	}
	if why != "" && !fromTemplate {
		r.Reseeded[p] = true
		starts := [][]float64{template}
		if above != nil {
			starts = append(starts, above)
		}
		for _, st := range starts {
			again, why2, hard2 := try(st)
			if again != nil && (res == nil || hard || (!hard2 && again.R2 > res.R2)) {
				res, why, hard = again, why2, hard2
			}
		}
	}
	if res != nil && !math.IsNaN(res.R2) {
		r.R2[p] = res.R2
	}
	if hard || res == nil {
		r.Failed[p], r.Errors[p], r.R2[p] = true, why, math.NaN()
		return
	}
	r.Values[p] = res.Values()
}

// Lines is the number of lines every pixel is fitted with.
func (r *Result) Lines() int { return r.Template.Model.NumPeaks() }

// Line returns line k's (0-based) centre, FWHM, height and area per pixel,
// NaN where the pixel failed.
func (r *Result) Line(k int) (center, fwhm, height, area []float64) {
	n := len(r.Values)
	center, fwhm, height, area = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for p, v := range r.Values {
		if v == nil {
			center[p], fwhm[p], height[p], area[p] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			continue
		}
		pk := r.Template.Model.Peaks(v)[k]
		center[p], fwhm[p], height[p], area[p] = pk.Center, pk.FWHM, pk.Height, pk.Area()
	}
	return center, fwhm, height, area
}

// FailedCount is the number of failed pixels.
func (r *Result) FailedCount() int { return countTrue(r.Failed) }

// ReseededCount is the number of pixels fitted again from the template.
func (r *Result) ReseededCount() int { return countTrue(r.Reseeded) }

func countTrue(b []bool) int {
	n := 0
	for _, x := range b {
		if x {
			n++
		}
	}
	return n
}
