package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers/cosineschedule"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Hyperparameter names (keys in the context).
const (
	ParamFrom            = "from"            // source modality
	ParamTo              = "to"              // target modality
	ParamPrior           = "prior"           // line shape of the decoder (a Prior: gauss, lorentz, pvoigt, tch)
	ParamPeaks           = "peaks"           // K: lines the decoder emits
	ParamInPeaks         = "in_peaks"        // slots of the source peak vector (0: the encoder sees the spectrum only)
	ParamHidden          = "hidden"          // width of the first hidden layers
	ParamHidden2         = "hidden2"         // width of the second hidden layers
	ParamLatent          = "latent_dim"      // latent dimensions
	ParamResidual        = "residual"        // add the small residual head
	ParamBaseline        = "baseline"        // smooth background: this many non-negative Bernstein polynomials (0: none)
	ParamTemplate        = "template"        // add a gated copy of the training targets' mean spectrum (the decoder's empirical background)
	ParamKLWeight        = "kl_weight"       // β, after warm-up
	ParamKLWarmup        = "kl_warmup_steps" // β grows linearly from 0 over these steps
	ParamPearsonWeight   = "pearson_weight"  // weight of 1 − Pearson r in the reconstruction loss
	ParamPeakWeight      = "peak_weight"     // weight of the peak-table (Chamfer) term
	ParamSelfWeight      = "self_weight"     // weight of the source self-reconstruction
	ParamBatchSize       = "batch_size"
	ParamSteps           = "train_steps"
	ParamDropout         = "dropout"
	ParamSeed            = "seed"
	ParamEvalEvery       = "eval_every"       // steps between validation losses
	ParamCheckpointEvery = "checkpoint_every" // steps between checkpoints
	ParamPatience        = "patience"         // evaluations without improvement before early stopping (0: never)
	ParamGridPoints      = "grid_points"
	ParamAnchors         = "anchors" // IR ↔ Raman: also emit lines at the source peak positions (same wavenumber, gated height)
	ParamDecoder         = "decoder" // "physics" (rendered lines) or "dense" (a plain dense layer to the grid: the ablation)
	// ParamModalities makes the model multi-modal: a comma-separated list of
	// modalities ("infrared,raman,xrd") sharing one latent space, each with its
	// own encoder and decoder; training covers every direction between them
	// that the data has pairs for. Empty: one direction, from → to.
	ParamModalities = "modalities"
	ParamAutoencode = "autoencode" // multi-modal: also train each modality to reconstruct itself (uses samples with one modality)
	// ParamAlignWeight pulls a pair's two latent means together (multi-modal:
	// the target is encoded by its own encoder too), so every encoder maps a
	// sample to one place in the shared latent space.
	ParamAlignWeight = "align_weight"
	// ParamRetrieval turns on retrieval-augmented generation with this many
	// neighbours (0: off): the decoder sees the targets of the k training
	// pairs whose sources are most like its own, with their similarities, and
	// learns how far to trust them.
	ParamRetrieval = "retrieval_k"
	// ParamRetrievalTau is the temperature of the neighbours' softmax weights
	// (on cosine similarity); the decoder learns a correction on top.
	ParamRetrievalTau = "retrieval_tau"
	// ParamRetrievalNewSpecies is the share of training examples whose
	// neighbours exclude their own species (all exclude their own sample), so
	// the model also learns what to do for a species the library lacks.
	ParamRetrievalNewSpecies = "retrieval_new_species"
	// ParamRerank adds a learned re-ranking of the neighbours: the decoder
	// compares their source spectra with the query's in an embedding it learns.
	ParamRerank = "retrieval_rerank"
	// ParamRetrievalLatent lets the mixture weights and their gate depend on
	// the latent as well as on the similarities (false: on the similarities only).
	ParamRetrievalLatent = "retrieval_latent"
	// ParamRetrievalBlend makes the gate share the spectrum between the
	// neighbours' mixture and the decoder's lines (gate·mix + (1−gate)·lines);
	// false adds the gated mixture to the lines.
	ParamRetrievalBlend = "retrieval_blend"
	// ParamRetrievalLearned makes the neighbour library learn a comparison
	// space from its pairs (CCA of sources against targets on this many
	// principal components; 0: the fixed cosine alone), mixed into the
	// similarity with ParamRetrievalLearnedWeight (see retrieval.Library.Learn).
	// A library of too few pairs to learn from (under 8) keeps the fixed cosine.
	ParamRetrievalLearned       = "retrieval_learned"
	ParamRetrievalLearnedWeight = "retrieval_learned_weight"
)

// Prior is the line shape the decoder draws its lines with.
type Prior string

// The decoder's line shapes.
const (
	Gauss       Prior = "gauss"
	Lorentz     Prior = "lorentz"
	PseudoVoigt Prior = "pvoigt" // a Gaussian–Lorentzian mix, its share learned per line
	// TCH is the Thompson–Cox–Hastings pseudo-Voigt: a Gaussian and a
	// Lorentzian width per line, combined into one profile within ~1% of the
	// exact Voigt (lineshape.Voigt, the Faddeeva profile, is that exact one).
	TCH Prior = "tch"
)

// Priors are the decoder line shapes, in the order the paper compares them.
var Priors = []Prior{Gauss, Lorentz, PseudoVoigt, TCH}

// legacyTCH is what models trained before the prior had its own name call
// TCH: their checkpoints and model.json say "voigt".
const legacyTCH = "voigt"

// ParsePrior reads a prior's name; "voigt", TCH's former name, still reads
// as TCH (saved models carry it).
func ParsePrior(s string) (Prior, error) {
	if s == legacyTCH {
		return TCH, nil
	}
	if p := Prior(s); slices.Contains(Priors, p) {
		return p, nil
	}
	return "", fmt.Errorf("prior %q: want one of %s", s, joinPriors(", "))
}

func joinPriors(sep string) string {
	names := make([]string, len(Priors))
	for i, p := range Priors {
		names[i] = string(p)
	}
	return strings.Join(names, sep)
}

// defaults is the one table of hyperparameters and their default values:
// CreateDefaultContext holds them all, and every reader falls back to them
// (Param), so no other default exists in the code. Why each value:
//   - the architecture (peaks … grid_points) is the paper's scale on a
//     1,024-point grid; "pvoigt" is the fastest prior that trains as well as
//     the others on the synthetic set (README, the prior ablation);
//   - the loss weights and β keep the KL term from collapsing the latent
//     before the lines are placed (warm-up) and reward peak positions as
//     well as the overall shape (Pearson, Chamfer);
//   - 1,500 steps of Adam at 1e-3 converge on the synthetic set (the real-data
//     recipe, RealDataRecipe, shortens and early-stops them);
//   - retrieval is off by default (the synthetic set has no neighbours worth
//     drawing on); the recipe turns it on for real minerals.
var defaults = map[string]any{
	ParamFrom: "infrared", ParamTo: "raman", ParamPrior: string(PseudoVoigt),
	ParamPeaks: 24, ParamInPeaks: 16, ParamHidden: 256, ParamHidden2: 128, ParamLatent: 32,
	ParamResidual: true, ParamBaseline: 0, ParamTemplate: true, ParamKLWeight: 1e-3, ParamKLWarmup: 400,
	ParamPearsonWeight: 0.5, ParamPeakWeight: 0.1, ParamSelfWeight: 0.0,
	ParamBatchSize: 32, ParamSteps: 1500, ParamDropout: 0.1, ParamSeed: 1,
	ParamEvalEvery: 100, ParamCheckpointEvery: 250, ParamPatience: 0, ParamGridPoints: 1024, ParamAnchors: true, ParamDecoder: "physics",
	ParamModalities: "", ParamAutoencode: true, ParamAlignWeight: 0.0,
	ParamRetrieval: 0, ParamRetrievalTau: 0.05, ParamRetrievalNewSpecies: 0.5, ParamRerank: false, ParamRetrievalLatent: false, ParamRetrievalBlend: true,
	ParamRetrievalLearned: 128, ParamRetrievalLearnedWeight: 0.3,
	optimizers.ParamOptimizer: "adam", optimizers.ParamLearningRate: 1e-3,
	// GoMLX's cosine decay of the learning rate over this many steps, to
	// the minimum rate (0: a constant rate).
	cosineschedule.ParamPeriodSteps: 0, cosineschedule.ParamMinLearningRate: 0.0,
}

// defaultContext holds the table, for Param's fallback.
var defaultContext = CreateDefaultContext()

// CreateDefaultContext returns a context holding the default hyperparameters.
func CreateDefaultContext() *context.Context {
	ctx := context.New()
	ctx.SetParams(defaults)
	return ctx
}

// Param reads hyperparameter key from ctx as a T, or its default when ctx
// does not hold it (converted as GoMLX converts a saved parameter). A key
// with no default is a programming error.
func Param[T any](ctx *context.Context, key string) T {
	if v, found := ctx.GetParam(key); !found || v == nil {
		ctx = defaultContext
	}
	return context.MustGetParam[T](ctx, key)
}

// Default is hyperparameter key's default value (for flag help and docs).
func Default[T any](key string) T { return Param[T](defaultContext, key) }

// CheckParams validates the hyperparameters a context holds.
func CheckParams(ctx *context.Context) error {
	if _, err := ParsePrior(Param[string](ctx, ParamPrior)); err != nil {
		return err
	}
	for _, k := range []string{ParamPeaks, ParamHidden, ParamHidden2, ParamLatent, ParamBatchSize, ParamGridPoints} {
		if v := Param[int](ctx, k); v < 1 {
			return fmt.Errorf("hyperparameter %s must be ≥ 1, got %d", k, v)
		}
	}
	if d := Param[string](ctx, ParamDecoder); d != "physics" && d != "dense" {
		return fmt.Errorf("decoder %q: want physics or dense", d)
	}
	for _, k := range []string{ParamInPeaks, ParamBaseline, ParamRetrieval, ParamRetrievalLearned} {
		if v := Param[int](ctx, k); v < 0 {
			return fmt.Errorf("hyperparameter %s must be ≥ 0, got %d", k, v)
		}
	}
	mods, err := ParseModalities(Param[string](ctx, ParamModalities))
	if err != nil {
		return err
	}
	if Param[int](ctx, ParamRetrieval) > 0 {
		if len(mods) > 0 {
			return fmt.Errorf("hyperparameter %s: retrieval works with one-direction models, not with %s", ParamRetrieval, ParamModalities)
		}
		if tau := Param[float64](ctx, ParamRetrievalTau); !(tau > 0) {
			return fmt.Errorf("hyperparameter %s must be > 0, got %g", ParamRetrievalTau, tau)
		}
		if p := Param[float64](ctx, ParamRetrievalNewSpecies); p < 0 || p > 1 {
			return fmt.Errorf("hyperparameter %s must be in [0, 1], got %g", ParamRetrievalNewSpecies, p)
		}
		if w := Param[float64](ctx, ParamRetrievalLearnedWeight); w < 0 || w > 1 {
			return fmt.Errorf("hyperparameter %s must be in [0, 1], got %g", ParamRetrievalLearnedWeight, w)
		}
	}
	return nil
}

// ParseModalities reads a comma-separated list of modalities, the form of the
// modalities hyperparameter ("" gives none; one alone is an error).
func ParseModalities(s string) ([]spectro.Modality, error) {
	var out []spectro.Modality
	seen := map[spectro.Modality]bool{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		m, err := spectro.ParseModality(f)
		if err != nil {
			return nil, fmt.Errorf("hyperparameter %s: %w", ParamModalities, err)
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	if len(out) == 1 {
		return nil, fmt.Errorf("hyperparameter %s=%q: a multi-modal model needs at least two modalities", ParamModalities, s)
	}
	return out, nil
}

// Direction is one translation a model does: from a source modality to a target one
// (the same for a modality's self-reconstruction). It is also the GoMLX dataset
// "spec": the trainer compiles one graph per direction.
type Direction struct {
	From, To spectro.Modality
}

func (d Direction) String() string { return string(d.From) + "→" + string(d.To) }

// joinModalities writes modalities as a list with the separator (ParseModalities reads ",").
func joinModalities(ms []spectro.Modality, sep string) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m)
	}
	return strings.Join(names, sep)
}
