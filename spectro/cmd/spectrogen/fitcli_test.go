package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro/fit/mapfit"
)

// TestFitMapCommand fits a small synthetic map written as a text matrix,
// as a user would: every pixel fitted, a table and the parameter images
// written; and bench map reports its recovery.
func TestFitMapCommand(t *testing.T) {
	dir := t.TempDir()
	m, _ := mapfit.Synthetic(8, 6, 512, 0.01, 4)
	var b strings.Builder
	for i, x := range m.X {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%g", x)
	}
	b.WriteString("\n")
	for p, y := range m.Y {
		fmt.Fprintf(&b, "%d,%d", p%m.Width, p/m.Width)
		for _, v := range y {
			fmt.Fprintf(&b, ",%g", v)
		}
		b.WriteString("\n")
	}
	file := filepath.Join(dir, "raman", "map.csv")
	os.MkdirAll(filepath.Dir(file), 0o755)
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, errOut, code := run(t, "fit", "--map", file, "--out", out, "--add-peaks=false", "--json")
	if code != 0 {
		t.Fatalf("fit --map: exit %d: %s", code, errOut)
	}
	var got struct {
		Width, Height, Lines, Failed int
		Written                      []string
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.Width != 8 || got.Height != 6 || got.Lines != 4 || got.Failed != 0 {
		t.Errorf("fit --map: %+v, want 8 × 6 pixels, 4 lines, none failed", got)
	}
	for _, f := range []string{"map_map.csv", "map_line1_center.png", "map_r2.png", "map_failed.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if _, errOut, code := run(t, "fit", "--map", file); code == 0 || !strings.Contains(errOut, "--out") {
		t.Errorf("fit --map without --out: exit %d, %q", code, errOut)
	}
	stdout, errOut, code = run(t, "bench", "map", "--size", "12", "--points", "256", "--json")
	if code != 0 || !strings.Contains(stdout, `"pixels_per_second"`) {
		t.Errorf("bench map: exit %d: %s %s", code, stdout, errOut)
	}
}

// TestFitSaveAndStartFromResult: --out saves the whole fit as JSON, and
// --from-result fits that model to another spectrum.
func TestFitSaveAndStartFromResult(t *testing.T) {
	out := t.TempDir()
	calcite := exampleFile(t, "Calcite__R050009__Raman")
	if _, errOut, code := run(t, "fit", calcite, "--peaks", "4", "--add-peaks=false", "--out", out); code != 0 {
		t.Fatalf("fit --out: exit %d: %s", code, errOut)
	}
	saved, _ := filepath.Glob(filepath.Join(out, "*_fit.json"))
	if len(saved) != 1 {
		t.Fatalf("fit --out saved %d JSON results, want 1", len(saved))
	}
	stdout, errOut, code := run(t, "fit", "--from-result", saved[0], "--json", exampleFile(t, "Dolomite__R050241__Raman"))
	if code != 0 {
		t.Fatalf("fit --from-result: exit %d: %s", code, errOut)
	}
	var got struct {
		R2     float64 `json:"r2"`
		Params map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got.Params) != 18 || !(got.R2 > 0.5) {
		t.Errorf("fit --from-result: %v, %d parameters, R² %g; want the saved model's 18 and a fit", err, len(got.Params), got.R2)
	}
	if _, errOut, code := run(t, "fit", "--from-result", calcite, calcite); code == 0 || !strings.Contains(errOut, "not a saved fit") {
		t.Errorf("--from-result on a spectrum file: exit %d, %q", code, errOut)
	}
}

// TestFitConfidenceIntervals: --conf prints profile-likelihood intervals
// (and puts them in --json), and names a parameter it does not know.
func TestFitConfidenceIntervals(t *testing.T) {
	calcite := exampleFile(t, "Calcite__R050009__Raman")
	stdout, errOut, code := run(t, "fit", calcite, "--peaks", "3", "--add-peaks=false", "--conf", "p1_center", "--sigmas", "1,2", "--json")
	if code != 0 {
		t.Fatalf("fit --conf: exit %d: %s", code, errOut)
	}
	var got struct {
		Conf map[string][]struct{ Sigma, Lower, Upper float64 } `json:"conf_intervals"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got.Conf["p1_center"]) != 2 {
		t.Fatalf("fit --conf --json: %v, %+v", err, got)
	}
	one, two := got.Conf["p1_center"][0], got.Conf["p1_center"][1]
	if !(two.Lower < one.Lower && one.Lower < one.Upper && one.Upper < two.Upper) {
		t.Errorf("intervals not nested: 1σ %+v, 2σ %+v", one, two)
	}
	if _, errOut, code := run(t, "fit", calcite, "--conf", "nope"); code == 0 || !strings.Contains(errOut, "no parameter nope") {
		t.Errorf("--conf nope: exit %d, %q", code, errOut)
	}
}

// TestFitGlobalCommand: a spec file of three spectra sharing a line width,
// fitted with --global.
func TestFitGlobalCommand(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for k := range 3 {
		var b strings.Builder
		for x := 900.0; x <= 1100; x++ {
			d := (x - 1000 - 3*float64(k)) / 4 // half widths: FWHM 8
			fmt.Fprintf(&b, "%g,%g\n", x, (1-0.2*float64(k))/(1+d*d)+0.01*float64(int(x)%7-3)/3)
		}
		name := fmt.Sprintf("t%d.csv", k+1)
		files = append(files, name)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec := filepath.Join(dir, "series.txt")
	os.WriteFile(spec, []byte("# three temperatures\nfiles: "+strings.Join(files, " ")+"\nshape: lorentz\npeaks: 1\nbaseline: constant\nshared: p1_fwhm\n"), 0o644)
	stdout, errOut, code := run(t, "fit", "--global", spec, "--json")
	if code != 0 {
		t.Fatalf("fit --global: exit %d: %s", code, errOut)
	}
	var got struct {
		Datasets []struct {
			Params map[string]struct {
				Value  float64
				Shared bool
			}
		}
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got.Datasets) != 3 {
		t.Fatalf("%v\n%s", err, stdout)
	}
	for k, d := range got.Datasets {
		w, c := d.Params["p1_fwhm"], d.Params["p1_center"]
		if !w.Shared || w.Value < 7.8 || w.Value > 8.2 || c.Value < 999.5+3*float64(k) || c.Value > 1000.5+3*float64(k) {
			t.Errorf("dataset %d: width %+v, centre %+v", k+1, w, c)
		}
	}
	os.WriteFile(spec, []byte("files: t1.csv t2.csv\nwidth 8\n"), 0o644)
	if _, errOut, code := run(t, "fit", "--global", spec); code == 0 || !strings.Contains(errOut, "series.txt:2:") {
		t.Errorf("a bad spec line: exit %d, %q", code, errOut)
	}
}
