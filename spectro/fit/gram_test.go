package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// gramUpper's kernel and its fallback give the Gram matrix of every shape the
// solver forms: row counts that are and are not multiples of four, lengths
// with and without a tail beyond a multiple of eight, shorter than the kernel.
func TestGramUpper(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{1, 2, 3, 4, 5, 8, 18, 35} {
		for _, n := range []int{1, 7, 8, 9, 15, 64, 1021, 1024} {
			rows := make([][]float64, m)
			for a := range rows {
				rows[a] = make([]float64, n)
				for i := range rows[a] {
					rows[a][i] = rng.NormFloat64()
				}
			}
			G := make([]float64, m*m)
			gramUpper(rows, G)
			for a := 0; a < m; a++ {
				for b := a; b < m; b++ {
					want := floats.Dot(rows[a], rows[b])
					if d := math.Abs(G[a*m+b] - want); d > 1e-12*float64(n) {
						t.Fatalf("m=%d n=%d: G[%d,%d] = %g, want %g", m, n, a, b, G[a*m+b], want)
					}
				}
			}
		}
	}
	if !haveDot4 {
		t.Log("no AVX2+FMA here: the fallback was tested")
	}
}

func BenchmarkGramUpper(b *testing.B) {
	for _, m := range []int{18, 35} {
		b.Run(fmt.Sprint(m, "rows"), func(b *testing.B) {
			rows := make([][]float64, m)
			for a := range rows {
				rows[a] = make([]float64, 1024)
				for i := range rows[a] {
					rows[a][i] = float64(i%7) - 3
				}
			}
			G := make([]float64, m*m)
			for b.Loop() {
				gramUpper(rows, G)
			}
		})
	}
}
