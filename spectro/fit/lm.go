package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Options control the solver.
type Options struct {
	MaxEval int     // function evaluations (default 200·(free parameters + 1))
	FTol    float64 // stop when an accepted step lowers χ² by less than this fraction (default 1e-10)
	XTol    float64 // stop when a step changes the parameters by less than this fraction (default 1e-10)
	GTol    float64 // stop when the scaled gradient is below this (default 1e-10)
	Weights []float64
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
	nfev    int
}

func newProblem(x, y []float64, m *Model, o Options) (*problem, error) {
	pr := &problem{x: x, y: y, w: o.Weights, m: m}
	for i, p := range m.Params {
		if p.Tie != nil {
			if p.Tie.To < 0 || p.Tie.To >= len(m.Params) || m.Params[p.Tie.To].Tie != nil || p.Tie.To == i {
				return nil, fmt.Errorf("parameter %s: tie to %d must name another, untied parameter", p.Name, p.Tie.To)
			}
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
	for i, p := range pr.m.Params {
		if p.Tie != nil {
			pr.p[i] = p.Tie.Scale*pr.p[p.Tie.To] + p.Tie.Offset
		}
	}
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
		for i, p := range pr.m.Params { // chain rule through ties
			if p.Tie != nil {
				if j, ok := col[p.Tie.To]; ok {
					J.Set(n, j, J.At(n, j)+w*p.Tie.Scale*row[i])
				}
			}
		}
	}
	return ssr, nil
}

// solveLM runs Levenberg–Marquardt from q0 and returns the best q, its Jacobian
// normal matrix JᵀJ, χ², and how it ended.
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
	J := mat.NewDense(N, n, nil)
	r := make([]float64, N)
	rTrial := make([]float64, N)
	ssr, err = pr.jacobian(q, J, r)
	if err != nil {
		return nil, nil, 0, 0, false, "", err
	}
	jtj = mat.NewSymDense(n, nil)
	g := mat.NewVecDense(n, nil)
	normal := func() {
		jtj.SymRankK(mat.NewSymDense(n, nil), 1, J.T()) // JᵀJ
		g.MulVec(J.T(), mat.NewVecDense(N, r))          // Jᵀr
	}
	normal()
	maxDiag := 0.0
	for j := 0; j < n; j++ {
		maxDiag = math.Max(maxDiag, jtj.At(j, j))
	}
	mu, nu := 1e-3*math.Max(maxDiag, 1e-300), 2.0
	A := mat.NewSymDense(n, nil)
	var chol mat.Cholesky
	delta := mat.NewVecDense(n, nil)
	gFree := mat.NewVecDense(n, nil)
	active := make([]bool, n)
	qTrial := make([]float64, n)
	for iters = 1; pr.nfev < o.MaxEval; iters++ {
		// Active set: a parameter on a bound whose gradient points outward is
		// held for this step (projection alone would keep proposing steps the
		// bound cuts off, and LM would crawl).
		for j := 0; j < n; j++ {
			gj := g.AtVec(j) // increasing q_j lowers χ² when gj > 0
			active[j] = (q[j] <= pr.lo[j] && gj < 0) || (q[j] >= pr.hi[j] && gj > 0)
		}
		// Scaled gradient test over the free directions.
		gmax := 0.0
		for j := 0; j < n; j++ {
			if active[j] {
				continue
			}
			d := math.Sqrt(math.Max(jtj.At(j, j), 1e-300))
			gmax = math.Max(gmax, math.Abs(g.AtVec(j))/(d*math.Sqrt(math.Max(ssr, 1e-300))))
		}
		if gmax <= o.GTol {
			return q, jtj, ssr, iters, true, "the gradient vanished (gtol)", nil
		}
		// (JᵀJ + μ·diag(JᵀJ)) δ = Jᵀr
		A.CopySym(jtj)
		for j := 0; j < n; j++ {
			A.SetSym(j, j, jtj.At(j, j)+mu*math.Max(jtj.At(j, j), 1e-12*maxDiag+1e-300))
		}
		for j := 0; j < n; j++ {
			gFree.SetVec(j, g.AtVec(j))
			if active[j] { // decouple: δ_j = 0
				for k := 0; k < n; k++ {
					A.SetSym(j, k, 0)
				}
				A.SetSym(j, j, 1)
				gFree.SetVec(j, 0)
			}
		}
		if !chol.Factorize(A) {
			mu *= nu
			nu *= 2
			continue
		}
		if err := chol.SolveVecTo(delta, gFree); err != nil {
			mu *= nu
			nu *= 2
			continue
		}
		stepNorm, qNorm := 0.0, 0.0
		for j := range q {
			qTrial[j] = clamp(q[j]+delta.AtVec(j), pr.lo[j], pr.hi[j]) // projection onto the bounds
			stepNorm += (qTrial[j] - q[j]) * (qTrial[j] - q[j])
			qNorm += q[j] * q[j]
		}
		newSSR, err := pr.residuals(qTrial, rTrial)
		if err != nil {
			return nil, nil, 0, iters, false, "", err
		}
		if newSSR < ssr {
			reduction := (ssr - newSSR) / ssr
			// Predicted reduction for the gain ratio (Nielsen's μ update).
			pred := 0.0
			for j := 0; j < n; j++ {
				dj := qTrial[j] - q[j]
				pred += dj * (mu*math.Max(jtj.At(j, j), 1e-300)*dj + gFree.AtVec(j))
			}
			rho := (ssr - newSSR) / math.Max(pred, 1e-300)
			copy(q, qTrial)
			if ssr, err = pr.jacobian(q, J, r); err != nil {
				return nil, nil, 0, iters, false, "", err
			}
			normal()
			mu *= math.Max(1.0/3, 1-math.Pow(2*rho-1, 3))
			nu = 2
			if reduction <= o.FTol {
				return q, jtj, ssr, iters, true, "χ² stopped decreasing (ftol)", nil
			}
			if math.Sqrt(stepNorm) <= o.XTol*(math.Sqrt(qNorm)+o.XTol) {
				return q, jtj, ssr, iters, true, "the parameters stopped changing (xtol)", nil
			}
			continue
		}
		if math.Sqrt(stepNorm) <= o.XTol*(math.Sqrt(qNorm)+o.XTol) {
			return q, jtj, ssr, iters, true, "no further improvement possible within the bounds (xtol)", nil
		}
		mu *= nu
		nu *= 2
		if mu > 1e30 {
			return q, jtj, ssr, iters, true, "the damping grew without bound: at a minimum to working precision", nil
		}
	}
	return q, jtj, ssr, iters, false, fmt.Sprintf("stopped after %d function evaluations without converging", pr.nfev), nil
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
