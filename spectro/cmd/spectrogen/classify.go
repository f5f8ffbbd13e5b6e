package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/classifier"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/experiment"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func init() {
	register(command{"classify", "chemical class and species by 1-NN and a GoMLX perceptron, from measured and generated spectra", runClassify})
}

func runClassify(ctx context.Context, args []string) error {
	fs := newFlags("classify", "--data DIR [--model MODELDIR] [--from M --to M] [--chemistry DIR] [--json]")
	data := fs.String("data", "", "spectra: folders, RRUFF zip archives or files, comma-separated (default: the embedded synthetic dataset)")
	dir := fs.String("model", "", "trained model: adds the generated target as an input kind")
	from := fs.String("from", "infrared", "source modality (without --model)")
	to := fs.String("to", "raman", "target modality (without --model)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	folds := fs.Int("folds", 5, "cross-validation folds of the perceptron")
	settings := fs.String("set", "", `perceptron hyperparameters, e.g. "hidden=128;steps=500"`)
	chemistry := fs.String("chemistry", "", "folder of RRUFF files whose headers give each mineral's chemistry (for files without it)")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	if err := parse(fs, args); err != nil {
		return err
	}
	var g *model.Generator
	f, t, err := parseDirection(*from, *to)
	if err != nil {
		return err
	}
	if *dir != "" {
		if g, err = loadModel(*dir, *backendCfg); err != nil {
			return err
		}
		f, t = g.From(), g.To()
	}
	col, err := datasets.Load(*data)
	if err != nil {
		return err
	}
	if *chemistry != "" {
		ref, err := samples.LoadDir(*chemistry, samples.Options{})
		if err != nil {
			return fmt.Errorf("--chemistry: %w", err)
		}
		n, unknown := col.LabelFrom(ref)
		if !*asJSON {
			fmt.Fprintf(os.Stderr, "chemistry from %s for %d samples", ref.Dir, n)
			if len(unknown) > 0 {
				fmt.Fprintf(os.Stderr, "; not found there: %s", strings.Join(unknown, ", "))
			}
			fmt.Fprintln(os.Stderr)
		}
	}
	items, kinds, skipped, err := experiment.Labelled(col, f, t, g)
	if err != nil {
		return err
	}
	if skipped > 0 && !*asJSON {
		fmt.Fprintf(os.Stderr, "left out %d spectra covering less than half of the %s grid\n", skipped, f)
	}
	b, err := backend.New(*backendCfg)
	if err != nil {
		return err
	}
	progress := func(done, total int) {
		if !*asJSON && isTerminal(os.Stderr) {
			fmt.Fprintf(os.Stderr, "\rclassifying: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(os.Stderr)
			}
		}
	}
	rep, err := classifier.Evaluate(b, items, kinds, classifier.Options{Folds: *folds, Settings: *settings, Seed: 1, Progress: progress})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"from": f, "to": t, "n": rep.N, "kinds": rep.Kinds,
			"majority": rep.Majority, "accuracy": rep.Accuracies()})
	}
	what := fmt.Sprintf("%s + %s", f, t)
	if len(kinds) == 1 {
		what = fmt.Sprintf("%s only: no %s/%s pairs", f, f, t)
	}
	fmt.Printf("%d samples of %s (%s): 1-NN leave-one-out, perceptron %d-fold\n\n%s", len(items), col.Dir, what, *folds, rep.Table())
	task := classifier.Tasks(items)[0]
	if task.Label != eval.Class {
		fmt.Println("\n(no chemistry in these files, so no chemical class: species only; --chemistry DIR labels them)")
		return nil
	}
	task.Split = collection.BySpecies
	fmt.Printf("\nconfusion matrix, chemical class from the measured %s, perceptron, leave-species-out:\n%s", f, rep.Confusion(classifier.Perceptron, task, "source"))
	return nil
}

// isTerminal reports whether f is a terminal (progress with \r only there; logs get no progress noise).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
