package experiment

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// TestQualityReport trains on synthetic data and prints model vs baselines on
// held-out species. Opt-in (QUALITY=1; QUALITY_STEPS, QUALITY_SET, QUALITY_DATA,
// QUALITY_FROM/TO): it measures, it does not gate.
func TestQualityReport(t *testing.T) {
	if os.Getenv("QUALITY") == "" {
		t.Skip("set QUALITY=1 to run")
	}
	from, to := spectro.Infrared, spectro.Raman
	if v := os.Getenv("QUALITY_FROM"); v != "" {
		from, _ = spectro.ParseModality(v)
	}
	if v := os.Getenv("QUALITY_TO"); v != "" {
		to, _ = spectro.ParseModality(v)
	}
	steps, _ := strconv.Atoi(os.Getenv("QUALITY_STEPS"))
	var col *collection.Collection
	var err error
	if d := os.Getenv("QUALITY_DATA"); d != "" {
		col, err = samples.LoadDir(d, samples.Options{})
	} else {
		col, err = synth.Generate(synth.DefaultConfig())
	}
	if err != nil {
		t.Fatal(err)
	}
	trainP, testP := collection.SplitPairs(col.Pairs(from, to), collection.BySpecies, 0.2, 7)
	dir := t.TempDir()
	sum, err := model.Train(model.TrainConfig{OutDir: dir, From: from, To: to, Steps: steps, TrainPairs: trainP, ValPairs: testP, Settings: os.Getenv("QUALITY_SET")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := model.Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	// Every direction the model knows (a multi-modal model: all of them), on
	// the same held-out species.
	held := map[string]bool{}
	for _, sp := range collection.SpeciesOf(testP) {
		held[sp] = true
	}
	fmt.Printf("leave-species-out, %d held-out species, %d steps (%.0f ms/step), %s\n", len(held), sum.Steps, sum.MsPerStep, os.Getenv("QUALITY_SET"))
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
			qualityTable(t, gd, trP, teP)
		}
	}
}

func qualityTable(t *testing.T, g *model.Generator, trainP, testP []collection.Pair) {
	r, err := Evaluate(g, trainP, testP)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\n%d training pairs\n%s", len(trainP), r.Table())
}
