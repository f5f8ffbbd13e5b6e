package experiment

import (
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// The shared synthetic model is tested on species it never saw: the test
// pairs share no species with the training pairs, nor validation with fitting.
func TestSyntheticSplitHoldsOutSpecies(t *testing.T) {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	train, test, fit, val := syntheticSplit(col)
	species := func(ps []collection.Pair) map[string]bool {
		m := map[string]bool{}
		for _, p := range ps {
			m[p.Sample.Mineral] = true
		}
		return m
	}
	disjoint := func(what string, a, b []collection.Pair) {
		sb := species(b)
		for s := range species(a) {
			if sb[s] {
				t.Errorf("%s: species %s on both sides", what, s)
			}
		}
	}
	disjoint("train/test", train, test)
	disjoint("fit/validation", fit, val)
	if len(fit)+len(val) != len(train) || len(test) == 0 || len(val) == 0 {
		t.Errorf("pairs: train %d = fit %d + val %d? test %d", len(train), len(fit), len(val), len(test))
	}
	if share := float64(len(species(test))) / float64(len(species(train))+len(species(test))); share < 0.15 || share > 0.25 {
		t.Errorf("test species are %.2f of all, want about a fifth", share)
	}
}
