package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNumericalFaults sends spectra that are flat, all zero, a single spike,
// negative and 10¹² in scale through fitting, training and generation: no
// NaN anywhere; the constant ones are left out (training) or refused by name
// (fitting, generation) while the rest go on.
func TestNumericalFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny model")
	}
	dir := t.TempDir()
	data := synthData(t, dir, 1)
	shapes := map[string]func(i int) float64{
		"flat":     func(int) float64 { return 5 },
		"zero":     func(int) float64 { return 0 },
		"spike":    func(i int) float64 { return map[bool]float64{true: 1}[i == 500] },
		"negative": func(i int) float64 { return -1 - math.Abs(float64(i-400))/100 },
		"huge":     func(i int) float64 { return 1e12 * (1 + math.Exp(-float64((i-300)*(i-300))/50)) },
	}
	write := func(path string, lo, hi float64, f func(int) float64) {
		var b strings.Builder
		for i := range 1024 {
			fmt.Fprintf(&b, "%g,%g\n", lo+(hi-lo)*float64(i)/1023, f(i))
		}
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var irFiles, ramanFiles []string
	k := 0
	for name, f := range shapes {
		id := fmt.Sprintf("R9%05d", k)
		k++
		ir := filepath.Join(data, "infrared", "Odd"+name+"__"+id+"-1__Infrared__Infrared_Data_Processed__1.txt")
		raman := filepath.Join(data, "raman", "Odd"+name+"__"+id+"__Raman__532__0__unoriented__Raman_Data_Processed__1.txt")
		write(ir, 400, 4000, f)
		write(raman, 100, 1500, f)
		irFiles, ramanFiles = append(irFiles, ir), append(ramanFiles, raman)
	}
	noNaN := func(what, s string) {
		if strings.Contains(strings.ToLower(s), "nan") {
			t.Errorf("%s holds NaN:\n%s", what, s)
		}
	}
	// Fitting: constant spectra refused by name, the others fitted without NaN.
	for _, f := range ramanFiles {
		stdout, errOut, code := run(t, "fit", "--json", f)
		constant := strings.Contains(f, "Oddflat") || strings.Contains(f, "Oddzero")
		switch {
		case constant && (code == 0 || !strings.Contains(errOut, "flat")):
			t.Errorf("fit %s: exit %d, %q; want it refused as flat", filepath.Base(f), code, errOut)
		case !constant && code != 0:
			t.Errorf("fit %s: %s", filepath.Base(f), errOut)
		case !constant:
			noNaN("fit of "+filepath.Base(f), stdout)
		}
	}
	// Training: the two constant pairs are left out, with a count.
	m := filepath.Join(dir, "model")
	stdout, errOut, code := run(t, "train", "--data", data, "--out", m, "--steps", "6")
	if code != 0 || !strings.Contains(stdout+errOut, "left out 2 infrared/raman pairs with a spectrum that is constant") {
		t.Fatalf("train: exit %d\n%s\n%s", code, stdout, errOut)
	}
	noNaN("training log", stdout)
	// Generation: every other file translated, finite; the constant ones named.
	out := filepath.Join(dir, "gen")
	stdout, errOut, code = run(t, append([]string{"generate", "--model", m, "--out", out, "--samples", "8"}, irFiles...)...)
	if code != 1 || !strings.Contains(errOut, "2 of 5 files could not be translated") || !strings.Contains(errOut, "Oddflat") || !strings.Contains(errOut, "Oddzero") {
		t.Errorf("generate: exit %d\n%s\n%s", code, stdout, errOut)
	}
	gens, _ := filepath.Glob(filepath.Join(out, "*__generated_raman.csv"))
	if len(gens) != 3 {
		t.Fatalf("%d generated spectra, want 3 (spike, negative, huge)", len(gens))
	}
	for _, g := range gens {
		b, _ := os.ReadFile(g)
		noNaN(filepath.Base(g), string(b))
	}
}
