package pretrained

import (
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
	col, err := examples.RRUFF()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, s := range col.Samples {
		keys[s.Key] = true
	}
	for _, e := range g.Library.Entries {
		if keys[e.Key] {
			t.Errorf("example sample %s is in the shipped library", e.Key)
		}
	}
	var srcs []*spectro.Spectrum
	for _, s := range col.Samples {
		srcs = append(srcs, s.Spectra[spectro.Infrared][0])
	}
	out, err := g.Generate(srcs, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range out {
		if len(o.Neighbours) == 0 || len(o.Expected) != spectro.DefaultGridPoints {
			t.Errorf("%s: %d neighbours, %d points", srcs[i].Name(), len(o.Neighbours), len(o.Expected))
		}
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
	if _, err := model.ReadInfo(dirs[0]); err != nil {
		t.Error(err)
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
