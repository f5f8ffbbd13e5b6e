package fit

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// savedVersion changes when the saved layout does.
const savedVersion = 1

// savedPart is one part of a saved model: its prefix and what its kind
// needs to be rebuilt.
type savedPart struct {
	Prefix string   `json:"prefix"`
	Kind   string   `json:"kind"` // "peak", "polynomial", "exponential", "power law", "erf step", "expression", "function"
	Shape  string   `json:"shape,omitempty"`
	Order  int      `json:"order,omitempty"`
	Mid    float64  `json:"mid,omitempty"`
	Half   float64  `json:"half,omitempty"`
	Expr   string   `json:"expression,omitempty"`
	Name   string   `json:"name,omitempty"`   // a user function's name
	Params []string `json:"params,omitempty"` // a user function's parameter names
}

type savedParam struct {
	Name    string        `json:"name"`
	Value   spectro.Float `json:"value"`
	Init    spectro.Float `json:"init"`
	Stderr  spectro.Float `json:"stderr"`
	Min     spectro.Float `json:"min"` // null: unbounded
	Max     spectro.Float `json:"max"`
	Vary    bool          `json:"vary"`
	Expr    string        `json:"expr,omitempty"`
	AtBound bool          `json:"at_bound,omitempty"`
}

type savedModel struct {
	Parts  []savedPart  `json:"parts"`
	Params []savedParam `json:"params"`
}

// savedResult is a fit saved with its data, so the loaded result has its
// residual, report and curve back.
type savedResult struct {
	Version int               `json:"version"`
	Model   savedModel        `json:"model"`
	Success bool              `json:"success"`
	Message string            `json:"message"`
	NFev    int               `json:"nfev"`
	NIter   int               `json:"iterations"`
	NVarys  int               `json:"nvarys"`
	ChiSqr  spectro.Float     `json:"chisqr"`
	RedChi  spectro.Float     `json:"redchi"`
	AIC     spectro.Float     `json:"aic"`
	BIC     spectro.Float     `json:"bic"`
	R2      spectro.Float     `json:"r2"`
	Correl  [][]spectro.Float `json:"correl,omitempty"`
	Free    []int             `json:"free"`
	X       []float64         `json:"x"`
	Ys      []float64         `json:"y"`
	Added   int               `json:"added_peaks,omitempty"`
	AddNote string            `json:"add_note,omitempty"`
}

func (m *Model) saved() (savedModel, error) {
	var s savedModel
	for _, pt := range m.Parts {
		sp := savedPart{Prefix: pt.Prefix}
		switch c := pt.Component.(type) {
		case Peak:
			sp.Kind, sp.Shape = "peak", c.Shape.String()
		case Polynomial:
			sp.Kind, sp.Order, sp.Mid, sp.Half = "polynomial", c.Order, c.Mid, c.Half
		case Exponential, PowerLaw, Step:
			sp.Kind = c.Kind()
		case Expression:
			sp.Kind, sp.Expr = "expression", c.F.Text
		case Func:
			sp.Kind, sp.Name, sp.Params = "function", c.Name, c.Names
		default:
			return s, fmt.Errorf("part %q: a %T cannot be saved", pt.Prefix, pt.Component)
		}
		s.Parts = append(s.Parts, sp)
	}
	for _, p := range m.Params {
		s.Params = append(s.Params, savedParam{p.Name, spectro.Float(p.Value), spectro.Float(p.Init), spectro.Float(p.Stderr),
			spectro.Float(p.Min), spectro.Float(p.Max), p.Vary, p.Expr, p.AtBound})
	}
	return s, nil
}

// restore rebuilds a model; funcs supplies the user functions by name.
func (s savedModel) restore(funcs map[string]Func) (*Model, error) {
	var parts []Part
	for _, sp := range s.Parts {
		var c Component
		switch sp.Kind {
		case "peak":
			shape, err := lineshape.ParseShape(sp.Shape)
			if err != nil {
				return nil, fmt.Errorf("part %q: %w", sp.Prefix, err)
			}
			c = Peak{shape}
		case "polynomial":
			if sp.Order < 0 || sp.Order > 20 {
				return nil, fmt.Errorf("part %q: polynomial of order %d", sp.Prefix, sp.Order)
			}
			c = Polynomial{Order: sp.Order, Mid: sp.Mid, Half: sp.Half}
		case "exponential":
			c = Exponential{}
		case "power law":
			c = PowerLaw{}
		case "erf step":
			c = Step{}
		case "expression":
			e, err := ParseExpression(sp.Expr)
			if err != nil {
				return nil, fmt.Errorf("part %q: %w", sp.Prefix, err)
			}
			c = e
		case "function":
			f, ok := funcs[sp.Name]
			if !ok || f.F == nil {
				return nil, fmt.Errorf("part %q is the user function %q: pass it to LoadResult (its code is not saved)", sp.Prefix, sp.Name)
			}
			if len(f.Names) != len(sp.Params) {
				return nil, fmt.Errorf("part %q: function %q takes %d parameters, the saved model %d", sp.Prefix, sp.Name, len(f.Names), len(sp.Params))
			}
			c = f
		default:
			return nil, fmt.Errorf("part %q: unknown kind %q", sp.Prefix, sp.Kind)
		}
		parts = append(parts, Part{sp.Prefix, c})
	}
	m, err := NewSum(parts...)
	if err != nil {
		return nil, err
	}
	if len(s.Params) != len(m.Params) {
		return nil, fmt.Errorf("%d saved parameters for a model of %d", len(s.Params), len(m.Params))
	}
	for i, p := range s.Params {
		if p.Name != m.Params[i].Name {
			return nil, fmt.Errorf("saved parameter %d is %s, the model's %s", i, p.Name, m.Params[i].Name)
		}
		lo, hi := float64(p.Min), float64(p.Max)
		if math.IsNaN(lo) {
			lo = math.Inf(-1)
		}
		if math.IsNaN(hi) {
			hi = math.Inf(1)
		}
		m.Params[i] = Param{Name: p.Name, Value: float64(p.Value), Init: float64(p.Init), Stderr: float64(p.Stderr), Min: lo, Max: hi, Vary: p.Vary, AtBound: p.AtBound}
	}
	for _, p := range s.Params { // ties last: they name other parameters
		if p.Expr != "" {
			if err := m.SetExpr(p.Name, p.Expr); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// SaveResult writes a fit — its model (parts, parameters with bounds, ties
// and errors), statistics and data — as JSON to path, atomically, for
// LoadResult.
func SaveResult(path string, r *Result) error {
	sm, err := r.Model.saved()
	if err != nil {
		return err
	}
	s := savedResult{Version: savedVersion, Model: sm, Success: r.Success, Message: r.Message, NFev: r.NFev, NIter: r.NIter, NVarys: r.NVarys,
		ChiSqr: spectro.Float(r.ChiSqr), RedChi: spectro.Float(r.RedChi), AIC: spectro.Float(r.AIC), BIC: spectro.Float(r.BIC), R2: spectro.Float(r.R2),
		Correl: floatRows(r.Correl), Free: r.free, X: r.x, Ys: r.y, Added: r.Added, AddNote: r.AddNote}
	data, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, append(data, '\n'))
}

// LoadResult reads a fit SaveResult wrote: its model ready to evaluate or
// to start a new fit from, its report, curve and residual. funcs gives the
// user functions (Func) by name, whose code a file cannot hold.
func LoadResult(path string, funcs map[string]Func) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s savedResult
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: not a saved fit: %v", path, err)
	}
	if s.Version != savedVersion {
		return nil, fmt.Errorf("%s: saved fit version %d; this program reads version %d", path, s.Version, savedVersion)
	}
	m, err := s.Model.restore(funcs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(s.X) != len(s.Ys) {
		return nil, fmt.Errorf("%s: %d x values and %d y values", path, len(s.X), len(s.Ys))
	}
	for _, i := range s.Free {
		if i < 0 || i >= len(m.Params) {
			return nil, fmt.Errorf("%s: free parameter %d of %d", path, i, len(m.Params))
		}
	}
	r := &Result{Model: m, Success: s.Success, Message: s.Message, NFev: s.NFev, NIter: s.NIter, NData: len(s.X), NVarys: s.NVarys,
		ChiSqr: float64(s.ChiSqr), RedChi: float64(s.RedChi), AIC: float64(s.AIC), BIC: float64(s.BIC), R2: float64(s.R2),
		Correl: plainRows(s.Correl), Added: s.Added, AddNote: s.AddNote, free: s.Free, x: s.X, y: s.Ys}
	r.fit = make([]float64, len(s.X))
	if len(s.X) > 0 {
		m.Eval(s.X, m.Values(), r.fit)
	}
	return r, nil
}

func floatRows(m [][]float64) [][]spectro.Float {
	out := make([][]spectro.Float, len(m))
	for i, row := range m {
		out[i] = make([]spectro.Float, len(row))
		for j, v := range row {
			out[i][j] = spectro.Float(v)
		}
	}
	return out
}

func plainRows(m [][]spectro.Float) [][]float64 {
	if m == nil {
		return nil
	}
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = float64(v)
		}
	}
	return out
}
