package collection

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Split names how pairs are grouped when some are held out: no group is on
// both sides of a split.
type Split string

const (
	BySpecies Split = "species" // a held-out species is new to the model (the protocol's default)
	BySample  Split = "sample"  // a held-out sample may share its species with training pairs
	Random    Split = "random"  // each pair is its own group
)

// ParseSplit checks a split's name.
func ParseSplit(name string) (Split, error) {
	switch s := Split(name); s {
	case BySpecies, BySample, Random:
		return s, nil
	}
	return "", fmt.Errorf("split %q: want species, sample or random", name)
}

// group is the key no two sides of a split share.
func (s Split) group(p Pair) string {
	switch s {
	case BySample:
		return p.Sample.Key
	case Random:
		return p.Source.Meta.Source + "|" + p.Target.Meta.Source + "|" + p.Sample.Key
	}
	return p.Sample.Mineral
}

// SplitPairs holds out about frac of the pairs, grouped by split (the zero
// Split groups by species). Deterministic for a seed.
func SplitPairs(pairs []Pair, split Split, frac float64, seed uint64) (kept, held []Pair) {
	var groups []string
	seen := map[string]bool{}
	for _, p := range pairs {
		if g := split.group(p); !seen[g] {
			seen[g] = true
			groups = append(groups, g)
		}
	}
	sort.Strings(groups)
	rng := rand.New(rand.NewPCG(seed, 0x5917))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	out := map[string]bool{}
	want := int(math.Round(frac * float64(len(pairs))))
	n := 0
	for _, g := range groups {
		if n >= want || len(out) == len(groups)-1 {
			break
		}
		out[g] = true
		for _, p := range pairs {
			if split.group(p) == g {
				n++
			}
		}
	}
	for _, p := range pairs {
		if out[split.group(p)] {
			held = append(held, p)
		} else {
			kept = append(kept, p)
		}
	}
	return kept, held
}

// Folds splits pairs into k folds grouped by split (deterministic for a
// seed); fold i's pairs are the test set of round i of a cross-validation.
func Folds(pairs []Pair, split Split, k int, seed uint64) [][]Pair {
	rest := pairs
	var folds [][]Pair
	for i := k; i > 1; i-- {
		var test []Pair
		rest, test = SplitPairs(rest, split, 1/float64(i), seed+uint64(i))
		folds = append(folds, test)
	}
	return append(folds, rest)
}

// SpeciesOf returns the distinct species of pairs, sorted.
func SpeciesOf(pairs []Pair) []string {
	return distinctOf(pairs, func(p Pair) string { return p.Sample.Mineral })
}

// SamplesOf returns the distinct sample keys of pairs, sorted.
func SamplesOf(pairs []Pair) []string {
	return distinctOf(pairs, func(p Pair) string { return p.Sample.Key })
}

// distinctOf lists the distinct values of field over pairs, sorted.
func distinctOf(pairs []Pair, field func(Pair) string) []string {
	seen := map[string]bool{}
	for _, p := range pairs {
		seen[field(p)] = true
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// UsablePairs returns the collection's from → to pairs of spectra that cover
// the default grids (see MinCoverage), saying on log (nil: silently) how
// many files were left out and why (e.g. far-infrared files on the
// mid-infrared grid).
func (c *Collection) UsablePairs(from, to spectro.Modality, log io.Writer) []Pair {
	gs, gt := spectro.DefaultGrid(from), spectro.DefaultGrid(to)
	pairs, left := c.PairsOnGrids(from, to, gs, gt)
	if len(left) > 0 && log != nil {
		fmt.Fprintf(log, "left out %d %s/%s files that cover under %.0f%% of their grid (%s: %g–%g, %s: %g–%g), e.g. far-infrared files such as %s; %d pairs remain\n",
			len(left), from, to, 100*MinCoverage, from, gs.Start, gs.Stop, to, gt.Start, gt.Stop, filepath.Base(left[0]), len(pairs))
	}
	// A spectrum constant on its grid (flat, all zero) has no shape to learn
	// from or to score: its pairs are left out, with a count, rather than
	// stopping a whole training at min-max scaling.
	kept := pairs[:0:0]
	var flat []string
	for _, p := range pairs {
		_, errS := p.Source.OnGrid(gs)
		_, errT := p.Target.OnGrid(gt)
		switch {
		case errS != nil:
			flat = append(flat, p.Source.Meta.Source)
		case errT != nil:
			flat = append(flat, p.Target.Meta.Source)
		default:
			kept = append(kept, p)
		}
	}
	if len(flat) > 0 && log != nil {
		fmt.Fprintf(log, "left out %d %s/%s pairs with a spectrum that is constant on its grid (flat or all zero), e.g. %s; %d pairs remain\n",
			len(flat), from, to, filepath.Base(flat[0]), len(kept))
	}
	return kept
}
