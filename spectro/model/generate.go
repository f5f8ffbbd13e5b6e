package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/distrib"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// Generator runs a trained model in one direction (the model's primary one
// after Load; For gives the others of a multi-modal model).
type Generator struct {
	Info    *Info
	backend backends.Backend
	ctx     *context.Context
	hp      hparams
	dir     Direction
	execs   map[Direction]*directionExecs // shared by the views of one model
	// Library is the neighbour library of a retrieval model (nil otherwise):
	// the training pairs, saved with the model.
	Library *retrieval.Library
	// members are a bundle's models by direction (nil: not a bundle).
	members map[Direction]*Generator
	// fits keeps the sources' peak fits between runs (SetFitCache).
	fits *features.DiskCache
}

// SetFitCache makes generation keep the sources' peak fits in c (a model
// opens with features.User(); features.Off fits every source anew, as for
// spectra never seen), for a bundle's every member too.
func (g *Generator) SetFitCache(c *features.DiskCache) {
	if c == nil {
		c = features.User()
	}
	g.fits = c
	for _, m := range g.members { // a bundle's members (the bundle's own view among them)
		m.fits = c
	}
}

// LoadCaching is Load with generation keeping the sources' peak fits in
// fits (nil: features.User(), as Load does).
func LoadCaching(dir, backendConfig string, fits *features.DiskCache) (*Generator, error) {
	g, err := Load(dir, backendConfig)
	if err != nil {
		return nil, err
	}
	g.SetFitCache(fits)
	return g, nil
}

// FitCache is where generation keeps the sources' peak fits.
func (g *Generator) FitCache() *features.DiskCache { return g.fits }

// directionExecs are one direction's compiled encoder and decoder.
type directionExecs struct {
	enc, dec *context.Exec
}

// Load opens a model folder for generation.
func Load(dir, backendConfig string) (gen *Generator, err error) {
	defer catch(&err)
	if b, ok, err := readBundle(dir); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return loadBundle(dir, b, backendConfig)
	}
	info, err := ReadInfo(dir)
	if err != nil {
		return nil, err
	}
	b, err := backend.New(backendConfig)
	if err != nil {
		return nil, err
	}
	ckptDir := filepath.Join(dir, "checkpoints")
	if !hasCheckpoint(ckptDir) {
		return nil, fmt.Errorf("%s has no checkpoint: train the model first", dir)
	}
	if bad := quarantineBrokenCheckpoints(ckptDir); len(bad) > 0 && !hasCheckpoint(ckptDir) {
		return nil, fmt.Errorf("%s: every checkpoint is damaged (truncated or corrupt; %d set aside in %s): retrain the model or restore the folder",
			dir, len(bad), filepath.Join(ckptDir, "broken"))
	}
	ctx := CreateDefaultContext()
	if _, err := checkpoints.Load(ctx).Dir(ckptDir).Done(); err != nil {
		return nil, fmt.Errorf("loading %s: %w", ckptDir, err)
	}
	hp, err := readHParams(ctx)
	if err != nil {
		return nil, err
	}
	g := &Generator{Info: info, backend: b, ctx: ctx.Reuse(), hp: hp, dir: hp.main(), execs: map[Direction]*directionExecs{}, fits: features.User()}
	if hp.retrieves() {
		if g.Library, err = retrieval.Load(filepath.Join(dir, retrieval.FileName)); err != nil {
			return nil, fmt.Errorf("model %s: %w", dir, err)
		}
	}
	_, err = g.compiled()
	return g, err
}

// For returns the model translating from → to: the same weights, another
// direction. A one-direction model knows only its own; a multi-modal model
// any pair of its modalities.
func (g *Generator) For(from, to spectro.Modality) (*Generator, error) {
	d := Direction{from, to}
	if g.members != nil {
		if m := g.members[d]; m != nil {
			return m, nil
		}
		var names []string
		for _, k := range g.Directions() {
			names = append(names, k.String())
		}
		return nil, fmt.Errorf("this model bundle translates %s; not %s", strings.Join(names, ", "), d)
	}
	if !g.hp.knows(d) {
		if len(g.hp.modalities) == 0 {
			return nil, fmt.Errorf("this model translates %s only, not %s (a multi-modal model, trained with the modalities hyperparameter, translates among several)", g.hp.main(), d)
		}
		return nil, fmt.Errorf("this model knows %s; it cannot translate %s", joinModalities(g.hp.modalities, ", "), d)
	}
	view := *g
	view.dir = d
	return &view, nil
}

// Modalities lists what the model reads and writes: its two modalities, or a
// multi-modal model's list.
func (g *Generator) Modalities() []spectro.Modality {
	if g.members != nil {
		return bundleModalities(g.members)
	}
	if len(g.hp.modalities) > 0 {
		return slices.Clone(g.hp.modalities)
	}
	return []spectro.Modality{g.hp.from, g.hp.to}
}

// compiled returns the direction's executors, building them the first time.
func (g *Generator) compiled() (*directionExecs, error) {
	if e := g.execs[g.dir]; e != nil {
		return e, nil
	}
	hp, d := g.hp, g.dir
	enc, err := context.NewExec(g.backend, g.ctx, func(ctx *context.Context, src, peaks *Node) (*Node, *Node) {
		if hp.inPeaks == 0 {
			peaks = nil
		}
		return Encode(ctx, hp, d.From, src, peaks)
	})
	if err != nil {
		return nil, err
	}
	dec, err := g.newDecoderExec(false)
	if err != nil {
		return nil, err
	}
	e := &directionExecs{enc: enc, dec: dec}
	g.execs[d] = e
	return e, nil
}

// newDecoderExec builds the direction's decoder. Its inputs: latent, anchors,
// mask and, with retrieval, the neighbours' targets and similarities (and
// sources and query with re-ranking). Its outputs: the spectra, the lines'
// centres, widths, heights and η, the factor [B, 1] the lines enter the
// spectra by, and with retrieval the mixture weights and the gate. With render
// false — what generation uses — the spectra leave the lines out for
// renderLines to draw (generation needs no gradient, and the pure-Go
// backend's broadcasts cost more than the rendering itself); with render
// true they are drawn in the graph, as in training, and the factor is 0.
func (g *Generator) newDecoderExec(render bool) (*context.Exec, error) {
	hp, d := g.hp, g.dir
	return context.NewExec(g.backend, g.ctx, func(ctx *context.Context, in []*Node) []*Node {
		var a *Anchors
		if hp.usesAnchors(d) {
			a = &Anchors{Centers: in[decAnchors], Mask: in[decAnchorMask]}
		}
		var query *Node // after the neighbours' targets, similarities and sources
		if hp.retrieves() && hp.rerank {
			query = in[decNeighbours+3]
		}
		ret := neighbourInputs(hp, in, decNeighbours, query) // Decode fills in the weights and the gate
		y, scale, l := decode(ctx, hp, in[decLatent], d.To, hp.n, a, ret, render)
		factor := shapes.Make(dtypes.Float32, y.Shape().Dimensions[0], 1)
		switch {
		case render:
			scale = Zeros(y.Graph(), factor)
		case scale == nil:
			scale = Ones(y.Graph(), factor)
		}
		out := []*Node{y, l.Centers, l.Widths, l.Heights, l.Eta, scale}
		if ret != nil {
			out = append(out, ret.Weights, ret.Gate)
		}
		return out
	})
}

// From is the source modality of the generator's direction.
func (g *Generator) From() spectro.Modality { return g.dir.From }

// To is the target modality.
func (g *Generator) To() spectro.Modality { return g.dir.To }

// Generated is a generated spectrum with its uncertainty and its lines.
type Generated struct {
	Mean         *spectro.Spectrum // decoded from the latent mean, on the target grid
	Lower, Upper []float64         // 5th and 95th percentiles over the latent samples
	// Expected is the average over the latent samples (the posterior predictive
	// mean; nil without samples): smoother than Mean where the source leaves the
	// target uncertain. Evaluation scores this one.
	Expected []float64
	Peaks    spectro.PeakTable // the decoder's lines for the mean (heights as rendered)
	Latent   []float32         // the latent mean
	// Neighbours are the library pairs a retrieval model drew on, most
	// similar first, with their similarities and the decoder's mixture
	// weights (nil otherwise); RetrievalGate (0–1) is how much of that
	// mixture went into the spectrum, the rest being the decoder's own lines.
	Neighbours    []retrieval.Neighbour
	RetrievalGate float64
	// Disagreement is, per point, the weighted standard deviation of the
	// neighbours' spectra (on the [0, 1] scale; nil without neighbours): how
	// much the library itself is unsure. The calibrated band widens with it.
	Disagreement []float64
	// Calibrated says Lower and Upper are the model's calibrated 90 % band
	// (model.json "band"); false: the latent samples' raw 5–95 % spread.
	Calibrated bool
}

// Generate translates source spectra (any grid; resampled here) to the target
// modality. samples latent draws give the band (0: no band); seed makes them
// repeatable.
func (g *Generator) Generate(srcs []*spectro.Spectrum, samples int, seed uint64) (out []Generated, err error) {
	defer catch(&err)
	ex, err := g.compiled()
	if err != nil {
		return nil, err
	}
	gs, gt := spectro.DefaultGrid(g.dir.From), spectro.DefaultGrid(g.dir.To)
	var flat, peaks, anchors, mask []float32
	ka := max(g.hp.inPeaks, 1)
	kin := ka * distrib.Fields
	ons := make([]*spectro.Spectrum, len(srcs))
	for i, s := range srcs {
		if s.Modality != g.dir.From {
			return nil, fmt.Errorf("%s is %s; this model translates %s", s.Name(), s.Modality, g.dir)
		}
		if ons[i], err = s.OnGrid(gs); err != nil {
			return nil, err
		}
	}
	var tables []spectro.PeakTable
	if g.hp.inPeaks > 0 {
		tables = features.Tables(ons, g.hp.inPeaks, g.fits)
	}
	for i, on := range ons {
		flat = append(flat, f32(on.Y)...)
		if g.hp.inPeaks > 0 {
			v, at, _, am := sourceFeatures(tables[i], gs, gt, g.hp.inPeaks)
			peaks, anchors, mask = append(peaks, v...), append(anchors, at...), append(mask, am...)
		} else {
			peaks, anchors, mask = append(peaks, make([]float32, kin)...), append(anchors, make([]float32, ka)...), append(mask, make([]float32, ka)...)
		}
	}
	n := len(srcs)
	res, err := ex.enc.Exec(tensors.FromFlatDataAndDimensions(flat, n, gs.N), tensors.FromFlatDataAndDimensions(peaks, n, kin))
	if err != nil {
		return nil, err
	}
	mu, logVar := tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1])
	zd := g.hp.zdim
	anchorT := func() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(anchors, n, ka) }
	maskT := func() *tensors.Tensor { return tensors.FromFlatDataAndDimensions(mask, n, ka) }
	// The neighbours are looked up and packed once; every decoding (the
	// latent mean, each latent sample) takes the same retrieval inputs.
	var nbrs [][]retrieval.Neighbour
	var retIn []*tensors.Tensor
	if g.Library != nil {
		nbrs = make([][]retrieval.Neighbour, n)
		parallelFor(n, func(i int) {
			nbrs[i] = g.Library.Nearest(flat[i*gs.N:(i+1)*gs.N], g.hp.retrievalK, g.hp.retrievalTau, nil)
		})
		retIn = NeighbourTensors(g.Library, nbrs, g.hp.retrievalK, gt.N, g.hp.rerank)
		if g.hp.rerank {
			retIn = append(retIn, tensors.FromFlatDataAndDimensions(flat, n, gs.N))
		}
	}
	decode := func(z []float32) ([]*tensors.Tensor, error) {
		in := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(z, n, zd), anchorT(), maskT()}
		return ex.dec.Exec(append(in, retIn...))
	}
	mean, err := decode(mu)
	if err != nil {
		return nil, err
	}
	ys, lines := decoded(mean, n, gt.N)
	var nbrWeights, gates []float32
	if nbrs != nil {
		nbrWeights, gates = tensors.MustCopyFlatData[float32](mean[6]), tensors.MustCopyFlatData[float32](mean[7])
	}
	out = make([]Generated, n)
	xs := gt.Points()
	K := len(lines[0]) / n // free lines, plus anchored ones when in use
	for i := range out {
		y := make([]float64, gt.N)
		for j := range y {
			y[j] = float64(ys[i*gt.N+j])
		}
		sp := &spectro.Spectrum{Modality: g.dir.To, X: xs, Y: y, Meta: srcs[i].Meta.Clone()}
		sp.Meta.Source = ""
		sp.Meta.Set("generated_from", srcs[i].Name())
		out[i].Mean = sp
		out[i].Latent = mu[i*zd : (i+1)*zd]
		if nbrs != nil {
			// Report what the decoder made of the neighbours (for the latent
			// mean): its learned mixture weights, and the gate on the mixture.
			k := g.hp.retrievalK
			out[i].Neighbours = slices.Clone(nbrs[i])
			for j := range out[i].Neighbours {
				out[i].Neighbours[j].Weight = float64(nbrWeights[i*k+j])
			}
			out[i].RetrievalGate = float64(gates[i])
		}
		span := gt.Stop - gt.Start
		for k := 0; k < K; k++ {
			p := spectro.Peak{Center: gt.Start + float64(lines[0][i*K+k])*span, FWHM: float64(lines[1][i*K+k]) * span,
				Height: float64(lines[2][i*K+k]), Eta: float64(lines[3][i*K+k])}
			if p.Height > 1e-3 { // gated-off anchored lines are not lines
				out[i].Peaks = append(out[i].Peaks, p)
			}
		}
		out[i].Peaks.SortByCenter()
	}
	if samples <= 0 {
		return out, nil
	}
	// Uncertainty: decode z = μ + σ·ε for `samples` draws per spectrum.
	rng := rand.New(rand.NewPCG(seed, 0xba4d))
	draws := make([][]float32, n) // per spectrum: samples × N
	z := make([]float32, n*zd)
	for s := 0; s < samples; s++ {
		for i := range z {
			z[i] = mu[i] + float32(math.Exp(0.5*float64(logVar[i]))*rng.NormFloat64())
		}
		r, err := decode(z)
		if err != nil {
			return nil, err
		}
		y, _ := decoded(r, n, gt.N)
		for i := 0; i < n; i++ {
			draws[i] = append(draws[i], y[i*gt.N:(i+1)*gt.N]...)
		}
	}
	col := make([]float64, samples)
	for i := 0; i < n; i++ {
		out[i].Lower, out[i].Upper, out[i].Expected = make([]float64, gt.N), make([]float64, gt.N), make([]float64, gt.N)
		for j := 0; j < gt.N; j++ {
			for s := 0; s < samples; s++ {
				col[s] = float64(draws[i][s*gt.N+j])
			}
			sort.Float64s(col)
			out[i].Lower[j], out[i].Upper[j] = percentile(col, 0.05), percentile(col, 0.95)
			out[i].Expected[j] = floats.Sum(col) / float64(samples)
		}
		if nbrs != nil {
			out[i].Disagreement = disagreement(g.Library, out[i].Neighbours, gt.N)
		}
		if g.Info != nil && g.Info.Band != nil {
			g.Info.Band.apply(&out[i])
		}
	}
	return out, nil
}

// decoded is the spectra [n·N] and the lines (centres, widths, heights, η;
// each [n·K]) of a decoder run: its partial spectra with the lines rendered
// in, times their factor.
func decoded(res []*tensors.Tensor, n, N int) (ys []float32, lines [][]float32) {
	ys = tensors.MustCopyFlatData[float32](res[0])
	lines = make([][]float32, 4)
	for k := range lines {
		lines[k] = tensors.MustCopyFlatData[float32](res[1+k])
	}
	scale := tensors.MustCopyFlatData[float32](res[5])
	K := len(lines[0]) / n
	parallelFor(n, func(i int) {
		renderLines(ys[i*N:(i+1)*N], scale[i], lines[0][i*K:(i+1)*K], lines[1][i*K:(i+1)*K], lines[2][i*K:(i+1)*K], lines[3][i*K:(i+1)*K])
	})
	return ys, lines
}

// renderLines adds scale × Render's sum of pseudo-Voigt lines (centres c,
// FWHMs w on the axis u ∈ [0, 1] of len(y) points, heights h, Lorentzian
// fractions eta) to y: the same profile in float64, for generation. A
// Gaussian beyond ten half widths (below e⁻⁶⁹ of its height) is left out,
// the Lorentzians' tails are not.
func renderLines(y []float32, scale float32, c, w, h, eta []float32) {
	N := len(y)
	acc := make([]float64, N)
	step := 1 / float64(N-1)
	for k := range c {
		if h[k] == 0 {
			continue
		}
		ck, s := float64(c[k]), 2/float64(w[k])
		hl, hg := float64(h[k])*float64(eta[k]), float64(h[k])*(1-float64(eta[k]))
		for j := range acc {
			d := (float64(j)*step - ck) * s
			d2 := d * d
			v := hl / (1 + d2)
			if d2 < 100 {
				v += hg * math.Exp(-math.Ln2*d2)
			}
			acc[j] += v
		}
	}
	for j, v := range acc {
		y[j] += float32(float64(scale) * v)
	}
}

func percentile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	t := pos - float64(i)
	return sorted[i]*(1-t) + sorted[i+1]*t
}

// Scaled returns the generated spectrum and band min-max scaled by the
// spectrum's own range — the form the evaluation protocol compares with a
// measured spectrum (itself scaled to [0, 1]). The spectrum is the average over
// the latent samples when there are samples (what evaluation scores, and the
// centre of the band), else the one decoded from the latent mean.
func (g Generated) Scaled() (mean *spectro.Spectrum, lower, upper []float64) {
	y := g.Mean.Y
	if g.Expected != nil {
		y = g.Expected
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	scale := 1.0
	if hi > lo {
		scale = 1 / (hi - lo)
	}
	f := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = (x - lo) * scale
		}
		return out
	}
	mean = g.Mean.Clone()
	mean.Y = f(y)
	return mean, f(g.Lower), f(g.Upper)
}
