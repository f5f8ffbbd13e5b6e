package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Curve is one named line of (x, y) points; NaN points are skipped.
type Curve struct {
	Label string
	X, Y  []float64
}

// Curves draws lines on one pair of axes (loss curves, metrics against a setting).
func Curves(title, xLabel, yLabel string, cs ...Curve) (*plot.Plot, error) {
	p := plot.New()
	labels := 0 // legend entries
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = AxisTicks{}, AxisTicks{} // round values: steps 0, 100, 200, …
	for i, c := range cs {
		var pts plotter.XYs
		for j := range c.X {
			if !math.IsNaN(c.Y[j]) && !math.IsInf(c.Y[j], 0) {
				pts = append(pts, plotter.XY{X: c.X[j], Y: c.Y[j]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("curve %q: %w", c.Label, err)
		}
		l.Color = ColorFor(c.Label, i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		if c.Label != "" {
			p.Legend.Add(c.Label, l)
			labels++
		}
	}
	placeLegend(p, labels)
	p.Add(plotter.NewGrid())
	return p, nil
}

// Histograms draws the distributions of several samples of values as
// overlaid step histograms with shared bins over [lo, hi].
func Histograms(title, xLabel string, bins int, lo, hi float64, named map[string][]float64, order ...string) (*plot.Plot, error) {
	p := plot.New()
	labels := 0 // legend entries
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, "share of spectra"
	w := (hi - lo) / float64(bins)
	for i, name := range order {
		vals := named[name]
		counts := make([]float64, bins)
		for _, v := range vals {
			if math.IsNaN(v) {
				continue
			}
			k := int((v - lo) / w)
			k = max(0, min(bins-1, k))
			counts[k]++
		}
		var pts plotter.XYs
		for k, c := range counts {
			share := c / math.Max(1, float64(len(vals)))
			pts = append(pts, plotter.XY{X: lo + float64(k)*w, Y: share}, plotter.XY{X: lo + float64(k+1)*w, Y: share})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color = ColorFor(name, i)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(name, l)
		labels++
	}
	placeLegend(p, labels)
	p.Add(plotter.NewGrid())
	return p, nil
}

// Scatter draws labelled groups of 2-D points (e.g. a latent space coloured by class).
func Scatter(title, xLabel, yLabel string, groups map[string][][2]float64, order ...string) (*plot.Plot, error) {
	p := plot.New()
	labels := 0 // legend entries
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xLabel, yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = AxisTicks{}, AxisTicks{}
	for i, name := range order {
		var pts plotter.XYs
		for _, xy := range groups[name] {
			pts = append(pts, plotter.XY{X: xy[0], Y: xy[1]})
		}
		if len(pts) == 0 {
			continue
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		s.Color = Palette[i%len(Palette)]
		s.Radius = vg.Points(2.5)
		p.Add(s)
		p.Legend.Add(name, s)
		labels++
	}
	placeLegend(p, labels)
	return p, nil
}
