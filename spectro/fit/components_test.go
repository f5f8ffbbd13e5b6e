package fit

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Every component's analytic gradient agrees with central differences.
func TestComponentGradients(t *testing.T) {
	expr, err := ParseExpression("b1*exp(-b2*x) + b3*sin(x/b4)")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c Component
		p []float64
	}{
		{Peak{lineshape.Gaussian}, []float64{500, 12, 3}},
		{Peak{lineshape.Lorentzian}, []float64{505, 8, 2}},
		{Peak{lineshape.PseudoVoigt}, []float64{498, 10, 2, 0.3}},
		{Peak{lineshape.Voigt}, []float64{502, 6, 5, 2}},
		{Polynomial{Order: 3, Mid: 500, Half: 100}, []float64{1, -0.5, 0.2, 0.05}},
		{Exponential{}, []float64{3, 250}},
		{PowerLaw{}, []float64{2, -0.7}},
		{Step{}, []float64{1.5, 510, 7}},
		{expr, []float64{2, 0.004, 0.3, 40}},
	} {
		grad, num := make([]float64, len(tc.p)), make([]float64, len(tc.p))
		for _, x := range []float64{470, 495, 503, 530} {
			v, ok := tc.c.Grad(x, tc.p, grad)
			if !ok || math.Abs(v-tc.c.Eval(x, tc.p)) > 1e-12*math.Max(1, math.Abs(v)) {
				t.Fatalf("%s at %g: Grad %g (ok %v), Eval %g", tc.c.Kind(), x, v, ok, tc.c.Eval(x, tc.p))
			}
			centralDiff(tc.c, x, tc.p, num)
			for j := range grad {
				if math.Abs(grad[j]-num[j]) > 1e-6*math.Abs(num[j])+1e-8 {
					t.Errorf("%s at x=%g: ∂/∂%s %g, numerically %g", tc.c.Kind(), x, tc.c.ParamNames()[j], grad[j], num[j])
				}
			}
		}
	}
}

// A Gaussian beside two Lorentzians on an exponential background, one width
// tied to another and one centre tied at a fixed offset: the fit recovers
// what made the data.
func TestComposedModel(t *testing.T) {
	truth := map[string]float64{
		"g_center": 300, "g_fwhm": 30, "g_area": 40,
		"l1_center": 420, "l1_fwhm": 12, "l1_area": 25,
		"l2_center": 470.3, "l2_fwhm": 12, "l2_area": 15,
		"bg_amplitude": 2, "bg_decay": 150,
	}
	build := func() *Model {
		m, err := NewSum(Part{"g_", Peak{lineshape.Gaussian}}, Part{"l1_", Peak{lineshape.Lorentzian}},
			Part{"l2_", Peak{lineshape.Lorentzian}}, Part{"bg_", Exponential{}})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := build()
	p := make([]float64, len(m.Params))
	for i, q := range m.Params {
		p[i] = truth[q.Name]
	}
	rng := rand.New(rand.NewPCG(4, 5))
	x := make([]float64, 600)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = 200 + float64(i)*0.6
	}
	m.Eval(x, p, y)
	for i := range y {
		y[i] += 0.005 * rng.NormFloat64()
	}
	for name, v := range map[string][3]float64{
		"g_center": {310, 250, 350}, "g_fwhm": {20, 1, 100}, "g_area": {30, 0, 1000},
		"l1_center": {415, 380, 450}, "l1_fwhm": {8, 1, 100}, "l1_area": {20, 0, 1000},
		"l2_area": {10, 0, 1000}, "bg_amplitude": {1, 0, 100}, "bg_decay": {100, 10, 1000},
	} {
		if err := m.Set(name, v[0], v[1], v[2]); err != nil {
			t.Fatal(err)
		}
	}
	for name, expr := range map[string]string{"l2_fwhm": "l1_fwhm", "l2_center": "l1_center + 50.3"} {
		if err := m.SetExpr(name, expr); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range r.Model.Params {
		if math.Abs(q.Value-truth[q.Name]) > 4*q.Stderr+1e-3*math.Abs(truth[q.Name]) || math.IsNaN(q.Stderr) {
			t.Errorf("%s = %g ± %g, made with %g", q.Name, q.Value, q.Stderr, truth[q.Name])
		}
	}
	if r.NVarys != len(m.Params)-2 || !r.Success {
		t.Errorf("%d free parameters, success %v", r.NVarys, r.Success)
	}
	comps := r.Model.EvalComponents(x, r.Values())
	sum := make([]float64, len(x))
	for _, c := range comps {
		for i := range sum {
			sum[i] += c.Y[i]
		}
	}
	for i := range sum {
		if math.Abs(sum[i]-r.Best()[i]) > 1e-9 {
			t.Fatalf("components do not add up to the fit at x=%g", x[i])
		}
	}
	if d := r.Model.Describe(); d != "1 × gauss peak + 2 × lorentz peaks + exponential" {
		t.Errorf("described as %q", d)
	}
	if rep := r.Report(); !strings.Contains(rep, "l2_center:") || !strings.Contains(rep, "== 'l1_center + 50.3'") {
		t.Errorf("report:\n%s", rep)
	}
}

// A user's function fits the same with its analytic Jacobian as with
// central differences.
func TestUserFunction(t *testing.T) {
	f := func(x float64, p []float64) float64 { return p[0] / (1 + math.Exp(p[1]-p[2]*x)) }
	jac := func(x float64, p, g []float64) float64 {
		e := math.Exp(p[1] - p[2]*x)
		d := 1 + e
		g[0], g[1], g[2] = 1/d, -p[0]*e/(d*d), p[0]*e*x/(d*d)
		return p[0] / d
	}
	x := make([]float64, 40)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = float64(i)
		y[i] = f(x[i], []float64{70, 2.5, 0.3}) + 0.1*math.Sin(float64(i))
	}
	var got [2][]float64
	for k, c := range []Func{{Name: "logistic", Names: []string{"a", "b", "c"}, F: f, Jac: jac}, {Name: "logistic", Names: []string{"a", "b", "c"}, F: f}} {
		m, err := NewSum(Part{"", c})
		if err != nil {
			t.Fatal(err)
		}
		m.Set("a", 50, 0, 1000)
		m.Set("b", 1, -10, 10)
		m.Set("c", 0.1, 0, 5)
		r, err := Fit(x, y, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got[k] = r.Values()
	}
	for j := range got[0] {
		if math.Abs(got[0][j]-got[1][j]) > 1e-6*math.Abs(got[0][j]) {
			t.Errorf("parameter %d: %g with the Jacobian, %g by differences", j, got[0][j], got[1][j])
		}
	}
}

func TestModelErrors(t *testing.T) {
	m, err := NewSum(Part{"a_", Peak{lineshape.Gaussian}}, Part{"b_", Exponential{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, err string
		do        func() error
	}{
		{"duplicate names", "defined twice", func() error {
			_, err := NewSum(Part{"p_", Exponential{}}, Part{"p_", Exponential{}})
			return err
		}},
		{"no component", "no component", func() error { _, err := NewSum(Part{"x_", nil}); return err }},
		{"unknown parameter in Set", "no parameter zz", func() error { return m.Set("zz", 1, 0, 2) }},
		{"empty bounds", "empty", func() error { return m.Set("a_center", 1, 3, 2) }},
		{"tie to an unknown", "no parameter q", func() error { return m.SetExpr("a_fwhm", "q * 2") }},
		{"tie to itself", "itself", func() error { return m.SetExpr("a_fwhm", "a_fwhm + 1") }},
		{"bad expression", "formula", func() error { return m.SetExpr("a_fwhm", "a_area +") }},
		{"chain of ties", "itself tied", func() error {
			if err := m.SetExpr("a_fwhm", "2*b_decay"); err != nil {
				return err
			}
			defer m.SetExpr("a_fwhm", "")
			return m.SetExpr("a_area", "a_fwhm")
		}},
		{"tying what others follow", "cannot be tied", func() error {
			if err := m.SetExpr("a_fwhm", "2*b_decay"); err != nil {
				return err
			}
			defer m.SetExpr("a_fwhm", "")
			return m.SetExpr("b_decay", "a_area")
		}},
	} {
		if err := tc.do(); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.err)
		}
	}
}
