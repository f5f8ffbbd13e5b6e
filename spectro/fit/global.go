package fit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Dataset is one spectrum of a global fit.
type Dataset struct {
	Name string
	X, Y []float64
}

// GlobalResult is a global fit: the joint fit of every dataset and, per
// dataset, the template model with its values and standard errors.
type GlobalResult struct {
	Joint  *Result  // the one fit over all datasets (parameters d1_…, d2_…)
	Models []*Model // per dataset: the template's parameters, fitted
	Shared []string // the template's parameter names shared by all
}

// segment applies a component to one dataset's points of the joint axis
// (indices start..end−1) and is zero elsewhere: how one model per dataset
// becomes one sum over the concatenated data.
type segment struct {
	Component
	start, end int
}

// Accumulate implements the fast path the solver takes (see accumulator).
func (s segment) Accumulate(x, p, f []float64, grads [][]float64) {
	for _, g := range grads {
		for i := range g {
			if i < s.start || i >= s.end {
				g[i] = 0
			}
		}
	}
	xs, fs := x[s.start:s.end], f[s.start:s.end]
	if a, ok := s.Component.(accumulator); ok {
		var sub [][]float64
		if grads != nil {
			sub = make([][]float64, len(grads))
			for j := range grads {
				sub[j] = grads[j][s.start:s.end]
			}
		}
		a.Accumulate(xs, p, fs, sub)
		return
	}
	g := make([]float64, len(p))
	for i, xv := range xs {
		if grads == nil {
			fs[i] += s.Component.Eval(xv, p)
			continue
		}
		v, ok := s.Component.Grad(xv, p, g)
		if !ok {
			centralDiff(s.Component, xv, p, g)
		}
		for j := range g {
			grads[j][s.start+i] = g[j]
		}
		fs[i] += v
	}
}

// FitGlobal fits several spectra at once with one model (template, from its
// values and bounds) per dataset, the parameters named in shared one
// parameter for all (dataset 1's), and ties (joint names, e.g.
// "d2_p1_center": "d1_p1_center + 3.5") on top. The template's own ties are
// kept within each dataset. Standard errors come from the joint Jacobian, so
// a shared parameter's reflects every dataset.
func FitGlobal(data []Dataset, template *Model, shared []string, ties map[string]string, o Options) (*GlobalResult, error) {
	if len(data) < 2 {
		return nil, fmt.Errorf("a global fit needs at least two datasets, got %d", len(data))
	}
	var x, y []float64
	var parts []Part
	for k, d := range data {
		if err := checkPoints(d.X, d.Y); err != nil {
			return nil, fmt.Errorf("dataset %d (%s): %w", k+1, d.Name, err)
		}
		start := len(x)
		x, y = append(x, d.X...), append(y, d.Y...)
		for _, pt := range template.Parts {
			parts = append(parts, Part{fmt.Sprintf("d%d_%s", k+1, pt.Prefix), segment{pt.Component, start, len(x)}})
		}
	}
	m, err := NewSum(parts...)
	if err != nil {
		return nil, err
	}
	np := len(template.Params)
	for k := range data {
		for j, tp := range template.Params {
			p := &m.Params[k*np+j]
			p.Value, p.Init, p.Min, p.Max, p.Vary = tp.Value, tp.Value, tp.Min, tp.Max, tp.Vary
		}
	}
	for _, name := range shared {
		if template.Index(name) < 0 {
			return nil, fmt.Errorf("shared parameter %s: the model has %s", name, strings.Join(template.names(), ", "))
		}
	}
	for k := range data {
		prefix := fmt.Sprintf("d%d_", k+1)
		for _, tp := range template.Params {
			switch {
			case k > 0 && slices.Contains(shared, tp.Name):
				if err := m.SetExpr(prefix+tp.Name, "d1_"+tp.Name); err != nil {
					return nil, err
				}
			case tp.Expr != "":
				if err := m.SetExpr(prefix+tp.Name, prefixNames(tp.Expr, template, prefix)); err != nil {
					return nil, err
				}
			}
		}
	}
	for name, expr := range ties {
		if err := m.SetExpr(name, expr); err != nil {
			return nil, fmt.Errorf("tie %s = %s: %w", name, expr, err)
		}
	}
	joint, err := Fit(x, y, m, o)
	if err != nil {
		return nil, err
	}
	res := &GlobalResult{Joint: joint, Shared: shared}
	for k := range data {
		mk := *template
		mk.Params = append([]Param(nil), template.Params...)
		for j := range mk.Params {
			jp := joint.Model.Params[k*np+j]
			mk.Params[j].Value, mk.Params[j].Stderr, mk.Params[j].AtBound = jp.Value, jp.Stderr, jp.AtBound
		}
		res.Models = append(res.Models, &mk)
	}
	return res, nil
}

// prefixNames rewrites the template's parameter names in expr with prefix.
func prefixNames(expr string, template *Model, prefix string) string {
	for _, n := range template.names() {
		expr = regexp.MustCompile(`\b`+regexp.QuoteMeta(n)+`\b`).ReplaceAllString(expr, prefix+n)
	}
	return expr
}

// Report is the joint fit's statistics and, per parameter of the template,
// its value in each dataset (shared ones once).
func (g *GlobalResult) Report(names []string) string {
	var b strings.Builder
	j := g.Joint
	fmt.Fprintf(&b, "[[Global fit]] %d datasets, %d points, %d free parameters\n", len(g.Models), j.NData, j.NVarys)
	fmt.Fprintf(&b, "    chi-square %.8g, reduced %.8g, R² %.6f, %s\n", j.ChiSqr, j.RedChi, j.R2, j.Message)
	fmt.Fprintln(&b, "[[Shared]]")
	for _, s := range g.Shared {
		p := g.Models[0].Params[g.Models[0].Index(s)]
		fmt.Fprintf(&b, "    %-14s %s\n", s, formatParam(p))
	}
	fmt.Fprintln(&b, "[[Per dataset]]")
	for k, m := range g.Models {
		name := fmt.Sprintf("d%d", k+1)
		if k < len(names) && names[k] != "" {
			name += " " + names[k]
		}
		fmt.Fprintf(&b, "  %s\n", name)
		for _, p := range m.Params {
			if slices.Contains(g.Shared, p.Name) {
				continue
			}
			fmt.Fprintf(&b, "    %-14s %s\n", p.Name, formatParam(p))
		}
	}
	return b.String()
}
