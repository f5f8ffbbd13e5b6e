package samples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
