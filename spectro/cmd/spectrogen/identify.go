package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"

	"github.com/spectrogen-go/spectrogen/datasets/examples"
	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/identify"
	"github.com/spectrogen-go/spectrogen/spectro/plots"
	"github.com/spectrogen-go/spectrogen/spectro/pretrained"
)

func init() {
	register(command{"identify", "what mineral is this? library search with hit-quality indices, unknowns and mixtures", runIdentify})
}

func runIdentify(ctx context.Context, args []string) error {
	fs := newFlags("identify", "FILE... [--library rruff|FILE|DIR,ZIP,...] [--top 10] [--score auto|correlation|derivative|euclidean|peaks|contrast] [--range LO:HI] [--elements Ca,C] [--not-elements Fe] [--mixture N] [--json] [--plot FILE]\n       spectrogen identify --evaluate [--library ...] [--score all] [QUERIES]\n       spectrogen identify --save-library FILE --library DIR,ZIP,...")
	libArg := fs.String("library", "rruff", "reference library: the shipped one (rruff), a saved library file (.gob.gz), or RRUFF folders, zips and files, comma-separated")
	top := fs.Int("top", 10, "hits to list")
	scoreName := fs.String("score", "auto", "hit-quality index: auto, correlation, derivative, euclidean, peaks or contrast (--evaluate: also all)")
	rangeArg := fs.String("range", "", "compare only LO:HI (x units of the unknown), or per modality: raman=200:1200,infrared=400:1800")
	maskArg := fs.String("mask", "", "leave regions out of the comparison: LO:HI[,LO:HI...] or per modality, e.g. infrared=2300:2400 (CO₂)")
	exclude := fs.String("exclude", "", "library samples to leave out: RRUFF ids (R050009,R040031) or 'examples' (the shipped example files)")
	elements := fs.String("elements", "", "keep entries whose formula has all these elements, e.g. Ca,C,O")
	notElements := fs.String("not-elements", "", "drop entries whose formula has any of these elements, e.g. Fe,Mn")
	mixture := fs.Int("mixture", 0, "fit a mixture of up to N library phases to each unknown spectrum (non-negative least squares, residual re-search)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	plotPath := fs.String("plot", "", "draw the unknown over its top hits (PNG, SVG or PDF by extension)")
	evaluate := fs.Bool("evaluate", false, "measure the library: top-1/top-5 species on new samples of known species (leave-one-sample-out) and the 'not in the library' decision (leave-species-out); FILE/DIR arguments add outside queries")
	saveLib := fs.String("save-library", "", "build the library from --library's folders, calibrate its thresholds and save it to this file")
	modality := fs.String("modality", "", "modality of files whose name and folder do not say (raman, infrared, xrd)")
	wavelength := fs.String("wavelength", "", "X-ray wavelength (Å or anode) of patterns whose files state none")
	if err := parse(fs, args); err != nil {
		return err
	}
	lib, err := loadIdentifyLibrary(*libArg, *saveLib != "", excludedKeys(*exclude))
	if err != nil {
		return err
	}
	if *saveLib != "" {
		return saveLibrary(lib, *saveLib)
	}
	if *evaluate {
		return runIdentifyEvaluate(lib, *scoreName, fs.Args(), *asJSON)
	}
	if fs.NArg() == 0 {
		return usagef("give the unknown's spectrum files (one per modality for a joint search)")
	}
	score, err := identify.ParseScore(*scoreName)
	if err != nil {
		return usageError{err}
	}
	readOpts, err := readOptions(*modality, *wavelength)
	if err != nil {
		return err
	}
	var unknown []*spectro.Spectrum
	for _, p := range fs.Args() {
		s, err := formats.ReadFile(p, readOpts)
		if err != nil {
			return err
		}
		unknown = append(unknown, s)
	}
	opts := identify.Options{Top: *top, Score: score, Elements: splitList(*elements), NotElements: splitList(*notElements)}
	if opts.Ranges, err = parseRanges("--range", *rangeArg, unknown); err != nil {
		return err
	}
	excl, err := parseRanges("--mask", *maskArg, unknown)
	if err != nil {
		return err
	}
	if len(excl) > 0 {
		opts.Exclude = map[spectro.Modality][]identify.Range{}
		for m, r := range excl {
			opts.Exclude[m] = append(opts.Exclude[m], r)
		}
	}
	res, err := lib.Search(unknown, opts)
	if err != nil {
		return err
	}
	var mixes []*identify.MixtureResult
	if *mixture > 0 {
		for _, s := range unknown {
			mix, err := lib.Mixture(s, identify.MixtureOptions{MaxPhases: *mixture, Options: opts})
			if err != nil {
				return err
			}
			mixes = append(mixes, mix)
		}
	}
	if *plotPath != "" {
		if err := plotHits(*plotPath, lib, unknown, res); err != nil {
			return err
		}
	}
	if *asJSON {
		out := map[string]any{"unknown": describeFiles(unknown), "library": libDescription(lib, *libArg), "result": res}
		if mixes != nil {
			out["mixtures"] = mixes
		}
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	fmt.Printf("%s against %s\n", describeFiles(unknown), libDescription(lib, *libArg))
	fmt.Printf("score %s (HQI 0–100, 100 identical); %d entries compared\n\n", res.ScoreName, res.Compared)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "rank\tHQI\tspecies\tRRUFF id\tformula\tcompared")
	for _, h := range res.Hits {
		var parts []string
		for _, m := range h.Matches {
			part := fmt.Sprintf("%s %.0f–%.0f %s (%.1f)", m.Modality, m.Range.Lo, m.Range.Hi, m.Modality.XUnit(), m.HQI)
			if m.Key != h.Key {
				part += " of " + m.Key
			}
			parts = append(parts, part)
		}
		fmt.Fprintf(w, "%d\t%.1f\t%s\t%s\t%s\t%s\n", h.Rank, h.HQI, h.Species, h.Key, plainFormula(h.Formula), strings.Join(parts, "; "))
	}
	w.Flush()
	if v := res.InLibrary; v == nil {
		fmt.Printf("\nin the library: no calibrated threshold for %s with this score (spectrogen identify --save-library calibrates one)\n", describeModalities(res.Modalities))
	} else {
		if v.Likely {
			fmt.Printf("\nin the library: likely (top HQI %.1f ≥ threshold %.1f; at this threshold %.0f%% of known species' new samples fall below it and %.0f%% of absent species' samples do)\n",
				v.TopHQI, v.Threshold, 100*v.FalseAlarm, 100*v.Detection)
		} else {
			fmt.Printf("\nin the library: probably NOT — top HQI %.1f is below the threshold %.1f, where %.0f%% of absent species' samples fall (and %.0f%% of known species' new samples); treat the hits as look-alikes\n",
				v.TopHQI, v.Threshold, 100*v.Detection, 100*v.FalseAlarm)
		}
	}
	for i, mix := range mixes {
		fmt.Printf("\nmixture fit of %s:\n", unknown[i].Name())
		printMixture(mix)
	}
	if *plotPath != "" {
		fmt.Printf("\nwrote %s\n", *plotPath)
	}
	return nil
}

// loadIdentifyLibrary opens the shipped library, a saved one, or builds one
// from data (calibrated when it will be saved).
func loadIdentifyLibrary(arg string, building bool, exclude []string) (*identify.Library, error) {
	if building && (arg == "" || arg == "rruff") {
		return nil, usagef("--save-library builds from data: give --library DIR,ZIP,...")
	}
	if len(exclude) > 0 && (arg == "rruff" || strings.HasSuffix(arg, ".gob.gz")) {
		return nil, usagef("--exclude applies when the library is built from data (--library DIR,ZIP,...)")
	}
	if arg == "rruff" {
		return pretrained.IdentifyLibrary()
	}
	if strings.HasSuffix(arg, ".gob.gz") {
		return identify.Load(arg)
	}
	col, err := samples.Load(arg, samples.Options{})
	if err != nil {
		return nil, err
	}
	if len(exclude) > 0 {
		col = col.Without(func(s *collection.Sample) bool { return slices.Contains(exclude, s.Key) })
	}
	if len(col.Errors) > 0 {
		fmt.Fprintf(os.Stderr, "library: %d files could not be read (first: %v)\n", len(col.Errors), col.Errors[0].Err)
	}
	return identify.FromCollection(col, nil, nil)
}

func saveLibrary(lib *identify.Library, path string) error {
	fmt.Fprintf(os.Stderr, "calibrating the 'not in the library' thresholds on %d spectra…\n", lib.Len())
	if _, err := lib.Calibrate(identify.Auto); err != nil {
		return err
	}
	if err := lib.Save(path); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("wrote %s: %s, %.1f MB\n", path, libDescription(lib, ""), float64(st.Size())/1e6)
	return nil
}

func libDescription(lib *identify.Library, arg string) string {
	var parts []string
	for _, m := range lib.Modalities() {
		parts = append(parts, fmt.Sprintf("%d %s", lib.Count(m), m))
	}
	name := "library"
	if arg == "rruff" {
		name = "the shipped RRUFF library"
	}
	return fmt.Sprintf("%s (%s spectra of %d species)", name, strings.Join(parts, ", "), lib.Species())
}

func describeModalities(ms []spectro.Modality) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m)
	}
	return strings.Join(names, " + ")
}

func describeFiles(ss []*spectro.Spectrum) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("%s (%s)", s.Name(), s.Modality))
	}
	return strings.Join(parts, " + ")
}

// plainFormula drops RRUFF's markup for a table: subscripts, charges and
// tags go ("Pb^2+^S^6+^O_4_" → "PbSO4").
func plainFormula(f string) string {
	f = chargeMarkup.ReplaceAllString(f, "")
	f = tagMarkup.ReplaceAllString(f, "")
	return strings.NewReplacer("_", "", "&#183;", "·").Replace(f)
}

var (
	chargeMarkup = regexp.MustCompile(`\^[^^]*\^`)
	tagMarkup    = regexp.MustCompile(`</?[a-zA-Z]+>`)
)

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseRanges reads "LO:HI" (for every modality of the unknown) or
// "raman=LO:HI,infrared=LO:HI".
func parseRanges(flagName, s string, unknown []*spectro.Spectrum) (map[spectro.Modality]identify.Range, error) {
	if s == "" {
		return nil, nil
	}
	out := map[spectro.Modality]identify.Range{}
	for _, part := range splitList(s) {
		var mods []spectro.Modality
		if name, rest, ok := strings.Cut(part, "="); ok {
			m, err := spectro.ParseModality(name)
			if err != nil {
				return nil, usagef("%s %q: %v", flagName, part, err)
			}
			mods, part = []spectro.Modality{m}, rest
		} else {
			for _, u := range unknown {
				mods = append(mods, u.Modality)
			}
		}
		lo, hi, ok := strings.Cut(part, ":")
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || err1 != nil || err2 != nil || !(a < b) {
			return nil, usagef("%s %q: want LO:HI with LO < HI, e.g. 200:1200", flagName, part)
		}
		for _, m := range mods {
			out[m] = identify.Range{Lo: a, Hi: b}
		}
	}
	return out, nil
}

func runIdentifyEvaluate(lib *identify.Library, scoreName string, queries []string, asJSON bool) error {
	scores := identify.Scores
	if scoreName != "all" {
		s, err := identify.ParseScore(scoreName)
		if err != nil {
			return usageError{err}
		}
		scores = []identify.Score{s}
	}
	sets := lib.ModalitySets()
	var evs []*identify.Evaluation
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	if !asJSON {
		fmt.Printf("%s — leave-one-sample-out (known species) and leave-species-out (absent species)\n\n", libDescription(lib, ""))
		fmt.Fprintln(w, "modalities\tscore\tknown n\ttop-1\ttop-5\tabsent n\tthreshold\tfalse alarm\tdetected\t")
	}
	for _, ms := range sets {
		for _, s := range scores {
			ev, err := lib.Evaluate(ms, s)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%v: %v\n", ms, err)
				continue
			}
			evs = append(evs, ev)
			lib.SetThreshold(ev.Threshold) // the outside queries are judged by it
			if !asJSON {
				fmt.Fprintf(w, "%s\t%s\t%d\t%.3f\t%.3f\t%d\t%.1f\t%.3f\t%.3f\t\n", ev.Modalities, ev.Score, ev.Known, ev.Top1, ev.Top5, ev.Absent,
					ev.Threshold.HQI, ev.Threshold.FalseAlarm, ev.Threshold.Detection)
			}
		}
	}
	w.Flush()
	var mixtures []*identify.MixtureEvaluation
	for _, m := range lib.Modalities() {
		if me, err := lib.EvaluateMixtures(m, 60); err == nil {
			mixtures = append(mixtures, me)
		}
	}
	if !asJSON && len(mixtures) > 0 {
		fmt.Printf("\nmixtures of two real spectra of different species at 25/50/75 %% (both samples left out), and pure spectra (--mixture 3)\n\n")
		fmt.Fprintln(w, "modality\tmixtures\tboth species found\tfraction error\tpure spectra\tfalse second phase\t")
		for _, me := range mixtures {
			fmt.Fprintf(w, "%s\t%d\t%.3f\t%.3f\t%d\t%.3f\t\n", me.Modality, me.Mixtures, me.BothFound, me.FractionError, me.Pure, me.FalsePhase)
		}
		w.Flush()
	}
	var outside []*identify.OutsideEvaluation
	if len(queries) > 0 {
		col, err := samples.Load(strings.Join(queries, ","), samples.Options{})
		if err != nil {
			return err
		}
		for _, m := range lib.Modalities() {
			for _, s := range scores {
				oe, err := lib.EvaluateOutside(col, m, s)
				if err != nil {
					continue
				}
				outside = append(outside, oe)
			}
		}
		if !asJSON {
			fmt.Printf("\noutside queries (%s): samples the library does not hold\n\n", strings.Join(queries, ","))
			fmt.Fprintln(w, "modality\tscore\tknown-species n\ttop-1\ttop-5\tabsent-species n\tdetected\tfalse alarm\t")
			for _, oe := range outside {
				fmt.Fprintf(w, "%s\t%s\t%d\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t\n", oe.Modality, oe.Score, oe.Known, oe.Top1, oe.Top5, oe.Absent, oe.Detection, oe.FalseAlarm)
			}
			w.Flush()
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"library": libDescription(lib, ""), "evaluations": evs, "mixtures": mixtures, "outside": outside})
	}
	return nil
}

func printMixture(mix *identify.MixtureResult) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  phase	species	RRUFF id	share of signal	coefficient")
	for i, p := range mix.Phases {
		fmt.Fprintf(w, "  %d\t%s\t%s\t%.2f\t%.3f\n", i+1, p.Species, p.Key, p.Fraction, p.Weight)
	}
	w.Flush()
	for _, st := range mix.Steps {
		verdict := "kept"
		if !st.Accepted {
			verdict = "refused: does not pay"
		}
		if st.Phases == 1 {
			fmt.Printf("  1 phase (%s): R² %.4f\n", st.Added, st.R2)
			continue
		}
		fmt.Printf("  %d phases (+ %s): R² %.4f, ΔBIC %.1f — %s\n", st.Phases, st.Added, st.R2, st.BIC, verdict)
	}
	fmt.Println("  (shares are of the min-max scaled signal, not mass fractions)")
}

// plotHits draws each spectrum of the unknown (black, on top) over its four
// best hits' entries of that modality.
func plotHits(path string, lib *identify.Library, unknown []*spectro.Spectrum, res *identify.Result) error {
	var ps []*plot.Plot
	for _, u := range unknown {
		series := []plots.Series{{Label: "unknown: " + shortName(u.Name(), 40), Spectrum: u}}
		for _, h := range res.Hits {
			if len(series) == 5 {
				break
			}
			for _, m := range h.Matches {
				if m.Modality == u.Modality {
					series = append(series, plots.Series{Label: fmt.Sprintf("%d. %s %s (HQI %.1f)", h.Rank, h.Species, m.Key, m.HQI), Spectrum: lib.Spectrum(m.Entry)})
				}
			}
		}
		p, err := plots.Stack(fmt.Sprintf("%s: top hits (%s score)", u.Modality.Title(), res.ScoreName), series...)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	data, err := plots.Grid(format, 1, ps...) // one modality per row: wide enough to read
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, data)
}

// shortName is a file's base name, cut to n characters with an ellipsis.
func shortName(path string, n int) string {
	b := []rune(filepath.Base(path))
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n-1]) + "…"
}

// excludedKeys reads an --exclude list: sample keys, and "examples" for the
// shipped example files' samples.
func excludedKeys(arg string) []string {
	var out []string
	for _, k := range strings.Split(arg, ",") {
		switch k = strings.TrimSpace(k); k {
		case "":
		case "examples":
			out = append(out, examples.Keys()...)
		default:
			out = append(out, k)
		}
	}
	return out
}
