package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Options control the solver.
type Options struct {
	MaxEval int     // function evaluations (default 200·(free parameters + 1))
	FTol    float64 // stop when an accepted step lowers χ² by less than this fraction (default 1e-10)
	XTol    float64 // stop when a step changes the parameters by less than this fraction (default 1e-10)
	GTol    float64 // stop when the scaled gradient is below this (default 1e-10)
	Weights []float64
	// Geodesic adds geodesic acceleration to each step (Transtrum and
	// Sethna 2012): the second-order correction along the step's direction,
	// from one more model evaluation, which lets LM follow curved valleys
	// (NIST's MGH10) instead of crawling along them.
	Geodesic bool
}

// ErrNonFinite reports a model that produced NaN or Inf.
var ErrNonFinite = errors.New("the model produced a non-finite value")

type problem struct {
	x, y, w []float64
	m       *Model
	free    []int // indices of free parameters
	lo, hi  []float64
	p       []float64 // full parameter vector (scratch)
	f, jac  []float64 // model and full Jacobian (scratch)
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
	pr.jac = make([]float64, len(x)*len(m.Params))
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

// jacobian fills J (N × free, the derivative of the model, weighted) and r.
func (pr *problem) jacobian(q []float64, J *mat.Dense, r []float64) (float64, error) {
	pr.expand(q)
	nP := len(pr.p)
	pr.m.evalJac(pr.x, pr.p, pr.f, pr.jac)
	pr.nfev++
	ssr, err := pr.fill(r)
	if err != nil {
		return 0, err
	}
	for _, t := range pr.ties {
		args := make([]float64, len(t.tie.args))
		for a, i := range t.tie.args {
			args[a] = pr.p[i]
		}
		t.tie.f.Grad(nil, args, t.grad)
	}
	col := make(map[int]int, len(pr.free))
	for j, i := range pr.free {
		col[i] = j
	}
	for n := range pr.x {
		row := pr.jac[n*nP : (n+1)*nP]
		w := 1.0
		if pr.w != nil {
			w = pr.w[n]
		}
		for j, i := range pr.free {
			J.Set(n, j, w*row[i])
		}
		for _, t := range pr.ties { // chain rule through ties: ∂f/∂q_j += ∂f/∂p_i · ∂p_i/∂q_j
			for a, i := range t.tie.args {
				if j, ok := col[i]; ok {
					J.Set(n, j, J.At(n, j)+w*row[t.index]*t.grad[a])
				}
			}
		}
	}
	return ssr, nil
}

// solveLM runs Levenberg–Marquardt from q0 and returns the best q, its
// normal matrix JᵀJ (for the covariance), χ², and how it ended.
//
// Each step solves the damped problem min ‖J δ − r‖² + λ‖D δ‖² (D: the
// columns' norms, never shrinking, as MINPACK scales) by QR factorisation
// rather than the normal equations, which square J's condition number: with
// J = QR factored once per iterate (of [J r], so Qᵀr comes with R), each trial
// λ costs only a QR of the small [R; √λ D]. λ follows Nielsen's gain-ratio
// rule. Bounds: a parameter on a bound whose gradient points outward is held
// for the step (an active set), the others are projected onto the bounds.
func solveLM(pr *problem, q0 []float64, o Options) (q []float64, jtj *mat.SymDense, ssr float64, iters int, converged bool, msg string, err error) {
	n, N := len(q0), len(pr.x)
	if o.MaxEval == 0 {
		o.MaxEval = 200 * (n + 1)
	}
	if o.FTol == 0 {
		o.FTol = 1e-10
	}
	if o.XTol == 0 {
		o.XTol = 1e-10
	}
	if o.GTol == 0 {
		o.GTol = 1e-10
	}
	q = append([]float64(nil), q0...)
	for j := range q {
		q[j] = clamp(q[j], pr.lo[j], pr.hi[j])
	}
	Jr := mat.NewDense(N, n+1, nil) // [J r], factored in place
	J := Jr.Slice(0, N, 0, n).(*mat.Dense)
	raw := Jr.RawMatrix()
	at := func(k, j int) float64 { return raw.Data[k*raw.Stride+j] } // R after factoring
	r := make([]float64, N)
	rTrial := make([]float64, N)
	g := make([]float64, n) // Jᵀr
	c := make([]float64, n) // (Qᵀr)[:n]
	D := make([]float64, n) // scaling: running maximum of the column norms
	colNorm := make([]float64, n)
	tau := make([]float64, n+1)
	work := make([]float64, 1)
	lapack64.Geqrf(raw, tau, work, -1) // workspace query
	work = make([]float64, int(work[0]))
	// factor evaluates J and r at q, factors [J r] = QR and sets g, c and D.
	factor := func() error {
		var err error
		if ssr, err = pr.jacobian(q, J, r); err != nil {
			return err
		}
		for i, v := range r {
			Jr.Set(i, n, v)
		}
		for j := 0; j < n; j++ {
			colNorm[j] = mat.Norm(J.ColView(j), 2)
			D[j] = math.Max(D[j], colNorm[j])
		}
		lapack64.Geqrf(raw, tau, work, len(work))
		for j := 0; j < n; j++ {
			c[j] = at(j, n)
		}
		for j := 0; j < n; j++ { // g = Rᵀ c (= Jᵀ r)
			v := 0.0
			for k := 0; k <= j; k++ {
				v += at(k, j) * c[k]
			}
			g[j] = v
		}
		return nil
	}
	// finish returns JᵀJ = RᵀR at the last factored point, for the covariance.
	finish := func() *mat.SymDense {
		jtj := mat.NewSymDense(n, nil)
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				v := 0.0
				for k := 0; k <= a; k++ {
					v += at(k, a) * at(k, b)
				}
				jtj.SetSym(a, b, v)
			}
		}
		return jtj
	}
	if err = factor(); err != nil {
		return nil, nil, 0, 0, false, "", err
	}
	lambda, nu := 1e-3, 2.0
	grow := func() bool { // after a rejected step: more damping, a shorter step
		lambda *= nu
		nu *= 2
		return lambda > 1e30 || math.IsInf(nu, 0)
	}
	active := make([]bool, n)
	qTrial := make([]float64, n)
	var small mat.QR
	var deltaF mat.Dense
	Sbuf, rhsBuf := mat.NewDense(2*n, n, nil), mat.NewDense(2*n, 1, nil)
	for iters = 1; pr.nfev < o.MaxEval; iters++ {
		var free []int
		gmax := 0.0
		rnorm := math.Sqrt(math.Max(ssr, 1e-300))
		for j := 0; j < n; j++ {
			active[j] = (q[j] <= pr.lo[j] && g[j] < 0) || (q[j] >= pr.hi[j] && g[j] > 0)
			if !active[j] {
				free = append(free, j)
				if colNorm[j] > 0 {
					gmax = math.Max(gmax, math.Abs(g[j])/(colNorm[j]*rnorm))
				}
			}
		}
		if gmax <= o.GTol || len(free) == 0 {
			return q, finish(), ssr, iters, true, "the gradient vanished (gtol)", nil
		}
		nf := len(free)
		S := Sbuf.Slice(0, n+nf, 0, nf).(*mat.Dense)
		rhs := rhsBuf.Slice(0, n+nf, 0, 1).(*mat.Dense)
		S.Zero()
		rhs.Zero()
		for a, j := range free {
			for k := 0; k <= j; k++ {
				S.Set(k, a, at(k, j))
			}
			S.Set(n+a, a, math.Sqrt(lambda)*math.Max(D[j], 1e-300))
		}
		for k := 0; k < n; k++ {
			rhs.Set(k, 0, c[k])
		}
		small.Factorize(S)
		deltaF.Reset() // the number of free parameters may change between steps
		if small.SolveTo(&deltaF, false, rhs) != nil {
			if grow() {
				return q, finish(), ssr, iters, true, "the damping grew without bound: at a minimum to working precision", nil
			}
			continue
		}
		copy(qTrial, q)
		for a, j := range free {
			qTrial[j] = clamp(q[j]+deltaF.At(a, 0), pr.lo[j], pr.hi[j]) // projection onto the bounds
		}
		if o.Geodesic {
			ok, err := accelerate(pr, raw, tau, work, free, q, qTrial, r, rTrial, &small, rhs, &deltaF)
			if err != nil {
				return nil, nil, 0, iters, false, "", err
			}
			if !ok {
				if grow() {
					return q, finish(), ssr, iters, true, "the damping grew without bound: at a minimum to working precision", nil
				}
				continue
			}
		}
		stepNorm, qNorm := 0.0, 0.0
		for j := range q {
			stepNorm += (qTrial[j] - q[j]) * (qTrial[j] - q[j])
			qNorm += q[j] * q[j]
		}
		tiny := math.Sqrt(stepNorm) <= o.XTol*(math.Sqrt(qNorm)+o.XTol)
		newSSR, err := pr.residuals(qTrial, rTrial)
		if errors.Is(err, ErrNonFinite) { // the step left the model's domain: a shorter one
			if grow() {
				return q, finish(), ssr, iters, true, "the damping grew without bound: at a minimum to working precision", nil
			}
			continue
		}
		if err != nil {
			return nil, nil, 0, iters, false, "", err
		}
		if newSSR < ssr {
			// The reduction the linear model predicts: ‖c‖² − ‖c − R δ‖², for the step taken.
			pred := 0.0
			for k := 0; k < n; k++ {
				v := 0.0
				for j := k; j < n; j++ {
					v += at(k, j) * (qTrial[j] - q[j])
				}
				pred += c[k]*c[k] - (c[k]-v)*(c[k]-v)
			}
			rho := (ssr - newSSR) / math.Max(pred, 1e-300)
			reduction := (ssr - newSSR) / ssr
			copy(q, qTrial)
			if err = factor(); err != nil {
				return nil, nil, 0, iters, false, "", err
			}
			lambda *= math.Max(1.0/3, 1-math.Pow(2*rho-1, 3))
			nu = 2
			if reduction <= o.FTol {
				return q, finish(), ssr, iters, true, "χ² stopped decreasing (ftol)", nil
			}
			if tiny {
				return q, finish(), ssr, iters, true, "the parameters stopped changing (xtol)", nil
			}
			continue
		}
		if tiny {
			return q, finish(), ssr, iters, true, "no further improvement possible within the bounds (xtol)", nil
		}
		if grow() {
			return q, finish(), ssr, iters, true, "the damping grew without bound: at a minimum to working precision", nil
		}
	}
	return q, finish(), ssr, iters, false, fmt.Sprintf("stopped after %d function evaluations without converging", pr.nfev), nil
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// accelerate turns the velocity step qTrial − q into v + a/2, where the
// acceleration a solves the same damped least-squares problem (small holds
// its factorisation, rhs its right-hand side's storage) for the model's
// second directional derivative along v, f_vv ≈ (2/h)((f(q+hv) − f(q))/h −
// Jv). It reports false when a is too large beside v (2‖a‖ > 0.75‖v‖,
// Transtrum's bound): the step should be shorter. raw holds [J r] factored
// in place (Householder reflectors and tau); scratch overwrites rTrial.
func accelerate(pr *problem, raw blas64.General, tau, work []float64, free []int, q, qTrial, r, rTrial []float64,
	small *mat.QR, rhs *mat.Dense, sol *mat.Dense) (bool, error) {
	const h, alpha = 0.1, 0.75
	n, N := len(q), len(r)
	v := make([]float64, n)
	vNorm := 0.0
	for j := range q {
		v[j] = qTrial[j] - q[j]
		vNorm += v[j] * v[j]
	}
	if vNorm == 0 {
		return true, nil
	}
	qh := make([]float64, n)
	for j := range q {
		qh[j] = q[j] + h*v[j]
	}
	if _, err := pr.residuals(qh, rTrial); err != nil {
		if errors.Is(err, ErrNonFinite) {
			return false, nil
		}
		return false, err
	}
	// Jv = Q·[Rv; 0].
	jv := make([]float64, N)
	for k := 0; k < n; k++ {
		for j := k; j < n; j++ {
			jv[k] += raw.Data[k*raw.Stride+j] * v[j]
		}
	}
	reflectors := blas64.General{Rows: N, Cols: n, Stride: raw.Stride, Data: raw.Data}
	vec := blas64.General{Rows: N, Cols: 1, Stride: 1, Data: jv}
	lapack64.Ormqr(blas.Left, blas.NoTrans, reflectors, tau[:n], vec, work, len(work))
	// The residuals are e = y − f, so f(q+hv) − f(q) = e(q) − e(q+hv); the
	// acceleration's right-hand side is −f_vv.
	for i := range jv {
		jv[i] = -(2 / h) * ((r[i]-rTrial[i])/h - jv[i])
	}
	lapack64.Ormqr(blas.Left, blas.Trans, reflectors, tau[:n], vec, work, len(work))
	rhs.Zero()
	for k := 0; k < n; k++ {
		rhs.Set(k, 0, jv[k])
	}
	sol.Reset()
	if small.SolveTo(sol, false, rhs) != nil {
		return true, nil // keep the plain step
	}
	aNorm := 0.0
	for a := range free {
		aNorm += sol.At(a, 0) * sol.At(a, 0)
	}
	if 2*math.Sqrt(aNorm) > alpha*math.Sqrt(vNorm) {
		return false, nil
	}
	for a, j := range free {
		qTrial[j] = clamp(q[j]+v[j]+0.5*sol.At(a, 0), pr.lo[j], pr.hi[j])
	}
	return true, nil
}
