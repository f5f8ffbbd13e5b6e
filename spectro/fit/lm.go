package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Options control the solver.
type Options struct {
	MaxEval int // function evaluations (default 200·(free parameters + 1))
	// FTol and XTol are stricter by default than lmfit's leastsq (√ε ≈
	// 1.5e-8, LmfitTol), so fitted tables do not depend on where a loose
	// stop fell; comparisons with lmfit set LmfitTol on both.
	FTol    float64 // stop when an accepted step lowers χ² by less than this fraction (default 1e-10)
	XTol    float64 // stop when a step changes the parameters by less than this fraction (default 1e-10)
	GTol    float64 // stop when the scaled gradient is below this (default 1e-10)
	Weights []float64
	// Geodesic adds geodesic acceleration to each step (Transtrum and
	// Sethna 2012): the second-order correction along the step's direction,
	// from one more model evaluation, meant for curved valleys. Off by
	// default: with the trust region it lost NIST's Bennett5 and MGH10 from
	// their far starts, which the plain steps solve.
	Geodesic bool
	// Restarts runs the solver again this many times from the same start
	// with ever smaller first steps (the initial trust region 100·‖Dq₀‖,
	// then 1·‖Dq₀‖, 0.01·‖Dq₀‖, ...) and keeps the lowest χ²: for hard
	// problems where a bold first step lands on a plateau.
	Restarts int
}

// Precise asks for the last digits a float64 fit can give: tolerances far
// below the NIST StRD certified values' 11 digits, evaluations enough for
// their hardest starts, and two restarts. Expression fits (spectrogen fit
// --expr) use it by default: they are small, so it costs little (the 52
// StRD runs take about a second together), and it is what reaches the
// certified digits.
var Precise = Options{FTol: 1e-15, XTol: 1e-15, GTol: 1e-15, MaxEval: 20000, Restarts: 2}

// LmfitTol is lmfit's (and MINPACK's recommended) ftol and xtol for
// leastsq, √ε: what a like-for-like comparison with lmfit sets.
const LmfitTol = 1.5e-8

// ErrNonFinite reports a model that produced NaN or Inf.
var ErrNonFinite = errors.New("the model produced a non-finite value")

type problem struct {
	x, y, w []float64
	m       *Model
	free    []int // indices of free parameters
	lo, hi  []float64
	p       []float64   // full parameter vector (scratch)
	f       []float64   // model (scratch)
	jac     [][]float64 // full Jacobian, a row per parameter (scratch)
	ties    []tiedParam
	nfev    int
}

// tiedParam is a tied parameter and its expression's gradient (scratch).
type tiedParam struct {
	index int
	tie   *tie
	grad  []float64
}

func newProblem(x, y []float64, m *Model, o Options) (*problem, error) {
	pr := &problem{x: x, y: y, w: o.Weights, m: m}
	if len(m.first) != len(m.Parts) {
		return nil, errors.New("the model was not made by NewSum, NewModel, NewExpression or Guess")
	}
	for i, p := range m.Params {
		if p.Expr != "" && p.tie == nil {
			return nil, fmt.Errorf("parameter %s: its expression %q was not set with SetExpr", p.Name, p.Expr)
		}
		if p.tie != nil {
			continue
		}
		if !(p.Min <= p.Max) {
			return nil, fmt.Errorf("parameter %s: bounds [%g, %g] are empty", p.Name, p.Min, p.Max)
		}
		if p.Vary {
			pr.free = append(pr.free, i)
			pr.lo = append(pr.lo, p.Min)
			pr.hi = append(pr.hi, p.Max)
		}
	}
	if len(pr.free) == 0 {
		return nil, errors.New("no parameter varies")
	}
	if len(pr.free) >= len(x) {
		return nil, fmt.Errorf("%d free parameters but only %d data points", len(pr.free), len(x))
	}
	if pr.w != nil && len(pr.w) != len(x) {
		return nil, fmt.Errorf("%d weights for %d points", len(pr.w), len(x))
	}
	for i, p := range m.Params {
		if p.tie != nil {
			pr.ties = append(pr.ties, tiedParam{index: i, tie: p.tie, grad: make([]float64, len(p.tie.args))})
		}
	}
	pr.p = m.Values()
	pr.f = make([]float64, len(x))
	pr.jac = make([][]float64, len(m.Params))
	for j, p := range m.Params {
		if !p.Vary || p.tie != nil { // a free parameter's row is the solver's (see jacobian)
			pr.jac[j] = make([]float64, len(x))
		}
	}
	return pr, nil
}

// expand sets the full parameter vector from the free values q (ties applied).
func (pr *problem) expand(q []float64) {
	for j, i := range pr.free {
		pr.p[i] = q[j]
	}
	pr.m.applyTies(pr.p)
}

// residuals returns r = w·(y − f) and Σr², evaluating only the model.
func (pr *problem) residuals(q, r []float64) (float64, error) {
	pr.expand(q)
	pr.m.Eval(pr.x, pr.p, pr.f)
	pr.nfev++
	return pr.fill(r)
}

func (pr *problem) fill(r []float64) (float64, error) {
	ssr := 0.0
	for i := range r {
		d := pr.y[i] - pr.f[i]
		if pr.w != nil {
			d *= pr.w[i]
		}
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return 0, fmt.Errorf("%w at x=%g", ErrNonFinite, pr.x[i])
		}
		r[i] = d
		ssr += d * d
	}
	return ssr, nil
}

// jacobian fills Jt (free × N: row j is the weighted derivative of the model
// with respect to free parameter j, Jᵀ) and r.
func (pr *problem) jacobian(q []float64, Jt [][]float64, r []float64) (float64, error) {
	pr.expand(q)
	for j, i := range pr.free { // the free parameters' rows are written in place
		pr.jac[i] = Jt[j]
	}
	pr.m.evalJac(pr.x, pr.p, pr.f, pr.jac)
	pr.nfev++
	ssr, err := pr.fill(r)
	if err != nil {
		return 0, err
	}
	if pr.w != nil {
		for j := range pr.free {
			floats.Mul(Jt[j], pr.w)
		}
	}
	if len(pr.ties) == 0 {
		return ssr, nil
	}
	col := make(map[int]int, len(pr.free))
	for j, i := range pr.free {
		col[i] = j
	}
	for _, t := range pr.ties { // chain rule through ties: ∂f/∂q_j += ∂f/∂p_i · ∂p_i/∂q_j
		args := make([]float64, len(t.tie.args))
		for a, i := range t.tie.args {
			args[a] = pr.p[i]
		}
		t.tie.f.Grad(nil, args, t.grad)
		src := pr.jac[t.index]
		for a, i := range t.tie.args {
			j, ok := col[i]
			if !ok {
				continue
			}
			dst := Jt[j]
			for n := range dst {
				w := 1.0
				if pr.w != nil {
					w = pr.w[n]
				}
				dst[n] += w * src[n] * t.grad[a]
			}
		}
	}
	return ssr, nil
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
