package retrieval

import (
	"fmt"
	"io"
	"math"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/gobfile"
	"gonum.org/v1/gonum/mat"
)

// FileName is the library's file in a model folder.
const FileName = "library.gob.gz"

// fileVersion changes when the file layout does: version 2 added a learned
// comparison space; version 3 stores spectra in 8 bits and the space in
// float32 (a third of the size, so a model for every direction ships in one
// program). Versions 1 and 2 are still read.
const fileVersion = 3

// stored is the file layout: spectra quantised (values in [0, 1]; version 3:
// 8 bits, steps of 0.004 — below the noise of a measured spectrum and far
// below what moves a Pearson r or a peak position; versions 1–2: 16 bits),
// each distinct source stored once, gob-encoded and gzipped.
type stored struct {
	Version            int
	Keys, Species, Nam []string
	SourceOf           []int // entry → index into Sources
	Sources, Targets   [][]uint16
	Sources8, Targets8 [][]uint8 // version 3
	// The learned comparison space (version 2 in float64, 3 in float32; empty: none).
	ProjMean, ProjW     []float64 // ProjW row-major, ProjCols columns
	ProjMean32, ProjW32 []float32
	ProjCols            int
	ProjWeight          float64
}

func quantise8(v []float32) []uint8 {
	out := make([]uint8, len(v))
	for i, x := range v {
		out[i] = uint8(math.Round(float64(min(max(x, 0), 1)) * 255))
	}
	return out
}

func dequantise8(v []uint8) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x) / 255
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
	st := stored{Version: fileVersion}
	if p := l.proj; p != nil {
		r, c := p.w.Dims()
		st.ProjCols, st.ProjWeight = c, p.weight
		st.ProjMean32 = make([]float32, len(p.mean))
		for i, v := range p.mean {
			st.ProjMean32[i] = float32(v)
		}
		st.ProjW32 = make([]float32, 0, r*c)
		for i := 0; i < r; i++ {
			for _, v := range p.w.RawRowView(i) {
				st.ProjW32 = append(st.ProjW32, float32(v))
			}
		}
	}
	seen := map[string]int{} // a sample's source is often shared by several targets
	for _, e := range l.Entries {
		st.Keys, st.Species, st.Nam = append(st.Keys, e.Key), append(st.Species, e.Species), append(st.Nam, e.Name)
		q := quantise8(e.Source)
		sig := e.Key + "\x00" + string(q)
		id, ok := seen[sig]
		if !ok {
			id = len(st.Sources8)
			st.Sources8 = append(st.Sources8, q)
			seen[sig] = id
		}
		st.SourceOf = append(st.SourceOf, id)
		st.Targets8 = append(st.Targets8, quantise8(e.Target))
	}
	return gobfile.Write(path, st)
}

// Load reads a library written by Save.
func Load(path string) (*Library, error) { return gobfile.Open(path, Read) }

// Read decodes a library from r (the format Save writes).
func Read(r io.Reader) (*Library, error) {
	var st stored
	if err := gobfile.Read(r, &st, "neighbour library"); err != nil {
		return nil, err
	}
	if st.Version < 1 || st.Version > fileVersion {
		return nil, fmt.Errorf("neighbour library version %d; this program reads version %d", st.Version, fileVersion)
	}
	n := len(st.Keys)
	var sources, targets [][]float32
	if st.Version >= 3 {
		for _, s := range st.Sources8 {
			sources = append(sources, dequantise8(s))
		}
		for _, t := range st.Targets8 {
			targets = append(targets, dequantise8(t))
		}
		st.ProjMean, st.ProjW = spectro.Float64s(st.ProjMean32), spectro.Float64s(st.ProjW32)
	} else {
		for _, s := range st.Sources {
			sources = append(sources, dequantise(s))
		}
		for _, t := range st.Targets {
			targets = append(targets, dequantise(t))
		}
	}
	if len(st.Species) != n || len(st.Nam) != n || len(st.SourceOf) != n || len(targets) != n {
		return nil, fmt.Errorf("neighbour library is damaged: field lengths differ")
	}
	entries := make([]Entry, n)
	for i := range entries {
		j := st.SourceOf[i]
		if j < 0 || j >= len(sources) {
			return nil, fmt.Errorf("neighbour library is damaged: entry %d has source %d of %d", i, j, len(sources))
		}
		entries[i] = Entry{Key: st.Keys[i], Species: st.Species[i], Name: st.Nam[i], Source: sources[j], Target: targets[i]}
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
