// Package classifier trains a small GoMLX classifier — a one-hidden-layer
// perceptron on the spectrum — to predict a sample's chemical class or species,
// and cross-validates it under random and leave-species-out splits. It is the
// learned counterpart of eval.ClassifyNN (1-nearest-neighbour by cosine).
//
// The input is one feature vector per sample (a spectrum on its grid, or a
// source and a generated spectrum side by side), averaged down by Pool and
// scaled to unit length (so, like cosine 1-NN, the overall intensity does not
// matter). Training is full-batch AdamW: with a few hundred
// spectra a step sees all of them, so a run is deterministic for a seed.
package classifier

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph code reads best unqualified
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/activations"
	"github.com/gomlx/gomlx/pkg/ml/train"
	"github.com/gomlx/gomlx/pkg/ml/train/losses"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"
	"github.com/gomlx/gomlx/ui/commandline"

	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// Hyperparameter names (keys in the context).
const (
	ParamHidden  = "hidden"  // width of the hidden layer
	ParamSteps   = "steps"   // full-batch training steps
	ParamPool    = "pool"    // average this many neighbouring points into one input
	ParamDropout = "dropout" // on the hidden layer
	ParamSeed    = "seed"
)

// CreateDefaultContext returns a context holding the default hyperparameters.
func CreateDefaultContext() *context.Context {
	ctx := context.New()
	ctx.SetParams(map[string]any{
		ParamHidden: 64, ParamSteps: 100, ParamPool: 8, ParamDropout: 0.2, ParamSeed: 1,
		optimizers.ParamOptimizer: "adamw", optimizers.ParamLearningRate: 1e-2,
	})
	return ctx
}

// Classifier is a trained model for one label ("class" or "species") and one input kind.
type Classifier struct {
	Labels []string // index → label
	pool   int
	ctx    *context.Context
	exec   *context.Exec
}

// Train fits a classifier on items' features of the given kind to their label
// ("class" or "species"). settings overrides hyperparameters ("hidden=128;steps=500").
func Train(b backends.Backend, items []eval.Labelled, kind string, label eval.Label, settings string) (c *Classifier, err error) {
	defer catch(&err)
	if len(items) == 0 {
		return nil, errors.New("classifier: no training samples")
	}
	ctx := CreateDefaultContext()
	if settings != "" {
		if _, err := commandline.ParseContextSettings(ctx, settings); err != nil {
			return nil, fmt.Errorf("classifier settings %q: %w", settings, err)
		}
	}
	if err := ctx.SetRNGStateFromSeed(int64(context.GetParamOr(ctx, ParamSeed, 1))); err != nil {
		return nil, err
	}
	c = &Classifier{pool: max(1, context.GetParamOr(ctx, ParamPool, 8)), ctx: ctx}
	c.Labels = eval.NewConfusion(items, label).Labels
	x, err := c.features(items, kind)
	if err != nil {
		return nil, err
	}
	y := make([]int32, len(items))
	for i, it := range items {
		y[i] = int32(sort.SearchStrings(c.Labels, it.Label(label)))
	}
	nClasses := len(c.Labels)
	modelFn := func(ctx *context.Context, _ any, inputs []*Node) []*Node {
		return []*Node{logits(ctx, inputs[0], nClasses)}
	}
	trainer := train.NewTrainer(b, ctx, modelFn, losses.SparseCategoricalCrossEntropyLogits, optimizers.FromContext(ctx), nil, nil)
	// Full batch: every step sees the whole training set.
	inputs, labels := []*tensors.Tensor{x}, []*tensors.Tensor{tensors.FromFlatDataAndDimensions(y, len(y), 1)}
	for range context.GetParamOr(ctx, ParamSteps, 100) {
		if _, err := trainer.TrainStep(nil, inputs, labels); err != nil {
			return nil, err
		}
	}
	c.ctx = ctx.Reuse()
	c.exec, err = context.NewExec(b, c.ctx, func(ctx *context.Context, x *Node) *Node {
		return ArgMax(logits(ctx, x, nClasses), -1, dtypes.Int32)
	})
	return c, err
}

// logits is the network: dense → layer norm → swish → dropout → dense.
func logits(ctx *context.Context, x *Node, nClasses int) *Node {
	g := x.Graph()
	h := layers.Dense(ctx.In("hidden"), x, true, context.GetParamOr(ctx, ParamHidden, 64))
	h = activations.Swish(layers.LayerNormalization(ctx.In("norm"), h, -1).Done())
	if p := context.GetParamOr(ctx, ParamDropout, 0.0); p > 0 {
		h = layers.Dropout(ctx, h, ConstAsDType(g, dtypes.Float32, p))
	}
	return layers.Dense(ctx.In("out"), h, true, nClasses)
}

// Predict returns the predicted label of each item's features of the given kind.
func (c *Classifier) Predict(items []eval.Labelled, kind string) (pred []string, err error) {
	defer catch(&err)
	x, err := c.features(items, kind)
	if err != nil {
		return nil, err
	}
	res, err := c.exec.Exec(x)
	if err != nil {
		return nil, err
	}
	idx := tensors.MustCopyFlatData[int32](res[0])
	pred = make([]string, len(idx))
	for i, k := range idx {
		pred[i] = c.Labels[k]
	}
	return pred, nil
}

// features pools and L2-normalises each item's vector into a [N, D/pool] tensor.
func (c *Classifier) features(items []eval.Labelled, kind string) (*tensors.Tensor, error) {
	var flat []float32
	d := -1
	for i, it := range items {
		v, ok := it.Features[kind]
		if !ok || len(v) == 0 {
			return nil, fmt.Errorf("classifier: sample %d (%s) has no %q features", i, it.Species, kind)
		}
		if d >= 0 && len(v) != d {
			return nil, fmt.Errorf("classifier: sample %d (%s) has %d %q values, others %d", i, it.Species, len(v), kind, d)
		}
		d = len(v)
		flat = append(flat, Pooled(v, c.pool)...)
	}
	return tensors.FromFlatDataAndDimensions(flat, len(items), len(flat)/len(items)), nil
}

// Pooled averages v over windows of pool points and scales the result to
// length √D (unit length would make the first layer's inputs tiny).
func Pooled(v []float64, pool int) []float32 {
	n := (len(v) + pool - 1) / pool
	out := make([]float32, n)
	ss := 0.0
	for i := range out {
		s, k := 0.0, 0
		for j := i * pool; j < min(len(v), (i+1)*pool); j++ {
			s += v[j]
			k++
		}
		m := s / float64(k)
		out[i] = float32(m)
		ss += m * m
	}
	if ss > 0 {
		scale := float32(math.Sqrt(float64(n) / ss))
		for i := range out {
			out[i] *= scale
		}
	}
	return out
}

// CrossValidate trains and tests the classifier over folds and returns the
// pooled confusion matrix of all held-out predictions. split
// collection.Random deals samples into folds at random, collection.BySpecies
// keeps a species' samples in one fold (so every test species is unseen, and
// for label eval.Species nothing can be right: use it for the class). Labels present only in a test fold count as
// errors, as they would in use.
func CrossValidate(b backends.Backend, items []eval.Labelled, kind string, label eval.Label, split collection.Split, folds int, settings string, seed uint64) (eval.Confusion, error) {
	conf := eval.NewConfusion(items, label)
	fold := Folds(items, split, folds, seed)
	// The folds train at once, as many as there are cores: one small
	// training keeps about one core busy on the pure-Go backend, and each
	// fold's model depends only on its own data and the seed, so the pooled
	// matrix is the same in any order.
	preds := make([][]string, folds)
	tests := make([][]eval.Labelled, folds)
	errs := make([]error, folds)
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for f := range folds {
		var trainI []eval.Labelled
		for i, it := range items {
			if fold[i] == f {
				tests[f] = append(tests[f], it)
			} else {
				trainI = append(trainI, it)
			}
		}
		if len(tests[f]) == 0 || len(trainI) == 0 {
			tests[f] = nil // nothing to train on or to test: the fold adds no prediction
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			c, err := Train(b, trainI, kind, label, settings)
			if err == nil {
				preds[f], err = c.Predict(tests[f], kind)
			}
			errs[f] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return conf, err
	}
	for f := range folds {
		for i, it := range tests[f] {
			conf.Add(it.Label(label), preds[f][i])
		}
	}
	return conf, nil
}

// Folds assigns each item a fold in [0, k): by species
// (collection.BySpecies: all samples of a species share a fold) or at random.
// Deterministic for a seed.
func Folds(items []eval.Labelled, split collection.Split, k int, seed uint64) []int {
	rng := rand.New(rand.NewPCG(seed, 0xc1a5))
	out := make([]int, len(items))
	if split != collection.BySpecies {
		perm := rng.Perm(len(items))
		for i, p := range perm {
			out[p] = i % k
		}
		return out
	}
	var species []string
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.Species] {
			seen[it.Species] = true
			species = append(species, it.Species)
		}
	}
	sort.Strings(species)
	rng.Shuffle(len(species), func(i, j int) { species[i], species[j] = species[j], species[i] })
	of := map[string]int{}
	for i, s := range species {
		of[s] = i % k
	}
	for i, it := range items {
		out[i] = of[it.Species]
	}
	return out
}

// catch turns a panic from graph building (GoMLX reports errors by panicking)
// into the function's returned error.
func catch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("classifier: %w", e)
			return
		}
		*err = fmt.Errorf("classifier: %v", r)
	}
}
