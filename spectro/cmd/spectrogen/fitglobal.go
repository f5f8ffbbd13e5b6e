package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// globalSpec is a global fit's spec file:
//
//	# a temperature series sharing one line width
//	files: t1.csv t2.csv t3.csv      (relative to the spec's folder)
//	shape: pvoigt                    (or expr: b1*exp(-b2*x) + b3, with param: lines)
//	peaks: 2
//	baseline: constant               (none, constant, linear, quadratic)
//	shared: p1_fwhm p1_eta
//	tie: d3_p2_center = d3_p1_center + 103.5
//	param: b1=1 b2=0.01:0:
//	range: 900:1200
type globalSpec struct {
	files    []string
	shape    lineshape.Shape
	expr     string
	params   paramFlags
	peaks    int
	baseline int
	shared   []string
	ties     map[string]string
	lo, hi   float64
	cropped  bool
}

func readGlobalSpec(path string) (*globalSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sp := &globalSpec{shape: lineshape.PseudoVoigt, peaks: 4, baseline: 1, ties: map[string]string{}}
	dir := filepath.Dir(path)
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", path, i+1, fmt.Sprintf(format, args...))
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fail("want KEY: VALUE, got %q", line)
		}
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		switch key {
		case "files":
			for _, f := range strings.Fields(value) {
				if !filepath.IsAbs(f) {
					f = filepath.Join(dir, f)
				}
				sp.files = append(sp.files, f)
			}
		case "shape":
			if sp.shape, err = lineshape.ParseShape(value); err != nil {
				return nil, fail("%v", err)
			}
		case "expr":
			sp.expr = value
		case "param":
			for _, f := range strings.Fields(value) {
				if err := sp.params.Set(f); err != nil {
					return nil, fail("param %s: %v", f, err)
				}
			}
		case "peaks":
			if sp.peaks, err = strconv.Atoi(value); err != nil || sp.peaks < 1 || sp.peaks > 50 {
				return nil, fail("peaks %q: want 1–50", value)
			}
		case "baseline":
			order, ok := map[string]int{"none": -1, "constant": 0, "linear": 1, "quadratic": 2}[value]
			if !ok {
				return nil, fail("baseline %q: want none, constant, linear or quadratic", value)
			}
			sp.baseline = order
		case "shared":
			sp.shared = append(sp.shared, strings.Fields(strings.ReplaceAll(value, ",", " "))...)
		case "tie":
			name, expr, ok := strings.Cut(value, "=")
			if !ok {
				return nil, fail("tie %q: want NAME = EXPRESSION", value)
			}
			sp.ties[strings.TrimSpace(name)] = strings.TrimSpace(expr)
		case "range":
			lo, hi, ok, err := parseRange(value)
			if err != nil || !ok {
				return nil, fail("range %q: want LO:HI", value)
			}
			sp.lo, sp.hi, sp.cropped = lo, hi, true
		default:
			return nil, fail("unknown key %q (files, shape, expr, param, peaks, baseline, shared, tie, range)", key)
		}
	}
	if len(sp.files) < 2 {
		return nil, fmt.Errorf("%s: a global fit needs at least two files (files: a.csv b.csv)", path)
	}
	return sp, nil
}

// fitGlobal runs the global fit a spec file describes.
func fitGlobal(specPath string, o fit.Options, asJSON bool) error {
	sp, err := readGlobalSpec(specPath)
	if err != nil {
		return err
	}
	var data []fit.Dataset
	var names []string
	for _, f := range sp.files {
		x, y, err := formats.ReadColumns(f)
		if err != nil {
			return err
		}
		if sp.cropped {
			x, y = cropColumns(x, y, sp.lo, sp.hi)
		}
		data = append(data, fit.Dataset{Name: filepath.Base(f), X: x, Y: y})
		names = append(names, filepath.Base(f))
	}
	var tmpl *fit.Model
	if sp.expr != "" {
		if tmpl, err = fit.NewExpression(sp.expr); err != nil {
			return fmt.Errorf("%s: expr: %w", specPath, err)
		}
		for _, p := range sp.params {
			if err := tmpl.Set(p.name, p.value, p.min, p.max); err != nil {
				return fmt.Errorf("%s: param %s: %w", specPath, p.name, err)
			}
		}
	} else {
		g := fit.GuessOptions{MaxPeaks: sp.peaks, Baseline: sp.baseline, NoBaseline: sp.baseline < 0}
		if tmpl, err = fit.Guess(data[0].X, data[0].Y, sp.shape, g); err != nil {
			return fmt.Errorf("%s: guessing the model on %s: %w", specPath, names[0], err)
		}
	}
	res, err := fit.FitGlobal(data, tmpl, sp.shared, sp.ties, o)
	if err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	if asJSON {
		per := make([]map[string]any, len(res.Models))
		for k, m := range res.Models {
			params := map[string]any{}
			for _, p := range m.Params {
				params[p.Name] = map[string]any{"value": p.Value, "stderr": spectro.Float(p.Stderr), "shared": slices.Contains(sp.shared, p.Name)}
			}
			per[k] = map[string]any{"file": names[k], "params": params}
		}
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"spec": specPath, "joint": res.Joint, "datasets": per, "shared": sp.shared})
	}
	fmt.Print(res.Report(names))
	return nil
}
