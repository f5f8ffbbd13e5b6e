package model

import (
	"fmt"
	"io"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// BandLevel is the coverage the generated band is calibrated to: a 5–95 % band.
const BandLevel = 0.90

// Band is the calibration of a model's uncertainty band (model.json "band").
//
// The latent samples alone make a band far too narrow on real data (they say
// how the decoder varies, not how far a new mineral is from what it learnt).
// So the band is split-conformal (normalised residuals): at each point its
// half-widths are the latent band's own half-widths plus the disagreement of
// the retrieved neighbours' spectra (their weighted standard deviation) plus
// a floor, all times one scale; the scale is the BandLevel quantile, over the
// points of held-out validation pairs, of |measured − predicted| divided by
// those half-widths, and the floor is the one (of a fixed ladder) whose band
// covers most evenly across the quarters of the points ranked by their raw
// half-width — so the band stays wide where the model is unsure and narrow
// where it is sure, instead of trading one for the other (the narrowest band
// at a marginal 90 % would be nearly constant). The validation pairs are of species the
// model never trained on and look neighbours up in the training pairs alone,
// as a new mineral would. Predicted, measured and band are compared min-max
// scaled, as the evaluation protocol compares them.
type Band struct {
	Level   float64 `json:"level"`
	Scale   float64 `json:"scale"`
	Floor   float64 `json:"floor"`
	Pairs   int     `json:"pairs"`
	Species int     `json:"species"`
	Points  int     `json:"points"`
	// Coverage on the calibration points with the calibrated band, and
	// RawCoverage with the latent samples' 5–95 % band alone.
	Coverage    float64 `json:"coverage"`
	RawCoverage float64 `json:"raw_coverage"`
	Width       float64 `json:"width"` // mean width of the calibrated band there (of the [0, 1] scale)
}

// bandFloors are the floors the calibration tries (of the [0, 1] scale).
var bandFloors = []float64{0, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3}

// halfWidths returns a generated spectrum's centre (the band's, min-max
// scaled to [0, 1] as Scaled does), its latent band's lower and upper
// half-widths and the neighbours' disagreement on that scale (each nil or
// zero where the spectrum has none), with the scale (lo, span) for going back.
func halfWidths(g *Generated) (c, latLo, latUp, dis []float64, lo, span float64) {
	y := g.Expected
	if y == nil {
		y = g.Mean.Y
	}
	lo = floats.Min(y)
	if span = floats.Max(y) - lo; !(span > 0) {
		span = 1
	}
	n := len(y)
	c, latLo, latUp, dis = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	if g.Disagreement != nil {
		copy(dis, g.Disagreement)
	}
	for j, v := range y {
		c[j] = (v - lo) / span
		if g.Lower != nil {
			latLo[j] = math.Max(0, v-g.Lower[j]) / span
			latUp[j] = math.Max(0, g.Upper[j]-v) / span
		}
	}
	return c, latLo, latUp, dis, lo, span
}

// apply replaces a generated spectrum's band by the calibrated one (clipped
// to the [0, 1] range a measured spectrum is compared on).
func (b *Band) apply(g *Generated) {
	c, latLo, latUp, dis, lo, span := halfWidths(g)
	n := len(c)
	g.Lower, g.Upper = make([]float64, n), make([]float64, n)
	for j := range c {
		l := math.Max(0, c[j]-b.Scale*(latLo[j]+dis[j]+b.Floor))
		u := math.Min(1, c[j]+b.Scale*(latUp[j]+dis[j]+b.Floor))
		g.Lower[j], g.Upper[j] = lo+l*span, lo+u*span
	}
	g.Calibrated = true
}

// disagreement is the weighted standard deviation, per point, of the
// neighbours' target spectra (library scale, [0, 1]) under weights w.
func disagreement(lib *retrieval.Library, nbrs []retrieval.Neighbour, n int) []float64 {
	mean, sq := make([]float64, n), make([]float64, n)
	total := 0.0
	for _, nb := range nbrs {
		w := math.Max(nb.Weight, 0)
		if w == 0 {
			continue
		}
		total += w
		for j, v := range lib.Entries[nb.Index].Target {
			mean[j] += w * float64(v)
			sq[j] += w * float64(v) * float64(v)
		}
	}
	if total == 0 {
		return nil
	}
	sd := make([]float64, n)
	for j := range mean {
		m := mean[j] / total
		sd[j] = math.Sqrt(math.Max(0, sq[j]/total-m*m))
	}
	return sd
}

// EvalSamples is how many latent samples a scored prediction and its band
// average: the evaluation protocol's, so the band is calibrated as it is
// scored.
const EvalSamples = 32

// calibrateBand fits the band's scale and floor on held-out examples whose
// generated spectra (uncalibrated, with latent samples) are gens.
func calibrateBand(exs []Example, gens []Generated, xs []float64) (*Band, error) {
	type point struct{ c, hl, hu, t float64 }
	var pts []point
	species := map[string]bool{}
	raw := 0
	for i, e := range exs {
		c, latLo, latUp, dis, _, _ := halfWidths(&gens[i])
		in := e.Target.Measured(xs)
		species[e.Species] = true
		for j := range c {
			if in != nil && !in[j] {
				continue
			}
			t := float64(e.Tgt[j])
			pts = append(pts, point{c[j], latLo[j] + dis[j], latUp[j] + dis[j], t})
			if gens[i].Lower != nil && c[j]-latLo[j] <= t && t <= c[j]+latUp[j] {
				raw++ // inside the latent samples' own band
			}
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("no held-out points to calibrate the band on")
	}
	// Quarters of the points by raw half-width, for the evenness criterion.
	order := make([]int, len(pts))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool {
		return pts[order[a]].hl+pts[order[a]].hu < pts[order[b]].hl+pts[order[b]].hu
	})
	quarter := make([]int, len(pts))
	for rank, k := range order {
		quarter[k] = min(3, 4*rank/len(pts))
	}
	var best *Band
	bestUneven := math.Inf(1)
	r := make([]float64, len(pts))
	for _, floor := range bandFloors {
		for k, p := range pts {
			r[k] = ratio(p.c-p.t, p.hl+floor)
			if up := ratio(p.t-p.c, p.hu+floor); up > r[k] {
				r[k] = up
			}
		}
		sorted := append([]float64(nil), r...)
		sort.Float64s(sorted)
		// The finite-sample conformal quantile: the ⌈(n+1)·level⌉-th smallest.
		idx := min(len(sorted)-1, int(math.Ceil(float64(len(sorted)+1)*BandLevel))-1)
		q := sorted[idx]
		if math.IsInf(q, 1) {
			continue // the floor is too small to hold that many points at any scale
		}
		width, in := 0.0, 0
		var qIn, qN [4]int
		for k, p := range pts {
			l, u := math.Max(0, p.c-q*(p.hl+floor)), math.Min(1, p.c+q*(p.hu+floor))
			width += u - l
			qN[quarter[k]]++
			if l <= p.t && p.t <= u {
				in++
				qIn[quarter[k]]++
			}
		}
		uneven := 0.0
		for a := range qN {
			if qN[a] > 0 {
				uneven = math.Max(uneven, math.Abs(float64(qIn[a])/float64(qN[a])-BandLevel))
			}
		}
		b := &Band{Level: BandLevel, Scale: q, Floor: floor, Pairs: len(exs), Species: len(species), Points: len(pts),
			Coverage: float64(in) / float64(len(pts)), RawCoverage: float64(raw) / float64(len(pts)), Width: width / float64(len(pts))}
		// Near-ties in evenness (0.3 points of coverage) go to the narrower band.
		if best == nil || uneven < bestUneven-0.003 || (uneven <= bestUneven+0.003 && b.Width < best.Width) {
			bestUneven, best = math.Min(uneven, bestUneven), b
		}
	}
	if best == nil {
		return nil, fmt.Errorf("the band could not be calibrated on %d points", len(pts))
	}
	return best, nil
}

// ratio is a/b for the conformity score: 0 when a ≤ 0, +Inf when b is 0.
func ratio(a, b float64) float64 {
	switch {
	case a <= 0:
		return 0
	case b <= 0:
		return math.Inf(1)
	}
	return a / b
}

// CalibrateBand generates the held-out examples' spectra with g (its band
// uncalibrated; a retrieval model looks neighbours up in lib, the pairs it
// trained on) and fits the band on them. It logs the result to log.
func CalibrateBand(g *Generator, lib *retrieval.Library, exs []Example, log io.Writer) (*Band, error) {
	view := *g
	if lib != nil {
		view.Library = lib
	}
	info := *g.Info
	info.Band = nil
	view.Info = &info
	srcs := make([]*spectro.Spectrum, len(exs))
	for i, e := range exs {
		srcs[i] = e.Source
	}
	gens, err := view.Generate(srcs, EvalSamples, 1)
	if err != nil {
		return nil, err
	}
	b, err := calibrateBand(exs, gens, spectro.DefaultGrid(g.dir.To).Points())
	if err != nil {
		return nil, err
	}
	if log != nil {
		fmt.Fprintf(log, "band calibrated on %d held-out pairs of %d species (%d points): the latent 5–95 %% band held %.0f%% of them, the calibrated one %.0f%% (scale %.2f, floor %.3f, mean width %.2f)\n",
			b.Pairs, b.Species, b.Points, 100*b.RawCoverage, 100*b.Coverage, b.Scale, b.Floor, b.Width)
	}
	return b, nil
}
