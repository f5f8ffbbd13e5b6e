package fit

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"github.com/spectrogen-go/spectrogen/spectro/preprocess"
)

// structure is the most prominent bump of a fit's residual away from its
// peaks, in units of the residual's noise σ.
func structure(r *Result) float64 {
	res := r.Residuals()
	sigma := NoiseSigma(res)
	top := 0.0
	for _, p := range ResidualBumps(r.x, res, r.Peaks(), sigma, 0) {
		top = math.Max(top, p.Prominence/sigma)
	}
	return top
}

// On real RRUFF Raman spectra, peaks the fixed guess (2% prominence, 8
// peaks) leaves in the residual are added until the residual is noise:
// calcite's weak 712 and 1435 cm⁻¹ bands are covered by fitted peaks, the
// BIC drops, and on every spectrum the residual's largest bump away from the
// fitted peaks shrinks to the noise (below 6 σ) or by at least 40%.
func TestAddPeaksOnRealSpectra(t *testing.T) {
	dir := filepath.Join(shareddata.Dir(t), "rruff-raman")
	clean := preprocess.Pipeline{preprocess.Crop(100, 1500), preprocess.Despike(6, 3), preprocess.BaselineArPLS(1e6)}
	for _, tc := range []struct {
		file  string
		bands []float64 // weak bands that must be found
	}{
		{"Calcite__R050009__Raman__514__0__unoriented__Raman_Data_Processed__9847.txt", []float64{712, 1435}},
		{"Quartz__R040031__Raman__514__0__unoriented__Raman_Data_Processed__9312.txt", nil},
		{"Gypsum__R040029__Raman__532__0__unoriented__Raman_Data_Processed__26332.txt", nil},
	} {
		files, _ := filepath.Glob(filepath.Join(dir, tc.file))
		if len(files) == 0 {
			t.Logf("%s not in the shared data; skipped", tc.file)
			continue
		}
		s, err := formats.ReadFile(files[0], formats.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := clean.Apply(s)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Guess(c.X, c.Y, lineshape.PseudoVoigt, GuessOptions{MaxPeaks: 8, Baseline: 0})
		if err != nil {
			t.Fatal(err)
		}
		fixed, err := Fit(c.X, c.Y, m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		added, err := AddPeaks(c.X, c.Y, fixed, Options{}, AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before, after := structure(fixed), structure(added)
		t.Logf("%s: %d + %d peaks, residual's largest bump %.1f σ → %.1f σ; BIC %.0f → %.0f; %s", tc.file[:12], fixed.Model.NumPeaks(), added.Added, before, after, fixed.BIC, added.BIC, added.AddNote)
		if !(after < 6 || after <= 0.6*before) || added.BIC > fixed.BIC || added.AddNote == "" {
			t.Errorf("%s: residual structure %.1f σ → %.1f σ, BIC %.0f → %.0f", tc.file, before, after, fixed.BIC, added.BIC)
		}
		for _, b := range tc.bands {
			covered := false
			for _, p := range added.Peaks() {
				covered = covered || math.Abs(p.Center-b) <= math.Max(3, p.FWHM/2)
			}
			if !covered {
				t.Errorf("%s: no fitted peak covers the %g cm⁻¹ band: %v", tc.file, b, added.Peaks())
			}
		}
	}
}
