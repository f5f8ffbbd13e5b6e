package experiment

import (
	"fmt"
	"math"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
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
	Coverage   *eval.CoverageSummary `json:"coverage,omitempty"`
	Calibrated bool                  `json:"band_calibrated"`

	// Per test pair, in the order of Test (pooled over folds in a
	// cross-validation's average): the model's scores, its generated
	// spectrum, each baseline's scores, the band's coverage, and whether the
	// training pairs hold the pair's species.
	Scores         []eval.Scores            `json:"-"`
	Generated      []model.Generated        `json:"-"`
	Test           []model.Example          `json:"-"`
	BaselineScores map[string][]eval.Scores `json:"-"`
	Coverages      []eval.Coverage          `json:"-"`
	Known          []bool                   `json:"-"`
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

// Evaluate scores a model on test pairs against the baselines fitted on
// training pairs, with the measured ceiling where the test pairs repeat a
// sample or species.
func Evaluate(g *model.Generator, trainPairs, testPairs []collection.Pair) (*Report, error) {
	from, to := g.From(), g.To()
	if len(testPairs) == 0 {
		return nil, fmt.Errorf("no %s/%s test pairs", from, to)
	}
	testEx, err := model.OnGrids(testPairs, from, to)
	if err != nil {
		return nil, err
	}
	trainEx, err := model.OnGrids(trainPairs, from, to)
	if err != nil {
		return nil, err
	}
	scores, gens, err := Score(g, testEx)
	if err != nil {
		return nil, err
	}
	gt := spectro.DefaultGrid(to)
	base, err := eval.BaselineScores(BaselineExamples(trainEx), BaselineExamples(testEx), gt.Points(), to.PeakTolerance())
	if err != nil {
		return nil, err
	}
	r := &Report{From: from, To: to, N: len(testEx), Model: eval.Summarize(scores), Baselines: map[string]eval.Summary{},
		Scores: scores, Generated: gens, Test: testEx, BaselineScores: base, Known: knownSpecies(trainPairs, testPairs)}
	for name, s := range base {
		r.Baselines[name] = eval.Summarize(s)
	}
	r.Coverages = coverageOf(testEx, gens, gt.Points())
	if cs := eval.SummarizeCoverage(r.Coverages); cs.N > 0 {
		r.Coverage = &cs
	}
	r.Calibrated = g.Info != nil && g.Info.Band != nil
	r.Subsets = subsets(r.Scores, r.BaselineScores, r.Coverages, r.Known)
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

// Score generates the targets of examples (prepared by model.OnGrids) and
// scores them with the evaluation protocol. The scored prediction is the
// posterior predictive mean (Generated.Expected over model.EvalSamples latent
// samples, fixed seed): the point estimate that minimises the expected
// squared error. Where the source pins the target down it equals the decoded
// latent mean; where it does not (a new species' diffraction pattern), it
// keeps what the samples agree on instead of committing to one guess of the
// lines.
func Score(g *model.Generator, exs []model.Example) ([]eval.Scores, []model.Generated, error) {
	srcs := make([]*spectro.Spectrum, len(exs))
	for i, e := range exs {
		srcs[i] = e.Source
	}
	gens, err := g.Generate(srcs, model.EvalSamples, 1)
	if err != nil {
		return nil, nil, err
	}
	to := g.To()
	xs := spectro.DefaultGrid(to).Points()
	scores := make([]eval.Scores, len(exs))
	for i, e := range exs {
		scores[i] = eval.Score(gens[i].Expected, spectro.Float64s(e.Tgt), xs, to.PeakTolerance())
	}
	return scores, gens, nil
}

// BaselineExamples converts prepared examples for the baselines.
func BaselineExamples(exs []model.Example) []eval.Example {
	out := make([]eval.Example, len(exs))
	for i, e := range exs {
		out[i] = eval.Example{Src: spectro.Float64s(e.Src), Tgt: spectro.Float64s(e.Tgt)}
	}
	return out
}

// coverageOf scores generated bands against examples' measured targets
// (NaN where a spectrum has no band).
func coverageOf(exs []model.Example, gens []model.Generated, xs []float64) []eval.Coverage {
	out := make([]eval.Coverage, len(exs))
	for i, e := range exs {
		_, lower, upper := gens[i].Scaled()
		if lower == nil {
			out[i] = eval.Coverage{Points: math.NaN(), Peaks: math.NaN(), Width: math.NaN()}
			continue
		}
		out[i] = eval.BandCoverage(lower, upper, spectro.Float64s(e.Tgt), e.Target.Measured(xs))
	}
	return out
}

// TrainingPairs returns a direction's pairs among the species a model was
// trained on, from the data and split recorded in its model.json, for fitting baselines.
func TrainingPairs(info *model.Info, col *collection.Collection, from, to spectro.Modality) []collection.Pair {
	keep := map[string]bool{}
	for _, s := range info.Data.TrainSpecies {
		keep[s] = true
	}
	var out []collection.Pair
	for _, p := range col.UsablePairs(from, to, nil) {
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

// HeldOut keeps the pairs whose species the model was not trained on (as its
// model.json records them), and says how many species they are: what a model
// is scored on when the test data is the data it was trained from.
func HeldOut(info *model.Info, pairs []collection.Pair) (kept []collection.Pair, species int) {
	trained := map[string]bool{}
	for _, s := range info.Data.TrainSpecies {
		trained[s] = true
	}
	held := map[string]bool{}
	for _, p := range pairs {
		if !trained[p.Sample.Mineral] {
			kept = append(kept, p)
			held[p.Sample.Mineral] = true
		}
	}
	return kept, len(held)
}
