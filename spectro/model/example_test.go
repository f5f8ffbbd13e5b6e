package model_test

import (
	"fmt"
	"io"
	"os"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// Train an infrared → Raman model (a few steps, on the synthetic dataset),
// load it back, and generate a Raman spectrum with its uncertainty band and
// its lines from an infrared one.
func Example() {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "model-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	if _, err := model.Train(model.TrainConfig{Collection: col, OutDir: dir, From: spectro.Infrared, To: spectro.Raman,
		Steps: 20, Settings: "eval_every=10;checkpoint_every=20", Log: io.Discard}); err != nil {
		panic(err)
	}
	g, err := model.Load(dir, "") // "" : $GOMLX_BACKEND, else the pure-Go backend
	if err != nil {
		panic(err)
	}
	ir := col.Samples[0].Spectra[spectro.Infrared][0]
	out, err := g.Generate([]*spectro.Spectrum{ir}, 16, 1) // 16 latent samples for the band
	if err != nil {
		panic(err)
	}
	gen := out[0]
	fmt.Printf("%v → %v: %d points, a 5–95%% band of %d, a peak table: %v\n",
		g.From(), g.To(), gen.Mean.Len(), len(gen.Lower), len(gen.Peaks) > 0)
	// Output:
	// infrared → raman: 1024 points, a 5–95% band of 1024, a peak table: true
}
