package fit

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"github.com/spectrogen-go/spectrogen/spectro/peaks"
)

// GuessOptions steer Guess.
type GuessOptions struct {
	MaxPeaks      int     // at most this many peaks, the most prominent (default 8)
	MinProminence float64 // relative to the signal's range (default 0.02)
	Baseline      int     // baseline order: −1 none, 0 a constant (the zero value), 1 linear, 2 ...
	NoBaseline    bool    // shorthand for Baseline = −1
	// AddPeaks makes FitBest and FitBatch refine each fit with AddPeaks:
	// peaks where the residual still stands above the noise, each kept only
	// if it lowers the BIC.
	AddPeaks bool
}

// MinPoints is the fewest data points a fit accepts.
const MinPoints = 8

// checkPoints rejects data no fit can use: unequal lengths, non-finite values.
func checkPoints(x, y []float64) error {
	if len(x) != len(y) {
		return fmt.Errorf("%d x values but %d intensities", len(x), len(y))
	}
	if len(x) == 0 {
		return fmt.Errorf("no data points")
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return fmt.Errorf("point %d is not finite (x=%g, y=%g)", i, x[i], y[i])
		}
	}
	return nil
}

// checkData rejects spectra Guess cannot read peaks from, with a message
// saying why: besides checkPoints, too few points, x not increasing, flat.
func checkData(x, y []float64) error {
	if err := checkPoints(x, y); err != nil {
		return err
	}
	if len(x) < MinPoints {
		return fmt.Errorf("too few points to fit: %d (need at least %d)", len(x), MinPoints)
	}
	for i := range x {
		if i > 0 && !(x[i] > x[i-1]) {
			return fmt.Errorf("x is not strictly increasing at point %d", i)
		}
	}
	if floats.Max(y) == floats.Min(y) {
		return fmt.Errorf("the spectrum is flat (all intensities %g): nothing to fit", y[0])
	}
	return nil
}

// Guess builds a model of the given shape with initial values and bounds from
// the data: a straight baseline under the lowest points near each end, then the
// most prominent peaks (scipy-style prominence) with their positions, widths at
// half prominence and heights. Bounds: centre within two widths of its guess,
// widths from half a sample step to half the range, areas ≥ 0, η in [0, 1].
func Guess(x, y []float64, shape lineshape.Shape, o GuessOptions) (*Model, error) {
	if err := checkData(x, y); err != nil {
		return nil, err
	}
	if o.MaxPeaks == 0 {
		o.MaxPeaks = 8
	}
	if o.MinProminence == 0 {
		o.MinProminence = 0.02
	}
	if o.NoBaseline {
		o.Baseline = -1
	}
	n := len(x)
	lo, hi := x[0], x[n-1]
	span := hi - lo
	step := span / float64(n-1)
	// A line through the minima of the first and last 5% of the points.
	edge := max(1, n/20)
	y0, y1 := floats.Min(y[:edge]), floats.Min(y[n-edge:])
	line := func(xv float64) float64 { return y0 + (y1-y0)*(xv-lo)/span }
	resid := make([]float64, n)
	for i := range y {
		resid[i] = y[i] - line(x[i])
		if o.Baseline < 0 {
			resid[i] = y[i]
		}
	}
	rng := floats.Max(resid) - floats.Min(resid)
	// Noise peaks must not pass. The prominence of a noise bump (local maximum
	// over the deeper neighbouring minimum) reaches ~7σ in a thousand points, so
	// require 8σ, σ estimated robustly from the first differences.
	minProm := math.Max(o.MinProminence*rng, 8*NoiseSigma(resid))
	found := peaks.TopByProminence(peaks.Find(resid, peaks.Options{MinProminence: minProm}), o.MaxPeaks)
	if len(found) == 0 {
		return nil, fmt.Errorf("no peak with prominence ≥ %g of the range found", o.MinProminence)
	}
	// Fit in position order.
	sort.Slice(found, func(i, j int) bool { return found[i].Index < found[j].Index })
	m := NewModel(shape, len(found), o.Baseline, lo, hi)
	np := shape.NumParams()
	for k, pk := range found {
		seedPeak(m.Params[k*np:(k+1)*np], shape, x[pk.Index], math.Max(pk.XWidth(x), 2*step), math.Max(resid[pk.Index], pk.Prominence), lo, hi, step)
	}
	if o.Baseline >= 0 {
		// The line in t = (x − mid)/half: c0 = value at mid, c1 = slope·half.
		b := m.Index("bl_c0")
		m.Params[b].Value = line((lo + hi) / 2)
		if o.Baseline >= 1 {
			m.Params[b+1].Value = (y1 - y0) / 2
		}
		for j := 0; j <= o.Baseline; j++ {
			m.Params[b+j].Init = m.Params[b+j].Value
		}
	}
	return m, nil
}

// seedPeak gives a peak's parameters values from a detected peak (centre,
// full width at half height, height) and Guess's bounds: centre within two
// widths, widths from half a sample step (Voigt's components from a
// hundredth) to half the range, area ≥ 0, η in [0, 1].
func seedPeak(ps []Param, shape lineshape.Shape, center, fwhm, height, lo, hi, step float64) {
	span := hi - lo
	q := make([]float64, len(ps))
	q[0] = center
	switch shape {
	case lineshape.Voigt, lineshape.TCH:
		q[1], q[2] = fwhm/1.6, fwhm/1.6 // their combination is about fwhm
	default:
		q[1] = fwhm
	}
	if shape == lineshape.PseudoVoigt {
		q[3] = 0.5
	}
	q[shape.IArea()] = shape.AreaForHeight(q, height)
	for j, name := range shape.ParamNames() {
		p := &ps[j]
		p.Value, p.Init = q[j], q[j]
		switch name {
		case "center":
			p.Min, p.Max = math.Max(lo, center-2*fwhm), math.Min(hi, center+2*fwhm)
		case "fwhm":
			p.Min, p.Max = step/2, span/2
		case "fwhmG", "fwhmL":
			p.Min, p.Max = step/100, span/2 // > 0: a Voigt with both widths 0 is undefined
		case "area":
			p.Min = 0
		case "eta":
			p.Min, p.Max = 0, 1
		}
	}
}

// NoiseSigma estimates the standard deviation of white noise on a signal from
// its first differences, robustly (peaks barely move the median): 1.4826·MAD/√2.
func NoiseSigma(y []float64) float64 {
	if len(y) < 3 {
		return 0
	}
	d := make([]float64, len(y)-1)
	for i := range d {
		d[i] = y[i+1] - y[i]
	}
	sort.Float64s(d)
	med := d[len(d)/2]
	for i := range d {
		d[i] = math.Abs(d[i] - med)
	}
	sort.Float64s(d)
	return 1.4826 * d[len(d)/2] / math.Sqrt2
}
