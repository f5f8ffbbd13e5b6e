package synth

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
)

func small() Config {
	c := DefaultConfig()
	c.SpeciesPerClass, c.SamplesPerSpecies = 3, 2
	return c
}

func TestDeterministic(t *testing.T) {
	a, err := Generate(small())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(small())
	if !reflect.DeepEqual(a.Samples, b.Samples) {
		t.Error("same seed, different data")
	}
	c := small()
	c.Seed = 2
	d, _ := Generate(c)
	if reflect.DeepEqual(a.Samples[0].Spectra, d.Samples[0].Spectra) {
		t.Error("different seeds, same data")
	}
	if len(a.Samples) != 7*3*2 {
		t.Errorf("%d samples", len(a.Samples))
	}
}

func TestConfigValidation(t *testing.T) {
	for _, mod := range []func(*Config){
		func(c *Config) { c.SpeciesPerClass = 0 }, func(c *Config) { c.SamplesPerSpecies = -1 },
		func(c *Config) { c.Noise = math.NaN() }, func(c *Config) {
			c.Grids = map[spectro.Modality]spectro.Grid{spectro.Raman: {Start: 5, Stop: 1, N: 10}}
		},
	} {
		c := small()
		mod(&c)
		if _, err := Generate(c); err == nil {
			t.Errorf("config %+v should be rejected", c)
		}
	}
}

func TestSpeciesPhysics(t *testing.T) {
	c := DefaultConfig()
	var masses, lattice []float64
	for _, sp := range c.AllSpecies() {
		if got := chem.Classify(sp.Chemistry); got != sp.Class {
			t.Errorf("%s: chemistry %s classifies as %s", sp.Name, sp.Chemistry, got)
		}
		for _, m := range sp.Modes {
			if sp.Centro && m.Raman > 0 && m.IR > 0 {
				t.Errorf("%s is centrosymmetric but mode %s at %.0f is Raman and IR active", sp.Name, m.Name, m.Freq)
			}
			if strings.HasPrefix(m.Name, "lattice") {
				masses = append(masses, cationMass(sp.Cation))
				lattice = append(lattice, m.Freq)
				if m.Freq > 430 {
					t.Errorf("%s: lattice mode at %.0f cm-1", sp.Name, m.Freq)
				}
			}
		}
		if sp.Class == chem.Carbonate {
			if f := modeNear(sp, "ν1"); math.Abs(f-1085) > 70 {
				t.Errorf("%s: carbonate ν1 at %.0f", sp.Name, f)
			}
		}
	}
	// ν ∝ √(k/μ): heavier cations, lower lattice frequencies.
	if r := stat.Correlation(masses, lattice, nil); r > -0.3 {
		t.Errorf("lattice frequency vs cation mass correlation %.2f, want clearly negative", r)
	}
}

func cationMass(sym string) float64 {
	for _, c := range cations {
		if c.symbol == sym {
			return c.mass
		}
	}
	return 0
}

func modeNear(sp *Species, prefix string) float64 {
	for _, m := range sp.Modes {
		if strings.HasPrefix(m.Name, prefix) {
			return m.Freq
		}
	}
	return math.NaN()
}

// Bragg's law on a cubic P cell: the (100) reflection sits at 2θ = 2 asin(λ/2a).
func TestBragg(t *testing.T) {
	for i := 0; i < 200; i++ {
		sp := NewSpecies(9, chem.Oxide, i)
		if sp.System != "cubic" || sp.Centering != 'P' {
			continue
		}
		want := 2 * math.Asin(Wavelength/(2*sp.Cell[0])) * 180 / math.Pi
		pk := sp.pattern(newRand(1), 1)
		if math.Abs(pk[0].Center-want) > 1e-9 {
			t.Errorf("%s: first reflection at %.4f°, Bragg says %.4f°", sp.Name, pk[0].Center, want)
		}
		return
	}
	t.Skip("no cubic P oxide among 200 species")
}

// Without noise or baseline a spectrum is exactly its ground-truth peak table.
func TestTruthMatchesSpectrum(t *testing.T) {
	c := small()
	c.Noise, c.Baseline = 0, 0
	col, _ := Generate(c)
	for _, s := range col.Samples[:5] {
		for m, list := range s.Spectra {
			want := s.Peaks[m].Render(list[0].X)
			for i := range want {
				if math.Abs(want[i]-list[0].Y[i]) > 1e-12 {
					t.Fatalf("%s %s: point %d differs", s.Key, m, i)
				}
			}
			if len(s.Peaks[m]) == 0 && s.Class != chem.Sulfide {
				t.Errorf("%s %s: no peaks", s.Key, m)
			}
		}
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	c := small()
	col, _ := Generate(c)
	dir := t.TempDir()
	if err := Write(col, dir, c.AllSpecies()); err != nil {
		t.Fatal(err)
	}
	back, err := samples.LoadDir(dir, samples.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Samples) != len(col.Samples) || len(back.Errors) != 0 {
		t.Fatalf("%d samples back of %d; errors %v", len(back.Samples), len(col.Samples), back.Errors)
	}
	if n := len(back.Pairs(spectro.Infrared, spectro.Raman)); n != len(col.Samples) {
		t.Errorf("%d IR→Raman pairs", n)
	}
	for i, s := range back.Samples {
		if s.Class != col.Samples[i].Class || s.Mineral != col.Samples[i].Mineral {
			t.Errorf("sample %s: class %s species %s", s.Key, s.Class, s.Mineral)
		}
	}
	truth, err := ReadTruth(dir)
	if err != nil || len(truth) != len(col.Samples) || len(truth["S000000"][spectro.Raman]) != len(col.Samples[0].Peaks[spectro.Raman]) {
		t.Errorf("truth: %d entries, %v", len(truth), err)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "raman", "*.csv")); len(files) != len(col.Samples) {
		t.Errorf("%d Raman files", len(files))
	}
}

func BenchmarkGenerateSample(b *testing.B) {
	c := DefaultConfig()
	sp := NewSpecies(1, chem.Carbonate, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sp.Sample(c, i)
	}
	b.ReportMetric(float64(3*b.N)/b.Elapsed().Seconds(), "spectra/s")
}
