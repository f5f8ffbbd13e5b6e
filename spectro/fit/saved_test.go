package fit

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// TestSaveLoadRoundTrip saves and reloads a fit of every component kind —
// each line shape (Voigt included, which lmfit has failed to restore), a
// polynomial baseline, an exponential, a power law, a step, an expression,
// a user function and a tie — and checks that the loaded result has the
// same parameters, bounds, ties, statistics, curve and residual, and that a
// new fit can start from it.
func TestSaveLoadRoundTrip(t *testing.T) {
	x := make([]float64, 300)
	for i := range x {
		x[i] = 100 + float64(i)
	}
	damped := Func{Name: "damped", Names: []string{"a", "k"}, F: func(x float64, p []float64) float64 { return p[0] / (1 + p[1]*x) }}
	var parts []Part
	for i, s := range []lineshape.Shape{lineshape.Gaussian, lineshape.Lorentzian, lineshape.PseudoVoigt, lineshape.Voigt, lineshape.TCH} {
		parts = append(parts, Part{"p" + string(rune('1'+i)) + "_", Peak{s}})
	}
	parts = append(parts, Part{"bl_", Polynomial{Order: 1, Mid: 250, Half: 150}}, Part{"ex_", Exponential{}}, Part{"pw_", PowerLaw{}},
		Part{"st_", Step{}}, Part{"e_", mustExpr(t, "b1*sin(x/b2)")}, Part{"f_", damped})
	m, err := NewSum(parts...)
	if err != nil {
		t.Fatal(err)
	}
	truth := map[string]float64{"bl_c0": 1, "bl_c1": 0.1, "ex_amplitude": 2, "ex_decay": 80, "pw_amplitude": 0.5, "pw_exponent": 0.1,
		"st_amplitude": 0.3, "st_center": 300, "st_sigma": 10, "e_b1": 0.2, "e_b2": 15, "f_a": 1, "f_k": 0.01}
	for i := range 5 {
		c := 130 + 50*float64(i)
		p := "p" + string(rune('1'+i)) + "_"
		for _, n := range m.Params {
			switch n.Name {
			case p + "center":
				truth[n.Name] = c
			case p + "sigma", p + "gamma", p + "fwhm", p + "fwhm_g", p + "fwhm_l":
				truth[n.Name] = 4
			case p + "amplitude", p + "area":
				truth[n.Name] = 30
			case p + "eta", p + "fraction":
				truth[n.Name] = 0.5
			}
		}
	}
	for i := range m.Params {
		v, ok := truth[m.Params[i].Name]
		if !ok {
			v = 1
		}
		m.Params[i].Value, m.Params[i].Init = v*1.02, v*1.02
	}
	if err := m.Set("bl_c1", 0.1, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := m.SetExpr("p2_center", "p1_center + 50"); err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(x))
	exact := m.Values()
	for i := range exact {
		if v, ok := truth[m.Params[i].Name]; ok {
			exact[i] = v
		}
	}
	m.Eval(x, exact, y)
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fit.json")
	if err := SaveResult(path, r); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadResult(path, nil); err == nil || !strings.Contains(err.Error(), `user function "damped"`) {
		t.Errorf("loading without the user function: %v", err)
	}
	back, err := LoadResult(path, map[string]Func{"damped": damped})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range r.Model.Params {
		q := back.Model.Params[i]
		same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
		if q.Name != p.Name || q.Value != p.Value || !same(q.Stderr, p.Stderr) || q.Min != p.Min || q.Max != p.Max || q.Vary != p.Vary || q.Expr != p.Expr || q.Init != p.Init {
			t.Errorf("parameter %s: saved %+v, loaded %+v", p.Name, p, q)
		}
	}
	if back.ChiSqr != r.ChiSqr || back.R2 != r.R2 || back.BIC != r.BIC || back.NData != r.NData {
		t.Errorf("statistics changed: %v %v → %v %v", r.ChiSqr, r.R2, back.ChiSqr, back.R2)
	}
	for i, v := range r.Residuals() {
		if math.Abs(back.Residuals()[i]-v) > 1e-12*(1+math.Abs(v)) {
			t.Fatalf("residual %d: %g, loaded %g", i, v, back.Residuals()[i])
		}
	}
	if !strings.Contains(back.Report(), "p2_center") {
		t.Errorf("the loaded report lacks the tied parameter:\n%s", back.Report())
	}
	// A new fit from the loaded model keeps the tie and the bound.
	again, err := Fit(x, y, back.Model, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c1, c2 := again.Model.Params[again.Model.Index("p1_center")].Value, again.Model.Params[again.Model.Index("p2_center")].Value
	if math.Abs(c2-c1-50) > 1e-9 || again.R2 < r.R2-1e-9 {
		t.Errorf("refit from the loaded model: centres %g, %g; R² %g (was %g)", c1, c2, again.R2, r.R2)
	}
	// Damaged files are refused with the file named.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"version": 1, "model": {"parts": [{"prefix": "p1_", "kind": "peak", "shape": "nope"}]}}`), 0o644)
	if _, err := LoadResult(bad, nil); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a damaged file: %v", err)
	}
}

func mustExpr(t *testing.T, s string) Expression {
	t.Helper()
	e, err := ParseExpression(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
