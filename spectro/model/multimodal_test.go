package model

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

func tinyCollection(t *testing.T) *collection.Collection {
	col := smallCollection(t)
	return col
}

// A training dataset takes its directions in turn, each batch of one
// direction and tagged with it; an evaluation pass yields every example once.
func TestDatasetDirections(t *testing.T) {
	ir2r, r2x := Direction{spectro.Infrared, spectro.Raman}, Direction{spectro.Raman, spectro.XRD}
	var exs []Example
	for i := 0; i < 5; i++ {
		exs = append(exs, Example{Key: "a", Dir: ir2r, Src: []float32{float32(i)}, Tgt: []float32{0}, TgtCenters: make([]float32, TableSlots), TgtWeights: make([]float32, TableSlots)})
	}
	for i := 0; i < 3; i++ {
		exs = append(exs, Example{Key: "b", Dir: r2x, Src: []float32{float32(10 + i)}, Tgt: []float32{0}, TgtCenters: make([]float32, TableSlots), TgtWeights: make([]float32, TableSlots)})
	}
	train, err := NewDataset("train", exs, 2, 0, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := train.Directions(); !slices.Equal(got, []Direction{ir2r, r2x}) {
		t.Fatalf("directions %v", got)
	}
	for step := 0; step < 6; step++ {
		spec, in, _, err := train.Yield()
		if err != nil {
			t.Fatal(err)
		}
		want := []Direction{ir2r, r2x}[step%2]
		if spec != want {
			t.Fatalf("step %d: spec %v, want %v", step, spec, want)
		}
		for _, v := range in[0].Value().([][]float32) {
			if (v[0] >= 10) != (want == r2x) {
				t.Fatalf("step %d: %v batch holds example %g of the other direction", step, want, v[0])
			}
		}
	}
	eval, _ := NewDataset("eval", exs, 2, 0, false, 1)
	seen := map[float32]int{}
	batches := 0
	for {
		_, in, _, err := eval.Yield()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		batches++
		for _, v := range in[0].Value().([][]float32) {
			seen[v[0]]++
		}
	}
	// 5 examples → 3 batches (the last padded), 3 → 2 batches.
	if batches != 5 || len(seen) != 8 {
		t.Errorf("evaluation pass: %d batches, %d distinct examples", batches, len(seen))
	}
}

// A species split of a multi-modal model holds the species out of every direction.
func TestSplitSamplesHoldsSpeciesOut(t *testing.T) {
	col := tinyCollection(t)
	trainP, valP := collection.SplitPairs(col.Pairs(spectro.Infrared, spectro.Raman), collection.BySpecies, 0.3, 1)
	trainS, valS := splitSamples(col, trainP, valP, "species")
	if len(trainS)+len(valS) != len(col.Samples) || len(valS) == 0 {
		t.Fatalf("%d train + %d validation samples of %d", len(trainS), len(valS), len(col.Samples))
	}
	held := map[string]bool{}
	for _, s := range valS {
		held[s.Mineral] = true
	}
	for _, s := range trainS {
		if held[s.Mineral] {
			t.Fatalf("species %s on both sides", s.Mineral)
		}
	}
	self := DirectionPairs(trainS, Direction{spectro.XRD, spectro.XRD})
	if len(self) == 0 || self[0].Source != self[0].Target {
		t.Errorf("self-reconstruction pairs: %d", len(self))
	}
}

// One multi-modal model translates between any two of its modalities, trains
// every direction, and says which ones in model.json.
func TestMultiModalModel(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	col := tinyCollection(t)
	dir := t.TempDir()
	mods := []spectro.Modality{spectro.Infrared, spectro.Raman, spectro.XRD}
	sum, err := Train(TrainConfig{OutDir: dir, Collection: col, From: spectro.Infrared, To: spectro.Raman, Modalities: mods,
		Steps: 18, Settings: tiny, Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Steps != 18 {
		t.Errorf("trained %d steps", sum.Steps)
	}
	info, err := ReadInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Directions) != 9 || info.Directions[0] != "infrared→raman" || !slices.Equal(info.Modalities, mods) {
		t.Errorf("model.json: directions %v, modalities %v", info.Directions, info.Modalities)
	}
	g, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if g.From() != spectro.Infrared || g.To() != spectro.Raman {
		t.Errorf("primary direction %s → %s", g.From(), g.To())
	}
	s := col.Samples[0]
	for _, from := range mods {
		for _, to := range mods {
			gd, err := g.For(from, to)
			if err != nil {
				t.Fatal(err)
			}
			out, err := gd.Generate([]*spectro.Spectrum{s.Spectra[from][0]}, 4, 1)
			if err != nil {
				t.Fatalf("%s → %s: %v", from, to, err)
			}
			grid := spectro.DefaultGrid(to)
			if o := out[0]; o.Mean.Modality != to || o.Mean.X[0] != grid.Start || len(o.Upper) != grid.N {
				t.Errorf("%s → %s: generated %s from %g, band %d", from, to, o.Mean.Modality, o.Mean.X[0], len(o.Upper))
			}
		}
	}
	// A one-direction model refuses another direction.
	one := t.TempDir()
	trainP, valP := tinyData(t)
	if _, err := trainTiny(t, one, 2, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	g1, err := Load(one, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g1.For(spectro.Raman, spectro.Infrared); err == nil {
		t.Error("a one-direction model translated the other way")
	}
	// The latent alignment term: batches carry the target, the graph builds and trains.
	if s, err := Train(TrainConfig{OutDir: t.TempDir(), Collection: col, From: spectro.Infrared, To: spectro.Raman, Modalities: mods,
		Steps: 9, Settings: tiny + ";align_weight=1", Log: io.Discard}); err != nil || s.Steps != 9 {
		t.Errorf("training with align_weight=1: %+v %v", s, err)
	}
	if _, err := Train(TrainConfig{OutDir: t.TempDir(), Collection: col, From: spectro.Infrared, To: spectro.Raman,
		Settings: tiny + ";modalities=raman,xrd", Log: io.Discard}); err == nil {
		t.Error("modalities without the primary direction's were accepted")
	}
}

// Extra training data never brings back a held-out species.
func TestWithoutSpecies(t *testing.T) {
	col := tinyCollection(t)
	first := col.Samples[0].Mineral
	kept := col.WithoutSpecies([]string{" " + strings.ToUpper(first) + "-"})
	if len(kept.Samples) == 0 || len(kept.Samples) >= len(col.Samples) {
		t.Fatalf("kept %d of %d samples", len(kept.Samples), len(col.Samples))
	}
	for _, s := range kept.Samples {
		if s.Mineral == first {
			t.Fatalf("species %s kept", first)
		}
	}
}

// Scaled shows the average over latent samples when there is one (what
// evaluation scores), scaled to [0, 1] with its band; else the decoded mean.
func TestScaledPrefersExpected(t *testing.T) {
	mean := &spectro.Spectrum{Modality: spectro.Raman, X: []float64{1, 2, 3}, Y: []float64{0, 5, 10}}
	g := Generated{Mean: mean, Expected: []float64{2, 4, 6}, Lower: []float64{1, 3, 5}, Upper: []float64{3, 5, 7}}
	s, lo, hi := g.Scaled()
	if !slices.Equal(s.Y, []float64{0, 0.5, 1}) || !slices.Equal(lo, []float64{-0.25, 0.25, 0.75}) || !slices.Equal(hi, []float64{0.25, 0.75, 1.25}) {
		t.Errorf("scaled expected %v, band %v–%v", s.Y, lo, hi)
	}
	g.Expected, g.Lower, g.Upper = nil, nil, nil
	if s, lo, _ := g.Scaled(); !slices.Equal(s.Y, []float64{0, 0.5, 1}) || lo != nil || mean.Y[1] != 5 {
		t.Errorf("scaled mean %v, band %v; original changed: %v", s.Y, lo, mean.Y)
	}
}
