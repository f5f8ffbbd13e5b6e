package model

import (
	gocontext "context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/ui/commandline"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// TrainConfig says what to train on and where to keep it.
type TrainConfig struct {
	// Collection is the samples to pair and split (datasets/samples.Load
	// reads a folder or zip of files into one; datasets/synth.Generate makes
	// the synthetic dataset), unless TrainPairs are given.
	Collection *collection.Collection
	From, To   spectro.Modality
	// Modalities, if two or more, makes a multi-modal model: one latent
	// space, an encoder and a decoder per modality, trained on every direction
	// between them the data has (From → To is the primary one, used for early
	// stopping and by default in generation).
	Modalities           []spectro.Modality
	OutDir               string            // the model folder: checkpoints, model.json; an existing one is resumed
	Steps                int               // total training steps (0: the hyperparameter's)
	Seed                 int64             // 0: the hyperparameter's
	Prior                Prior             // "" : the hyperparameter's
	Backend              string            // GoMLX backend config ("" : default)
	Settings             string            // hyperparameter overrides "key=value;key=value"
	Split                collection.Split  // validation split (default collection.BySpecies)
	ValFraction          float64           // share of pairs held out for validation (default 0.15; 0 with ValPairs set)
	TrainPairs, ValPairs []collection.Pair // explicit split (overrides Split)
	// Augment is extra training data (e.g. the synthetic dataset, or
	// single-modality files) mixed into the training pairs only — never
	// validation or test: its samples of the validation species and of HoldOut
	// are left out.
	Augment *collection.Collection
	// References is a species-level library (reference samples, such as
	// AMCSD's patterns computed from crystal structures): each training
	// sample that lacks the references' modality is paired with its
	// species' reference, in the training pairs (and so the neighbour
	// library) only — never for validation or held-out species.
	References *collection.Collection
	// Exclude names samples (keys, e.g. RRUFF id stems) left out of the data
	// altogether: neither trained on, validated on, nor in the neighbour
	// library (the shipped model's example files).
	Exclude []string
	// HoldOut names species and HoldOutSamples samples (keys) that must not
	// be trained on (a cross-validation fold's test species, or its test
	// samples when the split is by sample): they are removed from the
	// augmenting data and the reference pairs.
	HoldOut        []string
	HoldOutSamples []string
	// Init names a trained model folder a new model starts from (fine-tuning,
	// e.g. on real pairs after training on synthetic ones): its weights and
	// architecture, a fresh optimizer and step count, and the new data's
	// template. Ignored when OutDir already holds a model (that one resumes).
	Init string
	Log  io.Writer // progress (default os.Stdout; io.Discard for none)
	// FitCache keeps the peak fits of the data between runs (nil:
	// features.User(), the user cache folder's; features.Off: none). The
	// model trained keeps it for the band's calibration.
	FitCache *features.DiskCache
	// OnStep, if set, is called after every step with the training loss and
	// the latest validation loss (NaN before the first evaluation): for live plots.
	OnStep  func(step int, loss, valLoss float64)
	Context gocontext.Context
}

// Summary describes a finished (or stopped) training run.
type Summary struct {
	Dir          string        `json:"dir"`
	Resumed      bool          `json:"resumed"`
	StartStep    int           `json:"start_step"`
	Steps        int           `json:"steps"`
	TrainLoss    spectro.Float `json:"train_loss"`
	ValLoss      spectro.Float `json:"val_loss"`
	BestValLoss  spectro.Float `json:"best_val_loss"`
	BestStep     int           `json:"best_step"`
	MsPerStep    float64       `json:"ms_per_step"`
	Seconds      float64       `json:"seconds"`
	Stopped      string        `json:"stopped"`
	Backend      string        `json:"backend"`
	NTrain, NVal int           `json:"-"`
	// History is the loss and its terms on the validation pairs at each
	// evaluation (every eval_every steps): what notebook 03 draws.
	History []LossTerms `json:"history,omitempty"`
}

// LossTerms is the validation loss at one step and the terms it is the sum
// of: the reconstruction (MSE + pearson_weight·(1 − r)), the peak-table
// term times peak_weight, and the KL divergence times β, which warms up
// from 0 over kl_warmup_steps (the source's self-reconstruction and the
// latent alignment, when on, make up the rest). Unweighted values too.
type LossTerms struct {
	Step           int           `json:"step"`
	Loss           spectro.Float `json:"loss"`
	Reconstruction spectro.Float `json:"reconstruction"`
	Peak           spectro.Float `json:"peak"`        // the Chamfer distance, unweighted
	PeakWeight     float64       `json:"peak_weight"` // the Chamfer distance's weight in the loss
	KL             spectro.Float `json:"kl"`          // unweighted
	Beta           float64       `json:"beta"`        // the KL's weight at this step
}

// Info is model.json: what the model translates, on what grids, and what it
// was trained on.
type Info struct {
	// Format is the model folder's layout version (FormatVersion when written;
	// 0 in folders from before it was recorded, read as 1). A program refuses
	// a folder from a newer version instead of misreading it.
	Format   int              `json:"format,omitempty"`
	From     spectro.Modality `json:"from"`
	To       spectro.Modality `json:"to"`
	Prior    Prior            `json:"prior"` // "voigt" in folders from before TCH had its name: read as TCH
	FromGrid spectro.Grid     `json:"from_grid"`
	ToGrid   spectro.Grid     `json:"to_grid"`
	// A multi-modal model's modalities and the directions it was trained on.
	Modalities []spectro.Modality `json:"modalities,omitempty"`
	Directions []string           `json:"directions,omitempty"`
	Data       DataInfo           `json:"data"`
	Init       string             `json:"init,omitempty"` // the model it was fine-tuned from
	Training   *Summary           `json:"training,omitempty"`
	// Band is the calibration of the generated uncertainty band, fitted on
	// the validation pairs after training (nil: the raw latent band).
	Band *Band `json:"band,omitempty"`
}

// DataInfo describes the training data.
type DataInfo struct {
	Source       string   `json:"source"` // folder, or "synthetic(seed=N)"
	Pairs        int      `json:"pairs"`
	TrainPairs   int      `json:"train_pairs"`
	ValPairs     int      `json:"val_pairs"`
	Split        string   `json:"split"`
	ValSpecies   []string `json:"val_species"`
	Augment      string   `json:"augment,omitempty"`
	References   string   `json:"references,omitempty"` // species-level reference library (TrainConfig.References)
	Excluded     []string `json:"excluded,omitempty"`   // samples left out (TrainConfig.Exclude)
	TrainSpecies []string `json:"train_species"`
}

// InfoFile is the name of the model description in a model folder.
const InfoFile = "model.json"

// ErrNonFinite is returned when training produced a NaN or infinite loss.
var ErrNonFinite = errors.New("training diverged: the loss became NaN or infinite")

var errEarlyStop = errors.New("early stop")

// excludedParams are not restored from a checkpoint, so a resumed run can be
// asked to train longer.
var excludedParams = []string{ParamSteps}

// Train trains (or resumes) a model and returns a summary. Progress goes to
// cfg.Log as periodic plain lines (they read well in terminals, logs and notebooks).
//
// It runs in stages, each a method of run: open the checkpoint (resume,
// fine-tune or start afresh, and settle the hyperparameters in the
// context), prepare the data, build the neighbour library, start the loop
// (trainer, template, model.json), run the steps with their callbacks, and
// finish (the last checkpoint, the band's calibration, model.json).
func Train(cfg TrainConfig) (sum *Summary, err error) {
	var r *run
	defer func() { // after catch: a run stopped by a panic still returns its summary
		if sum == nil && r != nil {
			sum = r.sum
		}
	}()
	defer catch(&err)
	r, err = newRun(cfg)
	if err != nil {
		return nil, err
	}
	for _, stage := range []func() error{r.openCheckpoint, r.prepareData, r.buildLibrary, r.startLoop} {
		if err := stage(); err != nil {
			return nil, err
		}
	}
	if err := r.runLoop(); err != nil {
		return r.sum, err
	}
	return r.sum, r.finish()
}

// run is one training run's state, handed from stage to stage.
type run struct {
	cfg     TrainConfig
	b       backends.Backend
	ctx     *context.Context
	ckptDir string
	resumed bool // the folder held a checkpoint to go on from
	handler *checkpoints.Handler
	es      earlyStopVars
	hp      hparams
	seed    uint64
	steps   int // total steps asked for (train_steps)

	info           Info
	trainEx, valEx []Example
	trainDS, valDS *Dataset
	trainLib       *retrieval.Library // what validation looks neighbours up in

	trainer   *train.Trainer
	start     int // the step the run starts from
	sinceBest int // evaluations since the best validation loss
	sum       *Summary
	t0        time.Time
}

// earlyStopVars hold the early-stopping state in the checkpoint, so a
// resumed run stops where the uninterrupted one would (a separate file could
// disagree with the checkpoint after a kill between the two writes).
type earlyStopVars struct{ best, bestStep, since *context.Variable }

// newRun checks the run-time options and opens the backend.
func newRun(cfg TrainConfig) (*run, error) {
	if cfg.Log == nil {
		cfg.Log = os.Stdout
	}
	if cfg.Context == nil {
		cfg.Context = gocontext.Background()
	}
	if cfg.FitCache == nil {
		cfg.FitCache = features.User()
	}
	if cfg.OutDir == "" {
		return nil, errors.New("no model folder given")
	}
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, err
	}
	b, err := backend.New(cfg.Backend)
	if err != nil {
		return nil, err
	}
	return &run{cfg: cfg, b: b, ctx: CreateDefaultContext(), ckptDir: filepath.Join(cfg.OutDir, "checkpoints")}, nil
}

// openCheckpoint resumes the folder's checkpoint, or starts from the
// initial model's weights (fine-tuning) or afresh, and settles the
// hyperparameters: the context's defaults, what the checkpoint saved, then
// the configuration's settings (on resume, only those training may change).
func (r *run) openCheckpoint() error {
	cfg, ctx := r.cfg, r.ctx
	r.resumed = hasCheckpoint(r.ckptDir)
	if r.resumed {
		if bad := quarantineBrokenCheckpoints(r.ckptDir); len(bad) > 0 {
			fmt.Fprintf(cfg.Log, "set aside %d unreadable checkpoint(s) from an interrupted run: %s\n", len(bad), strings.Join(bad, ", "))
			// Killed while writing its first checkpoint: nothing to resume,
			// so it starts afresh, with the configuration's seed and settings.
			r.resumed = hasCheckpoint(r.ckptDir)
		}
	}
	if !r.resumed {
		if err := r.freshParams(); err != nil {
			return err
		}
	}
	handler, err := checkpoints.Build(ctx).Dir(r.ckptDir).Keep(3).ExcludeParams(excludedParams...).Done()
	if err != nil {
		return fmt.Errorf("checkpoint in %s: %w", r.ckptDir, err)
	}
	r.handler = handler
	// GoMLX marks a variable read back from a checkpoint trainable, the
	// random-number state included; the optimizer would then write the state's
	// old value over each step's advance, and every resumed step would draw the
	// same noise (measured: a resumed run left the uninterrupted one at its
	// second step). Found through the loader, it is set right before any use.
	if v := ctx.GetVariableByScopeAndName(context.RootScope, context.RNGStateVariableName); v != nil {
		v.SetTrainable(false)
	}
	esVar := func(name string, init float64) *context.Variable {
		v := ctx.GetVariableByScopeAndName(earlyStopScope, name)
		if v == nil {
			v = ctx.InAbsPath(earlyStopScope).Checked(false).VariableWithValue(name, init)
		}
		v.SetTrainable(false)
		return v
	}
	r.es = earlyStopVars{esVar("best_val_loss", math.Inf(1)), esVar("best_step", 0), esVar("since_best", 0)}
	if r.resumed && cfg.Settings != "" {
		// On resume, the settings change training hyperparameters
		// (learning_rate, ...); changing the architecture of a trained model
		// is refused by GoMLX.
		if _, err := commandline.ParseContextSettings(ctx, cfg.Settings); err != nil {
			return fmt.Errorf("hyperparameters %q (Settings): %w", cfg.Settings, err)
		}
	}
	if cfg.Steps > 0 {
		ctx.SetParam(ParamSteps, cfg.Steps)
	}
	if r.hp, err = readHParams(ctx); err != nil {
		return err
	}
	if r.resumed && ((cfg.From != "" && cfg.From != r.hp.from) || (cfg.To != "" && cfg.To != r.hp.to)) {
		return fmt.Errorf("%s holds a %s → %s model; asked for %s → %s (train into another folder)", cfg.OutDir, r.hp.from, r.hp.to, cfg.From, cfg.To)
	}
	if !r.resumed && cfg.Init != "" && ((cfg.From != "" && cfg.From != r.hp.from) || (cfg.To != "" && cfg.To != r.hp.to)) {
		return fmt.Errorf("the initial model %s (Init) is a %s → %s model; asked for %s → %s", cfg.Init, r.hp.from, r.hp.to, cfg.From, cfg.To)
	}
	r.seed = uint64(Param[int](ctx, ParamSeed))
	r.steps = Param[int](ctx, ParamSteps)
	return nil
}

// freshParams sets a new run's hyperparameters: the initial model's
// (fine-tuning: its architecture and weights, a fresh optimizer and step
// count) or the configuration's direction, prior and modalities; either way
// the configuration's seed and settings.
func (r *run) freshParams() error {
	cfg, ctx := r.cfg, r.ctx
	if cfg.Init != "" {
		initCkpt := filepath.Join(cfg.Init, "checkpoints")
		if !hasCheckpoint(initCkpt) {
			return fmt.Errorf("the initial model %s (Init): no trained model there", cfg.Init)
		}
		quarantineBrokenCheckpoints(initCkpt)
		if _, err := checkpoints.Load(ctx).Dir(initCkpt).Immediate().Done(); err != nil {
			return fmt.Errorf("the initial model %s (Init): %w", cfg.Init, err)
		}
		if err := optimizers.FromContext(ctx).Clear(ctx); err != nil {
			return err
		}
		if err := optimizers.GetGlobalStepVar(ctx).SetValue(tensors.FromScalar(int64(0))); err != nil {
			return err
		}
	} else {
		ctx.SetParam(ParamFrom, string(cfg.From))
		ctx.SetParam(ParamTo, string(cfg.To))
		if cfg.Prior != "" {
			ctx.SetParam(ParamPrior, string(cfg.Prior))
		}
		if len(cfg.Modalities) > 0 {
			ctx.SetParam(ParamModalities, joinModalities(cfg.Modalities, ","))
		}
	}
	if cfg.Seed != 0 {
		ctx.SetParam(ParamSeed, int(cfg.Seed))
	}
	if cfg.Settings != "" {
		if _, err := commandline.ParseContextSettings(ctx, cfg.Settings); err != nil {
			return fmt.Errorf("hyperparameters %q (Settings): %w", cfg.Settings, err)
		}
	}
	return ctx.SetRNGStateFromSeed(int64(Param[int](ctx, ParamSeed)))
}

// prepareData reads, splits and prepares the examples, and batches them.
func (r *run) prepareData() error {
	var err error
	if r.info, r.trainEx, r.valEx, err = loadData(r.cfg, r.hp, r.seed); err != nil {
		return err
	}
	batch := Param[int](r.ctx, ParamBatchSize)
	if r.trainDS, err = NewDataset("train", r.trainEx, batch, r.hp.inPeaks, true, r.seed); err != nil {
		return err
	}
	r.trainDS.withTarget = r.hp.aligned()
	if len(r.valEx) > 0 {
		if r.valDS, err = NewDataset("validation", r.valEx, batch, r.hp.inPeaks, false, r.seed); err != nil {
			return err
		}
		r.valDS.withTarget = r.hp.aligned()
	}
	return nil
}

// buildLibrary makes a retrieval model's neighbour library from the
// training pairs and saves it with the model, so generation finds the same
// neighbours offline. Models without retrieval skip it.
func (r *run) buildLibrary() error {
	hp := r.hp
	if !hp.retrieves() {
		return nil
	}
	lib, err := NewLibrary(r.trainEx)
	if err != nil {
		return err
	}
	if hp.learnedDims > 0 && lib.Len() >= 8 {
		if err := lib.Learn(hp.learnedDims, hp.learnedWeight); err != nil {
			return err
		}
	}
	r.trainLib = lib
	attachNeighbours(r.trainEx, lib, hp.retrievalK, hp.retrievalTau, hp.newSpecies > 0)
	attachNeighbours(r.valEx, lib, hp.retrievalK, hp.retrievalTau, false)
	for _, ds := range []*Dataset{r.trainDS, r.valDS} {
		if ds != nil {
			ds.lib, ds.retK, ds.rerank, ds.newSpecies = lib, hp.retrievalK, hp.rerank, hp.newSpecies
		}
	}
	// Generation may draw on every pair it was given, validation ones too
	// (training drew on the training pairs only, so validation stayed honest).
	saved := lib
	if len(r.valEx) > 0 {
		if saved, err = NewLibrary(append(slices.Clip(r.trainEx), r.valEx...)); err != nil {
			return err
		}
		saved.ShareEmbedding(lib) // generation ranks as training did
	}
	if err := saved.Save(filepath.Join(r.cfg.OutDir, retrieval.FileName)); err != nil {
		return err
	}
	fmt.Fprintf(r.cfg.Log, "neighbour library: %d training pairs (%d with validation, saved with the model); each example sees its %d nearest, never its own sample\n",
		lib.Len(), saved.Len(), hp.retrievalK)
	if lib.Learned() {
		fmt.Fprintf(r.cfg.Log, "neighbours ranked %.0f%% in a comparison space learned from the library (CCA on %d principal components)\n",
			100*hp.learnedWeight, hp.learnedDims)
	}
	return nil
}

// startLoop sets a new model's template, builds the trainer, restores the
// early-stopping state, says what is trained, and writes model.json.
func (r *run) startLoop() error {
	cfg, ctx, hp := r.cfg, r.ctx, r.hp
	if hp.template && !r.resumed {
		for _, m := range targetModalities(r.trainEx) {
			if err := TemplateVar(ctx, m, hp.n).SetValue(tensors.FromValue(meanTarget(r.trainEx, m, hp.n))); err != nil {
				return err
			}
		}
	}
	r.trainer = train.NewTrainer(r.b, ctx, modelFn, lossFn(ctx), optimizers.FromContext(ctx), nil, termMetrics(hp))
	r.start = int(optimizers.GetGlobalStep(ctx))
	if r.start > 0 || (!r.resumed && cfg.Init != "") {
		r.trainer.SetContext(ctx.Reuse()) // the variables come from a checkpoint
	}
	// Resuming restores weights, optimizer moments, global step, the random
	// stream (dropout, latent sampling) and the batch sequence exactly: on the
	// pure-Go backend a resumed run ends with the uninterrupted run's weights.
	r.trainDS.Skip(r.start) // continue the batch sequence where the interrupted run stopped
	r.sum = &Summary{Dir: cfg.OutDir, Resumed: r.resumed, StartStep: r.start, BestValLoss: spectro.Float(math.Inf(1)), Backend: backend.Describe(r.b),
		NTrain: len(r.trainEx), NVal: len(r.valEx), TrainLoss: spectro.Float(math.NaN()), ValLoss: spectro.Float(math.NaN())}
	if r.resumed {
		r.sum.BestValLoss = spectro.Float(varScalar(r.es.best))
		r.sum.BestStep, r.sinceBest = int(varScalar(r.es.bestStep)), int(varScalar(r.es.since))
		fmt.Fprintf(cfg.Log, "resuming %s at step %d of %d\n", cfg.OutDir, r.start, r.steps)
	}
	if len(hp.modalities) > 0 {
		fmt.Fprintf(cfg.Log, "training one latent space for %s: %d directions, %d pairs (%s), validating on %d %s pairs; %s prior; backend %s\n",
			joinModalities(hp.modalities, ", "), len(r.trainDS.streams), len(r.trainEx), directionCounts(r.trainEx), len(r.valEx), hp.main(), hp.prior, r.sum.Backend)
	} else {
		fmt.Fprintf(cfg.Log, "training %s → %s (%s prior) on %d pairs, validating on %d; backend %s\n", hp.from, hp.to, hp.prior, len(r.trainEx), len(r.valEx), r.sum.Backend)
	}
	r.info.Training = r.sum
	if !r.resumed && cfg.Init != "" {
		r.info.Init = cfg.Init
	} else if prev, err := ReadInfo(cfg.OutDir); err == nil {
		r.info.Init = prev.Init
	}
	return writeInfo(cfg.OutDir, r.info)
}

// save writes a checkpoint with the early-stopping state, unless the weights
// went non-finite.
func (r *run) save() error {
	ctx := r.ctx
	// The loss of step k is computed before step k's update, so weights can
	// turn non-finite one step before the loss shows it: never save those.
	if v := firstNonFinite(ctx); v != "" {
		return fmt.Errorf("%w (variable %s) at step %d; the last good checkpoint in %s is kept", ErrNonFinite, v, optimizers.GetGlobalStep(ctx), r.ckptDir)
	}
	for _, kv := range []struct {
		v *context.Variable
		x float64
	}{{r.es.best, float64(r.sum.BestValLoss)}, {r.es.bestStep, float64(r.sum.BestStep)}, {r.es.since, float64(r.sinceBest)}} {
		if err := kv.v.SetValue(tensors.FromScalar(kv.x)); err != nil {
			return err
		}
	}
	// Finite but exploded weights still overflow: a probe batch must give a finite loss.
	// (A training set smaller than a batch gives a probe of another shape: skipped.)
	if dir, idx := r.trainDS.probe(); idx != nil {
		in, labels := r.trainDS.tensors(idx)
		m, err := r.trainer.EvalStep(dir, in, labels)
		if err != nil {
			return err
		}
		if v := scalar(m[0]); math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w (probe loss %g) at step %d; the last good checkpoint in %s is kept", ErrNonFinite, v, optimizers.GetGlobalStep(ctx), r.ckptDir)
		}
	}
	return r.handler.Save()
}

// runLoop runs the steps left, with three callbacks in order: the NaN
// guard, validation with early stopping and progress lines, checkpoints.
func (r *run) runLoop() error {
	cfg, hp, sum, steps := r.cfg, r.hp, r.sum, r.steps
	evalEvery := max(1, Param[int](r.ctx, ParamEvalEvery))
	ckptEvery := max(1, Param[int](r.ctx, ParamCheckpointEvery))
	patience := Param[int](r.ctx, ParamPatience)
	loop := train.NewLoop(r.trainer)
	r.t0 = time.Now()
	lastPrint := time.Now()
	// 1. NaN guard first: nothing after a non-finite loss may be saved.
	loop.OnStep("nan guard", train.Priority(-100), func(l *train.Loop, m []*tensors.Tensor) error {
		v := scalar(m[0])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w at step %d; the last good checkpoint in %s is kept", ErrNonFinite, l.LoopStep, r.ckptDir)
		}
		sum.TrainLoss = spectro.Float(v)
		return nil
	})
	// 2. Validation, early stopping and progress lines.
	loop.OnStep("validation", train.Priority(0), func(l *train.Loop, m []*tensors.Tensor) error {
		step := int(l.LoopStep) + 1
		if r.valDS != nil && (step%evalEvery == 0 || step == steps) {
			r.valDS.Reset()
			res, err := r.trainer.Eval(r.valDS)
			if err != nil {
				return err
			}
			sum.ValLoss = spectro.Float(scalar(res[0]))
			if len(res) >= 5 { // the loss with and without the added terms, then termMetrics
				sum.History = append(sum.History, LossTerms{Step: step, Loss: sum.ValLoss,
					Reconstruction: spectro.Float(scalar(res[2])), Peak: spectro.Float(scalar(res[3])), PeakWeight: hp.peakW,
					KL: spectro.Float(scalar(res[4])), Beta: hp.beta(step)})
			}
			if sum.ValLoss < sum.BestValLoss {
				sum.BestValLoss, sum.BestStep, r.sinceBest = sum.ValLoss, step, 0
			} else {
				r.sinceBest++
			}
		}
		if step == steps || step%max(1, steps/20) == 0 || time.Since(lastPrint) > 15*time.Second {
			lastPrint = time.Now()
			done := step - r.start
			ms := float64(time.Since(r.t0).Milliseconds()) / float64(max(done, 1))
			val := "" // no validation set: no column
			if r.valDS != nil && math.IsNaN(float64(sum.ValLoss)) {
				val = "  val    —   " // not evaluated yet
			} else if r.valDS != nil {
				val = fmt.Sprintf("  val %.5f", sum.ValLoss)
			}
			fmt.Fprintf(cfg.Log, "step %5d/%d  loss %.5f%s  %.0f ms/step  ETA %s\n", step, steps, sum.TrainLoss, val, ms,
				(time.Duration(ms*float64(steps-step)) * time.Millisecond).Round(time.Second))
		}
		if cfg.OnStep != nil {
			cfg.OnStep(step, float64(sum.TrainLoss), float64(sum.ValLoss))
		}
		if patience > 0 && r.sinceBest >= patience {
			sum.Stopped = fmt.Sprintf("early stop at step %d: no validation improvement in %d evaluations (best %.5f at step %d)", step, patience, sum.BestValLoss, sum.BestStep)
			return errEarlyStop
		}
		return cfg.Context.Err()
	})
	// 3. Checkpoints.
	loop.OnStep("checkpoint", train.Priority(100), func(l *train.Loop, _ []*tensors.Tensor) error {
		if step := int(l.LoopStep) + 1; step%ckptEvery == 0 && step < steps {
			return r.save()
		}
		return nil
	})
	sum.Stopped = "completed"
	var err error
	if r.start < steps {
		_, err = loop.RunSteps(r.trainDS, steps-r.start)
	} else {
		sum.Stopped = fmt.Sprintf("already trained to step %d (ask for more steps: %s)", r.start, ParamSteps)
	}
	switch {
	case errors.Is(err, errEarlyStop):
		return nil
	case err != nil && cfg.Context.Err() != nil:
		sum.Stopped = "interrupted"
		return nil
	}
	return err
}

// finish saves the last checkpoint, calibrates the uncertainty band on the
// validation pairs (one-direction models) and writes model.json.
func (r *run) finish() error {
	cfg, sum := r.cfg, r.sum
	sum.Steps = int(optimizers.GetGlobalStep(r.ctx))
	sum.Seconds = time.Since(r.t0).Seconds()
	if d := sum.Steps - r.start; d > 0 {
		sum.MsPerStep = 1000 * sum.Seconds / float64(d)
	}
	if err := r.save(); err != nil {
		return err
	}
	if math.IsInf(float64(sum.BestValLoss), 1) {
		sum.BestValLoss = spectro.Float(math.NaN())
	}
	r.info.Training = sum
	if len(r.valEx) > 0 && len(r.hp.modalities) == 0 {
		// The band is calibrated on the validation pairs: species the model
		// never trained on, neighbours from the training pairs alone.
		if err := writeInfo(cfg.OutDir, r.info); err != nil {
			return err
		}
		g, err := LoadCaching(cfg.OutDir, cfg.Backend, cfg.FitCache)
		if err != nil {
			return err
		}
		if r.info.Band, err = CalibrateBand(g, r.trainLib, r.valEx, cfg.Log); err != nil {
			return err
		}
	}
	if err := writeInfo(cfg.OutDir, r.info); err != nil {
		return err
	}
	fmt.Fprintf(cfg.Log, "%s: %d steps in %.1fs (%.0f ms/step); model in %s\n", sum.Stopped, sum.Steps, sum.Seconds, sum.MsPerStep, cfg.OutDir)
	return nil
}

// ReferencePairs are the from → to pairs that a species-level reference
// library adds to a collection (collection.ReferenceSamples, on whichever
// side the references' modality is), usable on the default grids, without
// the species and samples named.
func ReferencePairs(col, refs *collection.Collection, from, to spectro.Modality, withoutSpecies, withoutSamples []string) []collection.Pair {
	m := to
	if refs.Counts()[m] == 0 {
		m = from
	}
	joined := col.ReferenceSamples(refs, m).WithoutSpecies(withoutSpecies).WithoutSamples(withoutSamples)
	return joined.UsablePairs(from, to, nil)
}

// earlyStopScope holds the early-stopping state in a checkpoint.
const earlyStopScope = "/early_stopping"

// varScalar reads a scalar variable (NaN when it cannot).
func varScalar(v *context.Variable) float64 {
	t, err := v.Value()
	if err != nil {
		return math.NaN()
	}
	return scalar(t)
}

// meanTarget is the mean of the target spectra of modality m (n points).
func meanTarget(ex []Example, m spectro.Modality, n int) []float32 {
	mean := make([]float32, n)
	count := 0
	for _, e := range ex {
		if e.Dir.To == m {
			count++
		}
	}
	for _, e := range ex {
		if e.Dir.To != m {
			continue
		}
		for i, v := range e.Tgt[:n] {
			mean[i] += v / float32(count)
		}
	}
	return mean
}

// targetModalities lists the examples' target modalities, in order of appearance.
func targetModalities(ex []Example) []spectro.Modality {
	var out []spectro.Modality
	for _, e := range ex {
		if !slices.Contains(out, e.Dir.To) {
			out = append(out, e.Dir.To)
		}
	}
	return out
}

// directionCounts says how many examples each direction has, e.g. "infrared→raman 480, ...".
func directionCounts(ex []Example) string {
	var dirs []Direction
	count := map[Direction]int{}
	for _, e := range ex {
		if count[e.Dir] == 0 {
			dirs = append(dirs, e.Dir)
		}
		count[e.Dir]++
	}
	parts := make([]string, len(dirs))
	for i, d := range dirs {
		parts[i] = fmt.Sprintf("%s %d", d, count[d])
	}
	return strings.Join(parts, ", ")
}

func scalar(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// loadData reads the pairs, splits them and prepares the examples. A
// multi-modal model splits samples (so a held-out species is held out in
// every direction) and takes every direction's pairs from each side.
func loadData(cfg TrainConfig, hp hparams, seed uint64) (Info, []Example, []Example, error) {
	info := Info{From: hp.from, To: hp.to, Prior: hp.prior, FromGrid: spectro.DefaultGrid(hp.from), ToGrid: spectro.DefaultGrid(hp.to),
		Modalities: hp.modalities}
	trainPairs, valPairs := cfg.TrainPairs, cfg.ValPairs
	var col *collection.Collection
	if trainPairs == nil {
		col = cfg.Collection
		if col == nil {
			return info, nil, nil, errors.New("no training data: TrainConfig needs a Collection or TrainPairs")
		}
		info.Data.Source = col.Dir
		if len(cfg.Exclude) > 0 {
			col = col.WithoutSamples(cfg.Exclude)
			info.Data.Excluded = cfg.Exclude
		}
		pairs := col.UsablePairs(hp.from, hp.to, cfg.Log)
		if len(pairs) == 0 {
			return info, nil, nil, fmt.Errorf("%s: no %s/%s pairs", col.Dir, hp.from, hp.to)
		}
		frac := cfg.ValFraction
		if frac == 0 {
			frac = 0.15
		}
		split := cfg.Split
		if split == "" {
			split = collection.BySpecies
		}
		trainPairs, valPairs = collection.SplitPairs(pairs, split, frac, seed)
		info.Data.Split = string(split)
	} else {
		info.Data.Split = "given"
		if cfg.Collection != nil {
			info.Data.Source = cfg.Collection.Dir
		}
	}
	var extra *collection.Collection
	if cfg.Augment != nil {
		extra = cfg.Augment
		info.Data.Augment = extra.Dir
		// Never train on a held-out species through the extra data.
		kept := extra.WithoutSpecies(append(collection.SpeciesOf(valPairs), cfg.HoldOut...)).WithoutSamples(cfg.HoldOutSamples)
		if n := len(extra.Samples) - len(kept.Samples); n > 0 {
			fmt.Fprintf(cfg.Log, "left out %d samples of held-out species from %s\n", n, extra.Dir)
		}
		extra = kept
	}
	dirs := hp.directions()
	var trainSets, valSets [][]collection.Pair // per direction
	if len(hp.modalities) == 0 {
		if cfg.References != nil {
			base := cfg.Collection
			if base == nil {
				return info, nil, nil, errors.New("references need the Collection their samples are joined with")
			}
			if len(cfg.Exclude) > 0 {
				base = base.WithoutSamples(cfg.Exclude)
			}
			// Never a validation species (early stopping and the band's
			// calibration stay honest), never a held-out species or sample.
			rp := ReferencePairs(base, cfg.References, hp.from, hp.to, append(collection.SpeciesOf(valPairs), cfg.HoldOut...), cfg.HoldOutSamples)
			fmt.Fprintf(cfg.Log, "adding %d training pairs paired by species with the references of %s\n", len(rp), cfg.References.Dir)
			trainPairs = append(append([]collection.Pair(nil), trainPairs...), rp...)
			info.Data.References = cfg.References.Dir
		}
		if extra != nil {
			ep := extra.Pairs(hp.from, hp.to)
			fmt.Fprintf(cfg.Log, "augmenting the training pairs with %d pairs from %s\n", len(ep), extra.Dir)
			trainPairs = append(append([]collection.Pair(nil), trainPairs...), ep...)
		}
		trainSets, valSets = [][]collection.Pair{trainPairs}, [][]collection.Pair{valPairs}
	} else {
		trainS, valS := splitSamples(col, trainPairs, valPairs, collection.Split(info.Data.Split))
		if extra != nil {
			fmt.Fprintf(cfg.Log, "augmenting the training samples with %d samples from %s\n", len(extra.Samples), extra.Dir)
			trainS = append(trainS, extra.Samples...)
		}
		// Validation (and so early stopping) watches the primary direction: the
		// one the model was asked for.
		for _, d := range dirs {
			var val []collection.Pair
			if d == hp.main() {
				val = DirectionPairs(valS, d)
			}
			trainSets, valSets = append(trainSets, DirectionPairs(trainS, d)), append(valSets, val)
		}
	}
	var allTrain, allVal []collection.Pair
	for i, d := range dirs {
		if len(trainSets[i]) > 0 {
			info.Directions = append(info.Directions, d.String())
		}
		allTrain, allVal = append(allTrain, trainSets[i]...), append(allVal, valSets[i]...)
	}
	info.Data.Pairs = len(allTrain) + len(allVal)
	info.Data.TrainPairs, info.Data.ValPairs = len(allTrain), len(allVal)
	info.Data.TrainSpecies, info.Data.ValSpecies = collection.SpeciesOf(allTrain), collection.SpeciesOf(allVal)
	fmt.Fprintf(cfg.Log, "preparing %d pairs (resampling, peak tables) ...\n", info.Data.Pairs)
	var trainEx, valEx []Example
	memo, keep := features.Shared()
	defer func() { keep(memo) }()
	for i, d := range dirs {
		t, err := prepare(cfg.Context, trainSets[i], d.From, d.To, hp.inPeaks, hp.aligns(d), memo, cfg.FitCache)
		if err != nil {
			return info, nil, nil, err
		}
		v, err := prepare(cfg.Context, valSets[i], d.From, d.To, hp.inPeaks, hp.aligns(d), memo, cfg.FitCache)
		if err != nil {
			return info, nil, nil, err
		}
		trainEx, valEx = append(trainEx, t...), append(valEx, v...)
	}
	return info, trainEx, valEx, nil
}

// splitSamples turns a split of the primary direction's pairs into a split of
// samples: a validation pair's sample is held out, and with a species split
// so is every sample of its species (also those without the primary pair).
// The other samples of col (nil: those of the training pairs) train.
func splitSamples(col *collection.Collection, trainPairs, valPairs []collection.Pair, split collection.Split) (trainS, valS []*collection.Sample) {
	held := map[*collection.Sample]bool{}
	heldSpecies := map[string]bool{}
	for _, p := range valPairs {
		if !held[p.Sample] {
			held[p.Sample] = true
			valS = append(valS, p.Sample)
		}
		heldSpecies[p.Sample.Mineral] = true
	}
	var all []*collection.Sample
	if col != nil {
		all = col.Samples
	} else {
		for _, p := range trainPairs {
			all = append(all, p.Sample) // repeats are skipped below
		}
	}
	seen := map[*collection.Sample]bool{}
	for _, s := range all {
		if held[s] || seen[s] {
			continue
		}
		seen[s] = true
		if split == collection.BySpecies && heldSpecies[s.Mineral] {
			held[s] = true
			valS = append(valS, s)
			continue
		}
		trainS = append(trainS, s)
	}
	return trainS, valS
}

// DirectionPairs lists the samples' pairs for direction d; for a
// self-reconstruction (d.From == d.To) each spectrum is its own target.
func DirectionPairs(ss []*collection.Sample, d Direction) []collection.Pair {
	if d.From != d.To {
		return (&collection.Collection{Samples: ss}).Pairs(d.From, d.To)
	}
	var out []collection.Pair
	for _, s := range ss {
		for _, sp := range s.Spectra[d.From] {
			out = append(out, collection.Pair{Sample: s, Source: sp, Target: sp})
		}
	}
	return out
}

func writeInfo(dir string, info Info) error {
	info.Format = FormatVersion
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, InfoFile), data)
}

// ReadInfo reads a model folder's model.json.
func ReadInfo(dir string) (*Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, InfoFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a model folder: %w", dir, err)
	}
	var info Info
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("%s: not a readable model description (%w)", filepath.Join(dir, InfoFile), err)
	}
	if info.Format > FormatVersion {
		return nil, fmt.Errorf("%s: written by a newer SpectroGen-Go (model format %d; this program reads up to %d): update the program", filepath.Join(dir, InfoFile), info.Format, FormatVersion)
	}
	if info.From == "" || info.To == "" {
		return nil, fmt.Errorf("%s: no direction (from/to): not a model description", filepath.Join(dir, InfoFile))
	}
	if info.Prior == legacyTCH {
		info.Prior = TCH
	}
	return &info, nil
}

// FormatVersion is the model folder layout this program writes and reads.
const FormatVersion = 1

func hasCheckpoint(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*"+checkpoints.JsonNameSuffix))
	return len(m) > 0
}

// quarantineBrokenCheckpoints moves aside checkpoints a crash left incomplete
// (GoMLX creates a checkpoint's files before filling them): while the latest
// checkpoint does not load — GoMLX itself reads it, checksums included — it is
// moved to broken/. Older, complete checkpoints are kept (Keep(3)), so the
// latest good one is what loads.
func quarantineBrokenCheckpoints(dir string) []string {
	var bad []string
	for {
		jsons, _ := filepath.Glob(filepath.Join(dir, "*"+checkpoints.JsonNameSuffix))
		if len(jsons) == 0 {
			return bad
		}
		sort.Strings(jsons) // names start with a zero-padded counter: the last is the latest
		if _, err := checkpoints.Load(context.New()).Dir(dir).Immediate().Done(); err == nil {
			return bad
		}
		latest := strings.TrimSuffix(jsons[len(jsons)-1], checkpoints.JsonNameSuffix)
		aside := filepath.Join(dir, "broken")
		if err := os.MkdirAll(aside, 0o755); err != nil {
			return bad
		}
		for _, f := range []string{latest + checkpoints.JsonNameSuffix, latest + checkpoints.BinDataSuffix} {
			os.Rename(f, filepath.Join(aside, filepath.Base(f)))
		}
		bad = append(bad, filepath.Base(latest))
	}
}

// firstNonFinite names the first trainable variable holding a NaN or Inf ("" if none).
func firstNonFinite(ctx *context.Context) string {
	bad := ""
	ctx.EnumerateVariables(func(v *context.Variable) {
		if bad != "" || !v.Trainable {
			return
		}
		t, err := v.Value()
		if err != nil || t == nil {
			return
		}
		if vals, err := tensors.CopyFlatData[float32](t); err == nil {
			for _, x := range vals {
				if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
					bad = v.ScopeAndName()
					return
				}
			}
		}
	})
	return bad
}
