package experiment

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Without a model, one item per sample with its measured source and target
// on the evaluation grids; with pairs missing, the source alone.
func TestLabelledWithoutModel(t *testing.T) {
	col, err := synth.Generate(synth.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	items, kinds, _, err := Labelled(col, spectro.Infrared, spectro.Raman, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kinds, []string{"source", "target"}) || len(items) != len(col.Samples) {
		t.Fatalf("kinds %v, %d items for %d samples", kinds, len(items), len(col.Samples))
	}
	it, s := items[0], col.Samples[0]
	want, _ := s.Spectra[spectro.Raman][0].OnGrid(spectro.DefaultGrid(spectro.Raman))
	if it.Species != s.Mineral || it.Class != string(s.Class) || !reflect.DeepEqual(it.Features["target"], want.Y) {
		t.Errorf("first item %s/%s does not hold the first sample's Raman spectrum", it.Species, it.Class)
	}
	// Infrared alone: no pairs, the source only.
	only := &collection.Collection{Dir: "ir-only"}
	for _, s := range col.Samples[:10] {
		c := *s
		c.Spectra = map[spectro.Modality][]*spectro.Spectrum{spectro.Infrared: s.Spectra[spectro.Infrared]}
		only.Samples = append(only.Samples, &c)
	}
	items, kinds, _, err = Labelled(only, spectro.Infrared, spectro.Raman, nil)
	if err != nil || len(items) != 10 || !reflect.DeepEqual(kinds, []string{"source"}) {
		t.Errorf("infrared only: %d items, kinds %v, %v", len(items), kinds, err)
	}
	if _, _, _, err := Labelled(&collection.Collection{Dir: "empty"}, spectro.Infrared, spectro.Raman, nil); err == nil {
		t.Error("an empty collection gave items")
	}
}

func TestSessionDir(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", "/gonb/session")
	if got := SessionDir("nb03"); got != "/gonb/session/nb03" {
		t.Errorf("under GoNB: %s", got)
	}
	t.Setenv("GONB_TMP_DIR", "")
	t.Setenv("GONB_JUPYTER_KERNEL_ID", "k1")
	if got, want := SessionDir("nb03"), filepath.Join(os.TempDir(), "nb03-k1"); got != want {
		t.Errorf("elsewhere: %s, want %s", got, want)
	}
}
