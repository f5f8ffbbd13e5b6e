package retrieval

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds damaged neighbour libraries (the file a saved model carries)
// to the reader: it must return a library that answers look-ups, or an
// error, and never panic.
func FuzzRead(f *testing.F) {
	lib, err := New([]Entry{
		{Key: "R1", Species: "Calcite", Name: "a", Source: []float32{0, 1, 0, 0}, Target: []float32{1, 0, 0}},
		{Key: "R2", Species: "Quartz", Name: "b", Source: []float32{0, 0, 1, 0}, Target: []float32{0, 1, 0}},
	})
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "lib.gob.gz")
	if err := lib.Save(path); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	f.Add(good)
	f.Add(good[:len(good)/2])
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("not a gob stream"))
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		src := l.Entries[0].Source
		nb := l.Nearest(src, 3, 0.05, nil)
		if len(nb) == 0 {
			t.Fatalf("a library of %d entries found no neighbour", l.Len())
		}
		if avg := l.Average(nb); len(avg) != len(l.Entries[0].Target) {
			t.Fatalf("average of %d points, targets have %d", len(avg), len(l.Entries[0].Target))
		}
	})
}
