package fit

import (
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
)

// factorLQ factors the m × N (m ≤ N) matrix whose rows are a in place as
// L·Q by Householder reflections, in LAPACK's Dgelqf storage: L in the lower
// triangle, reflector i as tau[i] and the entries after the diagonal of row
// i (its leading 1 implied), so lapack64.Ormlq can apply Q.
//
// It is LAPACK's unblocked Dgelq2 written with gonum's assembly dot and axpy
// kernels. Written here because gonum's Dlarfg computes each reflector's norm
// with the overflow-safe scaled Nrm2 (a division per element), which took a
// third of the factorisation, and the factorisation is most of a fit; here
// the plain √(x·x) is used whenever it is finite and not tiny, and Nrm2
// otherwise.
func factorLQ(a [][]float64, tau []float64) {
	m := len(a)
	for i := 0; i < m; i++ {
		row := a[i][i:]
		alpha, x := row[0], row[1:]
		xnorm := stableNorm(x)
		if xnorm == 0 {
			tau[i] = 0
			continue
		}
		beta := -math.Copysign(math.Hypot(alpha, xnorm), alpha)
		tau[i] = (beta - alpha) / beta
		floats.Scale(1/(alpha-beta), x)
		row[0] = beta
		// Apply H = I − τ v vᵀ (v = [1, x]) to the rows below from the right.
		for k := i + 1; k < m; k++ {
			r := a[k][i:]
			s := r[0] + floats.Dot(r[1:], x)
			if s == 0 {
				continue
			}
			r[0] -= tau[i] * s
			floats.AddScaled(r[1:], -tau[i]*s, x)
		}
	}
}

// stableNorm is ‖x‖₂: √(x·x) when that neither overflows nor underflows,
// else BLAS's scaled norm.
func stableNorm(x []float64) float64 {
	ss := floats.Dot(x, x)
	if ss > 1e-280 && ss < 1e280 {
		return math.Sqrt(ss)
	}
	return blas64.Nrm2(blas64.Vector{N: len(x), Inc: 1, Data: x})
}
