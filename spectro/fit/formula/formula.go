// Package formula compiles a model written as text — "b1*exp(-b2*x) +
// b3*exp(-(x-b4)**2/b5**2)" — into a function of its variables and parameters
// with an exact gradient, for fitting.
//
// The text is parsed by github.com/expr-lang/expr's parser (operators + - * /,
// ** and ^ for powers, parentheses; square brackets group like parentheses,
// as the NIST StRD files write them). The parsed tree is then compiled here
// into a flat tape of arithmetic steps: expr's own virtual machine evaluates
// values but has no derivatives, and fitting wants the exact Jacobian
// (reverse-mode differentiation over the tape), evaluated millions of times
// without allocating.
//
// Functions: exp, log (natural), ln, log10, sqrt, abs, sin, cos, tan, arctan
// (atan), arcsin (asin), arccos (acos), sinh, cosh, tanh, erf, erfc. Constants:
// pi, e. Any other identifier that is not one of the variables is a parameter.
package formula

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Formula is a compiled expression. It is safe for concurrent use.
type Formula struct {
	Text   string   // as given
	Vars   []string // the variables, in the order Eval takes them
	Params []string // the parameters, in natural order (b2 before b10)
	tape   []instr
	pool   sync.Pool // *scratch
}

type opcode uint8

const (
	opConst opcode = iota
	opVar
	opParam
	opAdd
	opSub
	opMul
	opDiv
	opPow
	opNeg
	opFunc // unary function fn
)

// instr is one tape step: its value from the values of earlier steps a and b.
type instr struct {
	op   opcode
	a, b int32
	k    float64 // constant value, or variable/parameter index
	fn   *unary
	dep  bool // depends on a parameter (gradient flows through it)
}

// unary is a one-argument function and its derivative.
type unary struct {
	name string
	f    func(float64) float64
	df   func(x, fx float64) float64
}

var unaries = func() map[string]*unary {
	sq := func(x float64) float64 { return x * x }
	m := map[string]*unary{
		"exp":    {f: math.Exp, df: func(_, fx float64) float64 { return fx }},
		"log":    {f: math.Log, df: func(x, _ float64) float64 { return 1 / x }},
		"log10":  {f: math.Log10, df: func(x, _ float64) float64 { return 1 / (x * math.Ln10) }},
		"sqrt":   {f: math.Sqrt, df: func(_, fx float64) float64 { return 0.5 / fx }},
		"abs":    {f: math.Abs, df: func(x, _ float64) float64 { return math.Copysign(1, x) }},
		"sin":    {f: math.Sin, df: func(x, _ float64) float64 { return math.Cos(x) }},
		"cos":    {f: math.Cos, df: func(x, _ float64) float64 { return -math.Sin(x) }},
		"tan":    {f: math.Tan, df: func(_, fx float64) float64 { return 1 + fx*fx }},
		"arctan": {f: math.Atan, df: func(x, _ float64) float64 { return 1 / (1 + x*x) }},
		"arcsin": {f: math.Asin, df: func(x, _ float64) float64 { return 1 / math.Sqrt(1-x*x) }},
		"arccos": {f: math.Acos, df: func(x, _ float64) float64 { return -1 / math.Sqrt(1-x*x) }},
		"sinh":   {f: math.Sinh, df: func(x, _ float64) float64 { return math.Cosh(x) }},
		"cosh":   {f: math.Cosh, df: func(x, _ float64) float64 { return math.Sinh(x) }},
		"tanh":   {f: math.Tanh, df: func(_, fx float64) float64 { return 1 - fx*fx }},
		"erf":    {f: math.Erf, df: func(x, _ float64) float64 { return 2 / math.SqrtPi * math.Exp(-sq(x)) }},
		"erfc":   {f: math.Erfc, df: func(x, _ float64) float64 { return -2 / math.SqrtPi * math.Exp(-sq(x)) }},
	}
	for alias, name := range map[string]string{"ln": "log", "atan": "arctan", "asin": "arcsin", "acos": "arccos"} {
		m[alias] = m[name]
	}
	for name, u := range m {
		if u.name == "" {
			u.name = name
		}
	}
	return m
}()

var constants = map[string]float64{"pi": math.Pi, "e": math.E}

// leadingDot finds floats written without a leading zero (".5"), which the
// parser does not read.
var leadingDot = regexp.MustCompile(`(^|[^\w.])\.(\d)`)

// Parse compiles text as a function of the named variables (e.g. "x"); every
// other identifier that is not a function or constant is a parameter.
func Parse(text string, vars ...string) (*Formula, error) {
	src := strings.NewReplacer("[", "(", "]", ")").Replace(text)
	src = leadingDot.ReplaceAllString(src, "${1}0.$2")
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("formula: empty expression")
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("formula %q: %v", text, firstLine(err.Error()))
	}
	f := &Formula{Text: text, Vars: vars}
	c := compiler{f: f, vars: map[string]int{}, params: map[string]bool{}}
	for i, v := range vars {
		c.vars[v] = i
	}
	// Parameters are numbered after a first pass collects them, so that
	// their order does not depend on where they first appear.
	if err := c.collect(tree.Node); err != nil {
		return nil, fmt.Errorf("formula %q: %w", text, err)
	}
	for p := range c.params {
		f.Params = append(f.Params, p)
	}
	sort.Slice(f.Params, func(i, j int) bool { return naturalLess(f.Params[i], f.Params[j]) })
	c.index = map[string]int{}
	for i, p := range f.Params {
		c.index[p] = i
	}
	if _, err := c.emit(tree.Node); err != nil {
		return nil, fmt.Errorf("formula %q: %w", text, err)
	}
	return f, nil
}

// MustParse is Parse for formulas known to be valid; it panics otherwise.
func MustParse(text string, vars ...string) *Formula {
	f, err := Parse(text, vars...)
	if err != nil {
		panic(err)
	}
	return f
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

type compiler struct {
	f      *Formula
	vars   map[string]int
	params map[string]bool
	index  map[string]int
}

// callName returns the function name of a call node.
func callName(n ast.Node) (name string, args []ast.Node, ok bool) {
	switch c := n.(type) {
	case *ast.CallNode:
		if id, isID := c.Callee.(*ast.IdentifierNode); isID {
			return id.Value, c.Arguments, true
		}
	case *ast.BuiltinNode:
		return c.Name, c.Arguments, true
	}
	return "", nil, false
}

func (c *compiler) collect(n ast.Node) error {
	switch t := n.(type) {
	case *ast.IdentifierNode:
		if _, isVar := c.vars[t.Value]; isVar {
			return nil
		}
		if _, isConst := constants[t.Value]; isConst {
			return nil
		}
		if !validName(t.Value) {
			return fmt.Errorf("%q is not a parameter name", t.Value)
		}
		c.params[t.Value] = true
		return nil
	case *ast.IntegerNode, *ast.FloatNode:
		return nil
	case *ast.UnaryNode:
		return c.collect(t.Node)
	case *ast.BinaryNode:
		if err := c.collect(t.Left); err != nil {
			return err
		}
		return c.collect(t.Right)
	}
	if name, args, ok := callName(n); ok {
		if unaries[name] == nil {
			return fmt.Errorf("unknown function %s (column %d)", name, n.Location().From+1)
		}
		if len(args) != 1 {
			return fmt.Errorf("%s takes one argument, got %d", name, len(args))
		}
		return c.collect(args[0])
	}
	return fmt.Errorf("%q is not arithmetic (column %d)", n.String(), n.Location().From+1)
}

func validName(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

func (c *compiler) push(in instr) int32 {
	c.f.tape = append(c.f.tape, in)
	return int32(len(c.f.tape) - 1)
}

func (c *compiler) emit(n ast.Node) (int32, error) {
	switch t := n.(type) {
	case *ast.IntegerNode:
		return c.push(instr{op: opConst, k: float64(t.Value)}), nil
	case *ast.FloatNode:
		return c.push(instr{op: opConst, k: t.Value}), nil
	case *ast.IdentifierNode:
		if i, isVar := c.vars[t.Value]; isVar {
			return c.push(instr{op: opVar, k: float64(i)}), nil
		}
		if v, isConst := constants[t.Value]; isConst {
			return c.push(instr{op: opConst, k: v}), nil
		}
		return c.push(instr{op: opParam, k: float64(c.index[t.Value]), dep: true}), nil
	case *ast.UnaryNode:
		a, err := c.emit(t.Node)
		if err != nil {
			return 0, err
		}
		switch t.Operator {
		case "-":
			return c.push(instr{op: opNeg, a: a, dep: c.f.tape[a].dep}), nil
		case "+":
			return a, nil
		}
		return 0, fmt.Errorf("operator %q is not arithmetic", t.Operator)
	case *ast.BinaryNode:
		ops := map[string]opcode{"+": opAdd, "-": opSub, "*": opMul, "/": opDiv, "**": opPow, "^": opPow}
		op, ok := ops[t.Operator]
		if !ok {
			return 0, fmt.Errorf("operator %q is not arithmetic", t.Operator)
		}
		a, err := c.emit(t.Left)
		if err != nil {
			return 0, err
		}
		b, err := c.emit(t.Right)
		if err != nil {
			return 0, err
		}
		return c.push(instr{op: op, a: a, b: b, dep: c.f.tape[a].dep || c.f.tape[b].dep}), nil
	}
	name, args, _ := callName(n) // collect has checked the rest
	a, err := c.emit(args[0])
	if err != nil {
		return 0, err
	}
	return c.push(instr{op: opFunc, a: a, fn: unaries[name], dep: c.f.tape[a].dep}), nil
}

// naturalLess orders names with numeric suffixes by number: b2 < b10.
func naturalLess(a, b string) bool {
	split := func(s string) (string, int, bool) {
		i := len(s)
		for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
			i--
		}
		n, err := strconv.Atoi(s[i:])
		return s[:i], n, err == nil
	}
	pa, na, oka := split(a)
	pb, nb, okb := split(b)
	if oka && okb && pa == pb {
		return na < nb
	}
	return a < b
}

type scratch struct{ val, adj []float64 }

func (f *Formula) scratch() *scratch {
	if s, ok := f.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{val: make([]float64, len(f.tape)), adj: make([]float64, len(f.tape))}
}

// forward fills val and returns the formula's value.
func (f *Formula) forward(val, vars, params []float64) float64 {
	for i, in := range f.tape {
		var v float64
		switch in.op {
		case opConst:
			v = in.k
		case opVar:
			v = vars[int(in.k)]
		case opParam:
			v = params[int(in.k)]
		case opAdd:
			v = val[in.a] + val[in.b]
		case opSub:
			v = val[in.a] - val[in.b]
		case opMul:
			v = val[in.a] * val[in.b]
		case opDiv:
			v = val[in.a] / val[in.b]
		case opPow:
			v = pow(val[in.a], val[in.b])
		case opNeg:
			v = -val[in.a]
		case opFunc:
			v = in.fn.f(val[in.a])
		}
		val[i] = v
	}
	return val[len(val)-1]
}

// pow is math.Pow with squares and cubes multiplied out (exact and faster).
func pow(a, b float64) float64 {
	switch b {
	case 2:
		return a * a
	case 3:
		return a * a * a
	case 1:
		return a
	}
	return math.Pow(a, b)
}

// Eval returns the formula's value for the variables and parameters (in the
// order of Vars and Params).
func (f *Formula) Eval(vars, params []float64) float64 {
	s := f.scratch()
	v := f.forward(s.val, vars, params)
	f.pool.Put(s)
	return v
}

// Grad returns the value and writes its derivative with respect to each
// parameter into grad (len(Params)), by reverse-mode differentiation.
func (f *Formula) Grad(vars, params, grad []float64) float64 {
	s := f.scratch()
	val, adj := s.val, s.adj
	v := f.forward(val, vars, params)
	for i := range grad {
		grad[i] = 0
	}
	clear(adj)
	adj[len(adj)-1] = 1
	for i := len(f.tape) - 1; i >= 0; i-- {
		in, g := f.tape[i], adj[i]
		if !in.dep || g == 0 {
			continue
		}
		a, b := in.a, in.b
		switch in.op {
		case opParam:
			grad[int(in.k)] += g
		case opAdd:
			adj[a] += g
			adj[b] += g
		case opSub:
			adj[a] += g
			adj[b] -= g
		case opMul:
			adj[a] += g * val[b]
			adj[b] += g * val[a]
		case opDiv:
			adj[a] += g / val[b]
			adj[b] -= g * val[i] / val[b]
		case opPow:
			x, y := val[a], val[b]
			if f.tape[a].dep {
				adj[a] += g * y * pow(x, y-1)
			}
			if f.tape[b].dep && x > 0 {
				adj[b] += g * val[i] * math.Log(x)
			}
		case opNeg:
			adj[a] -= g
		case opFunc:
			adj[a] += g * in.fn.df(val[a], val[i])
		}
	}
	f.pool.Put(s)
	return v
}
