package synth

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Wavelength is the X-ray wavelength of the diffraction patterns: Cu Kα1, Å.
const Wavelength = 1.5406

// Config sets the size and realism of a generated dataset.
type Config struct {
	Seed              uint64
	SpeciesPerClass   int     // species per chemical class (7 classes)
	SamplesPerSpecies int     // specimens per species
	Noise             float64 // Gaussian noise, relative to the strongest peak
	Baseline          float64 // baseline amplitude, relative to the strongest peak
	Grids             map[spectro.Modality]spectro.Grid
}

// DefaultConfig is the embedded dataset: 7 classes × 8 species × 10 samples =
// 560 samples, each with a Raman, an infrared and an XRD spectrum.
func DefaultConfig() Config {
	return Config{Seed: 1, SpeciesPerClass: 8, SamplesPerSpecies: 10, Noise: 0.01, Baseline: 0.1}
}

func (c Config) grid(m spectro.Modality) spectro.Grid {
	if g, ok := c.Grids[m]; ok {
		return g
	}
	return spectro.DefaultGrid(m)
}

// Validate checks the configuration.
func (c Config) Validate() error {
	switch {
	case c.SpeciesPerClass < 1 || c.SpeciesPerClass > 1000:
		return fmt.Errorf("species per class must be 1–1000, got %d", c.SpeciesPerClass)
	case c.SamplesPerSpecies < 1 || c.SamplesPerSpecies > 10000:
		return fmt.Errorf("samples per species must be 1–10000, got %d", c.SamplesPerSpecies)
	case c.Noise < 0 || c.Noise > 1 || math.IsNaN(c.Noise):
		return fmt.Errorf("noise must be within [0, 1], got %g", c.Noise)
	case c.Baseline < 0 || c.Baseline > 10 || math.IsNaN(c.Baseline):
		return fmt.Errorf("baseline must be within [0, 10], got %g", c.Baseline)
	}
	for m, g := range c.Grids {
		if err := g.Validate(); err != nil {
			return fmt.Errorf("%s grid: %w", m, err)
		}
	}
	return nil
}

// AllSpecies returns the dataset's species, class by class.
func (c Config) AllSpecies() []*Species {
	var out []*Species
	for _, class := range Classes {
		for i := 0; i < c.SpeciesPerClass; i++ {
			out = append(out, NewSpecies(c.Seed, class, i))
		}
	}
	return out
}

// Generate makes the whole dataset as a collection of samples, each with one
// spectrum per modality and its ground-truth peak tables.
func Generate(c Config) (*collection.Collection, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	col := &collection.Collection{Dir: fmt.Sprintf("synthetic(seed=%d)", c.Seed)}
	for si, sp := range c.AllSpecies() {
		for j := 0; j < c.SamplesPerSpecies; j++ {
			col.Samples = append(col.Samples, sp.Sample(c, si*c.SamplesPerSpecies+j))
		}
	}
	return col, nil
}

// Sample makes specimen number id of the species.
func (sp *Species) Sample(c Config, id int) *collection.Sample {
	rng := rand.New(rand.NewPCG(sp.seed^c.Seed, uint64(id)+1))
	key := fmt.Sprintf("S%06d", id)
	s := &collection.Sample{
		Key: key, Mineral: sp.Name, Chemistry: sp.Chemistry, Class: sp.Class,
		Spectra: map[spectro.Modality][]*spectro.Spectrum{},
		Peaks:   map[spectro.Modality]spectro.PeakTable{},
	}
	// Solid solution: one bond-length change moves the lattice and the force constants together.
	bond := 1 + 0.004*rng.NormFloat64()
	freqScale := math.Pow(bond, -1.5)
	widthScale := clamp(1+0.1*rng.NormFloat64(), 0.7, 1.4)

	var raman, ir spectro.PeakTable
	for _, m := range sp.Modes {
		f := m.Freq * freqScale
		if m.Raman > 0 {
			orient := math.Exp(0.25 * rng.NormFloat64()) // crystal orientation to the laser
			raman = append(raman, spectro.Peak{Center: f, FWHM: m.WidthR * widthScale, Height: m.Raman * orient, Eta: 0.7 + 0.2*rng.Float64()})
		}
		if m.IR > 0 {
			ir = append(ir, spectro.Peak{Center: f, FWHM: m.WidthI * widthScale, Height: m.IR * math.Exp(0.1*rng.NormFloat64()), Eta: 0.1 + 0.2*rng.Float64()})
		}
	}
	xrd := sp.pattern(rng, bond)
	for mi, mod := range []struct {
		m     spectro.Modality
		peaks spectro.PeakTable
	}{{spectro.Raman, raman}, {spectro.Infrared, ir}, {spectro.XRD, xrd}} {
		g := c.grid(mod.m)
		truth := inRange(mod.peaks, g)
		spec := render(rng, c, mod.m, g, truth)
		spec.Meta = spectro.Metadata{
			Mineral: sp.Name, RRUFFID: fmt.Sprintf("%s-%d", key, mi+1), Chemistry: sp.Chemistry,
			Extra: map[string]string{"class": string(sp.Class), "synthetic": "true", "seed": strconv.FormatUint(c.Seed, 10)},
		}
		s.Spectra[mod.m] = []*spectro.Spectrum{spec}
		s.Peaks[mod.m] = truth
	}
	return s
}

// pattern computes the sample's diffraction peaks: Bragg's law on the
// (bond-scaled) cell, multiplicity × |F|² × Debye–Waller × Lorentz-polarisation
// × preferred orientation, Caglioti widths.
func (sp *Species) pattern(rng *rand.Rand, bond float64) spectro.PeakTable {
	srng := rand.New(rand.NewPCG(sp.seed, 77)) // instrument/specimen constants of the species
	U, V, W := 0.004+0.01*srng.Float64(), -0.002*srng.Float64(), 0.003+0.004*srng.Float64()
	B := 0.5 + 1.5*srng.Float64() // Debye–Waller B, Å²
	size := clamp(1+0.15*rng.NormFloat64(), 0.6, 1.6)
	var t spectro.PeakTable
	for _, r := range sp.reflections {
		d := 1 / math.Sqrt(invD2(sp.Cell, r.h, r.k, r.l)) * bond
		sinT := Wavelength / (2 * d)
		if sinT >= 1 {
			continue
		}
		theta := math.Asin(sinT)
		twoTheta := 2 * theta * 180 / math.Pi
		s := sinT / Wavelength
		lp := (1 + math.Cos(2*theta)*math.Cos(2*theta)) / (sinT * sinT * math.Cos(theta))
		po := math.Exp(0.15 * rng.NormFloat64()) // preferred orientation
		h := float64(r.mult) * r.f2 * math.Exp(-2*B*s*s) * lp * po
		tan := math.Tan(theta)
		fwhm := math.Sqrt(math.Max(U*tan*tan+V*tan+W, 1e-4)) * size
		t = append(t, spectro.Peak{Center: twoTheta, FWHM: fwhm, Height: h, Eta: 0.5})
	}
	// Keep the reflections that matter: the 120 strongest above 0.2% of the strongest.
	sort.Slice(t, func(i, j int) bool { return t[i].Height > t[j].Height })
	cut := 0
	for cut < len(t) && cut < 120 && t[cut].Height > 0.002*t[0].Height {
		cut++
	}
	t = t[:cut]
	t.SortByCenter()
	return t
}

// inRange keeps the peaks inside the grid and scales heights so the strongest is 1.
func inRange(t spectro.PeakTable, g spectro.Grid) spectro.PeakTable {
	var out spectro.PeakTable
	maxH := 0.0
	for _, p := range t {
		if p.Center >= g.Start && p.Center <= g.Stop {
			out = append(out, p)
			maxH = math.Max(maxH, p.Height)
		}
	}
	for i := range out {
		out[i].Height /= maxH
	}
	out.SortByCenter()
	return out
}

// render draws the peaks on the grid with a smooth baseline and noise.
func render(rng *rand.Rand, c Config, m spectro.Modality, g spectro.Grid, truth spectro.PeakTable) *spectro.Spectrum {
	xs := g.Points()
	ys := truth.Render(xs)
	span := g.Stop - g.Start
	a, b := c.Baseline*rng.Float64(), c.Baseline*rng.Float64()
	for i, x := range xs {
		u := (x - g.Start) / span // 0..1 across the grid
		var base float64
		switch m {
		case spectro.Raman: // fluorescence: a broad rising or falling background
			base = a*math.Exp(-2*u) + b*u*u
		case spectro.Infrared: // scattering slope and a broad offset
			base = a*(1-u) + 0.3*b
		case spectro.XRD: // air scatter at low angle and an amorphous hump
			base = a*math.Exp(-6*u) + b*0.5*math.Exp(-math.Pow((u-0.25)/0.15, 2))
		}
		noise := c.Noise * rng.NormFloat64()
		if m == spectro.XRD { // counting statistics: noise grows with the signal
			noise *= math.Sqrt(ys[i] + 0.05)
		}
		ys[i] += base + noise
	}
	return &spectro.Spectrum{Modality: m, X: xs, Y: ys}
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// Write saves a generated collection as files in the layout LoadDir reads:
// <dir>/<modality>/<Species>__<Key>-<n>__<Modality>__Synthetic.csv, the ground
// truth as <dir>/peaks/<Key>.json, and the species descriptions as
// <dir>/species.json. Every file is written atomically.
func Write(col *collection.Collection, dir string, species []*Species) error {
	for _, s := range col.Samples {
		for m, list := range s.Spectra {
			for _, sp := range list {
				name := fmt.Sprintf("%s__%s__%s__Synthetic.csv", s.Mineral, sp.Meta.RRUFFID, titleCase(string(m)))
				if err := formats.WriteFile(filepath.Join(dir, string(m), name), sp); err != nil {
					return err
				}
			}
		}
		truth, err := json.MarshalIndent(s.Peaks, "", " ")
		if err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dir, "peaks", s.Key+".json"), truth); err != nil {
			return err
		}
	}
	if species != nil {
		js, err := json.MarshalIndent(species, "", " ")
		if err != nil {
			return err
		}
		return atomicfile.Write(filepath.Join(dir, "species.json"), js)
	}
	return nil
}

// ReadTruth loads the ground-truth peak tables Write saved, keyed by sample key.
func ReadTruth(dir string) (map[string]map[spectro.Modality]spectro.PeakTable, error) {
	files, err := filepath.Glob(filepath.Join(dir, "peaks", "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]map[spectro.Modality]spectro.PeakTable{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var t map[spectro.Modality]spectro.PeakTable
		if err := json.Unmarshal(data, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		key := filepath.Base(f)
		out[key[:len(key)-len(".json")]] = t
	}
	return out, nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
