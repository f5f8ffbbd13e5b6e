package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/experiment"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func init() {
	register(command{"eval", "evaluate a trained model and the baselines on test pairs (Pearson, RMSE, RMSEraw, pk@5v5)", runEval})
	register(command{"crossval", "k-fold cross-validation: train and evaluate per fold (split by species, sample or random)", runCrossval})
}

func runEval(ctx context.Context, args []string) error {
	fs := newFlags("eval", "--model MODELDIR --data TESTDIR [--train TRAINDIR] [--json]")
	dir := fs.String("model", "", "trained model folder, or a shipped model's name (rruff) (required)")
	data := fs.String("data", "", "test pairs: folders, RRUFF zip archives or files, comma-separated (required; 'synthetic' for the embedded dataset's held-out species)")
	trainDir := fs.String("train", "", "folder the baselines are fitted on (default: the model's training data)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	from := fs.String("from", "", "a multi-modal model's direction to evaluate (default: its primary one)")
	to := fs.String("to", "", "target modality of that direction")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *data == "" {
		return usagef("--model and --data are required")
	}
	g, err := loadModel(*dir, *backendCfg)
	if err != nil {
		return err
	}
	if *from != "" || *to != "" {
		f, t := g.From(), g.To()
		if *from != "" {
			f = spectro.Modality(*from)
		}
		if *to != "" {
			t = spectro.Modality(*to)
		}
		if f, t, err = parseDirection(string(f), string(t)); err != nil {
			return err
		}
		if g, err = g.For(f, t); err != nil {
			return usageError{err}
		}
	}
	test, err := datasets.Load(*data)
	if err != nil {
		return err
	}
	testPairs := test.UsablePairs(g.From(), g.To(), os.Stderr)
	// Baselines: fitted on TRAINDIR, else on the pairs the model was trained on.
	trainSrc := *trainDir
	if trainSrc == "" {
		trainSrc = g.Info.Data.Source
		if _, err := os.Stat(trainSrc); err != nil {
			trainSrc = "synthetic"
		}
	}
	trainCol, err := datasets.Load(trainSrc)
	if err != nil {
		return err
	}
	trainPairs := trainCol.UsablePairs(g.From(), g.To(), nil)
	if *trainDir == "" {
		trainPairs = experiment.TrainingPairs(g.Info, trainCol, g.From(), g.To())
	}
	// Evaluating on the data the model was trained on: keep only held-out species.
	if *data == trainSrc || (*data == "synthetic" && g.Info.Data.Source == test.Dir) {
		var held int
		testPairs, held = experiment.HeldOut(g.Info, testPairs)
		fmt.Fprintf(os.Stderr, "evaluating on the %d pairs of the %d species the model was not trained on\n", len(testPairs), held)
	}
	r, err := experiment.Evaluate(g, trainPairs, testPairs)
	if err != nil {
		return err
	}
	return printReport(os.Stdout, r, *asJSON)
}

func printReport(w io.Writer, r *experiment.Report, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	_, err := fmt.Fprint(w, r.Table())
	return err
}

func runCrossval(ctx context.Context, args []string) error {
	fs := newFlags("crossval", "--data DIR --from M --to M --split species|sample|random --folds 5 [--steps N] [--json]")
	data := fs.String("data", "", "spectra: folders, RRUFF zip archives or files, comma-separated (default: the embedded synthetic dataset)")
	from := fs.String("from", "infrared", "source modality")
	to := fs.String("to", "raman", "target modality")
	split := fs.String("split", "species", "group folds by species, sample or random")
	k := fs.Int("folds", 5, "number of folds")
	steps := fs.Int("steps", 0, "training steps per fold (default: the model's)")
	prior := fs.String("prior", "", "decoder line shape: one of "+priorNames())
	set := fs.String("set", "", "hyperparameters, e.g. \"latent_dim=16\"; on real data they add to the real-data recipe")
	references := fs.String("references", "", "a species-level reference library (e.g. AMCSD's DIF collections): training samples that lack its modality are paired, by species, with its patterns")
	augment := fs.String("augment", "", "extra training data mixed into each fold's training pairs: 'synthetic' or a folder")
	init := fs.String("init", "", "start each fold's model from this trained model (fine-tuning, e.g. a synthetic-data model)")
	work := fs.String("work", "", "folder for the fold models (default: a temporary folder, removed after)")
	asJSON := fs.Bool("json", false, "print one JSON object (the averages over folds)")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, t, err := parseDirection(*from, *to)
	if err != nil {
		return err
	}
	sp, err := parseSplit(*split)
	if err != nil {
		return err
	}
	pr, err := parsePrior(*prior)
	if err != nil {
		return err
	}
	if *k < 2 {
		return usagef("--folds must be ≥ 2")
	}
	col, extra, err := loadTrainingData(*data, *augment)
	if err != nil {
		return err
	}
	refs, err := loadReferences(*references)
	if err != nil {
		return err
	}
	dir, cleanup, err := workDir(*work, "spectrogen-crossval-")
	if err != nil {
		return err
	}
	defer cleanup()
	log := io.Writer(os.Stdout)
	if *asJSON {
		log = os.Stderr
	}
	_, avg, err := experiment.CrossValidate(ctx, col, f, t, sp, *k, model.TrainConfig{FitCache: fitCache(), Steps: *steps, Prior: pr, Settings: model.WithRecipe(isRealData(*data), f, t, *set), Backend: *backendCfg, Augment: extra, References: refs, Init: *init}, dir, log)
	if err != nil {
		return err
	}
	if !*asJSON {
		fmt.Printf("\naverage over %d folds (%s split):\n", *k, *split)
	}
	return printReport(os.Stdout, avg, *asJSON)
}
