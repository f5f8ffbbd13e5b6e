// Package fit fits spectra — and any curve — by bounded Levenberg–Marquardt
// nonlinear least squares, after lmfit's shape: a Model is a sum of
// components (every line shape, polynomial, exponential, power-law and
// error-function-step backgrounds, a function of your own, or an expression
// written as text), each with its parameters under a prefix; parameters have
// a value, bounds, may be fixed, or tied to others by an expression.
//
//	m, err := fit.Guess(x, y, lineshape.PseudoVoigt, fit.GuessOptions{MaxPeaks: 8, Baseline: 1})
//	res, err := fit.Fit(x, y, m, fit.Options{})
//	fmt.Print(res.Report())
//
//	m, err := fit.NewSum(fit.Part{"g1_", fit.Peak{lineshape.Gaussian}}, fit.Part{"l1_", fit.Peak{lineshape.Lorentzian}},
//		fit.Part{"bg_", fit.Exponential{}})
//	m.Set("g1_center", 520, 500, 540)
//	err = m.SetExpr("l1_fwhm", "g1_fwhm")
//
//	m, err := fit.NewExpression("b1*exp(-b2*x) + b3")
//
// Line shapes and the built-in backgrounds have analytic Jacobians,
// expressions exact ones (reverse-mode differentiation, see the formula
// package), a user's function the one it supplies or central differences.
// Results give standard errors from the covariance matrix, χ², reduced χ²,
// AIC, BIC and R², a report in the spirit of lmfit's, per-component curves
// (EvalComponents) and JSON. Guess seeds peak models from data, FitBest
// chooses the line shape by BIC and FitBatch fits many spectra in parallel.
//
// gonum has no Levenberg–Marquardt (its optimize package minimises scalar
// functions without least-squares structure), so the solver is written here,
// after Moré, "The Levenberg–Marquardt algorithm: implementation and theory"
// (1978), with Marquardt's diagonal scaling, bounds by projection, and
// geodesic acceleration (Transtrum and Sethna 2012) for curved valleys.
package fit

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/fit/formula"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Param is one model parameter.
type Param struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Vary  bool    `json:"vary"`
	// Expr, if set, ties the parameter to others: its value is this
	// expression of their values (lmfit's expr), e.g. "p1_fwhm" or
	// "p1_center + 50.3". Set it with Model.SetExpr.
	Expr    string  `json:"expr,omitempty"`
	Init    float64 `json:"init"`
	Stderr  float64 `json:"stderr"`   // NaN when not estimated
	AtBound bool    `json:"at_bound"` // the fitted value sits on a bound: its stderr is unreliable
	tie     *tie
}

// tie is a compiled Expr: the formula and the model indices of its parameters.
type tie struct {
	f    *formula.Formula
	args []int
}

// Component is one additive part of a model.
type Component interface {
	// Kind names the component in reports: "gaussian", "polynomial", ...
	Kind() string
	// ParamNames are its parameters' names, before the part's prefix.
	ParamNames() []string
	// Eval is its value at x for its parameters p.
	Eval(x float64, p []float64) float64
	// Grad writes ∂value/∂p into grad and returns the value; ok false means
	// it has no analytic gradient (the solver differentiates numerically).
	Grad(x float64, p, grad []float64) (v float64, ok bool)
}

// Part is a component under a parameter-name prefix ("p1_", "bg_").
type Part struct {
	Prefix    string
	Component Component
}

// Model is a sum of parts with their parameters, in part order.
type Model struct {
	Parts  []Part
	Params []Param
	first  []int // index of each part's first parameter
}

// NewSum makes a model of the parts, every parameter 0, free and unbounded;
// a parameter name used twice is an error.
func NewSum(parts ...Part) (*Model, error) {
	m := &Model{Parts: parts}
	seen := map[string]bool{}
	for _, pt := range parts {
		if pt.Component == nil {
			return nil, fmt.Errorf("part %q has no component", pt.Prefix)
		}
		m.first = append(m.first, len(m.Params))
		for _, n := range pt.Component.ParamNames() {
			name := pt.Prefix + n
			if seen[name] {
				return nil, fmt.Errorf("parameter %s is defined twice: give the parts different prefixes", name)
			}
			seen[name] = true
			m.Params = append(m.Params, Param{Name: name, Min: math.Inf(-1), Max: math.Inf(1), Vary: true, Stderr: math.NaN()})
		}
	}
	if len(m.Params) == 0 {
		return nil, errors.New("the model has no parameter")
	}
	return m, nil
}

// NewModel makes a model of k peaks of one shape (prefixes p1_, p2_, ...) and
// a polynomial baseline of the given order (−1: none; prefix bl_) in
// t = (x − mid)/half over [lo, hi], so its coefficients stay well scaled. Use
// Guess for such a model with initial values from the data.
func NewModel(shape lineshape.Shape, k, baselineOrder int, lo, hi float64) *Model {
	var parts []Part
	for i := 1; i <= k; i++ {
		parts = append(parts, Part{fmt.Sprintf("p%d_", i), Peak{shape}})
	}
	if baselineOrder >= 0 {
		parts = append(parts, Part{"bl_", Polynomial{Order: baselineOrder, Mid: (lo + hi) / 2, Half: math.Max((hi-lo)/2, 1e-300)}})
	}
	m, err := NewSum(parts...)
	if err != nil { // only a model without parameters (k = 0, no baseline)
		return &Model{}
	}
	return m
}

// NewExpression makes a one-part model from an expression in x (see the
// formula package: "b1*exp(-b2*x) + b3"); its identifiers are the parameters.
func NewExpression(text string) (*Model, error) {
	e, err := ParseExpression(text)
	if err != nil {
		return nil, err
	}
	return NewSum(Part{"", e})
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

// Set gives a parameter its starting value and bounds.
func (m *Model) Set(name string, value, min, max float64) error {
	i := m.Index(name)
	if i < 0 {
		return fmt.Errorf("no parameter %s (the model has %s)", name, strings.Join(m.names(), ", "))
	}
	if !(min <= max) {
		return fmt.Errorf("parameter %s: bounds [%g, %g] are empty", name, min, max)
	}
	p := &m.Params[i]
	p.Value, p.Init, p.Min, p.Max = value, value, min, max
	return nil
}

func (m *Model) names() []string {
	var out []string
	for _, p := range m.Params {
		out = append(out, p.Name)
	}
	return out
}

// SetExpr ties a parameter to others by an expression of their names ("" to
// untie it). The expression may use free and fixed parameters, not other tied
// ones or itself.
func (m *Model) SetExpr(name, expr string) error {
	i := m.Index(name)
	if i < 0 {
		return fmt.Errorf("no parameter %s (the model has %s)", name, strings.Join(m.names(), ", "))
	}
	p := &m.Params[i]
	if strings.TrimSpace(expr) == "" {
		p.Expr, p.tie = "", nil
		return nil
	}
	f, err := formula.Parse(expr)
	if err != nil {
		return fmt.Errorf("parameter %s: %w", name, err)
	}
	t := &tie{f: f}
	for _, a := range f.Params {
		j := m.Index(a)
		switch {
		case j < 0:
			return fmt.Errorf("parameter %s = %s: no parameter %s", name, expr, a)
		case j == i:
			return fmt.Errorf("parameter %s = %s: a parameter cannot follow itself", name, expr)
		case m.Params[j].tie != nil:
			return fmt.Errorf("parameter %s = %s: %s is itself tied; tie both to what it follows", name, expr, a)
		}
		t.args = append(t.args, j)
	}
	for k := range m.Params {
		if m.Params[k].tie != nil && contains(m.Params[k].tie.args, i) {
			return fmt.Errorf("parameter %s follows %s, so %s cannot be tied", m.Params[k].Name, name, name)
		}
	}
	p.Expr, p.tie = expr, t
	return nil
}

func contains(v []int, x int) bool {
	for _, y := range v {
		if y == x {
			return true
		}
	}
	return false
}

// applyTies sets every tied parameter of the full vector p from the others.
func (m *Model) applyTies(p []float64) {
	var args [16]float64
	for i, q := range m.Params {
		if q.tie == nil {
			continue
		}
		a := args[:0]
		for _, j := range q.tie.args {
			a = append(a, p[j])
		}
		p[i] = q.tie.f.Eval(nil, a)
	}
}

// Values returns the current parameter values.
func (m *Model) Values() []float64 {
	v := make([]float64, len(m.Params))
	for i, p := range m.Params {
		v[i] = p.Value
	}
	return v
}

// partParams returns part k's slice of the parameter vector p.
func (m *Model) partParams(p []float64, k int) []float64 {
	end := len(p)
	if k+1 < len(m.first) {
		end = m.first[k+1]
	}
	return p[m.first[k]:end]
}

// Eval writes the model at each x into out (len(x)) for parameter values p.
func (m *Model) Eval(x, p, out []float64) {
	for i := range out {
		out[i] = 0
	}
	for k, pt := range m.Parts {
		q := m.partParams(p, k)
		if a, ok := pt.Component.(accumulator); ok {
			a.Accumulate(x, q, out, nil)
			continue
		}
		for i, xv := range x {
			out[i] += pt.Component.Eval(xv, q)
		}
	}
}

// accumulator is a component that evaluates (and differentiates) itself over
// a whole axis at once, as lineshape.Shape.Accumulate does: it adds its values
// to f and, when grads is not nil, writes grads[j][i] = ∂value(x[i])/∂p[j].
// The fit's model and Jacobian go through it part by part, the hot path of
// every fit.
type accumulator interface {
	Accumulate(x, p, f []float64, grads [][]float64)
}

// Accumulate is the peak's lineshape.Shape.Accumulate.
func (c Peak) Accumulate(x, p, f []float64, grads [][]float64) { c.Shape.Accumulate(x, p, f, grads) }

// Accumulate adds the polynomial at every x to f (and its basis to grads).
func (c Polynomial) Accumulate(x, p, f []float64, grads [][]float64) {
	for i, xv := range x {
		t, tp, v := c.t(xv), 1.0, 0.0
		for j := range p {
			v += p[j] * tp
			if grads != nil {
				grads[j][i] = tp
			}
			tp *= t
		}
		f[i] += v
	}
}

// ComponentCurve is one part's curve (lmfit's eval_components).
type ComponentCurve struct {
	Prefix, Kind string
	Y            []float64
}

// EvalComponents returns each part's curve at x for parameter values p.
func (m *Model) EvalComponents(x, p []float64) []ComponentCurve {
	out := make([]ComponentCurve, len(m.Parts))
	for k, pt := range m.Parts {
		y := make([]float64, len(x))
		for i, xv := range x {
			y[i] = pt.Component.Eval(xv, m.partParams(p, k))
		}
		out[k] = ComponentCurve{Prefix: pt.Prefix, Kind: pt.Component.Kind(), Y: y}
	}
	return out
}

// evalJac writes the model into f and its Jacobian with respect to every
// parameter into jac, parameter-major (jac[j] is ∂f/∂p[j] at every x); parts
// without an analytic gradient get central differences.
func (m *Model) evalJac(x, p, f []float64, jac [][]float64) {
	for i := range f {
		f[i] = 0
	}
	var buf [16]float64
	for k, pt := range m.Parts {
		q := m.partParams(p, k)
		rows := jac[m.first[k] : m.first[k]+len(q)]
		if a, ok := pt.Component.(accumulator); ok {
			a.Accumulate(x, q, f, rows)
			continue
		}
		g := buf[:0]
		if len(q) > len(buf) {
			g = make([]float64, len(q))
		}
		g = g[:len(q)]
		for i, xv := range x {
			val, ok := pt.Component.Grad(xv, q, g)
			if !ok {
				centralDiff(pt.Component, xv, q, g)
			}
			for j, v := range g {
				rows[j][i] = v
			}
			f[i] += val
		}
	}
}

// centralDiff fills grad with central differences of c at x (steps of
// ε^(1/3) relative, the error-balancing choice for central differences).
func centralDiff(c Component, x float64, p, grad []float64) {
	for j := range p {
		orig := p[j]
		h := 6e-6 * math.Max(math.Abs(orig), 1e-6)
		p[j] = orig + h
		up := c.Eval(x, p)
		p[j] = orig - h
		dn := c.Eval(x, p)
		p[j] = orig
		grad[j] = (up - dn) / (2 * h)
	}
}

// Peaks converts the peak parts' values to a peak table (centre, FWHM,
// height, Lorentzian fraction), the representation the rest of the project
// uses.
func (m *Model) Peaks(p []float64) spectro.PeakTable {
	var t spectro.PeakTable
	for k, pt := range m.Parts {
		if pk, ok := pt.Component.(Peak); ok {
			q := m.partParams(p, k)
			t = append(t, spectro.Peak{Center: q[0], FWHM: pk.Shape.FWHM(q), Height: pk.Shape.Height(q), Eta: pk.Shape.LorentzFraction(q)})
		}
	}
	return t
}

// NumPeaks is the number of peak parts.
func (m *Model) NumPeaks() int {
	n := 0
	for _, pt := range m.Parts {
		if _, ok := pt.Component.(Peak); ok {
			n++
		}
	}
	return n
}

// PeakShape is the line shape of the model's peaks (of the first, if they
// differ), and false for a model without peaks.
func (m *Model) PeakShape() (lineshape.Shape, bool) {
	for _, pt := range m.Parts {
		if pk, ok := pt.Component.(Peak); ok {
			return pk.Shape, true
		}
	}
	return 0, false
}

// Describe names the model: "4 × pvoigt peaks + linear baseline",
// "1 × gauss peak + 2 × lorentz peaks + exponential" (peaks by shape first,
// then the other parts in order).
func (m *Model) Describe() string {
	var parts, order []string
	count := map[string]int{}
	for _, pt := range m.Parts {
		if pk, ok := pt.Component.(Peak); ok {
			if count[pk.Shape.String()] == 0 {
				order = append(order, pk.Shape.String())
			}
			count[pk.Shape.String()]++
		}
	}
	for _, shape := range order {
		s := fmt.Sprintf("%d × %s peak", count[shape], shape)
		if count[shape] > 1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	for _, pt := range m.Parts {
		if _, ok := pt.Component.(Peak); !ok {
			parts = append(parts, describe(pt.Component))
		}
	}
	if m.NumPeaks() > 0 && !m.hasBackground() {
		parts = append(parts, "no baseline")
	}
	return strings.Join(parts, " + ")
}

func (m *Model) hasBackground() bool {
	for _, pt := range m.Parts {
		if _, ok := pt.Component.(Peak); !ok {
			return true
		}
	}
	return false
}

func describe(c Component) string {
	switch c := c.(type) {
	case Polynomial:
		if c.Order >= 0 && c.Order < 4 {
			return [...]string{"constant", "linear", "quadratic", "cubic"}[c.Order] + " baseline"
		}
		return fmt.Sprintf("order-%d polynomial baseline", c.Order)
	case Expression:
		return "expression " + c.F.Text
	}
	return c.Kind()
}
