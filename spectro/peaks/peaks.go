// Package peaks finds peaks in a sampled signal with the definitions of
// scipy.signal — find_peaks, peak_prominences and peak_widths — so that
// prominence thresholds and widths mean the same here as in the literature and
// in the evaluation protocol (pk@5v5 uses prominence ≥ 0.02 as scipy defines it).
//
// Indices are sample indices; Peak.X and XWidth convert to the x axis.
package peaks

import (
	"math"
	"sort"
)

// Peak is one local maximum of a signal with its scipy-style properties.
type Peak struct {
	Index        int     `json:"index"`        // sample index (middle of a plateau)
	Height       float64 `json:"height"`       // y at Index
	Prominence   float64 `json:"prominence"`   // height above the higher of the two bases
	LeftBase     int     `json:"left_base"`    // index of the lowest point on the left within the peak's reach
	RightBase    int     `json:"right_base"`   // same on the right
	Width        float64 `json:"width"`        // width in samples at Height − RelHeight·Prominence
	WidthHeight  float64 `json:"width_height"` // the height where Width was measured
	LeftIP       float64 `json:"left_ip"`      // interpolated left intersection (fractional index)
	RightIP      float64 `json:"right_ip"`     // interpolated right intersection
	PlateauLeft  int     `json:"plateau_left"` // first index of the plateau (= Index for a sharp peak)
	PlateauRight int     `json:"plateau_right"`
}

// Options filter the peaks Find returns. Zero values mean "no condition",
// except RelHeight (0 means the default 0.5).
type Options struct {
	MinHeight     float64 // keep peaks with y ≥ MinHeight (when HasMinHeight)
	HasMinHeight  bool
	MinProminence float64 // keep peaks with prominence ≥ MinProminence
	Distance      int     // minimal distance in samples between peaks (≥ 1); the higher peak wins
	MinWidth      float64 // keep peaks at least this wide (samples) at RelHeight
	RelHeight     float64 // where widths are measured, as a fraction of the prominence (default 0.5)
	Wlen          int     // window (samples) bounding the search for bases; 0 for the whole signal
	MinPlateau    int     // keep peaks whose flat top is at least this many samples
}

// LocalMaxima returns the local maxima of y: samples higher than their left
// neighbour and than the first differing sample to the right. A flat top
// (plateau) counts once, at its middle (rounded down), as scipy does.
// The first and last samples are never peaks.
func LocalMaxima(y []float64) (mid, left, right []int) {
	n := len(y)
	i, iMax := 1, n-1
	for i < iMax {
		if y[i-1] < y[i] {
			ahead := i + 1
			for ahead < iMax && y[ahead] == y[i] {
				ahead++
			}
			if y[ahead] < y[i] {
				l, r := i, ahead-1
				mid = append(mid, (l+r)/2)
				left = append(left, l)
				right = append(right, r)
				i = ahead
			}
		}
		i++
	}
	return mid, left, right
}

// Prominence computes scipy's peak_prominences for one peak: the bases are the
// lowest points on each side before the signal rises above the peak (or the
// window wlen, if > 1, ends); the prominence is the peak's height above the
// higher base.
func Prominence(y []float64, peak, wlen int) (prom float64, leftBase, rightBase int) {
	iMin, iMax := 0, len(y)-1
	if wlen > 1 {
		iMin = max(peak-wlen/2, iMin)
		iMax = min(peak+wlen/2, iMax)
	}
	leftBase, leftMin := peak, y[peak]
	for i := peak; iMin <= i && y[i] <= y[peak]; i-- {
		if y[i] < leftMin {
			leftMin, leftBase = y[i], i
		}
	}
	rightBase, rightMin := peak, y[peak]
	for i := peak; i <= iMax && y[i] <= y[peak]; i++ {
		if y[i] < rightMin {
			rightMin, rightBase = y[i], i
		}
	}
	return y[peak] - math.Max(leftMin, rightMin), leftBase, rightBase
}

// Width computes scipy's peak_widths for one peak: where the signal crosses
// height y[peak] − relHeight·prominence on each side (linearly interpolated,
// never beyond the bases).
func Width(y []float64, peak int, relHeight, prom float64, leftBase, rightBase int) (width, height, leftIP, rightIP float64) {
	height = y[peak] - prom*relHeight
	i := peak
	for leftBase < i && height < y[i] {
		i--
	}
	leftIP = float64(i)
	if y[i] < height {
		leftIP += (height - y[i]) / (y[i+1] - y[i])
	}
	i = peak
	for i < rightBase && height < y[i] {
		i++
	}
	rightIP = float64(i)
	if y[i] < height {
		rightIP -= (height - y[i]) / (y[i-1] - y[i])
	}
	return rightIP - leftIP, height, leftIP, rightIP
}

// Find returns the peaks of y that meet the options, in order of position,
// applying scipy's find_peaks conditions in scipy's order: plateau size,
// height, distance, prominence, width.
func Find(y []float64, o Options) []Peak {
	if o.RelHeight == 0 {
		o.RelHeight = 0.5
	}
	mid, left, right := LocalMaxima(y)
	var ps []Peak
	for k, i := range mid {
		if o.MinPlateau > 0 && right[k]-left[k]+1 < o.MinPlateau {
			continue
		}
		if o.HasMinHeight && y[i] < o.MinHeight {
			continue
		}
		ps = append(ps, Peak{Index: i, Height: y[i], PlateauLeft: left[k], PlateauRight: right[k]})
	}
	if o.Distance > 1 {
		ps = selectByDistance(ps, o.Distance)
	}
	kept := ps[:0]
	for _, p := range ps {
		p.Prominence, p.LeftBase, p.RightBase = Prominence(y, p.Index, o.Wlen)
		if p.Prominence < o.MinProminence {
			continue
		}
		p.Width, p.WidthHeight, p.LeftIP, p.RightIP = Width(y, p.Index, o.RelHeight, p.Prominence, p.LeftBase, p.RightBase)
		if p.Width < o.MinWidth {
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

// selectByDistance keeps, from the highest down, peaks at least d samples from
// every higher kept peak (scipy's _select_by_peak_distance). Between equally high
// peaks closer than d, the later one is kept; scipy's choice there depends on
// numpy's unstable sort.
func selectByDistance(ps []Peak, d int) []Peak {
	n := len(ps)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ps[order[a]].Height < ps[order[b]].Height })
	keep := make([]bool, n)
	for i := range keep {
		keep[i] = true
	}
	for k := n - 1; k >= 0; k-- {
		j := order[k]
		if !keep[j] {
			continue
		}
		for i := j - 1; i >= 0 && ps[j].Index-ps[i].Index < d; i-- {
			keep[i] = false
		}
		for i := j + 1; i < n && ps[i].Index-ps[j].Index < d; i++ {
			keep[i] = false
		}
	}
	out := ps[:0]
	for i, p := range ps {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// TopByProminence returns the n most prominent peaks (all if fewer), most
// prominent first; equal prominences keep position order.
func TopByProminence(ps []Peak, n int) []Peak {
	out := append([]Peak(nil), ps...)
	sort.SliceStable(out, func(a, b int) bool { return out[a].Prominence > out[b].Prominence })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// XAt converts a fractional sample index to x by linear interpolation on xs.
func XAt(xs []float64, idx float64) float64 {
	if idx <= 0 {
		return xs[0]
	}
	n := len(xs)
	if idx >= float64(n-1) {
		return xs[n-1]
	}
	i := int(idx)
	t := idx - float64(i)
	return xs[i] + t*(xs[i+1]-xs[i])
}

// XWidth is the peak's width in x units.
func (p Peak) XWidth(xs []float64) float64 { return XAt(xs, p.RightIP) - XAt(xs, p.LeftIP) }
