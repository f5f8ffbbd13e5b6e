package plots

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func testSpectrum(t *testing.T) *spectro.Spectrum {
	g := spectro.Grid{Start: 100, Stop: 1500, N: 200}
	y := make([]float64, g.N)
	for i := range y {
		x := g.At(i)
		y[i] = math.Exp(-math.Pow((x-1085)/10, 2))
	}
	s, err := spectro.FromGrid(spectro.Raman, g, y)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOverlayPNGAndSVG(t *testing.T) {
	s := testSpectrum(t)
	lo, hi := make([]float64, s.Len()), make([]float64, s.Len())
	for i, v := range s.Y {
		lo[i], hi[i] = v-0.1, v+0.1
	}
	p, err := Overlay("calcite", Series{Label: "measured", Spectrum: s}, Series{Label: "generated", Spectrum: s, Offset: 1, Dashed: true, Lower: lo, Upper: hi})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Row("png", p, p)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if cfg.Width != 2*900 || cfg.Height != 525 { // two 6×3.5 inch panels at 150 dpi
		t.Errorf("PNG is %dx%d", cfg.Width, cfg.Height)
	}
	svg, err := Row("svg", p)
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "Raman") {
		t.Errorf("SVG output wrong (err %v)", err)
	}
	if _, err := Row("gif", p); err == nil {
		t.Error("unknown format should be an error")
	}
	bad := Series{Spectrum: s, Lower: lo[:3], Upper: hi}
	if _, err := Overlay("bad band", bad); err == nil {
		t.Error("band of wrong length should be an error")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "fig.png")
	p, err := Overlay("x", Series{Spectrum: testSpectrum(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "fig.png" {
		t.Errorf("folder holds %v, want only fig.png (no temporary files)", entries)
	}
	if err := WriteFile(filepath.Join(dir, "fig.bmp"), p); err == nil {
		t.Error("unknown extension should be an error")
	}
}

func TestMatrixAndBars(t *testing.T) {
	labels := []string{"carbonate", "silicate", "sulfate"}
	p, err := Matrix("class from infrared", labels, [][]int{{8, 2, 0}, {1, 9, 0}, {0, 0, 5}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Render("png", p, 400, 400)
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	// The full diagonal cell (sulfate, 5 of 5) is dark, the empty cell beside it light.
	dark, light := 0, 0
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := m.At(x, y).RGBA()
			if bl > 0x5000 && r < 0x3000 && g < 0x4000 {
				dark++
			} else if r > 0xf000 && g > 0xf000 && bl > 0xf000 {
				light++
			}
		}
	}
	if dark < 1000 || light < 1000 {
		t.Errorf("matrix shading missing: %d dark, %d light pixels", dark, light)
	}
	if os.Getenv("PLOTS_KEEP") != "" {
		os.WriteFile(filepath.Join(os.TempDir(), "matrix.png"), img, 0o644)
	}
	if _, err := Matrix("bad", labels, [][]int{{1}}); err == nil {
		t.Error("rows that do not match the labels: no error")
	}
	bars, err := Bars("priors", "Pearson r", []string{"gauss", "lorentz", "voigt"},
		map[string][]float64{"model": {0.4, 0.37, 0.45}, "nn1": {0.36, 0.36, 0.36}}, "model", "nn1")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "bars.png"), bars); err != nil {
		t.Fatal(err)
	}
	if _, err := Bars("bad", "", []string{"a"}, map[string][]float64{"x": {1, 2}}, "x"); err == nil {
		t.Error("values that do not match the groups: no error")
	}
}

func TestAxisTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		labels string
	}{
		{100, 1500, "200 400 600 800 1000 1200 1400"},
		{400, 4000, "500 1000 1500 2000 2500 3000 3500 4000"},
		{5, 90, "10 20 30 40 50 60 70 80 90"},
		{0.2, 0.9, "0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9"},
		{0, 3e12, "0 5e+11 1e+12 1.5e+12 2e+12 2.5e+12 3e+12"},
		{-7500, 7500, "-6000 -4000 -2000 0 2000 4000 6000"},
	} {
		var got []string
		minors := 0
		for _, tk := range (AxisTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			} else {
				minors++
			}
		}
		if strings.Join(got, " ") != tc.labels || minors < 2*len(got) {
			t.Errorf("%g–%g: labels %v with %d minor ticks, want %s and minor ticks between", tc.lo, tc.hi, got, minors, tc.labels)
		}
	}
}

func TestMapImage(t *testing.T) {
	v := make([]float64, 30*20)
	for i := range v {
		v[i] = float64(i % 30)
	}
	v[7] = math.NaN()
	for _, format := range []string{"png", "svg"} {
		data, err := MapImage(format, "line 1 centre", "centre (cm⁻¹)", 30, 20, v)
		if err != nil || len(data) < 1000 {
			t.Fatalf("%s: %d bytes, %v", format, len(data), err)
		}
	}
	if _, err := MapImage("png", "t", "l", 3, 3, v); err == nil {
		t.Error("a wrong pixel count was drawn")
	}
}

// TestMapImageAwkwardRanges draws images whose value ranges once made
// gonum's palette panic (a value a rounding step above its maximum).
func TestMapImageAwkwardRanges(t *testing.T) {
	for _, r := range [][2]float64{{0.1, 0.3}, {0.9999, 1}, {-1e-9, 1e-9}, {282.1, 283.7}, {0, 0}} {
		v := make([]float64, 12)
		for i := range v {
			v[i] = r[0] + (r[1]-r[0])*float64(i)/11
		}
		if _, err := MapImage("png", "t", "l", 4, 3, v); err != nil {
			t.Errorf("%v: %v", r, err)
		}
	}
}
