package model

import (
	gocontext "context"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// Report is the outcome of evaluating a model and the baselines on test pairs;
// its JSON is what `spectrogen eval --json` prints.
type Report struct {
	From      spectro.Modality        `json:"from"`
	To        spectro.Modality        `json:"to"`
	N         int                     `json:"n"`
	Model     eval.Summary            `json:"model"`
	Baselines map[string]eval.Summary `json:"baselines"`
	// Ceiling: measured vs measured ("sample": same sample, other measurement;
	// "species": same species, other sample), where the test data has repeats.
	Ceiling map[string]eval.Summary `json:"ceiling,omitempty"`
	// Subsets scores the test pairs of species the training pairs hold
	// ("known species") apart from the others ("new species"), when there are
	// both (a split by sample: many RRUFF species have one sample, so a new
	// sample is often a new species too). Over cross-validation folds the
	// pairs are pooled.
	Subsets []Subset `json:"subsets,omitempty"`
	// Coverage is how much of the measured spectra the model's band holds
	// (the evaluation protocol's band coverage; a calibrated 90 % band holds
	// 0.85–0.95). Calibrated says whether the band was the calibrated one.
	Coverage   *eval.CoverageSummary    `json:"coverage,omitempty"`
	Calibrated bool                     `json:"band_calibrated"`
	Scores     []eval.Scores            `json:"-"` // the model's, per test pair
	coverage   []eval.Coverage          // per test pair
	Generated  []Generated              `json:"-"`
	Test       []Example                `json:"-"`
	baseline   map[string][]eval.Scores // per baseline, per test pair
	known      []bool                   // per test pair: its species is in the training pairs
}

// Subset is the model's and the baselines' scores on part of the test pairs.
type Subset struct {
	Name      string                  `json:"name"`
	N         int                     `json:"n"`
	Model     eval.Summary            `json:"model"`
	Baselines map[string]eval.Summary `json:"baselines"`
	Coverage  *eval.CoverageSummary   `json:"coverage,omitempty"`
}

// subsets splits per-pair scores into known and new species; nil unless both occur.
func subsets(model []eval.Scores, base map[string][]eval.Scores, cov []eval.Coverage, known []bool) []Subset {
	var out []Subset
	for _, want := range []bool{true, false} {
		sub := Subset{Name: map[bool]string{true: "known species", false: "new species"}[want], Baselines: map[string]eval.Summary{}}
		pick := func(ss []eval.Scores) []eval.Scores {
			var kept []eval.Scores
			for i, s := range ss {
				if known[i] == want {
					kept = append(kept, s)
				}
			}
			return kept
		}
		m := pick(model)
		if len(m) == 0 || len(m) == len(model) {
			return nil
		}
		sub.N, sub.Model = len(m), eval.Summarize(m)
		for name, ss := range base {
			sub.Baselines[name] = eval.Summarize(pick(ss))
		}
		if len(cov) == len(known) {
			var kept []eval.Coverage
			for i, c := range cov {
				if known[i] == want {
					kept = append(kept, c)
				}
			}
			cs := eval.SummarizeCoverage(kept)
			sub.Coverage = &cs
		}
		out = append(out, sub)
	}
	return out
}

// knownSpecies reports, per test pair, whether a training pair has its species.
func knownSpecies(trainPairs, testPairs []collection.Pair) []bool {
	seen := map[string]bool{}
	for _, p := range trainPairs {
		seen[collection.MineralKey(p.Sample.Mineral)] = true
	}
	known := make([]bool, len(testPairs))
	for i, p := range testPairs {
		known[i] = seen[collection.MineralKey(p.Sample.Mineral)]
	}
	return known
}

// BaselineNames lists the baselines in report order.
var BaselineNames = []string{"mean", "nn1", "pca_ridge", "knn"}

// UsablePairs returns the collection's from → to pairs of spectra that cover
// the default grids (see collection.MinCoverage), saying on log how many files
// were left out and why (e.g. far-infrared files on the mid-infrared grid).
func UsablePairs(col *collection.Collection, from, to spectro.Modality, log io.Writer) []collection.Pair {
	gs, gt := spectro.DefaultGrid(from), spectro.DefaultGrid(to)
	pairs, left := col.PairsOnGrids(from, to, gs, gt)
	if len(left) > 0 && log != nil {
		fmt.Fprintf(log, "left out %d %s/%s files that cover under %.0f%% of their grid (%s: %g–%g, %s: %g–%g), e.g. far-infrared files such as %s; %d pairs remain\n",
			len(left), from, to, 100*collection.MinCoverage, from, gs.Start, gs.Stop, to, gt.Start, gt.Stop, filepath.Base(left[0]), len(pairs))
	}
	// A spectrum constant on its grid (flat, all zero) has no shape to learn
	// from or to score: its pairs are left out, with a count, rather than
	// stopping the whole training at min-max scaling.
	kept := pairs[:0:0]
	var flat []string
	for _, p := range pairs {
		_, errS := p.Source.OnGrid(gs)
		_, errT := p.Target.OnGrid(gt)
		switch {
		case errS != nil:
			flat = append(flat, p.Source.Meta.Source)
		case errT != nil:
			flat = append(flat, p.Target.Meta.Source)
		default:
			kept = append(kept, p)
		}
	}
	if len(flat) > 0 && log != nil {
		fmt.Fprintf(log, "left out %d %s/%s pairs with a spectrum that is constant on its grid (flat or all zero), e.g. %s; %d pairs remain\n",
			len(flat), from, to, filepath.Base(flat[0]), len(kept))
	}
	return kept
}

// EvaluateModel scores a model on test pairs against the baselines fitted on
// training pairs.
func EvaluateModel(ctx gocontext.Context, g *Generator, trainPairs, testPairs []collection.Pair) (*Report, error) {
	from, to := g.From(), g.To()
	if len(testPairs) == 0 {
		return nil, fmt.Errorf("no %s/%s test pairs", from, to)
	}
	testEx, err := OnGrids(testPairs, from, to)
	if err != nil {
		return nil, err
	}
	trainEx, err := OnGrids(trainPairs, from, to)
	if err != nil {
		return nil, err
	}
	scores, gens, err := g.Evaluate(testEx)
	if err != nil {
		return nil, err
	}
	gt := spectro.DefaultGrid(to)
	base, err := eval.BaselineScores(EvalExamples(trainEx), EvalExamples(testEx), gt.Points(), to.PeakTolerance())
	if err != nil {
		return nil, err
	}
	r := &Report{From: from, To: to, N: len(testEx), Model: eval.Summarize(scores), Baselines: map[string]eval.Summary{},
		Scores: scores, Generated: gens, Test: testEx, baseline: base, known: knownSpecies(trainPairs, testPairs)}
	for name, s := range base {
		r.Baselines[name] = eval.Summarize(s)
	}
	r.coverage = coverageOf(testEx, gens, gt.Points())
	if cs := eval.SummarizeCoverage(r.coverage); cs.N > 0 {
		r.Coverage = &cs
	}
	r.Calibrated = g.Info != nil && g.Info.Band != nil
	r.Subsets = subsets(r.Scores, r.baseline, r.coverage, r.known)
	if r.Ceiling, err = Ceiling(testPairs, to); err != nil {
		return nil, err
	}
	return r, nil
}

// Table formats a report as a Markdown table (mean, and median in brackets).
func (r *Report) Table() string {
	s := fmt.Sprintf("%s → %s, %d test pairs\n\n| method | Pearson (median) | RMSE (median) | RMSEraw | pk@5v5 (median) |\n|---|---|---|---|---|\n", r.From, r.To, r.N)
	row := func(name string, m eval.Summary) string {
		return fmt.Sprintf("| %s | %.3f (%.3f) | %.3f (%.3f) | %.3f | %.3f (%.3f) |\n", name, m.Pearson, m.PearsonMedian, m.RMSE, m.RMSEMedian, m.RMSERaw, m.PK5, m.PK5Median)
	}
	s += row("model", r.Model)
	for _, n := range BaselineNames {
		if b, ok := r.Baselines[n]; ok {
			s += row(n, b)
		}
	}
	for _, n := range []string{"sample", "species"} {
		if c, ok := r.Ceiling[n]; ok {
			s += row("ceiling: same "+n+", other "+map[string]string{"sample": "measurement", "species": "sample"}[n], c)
		}
	}
	for _, sub := range r.Subsets {
		s += fmt.Sprintf("| **%s** (%d test pairs) | | | | |\n", sub.Name, sub.N)
		s += row("  model", sub.Model)
		for _, n := range BaselineNames {
			if b, ok := sub.Baselines[n]; ok {
				s += row("  "+n, b)
			}
		}
	}
	if r.Coverage != nil {
		kind := "calibrated 90 % band"
		if !r.Calibrated {
			kind = "uncalibrated 5–95 % latent band"
		}
		s += fmt.Sprintf("\nband coverage (%s; a calibrated one holds 0.85–0.95): %s", kind, coverageLine(*r.Coverage))
		for _, sub := range r.Subsets {
			if sub.Coverage != nil {
				s += fmt.Sprintf("; %s %s", sub.Name, coverageLine(*sub.Coverage))
			}
		}
		s += "\n"
	}
	return s
}

func coverageLine(c eval.CoverageSummary) string {
	return fmt.Sprintf("points %.3f (median %.3f), peak points %.3f, mean width %.3f", c.Points, c.PointsMedian, c.Peaks, c.Width)
}

// Folds splits pairs into k folds grouped by species, sample or at random
// (deterministic for a seed); fold i's pairs are the test set of round i.
func Folds(pairs []collection.Pair, split string, k int, seed uint64) [][]collection.Pair {
	rest := pairs
	var folds [][]collection.Pair
	for i := k; i > 1; i-- {
		var test []collection.Pair
		rest, test = SplitPairs(rest, split, 1/float64(i), seed+uint64(i))
		folds = append(folds, test)
	}
	return append(folds, rest)
}

// CrossValidate trains and evaluates one model per fold (in temporary folders
// under workDir) and returns the per-fold reports and their average.
func CrossValidate(ctx gocontext.Context, col *collection.Collection, from, to spectro.Modality, split string, k int, base TrainConfig, workDir string, log io.Writer) ([]*Report, *Report, error) {
	pairs := UsablePairs(col, from, to, log)
	if len(pairs) < k {
		return nil, nil, fmt.Errorf("%d pairs cannot make %d folds", len(pairs), k)
	}
	folds := Folds(pairs, split, k, 11)
	var reports []*Report
	for i, test := range folds {
		var trainP []collection.Pair
		for j, f := range folds {
			if j != i {
				trainP = append(trainP, f...)
			}
		}
		// Validation for early stopping comes from the training folds, never the test fold.
		fitP, valP := SplitPairs(trainP, split, 0.15, 100+uint64(i))
		cfg := base
		cfg.From, cfg.To, cfg.TrainPairs, cfg.ValPairs, cfg.Context = from, to, fitP, valP, ctx
		cfg.Collection = col // recorded as the data source
		// What the protocol holds out may not come back through augmenting
		// data or references: the test species (by species), else the test
		// samples (other samples of their species are training data).
		cfg.HoldOut, cfg.HoldOutSamples = nil, keysOf(test)
		if split == "species" {
			cfg.HoldOut = SpeciesOf(test)
		}
		cfg.OutDir = filepath.Join(workDir, fmt.Sprintf("fold%d", i+1))
		cfg.Log = log
		fmt.Fprintf(log, "fold %d/%d: %d train, %d validation, %d test pairs (%d test species)\n", i+1, k, len(fitP), len(valP), len(test), len(SpeciesOf(test)))
		if _, err := Train(cfg); err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", i+1, err)
		}
		g, err := Load(cfg.OutDir, cfg.Backend)
		if err != nil {
			return nil, nil, err
		}
		// The baselines look up what the model could: the training pairs
		// and, with references, the same reference pairs it trained on.
		baseP := trainP
		if cfg.References != nil {
			baseP = append(slices.Clip(trainP), ReferencePairs(col, cfg.References, from, to, append(SpeciesOf(valP), cfg.HoldOut...), cfg.HoldOutSamples)...)
		}
		r, err := EvaluateModel(ctx, g, baseP, test)
		if err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", i+1, err)
		}
		cov := ""
		if r.Coverage != nil {
			cov = fmt.Sprintf(" | band coverage %.3f (peaks %.3f)", r.Coverage.Points, r.Coverage.Peaks)
		}
		fmt.Fprintf(log, "fold %d: model Pearson %.3f pk@5v5 %.3f | nn1 %.3f %.3f | pca_ridge %.3f %.3f | knn %.3f %.3f%s\n", i+1,
			r.Model.Pearson, r.Model.PK5, r.Baselines["nn1"].Pearson, r.Baselines["nn1"].PK5, r.Baselines["pca_ridge"].Pearson, r.Baselines["pca_ridge"].PK5,
			r.Baselines["knn"].Pearson, r.Baselines["knn"].PK5, cov)
		reports = append(reports, r)
	}
	avg := &Report{From: from, To: to, Baselines: map[string]eval.Summary{}, baseline: map[string][]eval.Scores{}}
	var ms []eval.Summary
	for _, r := range reports {
		avg.N += r.N
		ms = append(ms, r.Model)
		avg.Scores, avg.known = append(avg.Scores, r.Scores...), append(avg.known, r.known...)
		avg.coverage = append(avg.coverage, r.coverage...)
		avg.Calibrated = r.Calibrated
		for name, ss := range r.baseline {
			avg.baseline[name] = append(avg.baseline[name], ss...)
		}
	}
	avg.Subsets = subsets(avg.Scores, avg.baseline, avg.coverage, avg.known)
	if cs := eval.SummarizeCoverage(avg.coverage); cs.N > 0 {
		avg.Coverage = &cs
	}
	avg.Model = eval.Average(ms)
	for _, n := range BaselineNames {
		var bs []eval.Summary
		for _, r := range reports {
			bs = append(bs, r.Baselines[n])
		}
		avg.Baselines[n] = eval.Average(bs)
	}
	for _, n := range []string{"sample", "species"} {
		var cs []eval.Summary
		for _, r := range reports {
			if c, ok := r.Ceiling[n]; ok && c.N > 0 {
				cs = append(cs, c)
			}
		}
		if len(cs) > 0 {
			if avg.Ceiling == nil {
				avg.Ceiling = map[string]eval.Summary{}
			}
			avg.Ceiling[n] = eval.Average(cs)
		}
	}
	return reports, avg, nil
}

// TrainingPairs returns a direction's pairs among the species a model was
// trained on, from the data and split recorded in its model.json, for fitting baselines.
func TrainingPairs(info *Info, col *collection.Collection, from, to spectro.Modality) []collection.Pair {
	keep := map[string]bool{}
	for _, s := range info.Data.TrainSpecies {
		keep[s] = true
	}
	var out []collection.Pair
	for _, p := range UsablePairs(col, from, to, nil) {
		if keep[p.Sample.Mineral] {
			out = append(out, p)
		}
	}
	return out
}

// Ceiling scores measured against measured target spectra: two measurements of
// the same sample ("sample") and of two samples of the same species ("species")
// — what no generated spectrum can be expected to beat. A kind is absent when
// the data has no such repeats.
func Ceiling(pairs []collection.Pair, to spectro.Modality) (map[string]eval.Summary, error) {
	g := spectro.DefaultGrid(to)
	xs := g.Points()
	type meas struct {
		key, species, file string
		y                  []float64
	}
	var ms []meas
	seen := map[string]bool{}
	for _, p := range pairs {
		if seen[p.Target.Meta.Source+p.Target.Meta.RRUFFID] {
			continue
		}
		seen[p.Target.Meta.Source+p.Target.Meta.RRUFFID] = true
		t, err := p.Target.OnGrid(g)
		if err != nil {
			return nil, err
		}
		ms = append(ms, meas{p.Sample.Key, p.Sample.Mineral, p.Target.Meta.Source, t.Y})
	}
	scores := map[string][]eval.Scores{}
	for i := range ms {
		for j := range ms {
			if i == j || ms[i].species != ms[j].species {
				continue
			}
			kind := "species"
			if ms[i].key == ms[j].key {
				kind = "sample"
			}
			scores[kind] = append(scores[kind], eval.Score(ms[j].y, ms[i].y, xs, to.PeakTolerance()))
		}
	}
	out := map[string]eval.Summary{}
	for k, s := range scores {
		out[k] = eval.Summarize(s)
	}
	return out, nil
}
