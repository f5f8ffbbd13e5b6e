package pretrained_test

import (
	"fmt"
	"os"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/spectrogen-go/spectrogen/datasets/examples"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/identify"
	"github.com/spectrogen-go/spectrogen/spectro/pretrained"
)

// TestMain gives the package's tests and examples a cache folder of their
// own: pretrained models unpack into the user's cache, which tests must not touch.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pretrained-test-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// A real infrared spectrum (calcite R050009, one of the shipped examples,
// which neither the library nor the model has seen) identified by the shipped
// reference library and turned into Raman by the shipped model, then set
// beside the Raman spectrum RRUFF measured on the same sample.
func Example() {
	ex, err := examples.RRUFF()
	if err != nil {
		panic(err)
	}
	var ir, measured *spectro.Spectrum
	for _, s := range ex.Samples {
		if s.Mineral == "Calcite" {
			ir, measured = s.Spectra[spectro.Infrared][0], s.Spectra[spectro.Raman][0]
		}
	}
	lib, err := pretrained.IdentifyLibrary()
	if err != nil {
		panic(err)
	}
	res, err := lib.Search([]*spectro.Spectrum{ir}, identify.Options{Top: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println("identified as", res.Hits[0].Species)

	gen, err := pretrained.Load("rruff", "") // infrared → Raman is its primary direction
	if err != nil {
		panic(err)
	}
	out, err := gen.Generate([]*spectro.Spectrum{ir}, 0, 1)
	if err != nil {
		panic(err)
	}
	truth, err := measured.OnGrid(spectro.DefaultGrid(spectro.Raman))
	if err != nil {
		panic(err)
	}
	fmt.Printf("generated Raman against the measured one: r %.2f\n", stat.Correlation(out[0].Mean.Y, truth.Y, nil))
	// Output:
	// identified as Calcite
	// generated Raman against the measured one: r 0.96
}
