package retrieval_test

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
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
	pairs := model.UsablePairs(col, spectro.Infrared, spectro.Raman, io.Discard)
	variants := []struct {
		name string
		p    predictor
	}{
		{"knn k=8 τ=0.05 (the baseline)", mixture(8, 0.05, 1)},
		{"knn k=16 τ=0.05", mixture(16, 0.05, 1)},
		{"knn k=32 τ=0.1", mixture(32, 0.1, 1)},
		{"knn k=8 τ=0.03", mixture(8, 0.03, 1)},
		{"knn k=8, mixture squared (sharpened)", mixture(8, 0.05, 2)},
		{"scaled neighbours, 16 → 8, ±5%", scaled(16, 8, 0.05, 0.05)},
		{"scaled neighbours, 16 → 16, ±5%", scaled(16, 16, 0.05, 0.05)},
		{"consensus re-ranking, 16 → 8, λ=0.5", consensus(16, 8, 0.05, 0.5)},
		{"consensus re-ranking, 16 → 1, λ=0.5", consensus(16, 1, 0.05, 0.5)},
	}
	xs := spectro.DefaultGrid(spectro.Raman).Points()
	tol := spectro.Raman.PeakTolerance()
	fmt.Println("| variant | by species: Pearson / pk@5v5 | by sample |\n|---|---|---|")
	res := make([][2]eval.Summary, len(variants))
	for si, split := range []string{"species", "sample"} {
		scores := make([][]eval.Scores, len(variants))
		folds := model.Folds(pairs, split, 5, 11)
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
			var entries []retrieval.Entry
			for _, e := range trEx {
				entries = append(entries, retrieval.Entry{Key: e.Key, Species: e.Species, Source: e.Src, Target: e.Tgt})
			}
			lib, err := retrieval.New(entries)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range teEx {
				tgt := make([]float64, len(e.Tgt))
				for k, v := range e.Tgt {
					tgt[k] = float64(v)
				}
				for vi, v := range variants {
					scores[vi] = append(scores[vi], eval.Score(v.p(lib, e.Src), tgt, xs, tol))
				}
			}
		}
		for vi := range variants {
			res[vi][si] = eval.Summarize(scores[vi])
		}
	}
	for vi, v := range variants {
		fmt.Printf("| %s | %.3f / %.3f | %.3f / %.3f |\n", v.name, res[vi][0].Pearson, res[vi][0].PK5, res[vi][1].Pearson, res[vi][1].PK5)
	}
}
