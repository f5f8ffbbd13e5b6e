package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An expression fit from the command line: NIST's Misra1a data, its model
// and Start 2, recovered to the certified values; bad expressions and
// parameters are usage errors naming the argument.
func TestFitExpression(t *testing.T) {
	dir := t.TempDir()
	data := "x,y\n77.6,10.07\n114.9,14.73\n141.1,17.94\n190.8,23.93\n239.9,29.61\n289.0,35.18\n332.8,40.02\n378.4,44.82\n434.8,50.76\n477.3,55.05\n536.8,61.01\n593.1,66.40\n689.1,75.47\n760.0,81.78\n"
	path := filepath.Join(dir, "misra1a.csv")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "fit", "--expr", "b1*(1-exp[-b2*x])", "--param", "b1=250", "--param", "b2=5e-4:0:1", path, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Params map[string]struct {
			Value, Stderr float64
		}
		SSR        float64
		R2         float64
		Converged  bool
		Iterations int
		File       string
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	cert := map[string]float64{"b1": 2.3894212918e2, "b2": 5.5015643181e-4}
	for name, want := range cert {
		got := res.Params[name]
		if math.Abs(got.Value-want) > 1e-6*want || !(got.Stderr > 0) {
			t.Errorf("%s = %g ± %g, certified %g", name, got.Value, got.Stderr, want)
		}
	}
	if math.Abs(res.SSR-1.2455138894e-1) > 1e-6 || !res.Converged || res.Iterations == 0 || res.R2 < 0.999 || res.File != path {
		t.Errorf("result %+v", res)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--expr", "b1*(1-exp[-b2*x]", "--param", "b1=1", "--param", "b2=1"}, "--expr"},
		{[]string{"--expr", "b1*(1-exp[-b2*x])", "--param", "b1=1"}, "--param b2=VALUE"},
		{[]string{"--expr", "b1*x", "--param", "b1=abc"}, "not a number"},
		{[]string{"--expr", "b1*x", "--param", "b1=5:0:1"}, "outside"},
		{[]string{"--expr", "b1*x", "--param", "b1=1", "--param", "zz=1"}, "no parameter zz"},
		{[]string{"--param", "b1=1"}, "--param sets parameters of an --expr model"},
	} {
		_, errOut, code := run(t, append(append([]string{"fit"}, tc.args...), path)...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v: exit %d, %q; want exit 2 naming %q", tc.args, code, errOut, tc.want)
		}
	}
}
