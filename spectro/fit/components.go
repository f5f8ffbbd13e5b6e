package fit

import (
	"math"
	"strconv"

	"github.com/spectrogen-go/spectrogen/spectro/fit/formula"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Peak is a line shape (its parameters: center, then width(s), area, η).
type Peak struct{ Shape lineshape.Shape }

func (c Peak) Kind() string                        { return c.Shape.String() }
func (c Peak) ParamNames() []string                { return c.Shape.ParamNames() }
func (c Peak) Eval(x float64, p []float64) float64 { return c.Shape.Eval(x, p) }
func (c Peak) Grad(x float64, p, grad []float64) (float64, bool) {
	return c.Shape.Grad(x, p, grad), true
}

// Polynomial is c0 + c1·t + … + c_Order·t^Order in t = (x − Mid)/Half
// (Half 0 means 1: a polynomial in x − Mid).
type Polynomial struct {
	Order     int
	Mid, Half float64
}

// Constant is the background c0.
func Constant() Polynomial { return Polynomial{Order: 0} }

// Linear is the background c0 + c1·x.
func Linear() Polynomial { return Polynomial{Order: 1} }

func (c Polynomial) Kind() string { return "polynomial" }
func (c Polynomial) ParamNames() []string {
	out := make([]string, c.Order+1)
	for j := range out {
		out[j] = "c" + strconv.Itoa(j)
	}
	return out
}
func (c Polynomial) t(x float64) float64 {
	if c.Half == 0 {
		return x - c.Mid
	}
	return (x - c.Mid) / c.Half
}
func (c Polynomial) Eval(x float64, p []float64) float64 {
	t, tp, v := c.t(x), 1.0, 0.0
	for j := range p {
		v += p[j] * tp
		tp *= t
	}
	return v
}
func (c Polynomial) Grad(x float64, p, grad []float64) (float64, bool) {
	t, tp, v := c.t(x), 1.0, 0.0
	for j := range p {
		v += p[j] * tp
		grad[j] = tp
		tp *= t
	}
	return v, true
}

// Exponential is amplitude·exp(−x/decay), lmfit's ExponentialModel: a
// fluorescence or decay background.
type Exponential struct{}

func (Exponential) Kind() string         { return "exponential" }
func (Exponential) ParamNames() []string { return []string{"amplitude", "decay"} }
func (c Exponential) Eval(x float64, p []float64) float64 {
	return p[0] * math.Exp(-x/p[1])
}
func (Exponential) Grad(x float64, p, grad []float64) (float64, bool) {
	e := math.Exp(-x / p[1])
	grad[0], grad[1] = e, p[0]*e*x/(p[1]*p[1])
	return p[0] * e, true
}

// PowerLaw is amplitude·x^exponent, lmfit's PowerLawModel.
type PowerLaw struct{}

func (PowerLaw) Kind() string         { return "power law" }
func (PowerLaw) ParamNames() []string { return []string{"amplitude", "exponent"} }
func (PowerLaw) Eval(x float64, p []float64) float64 {
	return p[0] * math.Pow(x, p[1])
}
func (PowerLaw) Grad(x float64, p, grad []float64) (float64, bool) {
	xp := math.Pow(x, p[1])
	grad[0], grad[1] = xp, 0
	if x > 0 {
		grad[1] = p[0] * xp * math.Log(x)
	}
	return p[0] * xp, true
}

// Step is an error-function step, amplitude·(1 + erf((x − center)/sigma))/2,
// lmfit's StepModel(form='erf'): an absorption edge or a fluorescence rise.
type Step struct{}

func (Step) Kind() string         { return "erf step" }
func (Step) ParamNames() []string { return []string{"amplitude", "center", "sigma"} }
func (Step) Eval(x float64, p []float64) float64 {
	return p[0] * (1 + math.Erf((x-p[1])/p[2])) / 2
}
func (Step) Grad(x float64, p, grad []float64) (float64, bool) {
	u := (x - p[1]) / p[2]
	g := p[0] / math.SqrtPi * math.Exp(-u*u) // ∂/∂u of amplitude·(1+erf u)/2
	grad[0] = (1 + math.Erf(u)) / 2
	grad[1] = -g / p[2]
	grad[2] = -g * u / p[2]
	return p[0] * grad[0], true
}

// Func is a function of the user's. Jac, if set, writes ∂F/∂p into grad and
// returns F; without it the solver uses central differences.
type Func struct {
	Name  string
	Names []string // parameter names
	F     func(x float64, p []float64) float64
	Jac   func(x float64, p, grad []float64) float64
}

func (c Func) Kind() string                        { return c.Name }
func (c Func) ParamNames() []string                { return c.Names }
func (c Func) Eval(x float64, p []float64) float64 { return c.F(x, p) }
func (c Func) Grad(x float64, p, grad []float64) (float64, bool) {
	if c.Jac == nil {
		return c.F(x, p), false
	}
	return c.Jac(x, p, grad), true
}

// Expression is a model written as text in x, with an exact gradient.
type Expression struct{ F *formula.Formula }

// ParseExpression compiles an expression in x (see the formula package).
func ParseExpression(text string) (Expression, error) {
	f, err := formula.Parse(text, "x")
	return Expression{f}, err
}

func (c Expression) Kind() string         { return "expression" }
func (c Expression) ParamNames() []string { return c.F.Params }
func (c Expression) Eval(x float64, p []float64) float64 {
	return c.F.Eval([]float64{x}, p)
}
func (c Expression) Grad(x float64, p, grad []float64) (float64, bool) {
	return c.F.Grad([]float64{x}, p, grad), true
}
