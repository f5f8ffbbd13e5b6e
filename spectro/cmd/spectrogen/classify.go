package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func init() {
	register(command{"classify", "chemical class and species by 1-NN from measured and generated spectra (random and leave-species-out)", runClassify})
}

// Input kinds, in report order.
var inputKinds = []string{"source", "target", "generated", "source+generated"}

func runClassify(ctx context.Context, args []string) error {
	fs := newFlags("classify", "--data DIR [--model MODELDIR] [--from M --to M] [--json]")
	data := fs.String("data", "", "folder of paired spectra (default: the embedded synthetic dataset)")
	dir := fs.String("model", "", "trained model: adds the generated target as an input kind")
	from := fs.String("from", "infrared", "source modality (without --model)")
	to := fs.String("to", "raman", "target modality (without --model)")
	asJSON := fs.Bool("json", false, "print one JSON object")
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
		if g, err = model.Load(*dir, *backendCfg); err != nil {
			return err
		}
		f, t = g.From(), g.To()
	}
	col, err := model.LoadCollection(*data)
	if err != nil {
		return err
	}
	// One pair per sample.
	seen := map[string]bool{}
	var items []eval.Labelled
	var srcs []*spectro.Spectrum
	for _, p := range col.Pairs(f, t) {
		if seen[p.Sample.Key] {
			continue
		}
		seen[p.Sample.Key] = true
		s, err := p.Source.OnGrid(spectro.DefaultGrid(f))
		if err != nil {
			return err
		}
		tg, err := p.Target.OnGrid(spectro.DefaultGrid(t))
		if err != nil {
			return err
		}
		items = append(items, eval.Labelled{Species: p.Sample.Mineral, Class: string(p.Sample.Class),
			Features: map[string][]float64{"source": s.Y, "target": tg.Y}})
		srcs = append(srcs, p.Source)
	}
	if len(items) < 3 {
		return fmt.Errorf("%s: only %d %s/%s samples", col.Dir, len(items), f, t)
	}
	kinds := inputKinds[:2]
	if g != nil {
		gens, err := g.Generate(srcs, 0, 0)
		if err != nil {
			return err
		}
		for i := range items {
			gm, _, _ := gens[i].Scaled()
			items[i].Features["generated"] = gm.Y
			items[i].Features["source+generated"] = append(append([]float64(nil), items[i].Features["source"]...), gm.Y...)
		}
		kinds = inputKinds
	}
	hasClass := items[0].Class != ""
	type row struct{ Label, Split string }
	rows := []row{{"species", "random"}}
	if hasClass {
		rows = append([]row{{"class", "random"}, {"class", "species"}}, rows...)
	}
	acc := map[string]map[string]map[string]float64{}
	var confusion eval.Confusion
	for _, r := range rows {
		if acc[r.Label] == nil {
			acc[r.Label] = map[string]map[string]float64{}
		}
		acc[r.Label][r.Split] = map[string]float64{}
		for _, k := range kinds {
			c := eval.ClassifyNN(items, k, r.Label, r.Split)
			acc[r.Label][r.Split][k] = c.Accuracy()
			if r.Label == "class" && r.Split == "species" && k == "source" {
				confusion = c
			}
		}
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"from": f, "to": t, "n": len(items),
			"majority": map[string]float64{"class": eval.Majority(items, "class"), "species": eval.Majority(items, "species")}, "accuracy": acc})
	}
	fmt.Printf("%d samples of %s (%s + %s), 1-nearest-neighbour by cosine\n\n| label | split |", len(items), col.Dir, f, t)
	for _, k := range kinds {
		fmt.Printf(" %s |", k)
	}
	fmt.Printf(" majority |\n|---|---|%s---|\n", strings.Repeat("---|", len(kinds)))
	for _, r := range rows {
		fmt.Printf("| %s | %s |", r.Label, r.Split)
		for _, k := range kinds {
			fmt.Printf(" %.3f |", acc[r.Label][r.Split][k])
		}
		fmt.Printf(" %.3f |\n", eval.Majority(items, r.Label))
	}
	if !hasClass {
		fmt.Println("\n(no chemistry in these files, so no chemical class: species only)")
	} else {
		fmt.Printf("\nconfusion matrix, chemical class from the measured %s, leave-species-out:\n%s", f, confusion)
	}
	return nil
}
