package mapfit

import (
	"math"
	"math/rand/v2"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Synthetic makes a w × h Raman map of points-point spectra over
// 100–1500 cm⁻¹: four pseudo-Voigt lines on a sloping baseline with Gaussian
// noise of the given standard deviation (the tallest line is 1), whose
// centres, widths and heights drift smoothly across the map (centres by up to
// ±3 cm⁻¹, widths ±20 %, heights ±40 %). truth[p] is pixel p's line table.
// It is the benchmark map (spectrogen bench map) and the tests'.
func Synthetic(w, h, points int, noise float64, seed uint64) (m *spectro.Map, truth []spectro.PeakTable) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	x := make([]float64, points)
	for i := range x {
		x[i] = 100 + 1400*float64(i)/float64(points-1)
	}
	base := spectro.PeakTable{
		{Center: 282, FWHM: 12, Height: 0.45, Eta: 0.5},
		{Center: 712, FWHM: 8, Height: 0.2, Eta: 0.5},
		{Center: 1086, FWHM: 6, Height: 1, Eta: 0.5},
		{Center: 1435, FWHM: 20, Height: 0.15, Eta: 0.5},
	}
	m = &spectro.Map{Modality: spectro.Raman, Width: w, Height: h, X: x, Y: make([][]float64, w*h),
		Meta: spectro.Metadata{Source: "synthetic map"}}
	truth = make([]spectro.PeakTable, w*h)
	for row := range h {
		for col := range w {
			u, v := float64(col)/float64(max(w-1, 1)), float64(row)/float64(max(h-1, 1))
			t := append(spectro.PeakTable(nil), base...)
			for k := range t {
				ph := float64(k)
				t[k].Center += 3 * math.Sin(2*math.Pi*(u+0.3*ph)) * math.Cos(math.Pi*v)
				t[k].FWHM *= 1 + 0.2*math.Sin(math.Pi*(v+0.2*ph))
				t[k].Height *= 1 + 0.4*math.Cos(math.Pi*(u+v+0.25*ph))
			}
			y := t.Render(x)
			for i := range y {
				y[i] += 0.05 + 0.03*(x[i]-100)/1400 + noise*rng.NormFloat64()
			}
			p := row*w + col
			m.Y[p], truth[p] = y, t
		}
	}
	return m, truth
}
