package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
	"github.com/spectrogen-go/spectrogen/spectro/preprocess"
	"gonum.org/v1/gonum/floats"
)

func init() {
	register(command{"fit", "fit peaks (Gaussian, Lorentzian, Voigt, pseudo-Voigt) to spectra and report", runFit})
}

// fitSettings are the choices shared by fit, its report and its benchmark.
type fitSettings struct {
	shape    string
	peaks    int
	baseline string
	crop     string
	prom     float64
	add      bool
}

func (fs *fitSettings) register(f interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Float64Var(*float64, string, float64, string)
	BoolVar(*bool, string, bool, string)
}) {
	f.StringVar(&fs.shape, "shape", "pvoigt", "line shape: gauss, lorentz, pvoigt, voigt, tch, or auto (lowest BIC of gauss, lorentz, pvoigt, voigt)")
	f.IntVar(&fs.peaks, "peaks", 8, "at most this many peaks (the most prominent)")
	f.StringVar(&fs.baseline, "baseline", "linear", "none, constant, linear or quadratic (fitted with the peaks); or arpls, asls, snip (subtracted first)")
	f.StringVar(&fs.crop, "range", "", "fit only LO:HI of the x axis")
	f.Float64Var(&fs.prom, "prominence", 0.02, "smallest peak prominence, as a fraction of the intensity range")
	f.BoolVar(&fs.add, "add-peaks", true, "then add peaks where the residual stands above the noise, each kept only if it lowers the BIC (--add-peaks=false: the guessed peaks only)")
}

// fittedBaseline sets g for a baseline fitted with the lines (none,
// constant, linear, quadratic) and reports whether --baseline named one.
func (fs *fitSettings) fittedBaseline(g *fit.GuessOptions) bool {
	switch fs.baseline {
	case "none":
		g.NoBaseline = true
	case "constant":
		g.Baseline = 0
	case "linear":
		g.Baseline = 1
	case "quadratic":
		g.Baseline = 2
	default:
		return false
	}
	return true
}

// prepare crops and (for arpls/asls/snip) subtracts the baseline, and returns
// the guess options.
func (fs *fitSettings) prepare(s *spectro.Spectrum) (*spectro.Spectrum, fit.GuessOptions, error) {
	g := fit.GuessOptions{MaxPeaks: fs.peaks, MinProminence: fs.prom, AddPeaks: fs.add}
	if fs.peaks < 1 || fs.peaks > 100 {
		return nil, g, usagef("--peaks must be 1–100, got %d", fs.peaks)
	}
	var steps preprocess.Pipeline
	if lo, hi, ok, err := parseRange(fs.crop); err != nil {
		return nil, g, err
	} else if ok {
		steps = append(steps, preprocess.Crop(lo, hi))
	}
	if fs.fittedBaseline(&g) {
		out, err := steps.Apply(s)
		return out, g, err
	}
	switch fs.baseline {
	case "arpls":
		steps, g.Baseline = append(steps, preprocess.BaselineArPLS(1e6)), 0
	case "asls":
		steps, g.Baseline = append(steps, preprocess.BaselineAsLS(1e6, 0.01)), 0
	case "snip":
		steps, g.Baseline = append(steps, preprocess.BaselineSNIP(max(5, s.Len()/40))), 0
	default:
		return nil, g, usagef("--baseline %q: want none, constant, linear, quadratic, arpls, asls or snip", fs.baseline)
	}
	out, err := steps.Apply(s)
	return out, g, err
}

func (fs *fitSettings) shapes() ([]lineshape.Shape, error) {
	if fs.shape == "auto" {
		return nil, nil
	}
	s, err := lineshape.ParseShape(fs.shape)
	if err != nil {
		return nil, usageError{err}
	}
	return []lineshape.Shape{s}, nil
}

func runFit(ctx context.Context, args []string) error {
	flags := newFlags("fit", "FILE... [--shape gauss|lorentz|pvoigt|voigt|tch|auto] [--peaks K] [--baseline linear|...] [--json] [--out DIR]")
	var fs fitSettings
	fs.register(flags)
	asJSON := flags.Bool("json", false, "print one JSON object per file (with r2 and the peak table)")
	out := flags.String("out", "", "write each fitted curve (x, y, fit, residual, baseline, peaks) as CSV into this folder, and the whole fit as JSON (model, ties, bounds, errors, data) for --from-result and fit.LoadResult")
	fromResult := flags.String("from-result", "", "start from a saved fit's model (a _fit.json that --out wrote): its lines, baseline, bounds and ties, fitted anew to each FILE")
	modality := flags.String("modality", "", "modality of files whose name and folder do not say it")
	expr := flags.String("expr", "", "fit this expression in x instead of peaks, e.g. 'b1*exp(-b2*x) + b3' (+ - * / ** ^, ( ) [ ], exp log sqrt sin cos tan arctan erf, pi); give every parameter a --param")
	var solver solverFlags
	solver.register(flags)
	global := flags.String("global", "", "fit several spectra at once with shared parameters, as the spec file says (files:, shape:/expr:, shared:, tie:; see the README)")
	asMap := flags.Bool("map", false, "FILE is a spectral map (WDF or multifile SPC, a text matrix of spectra, a folder of spectra named …_X12_Y7): fit every pixel, seeded from its fitted neighbour, and write parameter images and a table into --out")
	mapWidth := flags.Int("map-width", 0, "pixels per row of a map whose file gives no positions (default: one line)")
	var params paramFlags
	flags.Var(&params, "param", "NAME=VALUE[:MIN:MAX] starting value (and bounds, either may be empty) of an --expr parameter; repeat for each")
	if err := parse(flags, args); err != nil {
		return err
	}
	if *global != "" {
		o, err := solver.options(flags, fit.Options{})
		if err != nil {
			return err
		}
		return fitGlobal(*global, o, *asJSON)
	}
	if flags.NArg() == 0 {
		return usagef("name at least one spectrum file")
	}
	if *fromResult != "" {
		saved, err := fit.LoadResult(*fromResult, nil)
		if err != nil {
			return err
		}
		o, err := solver.options(flags, fit.Options{})
		if err != nil {
			return err
		}
		return fitSavedModel(flags.Args(), saved.Model, fs.crop, *asJSON, *out, o, &solver)
	}
	if *expr != "" {
		o, err := solver.options(flags, fit.Precise)
		if err != nil {
			return err
		}
		return fitExpressions(flags.Args(), *expr, params, fs.crop, *asJSON, *out, o, &solver)
	}
	if len(params) > 0 {
		return usagef("--param sets parameters of an --expr model; peak models take --shape, --peaks, --baseline")
	}
	shapes, err := fs.shapes()
	if err != nil {
		return err
	}
	solverOpts, err := solver.options(flags, fit.Options{})
	if err != nil {
		return err
	}
	opts, err := readOptions(*modality, "")
	if err != nil {
		return err
	}
	if *asMap {
		for _, path := range flags.Args() {
			if err := fitMap(ctx, path, &fs, solverOpts, opts, *mapWidth, *out, *asJSON); err != nil {
				return err
			}
		}
		return nil
	}
	enc := json.NewEncoder(os.Stdout)
	for _, path := range flags.Args() {
		s, err := formats.ReadFile(path, opts)
		if err != nil {
			return err
		}
		prepared, g, err := fs.prepare(s)
		if err != nil {
			return err
		}
		start := time.Now()
		results, err := fit.FitBest(prepared.X, prepared.Y, g, solverOpts, shapes...)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		best := results[0]
		ci, err := solver.intervals(best, solverOpts)
		if err != nil {
			return err
		}
		if *asJSON {
			var obj map[string]any
			js, _ := json.Marshal(best)
			json.Unmarshal(js, &obj)
			obj["file"] = path
			if ci != nil {
				obj["conf_intervals"] = ci
			}
			if len(results) > 1 {
				bics := map[string]float64{}
				for _, r := range results {
					bics[shapeName(r.Model)] = r.BIC
				}
				obj["bic_by_shape"] = bics
			}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		} else {
			fmt.Printf("=== %s (%s, %d points, %.1f ms)\n", path, s.Modality, prepared.Len(), float64(time.Since(start).Microseconds())/1000)
			if len(results) > 1 {
				var parts []string
				for _, r := range results {
					parts = append(parts, fmt.Sprintf("%s %.1f", shapeName(r.Model), r.BIC))
				}
				fmt.Printf("shape chosen by BIC: %s\n", strings.Join(parts, " < "))
			}
			fmt.Print(best.Report())
			printIntervals(ci, best)
		}
		if *out != "" {
			if err := writeFitCSV(filepath.Join(*out, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"_fit.csv"), prepared, best); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeFitCSV(path string, s *spectro.Spectrum, r *fit.Result) error {
	// Beside the curves, the whole fit for fit.LoadResult / --from-result.
	if err := fit.SaveResult(strings.TrimSuffix(path, ".csv")+".json", r); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s fitted with %s, R² %.6f\n", s.Name(), r.Model.Describe(), r.R2)
	var comps [][]float64
	base := make([]float64, s.Len())
	for k, c := range r.Model.EvalComponents(s.X, r.Values()) {
		if _, isPeak := r.Model.Parts[k].Component.(fit.Peak); isPeak {
			comps = append(comps, c.Y)
		} else {
			floats.Add(base, c.Y) // every background part
		}
	}
	b.WriteString("x,y,fit,residual,baseline")
	for k := range comps {
		fmt.Fprintf(&b, ",peak%d", k+1)
	}
	b.WriteString("\n")
	best, res := r.Best(), r.Residuals()
	for i := range s.X {
		fmt.Fprintf(&b, "%g,%g,%g,%g,%g", s.X[i], s.Y[i], best[i], res[i], base[i])
		for k := range comps {
			fmt.Fprintf(&b, ",%g", comps[k][i])
		}
		b.WriteString("\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, []byte(b.String()))
}

// shapeName is the line shape of a peak model's peaks.
func shapeName(m *fit.Model) string {
	if s, ok := m.PeakShape(); ok {
		return s.String()
	}
	return m.Describe()
}

// paramFlags collects --param NAME=VALUE[:MIN:MAX].
type paramFlags []paramFlag

type paramFlag struct {
	name            string
	value, min, max float64
}

func (p *paramFlags) String() string { return fmt.Sprint(*p) }

func (p *paramFlags) Set(s string) error {
	name, rest, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return fmt.Errorf("%q: want NAME=VALUE[:MIN:MAX]", s)
	}
	parts := strings.Split(rest, ":")
	if len(parts) != 1 && len(parts) != 3 {
		return fmt.Errorf("%q: want NAME=VALUE or NAME=VALUE:MIN:MAX (MIN or MAX may be empty)", s)
	}
	f := paramFlag{name: name, min: math.Inf(-1), max: math.Inf(1)}
	num := func(text string, dst *float64, what string) error {
		if strings.TrimSpace(text) == "" && what != "value" {
			return nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return fmt.Errorf("%q: the %s %q is not a number", s, what, text)
		}
		*dst = v
		return nil
	}
	if err := num(parts[0], &f.value, "value"); err != nil {
		return err
	}
	if len(parts) == 3 {
		if err := num(parts[1], &f.min, "minimum"); err != nil {
			return err
		}
		if err := num(parts[2], &f.max, "maximum"); err != nil {
			return err
		}
	}
	if !(f.min <= f.value && f.value <= f.max) {
		return fmt.Errorf("%q: the value is outside [%g, %g]", s, f.min, f.max)
	}
	for _, q := range *p {
		if q.name == f.name {
			return fmt.Errorf("%q: %s is set twice", s, name)
		}
	}
	*p = append(*p, f)
	return nil
}

// fitExpressions fits an expression model to each file.
func fitExpressions(files []string, expr string, params paramFlags, crop string, asJSON bool, out string, opts fit.Options, solver *solverFlags) error {
	m, err := fit.NewExpression(expr)
	if err != nil {
		return usageError{fmt.Errorf("--expr: %w", err)}
	}
	given := map[string]bool{}
	for _, p := range params {
		if err := m.Set(p.name, p.value, p.min, p.max); err != nil {
			return usageError{fmt.Errorf("--param %s: %w", p.name, err)}
		}
		given[p.name] = true
	}
	for _, p := range m.Params {
		if !given[p.Name] {
			return usagef("--expr: parameter %s has no starting value: add --param %s=VALUE", p.Name, p.Name)
		}
	}
	return fitSavedModel(files, m, crop, asJSON, out, opts, solver)
}

// fitSavedModel fits model m, from its values, to each file's two columns
// (an --expr model, or one --from-result loaded).
func fitSavedModel(files []string, m *fit.Model, crop string, asJSON bool, out string, opts fit.Options, solver *solverFlags) error {
	lo, hi, cropped, err := parseRange(crop)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, path := range files {
		x, y, err := formats.ReadColumns(path)
		if err != nil {
			return err
		}
		if cropped {
			x, y = cropColumns(x, y, lo, hi)
		}
		s := &spectro.Spectrum{X: x, Y: y, Meta: spectro.Metadata{Source: path}}
		r, err := fit.Fit(s.X, s.Y, m, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		ci, err := solver.intervals(r, opts)
		if err != nil {
			return err
		}
		if asJSON {
			var obj map[string]any
			js, _ := json.Marshal(r)
			json.Unmarshal(js, &obj)
			obj["file"] = path
			if ci != nil {
				obj["conf_intervals"] = ci
			}
			if err := enc.Encode(obj); err != nil {
				return err
			}
		} else {
			fmt.Printf("=== %s (%d points)\n%s", path, s.Len(), r.Report())
			printIntervals(ci, r)
		}
		if out != "" {
			if err := writeFitCSV(filepath.Join(out, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))+"_fit.csv"), s, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseRange reads --range LO:HI; ok is false when it is empty.
func parseRange(crop string) (lo, hi float64, ok bool, err error) {
	if crop == "" {
		return 0, 0, false, nil
	}
	if _, err := fmt.Sscanf(crop, "%g:%g", &lo, &hi); err != nil {
		return 0, 0, false, usagef("--range %q: want LO:HI", crop)
	}
	return lo, hi, true, nil
}

// solverFlags are the solver's settings on the command line.
type solverFlags struct {
	ftol, xtol, gtol float64
	maxEval          int
	restarts         int
	precise          bool
	conf, sigmas     string
}

func (sf *solverFlags) register(f *flag.FlagSet) {
	f.Float64Var(&sf.ftol, "ftol", 0, "stop when a step lowers χ² by less than this fraction (default: 1e-15 for --expr, else 1e-10)")
	f.Float64Var(&sf.xtol, "xtol", 0, "stop when a step changes the parameters by less than this fraction (default as --ftol)")
	f.Float64Var(&sf.gtol, "gtol", 0, "stop when the scaled gradient is below this (default as --ftol)")
	f.IntVar(&sf.maxEval, "max-eval", 0, "most model evaluations (default: 20000 for --expr, else 200·(parameters + 1))")
	f.IntVar(&sf.restarts, "restarts", 0, "run the solver again this many times with smaller first steps, keeping the best (default: 2 for --expr, else 0)")
	f.BoolVar(&sf.precise, "precise", false, "the tightest settings (tolerances 1e-15, 20000 evaluations, 2 restarts): the default of --expr fits")
	f.StringVar(&sf.conf, "conf", "", "profile-likelihood confidence intervals of these parameters (comma-separated, e.g. b2 or p1_center), as lmfit's conf_interval")
	f.StringVar(&sf.sigmas, "sigmas", "1,2,3", "the intervals' widths for --conf, in standard deviations")
}

// intervals are the --conf intervals of r (nil when none were asked for).
func (sf *solverFlags) intervals(r *fit.Result, o fit.Options) (map[string][]fit.Interval, error) {
	if sf.conf == "" {
		return nil, nil
	}
	var sigmas []float64
	for _, t := range splitList(sf.sigmas) {
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || !(v > 0 && v <= 5) {
			return nil, usagef("--sigmas %q: want numbers in (0, 5], e.g. 1,2,3", sf.sigmas)
		}
		sigmas = append(sigmas, v)
	}
	ci, err := fit.ConfInterval(r, splitList(sf.conf), sigmas, o)
	if err != nil {
		return nil, usageError{fmt.Errorf("--conf: %w", err)}
	}
	return ci, nil
}

// printIntervals writes --conf intervals below a fit report.
func printIntervals(ci map[string][]fit.Interval, r *fit.Result) {
	if ci == nil {
		return
	}
	fmt.Println("[[Confidence intervals]] (profile likelihood, F-test)")
	for _, p := range r.Model.Params {
		for _, iv := range ci[p.Name] {
			fmt.Printf("    %-14s %gσ (%.1f %%): %.8g  [%+.4g, %+.4g]  →  %.8g … %.8g\n", p.Name, iv.Sigma, 100*iv.Prob, p.Value, iv.Lower-p.Value, iv.Upper-p.Value, iv.Lower, iv.Upper)
		}
	}
}

// options are base (or fit.Precise with --precise) with the flags the user
// gave on top.
func (sf *solverFlags) options(f *flag.FlagSet, base fit.Options) (fit.Options, error) {
	for name, v := range map[string]float64{"ftol": sf.ftol, "xtol": sf.xtol, "gtol": sf.gtol} {
		if !(v >= 0 && v < 1) {
			return fit.Options{}, usagef("--%s %g: want a tolerance in [0, 1) (0: the default)", name, v)
		}
	}
	if sf.maxEval < 0 || sf.restarts < 0 || sf.restarts > 20 {
		return fit.Options{}, usagef("--max-eval %d / --restarts %d: want --max-eval ≥ 0 and --restarts 0–20", sf.maxEval, sf.restarts)
	}
	o := base
	if sf.precise {
		o = fit.Precise
	}
	f.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "ftol":
			o.FTol = sf.ftol
		case "xtol":
			o.XTol = sf.xtol
		case "gtol":
			o.GTol = sf.gtol
		case "max-eval":
			o.MaxEval = sf.maxEval
		case "restarts":
			o.Restarts = sf.restarts
		}
	})
	return o, nil
}

// cropColumns keeps the points with lo ≤ x ≤ hi of two columns read from a
// file (in any order: an expression fit takes any curve).
func cropColumns(x, y []float64, lo, hi float64) (cx, cy []float64) {
	for i := range x {
		if x[i] >= lo && x[i] <= hi {
			cx, cy = append(cx, x[i]), append(cy, y[i])
		}
	}
	return cx, cy
}
