package main

import (
	"math"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro"
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
func canonical(dims, k int, tau, lam float64) func(lib *retrieval.Library) (predictor, error) {
	return func(lib *retrieval.Library) (predictor, error) {
		learned, err := retrieval.New(lib.Entries)
		if err == nil {
			err = learned.Learn(dims, lam)
		}
		if err != nil {
			return nil, err
		}
		return func(_ *retrieval.Library, src []float32) []float64 {
			avg := learned.Average(learned.Nearest(src, k, tau, nil))
			out := make([]float64, len(avg))
			for i, v := range avg {
				out[i] = float64(v)
			}
			return out
		}, nil
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
