package lineshape

import (
	"encoding/csv"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

func readCSV(t *testing.T, path string) [][]float64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]float64
	for _, r := range rows[1:] {
		v := make([]float64, len(r))
		for i, s := range r {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, v)
	}
	return out
}

// Reference values from scipy.special.wofz (testdata/make_reference.py).
func TestFaddeevaAgainstScipy(t *testing.T) {
	worst := 0.0
	for _, r := range readCSV(t, "testdata/wofz.csv") {
		z, want := complex(r[0], r[1]), complex(r[2], r[3])
		got := Faddeeva(z)
		rel := cmplx.Abs(got-want) / cmplx.Abs(want)
		worst = math.Max(worst, rel)
		if rel > 1e-6 {
			t.Errorf("w(%v) = %v, scipy %v (relative error %.2g)", z, got, want, rel)
		}
	}
	t.Logf("worst relative error of w(z) against scipy: %.2g", worst)
}

// Reference values from scipy.special.voigt_profile.
func TestVoigtAgainstScipy(t *testing.T) {
	worst := 0.0
	for _, r := range readCSV(t, "testdata/voigt.csv") {
		x, sigma, gamma, want := r[0], r[1], r[2], r[3]
		p := []float64{0, 2 * sqrt2ln2 * sigma, 2 * gamma, 1}
		got := Voigt.Eval(x, p)
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
		if rel > 1e-6 {
			t.Errorf("voigt(x=%g, σ=%g, γ=%g) = %.12g, scipy %.12g (relative %.2g)", x, sigma, gamma, got, want, rel)
		}
	}
	t.Logf("worst relative error of the Voigt profile against scipy: %.2g", worst)
}

func params(s Shape, rng *rand.Rand) []float64 {
	c, a := 100+10*rng.Float64(), 0.5+2*rng.Float64()
	switch s {
	case PseudoVoigt:
		return []float64{c, 1 + 4*rng.Float64(), a, 0.1 + 0.8*rng.Float64()}
	case Voigt, TCH:
		return []float64{c, 0.5 + 3*rng.Float64(), 0.3 + 3*rng.Float64(), a}
	}
	return []float64{c, 1 + 4*rng.Float64(), a}
}

// Analytic derivatives against central differences.
func TestGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range Shapes {
		for trial := 0; trial < 40; trial++ {
			p := params(s, rng)
			x := p[0] + 8*(rng.Float64()-0.5)
			grad := make([]float64, s.NumParams())
			v := s.Grad(x, p, grad)
			if math.Abs(v-s.Eval(x, p)) > 1e-15 {
				t.Fatalf("%s: Grad and Eval disagree", s)
			}
			for i := range p {
				h := 1e-6 * math.Max(1, math.Abs(p[i]))
				pp, pm := append([]float64(nil), p...), append([]float64(nil), p...)
				pp[i] += h
				pm[i] -= h
				num := (s.Eval(x, pp) - s.Eval(x, pm)) / (2 * h)
				if math.Abs(num-grad[i]) > 1e-6*math.Max(1e-3, math.Abs(num)) {
					t.Errorf("%s %s at x-c=%.3g: analytic %.9g, numeric %.9g", s, s.ParamNames()[i], x-p[0], grad[i], num)
				}
			}
		}
	}
}

// Area normalisation and FWHM, numerically.
func TestAreaAndFWHM(t *testing.T) {
	for _, tc := range []struct {
		s    Shape
		p    []float64
		fwhm float64 // expected FWHM (0: compare with s.FWHM at 0.1%)
	}{
		{Gaussian, []float64{0, 2, 3}, 2},
		{Lorentzian, []float64{0, 2, 3}, 2},
		{PseudoVoigt, []float64{0, 2, 3, 0.4}, 2},
		{Voigt, []float64{0, 2, 1, 3}, 0},
		{Voigt, []float64{0, 1, 3, 3}, 0},
		{TCH, []float64{0, 2, 1, 3}, 0},
	} {
		// Integrate on a wide fine grid; add the Lorentzian tails beyond analytically.
		const half, n = 4000.0, 2_000_001
		step := 2 * half / (n - 1)
		sum := 0.0
		for i := 0; i < n; i++ {
			sum += tc.s.Eval(-half+float64(i)*step, tc.p)
		}
		area := sum * step
		eta := tc.s.LorentzFraction(tc.p)
		area += eta * tc.p[tc.s.IArea()] * 2 / math.Pi * (tc.s.FWHM(tc.p) / 2) / half // ∫ beyond ±half of η·Lorentzian
		want := tc.p[tc.s.IArea()]
		if math.Abs(area-want)/want > 2e-4 {
			t.Errorf("%s %v: area %.6g, want %g", tc.s, tc.p, area, want)
		}
		// FWHM by bisection on the right half.
		h := tc.s.Height(tc.p)
		lo, hi := 0.0, 50.0
		for k := 0; k < 100; k++ {
			mid := (lo + hi) / 2
			if tc.s.Eval(mid, tc.p) > h/2 {
				lo = mid
			} else {
				hi = mid
			}
		}
		got := 2 * lo
		want = tc.fwhm
		tol := 1e-9
		if want == 0 {
			want, tol = tc.s.FWHM(tc.p), 1e-3
		}
		if math.Abs(got-want)/want > tol {
			t.Errorf("%s %v: FWHM %.6g, want %.6g", tc.s, tc.p, got, want)
		}
	}
}

func TestHeightAndParse(t *testing.T) {
	p := []float64{10, 2, 0, 0.5}
	p[2] = PseudoVoigt.AreaForHeight(p, 7)
	if h := PseudoVoigt.Height(p); math.Abs(h-7) > 1e-12 {
		t.Errorf("height %g, want 7", h)
	}
	for _, s := range Shapes {
		if got, err := ParseShape(s.String()); err != nil || got != s {
			t.Errorf("ParseShape(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseShape("triangle"); err == nil {
		t.Error("unknown shape should be an error")
	}
	// Voigt reduces to its parts at zero widths.
	x := 10.7
	if v, g := Voigt.Eval(x, []float64{10, 2, 0, 1}), Gaussian.Eval(x, []float64{10, 2, 1}); math.Abs(v-g) > 1e-15 {
		t.Errorf("Voigt with fwhmL=0: %g, Gaussian %g", v, g)
	}
	if v, l := Voigt.Eval(x, []float64{10, 0, 2, 1}), Lorentzian.Eval(x, []float64{10, 2, 1}); math.Abs(v-l) > 1e-15 {
		t.Errorf("Voigt with fwhmG=0: %g, Lorentzian %g", v, l)
	}
}

func BenchmarkEval(b *testing.B) {
	for _, s := range Shapes {
		b.Run(s.String(), func(b *testing.B) {
			p := params(s, rand.New(rand.NewPCG(2, 2)))
			grad := make([]float64, s.NumParams())
			x := p[0] - 2
			for b.Loop() {
				s.Grad(x, p, grad)
				x += 1e-9
			}
		})
	}
}

// Accumulate over an axis must agree with Grad point by point, for every
// shape, with and without gradients, including η at 0 and 1 (where the
// pseudo-Voigt's ∂/∂η still needs both profiles) and far-out Gaussian tails.
func TestAccumulateMatchesGrad(t *testing.T) {
	x := make([]float64, 301)
	for i := range x {
		x[i] = 100 + 3*float64(i)
	}
	cases := []struct {
		shape Shape
		p     []float64
	}{
		{Gaussian, []float64{400, 12, 3}},
		{Lorentzian, []float64{410.5, 7, 2}},
		{PseudoVoigt, []float64{500, 20, 1.5, 0.3}},
		{PseudoVoigt, []float64{500, 20, 1.5, 0}},
		{PseudoVoigt, []float64{500, 20, 1.5, 1}},
		{Voigt, []float64{600, 10, 5, 2}},
		{TCH, []float64{700, 10, 5, 2}},
	}
	for _, c := range cases {
		np := c.shape.NumParams()
		f := make([]float64, len(x))
		for i := range f {
			f[i] = 0.25 // Accumulate adds to what is there
		}
		fOnly := append([]float64(nil), f...)
		grads := make([][]float64, np)
		for j := range grads {
			grads[j] = make([]float64, len(x))
		}
		c.shape.Accumulate(x, c.p, f, grads)
		c.shape.Accumulate(x, c.p, fOnly, nil)
		g := make([]float64, np)
		for i, xv := range x {
			v := c.shape.Grad(xv, c.p, g)
			if d := math.Abs(f[i] - 0.25 - v); d > 1e-12*(1+math.Abs(v)) {
				t.Fatalf("%v %v: value at x=%g: %g, Grad says %g", c.shape, c.p, xv, f[i]-0.25, v)
			}
			if f[i] != fOnly[i] {
				t.Fatalf("%v %v: value at x=%g with gradients %g, without %g", c.shape, c.p, xv, f[i], fOnly[i])
			}
			for j := range g {
				if d := math.Abs(grads[j][i] - g[j]); d > 1e-12*(1+math.Abs(g[j])) {
					t.Fatalf("%v %v: ∂/∂p[%d] at x=%g: %g, Grad says %g", c.shape, c.p, j, xv, grads[j][i], g[j])
				}
			}
		}
	}
}

func BenchmarkAccumulatePseudoVoigt(b *testing.B) {
	x := make([]float64, 1024)
	for i := range x {
		x[i] = 100 + 1400*float64(i)/1023
	}
	f := make([]float64, len(x))
	grads := make([][]float64, 4)
	for j := range grads {
		grads[j] = make([]float64, len(x))
	}
	p := []float64{800, 15, 2, 0.4}
	for b.Loop() {
		PseudoVoigt.Accumulate(x, p, f, grads)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/point")
}
