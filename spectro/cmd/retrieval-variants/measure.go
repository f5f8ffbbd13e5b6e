package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

type namedPredictor struct {
	name string
	p    predictor
}

type namedTargetPredictor struct {
	name string
	zip  bool // the target library includes RRUFF's Raman zip
	p    targetPredictor
}

type namedBuilder struct {
	name  string
	build func(*retrieval.Library) (predictor, error)
}

// library makes a library of examples' targets, compared by what source
// returns of each; it also returns the entries.
func library(exs []model.Example, source func(model.Example) []float32) (*retrieval.Library, []retrieval.Entry, error) {
	var entries []retrieval.Entry
	for _, e := range exs {
		entries = append(entries, retrieval.Entry{Key: e.Key, Species: e.Species, Source: source(e), Target: e.Tgt})
	}
	lib, err := retrieval.New(entries)
	if err != nil {
		return nil, nil, err
	}
	return lib, entries, nil
}

// only keeps the variants whose names hold word (empty: all).
func only[T any](vs []T, word string, name func(T) string) []T {
	if word == "" {
		return vs
	}
	return slices.DeleteFunc(vs, func(v T) bool { return !strings.Contains(name(v), word) })
}

// ramanOnlyEntries returns the Raman spectra of zcol that cover the Raman
// grid, on that grid, as target-library entries (Source and Target both the
// spectrum).
func ramanOnlyEntries(zcol *collection.Collection) []retrieval.Entry {
	var ramanOnly []retrieval.Entry
	for _, smp := range zcol.Samples {
		for _, sp := range smp.Spectra[spectro.Raman] {
			if !collection.Covers(sp, spectro.DefaultGrid(spectro.Raman), collection.MinCoverage) {
				continue
			}
			g, err := sp.OnGrid(spectro.DefaultGrid(spectro.Raman))
			if err != nil {
				continue
			}
			y := make([]float32, len(g.Y))
			for i, v := range g.Y {
				y[i] = float32(v)
			}
			ramanOnly = append(ramanOnly, retrieval.Entry{Key: smp.Key, Species: collection.MineralKey(smp.Mineral), Source: y, Target: y})
		}
	}
	return ramanOnly
}

// measure scores the look-up variants whose names hold word (empty: all) on
// col's infrared → Raman pairs, with the cross-validation's five folds by
// species and by sample, and writes the table to out; ramanOnly are Raman
// spectra without infrared for the two-hop variants' target library.
// Progress goes to logw.
func measure(col *collection.Collection, ramanOnly []retrieval.Entry, word string, out, logw io.Writer) error {
	pairs := col.UsablePairs(spectro.Infrared, spectro.Raman, io.Discard)
	if len(pairs) == 0 {
		return fmt.Errorf("no usable infrared → Raman pairs in the data")
	}
	fmt.Fprintf(logw, "%d infrared → Raman pairs, %d Raman-only spectra\n", len(pairs), len(ramanOnly))
	variants := []namedPredictor{
		{"knn k=8 τ=0.05 (the baseline)", mixture(8, 0.05, 1)},
		{"knn k=16 τ=0.05", mixture(16, 0.05, 1)},
		{"knn k=32 τ=0.1", mixture(32, 0.1, 1)},
		{"knn k=8 τ=0.03", mixture(8, 0.03, 1)},
		{"knn k=8, mixture squared (sharpened)", mixture(8, 0.05, 2)},
		{"scaled neighbours, 16 → 8, ±5%", scaled(16, 8, 0.05, 0.05)},
		{"scaled neighbours, 16 → 16, ±5%", scaled(16, 16, 0.05, 0.05)},
		{"consensus re-ranking, 16 → 8, λ=0.5", consensus(16, 8, 0.05, 0.5)},
		{"local warp, ±30 cm⁻¹, windows ±75, r ≥ 0.5", localWarp(8, 0.05, 30, 75, 0.5)},
		{"local warp, ±20 cm⁻¹, windows ±75, r ≥ 0.7", localWarp(8, 0.05, 20, 75, 0.7)},
		{"local warp, ±30 cm⁻¹, windows ±50, r ≥ 0.7", localWarp(8, 0.05, 30, 50, 0.7)},
		{"consensus re-ranking, 16 → 1, λ=0.5", consensus(16, 1, 0.05, 0.5)},
	}
	fvariants := []namedBuilder{
		{"canonical variates (PCA 64, 32 variates), λ=0.5", canonical(64, 8, 0.05, 0.5)},
		{"canonical variates (PCA 64, 32 variates), λ=1", canonical(64, 8, 0.05, 1)},
		{"canonical variates (PCA 32, 16 variates), λ=0.5", canonical(32, 8, 0.05, 0.5)},
		{"canonical variates (PCA 128, 64 variates), λ=0.3", canonical(128, 8, 0.05, 0.3)},
		{"canonical variates (PCA 128, 64 variates), λ=0.2", canonical(128, 8, 0.05, 0.2)},
		{"canonical variates (PCA 128, 64 variates), λ=0.4", canonical(128, 8, 0.05, 0.4)},
	}
	tvariants := []namedTargetPredictor{
		{"two hops, pairs' Raman only, 8 → 8, α=0.5", false, twoHop(8, 8, 0.05, 0.5)},
		{"two hops, + zip Raman, 8 → 8, α=0", true, twoHop(8, 8, 0.05, 0)},
		{"two hops, + zip Raman, 8 → 8, α=0.5", true, twoHop(8, 8, 0.05, 0.5)},
		{"two hops, + zip Raman, 8 → 16, τ2=0.1, α=0.5", true, twoHop(8, 16, 0.1, 0.5)},
		{"two hops, + zip Raman, 8 → 4, τ2=0.03, α=0.5", true, twoHop(8, 4, 0.03, 0.5)},
	}
	variants = only(variants, word, func(v namedPredictor) string { return v.name })
	tvariants = only(tvariants, word, func(v namedTargetPredictor) string { return v.name })
	fvariants = only(fvariants, word, func(v namedBuilder) string { return v.name })
	names := make([]string, 0, len(variants)+len(tvariants)+len(fvariants))
	for _, v := range variants {
		names = append(names, v.name)
	}
	for _, v := range tvariants {
		names = append(names, v.name)
	}
	for _, v := range fvariants {
		names = append(names, v.name)
	}
	if len(names) == 0 {
		return fmt.Errorf("--only %q: no variant's name contains it", word)
	}
	if len(ramanOnly) == 0 && slices.ContainsFunc(tvariants, func(v namedTargetPredictor) bool { return v.zip }) {
		fmt.Fprintln(logw, `no Raman-only spectra (see --zip): the "+ zip Raman" variants look up the pairs' Raman only`)
	}
	xs := spectro.DefaultGrid(spectro.Raman).Points()
	tol := spectro.Raman.PeakTolerance()
	res := make([][2]eval.Summary, len(names))
	for si, split := range []collection.Split{collection.BySpecies, collection.BySample} {
		scores := make([][]eval.Scores, len(names))
		folds := collection.Folds(pairs, split, 5, 11)
		for i, test := range folds {
			fmt.Fprintf(logw, "by %s, fold %d/%d: %d test pairs\n", split, i+1, len(folds), len(test))
			var train []collection.Pair
			for j, f := range folds {
				if j != i {
					train = append(train, f...)
				}
			}
			trEx, err := model.OnGrids(train, spectro.Infrared, spectro.Raman)
			if err != nil {
				return fmt.Errorf("by %s, fold %d, training pairs: %w", split, i+1, err)
			}
			teEx, err := model.OnGrids(test, spectro.Infrared, spectro.Raman)
			if err != nil {
				return fmt.Errorf("by %s, fold %d, test pairs: %w", split, i+1, err)
			}
			lib, _, err := library(trEx, func(e model.Example) []float32 { return e.Src })
			if err != nil {
				return fmt.Errorf("by %s, fold %d, pairs' library: %w", split, i+1, err)
			}
			// The target libraries hold no spectrum of a test sample (by
			// sample) or of a test species (by species).
			held := map[string]bool{}
			for _, e := range teEx {
				if split == collection.BySpecies {
					held[collection.MineralKey(e.Species)] = true
				} else {
					held[e.Key] = true
				}
			}
			// Target libraries compare targets: each entry's "source" is its target.
			pairsOnly, tEntries, err := library(trEx, func(e model.Example) []float32 { return e.Tgt })
			if err != nil {
				return fmt.Errorf("by %s, fold %d, Raman library: %w", split, i+1, err)
			}
			for _, e := range ramanOnly {
				id := e.Key
				if split == collection.BySpecies {
					id = e.Species
				}
				if !held[id] {
					tEntries = append(tEntries, e)
				}
			}
			withZip, err := retrieval.New(tEntries)
			if err != nil {
				return fmt.Errorf("by %s, fold %d, Raman library with the zip: %w", split, i+1, err)
			}
			fitted := make([]predictor, len(fvariants))
			for vi, v := range fvariants {
				if fitted[vi], err = v.build(lib); err != nil {
					return fmt.Errorf("by %s, fold %d, %s: %w", split, i+1, v.name, err)
				}
			}
			for _, e := range teEx {
				tgt := make([]float64, len(e.Tgt))
				for k, v := range e.Tgt {
					tgt[k] = float64(v)
				}
				for vi, v := range variants {
					scores[vi] = append(scores[vi], eval.Score(v.p(lib, e.Src), tgt, xs, tol))
				}
				for vi, v := range tvariants {
					targets := pairsOnly
					if v.zip {
						targets = withZip
					}
					k := len(variants) + vi
					scores[k] = append(scores[k], eval.Score(v.p(lib, targets, e.Src), tgt, xs, tol))
				}
				for vi, p := range fitted {
					k := len(variants) + len(tvariants) + vi
					scores[k] = append(scores[k], eval.Score(p(lib, e.Src), tgt, xs, tol))
				}
			}
		}
		for vi := range names {
			res[vi][si] = eval.Summarize(scores[vi])
		}
	}
	fmt.Fprintln(out, "| variant | by species: Pearson / pk@5v5 | by sample |\n|---|---|---|")
	for vi, name := range names {
		fmt.Fprintf(out, "| %s | %.3f / %.3f | %.3f / %.3f |\n", name, res[vi][0].Pearson, res[vi][0].PK5, res[vi][1].Pearson, res[vi][1].PK5)
	}
	return nil
}
