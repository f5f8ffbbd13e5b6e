package fit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Result is a finished fit.
type Result struct {
	Model     *Model // the model with fitted values, standard errors and flags
	Success   bool   // the solver met a convergence criterion
	Message   string // how it ended
	NFev      int
	NIter     int
	NData     int
	NVarys    int
	ChiSqr    float64 // Σ residual² (weighted)
	RedChi    float64 // χ² / (N − nvarys)
	AIC, BIC  float64
	R2        float64
	Correl    [][]float64 // correlations between the free parameters (nil if the covariance is singular)
	Added     int         // peaks AddPeaks added to the guessed ones
	AddNote   string      // why AddPeaks stopped
	free      []int
	x, y, fit []float64
}

// Fit fits the model to (x, y), starting from the model's values; x need not
// be sorted (any curve, not only a spectrum). The model is not modified; the
// result holds a fitted copy. A fit that does not converge is returned with
// Success false and a message saying why; bad input and a model that is not
// finite at its starting values are errors.
func Fit(x, y []float64, m *Model, o Options) (*Result, error) {
	if err := checkPoints(x, y); err != nil {
		return nil, err
	}
	mc := *m
	mc.Params = append([]Param(nil), m.Params...)
	pr, err := newProblem(x, y, &mc, o)
	if err != nil {
		return nil, err
	}
	q0 := make([]float64, len(pr.free))
	for j, i := range pr.free {
		q0[j] = mc.Params[i].Value
	}
	q, jtj, ssr, iters, ok, msg, err := solveLM(pr, q0, o)
	if err != nil {
		return nil, err
	}
	pr.expand(q)
	res := &Result{Model: &mc, Success: ok, Message: msg, NFev: pr.nfev, NIter: iters, NData: len(x), NVarys: len(q),
		ChiSqr: ssr, free: pr.free, x: x, y: y}
	for i := range mc.Params {
		mc.Params[i].Value = pr.p[i]
		mc.Params[i].Stderr = math.NaN()
	}
	N, k := float64(len(x)), float64(len(q))
	res.RedChi = ssr / (N - k)
	res.AIC = N*math.Log(ssr/N) + 2*k
	res.BIC = N*math.Log(ssr/N) + math.Log(N)*k
	_, variance := stat.MeanVariance(y, nil)
	res.R2 = 1 - ssr/(variance*(N-1))
	res.fit = make([]float64, len(x))
	mc.Eval(x, pr.p, res.fit)
	res.covariance(jtj, q, pr)
	return res, nil
}

// covariance sets standard errors (√diag of (JᵀJ)⁻¹·χ²ᵣ, as lmfit scales them)
// and correlations; parameters on a bound are flagged, as their errors are unreliable.
func (r *Result) covariance(jtj *mat.SymDense, q []float64, pr *problem) {
	n := len(q)
	// A parameter on a bound is flagged whatever the covariance: its error
	// is unreliable, and it is often why the covariance is singular (an
	// amplitude at 0 leaves its decay time without any effect).
	maxDiag := 0.0
	for j := range n {
		maxDiag = math.Max(maxDiag, jtj.At(j, j))
	}
	var keep []int // free parameters (indices into q) on no bound and with an effect
	for j, i := range pr.free {
		p := &r.Model.Params[i]
		span := math.Max(math.Abs(p.Value), 1e-12)
		p.AtBound = math.Abs(p.Value-p.Min) <= 1e-9*span || math.Abs(p.Value-p.Max) <= 1e-9*span
		if !p.AtBound && jtj.At(j, j) > 1e-14*maxDiag {
			keep = append(keep, j)
		}
	}
	var chol mat.Cholesky
	kept := make([]int, n) // the parameters the covariance is computed over
	for j := range kept {
		kept[j] = j
	}
	if !chol.Factorize(jtj) {
		// Without the parameters on a bound (held there) and those the fit no
		// longer depends on (a line of no area's centre), the rest may still
		// have errors.
		if len(keep) == n || len(keep) == 0 {
			r.Message += "; covariance not available (singular Jacobian)"
			return
		}
		sub := mat.NewSymDense(len(keep), nil)
		for a, ja := range keep {
			for b, jb := range keep {
				sub.SetSym(a, b, jtj.At(ja, jb))
			}
		}
		if !chol.Factorize(sub) {
			r.Message += "; covariance not available (singular Jacobian)"
			return
		}
		var names []string
		for j, i := range pr.free {
			if !slices.Contains(keep, j) {
				names = append(names, r.Model.Params[i].Name)
			}
		}
		r.Message += "; covariance without the parameters at a bound or without effect (" + strings.Join(names, ", ") + ")"
		kept = keep
	}
	var subCov mat.SymDense
	if err := chol.InverseTo(&subCov); err != nil {
		r.Message += "; covariance not available"
		return
	}
	// The covariance over all free parameters, NaN for those left out.
	cov := &subCov
	if len(kept) < n {
		cov = mat.NewSymDense(n, nil)
		for a := range n {
			for b := range n {
				cov.SetSym(a, b, math.NaN())
			}
		}
		for a, ja := range kept {
			for b, jb := range kept {
				cov.SetSym(ja, jb, subCov.At(a, b))
			}
		}
	}
	r.Correl = make([][]float64, n)
	for a := 0; a < n; a++ {
		r.Correl[a] = make([]float64, n)
		for b := 0; b < n; b++ {
			r.Correl[a][b] = cov.At(a, b) / math.Sqrt(cov.At(a, a)*cov.At(b, b))
		}
	}
	for j, i := range pr.free {
		r.Model.Params[i].Stderr = math.Sqrt(cov.At(j, j) * r.RedChi)
	}
	// Tied parameters: propagate the covariance of what they follow through
	// their expression's gradient, σ² = gᵀ C g (scaled like the others).
	col := map[int]int{}
	for j, i := range pr.free {
		col[i] = j
	}
	for _, t := range pr.ties {
		v := 0.0
		for a, i := range t.tie.args {
			ja, okA := col[i]
			if !okA {
				continue
			}
			for b, k := range t.tie.args {
				if jb, okB := col[k]; okB {
					v += t.grad[a] * cov.At(ja, jb) * t.grad[b]
				}
			}
		}
		r.Model.Params[t.index].Stderr = math.Sqrt(v * r.RedChi)
	}
}

// Values returns the fitted parameter values.
func (r *Result) Values() []float64 { return r.Model.Values() }

// Peaks returns the fitted peak table.
func (r *Result) Peaks() spectro.PeakTable { return r.Model.Peaks(r.Values()) }

// Best returns the fitted curve at the data's x.
func (r *Result) Best() []float64 { return r.fit }

// Residuals returns y − fit.
func (r *Result) Residuals() []float64 {
	out := make([]float64, len(r.y))
	for i := range out {
		out[i] = r.y[i] - r.fit[i]
	}
	return out
}

// Report formats the result like lmfit's fit_report.
func (r *Result) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[[Model]]\n    %s\n[[Fit Statistics]]\n", r.Model.Describe())
	fmt.Fprintf(&b, "    # fitting method   = Levenberg–Marquardt (trust region, QR; bounded; analytic Jacobian)\n")
	fmt.Fprintf(&b, "    # function evals   = %d\n    # data points      = %d\n    # variables        = %d\n", r.NFev, r.NData, r.NVarys)
	fmt.Fprintf(&b, "    chi-square         = %.8g\n    reduced chi-square = %.8g\n", r.ChiSqr, r.RedChi)
	fmt.Fprintf(&b, "    Akaike info crit   = %.8g\n    Bayesian info crit = %.8g\n    R-squared          = %.8g\n", r.AIC, r.BIC, r.R2)
	fmt.Fprintf(&b, "    converged          = %v (%s)\n", r.Success, r.Message)
	if r.AddNote != "" {
		fmt.Fprintf(&b, "    # peaks added      = %d (%s)\n", r.Added, r.AddNote)
	}
	b.WriteString("[[Variables]]\n")
	w := 0
	for _, p := range r.Model.Params {
		w = max(w, len(p.Name))
	}
	for _, p := range r.Model.Params {
		fmt.Fprintf(&b, "    %-*s  %s\n", w+1, p.Name+":", formatParam(p))
	}
	type pair struct {
		a, b string
		c    float64
	}
	var pairs []pair
	for a := range r.Correl {
		for c := a + 1; c < len(r.Correl); c++ {
			if v := r.Correl[a][c]; math.Abs(v) > 0.1 {
				pairs = append(pairs, pair{r.Model.Params[r.free[a]].Name, r.Model.Params[r.free[c]].Name, v})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return math.Abs(pairs[i].c) > math.Abs(pairs[j].c) })
	if len(pairs) > 0 {
		b.WriteString("[[Correlations]] (unreported correlations are < 0.100)\n")
		for _, p := range pairs {
			fmt.Fprintf(&b, "    C(%s, %s) = %+.4f\n", p.a, p.b, p.c)
		}
	}
	return b.String()
}

func formatParam(p Param) string {
	var s string
	switch {
	case p.Expr != "":
		s = fmt.Sprintf("%.8g +/- %.4g == '%s'", p.Value, p.Stderr, p.Expr)
	case !p.Vary:
		s = fmt.Sprintf("%.8g (fixed)", p.Value)
	case math.IsNaN(p.Stderr):
		s = fmt.Sprintf("%.8g +/- (not estimated) (init = %.6g)", p.Value, p.Init)
	default:
		rel := ""
		if p.Value != 0 {
			rel = fmt.Sprintf(" (%.2f%%)", 100*math.Abs(p.Stderr/p.Value))
		}
		s = fmt.Sprintf("%.8g +/- %.4g%s (init = %.6g)", p.Value, p.Stderr, rel, p.Init)
	}
	if p.AtBound {
		s += " at bound"
	}
	return s
}

// MarshalJSON writes the result as one object: statistics ("ssr" is the
// residual sum of squares, also as lmfit's "chisqr"), every parameter by name
// ({"b1": {"value": …, "stderr": …, …}}), the order of the parameters, and
// the peak table of a peak model.
func (r *Result) MarshalJSON() ([]byte, error) {
	type jp struct {
		Value   spectro.Float `json:"value"`
		Stderr  spectro.Float `json:"stderr"`
		Init    spectro.Float `json:"init"`
		Min     spectro.Float `json:"min"`
		Max     spectro.Float `json:"max"`
		Vary    bool          `json:"vary"`
		Expr    string        `json:"expr,omitempty"`
		AtBound bool          `json:"at_bound,omitempty"`
	}
	params := map[string]jp{}
	var names []string
	for _, p := range r.Model.Params {
		params[p.Name] = jp{spectro.Float(p.Value), spectro.Float(p.Stderr), spectro.Float(p.Init), spectro.Float(p.Min), spectro.Float(p.Max), p.Vary, p.Expr, p.AtBound}
		names = append(names, p.Name)
	}
	out := map[string]any{
		"model": r.Model.Describe(), "converged": r.Success, "success": r.Success, "message": r.Message,
		"iterations": r.NIter, "nfev": r.NFev, "ndata": r.NData, "nvarys": r.NVarys,
		"ssr": spectro.Float(r.ChiSqr), "chisqr": spectro.Float(r.ChiSqr), "redchi": spectro.Float(r.RedChi),
		"aic": spectro.Float(r.AIC), "bic": spectro.Float(r.BIC), "r2": spectro.Float(r.R2),
		"params": params, "param_names": names,
	}
	if shape, ok := r.Model.PeakShape(); ok {
		out["shape"], out["peaks"] = shape.String(), r.Peaks()
	}
	return json.Marshal(out)
}

// FitBest fits each candidate shape (default Gaussian, Lorentzian,
// pseudo-Voigt, Voigt) from guesses made with o, and returns the fit with the
// lowest BIC first, then the others in order.
func FitBest(x, y []float64, g GuessOptions, o Options, shapes ...lineshape.Shape) ([]*Result, error) {
	if len(shapes) == 0 {
		shapes = []lineshape.Shape{lineshape.Gaussian, lineshape.Lorentzian, lineshape.PseudoVoigt, lineshape.Voigt}
	}
	var out []*Result
	var firstErr error
	for _, s := range shapes {
		r, err := guessAndFit(x, y, s, g, o)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", s, err)
			}
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, firstErr
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].BIC < out[j].BIC })
	return out, nil
}

// guessAndFit guesses a model of the shape, fits it and, with g.AddPeaks,
// adds the peaks its residual still shows.
func guessAndFit(x, y []float64, shape lineshape.Shape, g GuessOptions, o Options) (*Result, error) {
	m, err := Guess(x, y, shape, g)
	if err != nil {
		return nil, err
	}
	r, err := Fit(x, y, m, o)
	if err != nil || !g.AddPeaks {
		return r, err
	}
	return AddPeaks(x, y, r, o, AddOptions{})
}

// Job is one spectrum to fit in a batch.
type Job struct {
	X, Y  []float64
	Shape lineshape.Shape
	Guess GuessOptions
	Model *Model // optional: fit this model instead of guessing one
}

// BatchResult is one job's outcome.
type BatchResult struct {
	Result *Result
	Err    error
}

// FitBatch fits the jobs on `workers` goroutines (0: all cores), calling
// progress(done, total) after each fit (from one goroutine at a time). Results
// are in job order; failures are per job. It stops early when ctx is cancelled.
func FitBatch(ctx context.Context, jobs []Job, o Options, workers int, progress func(done, total int)) []BatchResult {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]BatchResult, len(jobs))
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				j := jobs[i]
				var err error
				if j.Model != nil {
					out[i].Result, err = Fit(j.X, j.Y, j.Model, o)
				} else {
					out[i].Result, err = guessAndFit(j.X, j.Y, j.Shape, j.Guess, o)
				}
				out[i].Err = err
				d := int(done.Add(1))
				if progress != nil {
					mu.Lock()
					progress(d, len(jobs))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		for i := range out {
			if out[i].Result == nil && out[i].Err == nil {
				out[i].Err = err
			}
		}
	}
	return out
}
