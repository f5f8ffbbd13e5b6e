package experiment

import (
	gocontext "context"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// CrossValidate trains and evaluates one model per fold (in temporary folders
// under workDir) and returns the per-fold reports and their average.
func CrossValidate(ctx gocontext.Context, col *collection.Collection, from, to spectro.Modality, split collection.Split, k int, base model.TrainConfig, workDir string, log io.Writer) ([]*Report, *Report, error) {
	pairs := col.UsablePairs(from, to, log)
	if len(pairs) < k {
		return nil, nil, fmt.Errorf("%d pairs cannot make %d folds", len(pairs), k)
	}
	folds := collection.Folds(pairs, split, k, 11)
	var reports []*Report
	for i, test := range folds {
		var trainP []collection.Pair
		for j, f := range folds {
			if j != i {
				trainP = append(trainP, f...)
			}
		}
		// Validation for early stopping comes from the training folds, never the test fold.
		fitP, valP := collection.SplitPairs(trainP, split, 0.15, 100+uint64(i))
		cfg := base
		cfg.From, cfg.To, cfg.TrainPairs, cfg.ValPairs, cfg.Context = from, to, fitP, valP, ctx
		cfg.Collection = col // recorded as the data source
		// What the protocol holds out may not come back through augmenting
		// data or references: the test species (by species), else the test
		// samples (other samples of their species are training data).
		cfg.HoldOut, cfg.HoldOutSamples = nil, collection.SamplesOf(test)
		if split == collection.BySpecies {
			cfg.HoldOut = collection.SpeciesOf(test)
		}
		cfg.OutDir = filepath.Join(workDir, fmt.Sprintf("fold%d", i+1))
		cfg.Log = log
		fmt.Fprintf(log, "fold %d/%d: %d train, %d validation, %d test pairs (%d test species)\n", i+1, k, len(fitP), len(valP), len(test), len(collection.SpeciesOf(test)))
		if _, err := model.Train(cfg); err != nil {
			return nil, nil, fmt.Errorf("fold %d: %w", i+1, err)
		}
		g, err := model.LoadCaching(cfg.OutDir, cfg.Backend, cfg.FitCache)
		if err != nil {
			return nil, nil, err
		}
		// The baselines look up what the model could: the training pairs
		// and, with references, the same reference pairs it trained on.
		baseP := trainP
		if cfg.References != nil {
			baseP = append(slices.Clip(trainP), model.ReferencePairs(col, cfg.References, from, to, append(collection.SpeciesOf(valP), cfg.HoldOut...), cfg.HoldOutSamples)...)
		}
		r, err := Evaluate(g, baseP, test)
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
	avg := &Report{From: from, To: to, Baselines: map[string]eval.Summary{}, BaselineScores: map[string][]eval.Scores{}}
	var ms []eval.Summary
	for _, r := range reports {
		avg.N += r.N
		ms = append(ms, r.Model)
		avg.Scores, avg.Known = append(avg.Scores, r.Scores...), append(avg.Known, r.Known...)
		avg.Coverages = append(avg.Coverages, r.Coverages...)
		avg.Calibrated = r.Calibrated
		for name, ss := range r.BaselineScores {
			avg.BaselineScores[name] = append(avg.BaselineScores[name], ss...)
		}
	}
	avg.Subsets = subsets(avg.Scores, avg.BaselineScores, avg.Coverages, avg.Known)
	if cs := eval.SummarizeCoverage(avg.Coverages); cs.N > 0 {
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
