package collection

import (
	"fmt"
	"slices"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// pairsOf makes n samples per species, each with one pair.
func pairsOf(species, n int) []Pair {
	var out []Pair
	for i := range species {
		for j := range n {
			s := &Sample{Key: fmt.Sprintf("R%02d%02d", i, j), Mineral: fmt.Sprintf("Mineral%d", i)}
			src := &spectro.Spectrum{Meta: spectro.Metadata{Source: s.Key + "-ir.txt"}}
			tgt := &spectro.Spectrum{Meta: spectro.Metadata{Source: s.Key + "-raman.txt"}}
			out = append(out, Pair{Sample: s, Source: src, Target: tgt})
		}
	}
	return out
}

// No group is on both sides of a split, about frac is held out, and the
// split is the same for a seed.
func TestSplitPairs(t *testing.T) {
	pairs := pairsOf(20, 3)
	for _, tc := range []struct {
		split Split
		group func(Pair) string
	}{
		{BySpecies, func(p Pair) string { return p.Sample.Mineral }},
		{BySample, func(p Pair) string { return p.Sample.Key }},
		{Random, func(p Pair) string { return p.Source.Meta.Source }},
		{"", func(p Pair) string { return p.Sample.Mineral }}, // the zero Split groups by species
	} {
		kept, held := SplitPairs(pairs, tc.split, 0.2, 7)
		if len(kept)+len(held) != len(pairs) || len(held) < 9 || len(held) > 15 {
			t.Errorf("%q: %d kept, %d held of %d", tc.split, len(kept), len(held), len(pairs))
		}
		seen := map[string]bool{}
		for _, p := range kept {
			seen[tc.group(p)] = true
		}
		for _, p := range held {
			if seen[tc.group(p)] {
				t.Errorf("%q: group %s on both sides", tc.split, tc.group(p))
			}
		}
		again, _ := SplitPairs(pairs, tc.split, 0.2, 7)
		if !slices.Equal(SamplesOf(again), SamplesOf(kept)) {
			t.Errorf("%q: not deterministic for a seed", tc.split)
		}
	}
}

// Folds partition the pairs, species apart, one fold per round.
func TestFolds(t *testing.T) {
	pairs := pairsOf(23, 2)
	folds := Folds(pairs, BySpecies, 5, 11)
	if len(folds) != 5 {
		t.Fatalf("%d folds", len(folds))
	}
	owner := map[string]int{}
	n := 0
	for i, f := range folds {
		n += len(f)
		if len(f) == 0 {
			t.Errorf("fold %d empty", i)
		}
		for _, sp := range SpeciesOf(f) {
			if j, ok := owner[sp]; ok && j != i {
				t.Errorf("%s in folds %d and %d", sp, j, i)
			}
			owner[sp] = i
		}
	}
	if n != len(pairs) || len(owner) != 23 {
		t.Errorf("folds hold %d pairs of %d species, want %d of 23", n, len(owner), len(pairs))
	}
}

func TestParseSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Split
		ok   bool
	}{{"species", BySpecies, true}, {"sample", BySample, true}, {"random", Random, true}, {"Species", "", false}, {"", "", false}} {
		got, err := ParseSplit(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseSplit(%q) = %q, %v", tc.in, got, err)
		}
	}
}
