package main

import (
	"context"
	"os"

	"github.com/spectrogen-go/spectrogen/spectro/experiment/demo"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func init() {
	register(command{"demo", "run the main job on the embedded synthetic data and write a report", runDemo})
}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo", "[--out DIR] [--seed S] [--backend CONFIG]")
	out := fs.String("out", "out", "folder for the report, figures and data")
	seed := fs.Uint64("seed", 1, "random seed of the synthetic dataset")
	backendCfg := fs.String("backend", "", "GoMLX backend config (default $GOMLX_BACKEND or the pure-Go backend)")
	steps := fs.Int("steps", demo.DefaultSteps, "training steps of the demo model (infrared → Raman)")
	prior := fs.String("prior", string(model.TCH), "decoder line shape of the demo model (tch, the Thompson–Cox–Hastings Voigt, measured best; see the README's ablation)")
	// The prior comparison trains three more models (as long as 900 steps of
	// the main one): off by default so a first run stays short; notebooks 03
	// and 07 compare the priors too.
	priorSteps := fs.Int("prior-steps", 0, "training steps of each model in the paper's comparison of line-shape priors (0: skip it; 300 is a fair comparison)")
	settings := fs.String("set", "", "hyperparameters of the demo's main model, e.g. \"learning_rate=0.002\"")
	if err := parse(fs, args); err != nil {
		return err
	}
	pr, err := parsePrior(*prior)
	if err != nil {
		return err
	}
	_, err = demo.Run(ctx, demo.Options{Out: *out, Seed: *seed, Backend: *backendCfg, Steps: *steps, Prior: pr, PriorSteps: *priorSteps,
		Settings: *settings, FitCache: fitCache(), Log: os.Stdout})
	return err
}
