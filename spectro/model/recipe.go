package model

import (
	"strconv"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// RealDataSteps is the real-data recipe's most training steps.
const RealDataSteps = 600

// RealDataRecipe is the hyperparameters the real-data recipe sets, as --set
// text: a retrieval-augmented model (the decoder draws on the 8 nearest
// training pairs), validated every 100 steps on held-out species and stopped
// after 3 evaluations without improvement, 600 steps at most. The plain VAE
// loses to a look-up on real minerals; this recipe does not (README, "Real
// minerals"). Directions other than infrared → Raman also use a narrower
// network without the residual head (hidden=128, residual=false): the same
// retrieval, a third of the weights, so the shipped model of every direction
// fits in one program.
//
// `spectrogen train` and `crossval` use it on real data (any --data but the
// synthetic set) for one-direction models (retrieval does not serve
// multi-modal ones); --set adds to it and overrides it. In Go, put it before
// your own settings: TrainConfig{Settings: model.RealDataRecipe(from, to) + ";" + mine}.
func RealDataRecipe(from, to spectro.Modality) string {
	r := ParamRetrieval + "=8;" + ParamEvalEvery + "=100;" + ParamPatience + "=3;" + ParamSteps + "=" + strconv.Itoa(RealDataSteps)
	if from != spectro.Infrared || to != spectro.Raman {
		r += ";" + ParamHidden + "=128;" + ParamResidual + "=false"
	}
	return r
}

// WithRecipe returns settings with the real-data recipe before them (so they
// override it), or settings alone for synthetic data.
func WithRecipe(real bool, from, to spectro.Modality, settings string) string {
	if !real {
		return settings
	}
	if settings == "" {
		return RealDataRecipe(from, to)
	}
	return RealDataRecipe(from, to) + ";" + settings
}
