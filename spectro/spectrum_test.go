package spectro

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseModality(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Modality
		bad  bool
	}{
		{"raman", Raman, false}, {"Raman", Raman, false}, {"IR", Infrared, false},
		{"infrared", Infrared, false}, {"powder", XRD, false}, {"xrd", XRD, false},
		{"uv-vis", "", true}, {"", "", true},
	} {
		got, err := ParseModality(tc.in)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("ParseModality(%q) = %q, %v; want %q, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestDefaultGrid(t *testing.T) {
	for _, tc := range []struct {
		m           Modality
		start, stop float64
	}{{Infrared, 400, 4000}, {Raman, 100, 1500}, {XRD, 5, 90}} {
		g := DefaultGrid(tc.m)
		pts := g.Points()
		if g.N != 1024 || len(pts) != 1024 || pts[0] != tc.start || pts[1023] != tc.stop {
			t.Errorf("%s grid: %v, first %g last %g", tc.m, g, pts[0], pts[len(pts)-1])
		}
		if d := pts[1] - pts[0]; math.Abs(d-(tc.stop-tc.start)/1023) > 1e-9 {
			t.Errorf("%s grid step %g", tc.m, d)
		}
	}
}

func TestValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name    string
		s       Spectrum
		wantErr string
	}{
		{"ok", Spectrum{Modality: Raman, X: []float64{1, 2, 3}, Y: []float64{0, 1, 0}}, ""},
		{"nan y", Spectrum{Modality: Raman, X: []float64{1, 2, 3}, Y: []float64{0, nan, 0}}, "point 1 (x=2): intensity is NaN"},
		{"inf x", Spectrum{Modality: Raman, X: []float64{1, inf, 3}, Y: []float64{0, 1, 0}}, "point 1: x is +Inf"},
		{"lengths", Spectrum{Modality: Raman, X: []float64{1, 2, 3}, Y: []float64{0, 1}}, "3 x values but 2 intensities"},
		{"too short", Spectrum{Modality: Raman, X: []float64{1}, Y: []float64{0}}, "at least 2 points"},
		{"decreasing", Spectrum{Modality: Infrared, X: []float64{3, 2, 1}, Y: []float64{0, 1, 0}}, "point 1: x is not strictly increasing"},
		{"duplicate", Spectrum{Modality: Infrared, X: []float64{1, 2, 2}, Y: []float64{0, 1, 0}}, "point 2: x is not strictly increasing"},
		{"modality", Spectrum{Modality: "uv", X: []float64{1, 2}, Y: []float64{0, 1}}, "unknown modality"},
	} {
		err := tc.s.Validate()
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestTidy(t *testing.T) {
	for _, tc := range []struct {
		name         string
		x, y         []float64
		wantX, wantY []float64
		wantErr      bool
	}{
		{"already fine", []float64{1, 2, 3}, []float64{4, 5, 6}, []float64{1, 2, 3}, []float64{4, 5, 6}, false},
		{"descending", []float64{3, 2, 1}, []float64{6, 5, 4}, []float64{1, 2, 3}, []float64{4, 5, 6}, false},
		{"duplicates averaged", []float64{1, 2, 2, 3}, []float64{1, 2, 4, 5}, []float64{1, 2, 3}, []float64{1, 3, 5}, false},
		{"one distinct x", []float64{2, 2}, []float64{1, 3}, nil, nil, true},
		{"nan", []float64{2, 1}, []float64{math.NaN(), 3}, nil, nil, true},
	} {
		s := &Spectrum{Modality: Infrared, X: tc.x, Y: tc.y}
		got, err := s.Tidy()
		if tc.wantErr {
			if err == nil {
				t.Errorf("%s: want error", tc.name)
			}
			continue
		}
		if err != nil || !equal(got.X, tc.wantX) || !equal(got.Y, tc.wantY) {
			t.Errorf("%s: got %v %v %v", tc.name, got, err, tc.wantY)
			continue
		}
		if got.Validate() != nil {
			t.Errorf("%s: tidy result invalid", tc.name)
		}
	}
	// The not-increasing fault is distinguishable from other faults.
	bad := &Spectrum{Modality: Raman, X: []float64{2, 1}, Y: []float64{0, 0}}
	if !errors.Is(bad.Validate(), ErrNotIncreasing) {
		t.Error("Validate should wrap ErrNotIncreasing")
	}
}

func TestResample(t *testing.T) {
	s := &Spectrum{Modality: Raman, X: []float64{10, 20, 30}, Y: []float64{0, 10, 20}}
	for _, tc := range []struct {
		name string
		g    Grid
		want []float64
	}{
		{"inside", Grid{10, 30, 5}, []float64{0, 5, 10, 15, 20}},
		{"zero outside", Grid{0, 40, 5}, []float64{0, 0, 10, 20, 0}},
		{"exact ends", Grid{10, 30, 3}, []float64{0, 10, 20}},
	} {
		got, err := s.Resample(tc.g)
		if err != nil || !equal(got.Y, tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.name, got.Y, err, tc.want)
		}
	}
	if _, err := s.Resample(Grid{5, 5, 10}); err == nil {
		t.Error("empty grid should be an error")
	}
	if _, err := s.Resample(Grid{0, 1, 1}); err == nil {
		t.Error("one-point grid should be an error")
	}
	unordered := &Spectrum{Modality: Raman, X: []float64{2, 1}, Y: []float64{0, 0}}
	if _, err := unordered.Resample(Grid{0, 1, 3}); err == nil {
		t.Error("resampling an unordered spectrum should be an error")
	}
}

func TestCrop(t *testing.T) {
	s := &Spectrum{Modality: XRD, X: []float64{5, 10, 15, 20}, Y: []float64{1, 2, 3, 4}}
	got, err := s.Crop(9, 16)
	if err != nil || !equal(got.X, []float64{10, 15}) || !equal(got.Y, []float64{2, 3}) {
		t.Errorf("crop: %v %v", got, err)
	}
	if _, err := s.Crop(11, 12); err == nil {
		t.Error("crop keeping no points should fail")
	}
	if _, err := s.Crop(12, 11); err == nil {
		t.Error("reversed crop range should fail")
	}
}

func TestNormalize(t *testing.T) {
	s := &Spectrum{Modality: Raman, X: []float64{0, 1, 2}, Y: []float64{2, 4, 6}}
	for _, tc := range []struct {
		n    Norm
		want []float64
	}{
		{MinMax, []float64{0, 0.5, 1}},
		{MaxNorm, []float64{2.0 / 6, 4.0 / 6, 1}},
		{Area, []float64{0.25, 0.5, 0.75}}, // trapezoid area = 8
	} {
		got, err := s.Normalize(tc.n)
		if err != nil || !equal(got.Y, tc.want) {
			t.Errorf("%v: got %v, %v; want %v", tc.n, got.Y, err, tc.want)
		}
	}
	if !equal(s.Y, []float64{2, 4, 6}) {
		t.Error("Normalize modified its input")
	}
	flat := &Spectrum{Modality: Raman, X: []float64{0, 1}, Y: []float64{3, 3}}
	if _, err := flat.Normalize(MinMax); err == nil {
		t.Error("min-max of a constant spectrum should fail")
	}
	zero := &Spectrum{Modality: Raman, X: []float64{0, 1}, Y: []float64{0, 0}}
	for _, n := range []Norm{MaxNorm, Area} {
		if _, err := zero.Normalize(n); err == nil {
			t.Errorf("%v of an all-zero spectrum should fail", n)
		}
	}
}

func TestOnGrid(t *testing.T) {
	s := &Spectrum{Modality: Raman, X: []float64{100, 800, 1500}, Y: []float64{10, 30, 20}}
	g, err := s.OnGrid(DefaultGrid(Raman))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := 2.0, -1.0
	for _, v := range g.Y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo != 0 || hi != 1 || g.Len() != 1024 {
		t.Errorf("OnGrid range [%g,%g], %d points", lo, hi, g.Len())
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func TestPeakAreaAndHalfWidth(t *testing.T) {
	for _, eta := range []float64{0, 0.3, 1} {
		p := Peak{Center: 500, FWHM: 4, Height: 2, Eta: eta}
		g := Grid{Start: -20000, Stop: 21000, N: 4_100_001} // wide, fine grid: tails matter for Lorentzians
		xs := g.Points()
		sum := 0.0
		for _, x := range xs {
			sum += p.At(x)
		}
		area := sum * g.Step()
		tail := 0.0
		if eta > 0 { // Lorentzian tail beyond the grid: 2·η·h·(FWHM/2)²/distance
			tail = 2 * eta * p.Height * 4 / 20500
		}
		if math.Abs(area+tail-p.Area())/p.Area() > 1e-4 {
			t.Errorf("eta %g: numerical area %g, Area() %g", eta, area+tail, p.Area())
		}
		if h := p.At(502); math.Abs(h-1) > 1e-12 {
			t.Errorf("eta %g: value at centre+FWHM/2 is %g, want half the height", eta, h)
		}
	}
	table := PeakTable{{Center: 10, FWHM: 1, Height: 1}, {Center: 5, FWHM: 1, Height: 2, Eta: 1}}
	ys := table.Render([]float64{5, 10})
	if math.Abs(ys[0]-2) > 1e-6 || math.Abs(ys[1]-(1+2.0/101)) > 1e-9 {
		t.Errorf("Render = %v", ys)
	}
	table.SortByCenter()
	if table[0].Center != 5 {
		t.Error("SortByCenter")
	}
}
