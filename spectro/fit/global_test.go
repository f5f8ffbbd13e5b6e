package fit

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// TestFitGlobalSharesAWidth: a temperature series of four spectra whose
// first line has one width (8 cm⁻¹) while its centre and every height
// change; the global fit recovers the shared width with a smaller standard
// error than any single fit, keeps a tie between datasets, and reports.
func TestFitGlobalSharesAWidth(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var x []float64
	for v := 900.0; v <= 1200; v += 1 {
		x = append(x, v)
	}
	var data []Dataset
	for k := range 4 {
		lines := spectro.PeakTable{
			{Center: 1000 + 2*float64(k), FWHM: 8, Height: 1 - 0.15*float64(k), Eta: 0.3},
			{Center: 1100 + 2*float64(k) + 3.5, FWHM: 12 + float64(k), Height: 0.4, Eta: 0.3},
		}
		y := lines.Render(x)
		for i := range y {
			y[i] += 0.02*rng.NormFloat64() + 0.05
		}
		data = append(data, Dataset{Name: "T" + string(rune('1'+k)), X: x, Y: y})
	}
	tmpl, err := Guess(data[0].X, data[0].Y, lineshape.PseudoVoigt, GuessOptions{MaxPeaks: 2, Baseline: 0})
	if err != nil {
		t.Fatal(err)
	}
	g, err := FitGlobal(data, tmpl, []string{"p1_fwhm", "p1_eta", "p2_eta"}, map[string]string{"d4_p2_center": "d4_p1_center + 103.5"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := g.Models[0].Params[g.Models[0].Index("p1_fwhm")]
	if math.Abs(w.Value-8) > 3*w.Stderr || math.Abs(w.Value-8) > 0.1 {
		t.Errorf("shared width %.4f ± %.4f, true 8", w.Value, w.Stderr)
	}
	for k, m := range g.Models {
		if v := m.Params[m.Index("p1_fwhm")].Value; v != w.Value {
			t.Errorf("dataset %d has its own width %g", k+1, v)
		}
		if c := m.Params[m.Index("p1_center")]; math.Abs(c.Value-(1000+2*float64(k))) > 4*c.Stderr {
			t.Errorf("dataset %d: centre %.3f ± %.3f, true %g", k+1, c.Value, c.Stderr, 1000+2*float64(k))
		}
	}
	m4 := g.Models[3]
	if d := m4.Params[m4.Index("p2_center")].Value - m4.Params[m4.Index("p1_center")].Value; math.Abs(d-103.5) > 1e-9 {
		t.Errorf("tied centres %.6f apart, want 103.5", d)
	}
	// One spectrum alone: the width is known less well.
	single, err := Fit(data[0].X, data[0].Y, tmpl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := single.Model.Params[single.Model.Index("p1_fwhm")].Stderr; !(w.Stderr < s) {
		t.Errorf("shared width's error %.4g not below a single spectrum's %.4g", w.Stderr, s)
	}
	rep := g.Report([]string{"T1", "T2", "T3", "T4"})
	if !strings.Contains(rep, "[[Shared]]") || !strings.Contains(rep, "d4 T4") {
		t.Errorf("report:\n%s", rep)
	}
	if _, err := FitGlobal(data, tmpl, []string{"nope"}, nil, Options{}); err == nil {
		t.Error("an unknown shared parameter was accepted")
	}
}
