// Package chem reads mineral formulas as RRUFF writes them in IDEAL CHEMISTRY
// ("CaCO_3_", "Fe^2+^_2_SiO_4_") and assigns the chemical class by anion group
// that classification tasks and per-class reports use.
package chem

import (
	"regexp"
	"strings"
)

// Class is a chemical class by anion group, as mineral classifications
// (Dana, Strunz) group minerals.
type Class string

// The classes, in the order Classify tests them (its precedence).
const (
	Silicate  Class = "silicate"  // Si–O frameworks, chains, sheets (also with B, C, S...)
	Borate    Class = "borate"    // B–O groups
	Carbonate Class = "carbonate" // CO₃ groups
	Sulfate   Class = "sulfate"   // SO₄ (and SO₃) groups: S with O, not S²⁻
	Phosphate Class = "phosphate" // PO₄, AsO₄ (As⁵⁺), VO₄ (V⁵⁺): phosphates, arsenates, vanadates
	Oxysalt   Class = "oxysalt"   // other oxyanions: nitrates, chromates, molybdates, tungstates, selenates/-ites, tellurates/-ites, iodates, arsenites, germanates
	Halide    Class = "halide"    // F, Cl, Br, I with no oxide oxygen (O only in OH or H₂O)
	Oxide     Class = "oxide"     // oxides and hydroxides
	Sulfide   Class = "sulfide"   // sulfides, sulfosalts, selenides, tellurides, arsenides, antimonides, bismuthides
	Other     Class = "other"     // native elements, organic minerals (oxalates), nitrides, carbides, ...
)

// Classes lists every class in precedence order.
var Classes = []Class{Silicate, Borate, Carbonate, Sulfate, Phosphate, Oxysalt, Halide, Oxide, Sulfide, Other}

// Title is the class's long name.
func (c Class) Title() string {
	switch c {
	case Phosphate:
		return "phosphate/arsenate/vanadate"
	case Oxysalt:
		return "other oxysalt"
	case Oxide:
		return "oxide/hydroxide"
	}
	return string(c)
}

var (
	elementRe  = regexp.MustCompile(`([A-Z][a-z]?)(\^[^^]*\^)?`)
	chargeRe   = regexp.MustCompile(`\^([0-9]*[+-])\^`)
	entityRe   = regexp.MustCompile(`&#?[A-Za-z0-9]+;|\[box\]`)
	waterRe    = regexp.MustCompile(`H\d*O`)
	hydroxylRe = regexp.MustCompile(`O(\d*)H`)
	oxygenRe   = regexp.MustCompile(`O(?:[^a-z]|$)`)
)

// elements are the symbols Classify recognises; other capitals ("REE", "[box]") are ignored.
var elements = func() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(`H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr
		Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi
		Po At Rn Fr Ra Ac Th Pa U Np Pu`) {
		m[e] = true
	}
	return m
}()

// Formula is what Classify reads from a formula: its elements and the charges
// written on them.
type Formula struct {
	Elements map[string][]string // element → charges written on it ("6+", "2-"), possibly none
	// FreeOxygen is true when some O is not part of an OH group or H₂O molecule.
	FreeOxygen bool
	// Oxalate is true for C₂O₄ groups (organic minerals).
	Oxalate bool
}

// ParseFormula reads RRUFF's IDEAL CHEMISTRY markup: "_2_" subscripts,
// "^2+^" charges, "&#183;" for the hydration dot, "[box]" vacancies.
func ParseFormula(chem string) Formula {
	f := Formula{Elements: map[string][]string{}}
	clean := entityRe.ReplaceAllString(chem, " ")
	for _, m := range elementRe.FindAllStringSubmatch(clean, -1) {
		el := m[1]
		if !elements[el] {
			continue
		}
		charges := f.Elements[el]
		if c := chargeRe.FindStringSubmatch(m[2]); c != nil {
			charges = append(charges, c[1])
		}
		f.Elements[el] = charges
	}
	// Oxygen bound as OH or H2O does not make a mineral an oxide.
	plain := chargeRe.ReplaceAllString(clean, "")
	plain = strings.ReplaceAll(plain, "_", "")
	noWater := waterRe.ReplaceAllString(plain, "")
	noHydroxyl := hydroxylRe.ReplaceAllString(noWater, "")
	f.FreeOxygen = oxygenRe.MatchString(noHydroxyl)
	f.Oxalate = strings.Contains(plain, "C2O4") || strings.Contains(plain, "(C2)")
	return f
}

func (f Formula) has(el string) bool { _, ok := f.Elements[el]; return ok }

// charged reports whether el carries one of the charges, or no charge at all
// when bare is true.
func (f Formula) charged(el string, bare bool, charges ...string) bool {
	cs, ok := f.Elements[el]
	if !ok {
		return false
	}
	if len(cs) == 0 {
		return bare
	}
	for _, c := range cs {
		for _, want := range charges {
			if c == want {
				return true
			}
		}
	}
	return false
}

// Classify returns the chemical class of a RRUFF IDEAL CHEMISTRY formula. The
// first rule that matches wins, in the order of Classes:
//
//  1. silicate: Si and O
//  2. borate: B and O
//  3. carbonate: C and O, unless an oxalate (C₂O₄ → other)
//  4. sulfate: S and O, S not written as S²⁻ only
//  5. phosphate: O with P, As⁵⁺ (or uncharged As) or V⁵⁺
//  6. oxysalt: O with N⁵⁺/N, Cr⁶⁺/Cr, Mo⁶⁺/Mo, W⁶⁺/W, Se, Te, I⁵⁺, As³⁺ or Ge
//  7. halide: F, Cl, Br or I, with O only in OH or H₂O (or none)
//  8. oxide: any other O (oxides and hydroxides)
//  9. sulfide: S, Se, Te, As, Sb or Bi without O
//  10. other: the rest (native elements, oxalates, ...)
func Classify(chem string) Class {
	f := ParseFormula(chem)
	o := f.has("O")
	switch {
	case f.has("Si") && o:
		return Silicate
	case f.has("B") && o:
		return Borate
	case f.has("C") && o && f.Oxalate:
		return Other
	case f.has("C") && o:
		return Carbonate
	case f.has("S") && o && f.charged("S", true, "6+", "4+"):
		return Sulfate
	case o && (f.has("P") || f.charged("As", true, "5+") || f.charged("V", false, "5+")):
		return Phosphate
	case o && (f.charged("N", true, "5+", "3+") || f.charged("Cr", true, "6+") || f.charged("Mo", true, "6+") ||
		f.charged("W", true, "6+") || f.has("Se") || f.has("Te") || f.charged("I", false, "5+", "7+") ||
		f.charged("As", false, "3+") || f.has("Ge")):
		return Oxysalt
	case (f.has("F") || f.has("Cl") || f.has("Br") || f.has("I")) && !f.FreeOxygen:
		return Halide
	case o:
		return Oxide
	case f.has("S") || f.has("Se") || f.has("Te") || f.has("As") || f.has("Sb") || f.has("Bi"):
		return Sulfide
	}
	return Other
}
