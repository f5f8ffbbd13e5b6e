package model

import (
	"fmt"
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
	ParamPrior           = "prior"           // line shape of the decoder: gauss, lorentz, pvoigt, voigt
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

// Priors are the decoder line shapes.
var Priors = []string{"gauss", "lorentz", "pvoigt", "voigt"}

// CreateDefaultContext returns a context holding the default hyperparameters.
func CreateDefaultContext() *context.Context {
	ctx := context.New()
	ctx.SetParams(map[string]any{
		ParamFrom: "infrared", ParamTo: "raman", ParamPrior: "pvoigt",
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
	})
	return ctx
}

// CheckParams validates the hyperparameters a context holds.
func CheckParams(ctx *context.Context) error {
	prior := context.GetParamOr(ctx, ParamPrior, "")
	ok := false
	for _, p := range Priors {
		ok = ok || p == prior
	}
	if !ok {
		return fmt.Errorf("prior %q: want one of %v", prior, Priors)
	}
	for _, k := range []string{ParamPeaks, ParamHidden, ParamHidden2, ParamLatent, ParamBatchSize, ParamGridPoints} {
		if v := context.GetParamOr(ctx, k, 0); v < 1 {
			return fmt.Errorf("hyperparameter %s must be ≥ 1, got %d", k, v)
		}
	}
	if d := context.GetParamOr(ctx, ParamDecoder, "physics"); d != "physics" && d != "dense" {
		return fmt.Errorf("decoder %q: want physics or dense", d)
	}
	for _, k := range []string{ParamInPeaks, ParamBaseline, ParamRetrieval, ParamRetrievalLearned} {
		if v := context.GetParamOr(ctx, k, 0); v < 0 {
			return fmt.Errorf("hyperparameter %s must be ≥ 0, got %d", k, v)
		}
	}
	mods, err := ParseModalities(context.GetParamOr(ctx, ParamModalities, ""))
	if err != nil {
		return err
	}
	if context.GetParamOr(ctx, ParamRetrieval, 0) > 0 {
		if len(mods) > 0 {
			return fmt.Errorf("hyperparameter %s: retrieval works with one-direction models, not with %s", ParamRetrieval, ParamModalities)
		}
		if tau := context.GetParamOr(ctx, ParamRetrievalTau, 0.05); !(tau > 0) {
			return fmt.Errorf("hyperparameter %s must be > 0, got %g", ParamRetrievalTau, tau)
		}
		if p := context.GetParamOr(ctx, ParamRetrievalNewSpecies, 0.5); p < 0 || p > 1 {
			return fmt.Errorf("hyperparameter %s must be in [0, 1], got %g", ParamRetrievalNewSpecies, p)
		}
		if w := context.GetParamOr(ctx, ParamRetrievalLearnedWeight, 0.3); w < 0 || w > 1 {
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
