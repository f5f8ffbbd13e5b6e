package spectro

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/integrate"
)

// Metadata describes where a spectrum comes from and what it is of.
type Metadata struct {
	Mineral   string            `json:"mineral,omitempty"`   // mineral or species name, e.g. "Calcite"
	RRUFFID   string            `json:"rruff_id,omitempty"`  // RRUFF sample id, e.g. "R050127-1"
	Chemistry string            `json:"chemistry,omitempty"` // ideal chemistry in RRUFF markup, e.g. "CaCO_3_"
	Source    string            `json:"source,omitempty"`    // the file it was read from, if any
	Extra     map[string]string `json:"extra,omitempty"`     // any other key/values (laser, locality, ...)
}

// Clone returns a deep copy of the metadata.
func (m Metadata) Clone() Metadata {
	if m.Extra != nil {
		extra := make(map[string]string, len(m.Extra))
		for k, v := range m.Extra {
			extra[k] = v
		}
		m.Extra = extra
	}
	return m
}

// ExtraKeys returns the keys of Extra in sorted order.
func (m Metadata) ExtraKeys() []string {
	keys := make([]string, 0, len(m.Extra))
	for k := range m.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Set stores a free key/value, creating the map if needed.
func (m *Metadata) Set(key, value string) {
	if m.Extra == nil {
		m.Extra = map[string]string{}
	}
	m.Extra[key] = value
}

// Spectrum is a measured or generated spectrum: intensities Y at positions X of a
// given modality. X is strictly increasing once a spectrum is valid.
type Spectrum struct {
	Modality Modality
	X, Y     []float64
	Meta     Metadata
}

// New returns a spectrum after checking it with Validate.
func New(m Modality, x, y []float64) (*Spectrum, error) {
	s := &Spectrum{Modality: m, X: x, Y: y}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// FromGrid returns a spectrum whose x axis is the grid g.
func FromGrid(m Modality, g Grid, y []float64) (*Spectrum, error) {
	if len(y) != g.N {
		return nil, fmt.Errorf("spectrum on grid %v needs %d values, got %d", g, g.N, len(y))
	}
	return New(m, g.Points(), y)
}

// Len is the number of points.
func (s *Spectrum) Len() int { return len(s.X) }

// Clone returns a deep copy.
func (s *Spectrum) Clone() *Spectrum {
	return &Spectrum{
		Modality: s.Modality,
		X:        append([]float64(nil), s.X...),
		Y:        append([]float64(nil), s.Y...),
		Meta:     s.Meta.Clone(),
	}
}

// Name identifies the spectrum in messages: its source file, else mineral and id.
func (s *Spectrum) Name() string {
	switch {
	case s.Meta.Source != "":
		return s.Meta.Source
	case s.Meta.Mineral != "" || s.Meta.RRUFFID != "":
		return fmt.Sprintf("%s %s %s", s.Meta.Mineral, s.Meta.RRUFFID, s.Modality)
	}
	return fmt.Sprintf("%s spectrum", s.Modality)
}

// ErrNotIncreasing is wrapped by Validate when X is not strictly increasing;
// Tidy repairs exactly this fault.
var ErrNotIncreasing = errors.New("x is not strictly increasing")

func isBad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// Validate checks that the spectrum has a known modality, at least two points, as
// many intensities as positions, only finite values and a strictly increasing x
// axis. Errors name the offending point (0-based index).
func (s *Spectrum) Validate() error {
	if err := s.checkValues(); err != nil {
		return err
	}
	for i := 1; i < len(s.X); i++ {
		if !(s.X[i] > s.X[i-1]) {
			return fmt.Errorf("%s: point %d: %w (x=%g after x=%g)", s.Name(), i, ErrNotIncreasing, s.X[i], s.X[i-1])
		}
	}
	return nil
}

// checkValues is Validate without the ordering check.
func (s *Spectrum) checkValues() error {
	if !s.Modality.Valid() {
		return fmt.Errorf("%s: unknown modality %q", s.Name(), s.Modality)
	}
	if len(s.X) != len(s.Y) {
		return fmt.Errorf("%s: %d x values but %d intensities", s.Name(), len(s.X), len(s.Y))
	}
	if len(s.X) < 2 {
		return fmt.Errorf("%s: needs at least 2 points, got %d", s.Name(), len(s.X))
	}
	for i := range s.X {
		if isBad(s.X[i]) {
			return fmt.Errorf("%s: point %d: x is %g", s.Name(), i, s.X[i])
		}
		if isBad(s.Y[i]) {
			return fmt.Errorf("%s: point %d (x=%g): intensity is %g", s.Name(), i, s.X[i], s.Y[i])
		}
	}
	return nil
}

// Tidy returns a valid copy of a spectrum whose x axis may be unordered or
// repeat itself (decreasing wavenumbers are common in IR files): points are
// sorted by x and intensities at equal x are averaged. NaN, Inf and length
// faults are still errors.
func (s *Spectrum) Tidy() (*Spectrum, error) {
	if err := s.checkValues(); err != nil {
		return nil, err
	}
	out := s.Clone()
	if s.Validate() == nil {
		return out, nil
	}
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
	out.X, out.Y = out.X[:0], out.Y[:0]
	for start := 0; start < len(idx); {
		end, sum := start, 0.0
		for end < len(idx) && s.X[idx[end]] == s.X[idx[start]] {
			sum += s.Y[idx[end]]
			end++
		}
		out.X = append(out.X, s.X[idx[start]])
		out.Y = append(out.Y, sum/float64(end-start))
		start = end
	}
	if len(out.X) < 2 {
		return nil, fmt.Errorf("%s: fewer than 2 distinct x values", s.Name())
	}
	return out, nil
}

// Range returns the first and last x.
func (s *Spectrum) Range() (lo, hi float64) { return s.X[0], s.X[len(s.X)-1] }

// Measured marks the grid points xs inside the spectrum's measured range (nil
// for a nil or empty spectrum: every point counts). Outside it a spectrum on
// a grid is 0 only because it was not measured, so the evaluation protocol
// does not score band coverage there.
func (s *Spectrum) Measured(xs []float64) []bool {
	if s == nil || s.Len() == 0 {
		return nil
	}
	lo, hi := s.Range()
	return InRange(xs, lo, hi)
}

// InRange marks the points xs inside [lo, hi].
func InRange(xs []float64, lo, hi float64) []bool {
	in := make([]bool, len(xs))
	for j, x := range xs {
		in[j] = x >= lo && x <= hi
	}
	return in
}

// ValueAt interpolates the intensity linearly at x; outside the measured range
// it returns 0 (no measurement there, as the evaluation protocol specifies).
func (s *Spectrum) ValueAt(x float64) float64 {
	n := len(s.X)
	if n == 0 || x < s.X[0] || x > s.X[n-1] {
		return 0
	}
	j := sort.SearchFloat64s(s.X, x) // first index with X[j] >= x
	if s.X[j] == x {
		return s.Y[j]
	}
	x0, x1 := s.X[j-1], s.X[j]
	t := (x - x0) / (x1 - x0)
	return s.Y[j-1] + t*(s.Y[j]-s.Y[j-1])
}

// Resample interpolates the spectrum linearly onto grid g, with 0 outside the
// measured range. The spectrum must be valid.
func (s *Spectrum) Resample(g Grid) (*Spectrum, error) {
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("%s: resample: %w", s.Name(), err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := &Spectrum{Modality: s.Modality, X: g.Points(), Y: make([]float64, g.N), Meta: s.Meta.Clone()}
	for i, x := range out.X {
		out.Y[i] = s.ValueAt(x)
	}
	return out, nil
}

// Crop keeps the points with lo ≤ x ≤ hi.
func (s *Spectrum) Crop(lo, hi float64) (*Spectrum, error) {
	if !(lo < hi) {
		return nil, fmt.Errorf("%s: crop range [%g, %g] is empty", s.Name(), lo, hi)
	}
	out := &Spectrum{Modality: s.Modality, Meta: s.Meta.Clone()}
	for i, x := range s.X {
		if x >= lo && x <= hi {
			out.X = append(out.X, x)
			out.Y = append(out.Y, s.Y[i])
		}
	}
	if len(out.X) < 2 {
		return nil, fmt.Errorf("%s: crop [%g, %g] keeps %d points of %g–%g, need 2", s.Name(), lo, hi, len(out.X), s.X[0], s.X[len(s.X)-1])
	}
	return out, nil
}

// Norm is a way of scaling intensities.
type Norm int

const (
	// MinMax maps the intensities onto [0, 1] (the evaluation protocol's scaling).
	MinMax Norm = iota
	// MaxNorm divides by the largest absolute intensity.
	MaxNorm
	// Area divides by the trapezoidal area under the curve.
	Area
)

// String names the scaling.
func (n Norm) String() string {
	return [...]string{"min-max", "max", "area"}[n]
}

// Normalize returns a copy of the spectrum scaled by method n. A spectrum with
// nothing to scale by (constant for MinMax, all zero for MaxNorm, zero area) is
// an error, not a division by zero.
func (s *Spectrum) Normalize(n Norm) (*Spectrum, error) {
	out := s.Clone()
	switch n {
	case MinMax:
		lo, hi := floats.Min(s.Y), floats.Max(s.Y)
		if !(hi > lo) {
			return nil, fmt.Errorf("%s: min-max normalisation of a constant spectrum (all %g)", s.Name(), lo)
		}
		floats.AddConst(-lo, out.Y)
		floats.Scale(1/(hi-lo), out.Y)
	case MaxNorm:
		m := math.Max(math.Abs(floats.Min(s.Y)), math.Abs(floats.Max(s.Y)))
		if m == 0 {
			return nil, fmt.Errorf("%s: max normalisation of an all-zero spectrum", s.Name())
		}
		floats.Scale(1/m, out.Y)
	case Area:
		a := integrate.Trapezoidal(s.X, s.Y)
		if a == 0 || isBad(a) {
			return nil, fmt.Errorf("%s: area normalisation: area is %g", s.Name(), a)
		}
		floats.Scale(1/a, out.Y)
	default:
		return nil, fmt.Errorf("%s: unknown normalisation %d", s.Name(), int(n))
	}
	return out, nil
}

// ParseNorm reads "minmax", "max" or "area".
func ParseNorm(s string) (Norm, error) {
	switch s {
	case "minmax", "min-max":
		return MinMax, nil
	case "max":
		return MaxNorm, nil
	case "area":
		return Area, nil
	}
	return 0, fmt.Errorf("unknown normalisation %q: want minmax, max or area", s)
}

// OnGrid is the evaluation protocol's standard form of a spectrum: resampled
// onto grid g (0 outside the measured range) and min-max scaled to [0, 1].
func (s *Spectrum) OnGrid(g Grid) (*Spectrum, error) {
	r, err := s.Resample(g)
	if err != nil {
		return nil, err
	}
	return r.Normalize(MinMax)
}
