// Package plots draws spectra with gonum/plot: overlays of spectra (with an
// optional uncertainty band), rows of panels, and their rendering to PNG or SVG,
// for files (written atomically) and for notebooks (Show).
package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// Palette is the line colours used in order (colour-blind friendly, Okabe–Ito).
var Palette = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // green
	color.RGBA{204, 121, 167, 255}, // purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky
	color.RGBA{0, 0, 0, 255},       // black
}

// Role colours: one colour per kind of curve and per method in every figure
// of the project (notebooks, demo, README), so "measured" or "knn" reads the
// same everywhere. ColorFor picks by a label's first word(s).
var roleColors = []struct {
	prefix string
	c      color.Color
}{
	{"infrared +", Palette[6]}, // a combined input, before "infrared"
	{"unknown", Palette[6]},
	{"measured", Palette[0]}, {"data", Palette[0]}, {"infrared", Palette[0]},
	{"generated", Palette[1]}, {"model", Palette[1]}, {"fit", Palette[1]},
	{"library", Palette[2]}, {"knn", Palette[2]}, {"the neighbours", Palette[2]},
	{"nn1", Palette[3]}, {"1-nn", Palette[3]}, {"raman", Palette[3]},
	{"pca_ridge", Palette[4]}, {"pca-ridge", Palette[4]},
	{"mean", Palette[5]}, {"majority", Palette[5]}, {"xrd", Palette[5]},
	{"residual", Palette[6]}, {"ceiling", Palette[6]},
}

// ColorFor is the colour of a labelled curve or bar: its role's colour when
// the label starts with one (case-insensitive), else the palette's i-th.
func ColorFor(label string, i int) color.Color {
	l := strings.ToLower(strings.TrimSpace(label))
	for _, r := range roleColors {
		if strings.HasPrefix(l, r.prefix) {
			return r.c
		}
	}
	return Palette[i%len(Palette)]
}

// Series is one curve of an overlay.
type Series struct {
	Label    string
	Spectrum *spectro.Spectrum
	Offset   float64 // added to every intensity, to stack curves
	Dashed   bool
	// Lower and Upper, when set (same length as the spectrum), draw a shaded band.
	Lower, Upper []float64
	// Peaks, when set, marks these positions (x) on the curve with a marker
	// and the position written above it ("1086"): detected peaks at a glance.
	Peaks []float64
}

// Overlay draws the series on one pair of axes, labelled with the modality of
// the first series.
func Overlay(title string, series ...Series) (*plot.Plot, error) {
	p := plot.New()
	labels := 0 // legend entries
	p.Title.Text = title
	if len(series) == 0 {
		return nil, fmt.Errorf("plots.Overlay %q: no series", title)
	}
	SetXLabel(p, series[0].Spectrum.Modality)
	p.Y.Label.Text = YLabel(series[0].Spectrum)
	p.Y.Tick.Marker = AxisTicks{}
	for i, s := range series {
		c := ColorFor(s.Label, i)
		if s.Lower != nil && s.Upper != nil {
			band, err := bandPolygon(s)
			if err != nil {
				return nil, err
			}
			band.Color = withAlpha(c, 60)
			band.LineStyle.Width = 0
			p.Add(band)
		}
		pts := make(plotter.XYs, s.Spectrum.Len())
		for j := range pts {
			pts[j].X, pts[j].Y = s.Spectrum.X[j], s.Spectrum.Y[j]+s.Offset
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("plots.Overlay %q, series %q: %w", title, s.Label, err)
		}
		line.Color = c
		line.Width = vg.Points(1.2)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(line)
		if s.Label != "" {
			p.Legend.Add(s.Label, line)
			labels++
		}
		if len(s.Peaks) > 0 {
			top, err := markPeaks(p, s)
			if err != nil {
				return nil, fmt.Errorf("plots.Overlay %q, series %q: %w", title, s.Label, err)
			}
			labels++
			// Room above the highest marked peak for its position.
			p.Y.Max = math.Max(p.Y.Max, p.Y.Min+(top-p.Y.Min)*1.12)
		}
	}
	placeLegend(p, labels)
	p.Add(plotter.NewGrid())
	return p, nil
}

// Stack draws the series one above the other, the first at the top, each
// min-max scaled and offset by 1.1 — a library search's unknown over its
// hits, say, where Overlay would pile them up. A series' own Offset is
// replaced.
func Stack(title string, series ...Series) (*plot.Plot, error) {
	stacked := make([]Series, len(series))
	for i, s := range series {
		sc, err := s.Spectrum.Normalize(spectro.MinMax)
		if err != nil {
			return nil, fmt.Errorf("plots.Stack %q, series %q: %w", title, s.Label, err)
		}
		s.Spectrum, s.Offset, s.Lower, s.Upper = sc, 1.1*float64(len(series)-1-i), nil, nil
		stacked[i] = s
	}
	p, err := Overlay(title, stacked...)
	if err != nil {
		return nil, err
	}
	p.Y.Label.Text = "Intensity (scaled, offset)"
	p.Y.Tick.Marker = plot.ConstantTicks(nil) // offsets, not values: no numbers
	return p, nil
}

// SetXLabel labels the x axis with the modality's quantity and unit
// ("Raman shift (cm⁻¹)", set in the package's font, which has the superscripts).
func SetXLabel(p *plot.Plot, m spectro.Modality) {
	p.X.Label.Text = m.XLabel()
	p.X.Tick.Marker = AxisTicks{}
}

// YLabel is the quantity on a spectrum's y axis: transmittance when its file
// says so (YUNITS), absorbance for other infrared spectra (RRUFF's infrared
// files are absorbance), intensity otherwise.
func YLabel(s *spectro.Spectrum) string {
	if strings.Contains(strings.ToLower(s.Meta.Extra["YUNITS"]), "transmit") {
		return "Transmittance"
	}
	if s.Modality == spectro.Infrared {
		return "Absorbance (a.u.)"
	}
	return "Intensity (a.u.)"
}

// AxisTicks labels a spectrum's x axis the way spectroscopists read it:
// round values (every 200 cm⁻¹ of a Raman axis, 500 of a mid-infrared one,
// 10° 2θ) with four or five minor ticks between, integers printed as
// integers. gonum's default ticker picks steps such as 250 and prints
// "250.00".
type AxisTicks struct{}

// Ticks implements plot.Ticker.
func (AxisTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return nil
	}
	// The smallest of 1, 2, 5 × 10ᵉ giving at most 9 labels, at any scale.
	e := math.Floor(math.Log10((hi - lo) / 9))
	step := 10 * math.Pow(10, e+1)
	for _, mag := range []float64{e, e + 1} {
		for _, base := range []float64{1, 2, 5} {
			if st := base * math.Pow(10, mag); (hi-lo)/st <= 9 && st < step {
				step = st
			}
		}
	}
	if !(step > 0) || math.IsInf(step, 0) || (hi-lo)/step > 1000 {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	minor := step / 5
	if math.Abs(step/math.Pow(10, math.Floor(math.Log10(step)))-2) < 1e-9 {
		minor = step / 4
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/minor-1e-9) * minor; v <= hi+1e-9*minor; v += minor {
		if v == 0 {
			v = 0 // not −0, which prints "-0"
		}
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			if step >= 1e5 {
				t.Label = strconv.FormatFloat(math.Round(r)*step, 'g', 3, 64) // 5e+11, not twelve digits
			} else {
				t.Label = strconv.FormatFloat(math.Round(r)*step, 'f', max(0, int(-math.Floor(math.Log10(step)+1e-9))), 64)
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

func bandPolygon(s Series) (*plotter.Polygon, error) {
	n := s.Spectrum.Len()
	if len(s.Lower) != n || len(s.Upper) != n {
		return nil, fmt.Errorf("plots: band of %q has %d/%d values for %d points", s.Label, len(s.Lower), len(s.Upper), n)
	}
	pts := make(plotter.XYs, 0, 2*n)
	for j := 0; j < n; j++ {
		pts = append(pts, plotter.XY{X: s.Spectrum.X[j], Y: s.Upper[j] + s.Offset})
	}
	for j := n - 1; j >= 0; j-- {
		pts = append(pts, plotter.XY{X: s.Spectrum.X[j], Y: s.Lower[j] + s.Offset})
	}
	return plotter.NewPolygon(pts)
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), a}
}

// DPI is the resolution of PNG figures: print resolution, so a figure from a
// notebook or the demo can go into a handout as it is (SVG, from the same
// code, scales to any size: WriteFile with a .svg name, or Grid("svg", …)).
var DPI = 150

// Size of a rendered panel.
const (
	PanelWidth  = 6 * vg.Inch
	PanelHeight = 3.5 * vg.Inch
)

// Row renders plots side by side in one canvas of the given format ("png" or
// "svg"); each panel is PanelWidth × PanelHeight.
func Row(format string, ps ...*plot.Plot) ([]byte, error) {
	return Grid(format, len(ps), ps...)
}

// Grid renders plots in rows of cols panels.
func Grid(format string, cols int, ps ...*plot.Plot) ([]byte, error) {
	if len(ps) == 0 || cols < 1 {
		return nil, fmt.Errorf("plots.Grid: %d plots in %d columns", len(ps), cols)
	}
	if cols > len(ps) {
		cols = len(ps)
	}
	rows := (len(ps) + cols - 1) / cols
	w, h := PanelWidth*vg.Length(cols), PanelHeight*vg.Length(rows)
	c, err := newCanvas(format, w, h)
	if err != nil {
		return nil, err
	}
	table := make([][]*plot.Plot, rows)
	for i := range table {
		table[i] = make([]*plot.Plot, cols)
		for j := range table[i] {
			if k := i*cols + j; k < len(ps) {
				table[i][j] = ps[k]
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 3, PadY: vg.Millimeter * 3,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(table, tiles, draw.New(c))
	for i := range table {
		for j, p := range table[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return encode(format, c)
}

// Render draws one plot at the given size in "png" or "svg".
func Render(format string, p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c, err := newCanvas(format, w, h)
	if err != nil {
		return nil, err
	}
	p.Draw(draw.New(c))
	return encode(format, c)
}

type encoder interface {
	vg.CanvasSizer
}

func newCanvas(format string, w, h vg.Length) (encoder, error) {
	switch format {
	case "png":
		return vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))}, nil
	case "svg":
		return vgsvg.New(w, h), nil
	}
	return nil, fmt.Errorf("plots: unknown image format %q (want png or svg)", format)
}

func encode(format string, c encoder) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch cv := c.(type) {
	case vgimg.PngCanvas:
		_, err = cv.WriteTo(&buf)
	case *vgsvg.Canvas:
		_, err = cv.WriteTo(&buf)
	default:
		err = fmt.Errorf("plots: cannot encode %T", c)
	}
	return buf.Bytes(), err
}

// WriteFile writes an image atomically (a temporary file renamed into place),
// choosing the format from the extension (.png or .svg), so a crash never
// leaves a truncated figure.
func WriteFile(path string, ps ...*plot.Plot) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	data, err := Row(format, ps...)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, data)
}

// legendLine is the share of a plot's height one legend entry takes, about
// (12-point text on figures of the sizes this package draws).
const legendLine = 0.075

// placeLegend puts the legend at the top right and raises the y axis so the
// data stay below it: with n entries the data fill the lower 1 − n·legendLine
// of the axis, and no legend covers a curve, a bar or a peak.
func placeLegend(p *plot.Plot, n int) {
	p.Legend.Top = true
	if n == 0 || !(p.Y.Max > p.Y.Min) {
		return
	}
	frac := min(0.6, legendLine*float64(n))
	p.Y.Max = p.Y.Min + (p.Y.Max-p.Y.Min)/(1-frac)
}

// markPeaks marks a series' peaks (a triangle on the curve, the position above
// it) and returns the highest marked intensity.
func markPeaks(p *plot.Plot, s Series) (float64, error) {
	pts := make(plotter.XYs, len(s.Peaks))
	texts := make([]string, len(s.Peaks))
	top := math.Inf(-1)
	for i, x := range s.Peaks {
		y := s.Spectrum.ValueAt(x)
		pts[i] = plotter.XY{X: x, Y: y + s.Offset}
		texts[i] = fmt.Sprintf("%.0f", x)
		top = math.Max(top, y+s.Offset)
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return 0, err
	}
	sc.GlyphStyle.Shape = draw.TriangleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(3)
	sc.GlyphStyle.Color = Palette[1]
	labels, err := plotter.NewLabels(plotter.XYLabels{XYs: pts, Labels: texts})
	if err != nil {
		return 0, err
	}
	labels.Offset = vg.Point{Y: vg.Points(5)}
	for i := range labels.TextStyle {
		labels.TextStyle[i].Font.Size = vg.Points(8)
		labels.TextStyle[i].XAlign = draw.XCenter
	}
	p.Add(sc, labels)
	p.Legend.Add("detected peaks", sc)
	return top, nil
}
