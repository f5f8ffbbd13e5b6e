package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/experiment"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/fit/nist"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

func init() {
	register(command{"bench", "measure: 'bench' prints one table of this machine's speeds (line shapes, fitting, training, generation; --demo adds the demo's stages); 'bench fit' times batch peak fitting (and exports the problems for lmfit); 'bench nist' scores the solver on the NIST StRD problems", runBench})
	register(command{"report", "measure quality: 'report fitting' checks fitted peaks against synthetic ground truth; 'report quality' the model against the baselines on held-out species", runReport})
}

// benchProblem is one fitting problem as exported for the lmfit comparison.
type benchProblem struct {
	X      []float64    `json:"x"`
	Y      []float64    `json:"y"`
	XMid   float64      `json:"x_mid"`
	XHalf  float64      `json:"x_half"`
	Params []benchParam `json:"params"`
}

// benchParam is a parameter with its bounds; an infinite bound is null.
type benchParam struct {
	Name  string   `json:"name"`
	Value float64  `json:"value"`
	Min   *float64 `json:"min"`
	Max   *float64 `json:"max"`
}

func exportParams(ps []fit.Param) []benchParam {
	finite := func(v float64) *float64 {
		if math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	out := make([]benchParam, len(ps))
	for i, p := range ps {
		out[i] = benchParam{p.Name, p.Value, finite(p.Min), finite(p.Max)}
	}
	return out
}

// benchSpectra makes n spectra of 1–8 pseudo-Voigt peaks plus a sloping
// baseline and noise on the 1024-point Raman grid, with their initial models.
func benchSpectra(n int, seed uint64) ([]benchProblem, []fit.Job, error) {
	rng := rand.New(rand.NewPCG(seed, 0xbe))
	g := spectro.DefaultGrid(spectro.Raman)
	x := g.Points()
	var probs []benchProblem
	var jobs []fit.Job
	for len(jobs) < n {
		var t spectro.PeakTable
		for k := 1 + rng.IntN(8); k > 0; k-- {
			t = append(t, spectro.Peak{Center: 150 + 1300*rng.Float64(), FWHM: 4 + 36*rng.Float64(), Height: 0.1 + 0.9*rng.Float64(), Eta: rng.Float64()})
		}
		y := t.Render(x)
		a, b := 0.1*rng.Float64(), 0.1*rng.Float64()
		for i := range y {
			y[i] += a + b*float64(i)/float64(len(y)) + 0.01*rng.NormFloat64()
		}
		m, err := fit.Guess(x, y, lineshape.PseudoVoigt, fit.GuessOptions{MaxPeaks: 8, Baseline: 1})
		if err != nil {
			continue // no detectable peak: draw another spectrum
		}
		mid, half := 0.0, 1.0
		for _, pt := range m.Parts {
			if bl, ok := pt.Component.(fit.Polynomial); ok {
				mid, half = bl.Mid, bl.Half
			}
		}
		probs = append(probs, benchProblem{X: x, Y: y, XMid: mid, XHalf: half, Params: exportParams(m.Params)})
		jobs = append(jobs, fit.Job{X: x, Y: y, Model: m})
	}
	return probs, jobs, nil
}

func runBench(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runBenchAll(ctx, args)
	}
	if args[0] == "nist" {
		return runBenchNIST(args[1:])
	}
	if args[0] == "map" {
		return runBenchMap(ctx, args[1:])
	}
	if args[0] != "fit" {
		return usagef("usage: spectrogen bench [--json] [--demo] | bench fit [--n 200] [--seed 1] [--workers 0] [--repeat 5] [--out DIR] | bench nist --data DIR [--json] | bench map [--size 300] [--json]")
	}
	fs := newFlags("bench fit", "[--n 200] [--seed 1] [--workers 0] [--repeat 5] [--out DIR]")
	n := fs.Int("n", 200, "number of spectra")
	seed := fs.Uint64("seed", 1, "random seed")
	workers := fs.Int("workers", 0, "parallel fits (0: all cores)")
	out := fs.String("out", "", "also write the problems (spectra.json) and Go's results (go.json) here, for the lmfit comparison")
	repeat := fs.Int("repeat", 5, "fit the batch this many times and report the median time")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	probs, jobs, err := benchSpectra(*n, *seed)
	if err != nil {
		return err
	}
	w := *workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	// lmfit's leastsq stops at ftol = xtol = 1.5e-8: the same rule on both sides.
	// The batch is fitted --repeat times and the median time kept: 200 fits
	// take well under a tenth of a second here, where one run's figure moves
	// with the goroutines' start and the first touch of memory.
	var results []fit.BatchResult
	times := make([]float64, 0, *repeat)
	for r := 0; r < max(*repeat, 1); r++ {
		start := time.Now()
		var progress func(done, total int)
		if r == 0 {
			progress = progressLine("fitted", len(jobs))
		}
		results = fit.FitBatch(ctx, jobs, fit.Options{FTol: fit.LmfitTol, XTol: fit.LmfitTol}, w, progress)
		times = append(times, time.Since(start).Seconds())
	}
	elapsed := time.Duration(eval.Median(times) * float64(time.Second))
	r2 := make([]float64, 0, len(results))
	failed := 0
	for _, r := range results {
		if r.Err != nil || !r.Result.Success {
			failed++
		}
		if r.Err == nil {
			r2 = append(r2, r.Result.R2)
		}
	}
	rate := float64(len(jobs)) / elapsed.Seconds()
	fmt.Printf("Go (SpectroGen-Go): %d fits in %.3fs on %d workers (median of %d runs): %.1f fits/s, median R² %.4f, %d not converged\n",
		len(jobs), elapsed.Seconds(), w, len(times), rate, eval.Median(r2), failed)
	if *out != "" {
		data, err := json.Marshal(probs)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(*out, "spectra.json"), data); err != nil {
			return err
		}
		res, _ := json.Marshal(map[string]any{"engine": "spectrogen-go", "fits": len(jobs), "seconds": elapsed.Seconds(), "workers": w, "fits_per_s": rate, "median_r2": eval.Median(r2), "r2": r2})
		if err := atomicfile.Write(filepath.Join(*out, "go.json"), res); err != nil {
			return err
		}
		fmt.Printf("problems written to %s\n", filepath.Join(*out, "spectra.json"))
	}
	return nil
}

// progressLine prints "fitted 40/200 (20%)" lines at most every two seconds.
func progressLine(what string, total int) func(done, total int) {
	last := time.Now()
	return func(done, _ int) {
		if time.Since(last) > 2*time.Second || done == total {
			if done != total || time.Since(last) > 2*time.Second {
				fmt.Fprintf(os.Stderr, "  %s %d/%d (%.0f%%)\n", what, done, total, 100*float64(done)/float64(total))
			}
			last = time.Now()
		}
	}
}

func runReport(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "quality" {
		return runQuality(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "fitting" {
		return usagef("usage: spectrogen report fitting [--noise 0.0025,0.005,0.01,0.02,0.05] [--seed 1]\n       spectrogen report quality [--data DIR] [--from M --to M] [--steps N] [--set k=v;...] [--work DIR]")
	}
	fs := newFlags("report fitting", "[--noise LIST] [--seed S]")
	noiseList := fs.String("noise", "0.0025,0.005,0.01,0.02,0.05", "noise levels (relative to the strongest peak)")
	seed := fs.Uint64("seed", 1, "random seed of the synthetic spectra")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var levels []float64
	for _, f := range splitComma(*noiseList) {
		var v float64
		if _, err := fmt.Sscanf(f, "%g", &v); err != nil || v < 0 {
			return usagef("--noise: %q is not a noise level", f)
		}
		levels = append(levels, v)
	}
	fmt.Println("Peak recovery on synthetic Raman spectra (56 species, one sample each; pseudo-Voigt fit of up to 12 peaks + linear baseline).")
	fmt.Println("Errors are medians over the true peaks of height ≥ 0.1 that were matched (nearest fitted centre within one FWHM).")
	fmt.Println()
	fmt.Println("| noise | recovered | Δcentre (cm⁻¹) | FWHM error | height error | median R² | fits/s |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, lv := range levels {
		r, err := experiment.PeakRecovery(ctx, lv, *seed)
		if err != nil {
			return err
		}
		fmt.Printf("| %g | %d/%d (%.0f%%) | %.2f | %.1f%% | %.1f%% | %.4f | %.0f |\n", lv, r.Found, r.Total, 100*float64(r.Found)/float64(max(r.Total, 1)),
			r.CentreError, 100*r.FWHMError, 100*r.HeightError, r.MedianR2, r.FitsPerS)
	}
	return nil
}

func splitComma(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// runBenchNIST fits every one-predictor NIST StRD problem from both starts
// and prints the log relative errors against the certified values.
func runBenchNIST(args []string) error {
	fs := newFlags("bench nist", "--data DIR [--json]")
	data := fs.String("data", "", "folder of the NIST StRD nonlinear-regression .dat files (Misra1a.dat, ...)")
	asJSON := fs.Bool("json", false, "print the runs as one JSON array")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" {
		return usagef("--data: name the folder of NIST StRD .dat files")
	}
	probs, err := nist.ReadDir(*data)
	if err != nil {
		return err
	}
	var runs []nist.Result
	for _, p := range probs {
		if p.Predictors != 1 {
			continue
		}
		for start := 1; start <= 2; start++ {
			runs = append(runs, nist.Run(p, start, nist.Options))
		}
	}
	if *asJSON {
		js, err := json.MarshalIndent(runs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Println(string(js))
		return err
	}
	fmt.Print(nist.Table(runs))
	return nil
}
