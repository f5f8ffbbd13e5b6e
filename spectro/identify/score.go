package identify

import (
	"fmt"
	"math"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/peaks"
)

// Score is a way of comparing two spectra (see the package doc).
type Score int

const (
	Auto Score = iota
	Correlation
	Derivative
	Euclidean
	Peaks
	Contrast
)

// Scores lists every score, Auto first.
var Scores = []Score{Auto, Correlation, Derivative, Euclidean, Peaks, Contrast}

func (s Score) String() string {
	switch s {
	case Auto:
		return "auto"
	case Correlation:
		return "correlation"
	case Derivative:
		return "derivative"
	case Euclidean:
		return "euclidean"
	case Peaks:
		return "peaks"
	case Contrast:
		return "contrast"
	}
	return fmt.Sprintf("Score(%d)", int(s))
}

// ParseScore reads a score's name.
func ParseScore(name string) (Score, error) {
	for _, s := range Scores {
		if strings.EqualFold(name, s.String()) {
			return s, nil
		}
	}
	names := make([]string, len(Scores))
	for i, s := range Scores {
		names[i] = s.String()
	}
	return 0, fmt.Errorf("unknown score %q: want one of %s", name, strings.Join(names, ", "))
}

// AutoWeights is the Auto score: a weighted mean of other scores' HQIs,
// chosen on species-disjoint validation (half the species of RRUFF's
// infrared and Raman folders, by a hash of the name; spectrogen identify
// --evaluate measures every score). The contrast correlation ranked best or
// level with the best alone; mixing in the derivative, line or plain
// correlation scores moved top-1 by at most ±0.01 on the validation half,
// within the noise of a few hundred queries, so Auto is the contrast score
// until a mix earns its place. Its half width (±25 points) and square root
// were chosen the same way among ±12/25/50 and powers 0.33/0.5/0.75.
var AutoWeights = []Weighted{{Contrast, 1}}

// Weighted is one part of the Auto score.
type Weighted struct {
	Score  Score
	Weight float64
}

// contrastHalfWidth is the moving average's half width (grid points) removed
// from the square-rooted spectrum by the Contrast score (the retrieval's high
// pass, which the generator's neighbours are found with).
const contrastHalfWidth = 25

// peakProminence and maxPeaks define the lines the Peaks score matches: the
// evaluation protocol's prominence, and enough lines for a mineral's
// fingerprint without counting noise.
const (
	peakProminence = 0.02
	maxPeaks       = 15
)

// vec is one transformed spectrum with its valid range and its totals there.
type vec struct {
	v          []float32
	lo, hi     int
	sum, sumSq float64
	// pre, preSq are prefix sums (index i: the sum over lo..lo+i−1), kept for
	// the unknown only, whose ranges vary from entry to entry.
	pre, preSq []float64
}

func newVec(v []float32, lo, hi int, prefix bool) vec {
	x := vec{v: v, lo: lo, hi: hi}
	if prefix {
		x.pre = make([]float64, hi-lo+2)
		x.preSq = make([]float64, hi-lo+2)
	}
	for i := lo; i <= hi; i++ {
		f := float64(v[i])
		x.sum += f
		x.sumSq += f * f
		if prefix {
			x.pre[i-lo+1] = x.sum
			x.preSq[i-lo+1] = x.sumSq
		}
	}
	return x
}

// sums returns Σv and Σv² over a..b (inside lo..hi).
func (x *vec) sums(a, b int) (s, sq float64) {
	if a == x.lo && b == x.hi {
		return x.sum, x.sumSq
	}
	if x.pre != nil {
		return x.pre[b-x.lo+1] - x.pre[a-x.lo], x.preSq[b-x.lo+1] - x.preSq[a-x.lo]
	}
	for i := a; i <= b; i++ {
		f := float64(x.v[i])
		s += f
		sq += f * f
	}
	return s, sq
}

// line is one line of a spectrum for the Peaks score.
type line struct {
	index      int
	x, weight  float64
	prominence float64
}

// views are the forms of one spectrum the scores compare.
type views struct {
	modality              spectro.Modality
	grid                  spectro.Grid
	raw, deriv, contrast  vec
	lines                 []line
	lo, hi                int
	rawSum, rawSumOverlap float64
}

func newViews(m spectro.Modality, g spectro.Grid, y []float32, lo, hi int, unknown ...bool) *views {
	prefix := len(unknown) > 0 && unknown[0]
	v := &views{modality: m, grid: g, lo: lo, hi: hi}
	v.raw = newVec(y, lo, hi, prefix)
	d := make([]float32, len(y))
	for i := lo; i < hi; i++ {
		d[i] = y[i+1] - y[i]
	}
	v.deriv = newVec(d, lo, hi-1, prefix)
	v.contrast = newVec(contrastOf(y, lo, hi), lo, hi, prefix)
	v.lines = linesOf(y, lo, hi, g)
	return v
}

// contrastOf is √y minus its moving average over ±contrastHalfWidth points,
// within the measured range.
func contrastOf(y []float32, lo, hi int) []float32 {
	n := hi - lo + 1
	s := make([]float64, n)
	prefix := make([]float64, n+1)
	for i := range n {
		s[i] = math.Sqrt(max(float64(y[lo+i]), 0))
		prefix[i+1] = prefix[i] + s[i]
	}
	out := make([]float32, len(y))
	for i := range n {
		a, b := max(0, i-contrastHalfWidth), min(n-1, i+contrastHalfWidth)
		out[lo+i] = float32(s[i] - (prefix[b+1]-prefix[a])/float64(b-a+1))
	}
	return out
}

func linesOf(y []float32, lo, hi int, g spectro.Grid) []line {
	seg := make([]float64, hi-lo+1)
	for i := range seg {
		seg[i] = float64(y[lo+i])
	}
	found := peaks.TopByProminence(peaks.Find(seg, peaks.Options{MinProminence: peakProminence}), maxPeaks)
	out := make([]line, len(found))
	for i, p := range found {
		out[i] = line{index: lo + p.Index, x: g.At(lo + p.Index), weight: p.Prominence, prominence: p.Prominence}
	}
	return out
}

// overlap is the range two spectra share, narrowed to the user's range
// (grid indices); ok is false when it is under minOverlap of the unknown's.
func overlap(q, e *views, keep [2]int) (a, b int, ok bool) {
	a, b = max(q.lo, e.lo, keep[0]), min(q.hi, e.hi, keep[1])
	span := min(q.hi, keep[1]) - max(q.lo, keep[0])
	return a, b, b-a >= 2 && float64(b-a) >= minOverlap*float64(span)
}

// pearson is the correlation of q and e over a..b, skipping masked points
// (mask nil: none).
func pearson(q, e *vec, a, b int, mask []bool) float64 {
	a, b = max(a, q.lo, e.lo), min(b, q.hi, e.hi)
	if b-a < 2 {
		return 0
	}
	var sq, sqq, se, see, sqe float64
	var n float64
	if mask == nil {
		sq, sqq = q.sums(a, b)
		se, see = e.sums(a, b)
		n = float64(b - a + 1)
		qv, ev := q.v[a:b+1], e.v[a:b+1]
		var dot float32
		for i, x := range qv {
			dot += x * ev[i]
		}
		sqe = float64(dot)
	} else {
		for i := a; i <= b; i++ {
			if mask[i] {
				continue
			}
			x, y := float64(q.v[i]), float64(e.v[i])
			sq, sqq, se, see, sqe = sq+x, sqq+x*x, se+y, see+y*y, sqe+x*y
			n++
		}
	}
	if n < 3 {
		return 0
	}
	vq, ve := sqq-sq*sq/n, see-se*se/n
	if !(vq > 0 && ve > 0) {
		return 0
	}
	return min((sqe-sq*se/n)/math.Sqrt(vq*ve), 1) // float32 sums may round past 1
}

// cosine is the uncentred cosine of q and e over a..b.
func cosine(q, e *vec, a, b int, mask []bool) float64 {
	var qq, ee, qe float64
	for i := a; i <= b; i++ {
		if mask != nil && mask[i] {
			continue
		}
		x, y := float64(q.v[i]), float64(e.v[i])
		qq, ee, qe = qq+x*x, ee+y*y, qe+x*y
	}
	if !(qq > 0 && ee > 0) {
		return 0
	}
	return min(qe/math.Sqrt(qq*ee), 1)
}

// lineMatch is the Peaks score's share, in [0, 1]: the harmonic mean of the
// prominence-weighted shares of q's lines found in e and e's in q, over a..b.
func lineMatch(q, e *views, a, b int, mask []bool, tol float64) float64 {
	forward := matched(q.lines, e.lines, a, b, mask, tol)
	reverse := matched(e.lines, q.lines, a, b, mask, tol)
	if forward+reverse == 0 {
		return 0
	}
	return 2 * forward * reverse / (forward + reverse)
}

func matched(from, in []line, a, b int, mask []bool, tol float64) float64 {
	var total, found float64
	for _, l := range from {
		if l.index < a || l.index > b || (mask != nil && mask[l.index]) {
			continue
		}
		total += l.weight
		for _, m := range in {
			if math.Abs(m.x-l.x) <= tol {
				found += l.weight
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return found / total
}

// hqi is the hit-quality index (0–100) of entry e for unknown q by score s
// over a..b.
func hqi(s Score, q, e *views, a, b int, mask []bool) float64 {
	switch s {
	case Correlation:
		return 100 * squarePositive(pearson(&q.raw, &e.raw, a, b, mask))
	case Derivative:
		return 100 * squarePositive(pearson(&q.deriv, &e.deriv, a, b-1, mask))
	case Euclidean:
		return 100 * max(cosine(&q.raw, &e.raw, a, b, mask), 0)
	case Peaks:
		return 100 * lineMatch(q, e, a, b, mask, q.modality.PeakTolerance())
	case Contrast:
		return 100 * squarePositive(pearson(&q.contrast, &e.contrast, a, b, mask))
	case Auto:
		total, sum := 0.0, 0.0
		for _, p := range AutoWeights {
			sum += p.Weight * hqi(p.Score, q, e, a, b, mask)
			total += p.Weight
		}
		return sum / total
	}
	return 0
}

func squarePositive(r float64) float64 {
	if r <= 0 {
		return 0
	}
	return r * r
}
