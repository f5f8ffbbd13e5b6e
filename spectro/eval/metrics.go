// Package eval implements the project's evaluation protocol for generated
// spectra — per-spectrum Pearson r, RMSE, RMSEraw and the peak-position score
// pk@5v5, their means and medians — and the baselines every result is printed
// beside: the mean training target, 1-nearest-neighbour by cosine on the source,
// and PCA → ridge → PCA.
//
// Spectra are compared on the target modality's grid (infrared 400–4000 cm⁻¹,
// Raman 100–1500 cm⁻¹, XRD 5–90 °2θ; 1024 points), the measured one min-max
// scaled to [0, 1].
package eval

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	"github.com/spectrogen-go/spectrogen/spectro/peaks"
)

// PeakProminence is the smallest prominence of a peak counted by pk@5v5.
const PeakProminence = 0.02

// Scores are one generated spectrum's metrics against the measured one.
type Scores struct {
	Pearson float64 // Pearson r (0 when the generated spectrum is constant)
	RMSE    float64 // RMSE after min-max rescaling the generated spectrum to [0, 1]
	RMSERaw float64 // RMSE with the generated spectrum only clipped to [0, 1]
	PK5     float64 // share of the measured top-5 peaks matched by a generated top-5 peak (NaN: measured has none)
}

// Score compares generated g with measured t (t already in [0, 1]) on the grid
// xs; tol is the peak-position tolerance in x units (10 cm⁻¹, 0.2 °2θ).
func Score(g, t, xs []float64, tol float64) Scores {
	var s Scores
	gMin, gMax := floats.Min(g), floats.Max(g)
	scaled := make([]float64, len(g))
	clipped := make([]float64, len(g))
	for i, v := range g {
		if gMax > gMin {
			scaled[i] = (v - gMin) / (gMax - gMin)
		}
		clipped[i] = math.Max(0, math.Min(1, v))
	}
	if gMax > gMin && floats.Max(t) > floats.Min(t) {
		s.Pearson = stat.Correlation(g, t, nil)
	}
	s.RMSE = rmse(scaled, t)
	s.RMSERaw = rmse(clipped, t)
	s.PK5 = PeakAgreement(scaled, t, xs, tol, 5)
	return s
}

func rmse(a, b []float64) float64 {
	sum := 0.0
	for i := range a {
		d := a[i] - b[i]
		sum += d * d
	}
	return math.Sqrt(sum / float64(len(a)))
}

// PeakAgreement is pk@NvN: take the n most prominent peaks (prominence ≥ 0.02,
// as scipy.signal.find_peaks defines it) of t and of g; return the share of t's
// that have one of g's within tol. Counting only g's top n keeps a noisy output
// from scoring 1. NaN when t has no peak.
func PeakAgreement(g, t, xs []float64, tol float64, n int) float64 {
	pairs, measured := LinePairs(g, t, xs, tol, n)
	if measured == 0 {
		return math.NaN()
	}
	return float64(len(pairs)) / float64(measured)
}

// LinePairs matches lines as PeakAgreement does: of t's n most prominent
// peaks (measured), each paired with the nearest of g's n most prominent
// within tol. It returns the pairs as {measured position, generated
// position} and how many measured peaks there were: what a parity plot of
// line positions draws.
func LinePairs(g, t, xs []float64, tol float64, n int) (pairs [][2]float64, measured int) {
	tp := peaks.TopByProminence(peaks.Find(t, peaks.Options{MinProminence: PeakProminence}), n)
	gp := peaks.TopByProminence(peaks.Find(g, peaks.Options{MinProminence: PeakProminence}), n)
	for _, a := range tp {
		best, bestD := -1, math.Inf(1)
		for j, b := range gp {
			if d := math.Abs(xs[a.Index] - xs[b.Index]); d <= tol && d < bestD {
				best, bestD = j, d
			}
		}
		if best >= 0 {
			pairs = append(pairs, [2]float64{xs[a.Index], xs[gp[best].Index]})
		}
	}
	return pairs, len(tp)
}

// Summary is the protocol's report of a set of scores: means (NaN-free) and the
// median Pearson r. JSON keys are the ones `spectrogen eval --json` prints.
type Summary struct {
	N             int     `json:"-"`
	Pearson       float64 `json:"pearson"`
	PearsonMedian float64 `json:"pearson_median"`
	RMSE          float64 `json:"rmse"`
	RMSERaw       float64 `json:"rmse_raw"`
	PK5           float64 `json:"pk5"`
	RMSEMedian    float64 `json:"-"`
	PK5Median     float64 `json:"-"`
}

// Summarize averages scores (PK5 over the spectra where it is defined).
func Summarize(ss []Scores) Summary {
	col := func(f func(Scores) float64) []float64 {
		var v []float64
		for _, s := range ss {
			if x := f(s); !math.IsNaN(x) {
				v = append(v, x)
			}
		}
		return v
	}
	r, e, er, pk := col(func(s Scores) float64 { return s.Pearson }), col(func(s Scores) float64 { return s.RMSE }),
		col(func(s Scores) float64 { return s.RMSERaw }), col(func(s Scores) float64 { return s.PK5 })
	return Summary{N: len(ss), Pearson: mean(r), PearsonMedian: Median(r), RMSE: mean(e), RMSERaw: mean(er), PK5: mean(pk),
		RMSEMedian: Median(e), PK5Median: Median(pk)}
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return stat.Mean(v, nil)
}

// Median of v (NaN for none).
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Average averages summaries (cross-validation folds), weighting folds equally.
func Average(ss []Summary) Summary {
	var out Summary
	if len(ss) == 0 {
		return out
	}
	for _, s := range ss {
		out.N += s.N
		out.Pearson += s.Pearson / float64(len(ss))
		out.PearsonMedian += s.PearsonMedian / float64(len(ss))
		out.RMSE += s.RMSE / float64(len(ss))
		out.RMSERaw += s.RMSERaw / float64(len(ss))
		out.PK5 += s.PK5 / float64(len(ss))
		out.RMSEMedian += s.RMSEMedian / float64(len(ss))
		out.PK5Median += s.PK5Median / float64(len(ss))
	}
	return out
}

// Example is a (source, target) pair on the evaluation grids, both min-max scaled.
type Example struct {
	Src, Tgt []float64
}

// BaselineScores fits the baselines (mean, 1-NN, PCA-ridge, k-NN average) on train and scores them on test.
func BaselineScores(train, test []Example, xs []float64, tol float64) (map[string][]Scores, error) {
	var srcs, tgts [][]float64
	for _, e := range train {
		srcs, tgts = append(srcs, e.Src), append(tgts, e.Tgt)
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no training pairs for the baselines")
	}
	preds := []Predictor{NewMeanTarget(tgts), NewNearestNeighbour(srcs, tgts)}
	if pr, err := NewPCARidge(srcs, tgts, 16, 1.0); err == nil {
		preds = append(preds, pr)
	}
	if kn, err := NewKNN(srcs, tgts, KNNNeighbours, KNNTau); err == nil {
		preds = append(preds, kn)
	}
	out := map[string][]Scores{}
	for _, p := range preds {
		for _, e := range test {
			out[p.Name()] = append(out[p.Name()], Score(p.Predict(e.Src), e.Tgt, xs, tol))
		}
	}
	return out, nil
}
