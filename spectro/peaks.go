package spectro

import (
	"math"
	"sort"
)

// Peak is one broadened line: a pseudo-Voigt profile of the given centre, full
// width at half maximum (FWHM) and height, mixing a Lorentzian (fraction Eta) and
// a Gaussian (1 − Eta) of the same FWHM. Eta = 0 is a pure Gaussian, 1 a pure
// Lorentzian. Positions and widths are in the spectrum's x units.
type Peak struct {
	Center float64 `json:"center"`
	FWHM   float64 `json:"fwhm"`
	Height float64 `json:"height"`
	Eta    float64 `json:"eta"`
}

// Area is the integral of the peak over the whole line:
// height × FWHM × (η·π/2 + (1−η)·√(π/ln 16)).
func (p Peak) Area() float64 {
	const gaussArea = 1.0644670194312262 // √(π / (4 ln 2)): area of a unit-height, unit-FWHM Gaussian
	return p.Height * p.FWHM * (p.Eta*math.Pi/2 + (1-p.Eta)*gaussArea)
}

// At evaluates the peak at x.
func (p Peak) At(x float64) float64 {
	d := 2 * (x - p.Center) / p.FWHM // distance in half widths
	lorentz := 1 / (1 + d*d)
	gauss := math.Exp(-math.Ln2 * d * d)
	return p.Height * (p.Eta*lorentz + (1-p.Eta)*gauss)
}

// PeakTable is a list of peaks; its spectrum is their sum.
type PeakTable []Peak

// Render returns the sum of the peaks at each x (x must be increasing). The
// Lorentzian part is evaluated within 60 FWHM of the centre (its tail beyond is
// below 7e-5 of the height); the Gaussian part within 4 FWHM (below 1e-19).
func (t PeakTable) Render(xs []float64) []float64 {
	ys := make([]float64, len(xs))
	for _, p := range t {
		p.addTo(xs, ys)
	}
	return ys
}

func (p Peak) addTo(xs, ys []float64) {
	if p.Eta > 0 {
		lo := sort.SearchFloat64s(xs, p.Center-60*p.FWHM)
		hi := sort.SearchFloat64s(xs, p.Center+60*p.FWHM)
		h, k := p.Height*p.Eta, 2/p.FWHM
		for i := lo; i < hi; i++ {
			d := (xs[i] - p.Center) * k
			ys[i] += h / (1 + d*d)
		}
	}
	if p.Eta < 1 {
		lo := sort.SearchFloat64s(xs, p.Center-4*p.FWHM)
		hi := sort.SearchFloat64s(xs, p.Center+4*p.FWHM)
		h, k := p.Height*(1-p.Eta), 2/p.FWHM
		for i := lo; i < hi; i++ {
			d := (xs[i] - p.Center) * k
			ys[i] += h * math.Exp(-math.Ln2*d*d)
		}
	}
}

// SortByCenter orders the table by position.
func (t PeakTable) SortByCenter() {
	sort.Slice(t, func(i, j int) bool { return t[i].Center < t[j].Center })
}
