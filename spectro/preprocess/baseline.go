package preprocess

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// whittaker solves (W + λ·DᵀD) z = W·y, D the second-difference operator: the
// penalised least-squares smoother behind AsLS and arPLS. The matrix is
// symmetric positive definite and pentadiagonal, so a banded Cholesky
// factorisation (gonum's mat.BandCholesky) solves it in O(n).
func whittaker(y, w []float64, lambda float64) ([]float64, error) {
	n := len(y)
	a := mat.NewSymBandDense(n, 2, nil)
	// DᵀD for second differences: diagonal 1,5,6,…,6,5,1; first off-diagonal
	// −2,−4,…,−4,−2; second off-diagonal 1.
	for i := 0; i < n; i++ {
		diag := 6.0
		switch {
		case n == 3 && i == 1:
			diag = 4
		case i == 0 || i == n-1:
			diag = 1
		case i == 1 || i == n-2:
			diag = 5
		}
		a.SetSymBand(i, i, w[i]+lambda*diag)
		if i+1 < n {
			off := -4.0
			if i == 0 || i == n-2 {
				off = -2
			}
			a.SetSymBand(i, i+1, lambda*off)
		}
		if i+2 < n {
			a.SetSymBand(i, i+2, lambda)
		}
	}
	var ch mat.BandCholesky
	if !ch.Factorize(a) {
		return nil, fmt.Errorf("baseline: the smoothing system is not positive definite (λ=%g)", lambda)
	}
	wy := make([]float64, n)
	for i := range y {
		wy[i] = w[i] * y[i]
	}
	z := mat.NewVecDense(n, nil)
	if err := ch.SolveVecTo(z, mat.NewVecDense(n, wy)); err != nil {
		return nil, err
	}
	return z.RawVector().Data, nil
}

func checkWhittaker(y []float64, lambda float64) error {
	if len(y) < 3 {
		return fmt.Errorf("baseline needs at least 3 points, got %d", len(y))
	}
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return fmt.Errorf("baseline smoothness λ must be > 0, got %g", lambda)
	}
	return nil
}

// AsLS estimates a baseline by asymmetric least squares (Eilers and Boelens,
// 2005): points above the current baseline get weight p, points below 1 − p, and
// the weighted Whittaker smoother is solved again, until the weights settle.
// Typical λ: 1e4–1e8; p: 0.001–0.05. It returns the baseline and the iterations.
func AsLS(y []float64, lambda, p float64, maxIter int) ([]float64, int, error) {
	if err := checkWhittaker(y, lambda); err != nil {
		return nil, 0, err
	}
	if !(p > 0 && p < 1) {
		return nil, 0, fmt.Errorf("AsLS asymmetry p must be in (0, 1), got %g", p)
	}
	w := make([]float64, len(y))
	for i := range w {
		w[i] = 1
	}
	var z []float64
	for it := 1; it <= maxIter; it++ {
		var err error
		if z, err = whittaker(y, w, lambda); err != nil {
			return nil, it, err
		}
		changed := false
		for i := range y {
			nw := 1 - p
			if y[i] > z[i] {
				nw = p
			}
			if nw != w[i] {
				changed = true
				w[i] = nw
			}
		}
		if !changed {
			return z, it, nil
		}
	}
	return z, maxIter, nil
}

// ArPLS estimates a baseline by asymmetrically reweighted penalised least
// squares (Baek et al., Analyst 140, 250–257, 2015): weights follow a logistic
// function of the residual, scaled by the mean and spread of the negative
// residuals (the noise), until they change by less than tol (relative).
func ArPLS(y []float64, lambda, tol float64, maxIter int) ([]float64, int, error) {
	if err := checkWhittaker(y, lambda); err != nil {
		return nil, 0, err
	}
	n := len(y)
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	nw := make([]float64, n)
	var z []float64
	for it := 1; it <= maxIter; it++ {
		var err error
		if z, err = whittaker(y, w, lambda); err != nil {
			return nil, it, err
		}
		var neg []float64
		for i := range y {
			if d := y[i] - z[i]; d < 0 {
				neg = append(neg, d)
			}
		}
		if len(neg) < 2 {
			return z, it, nil
		}
		m, s := stat.MeanStdDev(neg, nil)
		if s == 0 {
			return z, it, nil
		}
		for i := range y {
			e := 2 * (y[i] - z[i] - (2*s - m)) / s
			nw[i] = 1 / (1 + math.Exp(math.Min(e, 700)))
		}
		diff := 0.0
		for i := range w {
			diff += (nw[i] - w[i]) * (nw[i] - w[i])
		}
		change := math.Sqrt(diff) / floats.Norm(w, 2)
		copy(w, nw)
		if change < tol {
			return z, it, nil
		}
	}
	return z, maxIter, nil
}

// SNIP estimates a baseline by statistics-sensitive non-linear iterative peak
// clipping (Ryan et al., Nucl. Instrum. Meth. B 34, 396–402, 1988) on the
// log-log-square-root transformed signal: each point is clipped to the mean of
// its neighbours at distance k, for k = 1 … halfWindow. halfWindow should be
// about the width of the broadest peak, in samples.
func SNIP(y []float64, halfWindow int) ([]float64, error) {
	n := len(y)
	if n < 3 {
		return nil, fmt.Errorf("SNIP needs at least 3 points, got %d", n)
	}
	if halfWindow < 1 || 2*halfWindow >= n {
		return nil, fmt.Errorf("SNIP half-window must be in [1, %d), got %d", (n+1)/2, halfWindow)
	}
	offset := floats.Min(y) // the transform needs y ≥ 0
	v := make([]float64, n)
	for i := range y {
		v[i] = math.Log(math.Log(math.Sqrt(y[i]-offset+1)+1) + 1)
	}
	tmp := make([]float64, n)
	for k := 1; k <= halfWindow; k++ {
		copy(tmp, v)
		for i := k; i < n-k; i++ {
			tmp[i] = math.Min(v[i], (v[i-k]+v[i+k])/2)
		}
		v, tmp = tmp, v
	}
	out := make([]float64, n)
	for i := range v {
		e := math.Exp(math.Exp(v[i])-1) - 1
		out[i] = e*e - 1 + offset
	}
	return out, nil
}

// PolyBaseline estimates a baseline by iterative polynomial fitting (the
// "modpoly" method, Lieber and Mahadevan-Jansen, Appl. Spectrosc. 57, 1363,
// 2003): fit a polynomial of the given order, clip the signal to it, repeat until
// the fit changes by less than tol (relative).
func PolyBaseline(x, y []float64, order, maxIter int, tol float64) ([]float64, error) {
	n := len(y)
	if len(x) != n {
		return nil, fmt.Errorf("polynomial baseline: %d x values, %d intensities", len(x), n)
	}
	if order < 0 || order >= n {
		return nil, fmt.Errorf("polynomial baseline order must be in [0, %d), got %d", n, order)
	}
	// Scale x to [−1, 1] so the Vandermonde matrix stays well conditioned.
	lo, hi := floats.Min(x), floats.Max(x)
	if !(hi > lo) {
		return nil, fmt.Errorf("polynomial baseline: x has no range")
	}
	A := mat.NewDense(n, order+1, nil)
	for i, xv := range x {
		t := 2*(xv-lo)/(hi-lo) - 1
		for j := 0; j <= order; j++ {
			A.Set(i, j, math.Pow(t, float64(j)))
		}
	}
	var qr mat.QR
	qr.Factorize(A)
	work := append([]float64(nil), y...)
	fit := make([]float64, n)
	var coef, pred mat.VecDense
	for it := 0; it < maxIter; it++ {
		if err := qr.SolveVecTo(&coef, false, mat.NewVecDense(n, work)); err != nil {
			return nil, err
		}
		pred.MulVec(A, &coef)
		p := pred.RawVector().Data
		diff, norm := 0.0, 0.0
		for i := range p {
			diff += (p[i] - fit[i]) * (p[i] - fit[i])
			norm += p[i] * p[i]
		}
		copy(fit, p)
		for i := range work {
			work[i] = math.Min(work[i], fit[i])
		}
		if it > 0 && math.Sqrt(diff) <= tol*math.Sqrt(norm) {
			break
		}
	}
	return fit, nil
}
