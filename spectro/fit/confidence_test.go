package fit

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"gonum.org/v1/gonum/stat/distuv"
)

// TestConfIntervalMatchesABruteForceScan: for an exponential decay, whose χ²
// is asymmetric in the decay time, the profile-likelihood interval matches
// a scan of the profile on a fine grid, and is asymmetric where the
// covariance's ±stderr is not.
func TestConfIntervalMatchesABruteForceScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var x, y []float64
	for i := range 20 {
		xi := 0.5 * float64(i)
		x, y = append(x, xi), append(y, 5*math.Exp(-xi/2)+0.2*rng.NormFloat64())
	}
	m, err := NewExpression("a*exp(-x/tau)")
	if err != nil {
		t.Fatal(err)
	}
	m.Set("a", 4, math.Inf(-1), math.Inf(1))
	m.Set("tau", 1, 0.01, math.Inf(1))
	r, err := Fit(x, y, m, Precise)
	if err != nil {
		t.Fatal(err)
	}
	ci, err := ConfInterval(r, []string{"tau"}, []float64{1, 2}, Precise)
	if err != nil {
		t.Fatal(err)
	}
	tau := r.Model.Params[r.Model.Index("tau")]
	// The scan: χ² with tau held on a grid, a refitted.
	f := distuv.F{D1: 1, D2: float64(len(x) - 2)}
	lo, hi := tau.Value-6*tau.Stderr, tau.Value+10*tau.Stderr
	const steps = 4000
	var grid, prob []float64
	for k := 0; k <= steps; k++ {
		v := lo + (hi-lo)*float64(k)/steps
		mm := *r.Model
		mm.Params = append([]Param(nil), r.Model.Params...)
		i := mm.Index("tau")
		mm.Params[i].Value, mm.Params[i].Vary = v, false
		res, err := Fit(x, y, &mm, Precise)
		if err != nil {
			t.Fatal(err)
		}
		grid, prob = append(grid, v), append(prob, f.CDF(math.Max(res.ChiSqr/r.ChiSqr-1, 0)*float64(len(x)-2)))
	}
	crossing := func(target float64, upper bool) float64 {
		for k := 1; k < len(grid); k++ {
			a, b := prob[k-1], prob[k]
			if upper && grid[k] > tau.Value && a < target && b >= target || !upper && grid[k] <= tau.Value && a >= target && b < target {
				return grid[k-1] + (grid[k]-grid[k-1])*(target-a)/(b-a)
			}
		}
		return math.NaN()
	}
	for _, iv := range ci["tau"] {
		wantLo, wantHi := crossing(iv.Prob, false), crossing(iv.Prob, true)
		tol := (hi - lo) / steps
		if math.Abs(iv.Lower-wantLo) > tol || math.Abs(iv.Upper-wantHi) > tol {
			t.Errorf("%g σ: interval [%.5f, %.5f], the scan's [%.5f, %.5f]", iv.Sigma, iv.Lower, iv.Upper, wantLo, wantHi)
		}
		below, above := tau.Value-iv.Lower, iv.Upper-tau.Value
		if iv.Sigma == 2 && !(above > 1.1*below) {
			t.Errorf("2 σ: the interval is not skewed to long decays (−%.4f / +%.4f)", below, above)
		}
	}
	if _, err := ConfInterval(r, []string{"nope"}, nil, Precise); err == nil {
		t.Error("an unknown parameter was accepted")
	}
}

// TestParameterAtBoundIsFlagged: a line the data do not have fits to its
// bound (area 0, which leaves its centre and width without effect and the
// Jacobian singular): the area is flagged at bound, and the other
// parameters still get standard errors.
func TestParameterAtBoundIsFlagged(t *testing.T) {
	var x, y []float64
	for i := range 200 {
		xi := 100 + float64(i)
		d := (xi - 200) / 5
		e := (xi - 270) / 6 // a dip: the best line there has no area
		x, y = append(x, xi), append(y, 10/(1+d*d)+1+0.01*math.Sin(float64(i))-0.05*math.Exp(-e*e))
	}
	m, err := NewSum(Part{"p1_", Peak{lineshape.Lorentzian}}, Part{"p2_", Peak{lineshape.Lorentzian}}, Part{"c_", Constant()})
	if err != nil {
		t.Fatal(err)
	}
	m.Set("p1_center", 198, 150, 250)
	m.Set("p1_fwhm", 8, 0.1, 100)
	m.Set("p1_area", 100, 0, 1e6)
	m.Set("p2_center", 270, 260, 280)
	m.Set("p2_fwhm", 8, 0.1, 100)
	m.Set("p2_area", 5, 0, 1e6)
	m.Set("c_c0", 0.5, -10, 10)
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	area := r.Model.Params[r.Model.Index("p2_area")]
	if area.Value > 1e-3 || !area.AtBound {
		t.Fatalf("p2_area %g, at bound %v: want 0 and flagged", area.Value, area.AtBound)
	}
	if c := r.Model.Params[r.Model.Index("p1_center")]; !(c.Stderr > 0) {
		t.Errorf("p1_center has no standard error (%g): %s", c.Stderr, r.Message)
	}
	if !strings.Contains(r.Report(), "at bound") {
		t.Errorf("the report does not say so:\n%s", r.Report())
	}
}
