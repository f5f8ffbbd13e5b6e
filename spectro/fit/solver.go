package fit

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// solver is Levenberg–Marquardt as a trust-region method, after MINPACK's
// lmder (Moré 1978): each iteration finds the damping λ whose step has the
// scaled length ‖Dδ‖ of the trust region Δ, with
//
//	δ(λ) = argmin ‖J δ − r‖² + λ ‖D δ‖²,
//
// D the columns' norms (never shrinking), and grows or shrinks Δ by how well
// the linear model predicted the reduction of χ². The damped problem is
// solved by QR factorisation, not the normal equations, which square J's
// condition number: [J r] = QR is factored once per iterate (so Qᵀr comes
// with R), and each trial λ costs only a QR of the small [R; √λ D].
//
// [J r] is kept transposed, a row per parameter (and r as the last row), and
// factored as [J r]ᵀ = L·Q (LAPACK's LQ): R = Lᵀ. The Householder reflectors
// then run along contiguous rows of N points instead of down columns N rows
// apart, which is what makes the factorisation fast for N ≫ n.
//
// When the columns are far from dependent — the usual spectral fit — R comes
// faster from the Cholesky factor of the Gram matrix [J r]ᵀ[J r] (the same
// R up to signs, half the arithmetic: dot products only). Forming the Gram
// matrix squares the condition number, so it is used only when every column
// keeps at least gramMinNew of its squared norm beyond the columns before it
// (then R is accurate to about 1e-8 relative, ample for a trust-region
// step); otherwise, and for geodesic acceleration, which needs Q, the LQ
// path runs.
//
// Bounds: a parameter on a bound whose gradient points outward is held for
// the step (an active set), the others are projected onto the bounds.
// Optionally each step gets geodesic acceleration (Options.Geodesic).
type solver struct {
	pr   *problem
	o    Options
	n, N int
	q    []float64
	ssr  float64
	rows [][]float64    // the rows of raw
	R    []float64      // R of [J r] ((n+1) × (n+1), row-major, upper triangle), from either path
	gram []float64      // Gram matrix scratch
	lq   bool           // the last factor ran the LQ path (raw holds Q's reflectors)
	Jt   [][]float64    // Jᵀ, a row per free parameter: rows[:n]
	raw  blas64.General // [J r]ᵀ ((n+1) × N), factored in place as L·Q
	// the same at the trial point: J is evaluated with every trial's
	// residuals (nearly every step is accepted), and the two swap on success
	trialRaw  blas64.General
	trialRows [][]float64
	r, rt     []float64 // residuals at q, at the trial point
	g, c      []float64 // Jᵀr, (Qᵀr)[:n]
	D, norm   []float64 // scaling, column norms
	tau       []float64
	work      []float64
	free      []int
	// the small damped system and its factorisation at the last λ solved
	sbuf, rbuf *mat.Dense
	small      mat.QR
	sol        mat.Dense
	rs         mat.Dense
}

func newSolver(pr *problem, q0 []float64, o Options) *solver {
	n, N := len(q0), len(pr.x)
	s := &solver{pr: pr, o: o, n: n, N: N,
		r: make([]float64, N), rt: make([]float64, N), g: make([]float64, n), c: make([]float64, n),
		D: make([]float64, n), norm: make([]float64, n), tau: make([]float64, n+1),
		sbuf: mat.NewDense(2*n, n, nil), rbuf: mat.NewDense(2*n, 1, nil)}
	s.raw, s.rows = newRows(n+1, N)
	s.trialRaw, s.trialRows = newRows(n+1, N)
	s.Jt = s.rows[:n]
	s.R = make([]float64, (n+1)*(n+1))
	s.gram = make([]float64, (n+1)*(n+1))
	s.work = make([]float64, N) // for Ormlq on one vector
	s.q = append([]float64(nil), q0...)
	for j := range s.q {
		s.q[j] = clamp(s.q[j], pr.lo[j], pr.hi[j])
	}
	return s
}

// slabs recycles the solver's two [J r] buffers between fits: they are most
// of a fit's allocation (2·(n+1)·N values), and a batch of thousands of fits
// otherwise spends a tenth of its time clearing and collecting them.
var slabs sync.Pool

// newRows is a rows × cols row-major matrix (from slabs; its contents are
// not cleared: every row is written before it is read) and its rows.
func newRows(rows, cols int) (blas64.General, [][]float64) {
	var data []float64
	if p, ok := slabs.Get().(*[]float64); ok && cap(*p) >= rows*cols {
		data = (*p)[:rows*cols]
	} else {
		data = make([]float64, rows*cols)
	}
	g := blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
	r := make([][]float64, rows)
	for j := range r {
		r[j] = g.Data[j*cols : (j+1)*cols]
	}
	return g, r
}

// release gives the [J r] buffers back to slabs; the solver must not be used after.
func (s *solver) release() {
	for _, d := range [][]float64{s.raw.Data, s.trialRaw.Data} {
		slabs.Put(&d)
	}
	s.raw, s.trialRaw, s.rows, s.trialRows, s.Jt = blas64.General{}, blas64.General{}, nil, nil, nil
}

// at is R's entry (k, j) after factor.
func (s *solver) at(k, j int) float64 { return s.R[k*(s.n+1)+j] }

// gramMinNew is the least share of a column's squared norm that must lie
// outside the span of the columns before it for the Cholesky path.
const gramMinNew = 1e-8

// factorGram sets R from the Cholesky factor of [J r]ᵀ[J r]; false when a
// column is too close to the span of those before it (or zero).
func (s *solver) factorGram() bool {
	m := s.n + 1
	G, R := s.gram, s.R
	gramUpper(s.rows, G)
	for j := 0; j < m; j++ {
		for i := 0; i < j; i++ {
			R[j*m+i] = 0
		}
		v := G[j*m+j]
		for k := 0; k < j; k++ {
			v -= R[k*m+j] * R[k*m+j]
		}
		if j == s.n { // the residual's part outside J's span: not used by the solver
			R[j*m+j] = math.Sqrt(math.Max(v, 0))
			break
		}
		if !(v > gramMinNew*G[j*m+j]) {
			return false
		}
		d := math.Sqrt(v)
		R[j*m+j] = d
		for i := j + 1; i < m; i++ {
			w := G[j*m+i]
			for k := 0; k < j; k++ {
				w -= R[k*m+j] * R[k*m+i]
			}
			R[j*m+i] = w / d
		}
	}
	return true
}

// factorHouseholder sets R from the LQ factorisation of [J r]ᵀ (in place).
func (s *solver) factorHouseholder() {
	m := s.n + 1
	factorLQ(s.rows, s.tau)
	for k := 0; k < m; k++ {
		for j := 0; j < m; j++ {
			v := 0.0
			if j >= k {
				v = s.raw.Data[j*s.raw.Stride+k] // R = Lᵀ
			}
			s.R[k*m+j] = v
		}
	}
}

// factor evaluates J and r at q, factors [J r] = QR and sets g, c, D.
func (s *solver) factor() error {
	var err error
	if s.ssr, err = s.pr.jacobian(s.q, s.Jt, s.r); err != nil {
		return err
	}
	s.factorEvaluated()
	return nil
}

// evalTrial evaluates r and J at the trial point (into the trial buffers)
// and returns χ² there.
func (s *solver) evalTrial(trial []float64) (float64, error) {
	return s.pr.jacobian(trial, s.trialRows[:s.n], s.rt)
}

// acceptTrial makes the trial point, evaluated by evalTrial with χ² ssr,
// the iterate.
func (s *solver) acceptTrial(trial []float64, ssr float64) {
	copy(s.q, trial)
	s.raw, s.trialRaw = s.trialRaw, s.raw
	s.rows, s.trialRows = s.trialRows, s.rows
	s.Jt = s.rows[:s.n]
	s.r, s.rt = s.rt, s.r
	s.ssr = ssr
	s.factorEvaluated()
}

// factorEvaluated factors [J r] = QR at the evaluated iterate and sets g, c, D.
func (s *solver) factorEvaluated() {
	copy(s.raw.Data[s.n*s.N:], s.r)
	for j := 0; j < s.n; j++ {
		s.norm[j] = stableNorm(s.Jt[j])
		s.D[j] = math.Max(s.D[j], s.norm[j])
		if s.D[j] == 0 { // a parameter with no effect yet (an amplitude of 0): unit scale, as MINPACK
			s.D[j] = 1
		}
	}
	s.lq = s.o.Geodesic || !s.factorGram()
	if s.lq {
		s.factorHouseholder()
	}
	for j := 0; j < s.n; j++ {
		s.c[j] = s.at(j, s.n)
	}
	for j := 0; j < s.n; j++ { // g = Rᵀ c (= Jᵀ r)
		v := 0.0
		for k := 0; k <= j; k++ {
			v += s.at(k, j) * s.c[k]
		}
		s.g[j] = v
	}
}

// jtj returns JᵀJ = RᵀR at the last factored point, for the covariance.
func (s *solver) jtj() *mat.SymDense {
	m := mat.NewSymDense(s.n, nil)
	for a := 0; a < s.n; a++ {
		for b := a; b < s.n; b++ {
			v := 0.0
			for k := 0; k <= a; k++ {
				v += s.at(k, a) * s.at(k, b)
			}
			m.SetSym(a, b, v)
		}
	}
	return m
}

// dnorm is ‖D δ‖ over the free parameters.
func (s *solver) dnorm(delta []float64) float64 {
	v := 0.0
	for _, j := range s.free {
		v += s.D[j] * s.D[j] * delta[j] * delta[j]
	}
	return math.Sqrt(v)
}

// solve writes δ(λ) (zero for held parameters) into delta and keeps the
// small system's factorisation; false when it is singular.
func (s *solver) solve(lambda float64, delta []float64) bool {
	n, nf := s.n, len(s.free)
	rows := n
	if lambda > 0 {
		rows = n + nf
	}
	S := s.sbuf.Slice(0, rows, 0, nf).(*mat.Dense)
	rhs := s.rbuf.Slice(0, rows, 0, 1).(*mat.Dense)
	S.Zero()
	rhs.Zero()
	for a, j := range s.free {
		for k := 0; k <= j; k++ {
			S.Set(k, a, s.at(k, j))
		}
		if lambda > 0 {
			S.Set(n+a, a, math.Sqrt(lambda)*math.Max(s.D[j], 1e-300))
		}
	}
	for k := 0; k < n; k++ {
		rhs.Set(k, 0, s.c[k])
	}
	if rows < nf {
		return false
	}
	s.small.Factorize(S)
	s.sol.Reset()
	if s.small.SolveTo(&s.sol, false, rhs) != nil {
		return false
	}
	for j := range delta {
		delta[j] = 0
	}
	for a, j := range s.free {
		v := s.sol.At(a, 0)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
		delta[j] = v
	}
	return true
}

// newton is Moré's correction to λ towards ‖Dδ‖ = Δ: fp/(Δ‖y‖²) with
// Rλᵀ y = D²δ/‖Dδ‖ (Rλ the small system's R).
func (s *solver) newton(delta []float64, dx, fp, radius float64) float64 {
	nf := len(s.free)
	s.rs.Reset()
	s.small.RTo(&s.rs)
	y := make([]float64, nf)
	yy := 0.0
	for a := 0; a < nf; a++ { // forward substitution: Rᵀ is lower triangular
		j := s.free[a]
		v := s.D[j] * s.D[j] * delta[j] / dx
		for k := 0; k < a; k++ {
			v -= s.rs.At(k, a) * y[k]
		}
		d := s.rs.At(a, a)
		if d == 0 {
			return 0
		}
		y[a] = v / d
		yy += y[a] * y[a]
	}
	if yy == 0 {
		return 0
	}
	return fp / (radius * yy)
}

// lmpar finds λ ≥ 0 whose step fits the trust region (MINPACK's lmpar):
// λ = 0 when the Gauss–Newton step is shorter than 1.1Δ, else λ with
// |‖Dδ‖ − Δ| ≤ 0.1Δ by safeguarded Newton iterations. delta receives the step.
func (s *solver) lmpar(radius, lambda float64, delta []float64) (float64, bool) {
	const tiny = 1e-300
	parl := 0.0
	if s.solve(0, delta) {
		dx := s.dnorm(delta)
		fp := dx - radius
		if fp <= 0.1*radius {
			return 0, true
		}
		parl = math.Max(0, s.newton(delta, dx, fp, radius))
	}
	gnorm := 0.0
	for _, j := range s.free {
		v := s.g[j] / math.Max(s.D[j], tiny)
		gnorm += v * v
	}
	gnorm = math.Sqrt(gnorm)
	paru := gnorm / radius
	if paru == 0 {
		paru = tiny / math.Min(radius, 0.1)
	}
	lambda = math.Min(math.Max(lambda, parl), paru)
	if lambda == 0 {
		lambda = gnorm / math.Max(radius, tiny)
	}
	ok := false
	prev := 0.0
	for it := 0; it < 10; it++ {
		if lambda == 0 {
			lambda = math.Max(tiny, 0.001*paru)
		}
		if ok = s.solve(lambda, delta); !ok {
			lambda = math.Max(10*lambda, 0.001*paru)
			continue
		}
		dx := s.dnorm(delta)
		fp := dx - radius
		if math.Abs(fp) <= 0.1*radius || (parl == 0 && fp <= prev && prev < 0) || it == 9 {
			break
		}
		prev = fp
		parc := s.newton(delta, dx, fp, radius)
		if fp > 0 {
			parl = math.Max(parl, lambda)
		} else if fp < 0 {
			paru = math.Min(paru, lambda)
		}
		lambda = math.Max(parl, lambda+parc)
	}
	return lambda, ok
}

// solveLM runs the solver from q0 and returns the best q, JᵀJ there (for the
// covariance), χ², and how it ended.
func solveLM(pr *problem, q0 []float64, o Options) (q []float64, jtj *mat.SymDense, ssr float64, iters int, converged bool, msg string, err error) {
	q, jtj, ssr, iters, converged, msg, err = solveFrom(pr, q0, o, 100)
	// Restarts from the same start with smaller initial trust regions: a
	// first step of 100·‖Dq0‖ can jump onto a plateau where a parameter no
	// longer matters (NIST's BoxBOD from its far start); keep the lowest χ².
	initial := 100.0
	for k := 0; k < o.Restarts && err == nil; k++ {
		initial /= 100
		q2, jtj2, ssr2, iters2, ok2, msg2, err2 := solveFrom(pr, q0, o, initial)
		iters += iters2
		if err2 == nil && ok2 && ssr2 < ssr {
			q, jtj, ssr, converged = q2, jtj2, ssr2, ok2
			msg = fmt.Sprintf("%s (restart %d of %d, initial step %g·‖Dq₀‖)", msg2, k+1, o.Restarts, initial)
		}
	}
	return q, jtj, ssr, iters, converged, msg, err
}

// solveFrom is one solver run from q0 with the initial trust region
// factor·‖D q0‖.
func solveFrom(pr *problem, q0 []float64, o Options, factor float64) (q []float64, jtj *mat.SymDense, ssr float64, iters int, converged bool, msg string, err error) {
	if o.MaxEval == 0 {
		o.MaxEval = 200 * (len(q0) + 1)
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
	s := newSolver(pr, q0, o)
	defer s.release()
	if err := s.factor(); err != nil {
		return nil, nil, 0, 0, false, "", err
	}
	n := s.n
	done := func(ok bool, msg string) ([]float64, *mat.SymDense, float64, int, bool, string, error) {
		return s.q, s.jtj(), s.ssr, iters, ok, msg, nil
	}
	xnorm := func() float64 {
		v := 0.0
		for j := range s.q {
			v += s.D[j] * s.D[j] * s.q[j] * s.q[j]
		}
		return math.Sqrt(v)
	}
	radius := factor * xnorm() // MINPACK's initial step bound
	if radius == 0 {
		radius = factor
	}
	lambda := 0.0
	delta := make([]float64, n)
	trial := make([]float64, n)
	step := make([]float64, n)
	maxEval := pr.nfev + o.MaxEval
	for iters = 1; pr.nfev < maxEval; iters++ {
		s.free = s.free[:0]
		gmax := 0.0
		rnorm := math.Sqrt(math.Max(s.ssr, 1e-300))
		for j := 0; j < n; j++ {
			held := (s.q[j] <= pr.lo[j] && s.g[j] < 0) || (s.q[j] >= pr.hi[j] && s.g[j] > 0)
			if !held {
				s.free = append(s.free, j)
				if s.norm[j] > 0 {
					gmax = math.Max(gmax, math.Abs(s.g[j])/(s.norm[j]*rnorm))
				}
			}
		}
		if gmax <= o.GTol || len(s.free) == 0 {
			return done(true, "the gradient vanished (gtol)")
		}
		var ok bool
		if lambda, ok = s.lmpar(radius, lambda, delta); !ok {
			return done(true, "the linearised problem is singular: at a minimum to working precision")
		}
		for j := range s.q {
			trial[j] = clamp(s.q[j]+delta[j], pr.lo[j], pr.hi[j]) // projection onto the bounds
		}
		if o.Geodesic {
			good, err := s.accelerate(delta, trial)
			if err != nil {
				return nil, nil, 0, iters, false, "", err
			}
			if !good { // the path curves too much for this step: a smaller region
				radius *= 0.5
				if radius <= o.XTol*xnorm() {
					return done(true, "the trust region shrank to nothing (xtol)")
				}
				continue
			}
		}
		for j := range step {
			step[j] = trial[j] - s.q[j]
		}
		pnorm := s.dnorm(step)
		if iters == 1 {
			radius = math.Min(radius, pnorm)
		}
		newSSR, err := s.evalTrial(trial)
		if errors.Is(err, ErrNonFinite) { // the step left the model's domain
			radius *= 0.25
			if radius <= o.XTol*xnorm() {
				return done(true, "the trust region shrank to nothing (xtol)")
			}
			continue
		}
		if err != nil {
			return nil, nil, 0, iters, false, "", err
		}
		// Predicted and actual reductions, relative to χ².
		jp, pred := 0.0, 0.0
		for k := 0; k < n; k++ {
			v := 0.0
			for j := k; j < n; j++ {
				v += s.at(k, j) * step[j]
			}
			jp += v * v
			pred += s.c[k]*s.c[k] - (s.c[k]-v)*(s.c[k]-v)
		}
		ssr0 := math.Max(s.ssr, 1e-300)
		actred := -1.0
		if newSSR < 100*s.ssr {
			actred = 1 - newSSR/ssr0
		}
		prered := pred / ssr0
		ratio := 0.0
		if prered > 0 { // a step cut by the bounds can predict no gain: shrink the region
			ratio = actred / prered
		}
		// Update the trust region.
		if ratio <= 0.25 {
			temp := 0.5
			if actred < 0 {
				dirder := -(jp + lambda*pnorm*pnorm) / ssr0
				temp = 0.5 * dirder / (dirder + 0.5*actred)
			}
			if 0.1*math.Sqrt(newSSR) >= math.Sqrt(s.ssr) || temp < 0.1 {
				temp = 0.1
			}
			temp = math.Min(temp, 0.5)
			radius = temp * math.Min(radius, 10*pnorm)
			lambda /= temp
		} else if lambda == 0 || ratio >= 0.75 {
			radius = 2 * pnorm
			lambda *= 0.5
		}
		if ratio >= 1e-4 && newSSR < s.ssr {
			s.acceptTrial(trial, newSSR)
		}
		switch {
		case math.Abs(actred) <= o.FTol && prered <= o.FTol && 0.5*ratio <= 1:
			return done(true, "χ² stopped decreasing (ftol)")
		case radius <= o.XTol*xnorm():
			return done(true, "the parameters stopped changing (xtol)")
		case s.ssr == 0:
			return done(true, "the residuals vanished")
		}
	}
	return done(false, fmt.Sprintf("stopped after %d function evaluations without converging", pr.nfev))
}

// accelerate turns the velocity step trial − q into v + a/2, where the
// acceleration a solves the same damped problem (the small system is
// factored at the step's λ) for the model's second directional derivative
// along v, f_vv ≈ (2/h)((f(q+hv) − f(q))/h − Jv) (Transtrum and Sethna
// 2012). It reports false when a is too large beside v (2‖Da‖ > 0.75‖Dv‖,
// their bound): the step should be shorter.
func (s *solver) accelerate(v, trial []float64) (bool, error) {
	const h, alpha = 0.1, 0.75
	n, N := s.n, s.N
	vNorm := s.dnorm(v)
	if vNorm == 0 || len(s.free) > s.n {
		return true, nil
	}
	qh := make([]float64, n)
	for j := range qh {
		qh[j] = s.q[j] + h*v[j]
	}
	if _, err := s.pr.residuals(qh, s.rt); err != nil {
		if errors.Is(err, ErrNonFinite) {
			return false, nil
		}
		return false, err
	}
	jv := make([]float64, N) // Jv = Q·[Rv; 0], Q = the LQ's Qᵀ
	for k := 0; k < n; k++ {
		for j := k; j < n; j++ {
			jv[k] += s.at(k, j) * v[j]
		}
	}
	reflectors := blas64.General{Rows: n, Cols: N, Stride: s.raw.Stride, Data: s.raw.Data}
	vec := blas64.General{Rows: N, Cols: 1, Stride: 1, Data: jv}
	lapack64.Ormlq(blas.Left, blas.Trans, reflectors, s.tau[:n], vec, s.work, len(s.work))
	// The residuals are e = y − f, so f(q+hv) − f(q) = e(q) − e(q+hv); the
	// acceleration's right-hand side is −f_vv.
	for i := range jv {
		jv[i] = -(2 / h) * ((s.r[i]-s.rt[i])/h - jv[i])
	}
	lapack64.Ormlq(blas.Left, blas.NoTrans, reflectors, s.tau[:n], vec, s.work, len(s.work))
	rows, _ := s.small.Dims()
	rhs := s.rbuf.Slice(0, rows, 0, 1).(*mat.Dense)
	rhs.Zero()
	for k := 0; k < n; k++ {
		rhs.Set(k, 0, jv[k])
	}
	s.sol.Reset()
	if s.small.SolveTo(&s.sol, false, rhs) != nil {
		return true, nil // keep the plain step
	}
	a := make([]float64, n)
	for i, j := range s.free {
		a[j] = s.sol.At(i, 0)
	}
	if 2*s.dnorm(a) > alpha*vNorm {
		return false, nil
	}
	for _, j := range s.free {
		trial[j] = clamp(s.q[j]+v[j]+0.5*a[j], s.pr.lo[j], s.pr.hi[j])
	}
	return true, nil
}
