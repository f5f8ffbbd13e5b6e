package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Parity draws generated against measured line positions (pairs of
// {measured, generated}, e.g. from eval.LinePairs) with the diagonal and the
// matching tolerance either side of it; the title gains the pairs' count and
// their median shift (generated − measured), which it also returns. A model
// that puts lines 20 cm⁻¹ off shows as a cloud beside the diagonal.
func Parity(title, axis string, pairs [][2]float64, tol float64) (*plot.Plot, float64, error) {
	if len(pairs) == 0 {
		return nil, math.NaN(), fmt.Errorf("plots.Parity %q: no matched lines", title)
	}
	shifts := make([]float64, len(pairs))
	pts := make(plotter.XYs, len(pairs))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, pr := range pairs {
		pts[i] = plotter.XY{X: pr[0], Y: pr[1]}
		shifts[i] = pr[1] - pr[0]
		lo, hi = math.Min(lo, math.Min(pr[0], pr[1])), math.Max(hi, math.Max(pr[0], pr[1]))
	}
	sort.Float64s(shifts)
	median := shifts[len(shifts)/2]
	if len(shifts)%2 == 0 {
		median = (shifts[len(shifts)/2-1] + shifts[len(shifts)/2]) / 2
	}
	pad := math.Max(tol, 0.03*(hi-lo))
	lo, hi = lo-pad, hi+pad
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %d lines, median shift %+.1f", title, len(pairs), median)
	p.X.Label.Text, p.Y.Label.Text = "measured "+axis, "generated "+axis
	p.X.Tick.Marker, p.Y.Tick.Marker = AxisTicks{}, AxisTicks{}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, median, err
	}
	diag.Color = color.Gray{Y: 90}
	p.Add(diag)
	p.Legend.Add("same position", diag)
	for i, off := range []float64{-tol, tol} {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo + off}, {X: hi, Y: hi + off}})
		if err != nil {
			return nil, median, err
		}
		l.Color = color.Gray{Y: 160}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		if i == 0 {
			p.Legend.Add(fmt.Sprintf("± %g (the match tolerance)", tol), l)
		}
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, median, err
	}
	sc.Color, sc.Radius = withAlpha(Palette[0], 160), vg.Points(2.2)
	p.Add(sc)
	p.Legend.Add("a measured line and its generated match", sc)
	// Top left, over the triangle far above the diagonal, which stays empty
	// unless the model is far off: the axes stay square.
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi // square, whatever the tolerance lines reach
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
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, wins, err
	}
	diag.Color = color.Gray{Y: 90}
	p.Add(diag)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, wins, err
	}
	sc.Color, sc.Radius = withAlpha(Palette[0], 160), vg.Points(2.2)
	p.Add(sc)
	p.Add(plotter.NewGrid())
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
	return p, wins, nil
}
