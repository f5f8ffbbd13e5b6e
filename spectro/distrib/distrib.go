// Package distrib is the distribution representation of a spectrum: its peak
// table (centres, widths, heights and shapes of the broadened lines that make it
// up) as a fixed-length vector a neural network reads and writes, and back.
//
// # Layout
//
// K slots of five float32 values each, slot-major:
//
//	v[5k+0]  centre  (c − Start)/(Stop − Start)          ∈ [0, 1]
//	v[5k+1]  width   ln(FWHM/step)/ln(N−1), clamped      ∈ [0, 1]  (step = grid spacing:
//	                 one step → 0, the whole grid → 1; log because widths span decades)
//	v[5k+2]  height  h / (tallest height in the table)    ∈ [0, 1]
//	v[5k+3]  shape   Lorentzian fraction η                ∈ [0, 1]
//	v[5k+4]  mask    1 for a peak, 0 for an empty slot (its other values are 0)
//
// Encode keeps the K tallest peaks inside the grid and orders the slots by
// centre, so slot order follows the x axis. Heights are relative: the absolute
// scale is not part of the representation, as spectra are compared after min-max
// scaling anyway.
package distrib

import (
	"math"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Fields is the number of values per slot.
const Fields = 5

// Encoding converts peak tables on one grid to vectors of K slots.
type Encoding struct {
	K    int
	Grid spectro.Grid
}

// Len is the vector length, K·Fields.
func (e Encoding) Len() int { return e.K * Fields }

// Encode returns the vector of a peak table.
func (e Encoding) Encode(t spectro.PeakTable) []float32 {
	v := make([]float32, e.Len())
	e.EncodeTo(v, t)
	return v
}

// EncodeTo writes the vector into v (len ≥ Len()).
func (e Encoding) EncodeTo(v []float32, t spectro.PeakTable) {
	for i := range v[:e.Len()] {
		v[i] = 0
	}
	var in spectro.PeakTable
	for _, p := range t {
		if p.Center >= e.Grid.Start && p.Center <= e.Grid.Stop && p.Height > 0 && p.FWHM > 0 {
			in = append(in, p)
		}
	}
	sort.SliceStable(in, func(i, j int) bool { return in[i].Height > in[j].Height })
	if len(in) > e.K {
		in = in[:e.K]
	}
	in.SortByCenter()
	if len(in) == 0 {
		return
	}
	maxH := 0.0
	for _, p := range in {
		maxH = math.Max(maxH, p.Height)
	}
	span, step := e.Grid.Stop-e.Grid.Start, e.Grid.Step()
	logN := math.Log(float64(e.Grid.N - 1))
	for k, p := range in {
		s := v[k*Fields : (k+1)*Fields]
		s[0] = float32((p.Center - e.Grid.Start) / span)
		s[1] = float32(clamp01(math.Log(p.FWHM/step) / logN))
		s[2] = float32(p.Height / maxH)
		s[3] = float32(clamp01(p.Eta))
		s[4] = 1
	}
}

// Decode returns the peak table of a vector: the slots whose mask exceeds 0.5,
// with heights relative to the tallest (1).
func (e Encoding) Decode(v []float32) spectro.PeakTable {
	var t spectro.PeakTable
	span, step := e.Grid.Stop-e.Grid.Start, e.Grid.Step()
	logN := math.Log(float64(e.Grid.N - 1))
	for k := 0; k < e.K; k++ {
		s := v[k*Fields : (k+1)*Fields]
		if s[4] <= 0.5 {
			continue
		}
		t = append(t, spectro.Peak{
			Center: e.Grid.Start + float64(s[0])*span,
			FWHM:   step * math.Exp(float64(s[1])*logN),
			Height: float64(s[2]),
			Eta:    clamp01(float64(s[3])),
		})
	}
	return t
}

// Render draws the vector's peaks on the encoding's grid.
func (e Encoding) Render(v []float32) []float64 {
	return e.Decode(v).Render(e.Grid.Points())
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
