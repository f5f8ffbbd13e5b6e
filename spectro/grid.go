package spectro

import "fmt"

// Grid is an evenly spaced x axis from Start to Stop inclusive with N points.
type Grid struct {
	Start, Stop float64
	N           int
}

// DefaultGridPoints is the number of points of the default grids.
const DefaultGridPoints = 1024

// DefaultGrid returns the evaluation protocol's grid of a modality: infrared
// 400–4000 cm⁻¹, Raman 100–1500 cm⁻¹, XRD 5–90 °2θ, 1024 points each.
func DefaultGrid(m Modality) Grid {
	switch m {
	case Infrared:
		return Grid{Start: 400, Stop: 4000, N: DefaultGridPoints}
	case Raman:
		return Grid{Start: 100, Stop: 1500, N: DefaultGridPoints}
	case XRD:
		return Grid{Start: 5, Stop: 90, N: DefaultGridPoints}
	}
	panic(fmt.Sprintf("spectro.DefaultGrid: unknown modality %q", m))
}

// Validate reports whether the grid has at least two points and Start < Stop.
func (g Grid) Validate() error {
	if g.N < 2 {
		return fmt.Errorf("grid needs at least 2 points, got %d", g.N)
	}
	if !(g.Start < g.Stop) || isBad(g.Start) || isBad(g.Stop) {
		return fmt.Errorf("grid start %g must be finite and below stop %g", g.Start, g.Stop)
	}
	return nil
}

// Step is the spacing between neighbouring points.
func (g Grid) Step() float64 { return (g.Stop - g.Start) / float64(g.N-1) }

// At returns the i-th point of the grid.
func (g Grid) At(i int) float64 {
	if i == g.N-1 {
		return g.Stop // exact, free of rounding
	}
	return g.Start + float64(i)*g.Step()
}

// Points returns the grid's x values.
func (g Grid) Points() []float64 {
	xs := make([]float64, g.N)
	for i := range xs {
		xs[i] = g.At(i)
	}
	return xs
}

// Index returns the fractional index of x on the grid (may lie outside [0, N-1]).
func (g Grid) Index(x float64) float64 { return (x - g.Start) / g.Step() }

// String formats the grid as "start–stop (N points)".
func (g Grid) String() string { return fmt.Sprintf("%g–%g (%d points)", g.Start, g.Stop, g.N) }
