package fit_test

import (
	"fmt"
	"math"

	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// A Raman line fitted as lmfit would: a model guessed from the detected peak
// (a pseudo-Voigt and a linear baseline), the fit, and its parameters with
// their standard errors.
func Example() {
	x := make([]float64, 401)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = 900 + float64(i)
		u := (x[i] - 1086) / 4 // calcite's ν1 line, FWHM 8 cm⁻¹: a Lorentzian of height 1
		y[i] = 1/(1+u*u) + 0.05 + 1e-4*(x[i]-900)
	}
	m, err := fit.Guess(x, y, lineshape.PseudoVoigt, fit.GuessOptions{MaxPeaks: 1, Baseline: 1})
	if err != nil {
		panic(err)
	}
	r, err := fit.Fit(x, y, m, fit.Options{})
	if err != nil {
		panic(err)
	}
	p := r.Peaks()[0]
	fmt.Printf("centre %.2f cm⁻¹, FWHM %.2f cm⁻¹, η %.2f, R² %.6f\n", p.Center, p.FWHM, p.Eta, r.R2)
	fmt.Println("converged:", r.Success, "| noise-free data, so errors ≈ 0:", math.Abs(r.Model.Params[0].Stderr) < 1e-6)
	// Output:
	// centre 1086.00 cm⁻¹, FWHM 8.00 cm⁻¹, η 1.00, R² 1.000000
	// converged: true | noise-free data, so errors ≈ 0: true
}
