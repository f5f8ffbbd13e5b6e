package model

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func resetDiskFits() {
	diskFits.Lock()
	diskFits.loaded, diskFits.m = false, nil
	diskFits.Unlock()
}

// Peak fits survive the process in the cache file: a second preparation
// reads them instead of fitting, with the same examples; a damaged cache
// file is ignored and replaced; "off" keeps nothing.
func TestPeakFitsCachedOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fits.gob.gz")
	t.Setenv("SPECTRO_FIT_CACHE", path)
	resetDiskFits()
	defer resetDiskFits()
	trainP, _ := tinyData(t)
	pairs := trainP[:4]
	first, err := Prepare(context.Background(), pairs, spectro.Infrared, spectro.Raman, 4)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("no cache file written: %v", err)
	}
	resetDiskFits() // a new process
	xs := spectro.DefaultGrid(spectro.Infrared).Points()
	if _, ok := lookupFit(fitHash(xs, first[0].srcY, 4)); !ok {
		t.Fatal("the first source's fit is not in the cache file")
	}
	again, err := Prepare(context.Background(), pairs, spectro.Infrared, spectro.Raman, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if !reflect.DeepEqual(first[i].SrcPeaks, again[i].SrcPeaks) || !reflect.DeepEqual(first[i].TgtCenters, again[i].TgtCenters) {
			t.Fatalf("pair %d: cached peak tables differ from fitted ones", i)
		}
	}

	os.WriteFile(path, []byte("damaged"), 0o644)
	resetDiskFits()
	if _, err := Prepare(context.Background(), pairs[:1], spectro.Infrared, spectro.Raman, 4); err != nil {
		t.Fatalf("a damaged cache file must not fail preparation: %v", err)
	}
	if m := readFitFile(path); len(m) == 0 {
		t.Error("the damaged cache file was not replaced")
	}

	t.Setenv("SPECTRO_FIT_CACHE", "off")
	resetDiskFits()
	if fitCachePath() != "" {
		t.Error("SPECTRO_FIT_CACHE=off still names a file")
	}
}
