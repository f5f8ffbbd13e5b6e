package samples

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDirPairsByStemAndReportsUnpaired(t *testing.T) {
	dir := t.TempDir()
	rows := "100,1\n200,2\n300,1\n"
	write(t, filepath.Join(dir, "infrared", "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt"), "##NAMES=Calcite\n##IDEAL CHEMISTRY=CaCO_3_\n"+rows)
	write(t, filepath.Join(dir, "raman", "Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt"), rows)
	write(t, filepath.Join(dir, "raman", "Calcite__R050127-3__Raman__514__90__ccw__Raman_Data_Processed__5638.txt"), rows)
	write(t, filepath.Join(dir, "Albite__R040068-1__Infrared__Infrared_Data_Processed__199.txt"), rows) // token in name, no folder
	write(t, filepath.Join(dir, "raman", "broken__R099999-1__Raman__x.txt"), "100,abc\n")
	write(t, filepath.Join(dir, "notes.doc"), "hello")
	write(t, filepath.Join(dir, "peaks", "R050127.json"), "{}") // a side file: passed over silently
	c, err := LoadDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 2 || c.Samples[1].Key != "R050127" || c.Samples[1].Class != chem.Carbonate {
		t.Fatalf("samples: %+v", c.Samples)
	}
	pairs := c.Pairs(spectro.Infrared, spectro.Raman)
	if len(pairs) != 2 || pairs[0].Source != pairs[1].Source || pairs[0].Target == pairs[1].Target {
		t.Errorf("pairs: %d", len(pairs))
	}
	if u := c.Unpaired(spectro.Infrared, spectro.Raman); len(u) != 1 || !strings.Contains(u[0], "Albite") {
		t.Errorf("unpaired: %v", u)
	}
	if len(c.Errors) != 1 || !strings.Contains(c.Errors[0].Err.Error(), "broken__R099999-1__Raman__x.txt:1") || len(c.Skipped) != 1 {
		t.Errorf("errors %v, skipped %v", c.Errors, c.Skipped)
	}
	sum := c.Summary()
	if !strings.Contains(sum, "2 pairs from 1 samples; 1 files unpaired") || !strings.Contains(sum, "1 files could not be read") {
		t.Errorf("summary:\n%s", sum)
	}
	if _, err := LoadDir(filepath.Join(dir, "nope"), Options{}); err == nil {
		t.Error("missing folder should be an error")
	}
	empty := t.TempDir()
	if _, err := LoadDir(empty, Options{}); err == nil || !strings.Contains(err.Error(), "no spectrum files") {
		t.Errorf("empty folder: %v", err)
	}
}

// A data folder made of links to the folders that hold the files loads as if
// they were copied in, and a link cycle does not loop.
func TestLoadDirFollowsLinkedFolders(t *testing.T) {
	store := t.TempDir()
	rows := "100,1\n200,2\n300,1\n"
	write(t, filepath.Join(store, "ir-download", "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt"), rows)
	write(t, filepath.Join(store, "raman-download", "Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt"), rows)
	data := t.TempDir()
	for link, target := range map[string]string{"infrared": "ir-download", "raman": "raman-download"} {
		if err := os.Symlink(filepath.Join(store, target), filepath.Join(data, link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	os.Symlink(data, filepath.Join(data, "raman", "loop")) // a cycle back to the top
	c, err := LoadDir(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Pairs(spectro.Infrared, spectro.Raman)); n != 1 {
		t.Fatalf("%d pairs through the links, want 1:\n%s", n, c.Summary())
	}
	if src := c.Samples[0].Spectra[spectro.Raman][0].Meta.Source; !strings.HasPrefix(src, filepath.Join(data, "raman")) {
		t.Errorf("file named %s, want its path through the link", src)
	}
}

// The real IR/Raman pairs: 80 + 80 files of 72 samples (35 species) pair up completely.
func TestRealPairs(t *testing.T) {
	c, err := LoadDir(filepath.Join(shareddata.Dir(t), "rruff-ir-raman-pairs"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	pairs := c.Pairs(spectro.Infrared, spectro.Raman)
	if len(c.Samples) != 72 || len(pairs) != 80 || len(c.Errors) != 0 || len(c.Unpaired(spectro.Infrared, spectro.Raman)) != 0 {
		t.Errorf("%d samples, %d pairs, %d errors\n%s", len(c.Samples), len(pairs), len(c.Errors), c.Summary())
	}
	if n := len(c.Species()); n != 35 {
		t.Errorf("%d species, want 35", n)
	}
	for _, p := range pairs {
		if p.Source.Modality != spectro.Infrared || p.Target.Modality != spectro.Raman || p.Source.Meta.Mineral != p.Target.Meta.Mineral {
			t.Errorf("bad pair %s / %s", p.Source.Meta.Source, p.Target.Meta.Source)
		}
	}
}

// A DIF line list pairs with the sample's other files as a rendered pattern
// (Cu Kα from d, the protocol's profile); a DIF without reflections in range
// is reported, not paired; a measured pattern of another anode lands on the
// Cu Kα axis.
func TestLoadDirPairsXRD(t *testing.T) {
	dir := t.TempDir()
	ir := "##NAMES=Calcite\n##IDEAL CHEMISTRY=CaCO_3_\n400,1\n2000,2\n4000,1\n"
	write(t, filepath.Join(dir, "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt"), ir)
	write(t, filepath.Join(dir, "Calcite__R050127-1__Powder__DIF_File__9.txt"), "      Calcite\n      X-RAY WAVELENGTH:     1.541838\n"+
		"               2-THETA      INTENSITY    D-SPACING   H   K   L\n                29.41       100.00         3.0349    1   0   4\n"+
		"                35.97        13.67         2.4947    1   1   0\n                35.97        13.67         2.4947    1   1   0\n")
	write(t, filepath.Join(dir, "Albite__R040068-1__Powder__DIF_File__10.txt"), "      Albite\n               2-THETA      INTENSITY    D-SPACING   H   K   L\n"+
		"                 2.00        100.00        44.1800    0   0   1\n")
	write(t, filepath.Join(dir, "Dolomite__R050241-1__Infrared__Infrared_Data_Processed__933.txt"), "##NAMES=Dolomite\n400,1\n2000,2\n4000,1\n")
	write(t, filepath.Join(dir, "xrd", "Dolomite_R050241_CoKa_portable.plv"), "inXitu Terra XRD/XRF. PLV file format Ver. 3.0\nSample= Dolomite_R050241\nK-Alpha 1= 1.78897\nData\n10 1\n36.08 100\n50 1\n")
	c, err := LoadDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pairs := c.Pairs(spectro.Infrared, spectro.XRD)
	if len(pairs) != 2 {
		t.Fatalf("%d infrared/XRD pairs, want 2\n%s", len(pairs), c.Summary())
	}
	for _, p := range pairs {
		tgt := p.Target
		top := floats.MaxIdx(tgt.Y)
		switch p.Sample.Key {
		case "R050127": // 29.431° from d = 3.0349 Å, not the file's 29.41°
			if lo, hi := tgt.Range(); lo != 5 || hi != 90 || math.Abs(tgt.X[top]-29.431) > 0.006 || len(p.Sample.Peaks[spectro.XRD]) != 2 {
				t.Errorf("calcite pattern %g–%g, line at %.3f, %d lines", lo, hi, tgt.X[top], len(p.Sample.Peaks[spectro.XRD]))
			}
		case "R050241": // the Co Kα 36.08° line is the Cu Kα 30.96° one
			if math.Abs(tgt.X[top]-30.96) > 0.01 {
				t.Errorf("dolomite's line at %.3f° (Cu Kα), want 30.96", tgt.X[top])
			}
		default:
			t.Errorf("unexpected pair of %s", p.Sample.Key)
		}
	}
	if len(c.Errors) != 1 || !strings.Contains(c.Errors[0].Err.Error(), "Albite__R040068-1__Powder__DIF_File__10.txt") || !strings.Contains(c.Errors[0].Err.Error(), "no reflection between") {
		t.Errorf("errors: %v", c.Errors)
	}
}

// The real triplets: RRUFF's infrared, Raman and powder DIF files of the
// same samples pair in all three directions.
func TestRealXRDTriplets(t *testing.T) {
	root := shareddata.Dir(t)
	c, err := Load(strings.Join([]string{filepath.Join(root, "rruff-infrared"), filepath.Join(root, "rruff-raman"), filepath.Join(root, "rruff-powder")}, ","), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix, rx := c.Pairs(spectro.Infrared, spectro.XRD), c.Pairs(spectro.Raman, spectro.XRD)
	samples := map[string]bool{}
	for _, p := range rx {
		samples[p.Sample.Key] = true
	}
	if len(ix) < 131 || len(samples) != 113 || len(c.Errors) != 0 {
		t.Errorf("%d infrared/XRD pairs, Raman/XRD pairs from %d samples (want 113), errors %v", len(ix), len(samples), c.Errors)
	}
}

// AMCSD's computed patterns are reference samples: no pairs of their own,
// paired by species with measured samples that lack a pattern.
func TestReferenceSamples(t *testing.T) {
	dir := t.TempDir()
	ir := "##NAMES=Calcite\n##IDEAL CHEMISTRY=CaCO_3_\n400,1\n2000,2\n4000,1\n"
	write(t, filepath.Join(dir, "data", "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt"), ir)
	write(t, filepath.Join(dir, "data", "Quartz__R040031-1__Infrared__Infrared_Data_Processed__348.txt"), strings.Replace(ir, "Calcite", "Quartz", 1))
	entry := func(name, code string) string {
		return "      " + name + "\n      _database_code_amcsd " + code + "\n" +
			"               2-THETA      INTENSITY    D-SPACING   H   K   L   Multiplicity\n" +
			"                29.42       100.00        3.0357    1   0   4         6\n_END_\n"
	}
	write(t, filepath.Join(dir, "amcsd", "amcsd_test.txt"), entry("Calcite", "0000098")+entry("Aragonite", "0000233"))
	data, err := LoadDir(filepath.Join(dir, "data"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := LoadDir(filepath.Join(dir, "amcsd"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs.Samples) != 2 || !refs.Samples[0].Reference || refs.Samples[0].Key != "AMCSD 0000098" || len(refs.Pairs(spectro.XRD, spectro.XRD)) != 0 {
		t.Fatalf("references: %+v", refs.Samples)
	}
	joined := data.ReferenceSamples(refs, spectro.XRD)
	pairs := joined.Pairs(spectro.Infrared, spectro.XRD)
	if len(pairs) != 1 || pairs[0].Sample.Key != "R050127" || pairs[0].Sample.Mineral != "Calcite" || len(pairs[0].Sample.Peaks[spectro.XRD]) != 1 {
		t.Fatalf("reference pairs: %+v", pairs)
	}
	if len(data.Pairs(spectro.Infrared, spectro.XRD)) != 0 {
		t.Error("the measured collection itself gained pairs")
	}
}
