package retrieval_test

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
	"gonum.org/v1/gonum/floats"
)

// predictor turns a source spectrum into a target spectrum using a library.
type predictor func(lib *retrieval.Library, src []float32) []float64

// targetPredictor also sees a library of target spectra alone (Source and
// Target both the target spectrum), e.g. Raman spectra without infrared.
type targetPredictor func(lib, targets *retrieval.Library, src []float32) []float64

// twoHop looks the source up among the pairs (k1 neighbours), then looks the
// neighbours' mixture up among target spectra (k2, τ2) and returns
// alpha·mixture + (1−alpha)·second mixture: a target library without
// sources can only be reached through a first guess of the target.
func twoHop(k1, k2 int, tau2, alpha float64) targetPredictor {
	return func(lib, targets *retrieval.Library, src []float32) []float64 {
		first := lib.Average(lib.Nearest(src, k1, 0.05, nil))
		second := targets.Average(targets.Nearest(first, k2, tau2, nil))
		out := make([]float64, len(first))
		for i := range out {
			out[i] = alpha*float64(first[i]) + (1-alpha)*float64(second[i])
		}
		return out
	}
}

// mixture is the k-NN mixture (the knn baseline), optionally sharpened by a
// power of the mixed spectrum.
func mixture(k int, tau, power float64) predictor {
	return func(lib *retrieval.Library, src []float32) []float64 {
		avg := lib.Average(lib.Nearest(src, k, tau, nil))
		out := make([]float64, len(avg))
		for i, v := range avg {
			out[i] = math.Pow(math.Max(float64(v), 0), power)
		}
		return out
	}
}

// warp moves a band at x to a·x (linear interpolation, zero outside).
func warp(y []float32, xs []float64, a float64) []float32 {
	out := make([]float32, len(y))
	x0, dx := xs[0], xs[1]-xs[0]
	for i, x := range xs {
		u := (x/a - x0) / dx
		j := int(math.Floor(u))
		switch {
		case j >= 0 && j < len(y)-1:
			f := float32(u - float64(j))
			out[i] = (1-f)*y[j] + f*y[j+1]
		case j == len(y)-1:
			out[i] = y[j]
		}
	}
	return out
}

// scaled re-ranks the K nearest after stretching each neighbour's source by
// the factor in [1−r, 1+r] that best matches the query (a heavier or lighter
// cation shifts an isomorphous mineral's bands by a common factor), then mixes
// the k best with their targets stretched by the same factor.
func scaled(K, k int, tau, r float64) predictor {
	xsS, xsT := spectro.DefaultGrid(spectro.Infrared).Points(), spectro.DefaultGrid(spectro.Raman).Points()
	return func(lib *retrieval.Library, src []float32) []float64 {
		q := retrieval.Embed(src)
		type cand struct {
			i        int
			a, score float64
		}
		var cs []cand
		for _, n := range lib.Nearest(src, K, tau, nil) {
			c := cand{n.Index, 1, n.Similarity}
			for a := 1 - r; a <= 1+r+1e-9; a += 0.0025 {
				e := retrieval.Embed(warp(lib.Entries[n.Index].Source, xsS, a))
				if s := floats.Dot(e, q); s > c.score {
					c.a, c.score = a, s
				}
			}
			cs = append(cs, c)
		}
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].score > cs[b].score })
		out := make([]float64, len(xsT))
		sum := 0.0
		for _, c := range cs[:min(k, len(cs))] {
			w := math.Exp((c.score - cs[0].score) / tau)
			sum += w
			for i, v := range warp(lib.Entries[c.i].Target, xsT, c.a) {
				out[i] += w * float64(v)
			}
		}
		for i := range out {
			out[i] /= sum
		}
		return out
	}
}

// localWarp mixes the k nearest after moving each neighbour's target bands
// by the shifts that align its source with the query locally: the shift
// (within ±maxShift cm⁻¹) that best correlates the two high-passed sources in
// a window of ±half cm⁻¹ around each of a row of centres, kept where that
// window's correlation is at least minCorr; the target is moved by the shift
// interpolated at each target point (the nearest centre's outside their
// span). An isomorphous mineral's bands move by amounts that differ from one
// vibration to the next, which one common stretch (scaled) cannot follow.
func localWarp(k int, tau, maxShift, half, minCorr float64) predictor {
	gS, gT := spectro.DefaultGrid(spectro.Infrared), spectro.DefaultGrid(spectro.Raman)
	xsT := gT.Points()
	dx := gS.Step()
	maxD, w := int(maxShift/dx), int(half/dx)
	var centres []int
	for c := 450.0; c <= 1500; c += 50 {
		centres = append(centres, int(math.Round(gS.Index(c))))
	}
	return func(lib *retrieval.Library, src []float32) []float64 {
		q := retrieval.Embed(src)
		out := make([]float64, len(xsT))
		for _, n := range lib.Nearest(src, k, tau, nil) {
			e := retrieval.Embed(lib.Entries[n.Index].Source)
			var cx, shift []float64
			for _, c := range centres {
				best, bestD := math.Inf(-1), 0
				var bestNorm float64
				for d := -maxD; d <= maxD; d++ {
					var ab, aa, bb float64
					for i := max(c-w, 0); i <= min(c+w, len(q)-1); i++ {
						j := i - d
						if j < 0 || j >= len(e) {
							continue
						}
						ab += q[i] * e[j]
						aa += q[i] * q[i]
						bb += e[j] * e[j]
					}
					if ab > best {
						best, bestD, bestNorm = ab, d, math.Sqrt(aa*bb)
					}
				}
				if bestNorm > 0 && best/bestNorm >= minCorr {
					cx = append(cx, gS.At(c))
					shift = append(shift, float64(bestD)*dx)
				}
			}
			tgt := lib.Entries[n.Index].Target
			for i, x := range xsT {
				s := 0.0
				switch {
				case len(cx) == 0:
				case x <= cx[0]:
					s = shift[0]
				case x >= cx[len(cx)-1]:
					s = shift[len(cx)-1]
				default:
					j := sort.SearchFloat64s(cx, x)
					f := (x - cx[j-1]) / (cx[j] - cx[j-1])
					s = (1-f)*shift[j-1] + f*shift[j]
				}
				u := gT.Index(x - s)
				j := int(math.Floor(u))
				if j >= 0 && j < len(tgt)-1 {
					f := u - float64(j)
					out[i] += n.Weight * ((1-f)*float64(tgt[j]) + f*float64(tgt[j+1]))
				}
			}
		}
		return out
	}
}

// canonical ranks with the library's learned comparison space
// (retrieval.Library.Learn on dims principal components, weight lam) and
// mixes the k nearest.
func canonical(dims, k int, tau, lam float64) func(lib *retrieval.Library) predictor {
	return func(lib *retrieval.Library) predictor {
		learned, err := retrieval.New(lib.Entries)
		if err == nil {
			err = learned.Learn(dims, lam)
		}
		if err != nil {
			panic(err)
		}
		return func(_ *retrieval.Library, src []float32) []float64 {
			avg := learned.Average(learned.Nearest(src, k, tau, nil))
			out := make([]float64, len(avg))
			for i, v := range avg {
				out[i] = float64(v)
			}
			return out
		}
	}
}

// consensus re-ranks the K nearest by their similarity plus lam times how
// well their targets agree with the other neighbours' targets, and mixes the m best.
func consensus(K, m int, tau, lam float64) predictor {
	return func(lib *retrieval.Library, src []float32) []float64 {
		nb := lib.Nearest(src, K, tau, nil)
		scores := make([]float64, len(nb))
		for j, a := range nb {
			agree, ws := 0.0, 0.0
			for i, b := range nb {
				if i != j {
					agree += b.Weight * cosine(lib.Entries[a.Index].Target, lib.Entries[b.Index].Target)
					ws += b.Weight
				}
			}
			scores[j] = a.Similarity + lam*agree/(ws+1e-12)
		}
		idx := make([]int, len(nb))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
		out := make([]float64, len(lib.Entries[0].Target))
		sum := 0.0
		for _, j := range idx[:min(m, len(idx))] {
			w := math.Exp((scores[j] - scores[idx[0]]) / tau)
			sum += w
			for i, v := range lib.Entries[nb[j].Index].Target {
				out[i] += w * float64(v)
			}
		}
		for i := range out {
			out[i] /= sum
		}
		return out
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / (math.Sqrt(aa*bb) + 1e-12)
}

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
	build func(*retrieval.Library) predictor
}

// library makes a library of examples' targets, compared by what source
// returns of each; it also returns the entries.
func library(t *testing.T, exs []model.Example, source func(model.Example) []float32) (*retrieval.Library, []retrieval.Entry) {
	var entries []retrieval.Entry
	for _, e := range exs {
		entries = append(entries, retrieval.Entry{Key: e.Key, Species: e.Species, Source: source(e), Target: e.Tgt})
	}
	lib, err := retrieval.New(entries)
	if err != nil {
		t.Fatal(err)
	}
	return lib, entries
}

// only keeps the variants whose names hold word ("1": all).
func only[T any](vs []T, word string, name func(T) string) []T {
	if word == "1" {
		return vs
	}
	return slices.DeleteFunc(vs, func(v T) bool { return !strings.Contains(name(v), word) })
}

// TestRetrievalVariantsOnRRUFF measures variants of the look-up alone (no
// model) on RRUFF's infrared → Raman pairs, with the cross-validation's five
// folds by species and by sample; it prints a table and asserts nothing
// about quality. On demand:
//
//	RETRIEVAL_VARIANTS=1 go test ./spectro/retrieval -run Variants -v
func TestRetrievalVariantsOnRRUFF(t *testing.T) {
	if os.Getenv("RETRIEVAL_VARIANTS") == "" {
		t.Skip("set RETRIEVAL_VARIANTS=1 to measure (about a minute)")
	}
	root := shareddata.Dir(t)
	col, err := datasets.Load(filepath.Join(root, "rruff-infrared") + "," + filepath.Join(root, "rruff-raman"))
	if err != nil {
		t.Fatal(err)
	}
	pairs := col.UsablePairs(spectro.Infrared, spectro.Raman, io.Discard)
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
	// Raman spectra without infrared: RRUFF's zip, when it is there.
	zip := filepath.Join(root, "rruff-zips", "excellent_unoriented.zip")
	var ramanOnly []retrieval.Entry
	if zcol, err := datasets.Load(zip); err == nil {
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
	}
	t.Logf("%d Raman-only spectra", len(ramanOnly))
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
	// RETRIEVAL_VARIANTS=word measures only the variants whose names hold it.
	w := os.Getenv("RETRIEVAL_VARIANTS")
	variants = only(variants, w, func(v namedPredictor) string { return v.name })
	tvariants = only(tvariants, w, func(v namedTargetPredictor) string { return v.name })
	fvariants = only(fvariants, w, func(v namedBuilder) string { return v.name })
	names := make([]string, 0, len(variants)+len(tvariants))
	for _, v := range variants {
		names = append(names, v.name)
	}
	for _, v := range tvariants {
		names = append(names, v.name)
	}
	for _, v := range fvariants {
		names = append(names, v.name)
	}
	xs := spectro.DefaultGrid(spectro.Raman).Points()
	tol := spectro.Raman.PeakTolerance()
	fmt.Println("| variant | by species: Pearson / pk@5v5 | by sample |\n|---|---|---|")
	res := make([][2]eval.Summary, len(names))
	for si, split := range []collection.Split{collection.BySpecies, collection.BySample} {
		scores := make([][]eval.Scores, len(names))
		folds := collection.Folds(pairs, split, 5, 11)
		for i, test := range folds {
			var train []collection.Pair
			for j, f := range folds {
				if j != i {
					train = append(train, f...)
				}
			}
			trEx, err := model.OnGrids(train, spectro.Infrared, spectro.Raman)
			if err != nil {
				t.Fatal(err)
			}
			teEx, err := model.OnGrids(test, spectro.Infrared, spectro.Raman)
			if err != nil {
				t.Fatal(err)
			}
			lib, _ := library(t, trEx, func(e model.Example) []float32 { return e.Src })
			// The target libraries hold no spectrum of a test sample (by
			// sample) or of a test species (by species).
			held := map[string]bool{}
			for _, e := range teEx {
				if split == "species" {
					held[collection.MineralKey(e.Species)] = true
				} else {
					held[e.Key] = true
				}
			}
			// Target libraries compare targets: each entry's "source" is its target.
			pairsOnly, tEntries := library(t, trEx, func(e model.Example) []float32 { return e.Tgt })
			for _, e := range ramanOnly {
				id := e.Key
				if split == "species" {
					id = e.Species
				}
				if !held[id] {
					tEntries = append(tEntries, e)
				}
			}
			withZip, err := retrieval.New(tEntries)
			if err != nil {
				t.Fatal(err)
			}
			fitted := make([]predictor, len(fvariants))
			for vi, v := range fvariants {
				fitted[vi] = v.build(lib)
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
	for vi, name := range names {
		fmt.Printf("| %s | %.3f / %.3f | %.3f / %.3f |\n", name, res[vi][0].Pearson, res[vi][0].PK5, res[vi][1].Pearson, res[vi][1].PK5)
	}
}
