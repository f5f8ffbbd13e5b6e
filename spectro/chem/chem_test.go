package chem

import (
	"path/filepath"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/internal/shareddata"
)

// Formulas as RRUFF writes them (taken from its infrared files), with the class
// a mineralogist gives them.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		mineral, chem string
		want          Class
	}{
		{"Calcite", "CaCO_3_", Carbonate},
		{"Nahcolite", "NaHCO_3_", Carbonate},
		{"Albite", "NaAlSi_3_O_8_", Silicate},
		{"Chrysotile", "Mg_3_Si_2_O_5_(OH)_4_", Silicate},
		{"Schorl (tourmaline)", "[box](Fe^2+^_2_Al)Al_6_(Si_6_O_18_)(BO_3_)_3_(OH)_3_OH", Silicate},
		{"Colemanite-like", "CaB_3_O_3_(OH)_5_&#183;H_2_O", Borate},
		{"Adamite", "Zn^2+^_2_As^5+^O_4_(OH)", Phosphate},
		{"Struvite", "(N^3-^H_4_)MgPO_4_&#183;6H_2_O", Phosphate},
		{"Pascoite-like", "CaV^4+^_2_V^5+^_2_O_10_&#183;5H_2_O", Phosphate},
		{"Alunogen", "Al_2_(S^6+^O_4_)_3_&#183;17H_2_O", Sulfate},
		{"Sulphohalite", "Na_6_(S^6+^O_4_)_2_ClF", Sulfate},
		{"Wulfenite", "Pb^2+^Mo^6+^O_4_", Oxysalt},
		{"Scheelite", "CaWO_4_", Oxysalt},
		{"Nitratine", "NaNO_3_", Oxysalt},
		{"Fluorite", "CaF_2_", Halide},
		{"Atacamite", "Cu^2+^_2_Cl(OH)_3_", Halide},
		{"Gearksutite-like", "CaAl_2_F_4_(OH)_4_", Halide},
		{"Chrysoberyl", "BeAl_2_O_4_", Oxide},
		{"Magnetoplumbite", "Pb^2+^Fe^3+^_12_O_19_", Oxide},
		{"Brucite", "Mg(OH)_2_", Oxide},
		{"Pyrochlore-like", "(Y^3+^,Ca,Ce^3+^,U^4+^,Th^4+^)(Nb^5+^,Ta^5+^,Ti^4+^)_2_O_6_", Oxide},
		{"Alabandite", "Mn^2+^S^2-^", Sulfide},
		{"Molybdenite", "Mo^4+^S^2-^_2_", Sulfide},
		{"Miargyrite", "Ag^1+^Sb^3+^S^2-^_2_", Sulfide},
		{"Stibarsen", "SbAs", Sulfide},
		{"Whewellite", "Ca(C_2_)^6+^O_4_&#183;H_2_O", Other},
		{"Graphite", "C", Other},
	} {
		if got := Classify(tc.chem); got != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.mineral, tc.chem, got, tc.want)
		}
	}
}

// Every formula in the real IR files gets a class, and the classes are spread
// the way the mineral kingdom is (silicates the largest group).
func TestClassifyRealFormulas(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(shareddata.Dir(t), "rruff-infrared", "*.txt"))
	counts := map[Class]int{}
	for _, f := range files {
		s, err := formats.ReadFile(f, formats.Options{})
		if err != nil {
			t.Fatal(err)
		}
		counts[Classify(s.Meta.Chemistry)]++
	}
	t.Logf("classes of %d RRUFF IR spectra: %v", len(files), counts)
	if counts[Silicate] < counts[Carbonate] || counts[Silicate] < len(files)/4 {
		t.Errorf("silicates should dominate: %v", counts)
	}
	if counts[Other] > len(files)/20 {
		t.Errorf("too many unclassified formulas: %v", counts)
	}
	for _, c := range []Class{Borate, Carbonate, Sulfate, Phosphate, Oxysalt, Halide, Oxide, Sulfide} {
		if counts[c] == 0 {
			t.Errorf("no %s among %d real formulas", c, len(files))
		}
	}
}
