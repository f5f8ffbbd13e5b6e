package pretrained

import (
	"io"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// SyntheticSteps is how long the shared synthetic model trains.
const SyntheticSteps = 500

// SyntheticModel is the infrared → Raman model the notebooks share, with the
// data it was trained on and the pairs it never saw.
type SyntheticModel struct {
	*model.Generator
	Collection  *collection.Collection // the embedded synthetic dataset
	Train, Test []collection.Pair      // Test: every pair of 20% of the species, none trained on
}

// Synthetic returns the shared synthetic model: trained on the embedded
// synthetic dataset with a fifth of its species held out for testing (and
// 15% of the rest for validation), SyntheticSteps steps, the default
// hyperparameters. It is not shipped — it trains on first use (about a
// minute on 2 cores) and is kept by model.TrainShared, so later notebooks
// and programs load it instead.
func Synthetic() (*SyntheticModel, error) {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		return nil, err
	}
	trainP, testP := model.SplitPairs(col.Pairs(spectro.Infrared, spectro.Raman), "species", 0.2, 7)
	fitP, valP := model.SplitPairs(trainP, "species", 0.15, 8)
	g, err := model.TrainShared(model.TrainConfig{From: spectro.Infrared, To: spectro.Raman, Steps: SyntheticSteps,
		TrainPairs: fitP, ValPairs: valP, Settings: "eval_every=100;checkpoint_every=1000", Log: io.Discard})
	if err != nil {
		return nil, err
	}
	return &SyntheticModel{Generator: g, Collection: col, Train: trainP, Test: testP}, nil
}
