package plots

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestParity(t *testing.T) {
	pairs := [][2]float64{{281, 290}, {712, 716}, {1086, 1100}, {1435, 1440}}
	p, median, err := Parity("calcite", "Raman shift (cm⁻¹)", pairs, 20)
	if err != nil {
		t.Fatal(err)
	}
	if median != 7 { // shifts 9, 4, 14, 5: the median of an even count is the mean of the middle two
		t.Errorf("median shift %g, want 7", median)
	}
	if !strings.Contains(p.Title.Text, "4 lines, median shift +7.0") {
		t.Errorf("title %q does not give the count and the shift", p.Title.Text)
	}
	if p.X.Min > 281 || p.X.Max < 1440 || p.Y.Min > -20 || p.Y.Max < 20 {
		t.Errorf("axes [%g, %g] × [%g, %g]: the lines or the tolerance band left out", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if _, _, err := Parity("none", "x", nil, 10); err == nil {
		t.Error("no pairs: no error")
	}
}

func TestPaired(t *testing.T) {
	base := []float64{0.5, 0.6, 0.7, math.NaN(), 0.2}
	model := []float64{0.6, 0.5, 0.9, 0.8, 0.3}
	p, wins, err := Paired("r per pair", "1-NN r", "model r", base, model)
	if err != nil {
		t.Fatal(err)
	}
	if wins != 3 || !strings.Contains(p.Title.Text, "3 of 4") {
		t.Errorf("wins %d, title %q; want 3 of 4 (the NaN left out)", wins, p.Title.Text)
	}
	if _, _, err := Paired("bad", "x", "y", []float64{1}, []float64{1, 2}); err == nil {
		t.Error("mismatched lengths: no error")
	}
}

// PNGs come at DPI: a panel of PanelWidth inches is PanelWidth·DPI pixels wide.
func TestPNGResolution(t *testing.T) {
	p, _, err := Parity("x", "x", [][2]float64{{1, 2}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Row("png", p)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if w, want := img.Bounds().Dx(), int(float64(PanelWidth/vg.Inch)*float64(DPI)+0.5); w != want || DPI < 150 {
		t.Errorf("panel %d px wide at %d dpi, want %d at ≥ 150", w, DPI, want)
	}
}

func TestYLabel(t *testing.T) {
	ir := &spectro.Spectrum{Modality: spectro.Infrared}
	tr := &spectro.Spectrum{Modality: spectro.Infrared}
	tr.Meta.Set("YUNITS", "TRANSMITTANCE")
	for _, tc := range []struct {
		s    *spectro.Spectrum
		want string
	}{{ir, "Absorbance (a.u.)"}, {tr, "Transmittance"}, {&spectro.Spectrum{Modality: spectro.Raman}, "Intensity (a.u.)"}} {
		if got := YLabel(tc.s); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.s.Modality, got, tc.want)
		}
	}
}

// Bars of shares label the axis up to 1, not into the legend's room above.
func TestBarsOfSharesStopAtOne(t *testing.T) {
	p, err := Bars("accuracy", "accuracy", []string{"a", "b"}, map[string][]float64{"x": {0.9, 0.95}, "y": {0.5, 1}}, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if p.Y.Max <= 1 {
		t.Fatalf("no room above the bars for the legend (y max %g)", p.Y.Max)
	}
	for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if tk.Value > 1+1e-9 {
			t.Errorf("a tick at %g on an accuracy axis", tk.Value)
		}
	}
}
