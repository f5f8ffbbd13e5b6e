package fit

import (
	"fmt"
	"math"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/peaks"
)

// AddOptions steer AddPeaks.
type AddOptions struct {
	Max    int     // peaks added at most (default 16)
	Sigmas float64 // a residual bump must stand this many noise σ above its surroundings (default 6)
}

// AddPeaks refines a fitted peak model while its residual still has
// structure: it finds the most prominent bump of the residual (prominence ≥
// Sigmas·σ, σ the residual's noise estimated from its first differences),
// adds a peak of the model's shape there, refits everything, and keeps the
// peak only if the fit's BIC drops. It stops when no bump stands above the
// noise, when three bumps in all have not paid for their parameters, or
// after Max peaks. The result says how many were added and why it stopped (Added,
// AddNote, and a line of the report). A fixed prominence threshold and peak
// count leave weak real bands in the residual; this finds them and stops at
// the noise.
func AddPeaks(x, y []float64, r *Result, o Options, a AddOptions) (*Result, error) {
	if a.Max == 0 {
		a.Max = 16
	}
	if a.Sigmas == 0 {
		a.Sigmas = 6
	}
	if _, ok := r.Model.PeakShape(); !ok {
		return r, nil
	}
	lo, hi := x[0], x[len(x)-1]
	step := (hi - lo) / float64(len(x)-1)
	// Bumps wider than twice the widest fitted peak are the baseline's, not bands.
	maxWidth := 0.0
	for _, p := range r.Peaks() {
		maxWidth = math.Max(maxWidth, 2*p.FWHM)
	}
	best := r
	tried := map[int]bool{} // residual maxima whose peak did not pay
	note := ""
	for best.Added < a.Max {
		res := best.Residuals()
		sigma := NoiseSigma(res)
		found := ResidualBumps(x, res, best.Peaks(), a.Sigmas*sigma, maxWidth)
		var cand *peaks.Peak
		for i := range found {
			if !tried[found[i].Index] {
				cand = &found[i]
				break
			}
		}
		if cand == nil {
			note = fmt.Sprintf("the residual is noise: no bump above %g σ (σ = %.3g)", a.Sigmas, sigma)
			break
		}
		m, err := withPeak(best.Model, x[cand.Index], math.Max(cand.XWidth(x), 2*step), cand.Prominence, lo, hi, step)
		if err != nil {
			return nil, err
		}
		next, err := Fit(x, y, m, o)
		if err != nil || !(next.BIC < best.BIC) {
			tried[cand.Index] = true
			if len(tried) >= 3 { // three bumps (in all) did not pay: what is left is not peaks
				note = fmt.Sprintf("three bumps above %g σ did not lower the BIC", a.Sigmas)
				break
			}
			continue
		}
		next.Added = best.Added + 1
		best = next
	}
	if best.Added >= a.Max && note == "" {
		note = fmt.Sprintf("stopped at the limit of %d added peaks", a.Max)
	}
	best.AddNote = note
	return best, nil
}

// ResidualBumps lists the bumps of a fit's residual that could be peaks the
// model lacks, most prominent first: prominence ≥ minProm, full width at half
// prominence ≤ maxWidth (0: any), and not under a fitted peak (within its
// FWHM of the centre, where a bump is the line shape's misfit, not another
// band).
func ResidualBumps(x, res []float64, fitted spectro.PeakTable, minProm, maxWidth float64) []peaks.Peak {
	var out []peaks.Peak
	for _, b := range peaks.Find(res, peaks.Options{MinProminence: minProm}) {
		if maxWidth > 0 && b.XWidth(x) > maxWidth {
			continue
		}
		under := false
		for _, p := range fitted {
			if math.Abs(x[b.Index]-p.Center) < p.FWHM {
				under = true
				break
			}
		}
		if !under {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Prominence > out[j].Prominence })
	return out
}

// withPeak returns a copy of m with one more peak part of its peaks' shape,
// seeded at center, m's fitted values kept as the starting point.
func withPeak(m *Model, center, fwhm, height, lo, hi, step float64) (*Model, error) {
	pk, _ := m.PeakShape()
	parts := append(append([]Part(nil), m.Parts...), Part{fmt.Sprintf("p%d_", m.NumPeaks()+1), Peak{pk}})
	n, err := NewSum(parts...)
	if err != nil {
		return nil, err
	}
	copy(n.Params, m.Params) // the new part's parameters come last, so old indices (and ties) stay valid
	seedPeak(n.Params[len(m.Params):], pk, center, fwhm, height, lo, hi, step)
	return n, nil
}
