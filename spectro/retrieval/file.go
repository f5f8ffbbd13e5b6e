package retrieval

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"gonum.org/v1/gonum/mat"
)

// FileName is the library's file in a model folder.
const FileName = "library.gob.gz"

// fileVersion changes when the file layout does: version 2 adds a learned
// comparison space (written only when the library has one, so libraries
// without stay readable by programs that know version 1).
const fileVersion = 2

// stored is the file layout: spectra quantised to 16 bits (values in [0, 1],
// steps of 1.5·10⁻⁵, far below measurement noise), each distinct source
// stored once, gob-encoded and gzipped — so a library of a thousand pairs
// fits in a few megabytes and ships with a model.
type stored struct {
	Version            int
	Keys, Species, Nam []string
	SourceOf           []int // entry → index into Sources
	Sources, Targets   [][]uint16
	// The learned comparison space (version 2; empty: none).
	ProjMean, ProjW []float64 // ProjW row-major, ProjCols columns
	ProjCols        int
	ProjWeight      float64
}

func quantise(v []float32) []uint16 {
	out := make([]uint16, len(v))
	for i, x := range v {
		out[i] = uint16(math.Round(float64(min(max(x, 0), 1)) * 65535))
	}
	return out
}

func dequantise(v []uint16) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x) / 65535
	}
	return out
}

// Save writes the library to path atomically.
func (l *Library) Save(path string) error {
	st := stored{Version: 1}
	if p := l.proj; p != nil {
		r, c := p.w.Dims()
		st.Version, st.ProjMean, st.ProjCols, st.ProjWeight = 2, p.mean, c, p.weight
		st.ProjW = make([]float64, 0, r*c)
		for i := 0; i < r; i++ {
			st.ProjW = append(st.ProjW, p.w.RawRowView(i)...)
		}
	}
	seen := map[string]int{} // a sample's source is often shared by several targets
	for _, e := range l.Entries {
		st.Keys, st.Species, st.Nam = append(st.Keys, e.Key), append(st.Species, e.Species), append(st.Nam, e.Name)
		q := quantise(e.Source)
		sig := e.Key + "\x00" + fmt.Sprint(q)
		id, ok := seen[sig]
		if !ok {
			id = len(st.Sources)
			st.Sources = append(st.Sources, q)
			seen[sig] = id
		}
		st.SourceOf = append(st.SourceOf, id)
		st.Targets = append(st.Targets, quantise(e.Target))
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err := gob.NewEncoder(zw).Encode(st); err != nil {
		return fmt.Errorf("retrieval: encoding %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// Load reads a library written by Save.
func Load(path string) (*Library, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Read decodes a library from r (the format Save writes).
func Read(r io.Reader) (*Library, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a neighbour library (%v)", err)
	}
	var st stored
	if err := gob.NewDecoder(zr).Decode(&st); err != nil {
		return nil, fmt.Errorf("neighbour library is damaged: %v", err)
	}
	if st.Version < 1 || st.Version > fileVersion {
		return nil, fmt.Errorf("neighbour library version %d; this program reads version %d", st.Version, fileVersion)
	}
	n := len(st.Keys)
	if len(st.Species) != n || len(st.Nam) != n || len(st.SourceOf) != n || len(st.Targets) != n {
		return nil, fmt.Errorf("neighbour library is damaged: field lengths differ")
	}
	sources := make([][]float32, len(st.Sources))
	for i, s := range st.Sources {
		sources[i] = dequantise(s)
	}
	entries := make([]Entry, n)
	for i := range entries {
		j := st.SourceOf[i]
		if j < 0 || j >= len(sources) {
			return nil, fmt.Errorf("neighbour library is damaged: entry %d has source %d of %d", i, j, len(sources))
		}
		entries[i] = Entry{Key: st.Keys[i], Species: st.Species[i], Name: st.Nam[i], Source: sources[j], Target: dequantise(st.Targets[i])}
	}
	l, err := New(entries)
	if err != nil || st.ProjCols == 0 {
		return l, err
	}
	ns := len(entries[0].Source)
	if len(st.ProjMean) != ns || len(st.ProjW) != ns*st.ProjCols || st.ProjCols < 0 || !(st.ProjWeight >= 0 && st.ProjWeight <= 1) {
		return nil, fmt.Errorf("neighbour library is damaged: its learned embedding has the wrong shape")
	}
	l.setProjection(&projection{mean: st.ProjMean, w: mat.NewDense(ns, st.ProjCols, st.ProjW), weight: st.ProjWeight})
	return l, nil
}
