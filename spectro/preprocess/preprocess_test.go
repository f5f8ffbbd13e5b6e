package preprocess

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestSavGolCoefficients(t *testing.T) {
	got, err := SavGolCoefficients(5, 2, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-3, 12, 17, 12, -3}
	for i := range want {
		if math.Abs(got[i]-want[i]/35) > 1e-12 {
			t.Errorf("weights %v, want %v/35", got, want)
			break
		}
	}
	d1, _ := SavGolCoefficients(5, 2, 1, 1) // first derivative: [-2,-1,0,1,2]/10
	for i, w := range []float64{-2, -1, 0, 1, 2} {
		if math.Abs(d1[i]-w/10) > 1e-12 {
			t.Errorf("derivative weights %v", d1)
			break
		}
	}
	for _, bad := range [][3]int{{4, 2, 0}, {5, 5, 0}, {5, 2, 3}, {1, 0, 0}} {
		if _, err := SavGolCoefficients(bad[0], bad[1], bad[2], 1); err == nil {
			t.Errorf("window %d order %d deriv %d should be rejected", bad[0], bad[1], bad[2])
		}
	}
}

// A filter of order k reproduces polynomials of degree ≤ k exactly, edges included.
func TestSavGolPreservesPolynomials(t *testing.T) {
	n, delta := 50, 0.5
	y, dy := make([]float64, n), make([]float64, n)
	for i := range y {
		x := float64(i) * delta
		y[i] = 2 - 0.3*x + 0.05*x*x - 0.002*x*x*x
		dy[i] = -0.3 + 0.1*x - 0.006*x*x
	}
	s, err := SavitzkyGolay(y, 9, 3, 0, delta)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := SavitzkyGolay(y, 9, 3, 1, delta)
	for i := range y {
		if math.Abs(s[i]-y[i]) > 1e-9 || math.Abs(d[i]-dy[i]) > 1e-9 {
			t.Fatalf("point %d: smooth %g (want %g), derivative %g (want %g)", i, s[i], y[i], d[i], dy[i])
		}
	}
	if _, err := SavitzkyGolay(y[:5], 9, 3, 0, 1); err == nil {
		t.Error("window longer than the signal should be an error")
	}
}

// The banded solve equals a dense solve of the same system.
func TestWhittakerBandedMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{3, 4, 5, 12} {
		y, w := make([]float64, n), make([]float64, n)
		for i := range y {
			y[i], w[i] = rng.NormFloat64(), 0.1+rng.Float64()
		}
		lambda := 10.0
		z, err := whittaker(y, w, lambda)
		if err != nil {
			t.Fatal(err)
		}
		D := mat.NewDense(n-2, n, nil)
		for i := 0; i < n-2; i++ {
			D.Set(i, i, 1)
			D.Set(i, i+1, -2)
			D.Set(i, i+2, 1)
		}
		var A mat.Dense
		A.Mul(D.T(), D)
		A.Scale(lambda, &A)
		wy := make([]float64, n)
		for i := 0; i < n; i++ {
			A.Set(i, i, A.At(i, i)+w[i])
			wy[i] = w[i] * y[i]
		}
		var want mat.VecDense
		if err := want.SolveVec(&A, mat.NewVecDense(n, wy)); err != nil {
			t.Fatal(err)
		}
		for i := range z {
			if math.Abs(z[i]-want.AtVec(i)) > 1e-9 {
				t.Fatalf("n=%d: banded %v, dense %v", n, z, want.RawVector().Data)
			}
		}
	}
}

// synthetic: Lorentzian peaks on a known curved baseline, plus noise.
func synthetic(n int, noise float64) (x, y, base []float64) {
	rng := rand.New(rand.NewPCG(3, 4))
	x, y, base = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = 100 + 1400*float64(i)/float64(n-1)
		u := (x[i] - 100) / 1400
		base[i] = 0.5 + 0.8*u - 0.6*u*u + 0.3*math.Exp(-3*u)
		y[i] = base[i] + noise*rng.NormFloat64()
		for _, p := range [][3]float64{{300, 8, 1}, {520, 5, 0.6}, {1085, 4, 2}, {1200, 12, 0.4}} {
			d := (x[i] - p[0]) / p[1]
			y[i] += p[2] / (1 + d*d)
		}
	}
	return x, y, base
}

func TestBaselinesRecoverKnownBaseline(t *testing.T) {
	x, y, base := synthetic(1024, 0.005)
	orig := append([]float64(nil), y...)
	for _, tc := range []struct {
		name string
		est  func() ([]float64, error)
		tol  float64 // RMSE against the true baseline, relative to the largest peak (2)
	}{
		{"asls", func() ([]float64, error) { b, _, err := AsLS(y, 1e6, 0.01, 50); return b, err }, 0.02},
		{"arpls", func() ([]float64, error) { b, _, err := ArPLS(y, 1e6, 1e-3, 100); return b, err }, 0.02},
		{"snip", func() ([]float64, error) { return SNIP(y, 40) }, 0.03},
		{"poly", func() ([]float64, error) { return PolyBaseline(x, y, 3, 100, 1e-4) }, 0.03},
	} {
		b, err := tc.est()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		sum := 0.0
		for i := range b {
			sum += (b[i] - base[i]) * (b[i] - base[i])
		}
		rmse := math.Sqrt(sum/float64(len(b))) / 2
		t.Logf("%s: baseline RMSE %.4f of the largest peak", tc.name, rmse)
		if rmse > tc.tol {
			t.Errorf("%s: baseline RMSE %.4f, want ≤ %g", tc.name, rmse, tc.tol)
		}
	}
	for i := range y {
		if y[i] != orig[i] {
			t.Fatal("a baseline method modified its input")
		}
	}
}

func TestBaselineBadInput(t *testing.T) {
	y := []float64{1, 2, 3, 4, 5}
	if _, _, err := AsLS(y, -1, 0.01, 10); err == nil {
		t.Error("λ < 0")
	}
	if _, _, err := AsLS(y, 1e3, 1.5, 10); err == nil {
		t.Error("p > 1")
	}
	if _, _, err := ArPLS(y[:2], 1e3, 1e-3, 10); err == nil {
		t.Error("2 points")
	}
	if _, err := SNIP(y, 3); err == nil {
		t.Error("SNIP window too wide")
	}
	if _, err := PolyBaseline([]float64{1, 1, 1, 1, 1}, y, 2, 10, 1e-3); err == nil {
		t.Error("x without range")
	}
}

func TestRemoveSpikes(t *testing.T) {
	_, y, _ := synthetic(500, 0.01)
	spiky := append([]float64(nil), y...)
	spiky[100] += 5
	spiky[301] += 3
	spiky[302] += 4
	clean, idx, err := RemoveSpikes(spiky, 6, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) != 3 || idx[0] != 100 || idx[1] != 301 || idx[2] != 302 {
		t.Errorf("spikes found at %v, want [100 301 302]", idx)
	}
	for i := range y {
		if i == 100 || i == 301 || i == 302 {
			if math.Abs(clean[i]-y[i]) > 0.1 {
				t.Errorf("point %d: %g after despiking, original %g", i, clean[i], y[i])
			}
		} else if clean[i] != spiky[i] {
			t.Errorf("point %d changed but is no spike", i)
		}
	}
	// Real peaks, even narrow ones, are not spikes.
	_, idx, _ = RemoveSpikes(y, 6, 3)
	if len(idx) != 0 {
		t.Errorf("found spikes %v in a spectrum without any", idx)
	}
}

func TestPipeline(t *testing.T) {
	x, y, _ := synthetic(1024, 0.005)
	s := &spectro.Spectrum{Modality: spectro.Raman, X: x, Y: y}
	p := Pipeline{Crop(150, 1450), Despike(6, 3), SavGol(7, 3), BaselineArPLS(1e6), Normalize(spectro.MinMax)}
	out, err := p.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if out.X[0] < 150 || out.X[out.Len()-1] > 1450 || s.Len() != 1024 {
		t.Errorf("crop: %g–%g", out.X[0], out.X[out.Len()-1])
	}
	// After baseline removal, regions without peaks sit near 0 (the peak at 1085 is 1).
	if v := out.ValueAt(800); math.Abs(v) > 0.05 {
		t.Errorf("baseline left %g at 800 cm-1", v)
	}
	if !strings.Contains(p.String(), "savgol(7,3) → baseline-arpls") {
		t.Errorf("pipeline name %q", p)
	}
	bad := Pipeline{SavGol(4, 2)}
	if _, err := bad.Apply(s); err == nil || !strings.Contains(err.Error(), "step savgol(4,2)") {
		t.Errorf("error should name the step: %v", err)
	}
}

func BenchmarkArPLS1024(b *testing.B) {
	_, y, _ := synthetic(1024, 0.005)
	for b.Loop() {
		ArPLS(y, 1e6, 1e-3, 100)
	}
}
