package backend

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

func TestConfig(t *testing.T) {
	t.Setenv(EnvVar, "")
	for _, tc := range []struct{ in, env, want string }{
		{"", "", DefaultConfig},
		{"go", "", DefaultConfig},
		{"", "go", DefaultConfig},
		{"", "xla:cpu", "xla:cpu"},
		{"go:ops_sequential", "xla:cpu", "go:ops_sequential"},
	} {
		t.Setenv(EnvVar, tc.env)
		if got := Config(tc.in); got != tc.want {
			t.Errorf("Config(%q) with %s=%q = %q, want %q", tc.in, EnvVar, tc.env, got, tc.want)
		}
	}
}

func TestDefaultBackendRuns(t *testing.T) {
	t.Setenv(EnvVar, "")
	b, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Name(), "go") {
		t.Errorf("default backend is %q, want the pure-Go backend", b.Name())
	}
	// Two independent matrix products in one graph: the shape of computation
	// that deadlocks the stock pure-Go config on 2 cores.
	exec := graph.MustNewExec(b, func(a, c *graph.Node) (*graph.Node, *graph.Node) {
		return graph.Dot(a, c), graph.Dot(c, a)
	})
	a := tensors.FromValue([][]float32{{1, 2}, {3, 4}})
	c := tensors.FromValue([][]float32{{0, 1}, {1, 0}})
	out := exec.MustExec(a, c)
	if got := tensors.MustCopyFlatData[float32](out[0]); got[0] != 2 || got[1] != 1 || got[2] != 4 || got[3] != 3 {
		t.Errorf("a·c = %v", got)
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	_, err := New("tpu-of-dreams")
	if err == nil || !strings.Contains(err.Error(), "not compiled") {
		t.Errorf("want a 'not compiled' error, got %v", err)
	}
}

// Selecting XLA without a PJRT plugin must fail quickly with an error that says
// what to do, never hang or panic. GOMLX_NO_AUTO_INSTALL is read when the xla
// package initialises, so the check runs in a child process started with it.
func TestXLAWithoutPluginFailsClearly(t *testing.T) {
	if !compiledIn("xla") {
		t.Skip("XLA backend not compiled in (no cgo or -tags noxla)")
	}
	if os.Getenv("PJRT_PLUGIN_LIBRARY_PATH") != "" {
		t.Skip("a PJRT plugin path is configured on this machine")
	}
	if os.Getenv("SPECTRO_TEST_XLA_CHILD") == "1" {
		_, err := New("")
		if err == nil {
			fmt.Println("NO-ERROR")
			return
		}
		fmt.Println("ERROR:", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestXLAWithoutPluginFailsClearly$")
	cmd.Env = append(os.Environ(), "SPECTRO_TEST_XLA_CHILD=1", "GOMLX_NO_AUTO_INSTALL=1", EnvVar+"=xla")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process failed (%v) — it must return an error, not crash:\n%s", err, out)
	}
	text := string(out)
	if strings.Contains(text, "NO-ERROR") {
		t.Skip("an XLA PJRT plugin is installed on this machine")
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("XLA failure took %v", d)
	}
	if !strings.Contains(text, "ERROR:") || !strings.Contains(text, "PJRT_PLUGIN_LIBRARY_PATH") {
		t.Errorf("error does not say how to fix it:\n%s", text)
	}
	t.Logf("child said: %s", strings.TrimSpace(text))
	if strings.Contains(text, "auto-install") {
		t.Errorf("auto-install was attempted despite GOMLX_NO_AUTO_INSTALL:\n%s", text)
	}
}

// The fast Dot gradient must equal GoMLX's own gradient.
func TestFastDotGradientMatchesStock(t *testing.T) {
	b, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	mat := func(r, c int) *tensors.Tensor {
		d := make([]float32, r*c)
		for i := range d {
			d[i] = float32(rng.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(d, r, c)
	}
	lhs, rhs, w := mat(7, 5), mat(5, 3), mat(7, 3)
	grads := func(vjp graph.VJP) (dl, dr []float32) {
		graph.VJPRegistration[graph.NodeTypeDot] = vjp
		exec := graph.MustNewExec(b, func(l, r, w *graph.Node) (*graph.Node, *graph.Node) {
			// A weighted sum gives a non-uniform incoming gradient v = w.
			loss := graph.ReduceAllSum(graph.Mul(graph.Dot(l, r), w))
			g := graph.Gradient(loss, l, r)
			return g[0], g[1]
		})
		out := exec.MustExec(lhs, rhs, w)
		return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
	}
	defer func() { graph.VJPRegistration[graph.NodeTypeDot] = fastDotVJP }()
	stockL, stockR := grads(stockDotVJP)
	fastL, fastR := grads(fastDotVJP)
	for name, pair := range map[string][2][]float32{"dLhs": {stockL, fastL}, "dRhs": {stockR, fastR}} {
		for i := range pair[0] {
			if math.Abs(float64(pair[0][i]-pair[1][i])) > 1e-5 {
				t.Errorf("%s[%d]: stock %g, fast %g", name, i, pair[0][i], pair[1][i])
			}
		}
	}
	if len(stockL) != 35 || len(stockR) != 15 {
		t.Errorf("gradient sizes %d, %d", len(stockL), len(stockR))
	}
}
