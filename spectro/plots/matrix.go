package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Matrix draws a confusion matrix: true labels as rows (top to bottom),
// predicted labels as columns, each cell shaded by its share of the row and
// printed with its count.
func Matrix(title string, labels []string, counts [][]int) (*plot.Plot, error) {
	n := len(labels)
	if n == 0 || len(counts) != n {
		return nil, fmt.Errorf("confusion matrix %q: %d labels, %d rows", title, n, len(counts))
	}
	share := make([][]float64, n)
	for i, row := range counts {
		if len(row) != n {
			return nil, fmt.Errorf("confusion matrix %q: row %d has %d columns, want %d", title, i, len(row), n)
		}
		total := 0
		for _, c := range row {
			total += c
		}
		share[i] = make([]float64, n)
		for j, c := range row {
			if total > 0 {
				share[i][j] = float64(c) / float64(total)
			}
		}
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, "predicted", "true"
	h := plotter.NewHeatMap(shareGrid(share), blues{})
	h.Min, h.Max = 0, 1
	p.Add(h)
	var cells plotter.XYLabels
	for i, row := range counts {
		for j, c := range row {
			if c == 0 {
				continue
			}
			cells.XYs = append(cells.XYs, plotter.XY{X: float64(j), Y: float64(n - 1 - i)})
			cells.Labels = append(cells.Labels, fmt.Sprint(c))
		}
	}
	if len(cells.XYs) > 0 {
		text, err := plotter.NewLabels(cells)
		if err != nil {
			return nil, err
		}
		for i := range text.TextStyle {
			text.TextStyle[i].XAlign, text.TextStyle[i].YAlign = -0.5, -0.5
			x, y := int(cells.XYs[i].X), n-1-int(cells.XYs[i].Y)
			if share[y][x] > 0.6 {
				text.TextStyle[i].Color = color.White
			}
		}
		p.Add(text)
	}
	xt, yt := make([]plot.Tick, n), make([]plot.Tick, n)
	for i, l := range labels {
		xt[i] = plot.Tick{Value: float64(i), Label: l}
		yt[i] = plot.Tick{Value: float64(n - 1 - i), Label: l}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.ConstantTicks(xt), plot.ConstantTicks(yt)
	p.X.Tick.Label.Rotation, p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = 0.6, -1, -0.5
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5, -0.5, float64(n)-0.5
	return p, nil
}

// shareGrid is a square matrix as a plotter.GridXYZ (row 0 drawn at the top).
type shareGrid [][]float64

func (g shareGrid) Dims() (c, r int)   { return len(g), len(g) }
func (g shareGrid) Z(c, r int) float64 { return g[len(g)-1-r][c] }
func (g shareGrid) X(c int) float64    { return float64(c) }
func (g shareGrid) Y(r int) float64    { return float64(r) }

// blues is a white-to-blue palette for shares in [0, 1].
type blues struct{}

func (blues) Colors() []color.Color {
	out := make([]color.Color, 64)
	for i := range out {
		t := float64(i) / float64(len(out)-1)
		out[i] = color.RGBA{R: uint8(247 - 239*t), G: uint8(251 - 203*t), B: uint8(255 - 148*t), A: 255}
	}
	return out
}

var _ palette.Palette = blues{}

// Bars draws grouped bars: one group per name in groups (x axis), one bar per
// series in order, heights from values[series][group].
func Bars(title, yLabel string, groups []string, values map[string][]float64, order ...string) (*plot.Plot, error) {
	p := plot.New()
	labels := 0 // legend entries
	p.Title.Text, p.Y.Label.Text = title, yLabel
	w := vg.Points(14)
	for i, name := range order {
		v := values[name]
		if len(v) != len(groups) {
			return nil, fmt.Errorf("bars %q: series %q has %d values for %d groups", title, name, len(v), len(groups))
		}
		b, err := plotter.NewBarChart(plotter.Values(v), w)
		if err != nil {
			return nil, fmt.Errorf("bars %q, series %q: %w", title, name, err)
		}
		b.Color = ColorFor(name, i)
		b.LineStyle.Width = 0
		b.Offset = w * vg.Length(float64(i)-float64(len(order)-1)/2)
		p.Add(b)
		p.Legend.Add(name, b)
		labels++
	}
	p.NominalX(groups...)
	placeLegend(p, labels)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // no line through the middle bar of each group
	p.Add(grid)
	if allIn(values, 0, 1) {
		// A share or an accuracy: the axis is labelled to 1 and no further
		// (the room placeLegend made above it holds the legend only).
		p.Y.Min = 0
		p.Y.Tick.Marker = upTo{plot.DefaultTicks{}, 1}
	}
	return p, nil
}

// allIn reports whether every value lies in [lo, hi].
func allIn(values map[string][]float64, lo, hi float64) bool {
	for _, v := range values {
		for _, x := range v {
			if !(x >= lo && x <= hi) {
				return false
			}
		}
	}
	return true
}

// upTo is a ticker that marks nothing above max.
type upTo struct {
	plot.Ticker
	max float64
}

// Ticks implements plot.Ticker.
func (u upTo) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range u.Ticker.Ticks(lo, math.Min(hi, u.max)) {
		if t.Value <= u.max+1e-9 {
			out = append(out, t)
		}
	}
	return out
}
