package fit

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// FuzzFitBest drives the fit's entry point with arbitrary curves: a flat, a
// zero, a spiky, a negative or a huge-scaled one. It must never panic; an
// accepted fit has finite values and a finite χ².
func FuzzFitBest(f *testing.F) {
	le := func(vs ...float64) []byte {
		b := make([]byte, 8*len(vs))
		for i, v := range vs {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
		return b
	}
	f.Add(le(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), uint8(1), false)
	f.Add(le(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), uint8(1), false)
	f.Add(le(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0), uint8(2), true)
	f.Add(le(-1, -2, -5, -9, -5, -2, -1, -1, -1, -1, -1, -1), uint8(3), false)
	f.Add(le(1e12, 2e12, 5e12, 9e12, 5e12, 2e12, 1e12, 1e12, 1e12, 1e12, 3e12, 1e12), uint8(4), true)
	f.Fuzz(func(t *testing.T, data []byte, peaks uint8, addPeaks bool) {
		n := len(data) / 8
		if n > 512 {
			n = 512
		}
		x, y := make([]float64, n), make([]float64, n)
		for i := range n {
			x[i] = 100 + 2*float64(i)
			y[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		res, err := FitBest(x, y, GuessOptions{MaxPeaks: int(peaks%9) + 1, Baseline: 1, AddPeaks: addPeaks}, Options{MaxEval: 400}, lineshape.PseudoVoigt)
		if err != nil {
			return // bad input is an error, never a panic
		}
		for _, r := range res {
			for _, v := range r.Values() {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("fit returned a non-finite parameter: %v", r.Values())
				}
			}
			if math.IsNaN(r.ChiSqr) {
				t.Fatalf("fit returned χ² NaN")
			}
		}
	})
}
