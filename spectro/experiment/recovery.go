package experiment

import (
	"context"
	"math"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// RamanFitJobs makes one fitting job per sample's first Raman spectrum: up
// to 12 pseudo-Voigt lines and a linear baseline (the demo's and the
// fitting report's setting).
func RamanFitJobs(col *collection.Collection) []fit.Job {
	var jobs []fit.Job
	for _, s := range col.Samples {
		sp := s.Spectra[spectro.Raman][0]
		jobs = append(jobs, fit.Job{X: sp.X, Y: sp.Y, Shape: lineshape.PseudoVoigt, Guess: fit.GuessOptions{MaxPeaks: 12, Baseline: 1}})
	}
	return jobs
}

// Recovery is how well peak fitting recovers the synthetic Raman spectra's
// true lines at one noise level: of the true lines of height ≥ 0.1, how many
// a fitted centre lies within one FWHM of, and the medians of the matched
// ones' errors.
type Recovery struct {
	Noise        float64 // relative to the strongest line
	Found, Total int
	CentreError  float64 // median |Δcentre|, in the axis' unit (cm⁻¹)
	FWHMError    float64 // median relative error
	HeightError  float64 // median relative error
	MedianR2     float64
	FitsPerS     float64 // on all cores
}

// PeakRecovery generates the synthetic set (one sample per species) at a
// noise level, fits every Raman spectrum (RamanFitJobs) and compares the
// fitted lines with the true ones.
func PeakRecovery(ctx context.Context, noise float64, seed uint64) (Recovery, error) {
	cfg := synth.DefaultConfig()
	cfg.Seed, cfg.SamplesPerSpecies, cfg.Noise, cfg.Baseline = seed, 1, noise, 0.05
	col, err := synth.Generate(cfg)
	if err != nil {
		return Recovery{}, err
	}
	jobs := RamanFitJobs(col)
	start := time.Now()
	results := fit.FitBatch(ctx, jobs, fit.Options{}, 0, nil)
	if err := ctx.Err(); err != nil {
		return Recovery{}, err
	}
	rec := Recovery{Noise: noise, FitsPerS: float64(len(jobs)) / time.Since(start).Seconds()}
	var dc, dw, dh, r2 []float64
	for i, br := range results {
		if br.Err != nil {
			continue
		}
		r2 = append(r2, br.Result.R2)
		fitted := br.Result.Peaks()
		for _, tp := range col.Samples[i].Peaks[spectro.Raman] {
			if tp.Height < 0.1 {
				continue
			}
			rec.Total++
			best, bestD := -1, math.Inf(1)
			for k, fp := range fitted {
				if d := math.Abs(fp.Center - tp.Center); d < bestD {
					best, bestD = k, d
				}
			}
			if best < 0 || bestD > tp.FWHM {
				continue
			}
			rec.Found++
			fp := fitted[best]
			dc = append(dc, bestD)
			dw = append(dw, math.Abs(fp.FWHM-tp.FWHM)/tp.FWHM)
			dh = append(dh, math.Abs(fp.Height-tp.Height)/tp.Height)
		}
	}
	rec.CentreError, rec.FWHMError, rec.HeightError, rec.MedianR2 = eval.Median(dc), eval.Median(dw), eval.Median(dh), eval.Median(r2)
	return rec, nil
}
