package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Parity is a parity plot of line positions (pairs of {measured,
// generated}, e.g. from eval.LinePairs) drawn as the shift, generated −
// measured, against the measured position: the diagonal laid flat, so a
// displacement of 15 cm⁻¹ on a 1,500 cm⁻¹ axis shows, with zero and the
// matching tolerance either side. The title gains the pairs' count and their
// median shift, which it also returns.
func Parity(title, axis string, pairs [][2]float64, tol float64) (*plot.Plot, float64, error) {
	if len(pairs) == 0 {
		return nil, math.NaN(), fmt.Errorf("plots.Parity %q: no matched lines", title)
	}
	shifts := make([]float64, len(pairs))
	pts := make(plotter.XYs, len(pairs))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, pr := range pairs {
		shifts[i] = pr[1] - pr[0]
		pts[i] = plotter.XY{X: pr[0], Y: shifts[i]}
		lo, hi = math.Min(lo, pr[0]), math.Max(hi, pr[0])
	}
	sorted := append([]float64(nil), shifts...)
	sort.Float64s(sorted)
	median := sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		median = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	pad := 0.03 * math.Max(hi-lo, tol)
	lo, hi = lo-pad, hi+pad
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %d lines, median shift %+.1f", title, len(pairs), median)
	unit := ""
	if i := strings.LastIndex(axis, "("); i >= 0 {
		unit = " " + axis[i:] // "(cm⁻¹)"
	}
	p.X.Label.Text, p.Y.Label.Text = "measured "+axis, "generated − measured"+unit
	p.X.Tick.Marker, p.Y.Tick.Marker = AxisTicks{}, AxisTicks{}
	zero, err := referenceLine(lo, 0, hi, 0, false)
	if err != nil {
		return nil, median, err
	}
	p.Add(zero)
	p.Legend.Add("same position", zero)
	for i, off := range []float64{-tol, tol} {
		l, err := referenceLine(lo, off, hi, off, true)
		if err != nil {
			return nil, median, err
		}
		p.Add(l)
		if i == 0 {
			p.Legend.Add(fmt.Sprintf("± %g (the match tolerance)", tol), l)
		}
	}
	sc, err := itemPoints(pts)
	if err != nil {
		return nil, median, err
	}
	p.Add(sc)
	p.Legend.Add("a measured line and its generated match", sc)
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = -1.15*tol, 1.15*tol
	placeLegend(p, 3)
	return p, median, nil
}

// Paired draws one point per test item, x the baseline's score and y the
// model's (e.g. Pearson r of each pair), with the diagonal: above it the
// model wins. The title gains how often it wins, which is also returned.
func Paired(title, xLabel, yLabel string, x, y []float64) (*plot.Plot, int, error) {
	if len(x) != len(y) || len(x) == 0 {
		return nil, 0, fmt.Errorf("plots.Paired %q: %d and %d scores", title, len(x), len(y))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	var pts plotter.XYs
	wins, n := 0, 0
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
		lo, hi = math.Min(lo, math.Min(x[i], y[i])), math.Max(hi, math.Max(x[i], y[i]))
		n++
		if y[i] > x[i] {
			wins++
		}
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("plots.Paired %q: no item with both scores", title)
	}
	pad := 0.03 * math.Max(hi-lo, 1e-9)
	lo, hi = lo-pad, hi+pad
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: above the diagonal on %d of %d", title, wins, n)
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = AxisTicks{}, AxisTicks{}
	diag, err := referenceLine(lo, lo, hi, hi, false)
	if err != nil {
		return nil, wins, err
	}
	p.Add(diag)
	sc, err := itemPoints(pts)
	if err != nil {
		return nil, wins, err
	}
	p.Add(sc)
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
	return p, wins, nil
}

// referenceLine is a grey line from (x0, y0) to (x1, y1) that data are read
// against: solid and dark (a diagonal, zero), or dashed and light (a bound).
func referenceLine(x0, y0, x1, y1 float64, dashed bool) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
	if err != nil {
		return nil, err
	}
	l.Color = color.Gray{Y: 90}
	if dashed {
		l.Color = color.Gray{Y: 160}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
	}
	return l, nil
}

// itemPoints draws one filled, slightly transparent point per item.
func itemPoints(pts plotter.XYs) (*plotter.Scatter, error) {
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle = draw.GlyphStyle{Color: withAlpha(Palette[0], 170), Radius: vg.Points(2.4), Shape: draw.CircleGlyph{}}
	return sc, nil
}
