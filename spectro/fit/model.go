// Package fit fits spectra as sums of line shapes plus a polynomial baseline, by
// bounded Levenberg–Marquardt nonlinear least squares with the analytic Jacobian
// of the line shapes — lmfit's model, with far higher throughput.
//
//	m, err := fit.Guess(x, y, lineshape.PseudoVoigt, fit.GuessOptions{MaxPeaks: 8, Baseline: 1})
//	res, err := fit.Fit(x, y, m, fit.Options{})
//	fmt.Print(res.Report())
//
// Parameters carry a value, bounds, and may be fixed (Vary false) or tied to
// another parameter (value = Scale·other + Offset). Results give standard errors
// from the covariance matrix, χ², reduced χ², AIC, BIC and R², a report in the
// spirit of lmfit's, and JSON. FitBest chooses the line shape by BIC; FitBatch
// fits many spectra in parallel.
//
// gonum has no Levenberg–Marquardt (its optimize package minimises scalar
// functions without least-squares structure), so the solver is written here,
// after Moré, "The Levenberg–Marquardt algorithm: implementation and theory"
// (1978) with Marquardt's diagonal scaling and bounds by projection.
package fit

import (
	"fmt"
	"math"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Param is one model parameter.
type Param struct {
	Name    string  `json:"name"`
	Value   float64 `json:"value"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Vary    bool    `json:"vary"`
	Tie     *Tie    `json:"tie,omitempty"`
	Init    float64 `json:"init"`
	Stderr  float64 `json:"stderr"`   // NaN when not estimated
	AtBound bool    `json:"at_bound"` // the fitted value sits on a bound: its stderr is unreliable
}

// Tie makes a parameter follow another: value = Scale·params[To] + Offset.
type Tie struct {
	To     int     `json:"to"`
	Scale  float64 `json:"scale"`
	Offset float64 `json:"offset"`
}

// Model is a sum of K peaks of one shape plus a polynomial baseline in
// t = (x − XMid)/XHalf (so its coefficients stay well scaled).
type Model struct {
	Shape         lineshape.Shape
	K             int
	BaselineOrder int // −1: none, 0: constant, 1: linear, 2: quadratic, ...
	XMid, XHalf   float64
	Params        []Param
}

// np is the number of parameters per peak.
func (m *Model) np() int { return m.Shape.NumParams() }

// NewModel makes a model with K peaks (all parameters 0 and free, unbounded)
// and a baseline of the given order over x range [lo, hi]. Use Guess for a
// model with initial values from the data.
func NewModel(shape lineshape.Shape, k, baselineOrder int, lo, hi float64) *Model {
	m := &Model{Shape: shape, K: k, BaselineOrder: baselineOrder, XMid: (lo + hi) / 2, XHalf: math.Max((hi-lo)/2, 1e-300)}
	for i := 0; i < k; i++ {
		for _, n := range shape.ParamNames() {
			m.Params = append(m.Params, Param{Name: fmt.Sprintf("p%d_%s", i+1, n), Min: math.Inf(-1), Max: math.Inf(1), Vary: true})
		}
	}
	for j := 0; j <= baselineOrder; j++ {
		m.Params = append(m.Params, Param{Name: fmt.Sprintf("bl_c%d", j), Min: math.Inf(-1), Max: math.Inf(1), Vary: true})
	}
	return m
}

// Index returns the index of the named parameter, or −1.
func (m *Model) Index(name string) int {
	for i, p := range m.Params {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// PeakParams returns the slice of values of peak i within p.
func (m *Model) PeakParams(p []float64, i int) []float64 { return p[i*m.np() : (i+1)*m.np()] }

// Values returns the current parameter values.
func (m *Model) Values() []float64 {
	v := make([]float64, len(m.Params))
	for i, p := range m.Params {
		v[i] = p.Value
	}
	return v
}

// Eval writes the model at each x into out (len(x)) for parameter values p.
func (m *Model) Eval(x, p, out []float64) {
	np := m.np()
	base := m.K * np
	for i, xv := range x {
		v := 0.0
		for k := 0; k < m.K; k++ {
			v += m.Shape.Eval(xv, p[k*np:(k+1)*np])
		}
		t, tp := (xv-m.XMid)/m.XHalf, 1.0
		for j := 0; j <= m.BaselineOrder; j++ {
			v += p[base+j] * tp
			tp *= t
		}
		out[i] = v
	}
}

// Components returns each peak's curve and the baseline at x (lmfit's eval_components).
func (m *Model) Components(x, p []float64) (peaks [][]float64, baseline []float64) {
	np := m.np()
	peaks = make([][]float64, m.K)
	for k := range peaks {
		peaks[k] = make([]float64, len(x))
		for i, xv := range x {
			peaks[k][i] = m.Shape.Eval(xv, p[k*np:(k+1)*np])
		}
	}
	baseline = make([]float64, len(x))
	base := m.K * np
	for i, xv := range x {
		t, tp := (xv-m.XMid)/m.XHalf, 1.0
		for j := 0; j <= m.BaselineOrder; j++ {
			baseline[i] += p[base+j] * tp
			tp *= t
		}
	}
	return peaks, baseline
}

// evalJac writes the model into f and its Jacobian with respect to every
// parameter into jac (row-major, len(x) × len(p)).
func (m *Model) evalJac(x, p, f, jac []float64) {
	np := m.np()
	nP := len(p)
	base := m.K * np
	grad := make([]float64, np)
	for i, xv := range x {
		row := jac[i*nP : (i+1)*nP]
		v := 0.0
		for k := 0; k < m.K; k++ {
			v += m.Shape.Grad(xv, p[k*np:(k+1)*np], grad)
			copy(row[k*np:(k+1)*np], grad)
		}
		t, tp := (xv-m.XMid)/m.XHalf, 1.0
		for j := 0; j <= m.BaselineOrder; j++ {
			v += p[base+j] * tp
			row[base+j] = tp
			tp *= t
		}
		f[i] = v
	}
}

// Peaks converts fitted values to a peak table (centre, FWHM, height,
// Lorentzian fraction), the representation the rest of the project uses.
func (m *Model) Peaks(p []float64) spectro.PeakTable {
	t := make(spectro.PeakTable, m.K)
	for k := 0; k < m.K; k++ {
		q := m.PeakParams(p, k)
		t[k] = spectro.Peak{Center: q[0], FWHM: m.Shape.FWHM(q), Height: m.Shape.Height(q), Eta: m.Shape.LorentzFraction(q)}
	}
	return t
}

// Describe names the model: "4 × pvoigt peaks + linear baseline".
func (m *Model) Describe() string {
	bl := [...]string{"constant", "linear", "quadratic", "cubic"}
	b := "no baseline"
	switch {
	case m.BaselineOrder >= 0 && m.BaselineOrder < len(bl):
		b = bl[m.BaselineOrder] + " baseline"
	case m.BaselineOrder >= len(bl):
		b = fmt.Sprintf("order-%d polynomial baseline", m.BaselineOrder)
	}
	return fmt.Sprintf("%d × %s peaks + %s", m.K, m.Shape, b)
}
