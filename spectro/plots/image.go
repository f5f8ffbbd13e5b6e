package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pixels is a w × h image of values as gonum's GridXYZ (row 0 at the top,
// as a map is read).
type pixels struct {
	w, h int
	v    []float64
}

func (p pixels) Dims() (c, r int)   { return p.w, p.h }
func (p pixels) Z(c, r int) float64 { return p.v[(p.h-1-r)*p.w+c] }
func (p pixels) X(c int) float64    { return float64(c) }
func (p pixels) Y(r int) float64    { return float64(r) }

// MapImage renders a parameter image of a spectral map — w × h values in
// row-major order, NaN for failed pixels (drawn grey) — with a colour bar
// labelled label, as "png" or "svg". The colours run through Kindlmann's
// perceptually uniform map (dark = low), so equal steps of the value look
// equal.
func MapImage(format, title, label string, w, h int, v []float64) ([]byte, error) {
	if w < 1 || h < 1 || len(v) != w*h {
		return nil, fmt.Errorf("plots.MapImage %q: %d values for %d × %d pixels", title, len(v), w, h)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 0) { // every pixel failed
		lo, hi = 0, 1
	}
	if !(hi > lo) {
		lo, hi = lo-0.5, hi+0.5
	}
	// The palette is made on [0, 1] (with room for rounding: gonum's
	// luminance maps panic on a value a hair above their maximum) and the
	// heat maps scale values onto it, the image's and the colour bar's alike.
	cm := moreland.Kindlmann()
	cm.SetMin(0)
	cm.SetMax(1 + 1e-9)
	pal := cm.Palette(255)
	heat := plotter.NewHeatMap(pixels{w, h, v}, pal)
	heat.Min, heat.Max = lo, hi
	heat.NaN = color.Gray{Y: 200}
	img := plot.New()
	img.Title.Text = title
	img.X.Label.Text, img.Y.Label.Text = "pixel", "pixel (row 0 at the top)"
	img.Add(heat)
	img.X.Min, img.X.Max, img.Y.Min, img.Y.Max = -0.5, float64(w)-0.5, -0.5, float64(h)-0.5
	img.Y.Tick.Marker = flippedTicks{h}

	bar := plot.New()
	bar.HideX()
	bar.Y.Label.Text = label
	scale := plotter.NewHeatMap(colourScale{lo, hi, 128}, pal)
	scale.Min, scale.Max = lo, hi
	bar.Add(scale)
	bar.Y.Min, bar.Y.Max = lo, hi
	bar.Y.Tick.Marker = AxisTicks{}

	width, height := PanelWidth, PanelWidth*vg.Length(h)/vg.Length(w)+vg.Inch
	height = vg.Length(math.Min(math.Max(float64(height), float64(3*vg.Inch)), float64(8*vg.Inch)))
	c, err := newCanvas(format, width, height)
	if err != nil {
		return nil, err
	}
	dc := draw.New(c)
	barWidth := vg.Inch * 1.1
	left := draw.Crop(dc, 0, -barWidth, 0, 0)
	right := draw.Crop(dc, width-barWidth, 0, vg.Points(30), -vg.Points(14))
	img.Draw(left)
	bar.Draw(right)
	return encode(format, c)
}

// colourScale is the colour bar as a one-column heat map from lo to hi.
type colourScale struct {
	lo, hi float64
	n      int
}

func (c colourScale) Dims() (int, int)   { return 1, c.n }
func (c colourScale) Z(_, r int) float64 { return c.Y(r) }
func (c colourScale) X(int) float64      { return 0 }
func (c colourScale) Y(r int) float64    { return c.lo + (c.hi-c.lo)*float64(r)/float64(c.n-1) }

// flippedTicks labels the y axis by row number counted from the top.
type flippedTicks struct{ h int }

func (f flippedTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (AxisTicks{}).Ticks(0, float64(f.h-1)) {
		if t.Label == "" {
			continue
		}
		out = append(out, plot.Tick{Value: float64(f.h-1) - t.Value, Label: t.Label})
	}
	return out
}
