package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "R050009-1__Raman.txt"), []byte("##NAMES=Calcite\n100, 0.1\n200, 0.5\n300, 0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec    string
		samples int    // at least
		err     string // part of the error, "" for none
	}{
		{"", 100, ""},
		{Synthetic, 100, ""},
		{dir, 1, ""},
		{filepath.Join(dir, "missing"), 0, "missing"},
	} {
		col, err := Load(tc.spec)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Load(%q): error %v, want one naming %q", tc.spec, err, tc.err)
			}
		case err != nil:
			t.Errorf("Load(%q): %v", tc.spec, err)
		case len(col.Samples) < tc.samples:
			t.Errorf("Load(%q): %d samples, want ≥ %d", tc.spec, len(col.Samples), tc.samples)
		}
	}
	col, err := Load(dir)
	if err == nil && len(col.Samples[0].Spectra[spectro.Raman]) != 1 {
		t.Errorf("the Raman file was not read: %+v", col.Samples[0])
	}
}
