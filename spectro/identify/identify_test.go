package identify

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// fingerprints are made-up Raman line lists of four "species", each with a
// formula for the element filters.
var fingerprints = []struct {
	species, formula string
	lines            spectro.PeakTable
}{
	{"Calcite", "CaCO_3_", spectro.PeakTable{{Center: 156, FWHM: 8, Height: 0.3}, {Center: 282, FWHM: 9, Height: 0.5}, {Center: 712, FWHM: 6, Height: 0.2}, {Center: 1086, FWHM: 5, Height: 1}}},
	{"Dolomite", "CaMg(CO_3_)_2_", spectro.PeakTable{{Center: 176, FWHM: 8, Height: 0.3}, {Center: 299, FWHM: 9, Height: 0.5}, {Center: 725, FWHM: 6, Height: 0.2}, {Center: 1098, FWHM: 5, Height: 1}}},
	{"Quartz", "SiO_2_", spectro.PeakTable{{Center: 128, FWHM: 6, Height: 0.4}, {Center: 206, FWHM: 10, Height: 0.5}, {Center: 464, FWHM: 7, Height: 1}}},
	{"Siderite", "Fe^2+^CO_3_", spectro.PeakTable{{Center: 184, FWHM: 8, Height: 0.3}, {Center: 287, FWHM: 9, Height: 0.6}, {Center: 731, FWHM: 6, Height: 0.2}, {Center: 1088, FWHM: 5, Height: 1}}},
}

// sample renders a species' lines shifted by shift cm⁻¹ over 120–1400 with
// noise and a sloping background.
func sample(t testing.TB, k int, shift, noise float64, rng *rand.Rand) *spectro.Spectrum {
	t.Helper()
	var x []float64
	for v := 120.0; v <= 1400; v += 1.5 {
		x = append(x, v)
	}
	lines := append(spectro.PeakTable(nil), fingerprints[k].lines...)
	for i := range lines {
		lines[i].Center += shift
	}
	y := lines.Render(x)
	for i := range y {
		y[i] += 0.05 + 0.1*(x[i]-120)/1280 + noise*rng.NormFloat64()
	}
	s, err := spectro.New(spectro.Raman, x, y)
	if err != nil {
		t.Fatal(err)
	}
	s.Meta = spectro.Metadata{Mineral: fingerprints[k].species, Chemistry: fingerprints[k].formula}
	return s
}

// testLibrary holds two samples of each species (keys S<k>a, S<k>b).
func testLibrary(t testing.TB) *Library {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	g := spectro.DefaultGrid(spectro.Raman)
	var entries []Entry
	for k := range fingerprints {
		for j, shift := range []float64{-1, 1.5} {
			e, err := EntryOf(sample(t, k, shift, 0.005, rng), g)
			if err != nil {
				t.Fatal(err)
			}
			e.Key = string(rune('A'+k)) + string(rune('a'+j))
			entries = append(entries, e)
		}
	}
	l, err := NewLibrary(entries, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSearchRanksTheRightSpeciesFirst(t *testing.T) {
	l := testLibrary(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, score := range Scores {
		for k := range fingerprints {
			u := sample(t, k, 0.5, 0.01, rng)
			res, err := l.Search([]*spectro.Spectrum{u}, Options{Score: score, Top: 3})
			if err != nil {
				t.Fatalf("%v: %v", score, err)
			}
			if got := res.Hits[0].Species; got != fingerprints[k].species {
				t.Errorf("%v: %s identified as %s (hits %+v)", score, fingerprints[k].species, got, res.Hits)
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].HQI > res.Hits[i-1].HQI || res.Hits[i].Rank != i+1 {
					t.Errorf("%v: hits out of order: %+v", score, res.Hits)
				}
			}
			if h := res.Hits[0].HQI; !(h > 0 && h <= 100) {
				t.Errorf("%v: top HQI %g outside (0, 100]", score, h)
			}
		}
	}
}

func TestHQIKnownAnswers(t *testing.T) {
	g := spectro.DefaultGrid(spectro.Raman)
	rng := rand.New(rand.NewPCG(5, 6))
	base := sample(t, 0, 0, 0, rng)
	scaled := base.Clone()
	for i := range scaled.Y {
		scaled.Y[i] = 3*scaled.Y[i] + 7 // min-max scaling makes this the same spectrum
	}
	other := sample(t, 2, 0, 0, rng)
	for _, tc := range []struct {
		name    string
		unknown *spectro.Spectrum
		score   Score
		lo, hi  float64
	}{
		{"identical, correlation", base, Correlation, 99.999, 100},
		{"identical, derivative", base, Derivative, 99.999, 100},
		{"identical, euclidean", base, Euclidean, 99.999, 100},
		{"identical, peaks", base, Peaks, 99.999, 100},
		{"identical, contrast", base, Contrast, 99.999, 100},
		{"rescaled, correlation", scaled, Correlation, 99.999, 100},
		{"rescaled, euclidean", scaled, Euclidean, 99.999, 100},
		{"no line in common, peaks", other, Peaks, 0, 0},
		{"no line in common, contrast", other, Contrast, 0, 20},
	} {
		e, err := EntryOf(base, g)
		if err != nil {
			t.Fatal(err)
		}
		e.Species, e.Key = "Calcite", "R1"
		l, err := NewLibrary([]Entry{e}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := l.Search([]*spectro.Spectrum{tc.unknown}, Options{Score: tc.score})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if h := res.Hits[0].HQI; h < tc.lo || h > tc.hi {
			t.Errorf("%s: HQI %.4f, want %g–%g", tc.name, h, tc.lo, tc.hi)
		}
	}
}

func TestFiltersRangesAndMasks(t *testing.T) {
	l := testLibrary(t)
	rng := rand.New(rand.NewPCG(7, 8))
	calcite := sample(t, 0, 0, 0.01, rng)
	res, err := l.Search([]*spectro.Spectrum{calcite}, Options{NotElements: []string{"Mg"}, Elements: []string{"C"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Species == "Dolomite" || h.Species == "Quartz" {
			t.Errorf("element filters let %s through", h.Species)
		}
	}
	if res.Compared != 4 {
		t.Errorf("compared %d entries, want the 4 of calcite and siderite", res.Compared)
	}
	// Narrowed to 1000–1150 cm⁻¹, where calcite and siderite differ by 2 cm⁻¹.
	res, err = l.Search([]*spectro.Spectrum{calcite}, Options{Ranges: map[spectro.Modality]Range{spectro.Raman: {1000, 1150}}})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Hits[0].Matches[0].Range
	if math.Abs(r.Lo-1000) > 2 || math.Abs(r.Hi-1150) > 2 {
		t.Errorf("compared range %v, want about 1000–1150", r)
	}
	if _, err := l.Search([]*spectro.Spectrum{calcite}, Options{Ranges: map[spectro.Modality]Range{spectro.Raman: {1450, 1500}}}); err == nil {
		t.Error("a range outside the spectrum was accepted")
	}
	// Masking the 1086 line leaves the weaker ones to decide, still calcite.
	res, err = l.Search([]*spectro.Spectrum{calcite}, Options{Exclude: map[spectro.Modality][]Range{spectro.Raman: {{1050, 1120}}}})
	if err != nil || res.Hits[0].Species != "Calcite" {
		t.Errorf("masked search: %v, %+v", err, res)
	}
}

func TestJointSearchCombinesModalities(t *testing.T) {
	g := map[spectro.Modality]spectro.Grid{spectro.Raman: spectro.DefaultGrid(spectro.Raman), spectro.Infrared: spectro.DefaultGrid(spectro.Infrared)}
	rng := rand.New(rand.NewPCG(9, 10))
	// Infrared "spectra": the Raman line lists moved up by 1000 cm⁻¹.
	ir := func(k int, shift float64) *spectro.Spectrum {
		s := sample(t, k, shift, 0.005, rng)
		for i := range s.X {
			s.X[i] += 1000
		}
		s.Modality = spectro.Infrared
		return s
	}
	var entries []Entry
	for k := range fingerprints {
		for _, s := range []*spectro.Spectrum{sample(t, k, 1, 0.005, rng), ir(k, 1)} {
			e, err := EntryOf(s, g[s.Modality])
			if err != nil {
				t.Fatal(err)
			}
			e.Key = fingerprints[k].species + "-1"
			entries = append(entries, e)
		}
	}
	l, err := NewLibrary(entries, g)
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Search([]*spectro.Spectrum{sample(t, 1, 0, 0.01, rng), ir(1, 0)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Hits[0]
	if h.Species != "Dolomite" || len(h.Matches) != 2 || math.Abs(h.HQI-(h.Matches[0].HQI+h.Matches[1].HQI)/2) > 1e-9 {
		t.Errorf("joint hit %+v: want dolomite, two matches, HQI their mean", h)
	}
	if _, err := l.Search([]*spectro.Spectrum{sample(t, 1, 0, 0.01, rng), sample(t, 2, 0, 0.01, rng)}, Options{}); err == nil {
		t.Error("two Raman spectra of one unknown were accepted")
	}
}

func TestMixtureRecoversKnownFractions(t *testing.T) {
	l := testLibrary(t)
	g := l.Grids[spectro.Raman]
	a, b := l.Entries[0], l.Entries[4] // calcite, quartz
	for _, f := range []float64{0.3, 0.6} {
		var x, y []float64
		for i := max(a.Lo, b.Lo); i <= min(a.Hi, b.Hi); i++ {
			x, y = append(x, g.At(i)), append(y, f*float64(a.Y[i])+(1-f)*float64(b.Y[i]))
		}
		mix, err := spectro.New(spectro.Raman, x, y)
		if err != nil {
			t.Fatal(err)
		}
		res, err := l.Mixture(mix, MixtureOptions{MaxPhases: 3})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, p := range res.Phases {
			got[p.Species] += p.Fraction
		}
		if len(res.Phases) != 2 || math.Abs(got["Calcite"]-f) > 0.02 || math.Abs(got["Quartz"]-(1-f)) > 0.02 {
			t.Errorf("%.0f %% calcite: phases %+v, steps %+v", 100*f, res.Phases, res.Steps)
		}
		if res.R2 < 0.999 {
			t.Errorf("mixture fit R² %.4f", res.R2)
		}
	}
	// A pure spectrum stays one phase.
	rng := rand.New(rand.NewPCG(11, 12))
	res, err := l.Mixture(sample(t, 2, 0.5, 0.01, rng), MixtureOptions{MaxPhases: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Phases) != 1 || res.Phases[0].Species != "Quartz" {
		t.Errorf("pure quartz fitted as %+v (steps %+v)", res.Phases, res.Steps)
	}
}

func TestNNLSKeepsCoefficientsNonNegative(t *testing.T) {
	// y = 2·a − 1·b + 0.5: the best non-negative fit drops b.
	a, b := []float64{1, 0, 0, 1, 0}, []float64{0, 1, 0, 0, 1}
	y := make([]float64, 5)
	for i := range y {
		y[i] = 2*a[i] - b[i] + 0.5
	}
	coef, _, _ := nnls(y, [][]float64{a, b})
	if coef[0] <= 0 || coef[1] != 0 {
		t.Errorf("coefficients %v: want a positive, b at zero", coef)
	}
}

func TestCalibratedThresholdSeparatesAbsentSpecies(t *testing.T) {
	l := testLibrary(t)
	evs, err := l.Calibrate(Auto)
	if err != nil {
		t.Fatal(err)
	}
	ev := evs[0]
	if ev.Known != 8 || ev.Top1 != 1 {
		t.Errorf("known-species protocol: %d queries, top-1 %.2f; want 8 and 1", ev.Known, ev.Top1)
	}
	// Calcite and siderite look alike, so an absent one scores high against
	// the other; quartz and dolomite's absence is plain.
	if ev.AbsentMedianHQI >= ev.KnownMedianHQI {
		t.Errorf("absent species' top HQI (median %.1f) not below known species' (%.1f)", ev.AbsentMedianHQI, ev.KnownMedianHQI)
	}
	rng := rand.New(rand.NewPCG(13, 14))
	res, err := l.Search([]*spectro.Spectrum{sample(t, 0, 0, 0.01, rng)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.InLibrary == nil || !res.InLibrary.Likely {
		t.Errorf("a calcite unknown was not called in the library: %+v", res.InLibrary)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	l := testLibrary(t)
	if _, err := l.Calibrate(Auto); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lib.gob.gz")
	if err := l.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != l.Len() || len(back.Thresholds) != len(l.Thresholds) || back.Species() != 4 {
		t.Fatalf("round trip: %d entries, %d thresholds", back.Len(), len(back.Thresholds))
	}
	rng := rand.New(rand.NewPCG(15, 16))
	u := sample(t, 3, 0, 0.01, rng)
	r1, _ := l.Search([]*spectro.Spectrum{u}, Options{})
	r2, _ := back.Search([]*spectro.Spectrum{u}, Options{})
	if r1.Hits[0].Key != r2.Hits[0].Key || math.Abs(r1.Hits[0].HQI-r2.Hits[0].HQI) > 0.01 {
		t.Errorf("saved library answers %+v, the original %+v", r2.Hits[0], r1.Hits[0])
	}
	if _, err := Read(bytes.NewReader([]byte("not gzip"))); err == nil {
		t.Error("garbage read as a library")
	}
}

// FuzzRead: no input makes the library reader panic.
func FuzzRead(f *testing.F) {
	l := testLibrary(f)
	path := filepath.Join(f.TempDir(), "lib.gob.gz")
	if err := l.Save(path); err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		lib, err := Read(bytes.NewReader(b))
		if err == nil && lib.Len() == 0 {
			t.Error("empty library read without error")
		}
	})
}

// BenchmarkSearch5000 is one query against a 5,000-spectrum Raman library
// (the speed target: under 10 ms on one core).
func BenchmarkSearch5000(b *testing.B) {
	rng := rand.New(rand.NewPCG(17, 18))
	g := spectro.DefaultGrid(spectro.Raman)
	entries := make([]Entry, 0, 5000)
	for len(entries) < 5000 {
		k := len(entries) % len(fingerprints)
		e, err := EntryOf(sample(b, k, rng.Float64()*20-10, 0.01, rng), g)
		if err != nil {
			b.Fatal(err)
		}
		entries = append(entries, e)
	}
	l, err := NewLibrary(entries, nil)
	if err != nil {
		b.Fatal(err)
	}
	u := []*spectro.Spectrum{sample(b, 1, 0, 0.01, rng)}
	for _, s := range []Score{Auto, Correlation, Peaks} {
		b.Run(s.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := l.Search(u, Options{Score: s}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
