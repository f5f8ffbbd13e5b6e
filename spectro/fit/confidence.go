package fit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval of one parameter at Sigma standard
// deviations (its probability that of a normal variable within ±Sigma:
// 0.683 for 1, 0.954 for 2, 0.997 for 3).
type Interval struct {
	Sigma float64 `json:"sigma"`
	Prob  float64 `json:"probability"`
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// ConfInterval computes profile-likelihood confidence intervals of the named
// free parameters of a fit, as lmfit's conf_interval does: a parameter is
// moved away from its best value on each side, the other free parameters
// refitted at each value, until the F-test between the restricted and the
// best fit, F = (χ²/χ²_best − 1)·(N − P), reaches the probability of the
// interval (its CDF with 1 and N − P degrees of freedom). Unlike the
// covariance's ±stderr, the bounds follow the χ² surface, so they are
// asymmetric where it is (an exponential's decay). The side where no value
// reaches the probability within the parameter's bounds or 1000 standard
// errors is given as the bound (±Inf when unbounded). Sigmas default to 1, 2
// and 3.
func ConfInterval(r *Result, names []string, sigmas []float64, o Options) (map[string][]Interval, error) {
	if len(sigmas) == 0 {
		sigmas = []float64{1, 2, 3}
	}
	n, p := len(r.x), r.NVarys
	if n <= p || r.ChiSqr <= 0 {
		return nil, fmt.Errorf("confidence intervals need more points (%d) than free parameters (%d) and a non-zero χ²", n, p)
	}
	fdist := distuv.F{D1: 1, D2: float64(n - p)}
	prob := func(chi float64) float64 {
		return fdist.CDF(math.Max(chi/r.ChiSqr-1, 0) * float64(n-p))
	}
	out := map[string][]Interval{}
	for _, name := range names {
		i := r.Model.Index(name)
		if i < 0 {
			return nil, fmt.Errorf("no parameter %s", name)
		}
		par := r.Model.Params[i]
		if !par.Vary || par.Expr != "" {
			return nil, fmt.Errorf("parameter %s is not free: it has no interval of its own", name)
		}
		best := par.Value
		step := par.Stderr
		if !(step > 0) || math.IsInf(step, 0) {
			step = math.Max(math.Abs(best)*0.01, 1e-6)
		}
		// chiAt is χ² with the parameter held at v, the others refitted
		// from the best fit.
		chiAt := func(v float64) float64 {
			m := *r.Model
			m.Params = append([]Param(nil), r.Model.Params...)
			m.Params[i].Value, m.Params[i].Vary = v, false
			res, err := Fit(r.x, r.y, &m, o)
			if err != nil {
				return math.Inf(1)
			}
			return res.ChiSqr
		}
		for _, s := range sigmas {
			target := math.Erf(s / math.Sqrt2)
			iv := Interval{Sigma: s, Prob: target}
			for _, dir := range []float64{-1, 1} {
				iv.setSide(dir, findCrossing(best, dir, step, par.Min, par.Max, target, func(v float64) float64 { return prob(chiAt(v)) }))
			}
			out[name] = append(out[name], iv)
		}
	}
	return out, nil
}

func (iv *Interval) setSide(dir, v float64) {
	if dir < 0 {
		iv.Lower = v
	} else {
		iv.Upper = v
	}
}

// findCrossing walks from best in direction dir with growing steps until
// prob reaches target, then bisects; without a crossing it returns the
// bound the walk reached.
func findCrossing(best, dir, step, lo, hi, target float64, prob func(float64) float64) float64 {
	inner, h := best, step
	for k := 0; k < 40; k++ {
		outer := best + dir*h
		if outer <= lo || outer >= hi {
			outer = math.Max(lo, math.Min(hi, outer))
			if math.IsInf(outer, 0) || prob(outer) < target {
				return outer
			}
			return bisect(inner, outer, target, prob)
		}
		if prob(outer) >= target {
			return bisect(inner, outer, target, prob)
		}
		inner, h = outer, h*1.6
		if h > 1000*step {
			break
		}
	}
	return math.Inf(int(dir))
}

// bisect finds where prob crosses target between a (below) and b (above),
// to 1e-6 of their distance.
func bisect(a, b, target float64, prob func(float64) float64) float64 {
	span := math.Abs(b - a)
	for k := 0; k < 60 && math.Abs(b-a) > 1e-6*span; k++ {
		mid := (a + b) / 2
		if prob(mid) < target {
			a = mid
		} else {
			b = mid
		}
	}
	return (a + b) / 2
}
