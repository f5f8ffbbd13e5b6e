package identify

import (
	"fmt"
	"math"
	"slices"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"gonum.org/v1/gonum/mat"
)

// MixtureOptions steer Mixture.
type MixtureOptions struct {
	MaxPhases  int // most phases to fit (0: 3)
	Candidates int // hits of each search tried as the next phase (0: 10)
	Options        // the search's options (score, ranges, filters, Skip)
}

// Phase is one library spectrum in a fitted mixture.
type Phase struct {
	Species string  `json:"species"`
	Key     string  `json:"rruff_id"`
	Name    string  `json:"file"`
	Formula string  `json:"formula,omitempty"`
	Entry   int     `json:"-"`
	Weight  float64 `json:"coefficient"` // its coefficient on the [0, 1] scale of both spectra
	// Fraction is its share of the fitted signal: coefficient over the sum
	// of coefficients. It is a share of intensity (both spectra min-max
	// scaled), not a mass fraction: scattering and absorption strengths
	// differ from mineral to mineral.
	Fraction float64 `json:"fraction"`
}

// MaxResidualRatio is how much of the squared error a new phase must leave
// at most for it to be accepted, beside the information criterion. Two
// samples of one species differ by more than noise, so a second library
// spectrum always explains part of a pure spectrum's misfit: BIC alone
// (which never asks for more than a 31 % cut) accepted a false phase in 95 %
// of pure RRUFF Raman spectra. So a new phase is compared with the same
// phases plus another sample of their own species (what variation within a
// species explains) and must cut the better of the two fits' error to this
// share. Chosen on the mixture protocol (EvaluateMixtures) among 0.4, 0.55,
// 0.7 and 0.85: looser ratios found more true second phases (Raman 0.43 →
// 0.62 of mixtures) at the price of many more false ones (0.03 → 0.47 of
// pure spectra).
const MaxResidualRatio = 0.4

// MixtureStep is one phase count tried.
type MixtureStep struct {
	Phases int     `json:"phases"`
	Added  string  `json:"added"`
	R2     float64 `json:"r2"`
	// BIC is the criterion's change from the step before (negative: the
	// phase pays); 0 for the first phase.
	BIC      float64 `json:"bic_change"`
	Accepted bool    `json:"accepted"`
}

// MixtureResult is a fitted mixture.
type MixtureResult struct {
	Phases []Phase          `json:"phases"`
	R2     float64          `json:"r2"` // of the accepted fit, on the unknown's measured range
	Steps  []MixtureStep    `json:"steps"`
	Fit    []float64        `json:"-"` // the fitted spectrum on the grid (0 outside the range)
	Grid   spectro.Grid     `json:"-"`
	Range  Range            `json:"range"`
	Mod    spectro.Modality `json:"modality"`
}

// Mixture fits the unknown spectrum s as a non-negative combination of
// library spectra plus a constant: the top hit first, then, while the
// Bayesian information criterion improves, the phase among the search's
// top hits and the hits of a search on the positive residual that lowers the
// squared error most. BIC counts the effective number of independent points
// (n(1−ρ)/(1+ρ), ρ the residual's lag-1 autocorrelation), since neighbouring
// grid points of a spectrum are far from independent and the plain n would
// accept a phase for every small misfit.
func (l *Library) Mixture(s *spectro.Spectrum, opts MixtureOptions) (*MixtureResult, error) {
	if opts.MaxPhases <= 0 {
		opts.MaxPhases = 3
	}
	if opts.Candidates <= 0 {
		opts.Candidates = 10
	}
	q, err := l.prepareQuery(s, opts.Options, 0)
	if err != nil {
		return nil, err
	}
	lo, hi := max(q.v.lo, q.keep[0]), min(q.v.hi, q.keep[1])
	y := make([]float64, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		if q.mask == nil || !q.mask[i] {
			y = append(y, float64(q.v.raw.v[i]))
		}
	}
	column := func(entry int) []float64 {
		e := l.Entries[entry]
		out := make([]float64, 0, len(y))
		for i := lo; i <= hi; i++ {
			if q.mask == nil || !q.mask[i] {
				out = append(out, float64(e.Y[i]))
			}
		}
		return out
	}
	search := func(sp *spectro.Spectrum, score Score, chosen []int) []int {
		o := opts.Options
		o.Top, o.Score = opts.Candidates, score
		skip := o.Skip
		o.Skip = func(e Entry) bool {
			if skip != nil && skip(e) {
				return true
			}
			for _, c := range chosen {
				if collection.MineralKey(l.Entries[c].Species) == collection.MineralKey(e.Species) {
					return true
				}
			}
			return false
		}
		res, err := l.Search([]*spectro.Spectrum{sp}, o)
		if err != nil {
			return nil
		}
		var out []int
		for _, h := range res.Hits {
			out = append(out, h.Matches[0].Entry)
		}
		return out
	}
	first := search(s, opts.Score, nil)
	if len(first) == 0 {
		return nil, fmt.Errorf("%s: no library entry to fit a mixture with", s.Name())
	}
	g := l.Grids[s.Modality]
	res := &MixtureResult{Grid: g, Range: Range{g.At(lo), g.At(hi)}, Mod: s.Modality}
	chosen := []int{first[0]}
	coef, fit, rss := nnls(y, [][]float64{column(first[0])})
	res.Steps = append(res.Steps, MixtureStep{Phases: 1, Added: l.Entries[first[0]].Species, R2: r2(y, rss), Accepted: true})
	for len(chosen) < opts.MaxPhases {
		// The residual as a spectrum: what the phases so far leave unexplained.
		rx, ry := make([]float64, 0, len(y)), make([]float64, 0, len(y))
		j := 0
		for i := lo; i <= hi; i++ {
			if q.mask != nil && q.mask[i] {
				continue
			}
			rx, ry = append(rx, g.At(i)), append(ry, max(y[j]-fit[j], 0))
			j++
		}
		cands := search(s, opts.Score, chosen)
		if resid, err := spectro.New(s.Modality, rx, ry); err == nil {
			cands = append(cands, search(resid, Correlation, chosen)...)
		}
		best, bestRSS := -1, math.Inf(1)
		var bestCoef, bestFit []float64
		for _, c := range cands {
			cols := make([][]float64, 0, len(chosen)+1)
			for _, k := range append(append([]int(nil), chosen...), c) {
				cols = append(cols, column(k))
			}
			cf, f, r := nnls(y, cols)
			if r < bestRSS && cf[len(cf)-2] > 0 {
				best, bestRSS, bestCoef, bestFit = c, r, cf, f
			}
		}
		if best < 0 {
			break
		}
		// The same phases with another sample of one of their species added:
		// what sample-to-sample variation alone explains. A new phase must
		// beat that too.
		ref := rss
		for _, v := range l.variants(chosen, s.Modality, opts.Options) {
			cols := make([][]float64, 0, len(chosen)+1)
			for _, k := range append(append([]int(nil), chosen...), v) {
				cols = append(cols, column(k))
			}
			if _, _, r := nnls(y, cols); r < ref {
				ref = r
			}
		}
		// Both fits are judged on the larger one's effective points, whose
		// residual is nearer the noise.
		nEff := effectivePoints(y, bestFit)
		nb, ob := bic(len(y), bestRSS, len(chosen)+2, nEff), bic(len(y), ref, len(chosen)+2, nEff)
		step := MixtureStep{Phases: len(chosen) + 1, Added: l.Entries[best].Species, R2: r2(y, bestRSS), BIC: nb - ob,
			Accepted: nb < ob && bestRSS < MaxResidualRatio*ref}
		res.Steps = append(res.Steps, step)
		if !step.Accepted {
			break
		}
		chosen, coef, fit, rss = append(chosen, best), bestCoef, bestFit, bestRSS
	}
	total := 0.0
	for k := range chosen {
		total += coef[k]
	}
	for k, c := range chosen {
		e := l.Entries[c]
		p := Phase{Species: e.Species, Key: e.Key, Name: e.Name, Formula: e.Formula, Entry: c, Weight: coef[k]}
		if total > 0 {
			p.Fraction = coef[k] / total
		}
		if p.Weight > 0 {
			res.Phases = append(res.Phases, p)
		}
	}
	res.R2 = r2(y, rss)
	res.Fit = make([]float64, g.N)
	j := 0
	for i := lo; i <= hi; i++ {
		if q.mask == nil || !q.mask[i] {
			res.Fit[i] = fit[j]
			j++
		}
	}
	return res, nil
}

// maxVariants bounds the other samples of a chosen species tried as its
// variation.
const maxVariants = 10

// variants are entries of modality m of the chosen entries' species, other
// than the chosen ones, that the options allow.
func (l *Library) variants(chosen []int, m spectro.Modality, opts Options) []int {
	species := map[string]int{}
	for _, c := range chosen {
		species[collection.MineralKey(l.Entries[c].Species)] = 0
	}
	var out []int
	for i, e := range l.Entries {
		sp := collection.MineralKey(e.Species)
		n, ok := species[sp]
		if !ok || e.Modality != m || n >= maxVariants || slices.Contains(chosen, i) || !l.allowed(i, opts) {
			continue
		}
		species[sp] = n + 1
		out = append(out, i)
	}
	return out
}

// nnls fits y ≈ Σ cₖ·colsₖ + b with every cₖ ≥ 0 (b, a constant, free).
// gonum has no non-negative least squares; with at most a few phases the
// exact answer is the best of the unconstrained fits on every subset of
// columns whose coefficients all come out non-negative (the NNLS optimum is
// such a fit on its support), so that is what is computed. coef has one
// value per column, then b.
func nnls(y []float64, cols [][]float64) (coef, fit []float64, rss float64) {
	n, k := len(y), len(cols)
	rss = math.Inf(1)
	coef = make([]float64, k+1)
	for subset := 0; subset < 1<<k; subset++ {
		var idx []int
		for j := range k {
			if subset&(1<<j) != 0 {
				idx = append(idx, j)
			}
		}
		a := mat.NewDense(n, len(idx)+1, nil)
		for i := range n {
			for c, j := range idx {
				a.Set(i, c, cols[j][i])
			}
			a.Set(i, len(idx), 1)
		}
		var x mat.Dense
		if err := x.Solve(a, mat.NewVecDense(n, y)); err != nil {
			continue
		}
		ok := true
		for c := range idx {
			if x.At(c, 0) < 0 {
				ok = false
			}
		}
		if !ok {
			continue
		}
		f := make([]float64, n)
		r := 0.0
		for i := range n {
			f[i] = x.At(len(idx), 0)
			for c, j := range idx {
				f[i] += x.At(c, 0) * cols[j][i]
			}
			r += (y[i] - f[i]) * (y[i] - f[i])
		}
		if r < rss {
			rss, fit = r, f
			for j := range coef {
				coef[j] = 0
			}
			for c, j := range idx {
				coef[j] = x.At(c, 0)
			}
			coef[k] = x.At(len(idx), 0)
		}
	}
	return coef, fit, rss
}

// effectivePoints is the number of independent points a fit's residual
// amounts to, n(1−ρ)/(1+ρ) with ρ its lag-1 autocorrelation (an AR(1)
// series' effective sample size).
func effectivePoints(y, fit []float64) float64 {
	var num, den float64
	for i := range y {
		r := y[i] - fit[i]
		den += r * r
		if i > 0 {
			num += r * (y[i-1] - fit[i-1])
		}
	}
	rho := 0.0
	if den > 0 {
		rho = min(max(num/den, 0), 0.99)
	}
	return float64(len(y)) * (1 - rho) / (1 + rho)
}

// bic is the Bayesian information criterion of a fit of p parameters with
// squared error rss over n points counted as nEff independent ones.
func bic(n int, rss float64, p int, nEff float64) float64 {
	nEff = max(nEff, float64(p+2))
	return nEff*math.Log(max(rss/float64(n), 1e-300)) + float64(p)*math.Log(nEff)
}

func r2(y []float64, rss float64) float64 {
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	tss := 0.0
	for _, v := range y {
		tss += (v - mean) * (v - mean)
	}
	if tss == 0 {
		return 0
	}
	return 1 - rss/tss
}
