package datasets

import (
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Synthetic is the name Load gives the embedded synthetic dataset.
const Synthetic = "synthetic"

// Load reads what a --data argument names: folders, RRUFF zip archives or
// single files, comma-separated (see samples.Load), or the synthetic dataset
// for "" or "synthetic".
func Load(spec string) (*collection.Collection, error) {
	if spec == "" || spec == Synthetic {
		return synth.Generate(synth.DefaultConfig())
	}
	return samples.Load(spec, samples.Options{})
}
