package identify

import (
	"fmt"
	"io"
	"math"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/gobfile"
)

// maxGridPoints bounds a saved library's grids, so a damaged file cannot ask
// for gigabytes.
const maxGridPoints = 1 << 16

// fileVersion changes when the layout of a saved library does.
const fileVersion = 1

// stored is a saved library: each entry's measured range in 16 bits (steps
// of 1.5·10⁻⁵, far below a measured spectrum's noise; 8 bits would be too
// coarse for the Contrast score's square root near zero), gob-encoded and
// gzipped.
type stored struct {
	Version    int
	Grids      map[spectro.Modality]spectro.Grid
	Modality   []spectro.Modality
	Species    []string
	Key, Name  []string
	Formula    []string
	Lo         []int
	Y          [][]uint16 // Lo..Hi
	Thresholds []Threshold
}

// Save writes the library to path atomically.
func (l *Library) Save(path string) error {
	st := stored{Version: fileVersion, Grids: l.Grids, Thresholds: l.Thresholds}
	for _, e := range l.Entries {
		st.Modality = append(st.Modality, e.Modality)
		st.Species, st.Key, st.Name, st.Formula = append(st.Species, e.Species), append(st.Key, e.Key), append(st.Name, e.Name), append(st.Formula, e.Formula)
		st.Lo = append(st.Lo, e.Lo)
		q := make([]uint16, e.Hi-e.Lo+1)
		for i := range q {
			q[i] = uint16(math.Round(float64(min(max(e.Y[e.Lo+i], 0), 1)) * 65535))
		}
		st.Y = append(st.Y, q)
	}
	return gobfile.Write(path, st)
}

// Load reads a library written by Save.
func Load(path string) (*Library, error) { return gobfile.Open(path, Read) }

// Read decodes a library from r (the format Save writes).
func Read(r io.Reader) (*Library, error) {
	var st stored
	if err := gobfile.Read(r, &st, "reference library"); err != nil {
		return nil, err
	}
	if st.Version != fileVersion {
		return nil, fmt.Errorf("reference library version %d; this program reads version %d", st.Version, fileVersion)
	}
	for m, g := range st.Grids {
		if err := g.Validate(); err != nil || g.N > maxGridPoints {
			return nil, fmt.Errorf("reference library is damaged: %s grid %v", m, g)
		}
	}
	n := len(st.Modality)
	if len(st.Species) != n || len(st.Key) != n || len(st.Name) != n || len(st.Formula) != n || len(st.Lo) != n || len(st.Y) != n {
		return nil, fmt.Errorf("reference library is damaged: field lengths differ")
	}
	entries := make([]Entry, n)
	for i := range entries {
		g, ok := st.Grids[st.Modality[i]]
		if !ok || st.Lo[i] < 0 || st.Lo[i]+len(st.Y[i]) > g.N {
			return nil, fmt.Errorf("reference library is damaged: entry %d (%s) lies outside its grid", i, st.Name[i])
		}
		y := make([]float32, g.N)
		for j, v := range st.Y[i] {
			y[st.Lo[i]+j] = float32(v) / 65535
		}
		entries[i] = Entry{Modality: st.Modality[i], Species: st.Species[i], Key: st.Key[i], Name: st.Name[i], Formula: st.Formula[i],
			Y: y, Lo: st.Lo[i], Hi: st.Lo[i] + len(st.Y[i]) - 1}
	}
	l, err := NewLibrary(entries, st.Grids)
	if err != nil {
		return nil, err
	}
	l.Thresholds = st.Thresholds
	return l, nil
}
