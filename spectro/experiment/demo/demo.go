// Package demo is the main job on the embedded synthetic data, as one run:
// it writes the synthetic dataset as files and reads them back, fits the
// Raman spectra's peaks, trains an infrared → Raman model holding out whole
// species and scores it against the baselines, optionally compares the
// line-shape priors, classifies from measured and generated spectra, and
// translates real RRUFF samples with the shipped model in every direction —
// writing figures, report.md and stages.json (each stage's time) into one
// folder. `spectrogen demo` runs it.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/plot"

	"github.com/spectrogen-go/spectrogen/datasets/examples"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
	"github.com/spectrogen-go/spectrogen/spectro/classifier"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/experiment"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/model"
	"github.com/spectrogen-go/spectrogen/spectro/plots"
	"github.com/spectrogen-go/spectrogen/spectro/pretrained"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// demoStep prints one progress line per stage with its duration, and keeps
// the durations for the report (and for `spectrogen bench --demo`).
type demoStep struct {
	n, total int
	start    time.Time
	name     string
	stages   []Stage
	log      io.Writer
	fits     *features.DiskCache // where peak fits are kept between runs
}

// Stage is one stage of the demo and its wall time.
type Stage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

func (d *demoStep) begin(format string, args ...any) {
	d.n++
	d.start = time.Now()
	d.name = fmt.Sprintf(format, args...)
	fmt.Fprintf(d.log, "[%d/%d] %s ... ", d.n, d.total, d.name)
}

func (d *demoStep) end(format string, args ...any) {
	sec := time.Since(d.start).Seconds()
	d.stages = append(d.stages, Stage{d.name, sec})
	fmt.Fprintf(d.log, "%s (%.1fs)\n", fmt.Sprintf(format, args...), sec)
}

// stageTable is the report's table of stage times and shares.
func (d *demoStep) stageTable(total float64) string {
	var b strings.Builder
	b.WriteString("| stage | seconds | share |\n|---|---|---|\n")
	for _, st := range d.stages {
		fmt.Fprintf(&b, "| %s | %.1f | %.0f%% |\n", st.Name, st.Seconds, 100*st.Seconds/total)
	}
	fmt.Fprintf(&b, "| **in all** | %.1f | 100%% |\n", total)
	return b.String()
}

// DefaultSteps is the main model's training length when Options.Steps is 0.
const DefaultSteps = 1200

// Options are a demo run's settings; zero values take the defaults of
// `spectrogen demo`.
type Options struct {
	Out        string      // the folder for the report, figures and data (required)
	Seed       uint64      // of the synthetic dataset (0: 1)
	Backend    string      // GoMLX backend config ("": the default)
	Steps      int         // training steps of the main model (0: DefaultSteps)
	Prior      model.Prior // its decoder line shape ("": model.TCH, measured best)
	PriorSteps int         // steps of each model of the prior comparison (0: skip it)
	Settings   string      // the main model's hyperparameters, "key=value;..."
	// FitCache keeps peak fits between runs (nil: features.User()).
	FitCache *features.DiskCache
	Log      io.Writer // progress lines (default os.Stdout)
}

// Result is what a run measured besides its files.
type Result struct {
	Stages  []Stage
	Seconds float64
	Report  string // the report's path
}

// Run runs the demo and writes its files into opt.Out.
func Run(ctx context.Context, opt Options) (*Result, error) {
	if opt.Log == nil {
		opt.Log = os.Stdout
	}
	if opt.FitCache == nil {
		opt.FitCache = features.User()
	}
	if opt.Out == "" {
		return nil, errors.New("demo: no output folder (Options.Out)")
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.Steps == 0 {
		opt.Steps = DefaultSteps
	}
	if opt.Prior == "" {
		opt.Prior = model.TCH
	}
	return run(ctx, opt)
}

func run(ctx context.Context, opt Options) (*Result, error) {
	t0 := time.Now()
	step := &demoStep{total: 10, log: opt.Log, fits: opt.FitCache}
	if opt.PriorSteps == 0 {
		step.total--
	}
	var report strings.Builder
	fmt.Fprintf(&report, "# SpectroGen-Go demo report\n\nGenerated %s by `spectrogen demo --seed %d`.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), opt.Seed)

	step.begin("checking the model backend")
	b, err := backend.New(opt.Backend)
	if err != nil {
		return nil, err
	}
	step.end("%s", backend.Describe(b))
	fmt.Fprintf(&report, "Backend: %s (config `%s`).\n\n", backend.Describe(b), backend.Config(opt.Backend))

	step.begin("generating the synthetic dataset")
	cfg := synth.DefaultConfig()
	cfg.Seed = opt.Seed
	gen := time.Now()
	col, err := synth.Generate(cfg)
	if err != nil {
		return nil, err
	}
	genTime := time.Since(gen)
	dataDir := filepath.Join(opt.Out, "data")
	if err := os.RemoveAll(dataDir); err != nil {
		return nil, err
	}
	if err := synth.Write(col, dataDir, cfg.AllSpecies()); err != nil {
		return nil, err
	}
	nSpectra := 0
	for _, n := range col.Counts() {
		nSpectra += n
	}
	step.end("%d samples, %d spectra in %s", len(col.Samples), nSpectra, dataDir)

	step.begin("reading the files back")
	loaded, err := samples.LoadDir(dataDir, samples.Options{})
	if err != nil {
		return nil, err
	}
	if len(loaded.Errors) > 0 {
		return nil, fmt.Errorf("reading %s: %v", dataDir, loaded.Errors[0].Err)
	}
	step.end("%d samples", len(loaded.Samples))
	fmt.Fprintf(&report, "## Data\n\n```\n%s```\n\nGenerated %d spectra in %.2f s (%.0f spectra/s on one core).\n\n",
		loaded.Summary(), nSpectra, genTime.Seconds(), float64(nSpectra)/genTime.Seconds())
	report.WriteString("| class | species | samples |\n|---|---|---|\n")
	for _, class := range synth.Classes {
		sp, n := map[string]bool{}, 0
		for _, s := range loaded.Samples {
			if s.Class == class {
				sp[s.Mineral] = true
				n++
			}
		}
		fmt.Fprintf(&report, "| %s | %d | %d |\n", class.Title(), len(sp), n)
	}

	step.begin("resampling, normalising and plotting one sample per class")
	var panels []*plot.Plot
	for _, class := range synth.Classes {
		s := firstOfClass(loaded, class)
		for _, m := range spectro.Modalities {
			g, err := s.Spectra[m][0].OnGrid(spectro.DefaultGrid(m))
			if err != nil {
				return nil, err
			}
			p, err := plots.Overlay(fmt.Sprintf("%s (%s): %s", s.Mineral, class, m), plots.Series{Spectrum: g})
			if err != nil {
				return nil, err
			}
			panels = append(panels, p)
		}
	}
	if err := plots.WriteFile(filepath.Join(opt.Out, "sample.png"), panels[:3]...); err != nil {
		return nil, err
	}
	img, err := plots.Grid("png", 3, panels...)
	if err != nil {
		return nil, err
	}
	fig := filepath.Join(opt.Out, "classes.png")
	if err := atomicfile.Write(fig, img); err != nil {
		return nil, err
	}
	step.end("%s", fig)
	fmt.Fprintf(&report, "\n## One sample per class\n\nInfrared, Raman and XRD of the same specimen, on the evaluation grids, min-max scaled.\n\n![classes](classes.png)\n")
	g, split, err := demoModel(ctx, step, loaded, opt.Out, opt.Steps, opt.Prior, opt.Backend, opt.Settings, &report)
	if err != nil {
		return nil, err
	}
	if opt.PriorSteps > 0 {
		if err := demoPriors(ctx, step, split, opt.Out, opt.PriorSteps, opt.Backend, &report); err != nil {
			return nil, err
		}
	}
	if err := demoClassify(step, loaded, g, b, opt.Out, &report); err != nil {
		return nil, err
	}
	if err := demoReal(step, opt.Out, opt.Backend, &report); err != nil {
		return nil, err
	}
	total := time.Since(t0).Seconds()
	fmt.Fprintf(&report, "\n## Time per stage\n\n%s\nTotal run time %.1f s.\n", step.stageTable(total), total)
	stages, err := json.MarshalIndent(map[string]any{"stages": step.stages, "seconds": total}, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(opt.Out, "stages.json"), append(stages, '\n')); err != nil {
		return nil, err
	}
	rep := filepath.Join(opt.Out, "report.md")
	if err := atomicfile.Write(rep, []byte(report.String())); err != nil {
		return nil, err
	}
	fmt.Fprintf(opt.Log, "report: %s (%.1fs in all)\n", rep, time.Since(t0).Seconds())
	return &Result{Stages: step.stages, Seconds: total, Report: rep}, nil
}

func firstOfClass(c *collection.Collection, class chem.Class) *collection.Sample {
	for _, s := range c.Samples {
		if s.Class == class {
			return s
		}
	}
	return c.Samples[0]
}

// demoSplit is the demo's training and test pairs (test: held-out species).
type demoSplit struct{ train, test []collection.Pair }

// demoModel fits the Raman spectra's peaks, trains an infrared → Raman model
// holding out whole species, and evaluates it against the baselines.
func demoModel(ctx context.Context, step *demoStep, col *collection.Collection, out string, steps int, prior model.Prior, backendCfg, settings string, report *strings.Builder) (*model.Generator, demoSplit, error) {
	step.begin("fitting the peaks of every Raman spectrum")
	jobs := experiment.RamanFitJobs(col)
	fitStart := time.Now()
	results := fit.FitBatch(ctx, jobs, fit.Options{}, 0, nil)
	var r2 []float64
	for _, r := range results {
		if r.Err == nil {
			r2 = append(r2, r.Result.R2)
		}
	}
	rate := float64(len(jobs)) / time.Since(fitStart).Seconds()
	step.end("%d fits, median R² %.4f, %.0f fits/s", len(r2), eval.Median(r2), rate)
	fmt.Fprintf(report, "\n## Peak fitting\n\n%d Raman spectra fitted with up to 12 pseudo-Voigt lines and a linear baseline: median R² %.4f, %.0f fits/s on all cores.\n",
		len(r2), eval.Median(r2), rate)

	step.begin("training an infrared → Raman model (%d steps, whole species held out)", steps)
	fmt.Fprintln(step.log)
	pairs := col.Pairs(spectro.Infrared, spectro.Raman)
	trainP, testP := collection.SplitPairs(pairs, collection.BySpecies, 0.2, 7)
	dir := filepath.Join(out, "model-ir2raman")
	if err := os.RemoveAll(dir); err != nil {
		return nil, demoSplit{}, err
	}
	// No validation set: the demo trains a fixed number of steps (no early
	// stopping), so every training species is used; the test species stay unseen.
	sum, err := model.Train(model.TrainConfig{FitCache: step.fits, OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: steps, Prior: prior, Backend: backendCfg,
		Settings: settings, TrainPairs: trainP, Context: ctx, Log: step.log})
	if err != nil {
		return nil, demoSplit{}, err
	}
	step.end("%.0f ms/step", sum.MsPerStep)

	step.begin("generating and evaluating the %d pairs of held-out species", len(testP))
	g, err := model.LoadCaching(dir, backendCfg, step.fits)
	if err != nil {
		return nil, demoSplit{}, err
	}
	rep, err := experiment.Evaluate(g, trainP, testP)
	if err != nil {
		return nil, demoSplit{}, err
	}
	step.end("model Pearson %.3f, pk@5v5 %.3f", rep.Model.Pearson, rep.Model.PK5)
	fmt.Fprintf(report, "\n## Infrared → Raman on species never seen in training\n\n%s prior, trained %d steps (%.0f ms/step, %.0f s) on %d pairs; tested on %d pairs of %d held-out species. Metrics from the evaluation protocol (Pearson r, RMSE after rescaling, RMSE of the clipped output, share of the 5 main measured peaks matched within ±10 cm⁻¹).\n\n%s",
		prior, sum.Steps, sum.MsPerStep, sum.Seconds, len(trainP), len(testP), len(collection.SpeciesOf(testP)), rep.Table())

	// Figures: overlays with bands for four held-out species, and the distribution of r.
	var srcs []*spectro.Spectrum
	var tgts []*spectro.Spectrum
	seen := map[string]bool{}
	for _, p := range testP {
		if !seen[p.Sample.Mineral] && len(srcs) < 4 {
			seen[p.Sample.Mineral] = true
			srcs = append(srcs, p.Source)
			t, _ := p.Target.OnGrid(spectro.DefaultGrid(spectro.Raman))
			tgts = append(tgts, t)
		}
	}
	gens, err := g.Generate(srcs, 30, 1)
	if err != nil {
		return nil, demoSplit{}, err
	}
	var panels []*plot.Plot
	for i, gen := range gens {
		mean, lo, hi := gen.Scaled()
		p, err := plots.Overlay(fmt.Sprintf("%s (held out): Raman from infrared", srcs[i].Meta.Mineral),
			plots.Series{Label: "measured", Spectrum: tgts[i]},
			plots.Series{Label: "generated (5–95% band), min-max scaled", Spectrum: mean, Dashed: true, Lower: lo, Upper: hi})
		if err != nil {
			return nil, demoSplit{}, err
		}
		panels = append(panels, p)
	}
	img, err := plots.Grid("png", 2, panels...)
	if err != nil {
		return nil, demoSplit{}, err
	}
	if err := atomicfile.Write(filepath.Join(out, "generated.png"), img); err != nil {
		return nil, demoSplit{}, err
	}
	rs := map[string][]float64{"model": nil}
	for _, sc := range rep.Scores {
		rs["model"] = append(rs["model"], sc.Pearson)
	}
	for n, ss := range rep.BaselineScores {
		for _, sc := range ss {
			rs[n] = append(rs[n], sc.Pearson)
		}
	}
	hist, err := plots.Histograms("Pearson r on held-out species", "Pearson r", 20, -0.2, 1, rs, "model", "nn1", "pca_ridge", "mean")
	if err != nil {
		return nil, demoSplit{}, err
	}
	if err := plots.WriteFile(filepath.Join(out, "pearson.png"), hist); err != nil {
		return nil, demoSplit{}, err
	}
	fmt.Fprintf(report, "\n![generated](generated.png)\n\n![pearson](pearson.png)\n")
	return g, demoSplit{trainP, testP}, nil
}

// demoPriors trains one short model per line shape on the same split and
// compares them with the baselines (the paper's comparison of priors).
func demoPriors(ctx context.Context, step *demoStep, split demoSplit, out string, steps int, backendCfg string, report *strings.Builder) error {
	priors := []model.Prior{model.Gauss, model.Lorentz, model.TCH}
	step.begin("comparing line-shape priors: %d models of %d steps", len(priors), steps)
	fmt.Fprintln(step.log)
	vals := map[string][]float64{"Pearson r": nil, "pk@5v5": nil}
	// The three trainings run at once: one training leaves part of the
	// second core idle on the pure-Go backend, and they are independent.
	reps := make([]*experiment.Report, len(priors))
	errs := make([]error, len(priors))
	var wg sync.WaitGroup
	for i, p := range priors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = trainAndEvaluatePrior(ctx, split, filepath.Join(out, "model-prior-"+string(p)), p, steps, backendCfg, step.fits)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, p := range priors {
		fmt.Fprintf(step.log, "      %-8s Pearson %.3f  pk@5v5 %.3f\n", p, reps[i].Model.Pearson, reps[i].Model.PK5)
		vals["Pearson r"] = append(vals["Pearson r"], reps[i].Model.Pearson)
		vals["pk@5v5"] = append(vals["pk@5v5"], reps[i].Model.PK5)
	}
	rep := reps[len(reps)-1]
	var groups []string
	for _, p := range priors {
		groups = append(groups, string(p))
	}
	for _, b := range []string{"nn1", "pca_ridge", "mean"} {
		groups = append(groups, b)
		vals["Pearson r"] = append(vals["Pearson r"], rep.Baselines[b].Pearson)
		vals["pk@5v5"] = append(vals["pk@5v5"], rep.Baselines[b].PK5)
	}
	p, err := plots.Bars(fmt.Sprintf("Line-shape priors, %d steps each, held-out species (baselines right)", steps), "score", groups, vals, "Pearson r", "pk@5v5")
	if err != nil {
		return err
	}
	if err := plots.WriteFile(filepath.Join(out, "priors.png"), p); err != nil {
		return err
	}
	step.end("%s", filepath.Join(out, "priors.png"))
	fmt.Fprintf(report, "\n## Line-shape priors\n\nThe same split, %d training steps per prior (shorter than the main model, so lower scores).\n\n| prior or baseline | Pearson | pk@5v5 |\n|---|---|---|\n", steps)
	for i, g := range groups {
		fmt.Fprintf(report, "| %s | %.3f | %.3f |\n", g, vals["Pearson r"][i], vals["pk@5v5"][i])
	}
	fmt.Fprintf(report, "\n![priors](priors.png)\n")
	return nil
}

// demoClassify predicts chemical class and species from measured infrared,
// measured Raman, the demo model's generated Raman, and infrared + generated.
func demoClassify(step *demoStep, col *collection.Collection, g *model.Generator, b backends.Backend, out string, report *strings.Builder) error {
	step.begin("classifying from measured and generated spectra (1-NN and a GoMLX perceptron)")
	items, kinds, _, err := experiment.Labelled(col, spectro.Infrared, spectro.Raman, g)
	if err != nil {
		return err
	}
	// The perceptron (60 trainings for every task) runs on the task that
	// tests generalisation, the class of unseen species; 1-NN covers all
	// three. `spectrogen classify` and notebook 06 run the perceptron on all.
	lso := classifier.Task{Label: eval.Class, Split: collection.BySpecies}
	rep, err := classifier.Evaluate(b, items, kinds, classifier.Options{Seed: 1, PerceptronTasks: []classifier.Task{lso}})
	if err != nil {
		return err
	}
	var panels []*plot.Plot
	for _, k := range []string{"source", "generated"} {
		c := rep.Confusion(classifier.Perceptron, lso, k)
		name := map[string]string{"source": "measured infrared", "generated": "generated Raman"}[k]
		p, err := plots.Matrix(fmt.Sprintf("class from %s: %.0f%% (leave-species-out)", name, 100*c.Accuracy()), c.Labels, c.Counts)
		if err != nil {
			return err
		}
		panels = append(panels, p)
	}
	img, err := plots.Row("png", panels...)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(out, "confusion.png"), img); err != nil {
		return err
	}
	step.end("class from infrared %.3f, from generated Raman %.3f (perceptron, leave-species-out)", rep.Get(classifier.Perceptron, lso, "source"), rep.Get(classifier.Perceptron, lso, "generated"))
	fmt.Fprintf(report, "\n## Classification\n\n%d samples. 1-NN is leave-one-out; the perceptron is 5-fold cross-validated by species, on the class of unseen species only (`spectrogen classify` runs it on every task). "+
		"\"generated\" is the demo model's Raman from each sample's infrared (the model saw the training species' Raman, so for them it is close to measured).\n\n%s\n![confusion](confusion.png)\n",
		rep.N, rep.Table())
	return nil
}

// demoReal translates the example RRUFF samples with the shipped real-data
// model in every direction their files allow and shows each beside the
// measured spectrum, with its calibrated band and the neighbours it drew on.
func demoReal(step *demoStep, out, backendCfg string, report *strings.Builder) error {
	step.begin("translating real RRUFF spectra with the shipped model %q in every direction", "rruff")
	g, err := pretrained.Load("rruff", backendCfg)
	if err != nil {
		return err
	}
	g.SetFitCache(step.fits)
	col, err := examples.RRUFF()
	if err != nil {
		return err
	}
	fmt.Fprintf(report, "\n## Real minerals: the shipped model\n\nThe shipped model `rruff` (infrared, Raman and XRD in every direction, trained on RRUFF; see the README's model card) "+
		"translates the example RRUFF samples it never saw (`datasets/examples`; data: RRUFF project, Lafuente et al. 2015) in every direction their files allow. "+
		"Pearson r, pk@5v5 and the share of measured points inside the calibrated 90 %% band, against the measured spectrum; \"based on\" lists the library pairs the model drew on, with their weights.\n\n"+
		"| direction | mineral | RRUFF id | Pearson | pk@5v5 | band coverage | based on |\n|---|---|---|---|---|---|---|\n")
	// One figure per target group: Raman from infrared, infrared from Raman, and XRD both ways.
	figures := []struct {
		file string
		dirs []model.Direction
	}{
		{"real.png", []model.Direction{{From: spectro.Infrared, To: spectro.Raman}}},
		{"real-infrared.png", []model.Direction{{From: spectro.Raman, To: spectro.Infrared}}},
		{"real-xrd.png", []model.Direction{{From: spectro.Infrared, To: spectro.XRD}, {From: spectro.Raman, To: spectro.XRD}, {From: spectro.XRD, To: spectro.Infrared}, {From: spectro.XRD, To: spectro.Raman}}},
	}
	var rs []float64
	var images []string
	n := 0
	for _, fig := range figures {
		var panels []*plot.Plot
		for _, d := range fig.dirs {
			gd, err := g.For(d.From, d.To)
			if err != nil {
				return err
			}
			pairs := col.Pairs(d.From, d.To)
			if len(pairs) == 0 {
				continue
			}
			srcs := make([]*spectro.Spectrum, len(pairs))
			for i, p := range pairs {
				srcs[i] = p.Source
			}
			gens, err := gd.Generate(srcs, 30, 1)
			if err != nil {
				return err
			}
			gt := spectro.DefaultGrid(d.To)
			for i, p := range pairs {
				tgt, err := p.Target.OnGrid(gt)
				if err != nil {
					return err
				}
				sc := eval.Score(gens[i].Expected, tgt.Y, gt.Points(), d.To.PeakTolerance())
				mean, lo, hi := gens[i].Scaled()
				cov := eval.BandCoverage(lo, hi, tgt.Y, p.Target.Measured(gt.Points()))
				rs = append(rs, sc.Pearson)
				n++
				fmt.Fprintf(report, "| %s | %s | %s | %.3f | %.2f | %.2f | %s |\n", d, p.Sample.Mineral, p.Sample.Key, sc.Pearson, sc.PK5, cov.Points, retrieval.Describe(gens[i].Neighbours, 3))
				label := "measured"
				if d.To == spectro.Raman {
					label = "measured (532 nm)"
				}
				pl, err := plots.Overlay(fmt.Sprintf("%s %s: %s from %s (r %.2f)", p.Sample.Mineral, p.Sample.Key, d.To.Title(), strings.ToLower(d.From.Title()), sc.Pearson),
					plots.Series{Label: label, Spectrum: tgt},
					plots.Series{Label: "generated (calibrated 90% band)", Spectrum: mean, Dashed: true, Lower: lo, Upper: hi})
				if err != nil {
					return err
				}
				panels = append(panels, pl)
			}
		}
		if len(panels) == 0 {
			continue
		}
		img, err := plots.Grid("png", 2, panels...)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(out, fig.file), img); err != nil {
			return err
		}
		images = append(images, fmt.Sprintf("![%s](%s)", strings.TrimSuffix(fig.file, ".png"), fig.file))
	}
	fmt.Fprintf(report, "\n%s\n", strings.Join(images, "\n\n"))
	step.end("%d real translations in %d directions, mean Pearson %.3f; %s", n, len(g.Directions()), floats.Sum(rs)/float64(len(rs)), filepath.Join(out, "real*.png"))
	return nil
}

// trainAndEvaluatePrior trains one model of the prior comparison in dir,
// scores it on the held-out species and removes it.
func trainAndEvaluatePrior(ctx context.Context, split demoSplit, dir string, prior model.Prior, steps int, backendCfg string, fits *features.DiskCache) (*experiment.Report, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if _, err := model.Train(model.TrainConfig{FitCache: fits, OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: steps, Prior: prior, Backend: backendCfg,
		TrainPairs: split.train, Context: ctx, Log: io.Discard}); err != nil {
		return nil, fmt.Errorf("%s prior: %w", prior, err)
	}
	g, err := model.LoadCaching(dir, backendCfg, fits)
	if err != nil {
		return nil, err
	}
	return experiment.Evaluate(g, split.train, split.test)
}
