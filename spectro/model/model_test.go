package model

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/train/optimizers"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// The differentiable renderer draws exactly what spectro.PeakTable draws.
func TestRenderMatchesPeakTable(t *testing.T) {
	b := backend.MustNew("")
	n := 201
	c, w, h, eta := []float32{0.3, 0.62}, []float32{0.02, 0.05}, []float32{1, 0.4}, []float32{0.2, 0.9}
	exec := MustNewExec(b, func(c, w, h, e *Node) *Node { return Render(Lines{c, w, h, e}, n) })
	got := tensors.MustCopyFlatData[float32](exec.MustExec1(
		tensors.FromFlatDataAndDimensions(c, 1, 2), tensors.FromFlatDataAndDimensions(w, 1, 2),
		tensors.FromFlatDataAndDimensions(h, 1, 2), tensors.FromFlatDataAndDimensions(eta, 1, 2)))
	var table spectro.PeakTable
	for k := range c {
		table = append(table, spectro.Peak{Center: float64(c[k]), FWHM: float64(w[k]), Height: float64(h[k]), Eta: float64(eta[k])})
	}
	want := table.Render(spectro.Grid{Start: 0, Stop: 1, N: n}.Points())
	for i := range want {
		if math.Abs(float64(got[i])-want[i]) > 2e-5 {
			t.Fatalf("point %d: rendered %g, peak table %g", i, got[i], want[i])
		}
	}
}

// Generation renders the decoder's lines outside the graph: renderLines
// draws what the graph's Render draws (here with narrow lines near the edges,
// an all-Lorentzian and an all-Gaussian one, a zero height and a scale).
func TestRenderLinesMatchesRender(t *testing.T) {
	b := backend.MustNew("")
	n := 1024
	c := []float32{0.001, 0.3, 0.62, 0.999, 0.5}
	w := []float32{0.004, 0.02, 0.05, 0.01, 0.3}
	h := []float32{0.8, 1, 0.4, 0.6, 0}
	eta := []float32{0, 0.2, 0.9, 1, 0.5}
	k := len(c)
	exec := MustNewExec(b, func(c, w, h, e *Node) *Node { return Render(Lines{c, w, h, e}, n) })
	want := tensors.MustCopyFlatData[float32](exec.MustExec1(
		tensors.FromFlatDataAndDimensions(c, 1, k), tensors.FromFlatDataAndDimensions(w, 1, k),
		tensors.FromFlatDataAndDimensions(h, 1, k), tensors.FromFlatDataAndDimensions(eta, 1, k)))
	const scale = 0.7
	got := make([]float32, n)
	for i := range got {
		got[i] = 0.25 // renderLines adds to what is there
	}
	renderLines(got, scale, c, w, h, eta)
	for i := range want {
		if d := math.Abs(float64(got[i]-0.25) - scale*float64(want[i])); d > 2e-6 {
			t.Fatalf("point %d: renderLines %g, Render × %g = %g", i, got[i]-0.25, scale, scale*want[i])
		}
	}
}

// Generation draws the decoder's lines outside the graph; what it returns is
// what the training graph draws, for every way lines enter a spectrum: free
// and anchored lines, background, template, and the retrieval blend (whose
// gate scales the lines).
func TestGenerationRendersAsTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	col := smallCollection(t)
	for _, set := range []string{"anchors=true;template=true;baseline=4", "anchors=true;retrieval_k=3;retrieval_blend=true;residual=true"} {
		dir := t.TempDir()
		if _, err := Train(TrainConfig{Collection: col, OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: 6,
			Settings: tiny + ";" + set, Log: io.Discard}); err != nil {
			t.Fatal(err)
		}
		g, err := Load(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		var srcs []*spectro.Spectrum
		for _, s := range col.Samples[:5] {
			srcs = append(srcs, s.Spectra[spectro.Infrared][0])
		}
		outside, err := g.Generate(srcs, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := g.compiled()
		if err != nil {
			t.Fatal(err)
		}
		if ex.dec, err = g.newDecoderExec(true); err != nil {
			t.Fatal(err)
		}
		inGraph, err := g.Generate(srcs, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i := range outside {
			a, b := outside[i].Mean.Y, inGraph[i].Mean.Y
			for j := range a {
				if math.Abs(a[j]-b[j]) > 1e-5*(1+math.Abs(b[j])) {
					t.Fatalf("%s: spectrum %d point %d: drawn outside the graph %g, in it %g", set, i, j, a[j], b[j])
				}
			}
		}
	}
}

// Gradient check of the renderer: autodiff against central differences.
func TestRenderGradient(t *testing.T) {
	b := backend.MustNew("")
	n := 64
	weights := make([]float32, n)
	for i := range weights {
		weights[i] = float32(math.Sin(float64(i) / 5))
	}
	loss := func(c, w, h, e *Node) *Node {
		return ReduceAllSum(Mul(Render(Lines{c, w, h, e}, n), Const(c.Graph(), [][]float32{weights})))
	}
	grad := MustNewExec(b, func(c, w, h, e *Node) []*Node { return Gradient(loss(c, w, h, e), c, w, h, e) })
	value := MustNewExec(b, func(c, w, h, e *Node) *Node { return loss(c, w, h, e) })
	params := [][]float32{{0.4}, {0.08}, {0.7}, {0.35}}
	tens := func(p [][]float32) []any {
		out := make([]any, 4)
		for i := range p {
			out[i] = tensors.FromFlatDataAndDimensions(append([]float32(nil), p[i]...), 1, 1)
		}
		return out
	}
	gs := grad.MustExec(tens(params)...)
	for i, name := range []string{"centre", "width", "height", "eta"} {
		analytic := float64(tensors.MustCopyFlatData[float32](gs[i])[0])
		const h = 1e-3
		plus, minus := tens(params), tens(params)
		plus[i] = tensors.FromFlatDataAndDimensions([]float32{params[i][0] + h}, 1, 1)
		minus[i] = tensors.FromFlatDataAndDimensions([]float32{params[i][0] - h}, 1, 1)
		fp := float64(tensors.MustCopyFlatData[float32](value.MustExec1(plus...))[0])
		fm := float64(tensors.MustCopyFlatData[float32](value.MustExec1(minus...))[0])
		numeric := (fp - fm) / (2 * h)
		if math.Abs(analytic-numeric) > 2e-2*math.Max(1, math.Abs(numeric)) {
			t.Errorf("d/d%s: autodiff %g, numeric %g", name, analytic, numeric)
		}
	}
}

// tiny is a small, fast configuration for tests.
// smallCollection is the synthetic dataset at one species per class and
// three samples each: enough pairs for the tests that train small models.
func smallCollection(t *testing.T) *collection.Collection {
	t.Helper()
	c := synth.DefaultConfig()
	c.SpeciesPerClass, c.SamplesPerSpecies = 1, 3
	col, err := synth.Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	return col
}

const tiny = "dropout=0;hidden=32;hidden2=16;latent_dim=4;peaks=6;in_peaks=4;batch_size=8;eval_every=2;checkpoint_every=2;kl_warmup_steps=4"

func tinyData(t *testing.T) (trainP, valP []collection.Pair) {
	col := smallCollection(t)
	return collection.SplitPairs(col.Pairs(spectro.Infrared, spectro.Raman), collection.BySpecies, 0.3, 1)
}

func trainTiny(t *testing.T, dir string, steps int, set string, trainP, valP []collection.Pair) (*Summary, error) {
	return Train(TrainConfig{OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: steps, Settings: set,
		TrainPairs: trainP, ValPairs: valP, Log: io.Discard})
}

func generateOne(t *testing.T, dir string, src *spectro.Spectrum) []float64 {
	g, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.Generate([]*spectro.Spectrum{src}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return out[0].Mean.Y
}

func TestDeterministicAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three small models")
	}
	trainP, valP := tinyData(t)
	src := valP[0].Source
	root := t.TempDir()
	a, b, c := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	for _, d := range []string{a, b} {
		if _, err := trainTiny(t, d, 6, tiny, trainP, valP); err != nil {
			t.Fatal(err)
		}
	}
	ya, yb := generateOne(t, a, src), generateOne(t, b, src)
	for i := range ya {
		if ya[i] != yb[i] {
			t.Fatalf("same seed, different models (point %d: %g vs %g)", i, ya[i], yb[i])
		}
	}
	// Interrupted after 4 steps and resumed: the next step equals the
	// uninterrupted run's step 5 (weights, Adam moments, global step and batch
	// order restored); later steps draw other random noise (see Train).
	a5 := filepath.Join(root, "a5")
	if _, err := trainTiny(t, a5, 5, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	if _, err := trainTiny(t, c, 4, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	s, err := trainTiny(t, c, 5, "", trainP, valP)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Resumed || s.StartStep != 4 || s.Steps != 5 {
		t.Errorf("resume summary %+v", s)
	}
	y5, yc := generateOne(t, a5, src), generateOne(t, c, src)
	for i := range y5 {
		if y5[i] != yc[i] {
			t.Fatalf("resumed model differs at point %d: %g vs %g", i, yc[i], y5[i])
		}
	}
	// Asking for more steps than done trains on; asking for fewer is a no-op.
	if s, err = trainTiny(t, c, 7, "", trainP, valP); err != nil || s.Steps != 7 {
		t.Fatalf("continuing to 7: %+v %v", s, err)
	}
	if s, err = trainTiny(t, c, 3, "", trainP, valP); err != nil || s.Steps != 7 {
		t.Fatalf("asking for 3 steps of a 7-step model: %+v %v", s, err)
	}
	info, err := ReadInfo(c)
	if err != nil || info.From != spectro.Infrared || info.Data.TrainPairs != len(trainP) || info.Training.Steps != 7 {
		t.Errorf("model.json: %+v %v", info, err)
	}
}

func TestNaNGuardKeepsLastGoodCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	trainP, valP := tinyData(t)
	dir := t.TempDir()
	if _, err := trainTiny(t, dir, 2, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	// Resume with an absurd learning rate: training must stop with a clear error
	// and keep the step-2 checkpoint.
	_, err := trainTiny(t, dir, 40, "checkpoint_every=1;learning_rate=1e20", trainP, valP)
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("want ErrNonFinite, got %v", err)
	}
	// The last checkpoint saved before the divergence loads and generates finite values.
	y := generateOne(t, dir, valP[0].Source)
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("the kept checkpoint generates %g at point %d", v, i)
		}
	}
}

func TestBrokenCheckpointIsSetAside(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	trainP, valP := tinyData(t)
	dir := t.TempDir()
	if _, err := trainTiny(t, dir, 4, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	// Simulate a crash while writing a newer checkpoint: an empty JSON and a truncated data file.
	ck := filepath.Join(dir, "checkpoints")
	os.WriteFile(filepath.Join(ck, "checkpoint-n9999-20990101-000000-step-00000099.json"), nil, 0o644)
	os.WriteFile(filepath.Join(ck, "checkpoint-n9999-20990101-000000-step-00000099.bin"), []byte{1, 2}, 0o644)
	y := generateOne(t, dir, valP[0].Source)
	if len(y) != 1024 {
		t.Fatalf("generated %d points", len(y))
	}
	if _, err := os.Stat(filepath.Join(ck, "broken", "checkpoint-n9999-20990101-000000-step-00000099.json")); err != nil {
		t.Errorf("the broken checkpoint was not set aside: %v", err)
	}
}

func TestGenerateBandAndPeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	trainP, valP := tinyData(t)
	dir := t.TempDir()
	if _, err := trainTiny(t, dir, 4, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	g, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	srcs := []*spectro.Spectrum{valP[0].Source, valP[1].Source}
	out, err := g.Generate(srcs, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		if o.Mean.Len() != 1024 || len(o.Lower) != 1024 || len(o.Peaks) == 0 || len(o.Peaks) > 6+4 || o.Mean.Modality != spectro.Raman {
			t.Fatalf("shapes: %d points, band %d, %d peaks", o.Mean.Len(), len(o.Lower), len(o.Peaks))
		}
		for i := range o.Lower {
			if o.Lower[i] > o.Upper[i] {
				t.Fatalf("band inverted at %d", i)
			}
		}
		for _, p := range o.Peaks {
			if p.Center < 100 || p.Center > 1500 || p.FWHM <= 0 || p.Height < 0 || p.Height > 1 || p.Eta < 0 || p.Eta > 1 {
				t.Errorf("peak out of range: %+v", p)
			}
		}
	}
	if _, err := g.Generate([]*spectro.Spectrum{valP[0].Target}, 0, 0); err == nil {
		t.Error("a Raman input to an infrared → Raman model should be an error")
	}
}

// A model initialised from another starts from its weights: with a zero
// learning rate it generates what the other does, and counts its own steps.
func TestInitFromModel(t *testing.T) {
	if testing.Short() {
		t.Skip("trains small models")
	}
	trainP, valP := tinyData(t)
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	if _, err := trainTiny(t, a, 4, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	s, err := Train(TrainConfig{OutDir: b, Init: a, From: spectro.Infrared, To: spectro.Raman, Steps: 2, Settings: "learning_rate=0",
		TrainPairs: trainP, ValPairs: valP, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if s.Resumed || s.StartStep != 0 || s.Steps != 2 {
		t.Errorf("fine-tuning summary %+v", s)
	}
	src := valP[0].Source
	ya, yb := generateOne(t, a, src), generateOne(t, b, src)
	for i := range ya {
		if math.Abs(ya[i]-yb[i]) > 1e-6 {
			t.Fatalf("point %d: initial model %g, fine-tuned with lr 0 %g", i, ya[i], yb[i])
		}
	}
	if info, err := ReadInfo(b); err != nil || info.Init != a {
		t.Errorf("model.json init: %+v %v", info, err)
	}
	if _, err := Train(TrainConfig{OutDir: filepath.Join(root, "c"), Init: a, From: spectro.Raman, To: spectro.Infrared, Steps: 1,
		TrainPairs: trainP, ValPairs: valP, Log: io.Discard}); err == nil {
		t.Error("initialising a raman → infrared model from an infrared → raman one was accepted")
	}
}

// With cosine_schedule_steps set, the learning rate decays over that many
// steps towards cosine_schedule_min_learning_rate (GoMLX's cosine schedule);
// without it, it stays where it was set.
func TestCosineSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small models")
	}
	col := smallCollection(t)
	for _, tc := range []struct {
		set      string
		lo, high float64
	}{
		{"learning_rate=0.01", 0.01, 0.01},
		// the 6th step (index 5 of 8) sets 0.001 + 0.009·(1 + cos(5π/8))/2 ≈ 0.00378
		{"learning_rate=0.01;cosine_schedule_steps=8;cosine_schedule_min_learning_rate=0.001", 0.0037, 0.0039},
	} {
		dir := t.TempDir()
		if _, err := Train(TrainConfig{Collection: col, OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: 6,
			Settings: tiny + ";" + tc.set, Log: io.Discard}); err != nil {
			t.Fatal(err)
		}
		g, err := Load(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		v := g.ctx.Checked(false).In(optimizers.Scope).GetVariable(optimizers.ParamLearningRate)
		if v == nil {
			t.Fatalf("%s: no learning-rate variable in the saved model", tc.set)
		}
		lr := float64(tensors.MustCopyFlatData[float32](v.MustValue())[0])
		if lr < tc.lo-1e-6 || lr > tc.high+1e-6 {
			t.Errorf("%s: learning rate %g after 6 steps, want [%g, %g]", tc.set, lr, tc.lo, tc.high)
		}
	}
}

// The training summary's history holds the validation loss and its terms at
// each evaluation, and the terms add up to the loss: reconstruction +
// peak_weight·peak + β·KL, with β warming up as kl_warmup_steps says.
func TestLossTermsHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	col := smallCollection(t)
	trainP, valP := collection.SplitPairs(col.Pairs(spectro.Infrared, spectro.Raman), collection.BySpecies, 0.3, 1)
	sum, err := Train(TrainConfig{OutDir: t.TempDir(), From: spectro.Infrared, To: spectro.Raman, Steps: 6,
		Settings: tiny + ";kl_weight=0.01;self_weight=0", TrainPairs: trainP, ValPairs: valP, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.History) != 3 { // eval_every=2 in tiny
		t.Fatalf("%d evaluations in the history, want 3: %+v", len(sum.History), sum.History)
	}
	for _, h := range sum.History {
		want := 0.01 * math.Min(float64(h.Step)/4, 1) // kl_warmup_steps=4 in tiny
		if math.Abs(h.Beta-want) > 1e-12 {
			t.Errorf("step %d: β %g, want %g", h.Step, h.Beta, want)
		}
		total := float64(h.Reconstruction) + h.PeakWeight*float64(h.Peak) + h.Beta*float64(h.KL)
		if math.Abs(total-float64(h.Loss)) > 1e-3*math.Abs(float64(h.Loss)) {
			t.Errorf("step %d: terms add up to %g, the loss is %g (%+v)", h.Step, total, h.Loss, h)
		}
	}
}
