package experiment

import (
	"fmt"

	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// HeldOutFraction and HeldOutSeed fix the species HeldOutSpecies holds out:
// the same 12 of the synthetic set's 60 in every run, the README's ablations.
const (
	HeldOutFraction = 0.2
	HeldOutSeed     = 7
)

// HeldOutResult is what HeldOutSpecies measured.
type HeldOutResult struct {
	Training   *model.Summary
	Species    []string          // the held-out species
	Directions []DirectionReport // one per direction the model knows
}

// DirectionReport is a model's evaluation in one direction.
type DirectionReport struct {
	TrainPairs int // the pairs the baselines look up
	*Report
}

// HeldOutSpecies trains a model (cfg: From, To, OutDir and any
// hyperparameters) on the pairs of a fixed share of col's species — the held
// species also validate it, so cfg's early stopping sees them — and
// evaluates it on the held-out species in every direction it knows (a
// multi-modal model: all of them): the protocol of the README's ablations.
func HeldOutSpecies(col *collection.Collection, cfg model.TrainConfig) (*HeldOutResult, error) {
	trainP, testP := collection.SplitPairs(col.Pairs(cfg.From, cfg.To), collection.BySpecies, HeldOutFraction, HeldOutSeed)
	if len(trainP) == 0 || len(testP) == 0 {
		return nil, fmt.Errorf("%s: %d %s → %s pairs, too few to hold species out", col.Dir, len(trainP)+len(testP), cfg.From, cfg.To)
	}
	cfg.Collection, cfg.TrainPairs, cfg.ValPairs = nil, trainP, testP
	sum, err := model.Train(cfg)
	if err != nil {
		return nil, err
	}
	res := &HeldOutResult{Training: sum, Species: collection.SpeciesOf(testP)}
	g, err := model.LoadCaching(cfg.OutDir, cfg.Backend, cfg.FitCache)
	if err != nil {
		return res, err
	}
	held := map[string]bool{}
	for _, sp := range res.Species {
		held[sp] = true
	}
	for _, a := range g.Modalities() {
		for _, b := range g.Modalities() {
			gd, err := g.For(a, b)
			if a == b || err != nil {
				continue
			}
			var trP, teP []collection.Pair
			for _, p := range col.Pairs(a, b) {
				if held[p.Sample.Mineral] {
					teP = append(teP, p)
				} else {
					trP = append(trP, p)
				}
			}
			r, err := Evaluate(gd, trP, teP)
			if err != nil {
				return res, fmt.Errorf("%s → %s: %w", a, b, err)
			}
			res.Directions = append(res.Directions, DirectionReport{len(trP), r})
		}
	}
	return res, nil
}
