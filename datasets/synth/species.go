package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro/chem"
)

// Classes are the chemical classes the generator makes, in a fixed order.
var Classes = []chem.Class{chem.Carbonate, chem.Sulfate, chem.Phosphate, chem.Silicate, chem.Borate, chem.Oxide, chem.Sulfide}

// Mode is one vibrational mode of a species.
type Mode struct {
	Name   string  // e.g. "ν3a", "lattice 2", "OH stretch"
	Freq   float64 // cm⁻¹
	Raman  float64 // Raman activity (relative height), 0 if inactive
	IR     float64 // infrared activity (relative height), 0 if inactive
	WidthR float64 // Raman FWHM, cm⁻¹
	WidthI float64 // infrared FWHM, cm⁻¹
}

// Species is a synthetic mineral species.
type Species struct {
	Name      string
	Class     chem.Class
	Cation    string
	Chemistry string // in RRUFF markup, so chem.Classify recovers Class
	Centro    bool   // centrosymmetric: Raman/IR mutual exclusion
	Hydration string // "", "OH" or "H2O"
	System    string // cubic, tetragonal, hexagonal, orthorhombic, monoclinic
	Centering byte   // P, I, F or C
	Cell      [6]float64
	BondScale float64 // relative bond length (1 = typical); sets cell size and frequencies
	Modes     []Mode
	// reflections: hkl families of the reference cell, with structure-factor weights.
	reflections []reflection
	seed        uint64
}

type reflection struct {
	h, k, l int
	mult    int
	f2      float64 // |F|² model value before Debye–Waller
}

// anion internal modes: free-ion frequency, parity class, degeneracy, Raman and
// IR strengths (non-centrosymmetric case), Raman and IR widths.
type internalMode struct {
	name           string
	freq           float64
	degenerate     int // 1, 2 or 3: split into this many components at low site symmetry
	raman, ir      float64
	widthR, widthI float64
	gerade         bool // in a centrosymmetric crystal: Raman-active (g) or IR-active (u)
}

// internalModes per class: textbook positions (Nakamoto; Farmer, "The Infrared
// Spectra of Minerals").
var internalModes = map[chem.Class][]internalMode{
	chem.Carbonate: {
		{"ν1", 1085, 1, 1.0, 0.05, 3, 12, true}, {"ν2", 870, 1, 0.02, 0.6, 4, 10, false},
		{"ν3", 1430, 2, 0.08, 1.0, 8, 60, false}, {"ν4", 712, 2, 0.25, 0.35, 4, 8, true},
	},
	chem.Sulfate: {
		{"ν1", 1005, 1, 1.0, 0.08, 4, 10, true}, {"ν2", 455, 2, 0.35, 0.05, 6, 15, true},
		{"ν3", 1120, 3, 0.15, 1.0, 8, 55, false}, {"ν4", 620, 3, 0.25, 0.55, 6, 15, false},
	},
	chem.Phosphate: {
		{"ν1", 955, 1, 1.0, 0.1, 5, 15, true}, {"ν2", 440, 2, 0.3, 0.05, 8, 15, true},
		{"ν3", 1050, 3, 0.2, 1.0, 10, 60, false}, {"ν4", 580, 3, 0.2, 0.6, 8, 20, false},
	},
	chem.Silicate: {
		{"Si–O–Si bend", 470, 1, 1.0, 0.35, 8, 30, true}, {"ν1 Si–O", 860, 1, 0.6, 0.2, 8, 30, true},
		{"ν3 Si–O", 1000, 3, 0.25, 1.0, 12, 80, false}, {"Si–O–Si stretch", 720, 2, 0.25, 0.3, 10, 30, false},
		{"ν4 O–Si–O", 540, 2, 0.2, 0.5, 8, 25, false},
	},
	chem.Borate: {
		{"ν1", 930, 1, 1.0, 0.1, 5, 15, true}, {"ν2", 760, 1, 0.05, 0.5, 6, 15, false},
		{"ν3", 1280, 2, 0.2, 1.0, 12, 70, false}, {"ν4", 610, 2, 0.3, 0.3, 6, 15, true},
	},
	chem.Oxide: {
		{"M–O stretch", 620, 2, 1.0, 1.0, 15, 70, true}, {"M–O bend", 480, 2, 0.6, 0.7, 12, 60, false},
		{"M–O deformation", 330, 1, 0.5, 0.1, 10, 30, true},
	},
	chem.Sulfide: {
		{"M–S stretch", 340, 2, 1.0, 0.1, 8, 20, true}, {"S–S stretch", 430, 1, 0.6, 0.05, 6, 20, true},
		{"M–S bend", 260, 2, 0.5, 0.05, 8, 20, false},
	},
}

// cation: symbol and mass (u).
type cation struct {
	symbol string
	mass   float64
}

var cations = []cation{{"Mg", 24.3}, {"Ca", 40.1}, {"Mn", 54.9}, {"Fe", 55.8}, {"Zn", 65.4}, {"Sr", 87.6}, {"Ba", 137.3}, {"Pb", 207.2}}

// formula templates per class in RRUFF markup; %s is the cation.
var formulas = map[chem.Class]string{
	chem.Carbonate: "%sCO_3_", chem.Sulfate: "%sS^6+^O_4_", chem.Phosphate: "%s_3_(PO_4_)_2_",
	chem.Silicate: "%s_2_SiO_4_", chem.Borate: "%s_3_(BO_3_)_2_", chem.Oxide: "%sO", chem.Sulfide: "%sS^2-^",
}

var systems = []string{"cubic", "tetragonal", "hexagonal", "orthorhombic", "monoclinic"}

// NewSpecies makes the index-th species of a class, deterministically from seed.
func NewSpecies(seed uint64, class chem.Class, index int) *Species {
	sseed := seed*1_000_003 + uint64(index)*7919 + uint64(classIndex(class))*104_729
	rng := rand.New(rand.NewPCG(sseed, 0x5eed))
	cat := cations[rng.IntN(len(cations))]
	sp := &Species{
		Class:     class,
		Cation:    cat.symbol,
		Centro:    rng.Float64() < 0.4,
		BondScale: 0.98 + 0.04*rng.Float64(),
		System:    systems[rng.IntN(len(systems))],
		seed:      sseed,
	}
	sp.Name = fmt.Sprintf("%s%s%02d", cat.symbol, titleCase(string(class)), index)
	switch r := rng.Float64(); {
	case class == chem.Sulfide:
	case r < 0.25:
		sp.Hydration = "OH"
	case r < 0.5:
		sp.Hydration = "H2O"
	}
	sp.Chemistry = fmt.Sprintf(formulas[class], cat.symbol)
	switch sp.Hydration {
	case "OH":
		sp.Chemistry += "(OH)"
	case "H2O":
		sp.Chemistry += "&#183;2H_2_O"
	}
	sp.Modes = vibrationalModes(rng, sp, cat.mass)
	sp.Cell, sp.Centering = lattice(rng, sp)
	sp.reflections = reflections(rng, sp)
	return sp
}

func classIndex(c chem.Class) int {
	for i, k := range Classes {
		if k == c {
			return i
		}
	}
	return len(Classes)
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// vibrationalModes builds the mode list: internal modes (split, shifted by bond
// strength and cation), lattice modes ∝ √(k/μ), and water/hydroxyl bands.
func vibrationalModes(rng *rand.Rand, sp *Species, cationMass float64) []Mode {
	var modes []Mode
	// Badger's rule: force constant ∝ r⁻³, frequency ∝ r^(-3/2).
	badger := math.Pow(sp.BondScale, -1.5)
	cationShift := 1 - 0.015*(math.Log(cationMass/55)) // heavier cation, slightly softer anion modes
	for _, im := range internalModes[sp.Class] {
		n := 1
		if im.degenerate > 1 && rng.Float64() < 0.7 { // low site symmetry lifts the degeneracy
			n = im.degenerate
		}
		spread := im.freq * (0.01 + 0.025*rng.Float64())
		for c := 0; c < n; c++ {
			off := 0.0
			if n > 1 {
				off = spread * (float64(c)/float64(n-1) - 0.5)
			}
			m := Mode{
				Name:   im.name,
				Freq:   im.freq*badger*cationShift*(1+0.01*rng.NormFloat64()) + off,
				Raman:  im.raman * (0.6 + 0.8*rng.Float64()),
				IR:     im.ir * (0.6 + 0.8*rng.Float64()),
				WidthR: im.widthR * (0.7 + 0.6*rng.Float64()),
				WidthI: im.widthI * (0.7 + 0.6*rng.Float64()),
			}
			if n > 1 {
				m.Name = fmt.Sprintf("%s%c", im.name, 'a'+c)
			}
			applySelectionRules(sp.Centro, im.gerade, &m)
			modes = append(modes, m)
		}
	}
	// Lattice modes: translations/librations of cation against anion group.
	nLattice := 3 + rng.IntN(4)
	for j := 0; j < nLattice; j++ {
		k := 0.5 + 1.5*rng.Float64() // relative lattice force constant
		freq := 95 + 260*math.Sqrt(k/(cationMass/40))*badger*(0.5+0.5*float64(j+1)/float64(nLattice))
		if freq > 420 {
			freq = 420 - 30*rng.Float64()
		}
		m := Mode{Name: fmt.Sprintf("lattice %d", j+1), Freq: freq,
			Raman: 0.15 + 0.5*rng.Float64(), IR: 0.2 + 0.4*rng.Float64(),
			WidthR: 4 + 6*rng.Float64(), WidthI: 15 + 15*rng.Float64()}
		applySelectionRules(sp.Centro, j%2 == 0, &m)
		modes = append(modes, m)
	}
	switch sp.Hydration {
	case "OH":
		f := 3480 + 160*rng.Float64()
		modes = append(modes, Mode{Name: "OH stretch", Freq: f, Raman: 0.1, IR: 0.5 + 0.3*rng.Float64(), WidthR: 15, WidthI: 30 + 30*rng.Float64()},
			Mode{Name: "M–OH bend", Freq: 950 + 150*rng.Float64(), Raman: 0.02, IR: 0.25, WidthR: 15, WidthI: 40})
	case "H2O":
		modes = append(modes, Mode{Name: "H2O stretch", Freq: 3250 + 200*rng.Float64(), Raman: 0.05, IR: 0.55 + 0.3*rng.Float64(), WidthR: 150, WidthI: 220 + 100*rng.Float64()},
			Mode{Name: "H2O bend", Freq: 1620 + 30*rng.Float64(), Raman: 0.02, IR: 0.3 + 0.2*rng.Float64(), WidthR: 30, WidthI: 45})
	}
	for i := range modes { // O–H bands: IR-active (ungerade) in a centrosymmetric crystal
		if n := modes[i].Name; n == "OH stretch" || n == "M–OH bend" || n == "H2O stretch" || n == "H2O bend" {
			applySelectionRules(sp.Centro, false, &modes[i])
		}
	}
	sort.Slice(modes, func(i, j int) bool { return modes[i].Freq < modes[j].Freq })
	return modes
}

// applySelectionRules: with an inversion centre a mode is either gerade (Raman
// only) or ungerade (IR only); without one both techniques see it.
func applySelectionRules(centro, gerade bool, m *Mode) {
	if !centro {
		return
	}
	if gerade {
		m.IR = 0
	} else {
		m.Raman = 0
	}
}

// lattice picks cell parameters for the crystal system, scaled by the bond
// length, and a lattice centring.
func lattice(rng *rand.Rand, sp *Species) ([6]float64, byte) {
	base := 4.5 + 5*rng.Float64()
	if sp.Class == chem.Silicate || sp.Class == chem.Phosphate {
		base += 2 // larger, more complex cells
	}
	a := base * sp.BondScale
	cell := [6]float64{a, a, a, 90, 90, 90}
	switch sp.System {
	case "tetragonal":
		cell[2] = a * (0.6 + 0.9*rng.Float64())
	case "hexagonal":
		cell[2] = a * (0.8 + 1.8*rng.Float64())
		cell[5] = 120
	case "orthorhombic":
		cell[1] = a * (0.7 + 0.6*rng.Float64())
		cell[2] = a * (0.6 + 0.9*rng.Float64())
	case "monoclinic":
		cell[1] = a * (0.7 + 0.6*rng.Float64())
		cell[2] = a * (0.6 + 0.9*rng.Float64())
		cell[4] = 95 + 20*rng.Float64()
	}
	centerings := []byte{'P', 'P', 'I', 'C'}
	if sp.System == "cubic" {
		centerings = []byte{'P', 'I', 'F'}
	}
	if sp.System == "hexagonal" {
		centerings = []byte{'P'}
	}
	return cell, centerings[rng.IntN(len(centerings))]
}

// invD2 is 1/d² of reflection hkl for the cell.
func invD2(cell [6]float64, h, k, l int) float64 {
	a, b, c := cell[0], cell[1], cell[2]
	H, K, L := float64(h), float64(k), float64(l)
	if cell[5] == 120 { // hexagonal
		return 4.0/3.0*(H*H+H*K+K*K)/(a*a) + L*L/(c*c)
	}
	beta := cell[4] * math.Pi / 180
	sb, cb := math.Sin(beta), math.Cos(beta)
	return (H*H/(a*a) + K*K*sb*sb/(b*b) + L*L/(c*c) - 2*H*L*cb/(a*c)) / (sb * sb)
}

func allowed(centering byte, h, k, l int) bool {
	switch centering {
	case 'I':
		return (h+k+l)%2 == 0
	case 'F':
		return (h%2+2)%2 == (k%2+2)%2 && (k%2+2)%2 == (l%2+2)%2
	case 'C':
		return (h+k)%2 == 0
	}
	return true
}

// reflections enumerates the allowed hkl of the reference cell up to 2θ = 95°,
// merges those with equal d (the multiplicity), and draws a structure-factor
// weight per family.
func reflections(rng *rand.Rand, sp *Species) []reflection {
	dmin := Wavelength / (2 * math.Sin(95.0/2*math.Pi/180)) * 0.97
	hmax := int(sp.Cell[0]/dmin) + 1
	kmax := int(sp.Cell[1]/dmin) + 1
	lmax := int(sp.Cell[2]/dmin) + 1
	type fam struct {
		inv  float64
		refl reflection
	}
	byD := map[int64]*fam{}
	for h := -hmax; h <= hmax; h++ {
		for k := -kmax; k <= kmax; k++ {
			for l := -lmax; l <= lmax; l++ {
				if h == 0 && k == 0 && l == 0 || !allowed(sp.Centering, h, k, l) {
					continue
				}
				inv := invD2(sp.Cell, h, k, l)
				if inv <= 0 || 1/math.Sqrt(inv) < dmin {
					continue
				}
				key := int64(math.Round(inv * 1e7))
				if f := byD[key]; f != nil {
					f.refl.mult++
					continue
				}
				byD[key] = &fam{inv, reflection{h: abs(h), k: abs(k), l: abs(l), mult: 1}}
			}
		}
	}
	fams := make([]*fam, 0, len(byD))
	for _, f := range byD {
		fams = append(fams, f)
	}
	sort.Slice(fams, func(i, j int) bool { return fams[i].inv < fams[j].inv })
	out := make([]reflection, 0, len(fams))
	for _, f := range fams {
		// |F|²: a few strong families, many weak ones (exponential distribution).
		f.refl.f2 = rng.ExpFloat64()
		out = append(out, f.refl)
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
