package samples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/internal/ziptest"
	"github.com/spectrogen-go/spectrogen/spectro"
)

// writeZip writes a zip archive of name → content.
func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	if err := os.WriteFile(path, ziptest.Bytes(t, files), 0o644); err != nil {
		t.Fatal(err)
	}
}

const rows = "##NAMES=Calcite\n##IDEAL CHEMISTRY=CaCO_3_\n100,1\n200,2\n300,1\n"

// Several sources read as one collection: a folder of infrared files and a
// zip of Raman files pair up by sample; a file both hold counts once; a
// sample with several Raman spectra gives a pair for each.
func TestLoadSeveralSourcesAndZip(t *testing.T) {
	dir := t.TempDir()
	ir := filepath.Join(dir, "ir")
	write(t, filepath.Join(ir, "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt"), rows)
	write(t, filepath.Join(ir, "Quartz__R040031-1__Infrared__Infrared_Data_Processed__348.txt"), rows)
	ramanDir := filepath.Join(dir, "raman")
	write(t, filepath.Join(ramanDir, "Calcite__R050127__Raman__532__0__unoriented__Raman_Data_Processed__27194.txt"), rows)
	zipPath := filepath.Join(dir, "excellent_unoriented.zip")
	writeZip(t, zipPath, map[string]string{
		"Calcite__R050127__Raman__532__0__unoriented__Raman_Data_Processed__27194.txt":    rows, // also in the folder
		"Calcite__R050127__Raman__780__0__unoriented__Raman_Data_Processed__27192.txt":    rows,
		"Abelsonite__R070007__Raman__532__0__unoriented__Raman_Data_Processed__27040.txt": rows, // Raman only
		"readme.doc": "not a spectrum",
	})
	c, err := Load(ir+","+ramanDir+","+zipPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 3 {
		t.Fatalf("%d samples, want 3:\n%s", len(c.Samples), c.Summary())
	}
	if c.Duplicates != 1 {
		t.Errorf("%d duplicates, want 1", c.Duplicates)
	}
	pairs := c.Pairs(spectro.Infrared, spectro.Raman)
	if len(pairs) != 2 || pairs[0].Sample.Key != "R050127" || pairs[0].Target == pairs[1].Target {
		t.Errorf("pairs %d, want the two Raman spectra of R050127", len(pairs))
	}
	if n := c.Counts()[spectro.Raman]; n != 3 {
		t.Errorf("%d Raman spectra, want 3", n)
	}
	if len(c.Skipped) != 1 || !strings.Contains(c.Skipped[0], "readme.doc") {
		t.Errorf("skipped %v", c.Skipped)
	}
	if !strings.Contains(c.Summary(), "1 files counted once") {
		t.Errorf("summary:\n%s", c.Summary())
	}
	for _, p := range pairs {
		if !strings.HasPrefix(p.Target.Meta.Source, zipPath) && !strings.HasPrefix(p.Target.Meta.Source, ramanDir) {
			t.Errorf("target source %q names neither the zip nor the folder", p.Target.Meta.Source)
		}
	}
}

func TestLoadRefusesBadArchives(t *testing.T) {
	dir := t.TempDir()
	notZip := filepath.Join(dir, "broken.zip")
	write(t, notZip, "this is not a zip archive")
	escape := filepath.Join(dir, "escape.zip")
	writeZip(t, escape, map[string]string{"../outside.txt": rows})
	truncated := filepath.Join(dir, "truncated.zip")
	writeZip(t, truncated, map[string]string{"Calcite__R050127__Raman__532__0__unoriented__Raman_Data_Processed__1.txt": strings.Repeat(rows, 50)})
	data, _ := os.ReadFile(truncated)
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	for _, tc := range []struct{ path, want string }{
		{notZip, "not a readable zip archive"},
		{escape, "points outside the archive"},
		{truncated, "truncated.zip"},
		{filepath.Join(dir, "missing.zip"), "missing.zip"},
	} {
		_, err := Load(tc.path, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", filepath.Base(tc.path), err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "outside.txt")); err == nil {
		t.Error("an archive entry was written outside the folder")
	}
}

// The shared RRUFF folders and RRUFF's own zip, read together: every sample
// counted once, RRUFF's duplicated files counted once.
func TestLoadRealRRUFF(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 6,000 files")
	}
	d := shareddata.Dir(t)
	spec := filepath.Join(d, "rruff-infrared") + "," + filepath.Join(d, "rruff-raman") + "," + filepath.Join(d, "rruff-zips", "excellent_unoriented.zip")
	c, err := Load(spec, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pairs := c.Pairs(spectro.Infrared, spectro.Raman)
	if len(c.Errors) != 0 || len(pairs) < 1400 || c.Duplicates < 1400 || c.Counts()[spectro.Raman] < 3000 {
		t.Errorf("%d pairs, %d duplicates, %d errors:\n%s", len(pairs), c.Duplicates, len(c.Errors), c.Summary())
	}
	keys := map[string]bool{}
	for _, s := range c.Samples {
		if keys[s.Key] {
			t.Fatalf("sample %s counted twice", s.Key)
		}
		keys[s.Key] = true
	}
}
