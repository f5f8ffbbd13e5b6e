package eval

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// Predictor maps a source vector (on the source grid, in [0, 1]) to a target.
type Predictor interface {
	Name() string
	Predict(src []float64) []float64
}

// MeanTarget predicts the mean training target.
type MeanTarget struct{ mean []float64 }

// NewMeanTarget fits the baseline.
func NewMeanTarget(targets [][]float64) *MeanTarget {
	m := make([]float64, len(targets[0]))
	for _, t := range targets {
		floats.Add(m, t)
	}
	floats.Scale(1/float64(len(targets)), m)
	return &MeanTarget{m}
}

func (b *MeanTarget) Name() string                  { return "mean" }
func (b *MeanTarget) Predict(_ []float64) []float64 { return append([]float64(nil), b.mean...) }

// NearestNeighbour predicts the target of the training source most similar by cosine.
type NearestNeighbour struct {
	sources, targets [][]float64
	norms            []float64
}

// NewNearestNeighbour fits the baseline.
func NewNearestNeighbour(sources, targets [][]float64) *NearestNeighbour {
	b := &NearestNeighbour{sources: sources, targets: targets}
	for _, s := range sources {
		b.norms = append(b.norms, floats.Norm(s, 2))
	}
	return b
}

func (b *NearestNeighbour) Name() string { return "nn1" }

// Nearest returns the index of the most cosine-similar training source.
func (b *NearestNeighbour) Nearest(src []float64) int {
	n := floats.Norm(src, 2)
	best, bestSim := 0, math.Inf(-1)
	for i, s := range b.sources {
		sim := floats.Dot(s, src) / (b.norms[i]*n + 1e-12)
		if sim > bestSim {
			best, bestSim = i, sim
		}
	}
	return best
}

func (b *NearestNeighbour) Predict(src []float64) []float64 {
	return append([]float64(nil), b.targets[b.Nearest(src)]...)
}

// KNN predicts the similarity-weighted mean of the targets of the k training
// pairs whose sources are nearest (retrieval's high-passed cosine, softmax
// weights at temperature tau): the retrieval look-up with no model.
type KNN struct {
	lib *retrieval.Library
	k   int
	tau float64
}

// The KNN baseline's settings (chosen on the RRUFF infrared → Raman pairs:
// k 5–10 and τ 0.02–0.05 score alike).
const (
	KNNNeighbours = 8
	KNNTau        = 0.05
)

// NewKNN fits the baseline.
func NewKNN(sources, targets [][]float64, k int, tau float64) (*KNN, error) {
	entries := make([]retrieval.Entry, len(sources))
	for i := range sources {
		entries[i] = retrieval.Entry{Key: fmt.Sprint(i), Source: to32(sources[i]), Target: to32(targets[i])}
	}
	lib, err := retrieval.New(entries)
	if err != nil {
		return nil, err
	}
	return &KNN{lib: lib, k: k, tau: tau}, nil
}

func to32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func (b *KNN) Name() string { return "knn" }

func (b *KNN) Predict(src []float64) []float64 {
	avg := b.lib.Average(b.lib.Nearest(to32(src), b.k, b.tau, nil))
	out := make([]float64, len(avg))
	for i, v := range avg {
		out[i] = float64(v)
	}
	return out
}

// PCARidge projects sources on their first principal components, maps the
// scores to the targets' principal-component scores by ridge regression, and
// reconstructs the target.
type PCARidge struct {
	srcMean, tgtMean []float64
	srcComp, tgtComp *mat.Dense // columns: components
	w                *mat.Dense // ridge weights (k_src+1) × k_tgt (last row: bias)
}

// NewPCARidge fits the baseline with k components on each side and ridge λ.
func NewPCARidge(sources, targets [][]float64, k int, lambda float64) (*PCARidge, error) {
	n := len(sources)
	if n < 3 {
		return nil, fmt.Errorf("PCA-ridge needs at least 3 training pairs, got %d", n)
	}
	k = min(k, n-1)
	b := &PCARidge{}
	var sScores, tScores *mat.Dense
	var err error
	if b.srcMean, b.srcComp, sScores, err = pca(sources, k); err != nil {
		return nil, err
	}
	if b.tgtMean, b.tgtComp, tScores, err = pca(targets, k); err != nil {
		return nil, err
	}
	// Ridge: W = (XᵀX + λI)⁻¹ XᵀY, X = [scores, 1].
	X := mat.NewDense(n, k+1, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < k; j++ {
			X.Set(i, j, sScores.At(i, j))
		}
		X.Set(i, k, 1)
	}
	var xtx, xty mat.Dense
	xtx.Mul(X.T(), X)
	for j := 0; j < k; j++ {
		xtx.Set(j, j, xtx.At(j, j)+lambda)
	}
	xty.Mul(X.T(), tScores)
	b.w = new(mat.Dense)
	if err := b.w.Solve(&xtx, &xty); err != nil {
		return nil, fmt.Errorf("PCA-ridge: %w", err)
	}
	return b, nil
}

// pca centres the rows and returns the mean, the first k components (as
// columns) and the scores, by thin SVD (gonum).
func pca(rows [][]float64, k int) (mean []float64, comp, scores *mat.Dense, err error) {
	n, d := len(rows), len(rows[0])
	mean = make([]float64, d)
	for _, r := range rows {
		floats.Add(mean, r)
	}
	floats.Scale(1/float64(n), mean)
	X := mat.NewDense(n, d, nil)
	for i, r := range rows {
		for j := range r {
			X.Set(i, j, r[j]-mean[j])
		}
	}
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThinV) { // V alone: the scores are X·V, so U is never needed
		return nil, nil, nil, fmt.Errorf("PCA: SVD failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	comp = mat.DenseCopyOf(v.Slice(0, d, 0, k))
	scores = new(mat.Dense)
	scores.Mul(X, comp)
	return mean, comp, scores, nil
}

func (b *PCARidge) Name() string { return "pca_ridge" }

func (b *PCARidge) Predict(src []float64) []float64 {
	ks := b.srcComp.RawMatrix().Cols
	x := make([]float64, len(src))
	floats.SubTo(x, src, b.srcMean)
	var s mat.VecDense
	s.MulVec(b.srcComp.T(), mat.NewVecDense(len(x), x))
	xb := mat.NewVecDense(ks+1, append(s.RawVector().Data, 1))
	var ts mat.VecDense
	ts.MulVec(b.w.T(), xb)
	var y mat.VecDense
	y.MulVec(b.tgtComp, &ts)
	out := y.RawVector().Data
	floats.Add(out, b.tgtMean)
	return out
}
