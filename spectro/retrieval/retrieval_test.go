package retrieval

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// band returns a spectrum of n points with unit Gaussian bands at the given
// centres (grid indices) on a sloping background.
func band(n int, slope float32, centres ...float64) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = slope * float32(i) / float32(n)
		for _, c := range centres {
			d := (float64(i) - c) / 4
			out[i] += float32(math.Exp(-d * d))
		}
	}
	return out
}

func testLibrary(t *testing.T) *Library {
	t.Helper()
	lib, err := New([]Entry{
		{Key: "R1", Species: "Calcite", Name: "calcite-1", Source: band(256, 0, 50, 120), Target: band(128, 0, 30)},
		{Key: "R2", Species: "Calcite", Name: "calcite-2", Source: band(256, 0.5, 51, 121), Target: band(128, 0, 31)},
		{Key: "R3", Species: "Quartz", Name: "quartz", Source: band(256, 0, 200), Target: band(128, 0, 90)},
		{Key: "R4", Species: "Gypsum", Name: "gypsum", Source: band(256, 0, 20, 230), Target: band(128, 0, 60)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

func TestNearest(t *testing.T) {
	lib := testLibrary(t)
	q := band(256, 0.9, 50, 120) // calcite-like, another background slope
	tests := []struct {
		name      string
		k         int
		skip      func(Entry) bool
		wantFirst string
		wantLen   int
	}{
		{"nearest is the same bands despite the background", 2, nil, "R1", 2},
		{"own sample skipped", 2, func(e Entry) bool { return e.Key == "R1" }, "R2", 2},
		{"own species skipped", 3, func(e Entry) bool { return e.Species == "Calcite" }, "", 2},
		{"k larger than the library", 10, nil, "R1", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := lib.Nearest(q, tc.k, 0.05, tc.skip)
			if len(nb) != tc.wantLen {
				t.Fatalf("got %d neighbours, want %d", len(nb), tc.wantLen)
			}
			if tc.wantFirst != "" && nb[0].Key != tc.wantFirst {
				t.Errorf("first neighbour %s, want %s", nb[0].Key, tc.wantFirst)
			}
			sum := 0.0
			for j, n := range nb {
				sum += n.Weight
				if j > 0 && n.Similarity > nb[j-1].Similarity {
					t.Errorf("neighbours not sorted by similarity: %v", nb)
				}
				if tc.skip != nil && tc.skip(lib.Entries[n.Index]) {
					t.Errorf("skipped entry %s returned", n.Key)
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("weights add up to %g", sum)
			}
		})
	}
}

func TestAverageFollowsWeights(t *testing.T) {
	lib := testLibrary(t)
	nb := lib.Nearest(band(256, 0, 50, 120), 2, 1e-3, nil) // sharp: all weight on R1
	avg := lib.Average(nb)
	for i, v := range lib.Entries[0].Target {
		if math.Abs(float64(avg[i]-v)) > 1e-3 {
			t.Fatalf("point %d: average %g, want R1's %g (weights %v)", i, avg[i], v, nb)
		}
	}
	if d := Describe(nb, 1); !strings.HasPrefix(d, "Calcite R1 1.00") || !strings.Contains(d, "1 more") {
		t.Errorf("Describe = %q", d)
	}
}

func TestNewRejectsMixedLengths(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("empty library accepted")
	}
	_, err := New([]Entry{{Source: make([]float32, 4), Target: make([]float32, 2)}, {Name: "odd", Source: make([]float32, 3), Target: make([]float32, 2)}})
	if err == nil || !strings.Contains(err.Error(), "odd") {
		t.Errorf("mixed lengths: err = %v, want one naming the entry", err)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	lib := testLibrary(t)
	path := filepath.Join(t.TempDir(), FileName)
	if err := lib.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != lib.Len() {
		t.Fatalf("%d entries back, want %d", back.Len(), lib.Len())
	}
	for i, e := range lib.Entries {
		b := back.Entries[i]
		if b.Key != e.Key || b.Species != e.Species || b.Name != e.Name {
			t.Errorf("entry %d: %+v back as %+v", i, e.Key, b.Key)
		}
		for j := range e.Target {
			want := min(max(e.Target[j], 0), 1)
			if math.Abs(float64(b.Target[j]-want)) > 0.5/255+1e-7 { // 8-bit steps
				t.Fatalf("entry %d target point %d: %g back as %g", i, j, want, b.Target[j])
			}
		}
	}
	q := band(256, 0, 200)
	if a, b := lib.Nearest(q, 1, 0.05, nil)[0].Key, back.Nearest(q, 1, 0.05, nil)[0].Key; a != b {
		t.Errorf("nearest before saving %s, after %s", a, b)
	}
}

func TestLoadDamaged(t *testing.T) {
	dir := t.TempDir()
	lib := testLibrary(t)
	good := filepath.Join(dir, "good")
	if err := lib.Save(good); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	for name, content := range map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("not a library"),
		"truncated": data[:len(data)/2],
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, content, 0o644)
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
}

func TestDescribeGroupsBySample(t *testing.T) {
	nb := []Neighbour{
		{Key: "R2", Species: "Calcite", Weight: 0.3},
		{Key: "R1", Species: "Calcite", Weight: 0.25},
		{Key: "R1", Species: "Calcite", Weight: 0.25},
		{Key: "R3", Species: "Dolomite", Weight: 0.2},
	}
	if got, want := Describe(nb, 2), "Calcite R1 0.50, Calcite R2 0.30, … (1 more)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

// Libraries written before the 8-bit layout (16-bit spectra, float64 space)
// still read, with their values.
func TestReadsVersion2(t *testing.T) {
	st := stored{Version: 2, Keys: []string{"R1", "R2"}, Species: []string{"A", "B"}, Nam: []string{"a", "b"}, SourceOf: []int{0, 1},
		Sources: [][]uint16{{0, 65535}, {65535, 0}}, Targets: [][]uint16{{32768, 0, 1}, {0, 65535, 0}},
		ProjMean: []float64{0.5, 0.5}, ProjW: []float64{1, 0, 0, 1}, ProjCols: 2, ProjWeight: 0.3}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(st); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	lib, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if lib.Len() != 2 || !lib.Learned() || lib.Entries[1].Source[0] != 1 || math.Abs(float64(lib.Entries[0].Target[0])-0.5) > 1e-4 {
		t.Errorf("version 2 library read as %+v", lib.Entries)
	}
}
