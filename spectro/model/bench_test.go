package model

import (
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/features"
)

// BenchmarkRender times the line renderer and its gradient at training size:
// a batch of 32 spectra of 24 lines on 1024 points (go test -bench Render).
func BenchmarkRender(b *testing.B) {
	be := backend.MustNew("")
	const batch, k, n = 32, 24, 1024
	loss := func(c, w, h, e *Node) []*Node {
		return Gradient(ReduceAllSum(Render(Lines{c, w, h, e}, n)), c, w, h, e)
	}
	exec := MustNewExec(be, loss)
	rng := rand.New(rand.NewPCG(1, 2))
	param := func(lo, hi float32) *tensors.Tensor {
		v := make([]float32, batch*k)
		for i := range v {
			v[i] = lo + (hi-lo)*rng.Float32()
		}
		return tensors.FromFlatDataAndDimensions(v, batch, k)
	}
	c, w, h, e := param(0, 1), param(0.005, 0.05), param(0, 1), param(0, 1)
	exec.MustExec(c, w, h, e) // builds the graph
	for b.Loop() {
		exec.MustExec(c, w, h, e)
	}
}

// BenchmarkTrainStep times one training step of the default model (infrared
// → Raman, batch 32) on the synthetic pairs, after 10 untimed steps that build
// the graphs; reported as ms/step.
func BenchmarkTrainStep(b *testing.B) {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	// Steps 11 to 10+N are timed: not the graph's compilation before them, nor
	// the saving and the band's calibration after them.
	var t10, tEnd time.Time
	b.StopTimer()
	_, err = Train(TrainConfig{Collection: col, OutDir: b.TempDir(), From: spectro.Infrared, To: spectro.Raman, Steps: 10 + b.N,
		Settings: "checkpoint_every=1000000;eval_every=1000000", Log: io.Discard,
		OnStep: func(step int, _, _ float64) {
			switch step {
			case 10:
				t10 = time.Now()
				b.StartTimer()
			case 10 + b.N:
				tEnd = time.Now()
				b.StopTimer()
			}
		}})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if b.N > 0 && !t10.IsZero() && !tEnd.IsZero() {
		b.ReportMetric(float64(tEnd.Sub(t10).Microseconds())/1e3/float64(b.N), "ms/step")
	}
}

// BenchmarkGenerate times generation with the default model (decoded latent
// mean) for a batch of 64 infrared spectra, their peak fits included (new
// spectra); reported as spectra/s.
func BenchmarkGenerate(b *testing.B) { benchmarkGenerate(b, false) }

// BenchmarkGenerateNetwork times the same generation with the sources' peak
// fits already in the fit cache: the network and the line rendering alone,
// what the PyTorch peer (torchpeer/peer.py) measures.
func BenchmarkGenerateNetwork(b *testing.B) { benchmarkGenerate(b, true) }

func benchmarkGenerate(b *testing.B, fitsCached bool) {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := Train(TrainConfig{Collection: col, OutDir: dir, From: spectro.Infrared, To: spectro.Raman, Steps: 2, Log: io.Discard}); err != nil {
		b.Fatal(err)
	}
	g, err := Load(dir, "")
	if err != nil {
		b.Fatal(err)
	}
	var srcs []*spectro.Spectrum
	for _, s := range col.Samples[:64] {
		srcs = append(srcs, s.Spectra[spectro.Infrared][0])
	}
	if fitsCached {
		g.SetFitCache(features.OpenDisk(filepath.Join(b.TempDir(), "fits.gob.gz")))
	} else {
		g.SetFitCache(features.Off) // every loop fits its sources, as for new spectra
	}
	if _, err := g.Generate(srcs, 0, 1); err != nil { // builds the graph (and fills the cache)
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := g.Generate(srcs, 0, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(srcs)*b.N)/b.Elapsed().Seconds(), "spectra/s")
}
