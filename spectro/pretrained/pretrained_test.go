package pretrained

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/examples"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func useTempCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	return dir
}

// The shipped model loads through the Go API and translates the example
// infrared spectra, reporting its neighbours; none of the examples is in its
// library.
func TestShippedModelGenerates(t *testing.T) {
	useTempCache(t)
	if !Has("rruff") || len(Names()) == 0 {
		t.Fatalf("shipped models: %v", Names())
	}
	g, err := Load("rruff", "")
	if err != nil {
		t.Fatal(err)
	}
	if g.From() != spectro.Infrared || g.To() != spectro.Raman || g.Library == nil {
		t.Fatalf("rruff translates %s → %s, library %v", g.From(), g.To(), g.Library != nil)
	}
	if n := len(g.Directions()); n != 6 {
		t.Fatalf("rruff translates %v, want all six directions", g.Directions())
	}
	col, err := examples.RRUFF()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, s := range col.Samples {
		keys[s.Key] = true
	}
	for _, d := range g.Directions() {
		gd, err := g.For(d.From, d.To)
		if err != nil {
			t.Fatal(err)
		}
		if gd.Library == nil || gd.Info.Band == nil {
			t.Errorf("%s: library %v, calibrated band %v", d, gd.Library != nil, gd.Info.Band != nil)
			continue
		}
		for _, e := range gd.Library.Entries {
			if keys[e.Key] {
				t.Errorf("%s: example sample %s is in the shipped library", d, e.Key)
			}
		}
		pairs := col.Pairs(d.From, d.To)
		if len(pairs) == 0 {
			t.Errorf("%s: no example pair", d)
			continue
		}
		var srcs []*spectro.Spectrum
		for _, p := range pairs {
			srcs = append(srcs, p.Source)
		}
		out, err := gd.Generate(srcs, 3, 1)
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range out {
			if len(o.Neighbours) == 0 || len(o.Expected) != spectro.DefaultGridPoints || !o.Calibrated || o.Mean.Modality != d.To {
				t.Errorf("%s %s: %d neighbours, %d points, calibrated %v, %s", d, srcs[i].Name(), len(o.Neighbours), len(o.Expected), o.Calibrated, o.Mean.Modality)
			}
		}
	}
	// The embedded model stays small enough to ship in the program.
	size := 0
	fs.WalkDir(models, "models/rruff", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			size += int(info.Size())
		}
		return err
	})
	if size > 15<<20 {
		t.Errorf("the shipped model is %.1f MB, more than 15", float64(size)/(1<<20))
	}
}

// Unpacking happens once, atomically, also with two callers at once.
func TestDirUnpacksOnce(t *testing.T) {
	cache := useTempCache(t)
	var wg sync.WaitGroup
	dirs := make([]string, 4)
	errs := make([]error, 4)
	for i := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = Dir("rruff")
		}()
	}
	wg.Wait()
	for i := range dirs {
		if errs[i] != nil || dirs[i] != dirs[0] {
			t.Fatalf("call %d: %q, %v (first %q)", i, dirs[i], errs[i], dirs[0])
		}
	}
	if !strings.HasPrefix(dirs[0], cache) {
		t.Errorf("unpacked to %s, outside the user cache %s", dirs[0], cache)
	}
	if !model.IsModelDir(dirs[0]) {
		t.Errorf("%s is not a model folder", dirs[0])
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dirs[0]), ".rruff-unpack*"))
	if len(left) != 0 {
		t.Errorf("temporary folders left behind: %v", left)
	}
	if _, err := Dir("nope"); err == nil {
		t.Error("an unknown model name was accepted")
	}
	if _, err := Resolve("nope"); err == nil || !strings.Contains(err.Error(), "no shipped model") {
		t.Errorf("Resolve(nope): %v", err)
	}
	if d, err := Resolve(cache); err != nil || d != cache {
		t.Errorf("Resolve(folder) = %q, %v", d, err)
	}
	os.RemoveAll(dirs[0])
}
