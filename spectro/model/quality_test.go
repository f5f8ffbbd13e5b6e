package model

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
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
	trainP, testP := SplitPairs(col.Pairs(from, to), "species", 0.2, 7)
	dir := t.TempDir()
	sum, err := Train(TrainConfig{OutDir: dir, From: from, To: to, Steps: steps, TrainPairs: trainP, ValPairs: testP, Settings: os.Getenv("QUALITY_SET")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	// Every direction the model knows (a multi-modal model: all of them), on
	// the same held-out species.
	held := map[string]bool{}
	for _, sp := range SpeciesOf(testP) {
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

func qualityTable(t *testing.T, g *Generator, trainP, testP []collection.Pair) {
	from, to := g.From(), g.To()
	trainEx, _ := OnGrids(trainP, from, to)
	testEx, _ := OnGrids(testP, from, to)
	scores, _, err := g.Evaluate(testEx)
	if err != nil {
		t.Fatal(err)
	}
	gt := spectro.DefaultGrid(to)
	base, err := eval.BaselineScores(EvalExamples(trainEx), EvalExamples(testEx), gt.Points(), to.PeakTolerance())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("\n%s → %s, %d train / %d test pairs\n", from, to, len(trainEx), len(testEx))
	fmt.Println("| method | Pearson | median r | RMSE | RMSEraw | pk@5v5 |")
	row := func(name string, s eval.Summary) {
		fmt.Printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f |\n", name, s.Pearson, s.PearsonMedian, s.RMSE, s.RMSERaw, s.PK5)
	}
	row("model", eval.Summarize(scores))
	for _, n := range []string{"mean", "nn1", "pca_ridge"} {
		row(n, eval.Summarize(base[n]))
	}
}
