package fit

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// data renders peaks (centre, FWHM, height, η) on a line baseline plus noise.
func data(n int, noise float64, seed uint64, peaks spectro.PeakTable) (x, y []float64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	x = spectro.Grid{Start: 100, Stop: 1500, N: n}.Points()
	y = peaks.Render(x)
	for i := range y {
		y[i] += 0.05 + 0.02*(x[i]-100)/1400 + noise*rng.NormFloat64()
	}
	return x, y
}

var truth = spectro.PeakTable{
	{Center: 282, FWHM: 12, Height: 0.45, Eta: 0.6},
	{Center: 712, FWHM: 8, Height: 0.2, Eta: 0.6},
	{Center: 1085, FWHM: 6, Height: 1, Eta: 0.6},
	{Center: 1110, FWHM: 15, Height: 0.3, Eta: 0.6},
}

func TestRecoverKnownPeaks(t *testing.T) {
	x, y := data(1024, 0.005, 1, truth)
	m, err := Guess(x, y, lineshape.PseudoVoigt, GuessOptions{MaxPeaks: 8, Baseline: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.NumPeaks() != 4 {
		t.Fatalf("guessed %d peaks, want 4", m.NumPeaks())
	}
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A right model leaves only the noise: reduced χ² ≈ σ² = 0.005².
	if q := r.RedChi / (0.005 * 0.005); !r.Success || q < 0.85 || q > 1.15 || r.R2 < 0.99 {
		t.Fatalf("fit: success %v (%s), R² %g\n%s", r.Success, r.Message, r.R2, r.Report())
	}
	got := r.Peaks()
	for i, p := range truth {
		if math.Abs(got[i].Center-p.Center) > 0.3 || math.Abs(got[i].FWHM-p.FWHM)/p.FWHM > 0.05 || math.Abs(got[i].Height-p.Height)/p.Height > 0.05 {
			t.Errorf("peak %d: got %+v, want %+v", i, got[i], p)
		}
	}
	// The guess is not modified by the fit.
	if m.Params[0].Value != m.Params[0].Init {
		t.Error("Fit modified the model it was given")
	}
}

// Noise-free data of each shape is fitted back exactly.
func TestEachShapeRecoversItself(t *testing.T) {
	x := spectro.Grid{Start: 0, Stop: 100, N: 400}.Points()
	for _, s := range lineshape.Shapes {
		params := map[lineshape.Shape][]float64{
			lineshape.Gaussian: {48, 6, 20}, lineshape.Lorentzian: {48, 6, 20}, lineshape.PseudoVoigt: {48, 6, 20, 0.3},
			lineshape.Voigt: {48, 4, 3, 20}, lineshape.TCH: {48, 4, 3, 20},
		}[s]
		y := make([]float64, len(x))
		for i := range x {
			y[i] = s.Eval(x[i], params) + 0.1
		}
		m, err := Guess(x, y, s, GuessOptions{MaxPeaks: 1, Baseline: 0})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Fit(x, y, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		v := r.Values()
		for j, want := range params {
			if math.Abs(v[j]-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s: %.9g, want %g (%s)", s, s.ParamNames()[j], v[j], want, r.Message)
			}
		}
		if math.Abs(v[len(v)-1]-0.1) > 1e-6 {
			t.Errorf("%s: baseline %g", s, v[len(v)-1])
		}
	}
}

func TestFixedTiedAndBounds(t *testing.T) {
	two := spectro.PeakTable{{Center: 500, FWHM: 10, Height: 1, Eta: 0.5}, {Center: 560, FWHM: 10, Height: 0.5, Eta: 0.5}}
	x, y := data(600, 0.002, 2, two)
	m, err := Guess(x, y, lineshape.PseudoVoigt, GuessOptions{Baseline: 1})
	if err != nil {
		t.Fatal(err)
	}
	m.Params[m.Index("p1_eta")].Vary = false
	m.Params[m.Index("p1_eta")].Value = 0.5
	if err := m.SetExpr("p2_fwhm", "p1_fwhm"); err != nil {
		t.Fatal(err)
	}
	m.Params[m.Index("p2_center")].Max = 555 // the true centre (560) is out of bounds
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := r.Values()
	if v[m.Index("p1_eta")] != 0.5 {
		t.Error("a fixed parameter moved")
	}
	if v[m.Index("p2_fwhm")] != v[m.Index("p1_fwhm")] {
		t.Error("a tied parameter does not follow its target")
	}
	if c := r.Model.Params[m.Index("p2_center")]; c.Value != 555 || !c.AtBound {
		t.Errorf("bounded centre: %+v", c)
	}
	if !strings.Contains(r.Report(), "(fixed)") || !strings.Contains(r.Report(), "== 'p1_fwhm'") || !strings.Contains(r.Report(), "at bound") {
		t.Errorf("report:\n%s", r.Report())
	}
	if r.NVarys != len(m.Params)-2 {
		t.Errorf("%d free parameters", r.NVarys)
	}
}

// Standard errors agree with the spread of fitted values over noise realisations.
func TestStderrMatchesMonteCarlo(t *testing.T) {
	one := spectro.PeakTable{{Center: 800, FWHM: 20, Height: 1, Eta: 0}}
	var centers, widths []float64
	var se *Result
	for seed := uint64(0); seed < 60; seed++ {
		x, y := data(300, 0.02, seed, one)
		m, err := Guess(x, y, lineshape.Gaussian, GuessOptions{Baseline: 1})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Fit(x, y, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		centers = append(centers, r.Values()[0])
		widths = append(widths, r.Values()[1])
		se = r
	}
	for i, vals := range [][]float64{centers, widths} {
		spread := stat.StdDev(vals, nil)
		est := se.Model.Params[i].Stderr
		if est < spread/1.5 || est > spread*1.5 {
			t.Errorf("%s: stderr %.4g, Monte-Carlo spread %.4g", se.Model.Params[i].Name, est, spread)
		}
	}
}

func TestFitBestChoosesTheTrueShape(t *testing.T) {
	for _, tc := range []struct {
		eta  float64
		want lineshape.Shape
	}{{0, lineshape.Gaussian}, {1, lineshape.Lorentzian}} {
		x, y := data(800, 0.003, 5, spectro.PeakTable{{Center: 700, FWHM: 15, Height: 1, Eta: tc.eta}})
		rs, err := FitBest(x, y, GuessOptions{Baseline: 1}, Options{}, lineshape.Gaussian, lineshape.Lorentzian)
		if err != nil {
			t.Fatal(err)
		}
		if shape, _ := rs[0].Model.PeakShape(); shape != tc.want {
			t.Errorf("η=%g: chose %s (BIC %.1f vs %.1f)", tc.eta, rs[0].Model.Describe(), rs[0].BIC, rs[1].BIC)
		}
	}
}

func TestBadInput(t *testing.T) {
	x := spectro.Grid{Start: 0, Stop: 10, N: 50}.Points()
	zero := make([]float64, 50)
	nan := make([]float64, 50)
	nan[7] = math.NaN()
	for name, tc := range map[string]struct {
		x, y []float64
		want string
	}{
		"all zero": {x, zero, "flat"},
		"NaN":      {x, nan, "point 7 is not finite"},
		"too few":  {x[:5], zero[:5], "too few points"},
		"lengths":  {x, zero[:10], "50 x values but 10"},
	} {
		_, err := Guess(tc.x, tc.y, lineshape.Gaussian, GuessOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
	m := NewModel(lineshape.Gaussian, 1, -1, 0, 10)
	for i := range m.Params {
		m.Params[i].Vary = false
	}
	y := make([]float64, 50)
	y[20] = 1
	if _, err := Fit(x, y, m, Options{}); err == nil || !strings.Contains(err.Error(), "no parameter varies") {
		t.Errorf("nothing free: %v", err)
	}
}

func TestJSONAndReport(t *testing.T) {
	x, y := data(512, 0.01, 3, truth[:2])
	m, _ := Guess(x, y, lineshape.Voigt, GuessOptions{Baseline: 1})
	r, err := Fit(x, y, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if back["r2"].(float64) < 0.9 || back["redchi"].(float64) > 1.2e-4 || len(back["peaks"].([]any)) != 2 || back["shape"] != "voigt" {
		t.Errorf("JSON: %s", js)
	}
	rep := r.Report()
	for _, sec := range []string{"[[Model]]", "[[Fit Statistics]]", "[[Variables]]", "R-squared", "p1_fwhmG:", "bl_c1:"} {
		if !strings.Contains(rep, sec) {
			t.Errorf("report lacks %q:\n%s", sec, rep)
		}
	}
}

func TestFitBatch(t *testing.T) {
	var jobs []Job
	for i := 0; i < 12; i++ {
		x, y := data(512, 0.003, uint64(i), truth)
		jobs = append(jobs, Job{X: x, Y: y, Shape: lineshape.PseudoVoigt, Guess: GuessOptions{Baseline: 1}})
	}
	jobs = append(jobs, Job{X: jobs[0].X, Y: make([]float64, 512), Shape: lineshape.Gaussian})
	calls := 0
	out := FitBatch(context.Background(), jobs, Options{}, 2, func(done, total int) { calls++ })
	if calls != len(jobs) {
		t.Errorf("progress called %d times", calls)
	}
	for i, b := range out[:12] {
		if b.Err != nil || b.Result.R2 < 0.99 {
			t.Errorf("job %d: %v", i, b.Err)
		}
	}
	if out[12].Err == nil {
		t.Error("the flat spectrum should fail, alone")
	}
}

func benchData(b testing.TB) (x, y []float64, m *Model) {
	rng := rand.New(rand.NewPCG(4, 4))
	var t spectro.PeakTable
	for k := 0; k < 8; k++ {
		t = append(t, spectro.Peak{Center: 150 + 1300*rng.Float64(), FWHM: 5 + 20*rng.Float64(), Height: 0.2 + rng.Float64(), Eta: 0.5})
	}
	x, y = data(1024, 0.01, 7, t)
	m, err := Guess(x, y, lineshape.PseudoVoigt, GuessOptions{Baseline: 1})
	if err != nil {
		b.Fatal(err)
	}
	return x, y, m
}

// One fit: 8 pseudo-Voigt peaks + linear baseline on 1024 points.
func BenchmarkFit8PseudoVoigt1024(b *testing.B) {
	x, y, m := benchData(b)
	for b.Loop() {
		if _, err := Fit(x, y, m, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFitBatch(b *testing.B) {
	x, y, m := benchData(b)
	jobs := make([]Job, 32)
	for i := range jobs {
		jobs[i] = Job{X: x, Y: y, Model: m}
	}
	for b.Loop() {
		FitBatch(context.Background(), jobs, Options{}, 0, nil)
	}
	b.ReportMetric(float64(len(jobs)*b.N)/b.Elapsed().Seconds(), "fits/s")
}
