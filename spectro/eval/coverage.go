package eval

import (
	"math"
)

// PeakLevel is the measured intensity (of [0, 1]) above which a point counts
// as on a peak for PeakCoverage.
const PeakLevel = 0.3

// Coverage is how well an uncertainty band l ≤ u holds one measured spectrum t
// (all on the same grid and scale, t in [0, 1]).
type Coverage struct {
	Points float64 // share of the points in t's measured range with l ≤ t ≤ u
	Peaks  float64 // the same on the points where t > PeakLevel (NaN: none)
	Width  float64 // mean u − l over those points
}

// BandCoverage scores band [lower, upper] against t on the points where
// inRange is true (nil: every point; see spectro.Spectrum.Measured) — the
// evaluation protocol's band coverage.
func BandCoverage(lower, upper, t []float64, inRange []bool) Coverage {
	var n, in, np, inp int
	width := 0.0
	for j := range t {
		if inRange != nil && !inRange[j] {
			continue
		}
		ok := lower[j] <= t[j] && t[j] <= upper[j]
		n++
		width += upper[j] - lower[j]
		if ok {
			in++
		}
		if t[j] > PeakLevel {
			np++
			if ok {
				inp++
			}
		}
	}
	c := Coverage{Points: math.NaN(), Peaks: math.NaN(), Width: math.NaN()}
	if n > 0 {
		c.Points, c.Width = float64(in)/float64(n), width/float64(n)
	}
	if np > 0 {
		c.Peaks = float64(inp) / float64(np)
	}
	return c
}

// CoverageSummary is the mean (and median) band coverage over test spectra.
// JSON keys are the ones `spectrogen eval --json` prints under "coverage".
type CoverageSummary struct {
	N            int     `json:"n"`
	Points       float64 `json:"points"`
	PointsMedian float64 `json:"points_median"`
	Peaks        float64 `json:"peaks"`
	Width        float64 `json:"width"`
}

// SummarizeCoverage averages per-spectrum coverages (each share over the
// spectra where it is defined).
func SummarizeCoverage(cs []Coverage) CoverageSummary {
	var p, pk, w []float64
	for _, c := range cs {
		if !math.IsNaN(c.Points) {
			p, w = append(p, c.Points), append(w, c.Width)
		}
		if !math.IsNaN(c.Peaks) {
			pk = append(pk, c.Peaks)
		}
	}
	zero := func(v float64) float64 { // JSON has no NaN
		if math.IsNaN(v) {
			return 0
		}
		return v
	}
	return CoverageSummary{N: len(p), Points: zero(mean(p)), PointsMedian: zero(Median(p)), Peaks: zero(mean(pk)), Width: zero(mean(w))}
}
