package fit

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
)

// factorLQ must give LAPACK's factorisation: the same L and reflectors as
// Dgelqf (both fix the signs the same way), on well and badly scaled rows,
// rows that are already zero past the diagonal, and values near float64's
// range ends (where the plain norm over- or underflows).
func TestFactorLQMatchesLapack(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		name  string
		m, n  int
		scale func(i, j int) float64
	}{
		{"square-ish", 6, 8, func(i, j int) float64 { return 1 }},
		{"tall rows", 12, 1024, func(i, j int) float64 { return 1 }},
		{"badly scaled rows", 10, 300, func(i, j int) float64 { return math.Pow(10, float64(3*i-12)) }},
		{"zero tail", 4, 50, func(i, j int) float64 {
			if j > i {
				return 0
			}
			return 1
		}},
		{"huge", 5, 40, func(i, j int) float64 { return 1e150 }},
		{"tiny", 5, 40, func(i, j int) float64 { return 1e-150 }},
	}
	for _, c := range cases {
		data := make([]float64, c.m*c.n)
		for i := 0; i < c.m; i++ {
			for j := 0; j < c.n; j++ {
				data[i*c.n+j] = rng.NormFloat64() * c.scale(i, j)
			}
		}
		want := blas64.General{Rows: c.m, Cols: c.n, Stride: c.n, Data: append([]float64(nil), data...)}
		wantTau := make([]float64, c.m)
		work := make([]float64, 1)
		lapack64.Gelqf(want, wantTau, work, -1)
		work = make([]float64, int(work[0]))
		lapack64.Gelqf(want, wantTau, work, len(work))

		rows := make([][]float64, c.m)
		for i := range rows {
			rows[i] = data[i*c.n : (i+1)*c.n]
		}
		tau := make([]float64, c.m)
		factorLQ(rows, tau)
		for i := 0; i < c.m; i++ {
			if d := math.Abs(tau[i] - wantTau[i]); d > 1e-12 {
				t.Fatalf("%s: tau[%d] = %g, LAPACK %g", c.name, i, tau[i], wantTau[i])
			}
			for j := 0; j < c.n; j++ {
				got, w := data[i*c.n+j], want.Data[i*c.n+j]
				if d := math.Abs(got - w); d > 1e-11*math.Max(math.Abs(w), c.scale(i, j)*1e-3) && d > 1e-300 {
					t.Fatalf("%s: entry (%d, %d) = %g, LAPACK %g", c.name, i, j, got, w)
				}
			}
		}
	}
}

// The Cholesky (Gram) path and the Householder path must give the same R and
// Qᵀr up to the signs of R's rows on a well-conditioned fit, and the Gram
// path must refuse nearly dependent columns.
func TestGramPathMatchesHouseholder(t *testing.T) {
	x, y, m := benchData(t)
	pr, err := newProblem(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	q0 := make([]float64, len(pr.free))
	for j, i := range pr.free {
		q0[j] = m.Params[i].Value
	}
	gram, house := newSolver(pr, q0, Options{}), newSolver(pr, q0, Options{Geodesic: true})
	if err := gram.factor(); err != nil {
		t.Fatal(err)
	}
	if err := house.factor(); err != nil {
		t.Fatal(err)
	}
	if gram.lq || !house.lq {
		t.Fatalf("paths: gram.lq=%v, house.lq=%v", gram.lq, house.lq)
	}
	n := gram.n
	for k := 0; k < n; k++ {
		sign := math.Copysign(1, house.at(k, k))
		for j := k; j <= n; j++ {
			a, b := gram.at(k, j), sign*house.at(k, j)
			if math.Abs(a-b) > 1e-6*(math.Abs(gram.at(k, k))+math.Abs(a)) {
				t.Fatalf("R(%d, %d): Gram %g, Householder %g", k, j, a, b)
			}
		}
	}
	for j := range gram.g {
		if d := math.Abs(gram.g[j] - house.g[j]); d > 1e-8*(1+math.Abs(house.g[j])) {
			t.Fatalf("Jᵀr[%d]: Gram %g, Householder %g", j, gram.g[j], house.g[j])
		}
	}
	// Two copies of one column: the Gram path must give way.
	copy(gram.rows[1], gram.rows[0])
	if gram.factorGram() {
		t.Error("the Gram path accepted two equal columns")
	}
}
