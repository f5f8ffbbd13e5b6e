// Package nist reads the NIST Statistical Reference Datasets for nonlinear
// regression (NIST/ITL StRD: Misra1a, Thurber, MGH09, ...) and scores a
// fitter on them by the log relative error of its estimates against the
// certified values.
//
// Each .dat file states its model as text ("y = b1*(1-exp[-b2*x])  +  e"),
// two starting points (Start 1 far from the solution, Start 2 near it), the
// certified parameter values and standard deviations to 11 digits, the
// certified residual sum of squares, and the data.
package nist

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro/fit"
)

// Problem is one StRD dataset.
type Problem struct {
	Name       string
	Difficulty string // "lower", "average" or "higher"
	Predictors int
	Response   string       // the left-hand side: "y" (Nelson: "log[y]")
	Model      string       // the right-hand side, e.g. "b1*(1-exp[-b2*x])"
	Params     []string     // b1, b2, ...
	Start      [2][]float64 // Start 1, Start 2
	Certified  []float64
	CertStd    []float64
	CertSSR    float64
	X, Y       []float64
	// Xs holds every predictor's column (X is the first).
	Xs [][]float64
}

var (
	nameRe  = regexp.MustCompile(`^Dataset Name:\s+(\S+)`)
	diffRe  = regexp.MustCompile(`(Lower|Average|Higher) Level of Difficulty`)
	predRe  = regexp.MustCompile(`^\s*(\d+) Predictors?`)
	paramRe = regexp.MustCompile(`^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$`)
	ssrRe   = regexp.MustCompile(`^Residual Sum of Squares:\s+(\S+)`)
	modelRe = regexp.MustCompile(`^\s*(y|log\[y\])\s*=\s*(.*)$`)
	errRe   = regexp.MustCompile(`\+\s*e\s*$`)
	dataRe  = regexp.MustCompile(`^Data:\s+y\s+x`)
)

// Read parses one .dat file; errors name the file and line.
func Read(path string) (*Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := &Problem{}
	sc := bufio.NewScanner(f)
	line, inModel, inData := 0, false, false
	var model []string
	fail := func(format string, a ...any) (*Problem, error) {
		return nil, fmt.Errorf("%s:%d: %s", path, line, fmt.Sprintf(format, a...))
	}
	num := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case inData:
			fields := strings.Fields(text)
			if len(fields) == 0 {
				continue
			}
			if len(fields) != 1+p.Predictors {
				return fail("want %d columns (y and the predictors), got %d", 1+p.Predictors, len(fields))
			}
			var row []float64
			for _, f := range fields {
				v, err := num(f)
				if err != nil {
					return fail("not a number in %q", text)
				}
				row = append(row, v)
			}
			if p.Xs == nil {
				p.Xs = make([][]float64, p.Predictors)
			}
			for j := range p.Xs {
				p.Xs[j] = append(p.Xs[j], row[1+j])
			}
			p.X, p.Y = p.Xs[0], append(p.Y, row[0])
		case nameRe.MatchString(text):
			p.Name = nameRe.FindStringSubmatch(text)[1]
		case diffRe.MatchString(text):
			p.Difficulty = strings.ToLower(diffRe.FindStringSubmatch(text)[1])
		case predRe.MatchString(text) && p.Predictors == 0:
			p.Predictors, _ = strconv.Atoi(predRe.FindStringSubmatch(text)[1])
		case modelRe.MatchString(text) && p.Model == "" && !inModel:
			inModel = true
			m := modelRe.FindStringSubmatch(text)
			p.Response = m[1]
			model = append(model, m[2])
		case inModel:
			if strings.TrimSpace(text) == "" {
				inModel = false
				p.Model = strings.TrimSpace(errRe.ReplaceAllString(strings.Join(model, " "), ""))
				p.Model = strings.Join(strings.Fields(p.Model), " ")
				continue
			}
			model = append(model, strings.TrimSpace(text))
		case paramRe.MatchString(text):
			m := paramRe.FindStringSubmatch(text)
			var v [4]float64
			for i := range v {
				if v[i], err = num(m[2+i]); err != nil {
					return fail("parameter %s: %v", m[1], err)
				}
			}
			p.Params = append(p.Params, m[1])
			p.Start[0], p.Start[1] = append(p.Start[0], v[0]), append(p.Start[1], v[1])
			p.Certified, p.CertStd = append(p.Certified, v[2]), append(p.CertStd, v[3])
		case ssrRe.MatchString(text):
			if p.CertSSR, err = num(ssrRe.FindStringSubmatch(text)[1]); err != nil {
				return fail("residual sum of squares: %v", err)
			}
		case dataRe.MatchString(text):
			inData = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case p.Name == "":
		return nil, fmt.Errorf("%s: no \"Dataset Name:\" line: not a StRD file", path)
	case p.Model == "":
		return nil, fmt.Errorf("%s: no model (a line \"y = ...\")", path)
	case len(p.Params) == 0:
		return nil, fmt.Errorf("%s: no starting values (lines \"b1 = ...\")", path)
	case len(p.X) == 0:
		return nil, fmt.Errorf("%s: no data after \"Data:  y  x\"", path)
	}
	return p, nil
}

// ReadDir reads every .dat file of a folder, sorted by name.
func ReadDir(dir string) ([]*Problem, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.dat"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .dat files", dir)
	}
	sort.Strings(files)
	var out []*Problem
	for _, f := range files {
		p, err := Read(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// LRE is the log relative error −log10(|estimate − certified|/|certified|):
// the number of correct significant digits, capped at 11 (the certified
// values' precision); 0 for estimates off by the value itself or more, or not
// finite.
func LRE(estimate, certified float64) float64 {
	if math.IsNaN(estimate) || math.IsInf(estimate, 0) {
		return 0
	}
	d := math.Abs(estimate - certified)
	if certified != 0 {
		d /= math.Abs(certified)
	}
	if d == 0 {
		return 11
	}
	return math.Max(0, math.Min(11, -math.Log10(d)))
}

// Result is one run of the fitter on a problem from one start.
type Result struct {
	Problem    string    `json:"problem"`
	Difficulty string    `json:"difficulty"`
	Start      int       `json:"start"` // 1 or 2
	Estimates  []float64 `json:"estimates"`
	SSR        float64   `json:"ssr"`
	LRE        []float64 `json:"lre"`     // per parameter
	LRESSR     float64   `json:"lre_ssr"` // of the residual sum of squares
	// SSRFloor is the LRE of the residual sum of squares evaluated in
	// float64 at the certified values themselves: no float64 fit can do
	// better. It is below 6 only where the data's own float64 rounding
	// outweighs the residuals (Lanczos1, residuals near 1e-13).
	SSRFloor float64 `json:"ssr_floor"`
	MinLRE   float64 `json:"min_lre"` // the smallest of LRE and LRESSR
	// Passed: every parameter to ≥ 6 digits, and the residual sum of squares
	// to 6 or, where float64 cannot reach 6 (SSRFloor), as near as it allows.
	Passed     bool   `json:"passed"`
	Converged  bool   `json:"converged"`
	Iterations int    `json:"iterations"`
	Evals      int    `json:"evals"`
	Err        string `json:"error,omitempty"`
}

// Options are the solver settings the StRD runs use: fit.Precise, the
// default of expression fits on the command line too.
var Options = fit.Precise

// Run fits the problem's model from start 1 or 2 (parameters unbounded, as
// NIST states them) and scores it against the certified values.
func Run(p *Problem, start int, o fit.Options) Result {
	r := Result{Problem: p.Name, Difficulty: p.Difficulty, Start: start}
	m, err := fit.NewExpression(p.Model)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	for i, name := range p.Params {
		if err := m.Set(name, p.Start[start-1][i], math.Inf(-1), math.Inf(1)); err != nil {
			r.Err = err.Error()
			return r
		}
	}
	res, err := fit.Fit(p.X, p.Y, m, o)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.SSRFloor = LRE(ssrAt(m, p), p.CertSSR)
	r.Converged, r.Iterations, r.Evals, r.SSR = res.Success, res.NIter, res.NFev, res.ChiSqr
	r.LRESSR = LRE(res.ChiSqr, p.CertSSR)
	r.MinLRE = r.LRESSR
	for i, name := range p.Params {
		v := res.Model.Params[res.Model.Index(name)].Value
		r.Estimates = append(r.Estimates, v)
		l := LRE(v, p.Certified[i])
		r.LRE = append(r.LRE, l)
		r.MinLRE = math.Min(r.MinLRE, l)
	}
	r.Passed = slices.Min(r.LRE) >= 6 && (r.LRESSR >= 6 || r.LRESSR >= r.SSRFloor-0.5)
	return r
}

// ssrAt is the residual sum of squares at the certified values, in float64.
func ssrAt(m *fit.Model, p *Problem) float64 {
	v := m.Values()
	for i, name := range p.Params {
		v[m.Index(name)] = p.Certified[i]
	}
	f := make([]float64, len(p.X))
	m.Eval(p.X, v, f)
	ssr := 0.0
	for i := range f {
		d := p.Y[i] - f[i]
		ssr += d * d
	}
	return ssr
}

// Table formats runs (both starts of each problem, in order) as Markdown:
// the smallest LRE over the parameters and the residual sum of squares, per
// start, and a count of the runs that passed.
func Table(runs []Result) string {
	var b strings.Builder
	b.WriteString("| problem | difficulty | LRE start 1 | LRE start 2 | iterations |\n|---|---|---|---|---|\n")
	passed := 0
	cell := func(r Result) string {
		if r.Passed {
			passed++
		}
		s := fmt.Sprintf("%.1f", r.MinLRE)
		if r.Err != "" {
			s = "error"
		}
		if !r.Passed {
			s += " ✗"
		}
		return s
	}
	for i := 0; i+1 < len(runs); i += 2 {
		a, c := runs[i], runs[i+1]
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %d / %d |\n", a.Problem, a.Difficulty, cell(a), cell(c), a.Iterations, c.Iterations)
	}
	fmt.Fprintf(&b, "\n%d of %d runs with every parameter and the residual sum of squares to ≥ 6 digits\n", passed, len(runs))
	return b.String()
}
