package model

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph code reads best unqualified, as in its examples
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/metrics"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers/cosineschedule"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// hparams is the context's hyperparameters, read once per graph.
type hparams struct {
	from, to              spectro.Modality
	prior                 Prior
	k, inPeaks            int
	hidden, hidden2, zdim int
	residual              bool
	baseline              int  // Bernstein basis functions of the background (0: none)
	template              bool // add a gated copy of the mean training target
	klWeight, klWarmup    float64
	pearsonW, peakW       float64
	selfW, dropout        float64
	n                     int
	anchors               bool               // anchored lines wanted (used where both modalities share the cm⁻¹ axis)
	dense                 bool               // the plain dense decoder (ablation)
	modalities            []spectro.Modality // multi-modal model's modalities (nil: one direction)
	autoencode            bool
	alignW                float64
	retrievalK            int     // neighbours the decoder sees (0: no retrieval)
	retrievalTau          float64 // softmax temperature of their similarities
	newSpecies            float64 // share of training examples retrieving without their species
	rerank                bool    // learned re-ranking of the neighbours by their sources
	retrievalLatent       bool    // mixture weights and gate read the latent too (else the similarities only)
	retrievalBlend        bool    // gate·mixture + (1−gate)·lines, instead of lines + gate·mixture
	learnedDims           int     // principal components of the library's learned comparison space (0: fixed cosine only)
	learnedWeight         float64 // the learned space's share of the similarity
}

// retrieves reports whether the model conditions on retrieved neighbours.
func (hp hparams) retrieves() bool { return hp.retrievalK > 0 }

// usesAnchors reports whether direction d's decoder emits anchored lines.
func (hp hparams) usesAnchors(d Direction) bool { return hp.anchors && SharedAxis(d.From, d.To) }

// aligned reports whether training uses the latent alignment term (a
// multi-modal model with align_weight > 0): batches then carry the target as an input too.
func (hp hparams) aligned() bool { return hp.alignW > 0 && len(hp.modalities) > 0 }

// aligns reports whether direction d's batches get the alignment term.
func (hp hparams) aligns(d Direction) bool { return hp.aligned() && d.From != d.To }

// main is the model's primary direction (from → to): the one it was asked for.
func (hp hparams) main() Direction { return Direction{hp.from, hp.to} }

// directions lists what the model trains: from → to alone, or for a
// multi-modal model every ordered pair of its modalities (with the
// self-reconstructions when autoencode is on), the primary direction first.
func (hp hparams) directions() []Direction {
	if len(hp.modalities) == 0 {
		return []Direction{hp.main()}
	}
	out := []Direction{hp.main()}
	for _, a := range hp.modalities {
		for _, b := range hp.modalities {
			d := Direction{a, b}
			if d == hp.main() || (a == b && !hp.autoencode) {
				continue
			}
			out = append(out, d)
		}
	}
	return out
}

// knows reports whether the model has an encoder for d.From and a decoder for d.To.
func (hp hparams) knows(d Direction) bool {
	if len(hp.modalities) == 0 {
		return d == hp.main()
	}
	return slices.Contains(hp.modalities, d.From) && slices.Contains(hp.modalities, d.To)
}

func readHParams(ctx *context.Context) (hparams, error) {
	if err := CheckParams(ctx); err != nil {
		return hparams{}, err
	}
	from, err := spectro.ParseModality(Param[string](ctx, ParamFrom))
	if err != nil {
		return hparams{}, err
	}
	to, err := spectro.ParseModality(Param[string](ctx, ParamTo))
	if err != nil {
		return hparams{}, err
	}
	mods, err := ParseModalities(Param[string](ctx, ParamModalities))
	if err != nil {
		return hparams{}, err
	}
	if len(mods) > 0 && (!slices.Contains(mods, from) || !slices.Contains(mods, to)) {
		return hparams{}, fmt.Errorf("hyperparameter %s=%v must include the direction %s → %s", ParamModalities, mods, from, to)
	}
	prior, err := ParsePrior(Param[string](ctx, ParamPrior))
	if err != nil {
		return hparams{}, err
	}
	peaks, decoder := Param[int](ctx, ParamInPeaks), Param[string](ctx, ParamDecoder)
	retrievalK := Param[int](ctx, ParamRetrieval)
	return hparams{
		from: from, to: to, prior: prior,
		k: Param[int](ctx, ParamPeaks), inPeaks: peaks,
		hidden: Param[int](ctx, ParamHidden), hidden2: Param[int](ctx, ParamHidden2),
		zdim: Param[int](ctx, ParamLatent), residual: Param[bool](ctx, ParamResidual),
		baseline: Param[int](ctx, ParamBaseline), template: Param[bool](ctx, ParamTemplate),
		klWeight: Param[float64](ctx, ParamKLWeight), klWarmup: Param[float64](ctx, ParamKLWarmup),
		pearsonW: Param[float64](ctx, ParamPearsonWeight), peakW: Param[float64](ctx, ParamPeakWeight),
		selfW: Param[float64](ctx, ParamSelfWeight), dropout: Param[float64](ctx, ParamDropout),
		n:          Param[int](ctx, ParamGridPoints),
		anchors:    Param[bool](ctx, ParamAnchors) && peaks > 0 && decoder == "physics",
		dense:      decoder == "dense",
		modalities: mods, autoencode: Param[bool](ctx, ParamAutoencode),
		alignW:     Param[float64](ctx, ParamAlignWeight),
		retrievalK: retrievalK, retrievalTau: Param[float64](ctx, ParamRetrievalTau),
		newSpecies:      Param[float64](ctx, ParamRetrievalNewSpecies),
		rerank:          retrievalK > 0 && Param[bool](ctx, ParamRerank),
		retrievalLatent: Param[bool](ctx, ParamRetrievalLatent),
		retrievalBlend:  Param[bool](ctx, ParamRetrievalBlend),
		learnedDims:     Param[int](ctx, ParamRetrievalLearned),
		learnedWeight:   Param[float64](ctx, ParamRetrievalLearnedWeight),
	}, nil
}

func cst(g *Graph, v float64) *Node { return ConstAsDType(g, dtypes.Float32, v) }

// Encode maps a source spectrum of modality m [B, N] and its peak vector
// [B, in_peaks·5] (nil when in_peaks is 0) to the latent mean and log-variance [B, latent].
func Encode(ctx *context.Context, hp hparams, m spectro.Modality, src, srcPeaks *Node) (mu, logVar *Node) {
	g := src.Graph()
	c := ctx.In("encoder").In(string(m))
	h := layers.Dense(c.In("spectrum"), src, true, hp.hidden)
	if srcPeaks != nil && hp.inPeaks > 0 {
		h = Add(h, layers.Dense(c.In("peaks"), srcPeaks, false, hp.hidden))
	}
	h = layers.LayerNormalization(c.In("norm"), h, -1).Done()
	h = activations.Swish(h)
	if hp.dropout > 0 {
		h = layers.Dropout(c, h, cst(g, hp.dropout))
	}
	h = activations.Swish(layers.Dense(c.In("hidden2"), h, true, hp.hidden2))
	mu = layers.Dense(c.In("mu"), h, true, hp.zdim)
	logVar = ClipScalar(layers.Dense(c.In("logvar"), h, true, hp.zdim), -8, 4)
	return mu, logVar
}

// Lines are the decoder's broadened lines, on the normalised axis u ∈ [0, 1] of
// the target grid: centres, FWHMs (in u), heights and Lorentzian fractions, [B, K].
type Lines struct {
	Centers, Widths, Heights, Eta *Node
}

// widthRange bounds the decoded FWHM: from one grid step to 15% of the range.
func widthRange(n int) (lo, hi float64) { return math.Log(1.0 / float64(n-1)), math.Log(0.15) }

// SharedAxis reports whether two modalities measure the same quantity on x —
// infrared and Raman both see vibrational modes at their wavenumber — so a
// source line's position is a candidate target line position.
func SharedAxis(a, b spectro.Modality) bool { return a != spectro.XRD && b != spectro.XRD }

// Anchors are candidate target line positions taken from the source's fitted
// peaks ([B, in_peaks], normalised on the target axis) and which are real ([B, in_peaks]: 1 or 0).
type Anchors struct {
	Centers, Mask *Node
}

// Retrieved are the neighbours a retrieval-augmented decoder sees: the
// targets of the k library pairs nearest to the source [B, k, n] and the
// cosine similarities of their sources [B, k], most similar first. Decode
// fills in what it made of them: the mixture weights [B, k] and the gate
// [B, 1] on the mixture.
type Retrieved struct {
	Targets, Sims *Node
	// Query [B, ns] and Sources [B, k, ns]: the source spectrum and the
	// neighbours' sources, for the learned re-ranking (nil without it).
	Query, Sources *Node
	Weights, Gate  *Node
}

// neighbourInputs reads the neighbour inputs NeighbourTensors packs —
// targets, similarities and, with re-ranking, the neighbours' sources — from
// in at position at; query is the source spectrum they were found for. Nil
// for a model without retrieval. Training and generation both read them so.
func neighbourInputs(hp hparams, in []*Node, at int, query *Node) *Retrieved {
	if !hp.retrieves() {
		return nil
	}
	r := &Retrieved{Targets: in[at], Sims: in[at+1]}
	if hp.rerank {
		r.Sources, r.Query = in[at+2], query
	}
	return r
}

// The inputs of a training batch, in the order Dataset.tensors packs them
// and modelFn reads them. After inAnchorsSource come either the target and
// its peak vector (inTarget, inTargetPeaks: multi-modal models aligning the
// latents) or the neighbours (from inNeighbours: retrieval models); a model
// is never both.
const (
	inSource        = iota // [B, ns]
	inSourcePeaks          // [B, in_peaks·5] (zeros when in_peaks is 0)
	inAnchorsTarget        // [B, ka]: the source's peak positions on the target axis
	inAnchorMask           // [B, ka]: which slots hold a peak inside the target range
	inAnchorsSource        // [B, ka]: the same positions on the source axis (self-reconstruction)
	inTarget               // [B, nt]
	inTargetPeaks          // [B, in_peaks·5]
	inNeighbours    = inTarget
)

// The inputs of the generation decoder (Generator.newDecoderExec): the
// latent, the anchors and their mask, then the neighbours (retrieval models;
// with re-ranking the query spectrum after them).
const (
	decLatent = iota
	decAnchors
	decAnchorMask
	decNeighbours
)

// rerankDim is the size of the learned comparison embedding.
const rerankDim = 64

// rerank scores each neighbour by a learned comparison of its source with
// the query's: the cosine of a linear embedding (one shared for the query and
// the neighbours, learned through the mixture's loss), times a learned scale, [B, k].
func rerank(c *context.Context, ret *Retrieved) *Node {
	g := ret.Query.Graph()
	dims := ret.Sources.Shape().Dimensions
	b, k, ns := dims[0], dims[1], dims[2]
	// One weight matrix for the query and the neighbours, applied as two
	// rank-2 products (the fast gradient path; slicing one product apart would
	// need the Pad op the pure-Go backend lacks).
	w := c.In("rerank_embed").VariableWithShape("weights", shapes.Make(dtypes.Float32, ns, rerankDim)).ValueGraph(g)
	unit := func(e *Node) *Node { return Div(e, Sqrt(Add(ReduceAndKeep(Square(e), ReduceSum, -1), cst(g, 1e-8)))) }
	q := unit(Dot(ret.Query, w))                                                // [B, d]
	nb := unit(Reshape(Dot(Reshape(ret.Sources, b*k, ns), w), b, k, rerankDim)) // [B, k, d]
	cos := ReduceSum(Mul(InsertAxes(q, 1), nb), -1)                             // [B, k]
	scale := c.VariableWithValue("rerank_scale", float32(5)).ValueGraph(g)
	return Mul(scale, cos)
}

// Decode maps latent vectors [B, latent] to a spectrum of modality m on its
// n-point grid [B, n], rendered from K lines of the prior's shape (plus, with
// anchors, one gated line at each anchor, and with retrieved neighbours a
// gated, learned mixture of their spectra), and returns the lines.
func Decode(ctx *context.Context, hp hparams, z *Node, m spectro.Modality, n int, anchors *Anchors, ret *Retrieved) (*Node, Lines) {
	y, _, lines := decode(ctx, hp, z, m, n, anchors, ret, true)
	return y, lines
}

// decode is Decode; with render false the lines are left out of y and
// returned for the caller to render (generation does it outside the graph,
// where no gradient is needed: see renderLines), with the factor [B, 1] they
// enter y by (nil: 1). y is then the rest: background, template, mixture.
func decode(ctx *context.Context, hp hparams, z *Node, m spectro.Modality, n int, anchors *Anchors, ret *Retrieved, render bool) (y, lineScale *Node, lines Lines) {
	g := z.Graph()
	// add is y + t, where a nil y (no line rendered yet) is zero.
	add := func(y, t *Node) *Node {
		if y == nil {
			return t
		}
		return Add(y, t)
	}
	c := ctx.In("decoder").In(string(m))
	pre := layers.Dense(c.In("hidden1"), z, true, hp.hidden2)
	var fixedMix *Node
	if ret != nil {
		// The decoder knows what the neighbours look like (their mixture at
		// the fixed temperature) and how alike they are, so its lines can add
		// what the neighbours lack.
		fixedMix = ReduceSum(Mul(InsertAxes(Softmax(Div(ret.Sims, cst(g, hp.retrievalTau)), -1), -1), ret.Targets), 1)
		pre = Add(pre, layers.Dense(c.In("retrieved"), fixedMix, false, hp.hidden2))
		pre = Add(pre, layers.Dense(c.In("similarities"), ret.Sims, false, hp.hidden2))
	}
	h := activations.Swish(pre)
	h = activations.Swish(layers.Dense(c.In("hidden2"), h, true, hp.hidden))
	if hp.dense {
		// Ablation: no physics, a dense layer straight to the grid. Its "lines"
		// are empty (K of height 0), so the rest of the code is unchanged.
		y := Sigmoid(layers.Dense(c.In("dense_out"), h, true, n))
		zero := ZerosLike(layers.Dense(c.In("dense_lines"), h, false, hp.k))
		return y, nil, Lines{Centers: zero, Widths: OnesLike(zero), Heights: zero, Eta: zero}
	}
	// Centres start spread evenly over the axis (a fixed offset of the logits),
	// so the K lines do not begin on top of each other.
	spread := make([]float32, hp.k)
	for i := range spread {
		p := (float64(i) + 0.5) / float64(hp.k)
		spread[i] = float32(math.Log(p / (1 - p)))
	}
	lines.Centers = Sigmoid(Add(layers.Dense(c.In("centers"), h, true, hp.k), Const(g, [][]float32{spread})))
	lo, hi := widthRange(n)
	widthN := func(name string, k int) *Node {
		return Exp(Add(cst(g, lo), Mul(cst(g, hi-lo), Sigmoid(layers.Dense(c.In(name), h, true, k)))))
	}
	width := func(name string) *Node { return widthN(name, hp.k) }
	lines.Heights = Sigmoid(Add(layers.Dense(c.In("heights"), h, true, hp.k), cst(g, -2)))
	switch hp.prior {
	case Gauss:
		lines.Widths, lines.Eta = width("widths"), ZerosLike(lines.Centers)
	case Lorentz:
		lines.Widths, lines.Eta = width("widths"), OnesLike(lines.Centers)
	case PseudoVoigt:
		lines.Widths = width("widths")
		lines.Eta = Sigmoid(layers.Dense(c.In("eta"), h, true, hp.k))
	case TCH:
		// Gaussian and Lorentzian widths combined by Thompson–Cox–Hastings: a
		// pseudo-Voigt within ~1% of the exact Voigt profile, and differentiable.
		lines.Widths, lines.Eta = tch(width("widths_g"), width("widths_l"))
	}
	if render {
		y = Render(lines, n)
	}
	if anchors != nil {
		// A mode keeps its wavenumber across IR and Raman; its activity differs:
		// the network decides each anchored line's height (0 to drop it), width,
		// shape and a small shift (±1% of the axis, for band maxima vs. line centres).
		ka := anchors.Centers.Shape().Dimensions[1]
		var al Lines
		al.Centers = Add(anchors.Centers, Mul(cst(g, 0.01), Tanh(layers.Dense(c.In("anchor_shift"), h, true, ka))))
		al.Heights = Mul(Sigmoid(Add(layers.Dense(c.In("anchor_heights"), h, true, ka), cst(g, -1))), anchors.Mask)
		al.Widths = widthN("anchor_widths", ka)
		switch hp.prior {
		case Gauss:
			al.Eta = ZerosLike(al.Centers)
		case Lorentz:
			al.Eta = OnesLike(al.Centers)
		case PseudoVoigt:
			al.Eta = Sigmoid(layers.Dense(c.In("anchor_eta"), h, true, ka))
		case TCH:
			al.Widths, al.Eta = tch(widthN("anchor_widths_g", ka), widthN("anchor_widths_l", ka))
		}
		if render {
			y = Add(y, Render(al, n))
		}
		lines = Lines{
			Centers: Concatenate([]*Node{lines.Centers, al.Centers}, -1), Widths: Concatenate([]*Node{lines.Widths, al.Widths}, -1),
			Heights: Concatenate([]*Node{lines.Heights, al.Heights}, -1), Eta: Concatenate([]*Node{lines.Eta, al.Eta}, -1),
		}
	}
	if hp.baseline > 0 {
		// A smooth background (fluorescence, air scatter, an amorphous hump) is
		// not a line: its weights on a Bernstein basis are non-negative, so it
		// is a non-negative, smooth curve with at most baseline−1 turns.
		w := Mul(cst(g, 0.5), Sigmoid(Add(layers.Dense(c.In("baseline"), h, true, hp.baseline), cst(g, -3))))
		y = add(y, Dot(w, Const(g, bernstein(hp.baseline, n))))
	}
	if hp.template {
		// What every target of the training set shares (a background, the
		// lines common to a family) is in their mean: the decoder may add it,
		// gated per sample, and spend its lines on what is specific.
		t := TemplateVar(ctx, m, n).ValueGraph(g)
		gate := Sigmoid(Add(layers.Dense(c.In("template_gate"), h, true, 1), cst(g, -1)))
		y = add(y, Mul(gate, InsertAxes(t, 0)))
	}
	if ret != nil {
		// Retrieval: a mixture of the neighbours' spectra. Its weights start as
		// the softmax of similarity/τ (the k-NN average) and the decoder learns a
		// correction from the latent and the similarities; a gate, starting
		// open, decides how much of the mixture to use (little where the
		// neighbours are far: a species the library lacks).
		feat := ret.Sims
		if hp.retrievalLatent {
			feat = Concatenate([]*Node{h, ret.Sims}, -1)
		}
		logits := Add(Div(ret.Sims, cst(g, hp.retrievalTau)), layers.Dense(c.In("retrieval_logits"), feat, true, hp.retrievalK))
		if ret.Sources != nil {
			logits = Add(logits, rerank(c, ret))
		}
		w := Softmax(logits, -1)
		mix := ReduceSum(Mul(InsertAxes(w, -1), ret.Targets), 1)
		gate := Sigmoid(Add(layers.Dense(c.In("retrieval_gate"), feat, true, 1), cst(g, 1)))
		if hp.residual {
			y = add(y, Mul(cst(g, 0.1), Tanh(layers.Dense(c.In("residual"), h, true, n))))
		}
		if hp.retrievalBlend {
			// The gate shares the spectrum between the neighbours' mixture and
			// the decoder's own lines: near neighbours speak for themselves,
			// far ones leave it to the physics decoder.
			if y != nil {
				y = Add(Mul(gate, mix), Mul(OneMinus(gate), y))
			} else {
				y = Mul(gate, mix)
			}
			lineScale = OneMinus(gate)
		} else {
			y = add(y, Mul(gate, mix))
		}
		ret.Weights, ret.Gate = w, gate
		return y, lineScale, lines
	}
	if hp.residual {
		y = add(y, Mul(cst(g, 0.1), Tanh(layers.Dense(c.In("residual"), h, true, n))))
	}
	if y == nil { // lines alone, left to the caller
		y = Zeros(g, shapes.Make(dtypes.Float32, z.Shape().Dimensions[0], n))
	}
	return y, lineScale, lines
}

// TemplateVar is the mean training target of modality m on its n-point grid:
// a non-trainable variable, set before training and saved with the model.
func TemplateVar(ctx *context.Context, m spectro.Modality, n int) *context.Variable {
	return ctx.In("decoder").In(string(m)).Checked(false).VariableWithShape("template", shapes.Make(dtypes.Float32, n)).SetTrainable(false)
}

// bernstein returns the k Bernstein basis polynomials of degree k−1 on n
// points of [0, 1], [k, n].
func bernstein(k, n int) [][]float32 {
	out := make([][]float32, k)
	deg := k - 1
	for j := range out {
		out[j] = make([]float32, n)
		binom := 1.0
		for i := 1; i <= j; i++ {
			binom = binom * float64(deg-i+1) / float64(i)
		}
		for i := range out[j] {
			u := float64(i) / float64(n-1)
			out[j][i] = float32(binom * math.Pow(u, float64(j)) * math.Pow(1-u, float64(deg-j)))
		}
	}
	return out
}

// tch returns the TCH pseudo-Voigt FWHM and η for Gaussian and Lorentzian FWHMs.
func tch(fG, fL *Node) (f, eta *Node) {
	g := fG.Graph()
	p := func(x *Node, k float64) *Node { return Pow(x, cst(g, k)) }
	sum := Add(p(fG, 5), Mul(cst(g, 2.69269), Mul(p(fG, 4), fL)))
	sum = Add(sum, Mul(cst(g, 2.42843), Mul(p(fG, 3), p(fL, 2))))
	sum = Add(sum, Mul(cst(g, 4.47163), Mul(p(fG, 2), p(fL, 3))))
	sum = Add(sum, Mul(cst(g, 0.07842), Mul(fG, p(fL, 4))))
	sum = Add(sum, p(fL, 5))
	f = p(sum, 0.2)
	r := Div(fL, f)
	eta = Add(Sub(Mul(cst(g, 1.36603), r), Mul(cst(g, 0.47719), Square(r))), Mul(cst(g, 0.11116), Mul(r, Square(r))))
	return f, ClipScalar(eta, 0, 1)
}

// Render sums the lines' pseudo-Voigt profiles (η·Lorentzian + (1−η)·Gaussian of
// one FWHM, unit height) times their heights on the n-point axis u ∈ [0, 1]:
// a differentiable [B, n] spectrum.
//
// Every elementwise operation here works on operands of one shape [B, K, n]:
// the pure-Go backend computes an operation between a [B, K, 1] and a
// [B, K, n] operand through two per-element index iterators, while one
// explicit broadcast per parameter needs one.
func Render(l Lines, n int) *Node {
	g := l.Centers.Graph()
	b, k := l.Centers.Shape().Dimensions[0], l.Centers.Shape().Dimensions[1]
	u := make([]float32, n)
	for i := range u {
		u[i] = float32(i) / float32(n-1)
	}
	// spread turns [B, K] into [B, K, n], constant along the last axis.
	spread := func(x *Node) *Node { return BroadcastToDims(InsertAxes(x, -1), b, k, n) }
	grid := BroadcastToDims(Reshape(Const(g, u), 1, 1, n), b, k, n)
	d := Mul(Sub(grid, spread(l.Centers)), spread(Div(cst(g, 2), l.Widths))) // distance in half widths, [B, K, n]
	d2 := Square(d)
	lorentz := Inverse(OnePlus(d2))
	gauss := Exp(Mul(d2, cst(g, -math.Ln2)))
	profile := Add(gauss, Mul(spread(l.Eta), Sub(lorentz, gauss))) // η·L + (1−η)·G
	return ReduceSum(Mul(spread(l.Heights), profile), 1)
}

// reconstruction is the per-example loss between generated and target
// spectra [B, n]: mean squared error + w·(1 − Pearson r).
func reconstruction(gen, tgt *Node, pearsonW float64) *Node {
	g := gen.Graph()
	mse := ReduceMean(Square(Sub(gen, tgt)), 1)
	if pearsonW == 0 {
		return mse
	}
	return Add(mse, Mul(cst(g, pearsonW), OneMinus(Pearson(gen, tgt))))
}

// Pearson is the correlation of each row of a and b, [B].
func Pearson(a, b *Node) *Node {
	g := a.Graph()
	ac := Sub(a, ReduceAndKeep(a, ReduceMean, 1))
	bc := Sub(b, ReduceAndKeep(b, ReduceMean, 1))
	num := ReduceSum(Mul(ac, bc), 1)
	den := Sqrt(Add(Mul(ReduceSum(Square(ac), 1), ReduceSum(Square(bc), 1)), cst(g, 1e-8)))
	return Div(num, den)
}

// chamfer is the peak-table term: for each target line (weighted by its height),
// the squared distance to the nearest generated centre, [B].
func chamfer(genCenters, tgtCenters, tgtWeights *Node) *Node {
	g := genCenters.Graph()
	d2 := Square(Sub(InsertAxes(tgtCenters, -1), InsertAxes(genCenters, 1))) // [B, Kt, K]
	nearest := ReduceMin(d2, -1)                                             // [B, Kt]
	return Div(ReduceSum(Mul(nearest, tgtWeights), 1), Add(ReduceSum(tgtWeights, 1), cst(g, 1e-6)))
}

// klWeight is β at the current global step: linear warm-up to the final weight.
func klWeight(ctx *context.Context, g *Graph, hp hparams) *Node {
	if hp.klWarmup <= 0 {
		return cst(g, hp.klWeight)
	}
	step := ConvertDType(optimizers.GetGlobalStepVar(ctx).ValueGraph(g), dtypes.Float32)
	return Mul(cst(g, hp.klWeight), MinScalar(Div(step, cst(g, hp.klWarmup)), 1))
}

// modelFn is the training graph: inputs [source spectrum, source peak vector,
// anchors on the target axis, anchor mask, anchors on the source axis, and
// with alignment the target spectrum and its peak vector, or with retrieval
// the neighbours' targets and similarities],
// predictions [generated target, generated centres]. spec is the batch's
// Direction (nil: the primary one): it picks the encoder and the decoder. The
// KL term and the self-reconstruction of the source are added as extra losses.
func modelFn(ctx *context.Context, spec any, inputs []*Node) []*Node {
	hp, err := readHParams(ctx)
	if err != nil {
		panic(err)
	}
	d := hp.main()
	if s, ok := spec.(Direction); ok {
		d = s
	}
	src := inputs[inSource]
	var srcPeaks *Node
	if hp.inPeaks > 0 {
		srcPeaks = inputs[inSourcePeaks]
	}
	g := src.Graph()
	cosineschedule.New(ctx, g, dtypes.Float32).FromContext().Done() // the learning rate's schedule, if one is set
	mu, logVar := Encode(ctx, hp, d.From, src, srcPeaks)
	z := mu
	if ctx.IsTraining(g) {
		eps := ctx.RandomNormal(g, mu.Shape())
		z = Add(mu, Mul(Exp(Mul(cst(g, 0.5), logVar)), eps))
	}
	kl := Mul(cst(g, -0.5), ReduceSum(Sub(Sub(OnePlus(logVar), Square(mu)), Exp(logVar)), 1))
	train.AddLoss(ctx, Mul(klWeight(ctx, g, hp), ReduceAllMean(kl)))
	if hp.aligns(d) {
		// The target's own encoder should put the sample where the source's did.
		var tgtPeaks *Node
		if hp.inPeaks > 0 {
			tgtPeaks = inputs[inTargetPeaks]
		}
		muT, _ := Encode(ctx, hp, d.To, inputs[inTarget], tgtPeaks)
		train.AddLoss(ctx, Mul(cst(g, hp.alignW), ReduceAllMean(Square(Sub(mu, muT)))))
	}
	var anchors *Anchors
	if hp.usesAnchors(d) {
		anchors = &Anchors{Centers: inputs[inAnchorsTarget], Mask: inputs[inAnchorMask]}
	}
	gen, lines := Decode(ctx, hp, z, d.To, hp.n, anchors, neighbourInputs(hp, inputs, inNeighbours, src))
	if hp.selfW > 0 && d.From != d.To {
		var selfAnchors *Anchors
		if hp.usesAnchors(Direction{d.From, d.From}) {
			selfAnchors = &Anchors{Centers: inputs[inAnchorsSource], Mask: inputs[inAnchorMask]}
		}
		self, _ := Decode(ctx, hp, z, d.From, src.Shape().Dimensions[1], selfAnchors, nil)
		train.AddLoss(ctx, Mul(cst(g, hp.selfW), ReduceAllMean(reconstruction(self, src, hp.pearsonW))))
	}
	return []*Node{gen, lines.Centers, kl} // kl [B]: for the loss terms' metric (termMetrics)
}

// termMetrics are the validation metrics behind Summary.History: the loss's
// reconstruction, peak-table and KL terms, each unweighted, means over the
// validation pairs (predictions as modelFn returns them, labels as lossFn
// reads them).
func termMetrics(hp hparams) []metrics.Interface {
	mean := func(name string, f func(labels, predictions []*Node) *Node) metrics.Interface {
		return metrics.NewMeanMetric(name, name, "loss term", func(_ *context.Context, labels, predictions []*Node) *Node {
			return ReduceAllMean(f(labels, predictions))
		}, nil)
	}
	return []metrics.Interface{
		mean("reconstruction", func(l, p []*Node) *Node { return reconstruction(p[0], l[0], hp.pearsonW) }),
		mean("peak term", func(l, p []*Node) *Node { return chamfer(p[1], l[1], l[2]) }),
		mean("kl", func(_, p []*Node) *Node { return p[2] }),
	}
}

// beta is the KL weight at a step: linear warm-up to kl_weight (klWeight's rule).
func (hp hparams) beta(step int) float64 {
	if hp.klWarmup <= 0 {
		return hp.klWeight
	}
	return hp.klWeight * math.Min(float64(step)/hp.klWarmup, 1)
}

// lossFn is the target's reconstruction plus the peak-table term.
// labels: [target spectrum, target centres, target weights].
func lossFn(ctx *context.Context) func(labels, predictions []*Node) *Node {
	hp, err := readHParams(ctx)
	if err != nil {
		panic(err)
	}
	return func(labels, predictions []*Node) *Node {
		g := labels[0].Graph()
		loss := reconstruction(predictions[0], labels[0], hp.pearsonW)
		if hp.peakW > 0 {
			loss = Add(loss, Mul(cst(g, hp.peakW), chamfer(predictions[1], labels[1], labels[2])))
		}
		return ReduceAllMean(loss)
	}
}

// catch turns a panic from graph building (GoMLX reports errors by panicking)
// into the function's returned error.
func catch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("model: %w", e)
			return
		}
		*err = fmt.Errorf("model: %v", r)
	}
}
