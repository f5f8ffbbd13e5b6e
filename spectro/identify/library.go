package identify

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Entry is one reference spectrum of a library.
type Entry struct {
	Modality spectro.Modality
	Species  string // mineral name, e.g. "Calcite"
	Key      string // sample key, the RRUFF id stem "R050127"
	Name     string // the file it came from (base name), for reports
	Formula  string // ideal chemistry in RRUFF markup, e.g. "CaCO_3_"
	// Y is the spectrum on its modality's grid, min-max scaled to [0, 1],
	// 0 outside the measured range Lo..Hi (grid indices, inclusive).
	Y      []float32
	Lo, Hi int
}

// Library is a searchable set of reference spectra, per modality on the
// grids it was built with.
type Library struct {
	Grids   map[spectro.Modality]spectro.Grid
	Entries []Entry
	// Thresholds are the calibrated "not in the library" decisions, by
	// modality set and score (see Calibrate); empty until calibrated.
	Thresholds []Threshold

	views    []*views // per entry, derived on demand (prepare)
	elements []map[string]bool
}

// minOverlap is the share of the unknown's measured range an entry must
// cover to be compared at all: a far-infrared entry (50–700 cm⁻¹) matching a
// mid-infrared unknown over 400–700 alone says little.
const minOverlap = 0.5

// NewLibrary builds a library from entries (kept, not copied) on the grids
// given (nil: the protocol's default grids).
func NewLibrary(entries []Entry, grids map[spectro.Modality]spectro.Grid) (*Library, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("identify: empty library")
	}
	if grids == nil {
		grids = defaultGrids()
	}
	l := &Library{Grids: grids, Entries: entries}
	for i, e := range entries {
		g, ok := grids[e.Modality]
		if !ok {
			return nil, fmt.Errorf("identify: entry %d (%s) is %s, which the library has no grid for", i, e.Name, e.Modality)
		}
		if len(e.Y) != g.N || e.Lo < 0 || e.Hi >= g.N || e.Hi-e.Lo < 2 {
			return nil, fmt.Errorf("identify: entry %d (%s) has %d points measured over %d–%d, want %d points and a range of at least 3", i, e.Name, len(e.Y), e.Lo, e.Hi, g.N)
		}
	}
	l.prepare()
	return l, nil
}

// defaultGrids are the protocol's grid of every modality.
func defaultGrids() map[spectro.Modality]spectro.Grid {
	grids := map[spectro.Modality]spectro.Grid{}
	for _, m := range spectro.Modalities {
		grids[m] = spectro.DefaultGrid(m)
	}
	return grids
}

func (l *Library) prepare() {
	l.views = make([]*views, len(l.Entries))
	l.elements = make([]map[string]bool, len(l.Entries))
	for i := range l.Entries {
		e := &l.Entries[i]
		l.views[i] = newViews(e.Modality, l.Grids[e.Modality], e.Y, e.Lo, e.Hi)
		l.elements[i] = map[string]bool{}
		for el := range chem.ParseFormula(e.Formula).Elements {
			l.elements[i][el] = true
		}
	}
}

// Len is the number of entries.
func (l *Library) Len() int { return len(l.Entries) }

// Modalities are the modalities the library holds spectra of, in the
// project's order.
func (l *Library) Modalities() []spectro.Modality {
	var out []spectro.Modality
	for _, m := range spectro.Modalities {
		for _, e := range l.Entries {
			if e.Modality == m {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// Species is the number of distinct species.
func (l *Library) Species() int {
	seen := map[string]bool{}
	for _, e := range l.Entries {
		seen[collection.MineralKey(e.Species)] = true
	}
	return len(seen)
}

// Count is the number of entries of modality m.
func (l *Library) Count(m spectro.Modality) int {
	n := 0
	for _, e := range l.Entries {
		if e.Modality == m {
			n++
		}
	}
	return n
}

// EntryOf puts one spectrum into library form on grid g: resampled, min-max
// scaled, with its measured range. The spectrum must overlap the grid.
func EntryOf(s *spectro.Spectrum, g spectro.Grid) (Entry, error) {
	if s.Len() < 2 {
		return Entry{}, fmt.Errorf("%s: %d points, need 2", s.Name(), s.Len())
	}
	lo, hi := s.Range()
	ilo := int(math.Ceil(g.Index(lo) - 1e-9))
	ihi := int(math.Floor(g.Index(hi) + 1e-9))
	ilo, ihi = max(ilo, 0), min(ihi, g.N-1)
	if ihi-ilo < 2 {
		return Entry{}, fmt.Errorf("%s: measured %g–%g, which leaves under 3 points of the %s grid %v", s.Name(), lo, hi, s.Modality, g)
	}
	r, err := s.Resample(g)
	if err != nil {
		return Entry{}, err
	}
	y := r.Y[ilo : ihi+1]
	minY, maxY := y[0], y[0]
	for _, v := range y {
		minY, maxY = min(minY, v), max(maxY, v)
	}
	if !(maxY > minY) {
		return Entry{}, fmt.Errorf("%s: constant over the %s grid's range", s.Name(), s.Modality)
	}
	e := Entry{Modality: s.Modality, Species: s.Meta.Mineral, Name: baseName(s.Meta.Source), Formula: s.Meta.Chemistry,
		Y: make([]float32, g.N), Lo: ilo, Hi: ihi}
	for i := ilo; i <= ihi; i++ {
		e.Y[i] = float32((r.Y[i] - minY) / (maxY - minY))
	}
	if id := s.Meta.RRUFFID; id != "" {
		stem, _, _ := strings.Cut(id, "-")
		e.Key = strings.ToUpper(stem)
	}
	return e, nil
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// FromCollection builds a library of every spectrum of the collection's
// samples of the given modalities (nil: all) that covers at least half its
// grid, with the sample's species, key and formula. Species-level reference
// samples (AMCSD patterns) are included: they are references by nature.
func FromCollection(c *collection.Collection, modalities []spectro.Modality, grids map[spectro.Modality]spectro.Grid) (*Library, error) {
	if grids == nil {
		grids = defaultGrids()
	}
	if modalities == nil {
		modalities = spectro.Modalities
	}
	var entries []Entry
	for _, s := range c.Samples {
		for _, m := range modalities {
			for _, sp := range s.Spectra[m] {
				if !collection.Covers(sp, grids[m], collection.MinCoverage) {
					continue
				}
				e, err := EntryOf(sp, grids[m])
				if err != nil {
					continue // flat on the grid: nothing to match
				}
				e.Species, e.Key, e.Formula = s.Mineral, s.Key, s.Chemistry
				entries = append(entries, e)
			}
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("identify: %s holds no spectrum of %v that covers half its grid", c.Dir, modalities)
	}
	sort.SliceStable(entries, func(a, b int) bool {
		if entries[a].Modality != entries[b].Modality {
			return modalityOrder(entries[a].Modality) < modalityOrder(entries[b].Modality)
		}
		return entries[a].Key < entries[b].Key
	})
	return NewLibrary(entries, grids)
}

func modalityOrder(m spectro.Modality) int {
	for i, x := range spectro.Modalities {
		if x == m {
			return i
		}
	}
	return len(spectro.Modalities)
}

// Spectrum returns entry i as a spectrum on its grid's measured range, with
// its species, RRUFF id and formula.
func (l *Library) Spectrum(i int) *spectro.Spectrum {
	e := l.Entries[i]
	g := l.Grids[e.Modality]
	x, y := make([]float64, 0, e.Hi-e.Lo+1), make([]float64, 0, e.Hi-e.Lo+1)
	for j := e.Lo; j <= e.Hi; j++ {
		x, y = append(x, g.At(j)), append(y, float64(e.Y[j]))
	}
	return &spectro.Spectrum{Modality: e.Modality, X: x, Y: y,
		Meta: spectro.Metadata{Mineral: e.Species, RRUFFID: e.Key, Chemistry: e.Formula, Source: e.Name}}
}
