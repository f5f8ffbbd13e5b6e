package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/spectro/experiment"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// runQuality is `report quality`: train on most species and report the model
// against the baselines on the held-out ones, in every direction the model
// knows (the protocol of the README's ablations).
func runQuality(ctx context.Context, args []string) error {
	fs := newFlags("report quality", "[--data DIR] [--from M --to M] [--steps N] [--set k=v;...] [--work DIR]")
	data := fs.String("data", "", "spectra: folders, RRUFF zip archives or files, comma-separated (default: the embedded synthetic dataset)")
	from := fs.String("from", "infrared", "source modality")
	to := fs.String("to", "raman", "target modality")
	steps := fs.Int("steps", 0, fmt.Sprintf("training steps (default %d)", model.Default[int](model.ParamSteps)))
	set := fs.String("set", "", "hyperparameters, e.g. \"modalities=infrared,raman,xrd\" (the real-data recipe is not added: these are all the settings)")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	work := fs.String("work", "", "folder for the model (default: a temporary folder, removed after)")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, t, err := parseDirection(*from, *to)
	if err != nil {
		return err
	}
	col, err := datasets.Load(*data)
	if err != nil {
		return err
	}
	dir, cleanup, err := workDir(*work, "spectrogen-quality-")
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := experiment.HeldOutSpecies(col, model.TrainConfig{From: f, To: t, OutDir: filepath.Join(dir, "model"), Steps: *steps,
		Settings: *set, Backend: *backendCfg, FitCache: fitCache(), Log: os.Stderr, Context: ctx})
	if err != nil {
		return err
	}
	fmt.Printf("leave-species-out, %d held-out species, %d steps (%.0f ms/step), %s\n", len(res.Species), res.Training.Steps, res.Training.MsPerStep, *set)
	for _, r := range res.Directions {
		fmt.Printf("\n%d training pairs\n%s", r.TrainPairs, r.Table())
	}
	return nil
}
