package experiment

import (
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// Test pairs split into known and new species by the training pairs' species
// (names compared as MineralKey compares them), and only when both occur.
func TestSubsets(t *testing.T) {
	pair := func(species string) collection.Pair {
		return collection.Pair{Sample: &collection.Sample{Mineral: species}}
	}
	train := []collection.Pair{pair("Calcite"), pair("Axinite-(Fe)")}
	for _, tc := range []struct {
		name      string
		test      []string
		wantKnown []bool
		subsets   int
	}{
		{"mixed", []string{"calcite", "Gypsum", "AxiniteFe"}, []bool{true, false, true}, 2},
		{"all new (a split by species)", []string{"Gypsum", "Quartz"}, []bool{false, false}, 0},
		{"all known", []string{"Calcite"}, []bool{true}, 0},
	} {
		var test []collection.Pair
		var model []eval.Scores
		for i, sp := range tc.test {
			test = append(test, pair(sp))
			model = append(model, eval.Scores{Pearson: float64(i)})
		}
		known := knownSpecies(train, test)
		for i := range known {
			if known[i] != tc.wantKnown[i] {
				t.Errorf("%s: pair %d (%s) known %v", tc.name, i, tc.test[i], known[i])
			}
		}
		subs := subsets(model, map[string][]eval.Scores{"nn1": model}, nil, known)
		if len(subs) != tc.subsets {
			t.Fatalf("%s: %d subsets, want %d", tc.name, len(subs), tc.subsets)
		}
		if tc.subsets == 2 {
			k, n := subs[0], subs[1]
			if k.Name != "known species" || k.N != 2 || k.Model.Pearson != 1 || k.Baselines["nn1"].Pearson != 1 || n.N != 1 || n.Model.Pearson != 1 {
				t.Errorf("%s: %+v", tc.name, subs)
			}
		}
	}
}
