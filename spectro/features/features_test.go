package features

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// twoLines is a spectrum of two Lorentzian-ish lines on a 512-point grid.
func twoLines(shift float64) *spectro.Spectrum {
	g := spectro.Grid{Start: 100, Stop: 1500, N: 512}
	xs := g.Points()
	y := make([]float64, len(xs))
	for i, x := range xs {
		y[i] = 1/(1+math.Pow((x-500-shift)/8, 2)) + 0.6/(1+math.Pow((x-1000)/12, 2))
	}
	s, err := spectro.FromGrid(spectro.Raman, g, y)
	if err != nil {
		panic(err)
	}
	return s
}

func TestFitFindsTheLines(t *testing.T) {
	s := twoLines(0)
	table := Fit(s.X, s.Y, 4)
	if len(table) < 2 {
		t.Fatalf("%d lines fitted, want the 2 there are: %v", len(table), table)
	}
	found := map[int]bool{}
	for _, p := range table {
		for i, want := range []float64{500, 1000} {
			if math.Abs(p.Center-want) < 2 && p.Height > 0.3 {
				found[i] = true
			}
		}
	}
	if len(found) != 2 {
		t.Errorf("lines at 500 and 1000 not both found: %v", table)
	}
	if Fit(s.X, make([]float64, len(s.X)), 4) != nil {
		t.Error("a flat spectrum fitted lines")
	}
}

func TestHashKeysValuesAndSettings(t *testing.T) {
	a, b := twoLines(0), twoLines(0.001)
	if Hash(a.X, a.Y, 4) != Hash(a.X, a.Y, 4) {
		t.Error("the same fit hashes differently")
	}
	for name, h := range map[string]string{"other values": Hash(b.X, b.Y, 4), "other k": Hash(a.X, a.Y, 5), "other grid": Hash(a.X[1:], a.Y[1:], 4)} {
		if h == Hash(a.X, a.Y, 4) {
			t.Errorf("%s: same key", name)
		}
	}
}

// A disk cache survives its value (a new process opens the file anew),
// merges what another process stored meanwhile, replaces a damaged file,
// and Off keeps nothing.
func TestDiskCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "fits.gob.gz")
	s := twoLines(0)
	first := Tables([]*spectro.Spectrum{s}, 4, OpenDisk(path))
	key := Hash(s.X, s.Y, 4)
	if got, ok := OpenDisk(path).Lookup(key); !ok || !reflect.DeepEqual(got, first[0]) {
		t.Fatalf("the fit is not in the file: %v %v", ok, got)
	}
	// Two processes storing different fits: the file holds both.
	p1, p2 := OpenDisk(path), OpenDisk(path)
	p1.Lookup(key) // loaded before the other's write
	p2.Store(map[string]spectro.PeakTable{"other": {{Center: 1, Height: 1, FWHM: 1}}})
	p1.Store(map[string]spectro.PeakTable{"mine": {{Center: 2, Height: 1, FWHM: 1}}})
	for _, k := range []string{key, "other", "mine"} {
		if _, ok := OpenDisk(path).Lookup(k); !ok {
			t.Errorf("%s lost in the merge", k)
		}
	}
	if err := os.WriteFile(path, []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := OpenDisk(path)
	if _, ok := c.Lookup(key); ok {
		t.Error("a damaged file gave a fit")
	}
	c.Store(map[string]spectro.PeakTable{key: first[0]})
	if _, ok := OpenDisk(path).Lookup(key); !ok {
		t.Error("the damaged file was not replaced")
	}
	Off.Store(map[string]spectro.PeakTable{key: first[0]})
	if _, ok := Off.Lookup(key); ok || OpenDisk("") != Off || Off.Path() != "" {
		t.Error("Off keeps fits")
	}
}

// FitAll fits each request once, in memo and on disk, and Shared hands a
// process's fits to the next caller.
func TestFitAllAndShared(t *testing.T) {
	a, b := twoLines(0), twoLines(3)
	memo, keep := Shared()
	reqs := []Request{{Key{a, 4}, a.X, a.Y}, {Key{b, 4}, b.X, b.Y}, {Key{a, 4}, a.X, a.Y}}
	if err := FitAll(context.Background(), reqs, memo, Off); err != nil {
		t.Fatal(err)
	}
	if len(memo) < 2 || memo[Key{a, 4}] == nil || memo[Key{b, 4}] == nil {
		t.Fatalf("memo after FitAll: %v", memo)
	}
	keep(memo)
	next, _ := Shared()
	if !reflect.DeepEqual(next[Key{a, 4}], memo[Key{a, 4}]) {
		t.Error("the next caller does not see the fit")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := twoLines(7)
	if err := FitAll(ctx, []Request{{Key{c, 4}, c.X, c.Y}}, Memo{}, Off); err == nil {
		t.Error("a cancelled batch reported no error")
	}
}
