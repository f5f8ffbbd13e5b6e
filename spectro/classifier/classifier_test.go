package classifier

import (
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// synthetic returns the infrared spectra of the synthetic dataset, labelled.
func synthetic(t *testing.T) []eval.Labelled {
	t.Helper()
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var items []eval.Labelled
	for _, s := range col.Samples {
		ir := s.Spectra[spectro.Infrared]
		if len(ir) == 0 {
			continue
		}
		on, err := ir[0].OnGrid(spectro.DefaultGrid(spectro.Infrared))
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, eval.Labelled{Species: s.Mineral, Class: string(s.Class), Features: map[string][]float64{"source": on.Y}})
	}
	return items
}

func TestCrossValidateLearnsClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10 small models")
	}
	items := eval.Shuffled(synthetic(t), 1)[:240]
	b := backend.MustNew("")
	for _, split := range []collection.Split{collection.Random, collection.BySpecies} {
		conf, err := CrossValidate(b, items, "source", "class", split, 5, "", 3)
		if err != nil {
			t.Fatal(err)
		}
		acc, maj := conf.Accuracy(), eval.Majority(items, "class")
		total := 0
		for _, row := range conf.Counts {
			for _, n := range row {
				total += n
			}
		}
		t.Logf("%s split: accuracy %.3f (majority %.3f)", split, acc, maj)
		if total != len(items) {
			t.Errorf("%s: %d predictions for %d samples", split, total, len(items))
		}
		if acc < maj+0.2 {
			t.Errorf("%s: accuracy %.3f is not well above the majority guess %.3f", split, acc, maj)
		}
	}
}

func TestTrainIsDeterministic(t *testing.T) {
	items := eval.Shuffled(synthetic(t), 2)[:60]
	b := backend.MustNew("")
	var first []string
	for i := range 2 {
		c, err := Train(b, items, "source", "class", "steps=20")
		if err != nil {
			t.Fatal(err)
		}
		pred, err := c.Predict(items, "source")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = pred
			continue
		}
		for j := range pred {
			if pred[j] != first[j] {
				t.Fatalf("run 2 predicts %s for sample %d, run 1 %s", pred[j], j, first[j])
			}
		}
	}
}

func TestBadInputIsAnError(t *testing.T) {
	b := backend.MustNew("")
	items := []eval.Labelled{
		{Species: "a", Class: "x", Features: map[string][]float64{"source": {1, 2, 3, 4}}},
		{Species: "b", Class: "y", Features: map[string][]float64{"source": {1, 2}}},
	}
	if _, err := Train(b, items, "source", "class", ""); err == nil {
		t.Error("features of different lengths: no error")
	}
	if _, err := Train(b, items, "generated", "class", ""); err == nil {
		t.Error("missing feature kind: no error")
	}
	if _, err := Train(b, nil, "source", "class", ""); err == nil {
		t.Error("no samples: no error")
	}
	if _, err := Train(b, items[:1], "source", "class", "nonsense"); err == nil {
		t.Error("bad settings: no error")
	}
}

func TestPooled(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		pool int
		want []float64 // before scaling
	}{
		{[]float64{1, 3, 5, 7}, 2, []float64{2, 6}},
		{[]float64{1, 3, 5}, 2, []float64{2, 5}},
		{[]float64{0, 0, 0}, 1, []float64{0, 0, 0}},
	} {
		got := Pooled(tc.in, tc.pool)
		// Same direction as want, length √n (or all zero).
		norm := 0.0
		for _, w := range tc.want {
			norm += w * w
		}
		for i, w := range tc.want {
			exp := w
			if norm > 0 {
				exp = w * math.Sqrt(float64(len(tc.want))/norm)
			}
			if math.Abs(float64(got[i])-exp) > 1e-5 {
				t.Errorf("Pooled(%v, %d)[%d] = %g, want %g", tc.in, tc.pool, i, got[i], exp)
			}
		}
	}
}

func TestFoldsKeepSpeciesTogether(t *testing.T) {
	items := synthetic(t)
	f := Folds(items, "species", 5, 9)
	of := map[string]int{}
	count := make([]int, 5)
	for i, it := range items {
		if k, ok := of[it.Species]; ok && k != f[i] {
			t.Fatalf("species %s in folds %d and %d", it.Species, k, f[i])
		}
		of[it.Species] = f[i]
		count[f[i]]++
	}
	for k, n := range count {
		if n == 0 {
			t.Errorf("fold %d is empty", k)
		}
	}
}

// Folds trained at once give the same pooled matrix as one after another,
// and PerceptronTasks limits the perceptron to its tasks (the table leaves
// out its rows for the others).
func TestEvaluateLimitsPerceptronAndFoldsAreOrderFree(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	items := eval.Shuffled(synthetic(t), 2)[:120]
	b := backend.MustNew("")
	lso := Task{Label: "class", Split: "species"}
	rep, err := Evaluate(b, items, []string{"source"}, Options{Seed: 1, PerceptronTasks: []Task{lso}})
	if err != nil {
		t.Fatal(err)
	}
	random := Task{Label: eval.Class, Split: collection.Random}
	if _, ok := rep.Result(Perceptron, random, "source"); ok {
		t.Error("the perceptron ran on the random split it was told to skip")
	}
	if _, ok := rep.Result(NearestNeighbour, random, "source"); !ok {
		t.Error("1-NN must still cover every task")
	}
	// The JSON keeps its nested shape; the task not run is an empty object.
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		N        int
		Accuracy map[string]map[string]map[string]map[string]float64
	}
	if err := json.Unmarshal(js, &back); err != nil || back.N != 120 || back.Accuracy["nn1"]["class"]["random"]["source"] != rep.Get(NearestNeighbour, random, "source") {
		t.Errorf("report JSON %s: %v", js, err)
	}
	if cell, ok := back.Accuracy["mlp"]["class"]["random"]; !ok || len(cell) != 0 {
		t.Errorf("the perceptron's random split, not run, should be an empty object: %s", js)
	}
	if byValue, err := json.Marshal(*rep); err != nil || string(byValue) != string(js) {
		t.Errorf("a Report value marshals otherwise than a pointer: %s", byValue)
	}
	if tab := rep.Table(); strings.Contains(tab, "| class | random | perceptron") || !strings.Contains(tab, "| class | leave-species-out | perceptron") {
		t.Errorf("the table should have the perceptron's row for leave-species-out only:\n%s", tab)
	}
	// The same folds trained one at a time (GOMAXPROCS 1) pool to the same matrix.
	again := func() eval.Confusion {
		c, err := CrossValidate(b, items, "source", "class", "species", 5, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	parallel := again()
	old := runtime.GOMAXPROCS(1)
	serial := again()
	runtime.GOMAXPROCS(old)
	if !reflect.DeepEqual(parallel.Counts, serial.Counts) {
		t.Errorf("folds at once %v, one at a time %v", parallel.Counts, serial.Counts)
	}
	if got := rep.Confusion(Perceptron, lso, "source"); !reflect.DeepEqual(got.Counts, parallel.Counts) {
		t.Errorf("Evaluate's leave-species-out matrix %v differs from CrossValidate's %v", got.Counts, parallel.Counts)
	}
}
