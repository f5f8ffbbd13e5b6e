package formula

import (
	"math"
	"strings"
	"testing"
)

func TestEvalAndGrad(t *testing.T) {
	for _, tc := range []struct {
		text   string
		params []string
		p      []float64
		x      float64
		want   func(x float64, b []float64) float64
	}{
		{"b1*(1-exp[-b2*x])", []string{"b1", "b2"}, []float64{240, 5.4e-4}, 77.6,
			func(x float64, b []float64) float64 { return b[0] * (1 - math.Exp(-b[1]*x)) }},
		{"b1 * (1-(1+2*b2*x)**(-.5))", []string{"b1", "b2"}, []float64{600, 2e-4}, 77.6,
			func(x float64, b []float64) float64 { return b[0] * (1 - math.Pow(1+2*b[1]*x, -0.5)) }},
		{"b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )",
			[]string{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"}, []float64{97, 0.009, 100, 65, 20, 70, 178, 16.5}, 70,
			func(x float64, b []float64) float64 {
				return b[0]*math.Exp(-b[1]*x) + b[2]*math.Exp(-(x-b[3])*(x-b[3])/(b[4]*b[4])) + b[5]*math.Exp(-(x-b[6])*(x-b[6])/(b[7]*b[7]))
			}},
		{"b1 - b2*x - arctan[b3/(x-b4)]/pi", []string{"b1", "b2", "b3", "b4"}, []float64{0.1, -1e-5, 1000, -100}, -4868.68,
			func(x float64, b []float64) float64 { return b[0] - b[1]*x - math.Atan(b[2]/(x-b[3]))/math.Pi }},
		{"b1 * (b2+x)**(-1/b3)", []string{"b1", "b2", "b3"}, []float64{-2000, 50, 0.8}, 7.4,
			func(x float64, b []float64) float64 { return b[0] * math.Pow(b[1]+x, -1/b[2]) }},
		{"b1 + b2*cos( 2*pi*x/12 ) + b9*sin( 2*pi*x/b4 )", []string{"b1", "b2", "b4", "b9"}, []float64{11, 3, 40, -1.5}, 5,
			func(x float64, b []float64) float64 {
				return b[0] + b[1]*math.Cos(2*math.Pi*x/12) + b[3]*math.Sin(2*math.Pi*x/b[2])
			}},
		{"a^2 + -b**2 + 2**c - sqrt(a)/log(b)", []string{"a", "b", "c"}, []float64{2, 3, 0.5}, 0,
			func(_ float64, b []float64) float64 {
				return b[0]*b[0] - b[1]*b[1] + math.Pow(2, b[2]) - math.Sqrt(b[0])/math.Log(b[1])
			}},
		{"(b1/b2) * exp[-0.5*((x-b3)/b2)**2]", []string{"b1", "b2", "b3"}, []float64{1.5, 5, 450}, 445,
			func(x float64, b []float64) float64 { return b[0] / b[1] * math.Exp(-0.5*math.Pow((x-b[2])/b[1], 2)) }},
	} {
		f, err := Parse(tc.text, "x")
		if err != nil {
			t.Fatalf("%s: %v", tc.text, err)
		}
		if strings.Join(f.Params, ",") != strings.Join(tc.params, ",") {
			t.Fatalf("%s: parameters %v, want %v", tc.text, f.Params, tc.params)
		}
		want := tc.want(tc.x, tc.p)
		if got := f.Eval([]float64{tc.x}, tc.p); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: %g, want %g", tc.text, got, want)
		}
		grad := make([]float64, len(tc.p))
		if v := f.Grad([]float64{tc.x}, tc.p, grad); v != f.Eval([]float64{tc.x}, tc.p) {
			t.Errorf("%s: Grad's value %g differs from Eval's", tc.text, v)
		}
		for j := range tc.p { // central differences of the reference function
			h := 1e-6 * math.Max(math.Abs(tc.p[j]), 1e-3)
			up, dn := append([]float64(nil), tc.p...), append([]float64(nil), tc.p...)
			up[j] += h
			dn[j] -= h
			fd := (tc.want(tc.x, up) - tc.want(tc.x, dn)) / (2 * h)
			if math.Abs(grad[j]-fd) > 1e-6*math.Max(1e-8, math.Abs(fd))+1e-12 {
				t.Errorf("%s: ∂/∂%s = %g, finite differences %g", tc.text, tc.params[j], grad[j], fd)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "empty"},
		{"b1 * foo(x)", "unknown function foo"},
		{"b1 +", "formula"},
		{"b1 == x", "not arithmetic"},
		{`b1 + "a"`, "not arithmetic"},
		{"exp(x, b1)", "one argument"},
		{"b1 ? x : 2", "not arithmetic"},
	} {
		_, err := Parse(tc.text, "x")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q): %v, want an error with %q", tc.text, err, tc.want)
		}
	}
}

func TestNaturalOrder(t *testing.T) {
	f := MustParse("b10*x + b2 + b1 + amp", "x")
	if got := strings.Join(f.Params, " "); got != "amp b1 b2 b10" {
		t.Errorf("parameters %s", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"b1*exp(-b2*x)", "b1 * (b2+x)**(-1/b3)", "-.5*x^2", "arctan[b3/(x-b4)]/pi", "((", "a.b", "x[1]", "len(x)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := Parse(s, "x")
		if err != nil {
			return
		}
		p := make([]float64, len(fm.Params))
		for i := range p {
			p[i] = 1.5
		}
		g := make([]float64, len(p))
		fm.Eval([]float64{0.7}, p)
		fm.Grad([]float64{0.7}, p, g)
	})
}

func BenchmarkGradGauss(b *testing.B) {
	f := MustParse("b1*exp( -b2*x ) + b3*exp( -(x-b4)**2 / b5**2 ) + b6*exp( -(x-b7)**2 / b8**2 )", "x")
	p := []float64{97, 0.009, 100, 65, 20, 70, 178, 16.5}
	g := make([]float64, len(p))
	x := []float64{0}
	for i := 0; b.Loop(); i++ {
		x[0] = float64(i % 250)
		f.Grad(x, p, g)
	}
}
