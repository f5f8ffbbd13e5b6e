package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/fit/mapfit"
	"github.com/spectrogen-go/spectrogen/spectro/plots"
)

// fitMap fits every pixel of the map at path and writes its parameter
// images and table into out.
func fitMap(ctx context.Context, path string, fs *fitSettings, solver fit.Options, readOpts formats.Options, width int, out string, asJSON bool) error {
	if out == "" {
		return usagef("--map writes parameter images and a table: give --out DIR")
	}
	m, err := formats.ReadMap(path, formats.MapOptions{Options: readOpts, Width: width})
	if err != nil {
		return err
	}
	if lo, hi, ok, err := parseRange(fs.crop); err != nil {
		return err
	} else if ok {
		if err := cropMap(m, lo, hi); err != nil {
			return fmt.Errorf("%s: --range: %w", path, err)
		}
	}
	g := fit.GuessOptions{MaxPeaks: fs.peaks, MinProminence: fs.prom, AddPeaks: fs.add}
	if !fs.fittedBaseline(&g) {
		return usagef("--map fits the baseline with the lines: --baseline none, constant, linear or quadratic (not %q)", fs.baseline)
	}
	shapes, err := fs.shapes()
	if err != nil {
		return err
	}
	o := mapfit.Options{Shapes: shapes, Guess: g, Solver: solver}
	n := m.Width * m.Height
	if !asJSON {
		fmt.Fprintf(os.Stderr, "%s: %d × %d pixels of %d points (%s)\n", path, m.Width, m.Height, len(m.X), m.Modality)
		tenth := max(n/10, 1)
		last := 0
		o.Progress = func(done, total int) {
			if done/tenth > last || done == total {
				last = done / tenth
				fmt.Fprintf(os.Stderr, "  fitted %d/%d pixels\n", done, total)
			}
		}
	}
	start := time.Now()
	r, err := mapfit.Fit(ctx, m, o)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	files, err := writeMapOutputs(filepath.Join(out, base), m, r)
	if err != nil {
		return err
	}
	var failures []string
	for p, f := range r.Failed {
		if f {
			failures = append(failures, fmt.Sprintf("pixel (%d, %d): %s", p%m.Width, p/m.Width, r.Errors[p]))
		}
	}
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"file": path, "width": m.Width, "height": m.Height, "points": len(m.X),
			"lines": r.Lines(), "shape": r.Shape.String(), "seconds": took.Seconds(), "failed": len(failures), "failures": failures,
			"template": r.Template, "written": files})
	}
	fmt.Printf("%s: %d × %d pixels fitted in %.1f s (%.0f pixels/s) with the mean spectrum's model: %d %s lines\n",
		path, m.Width, m.Height, took.Seconds(), float64(n)/took.Seconds(), r.Lines(), r.Shape)
	for k, pk := range r.Template.Peaks() {
		fmt.Printf("  line %d: centre %.1f, FWHM %.1f %s in the mean spectrum\n", k+1, pk.Center, pk.FWHM, m.Modality.XUnit())
	}
	fmt.Printf("failed pixels: %d of %d", len(failures), n)
	if len(failures) > 0 {
		fmt.Printf(" (grey in the images; the first: %s)", strings.Join(failures[:min(3, len(failures))], "; "))
	}
	fmt.Printf("\nwrote %d files into %s: %s\n", len(files), out, strings.Join(files[:min(4, len(files))], ", ")+", …")
	return nil
}

// cropMap keeps lo ≤ x ≤ hi of every pixel.
func cropMap(m *spectro.Map, lo, hi float64) error {
	a := sort.SearchFloat64s(m.X, lo)
	b := sort.Search(len(m.X), func(i int) bool { return m.X[i] > hi })
	if b-a < fit.MinPoints {
		return fmt.Errorf("%g:%g keeps %d of the map's points (%g–%g)", lo, hi, max(b-a, 0), m.X[0], m.X[len(m.X)-1])
	}
	m.X = m.X[a:b]
	for p := range m.Y {
		m.Y[p] = m.Y[p][a:b]
	}
	return nil
}

// writeMapOutputs writes the parameter table (CSV) and one image per
// parameter (PNG, with a colour bar) under the prefix, returning the names.
func writeMapOutputs(prefix string, m *spectro.Map, r *mapfit.Result) ([]string, error) {
	type column struct {
		name, label string
		v           []float64
	}
	unit := m.Modality.XUnit()
	var cols []column
	for k := range r.Lines() {
		c, w, h, a := r.Line(k)
		cols = append(cols,
			column{fmt.Sprintf("line%d_center", k+1), fmt.Sprintf("line %d centre (%s)", k+1, unit), c},
			column{fmt.Sprintf("line%d_fwhm", k+1), fmt.Sprintf("line %d FWHM (%s)", k+1, unit), w},
			column{fmt.Sprintf("line%d_height", k+1), fmt.Sprintf("line %d height", k+1), h},
			column{fmt.Sprintf("line%d_area", k+1), fmt.Sprintf("line %d area", k+1), a})
	}
	failed := make([]float64, len(r.Failed))
	for p, f := range r.Failed {
		if f {
			failed[p] = 1
		}
	}
	cols = append(cols, column{"r2", "R²", r.R2}, column{"failed", "failed (1)", failed})
	var b strings.Builder
	b.WriteString("col,row")
	if m.PosX != nil {
		b.WriteString(",pos_x,pos_y")
	}
	for _, c := range cols {
		b.WriteString("," + c.name)
	}
	b.WriteString("\n")
	for p := range r.Failed {
		fmt.Fprintf(&b, "%d,%d", p%m.Width, p/m.Width)
		if m.PosX != nil {
			fmt.Fprintf(&b, ",%g,%g", m.PosX[p], m.PosY[p])
		}
		for _, c := range cols {
			b.WriteString(",")
			if !math.IsNaN(c.v[p]) {
				b.WriteString(strconv.FormatFloat(c.v[p], 'g', 8, 64))
			}
		}
		b.WriteString("\n")
	}
	files := []string{prefix + "_map.csv"}
	if err := atomicfile.Write(files[0], []byte(b.String())); err != nil {
		return nil, err
	}
	for _, c := range cols {
		img, err := plots.MapImage("png", filepath.Base(prefix)+": "+c.label, c.label, m.Width, m.Height, c.v)
		if err != nil {
			return nil, err
		}
		name := prefix + "_" + c.name + ".png"
		if err := atomicfile.Write(name, img); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files, nil
}
