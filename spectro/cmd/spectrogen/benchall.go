package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets/examples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/experiment/demo"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"github.com/spectrogen-go/spectrogen/spectro/model"
	"github.com/spectrogen-go/spectrogen/spectro/pretrained"
)

// benchReport is `spectrogen bench`'s one table (and its --json object).
type benchReport struct {
	GoVersion     string             `json:"go_version"`
	Platform      string             `json:"platform"`
	Cores         int                `json:"cores"`
	Backend       string             `json:"backend"`
	BackendConfig string             `json:"backend_config"`
	LineShapeNs   map[string]float64 `json:"lineshape_ns_per_point"`
	FitMs         float64            `json:"fit_ms"` // one fit, 1–8 pseudo-Voigt peaks + line, 1024 points, one core
	BatchFits     int                `json:"batch_fits"`
	BatchFitsPerS float64            `json:"batch_fits_per_s"` // all cores
	BatchMedianR2 float64            `json:"batch_median_r2"`
	SynthPerS     float64            `json:"synthetic_spectra_per_s"` // one core
	Models        []modelBench       `json:"models"`
	Demo          []demo.Stage       `json:"demo_stages,omitempty"`
	DemoSeconds   float64            `json:"demo_seconds,omitempty"`
}

// modelBench is one model's training and generation speed.
type modelBench struct {
	Name          string  `json:"name"`
	MsPerStep     float64 `json:"train_ms_per_step,omitempty"` // batch 32, after the first 10 steps (graph building)
	GenPerS       float64 `json:"generate_spectra_per_s"`      // decoded latent mean
	GenBandPerS   float64 `json:"generate_band_spectra_per_s"` // with a 30-sample band
	GeneratedWith int     `json:"generated_batch"`
}

// runBenchAll measures everything `spectrogen bench` reports, on this machine.
func runBenchAll(ctx context.Context, args []string) error {
	fs := newFlags("bench", "[--json] [--steps 60] [--demo] [--backend CONFIG]")
	asJSON := fs.Bool("json", false, "print one JSON object")
	steps := fs.Int("steps", 60, "training steps per timed model (the first 10 are not timed)")
	withDemo := fs.Bool("demo", false, "also run `spectrogen demo` (minutes) and report each stage's seconds")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *steps < 20 {
		return usagef("--steps: at least 20 (the first 10 are not timed)")
	}
	b, err := backend.New(*backendCfg)
	if err != nil {
		return err
	}
	r := benchReport{GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Cores: runtime.NumCPU(),
		Backend: backend.Describe(b), BackendConfig: backend.Config(*backendCfg), LineShapeNs: map[string]float64{}}
	logf := func(format string, a ...any) {
		if !*asJSON {
			fmt.Fprintf(os.Stderr, format, a...)
		}
	}

	logf("line shapes ...\n")
	xs := spectro.DefaultGrid(spectro.Raman).Points()
	for _, sh := range []lineshape.Shape{lineshape.Gaussian, lineshape.Lorentzian, lineshape.PseudoVoigt, lineshape.Voigt} {
		p := []float64{800, 12, 1, 0.5}[:sh.NumParams()]
		if sh == lineshape.Voigt {
			p = []float64{800, 8, 6, 1}
		}
		sink, n := 0.0, 0
		start := time.Now()
		for time.Since(start) < 200*time.Millisecond {
			for _, x := range xs {
				sink += sh.Eval(x, p)
			}
			n += len(xs)
		}
		r.LineShapeNs[sh.String()] = float64(time.Since(start).Nanoseconds()) / float64(n)
		_ = sink
	}

	logf("peak fitting ...\n")
	_, jobs, err := benchSpectra(200, 1)
	if err != nil {
		return err
	}
	start := time.Now()
	for _, j := range jobs[:40] {
		if _, err := fit.Fit(j.X, j.Y, j.Model, fit.Options{}); err != nil {
			return err
		}
	}
	r.FitMs = time.Since(start).Seconds() * 1000 / 40
	start = time.Now()
	results := fit.FitBatch(ctx, jobs, fit.Options{}, runtime.GOMAXPROCS(0), nil)
	r.BatchFits, r.BatchFitsPerS = len(jobs), float64(len(jobs))/time.Since(start).Seconds()
	var r2 []float64
	for _, res := range results {
		if res.Err == nil {
			r2 = append(r2, res.Result.R2)
		}
	}
	r.BatchMedianR2 = eval.Median(r2)

	logf("synthetic spectra ...\n")
	sc := synth.DefaultConfig()
	sp := synth.NewSpecies(1, chem.Carbonate, 0)
	n := 0
	start = time.Now()
	for time.Since(start) < 300*time.Millisecond {
		sp.Sample(sc, n)
		n++
	}
	r.SynthPerS = float64(3*n) / time.Since(start).Seconds()

	col, err := synth.Generate(sc)
	if err != nil {
		return err
	}
	var srcs []*spectro.Spectrum
	for _, s := range col.Samples[:64] {
		srcs = append(srcs, s.Spectra[spectro.Infrared][0])
	}
	work, err := os.MkdirTemp("", "spectrogen-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	for _, m := range []struct{ name, settings string }{
		{"default model (infrared → Raman, synthetic pairs)", ""},
		{"retrieval model (the real-data recipe, retrieval_k=8), synthetic pairs", "retrieval_k=8"},
	} {
		logf("training %s, %d steps ...\n", m.name, *steps)
		dir := filepath.Join(work, fmt.Sprint(len(r.Models)))
		var t10 time.Time
		var t10Step, lastStep int
		var tLast time.Time
		if _, err := model.Train(model.TrainConfig{FitCache: fitCache(), Context: ctx, Collection: col, OutDir: dir, From: spectro.Infrared, To: spectro.Raman,
			Steps: *steps, Backend: *backendCfg, Settings: joinSettings("checkpoint_every=100000;eval_every=100000", m.settings), Log: io.Discard,
			OnStep: func(step int, _, _ float64) {
				if step == 10 {
					t10, t10Step = time.Now(), step
				}
				tLast, lastStep = time.Now(), step
			}}); err != nil {
			return err
		}
		g, err := openModel(dir, *backendCfg)
		if err != nil {
			return err
		}
		mb, err := timeGeneration(g, srcs)
		if err != nil {
			return err
		}
		mb.Name, mb.MsPerStep = m.name, float64(tLast.Sub(t10).Milliseconds())/float64(max(1, lastStep-t10Step))
		r.Models = append(r.Models, mb)
	}
	logf("the shipped real-data model ...\n")
	if g, err := pretrained.Load("rruff", *backendCfg); err == nil {
		g.SetFitCache(fitCache())
		ex, err := examples.RRUFF()
		if err != nil {
			return err
		}
		var real []*spectro.Spectrum
		for len(real) < 64 {
			for _, p := range ex.Pairs(spectro.Infrared, spectro.Raman) {
				real = append(real, p.Source)
			}
		}
		mb, err := timeGeneration(g, real[:64])
		if err != nil {
			return err
		}
		mb.Name = "shipped model rruff (retrieval over 1,397 RRUFF pairs)"
		r.Models = append(r.Models, mb)
	} else {
		return err
	}

	if *withDemo {
		logf("running the demo ...\n")
		out := filepath.Join(work, "demo")
		res, err := demo.Run(ctx, demo.Options{Out: out, Backend: *backendCfg, FitCache: fitCache(), Log: io.Discard})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		r.Demo, r.DemoSeconds = res.Stages, res.Seconds
	}

	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	printBench(os.Stdout, r)
	return nil
}

func joinSettings(a, b string) string {
	if b == "" {
		return a
	}
	return a + ";" + b
}

// timeGeneration generates a batch twice (the first builds the graphs) and
// times the second, without and with a 30-sample band. The fit cache is off
// meanwhile, so the times include fitting each source's peaks, as for
// spectra never seen before.
func timeGeneration(g *model.Generator, srcs []*spectro.Spectrum) (modelBench, error) {
	mb := modelBench{GeneratedWith: len(srcs)}
	defer g.SetFitCache(g.FitCache())
	g.SetFitCache(features.Off)
	for _, samples := range []int{0, 30} {
		if _, err := g.Generate(srcs, samples, 1); err != nil {
			return mb, err
		}
		start := time.Now()
		if _, err := g.Generate(srcs, samples, 2); err != nil {
			return mb, err
		}
		rate := float64(len(srcs)) / time.Since(start).Seconds()
		if samples == 0 {
			mb.GenPerS = rate
		} else {
			mb.GenBandPerS = rate
		}
	}
	return mb, nil
}

func printBench(w io.Writer, r benchReport) {
	fmt.Fprintf(w, "SpectroGen-Go bench: %s, %s, %d cores; backend %s (config %s)\n\n", r.GoVersion, r.Platform, r.Cores, r.Backend, r.BackendConfig)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "what\tnumber")
	for _, sh := range []string{"gauss", "lorentz", "pvoigt", "voigt"} {
		fmt.Fprintf(tw, "line shape %s, one point\t%.1f ns\n", sh, r.LineShapeNs[sh])
	}
	fmt.Fprintf(tw, "one fit (1–8 pseudo-Voigt peaks + line, 1024 points, one core)\t%.2f ms\n", r.FitMs)
	fmt.Fprintf(tw, "batch of %d fits, all cores\t%.0f fits/s (median R² %.4f)\n", r.BatchFits, r.BatchFitsPerS, r.BatchMedianR2)
	fmt.Fprintf(tw, "synthetic spectra, one core\t%.0f spectra/s\n", r.SynthPerS)
	for _, m := range r.Models {
		if m.MsPerStep > 0 {
			fmt.Fprintf(tw, "%s: training step, batch 32\t%.0f ms\n", m.Name, m.MsPerStep)
		}
		fmt.Fprintf(tw, "%s: generation (batch %d)\t%.0f spectra/s; with a 30-sample band %.0f spectra/s\n", m.Name, m.GeneratedWith, m.GenPerS, m.GenBandPerS)
	}
	for _, st := range r.Demo {
		fmt.Fprintf(tw, "demo: %s\t%.1f s (%.0f%%)\n", st.Name, st.Seconds, 100*st.Seconds/r.DemoSeconds)
	}
	if r.DemoSeconds > 0 {
		fmt.Fprintf(tw, "demo in all\t%.1f s\n", r.DemoSeconds)
	}
	tw.Flush()
	if math.IsNaN(r.BatchMedianR2) {
		fmt.Fprintln(w, "(no batch fit converged)")
	}
}
