package model

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/features"
)

// Peak fits survive the process in the cache file: a second preparation
// (a new process: a new cache value on the same file) reads them instead of
// fitting, with the same examples; a damaged cache file does not fail it.
func TestPeakFitsCachedOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fits.gob.gz")
	trainP, _ := tinyData(t)
	pairs := trainP[:4]
	first, err := Prepare(context.Background(), pairs, spectro.Infrared, spectro.Raman, 4, features.OpenDisk(path))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("no cache file written: %v", err)
	}
	xs := spectro.DefaultGrid(spectro.Infrared).Points()
	if _, ok := features.OpenDisk(path).Lookup(features.Hash(xs, first[0].srcY, 4)); !ok {
		t.Fatal("the first source's fit is not in the cache file")
	}
	again, err := Prepare(context.Background(), pairs, spectro.Infrared, spectro.Raman, 4, features.OpenDisk(path))
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if !reflect.DeepEqual(first[i].SrcPeaks, again[i].SrcPeaks) || !reflect.DeepEqual(first[i].TgtCenters, again[i].TgtCenters) {
			t.Fatalf("pair %d: cached peak tables differ from fitted ones", i)
		}
	}
	if err := os.WriteFile(path, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(context.Background(), pairs[:1], spectro.Infrared, spectro.Raman, 4, features.OpenDisk(path)); err != nil {
		t.Fatalf("a damaged cache file must not fail preparation: %v", err)
	}
	if _, ok := features.OpenDisk(path).Lookup(features.Hash(xs, first[0].srcY, 4)); !ok {
		t.Error("the damaged cache file was not replaced")
	}
}
