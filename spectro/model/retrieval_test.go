package model

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/ui/commandline"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// A retrieval model trains, saves its neighbour library (training and
// validation pairs), and reports the neighbours each generated spectrum drew
// on; its exported copy generates the same spectra.
func TestRetrievalModel(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	for _, rerank := range []bool{false, true} {
		t.Run(map[bool]string{false: "similarity", true: "learned re-ranking"}[rerank], func(t *testing.T) {
			testRetrievalModel(t, fmt.Sprintf("%s;retrieval_k=3;retrieval_rerank=%v", tiny, rerank))
		})
	}
	t.Run("learned comparison space", func(t *testing.T) {
		testRetrievalModel(t, tiny+";retrieval_k=3;retrieval_learned=4;retrieval_learned_weight=0.5")
	})
	t.Run("fixed cosine only", func(t *testing.T) {
		testRetrievalModel(t, tiny+";retrieval_k=3;retrieval_learned=0")
	})
}

func testRetrievalModel(t *testing.T, set string) {
	trainP, valP := tinyData(t)
	dir := filepath.Join(t.TempDir(), "rag")
	if _, err := trainTiny(t, dir, 6, set, trainP, valP); err != nil {
		t.Fatal(err)
	}
	lib, err := retrieval.Load(filepath.Join(dir, retrieval.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if want := !strings.Contains(set, "retrieval_learned=0"); lib.Learned() != want {
		t.Errorf("saved library learned a comparison space: %v, want %v", lib.Learned(), want)
	}
	if lib.Len() != len(trainP)+len(valP) {
		t.Errorf("library holds %d pairs, want the %d training and validation pairs", lib.Len(), len(trainP)+len(valP))
	}
	g, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	src := valP[0].Source
	out, err := g.Generate([]*spectro.Spectrum{src}, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	nb := out[0].Neighbours
	if len(nb) != 3 {
		t.Fatalf("%d neighbours reported, want 3", len(nb))
	}
	sum := 0.0
	for _, n := range nb {
		sum += n.Weight
		if n.Key == "" || n.Species == "" {
			t.Errorf("neighbour without a name: %+v", n)
		}
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Errorf("neighbour weights add up to %g", sum)
	}
	if gate := out[0].RetrievalGate; !(gate > 0 && gate < 1) {
		t.Errorf("gate %g, want in (0, 1)", gate)
	}
	for _, v := range out[0].Expected {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatal("non-finite generated value")
		}
	}

	// The slim export (no optimizer state) generates exactly the same.
	exp := filepath.Join(t.TempDir(), "export")
	if err := Export(dir, exp); err != nil {
		t.Fatal(err)
	}
	a, b := generateOne(t, dir, src), generateOne(t, exp, src)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("exported model differs at point %d: %g vs %g", i, a[i], b[i])
		}
	}
}

// Training examples never retrieve their own sample, and their new-species
// lists never their own species.
func TestAttachNeighboursLeavesOutOwnSampleAndSpecies(t *testing.T) {
	trainP, _ := tinyData(t)
	exs, err := OnGrids(trainP, spectro.Infrared, spectro.Raman)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := NewLibrary(exs)
	if err != nil {
		t.Fatal(err)
	}
	attachNeighbours(exs, lib, 4, 0.05, true)
	for _, e := range exs {
		if len(e.Nbrs) == 0 || len(e.NbrsNewSpecies) == 0 {
			t.Fatalf("%s: no neighbours", e.Key)
		}
		for _, n := range e.Nbrs {
			if n.Key == e.Key {
				t.Errorf("%s retrieved its own sample", e.Key)
			}
		}
		for _, n := range e.NbrsNewSpecies {
			if collection.MineralKey(n.Species) == collection.MineralKey(e.Species) {
				t.Errorf("%s (%s): new-species list holds %s of the same species", e.Key, e.Species, n.Key)
			}
		}
	}
}

func TestRetrievalParamsChecked(t *testing.T) {
	for _, set := range []string{"retrieval_k=-1", "retrieval_k=2;retrieval_tau=0", "retrieval_k=2;retrieval_new_species=2", "retrieval_k=2;modalities=infrared,raman", "retrieval_k=2;retrieval_learned=-1", "retrieval_k=2;retrieval_learned_weight=1.5"} {
		ctx := CreateDefaultContext()
		if err := setParams(ctx, set); err != nil {
			t.Fatal(err)
		}
		if err := CheckParams(ctx); err == nil {
			t.Errorf("%q accepted", set)
		}
	}
}

func setParams(ctx *context.Context, set string) error {
	_, err := commandline.ParseContextSettings(ctx, set)
	return err
}

// Peak fits are kept across trainings in a process (cross-validation folds
// fit each spectrum once).
func TestPeakFitsSharedAcrossTrainings(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	trainP, valP := tinyData(t)
	if _, err := trainTiny(t, filepath.Join(t.TempDir(), "m"), 2, tiny, trainP, valP); err != nil {
		t.Fatal(err)
	}
	c, _ := features.Shared()
	if _, ok := c[features.Key{S: trainP[0].Source, K: 4}]; !ok {
		t.Errorf("the source's peak fit (in_peaks=4) is not in the shared cache (%d entries)", len(c))
	}
}
