// Package experiment is the layer above the model and the data layer:
// experiments that put data, models and the evaluation protocol together.
// It holds the synthetic infrared → Raman model the notebooks share
// (Synthetic), trained on the embedded synthetic dataset — a fixture, not a
// shipped model (those are in spectro/pretrained).
package experiment

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
	trainP, testP, fitP, valP := syntheticSplit(col)
	g, err := model.TrainShared(model.TrainConfig{From: spectro.Infrared, To: spectro.Raman, Steps: SyntheticSteps,
		TrainPairs: fitP, ValPairs: valP, Settings: "eval_every=100;checkpoint_every=1000", Log: io.Discard})
	if err != nil {
		return nil, err
	}
	return &SyntheticModel{Generator: g, Collection: col, Train: trainP, Test: testP}, nil
}

// syntheticSplit is Synthetic's split of the infrared → Raman pairs: the test
// pairs are every pair of a fifth of the species, and the rest (train) is
// split again by species into the pairs fitted (fit) and validated on (val).
func syntheticSplit(col *collection.Collection) (train, test, fit, val []collection.Pair) {
	train, test = collection.SplitPairs(col.Pairs(spectro.Infrared, spectro.Raman), collection.BySpecies, 0.2, 7)
	fit, val = collection.SplitPairs(train, collection.BySpecies, 0.15, 8)
	return train, test, fit, val
}
