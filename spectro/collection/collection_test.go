package collection

import (
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
)

// Far-infrared files cover under a tenth of the mid-infrared grid: they are
// left out before pairing, so the sample's Raman spectra all pair with its
// mid-infrared file.
func TestPairsOnGridsLeavesOutFarInfrared(t *testing.T) {
	sp := func(m spectro.Modality, name string, lo, hi float64) *spectro.Spectrum {
		return &spectro.Spectrum{Modality: m, X: []float64{lo, hi}, Y: []float64{0, 1}, Meta: spectro.Metadata{Source: name}}
	}
	s := &Sample{Key: "R1", Spectra: map[spectro.Modality][]*spectro.Spectrum{
		spectro.Infrared: {sp(spectro.Infrared, "far", 50, 700), sp(spectro.Infrared, "mid", 400, 4000)},
		spectro.Raman:    {sp(spectro.Raman, "r1", 100, 1500), sp(spectro.Raman, "r2", 150, 1400), sp(spectro.Raman, "r3", 120, 1300)},
	}}
	c := &Collection{Samples: []*Sample{s}}
	pairs, left := c.PairsOnGrids(spectro.Infrared, spectro.Raman, spectro.DefaultGrid(spectro.Infrared), spectro.DefaultGrid(spectro.Raman))
	if len(pairs) != 3 || len(left) != 1 || left[0] != "far" {
		t.Fatalf("%d pairs, left %v; want 3 pairs and the far-infrared file left out", len(pairs), left)
	}
	for _, p := range pairs {
		if p.Source.Meta.Source != "mid" {
			t.Errorf("Raman %s paired with %s", p.Target.Meta.Source, p.Source.Meta.Source)
		}
	}
	if Covers(sp(spectro.Raman, "x", 0, 0), spectro.DefaultGrid(spectro.Raman), 0.5) {
		t.Error("a zero-width spectrum covers nothing")
	}
}

func TestLabelFrom(t *testing.T) {
	ref := &Collection{Samples: []*Sample{
		{Mineral: "Calcite", Chemistry: "CaCO_3_", Class: chem.Classify("CaCO_3_")},
		{Mineral: "Quartz", Chemistry: "SiO_2_", Class: chem.Classify("SiO_2_")},
		{Mineral: "Axinite-(Fe)", Chemistry: "Ca_2_Fe^2+^Al_2_BSi_4_O_15_(OH)", Class: chem.Classify("Ca_2_Fe^2+^Al_2_BSi_4_O_15_(OH)")},
	}}
	c := &Collection{Samples: []*Sample{{Mineral: "calcite"}, {Mineral: "Calcite"}, {Mineral: "Gypsum"}, {Mineral: "Quartz", Chemistry: "SiO2", Class: "oxide"}, {Mineral: "AxiniteFe"}}}
	n, unknown := c.LabelFrom(ref)
	if n != 3 || c.Samples[4].Class != chem.Silicate || len(unknown) != 1 || unknown[0] != "Gypsum" {
		t.Fatalf("labelled %d, unknown %v; want 3 and [Gypsum]", n, unknown)
	}
	if c.Samples[0].Class != chem.Carbonate || c.Samples[1].Chemistry != "CaCO_3_" {
		t.Errorf("calcite labelled %q %q", c.Samples[0].Class, c.Samples[1].Chemistry)
	}
	if c.Samples[3].Chemistry != "SiO2" || c.Samples[2].Class != "" {
		t.Error("samples with chemistry, or unknown, must be left alone")
	}
}
