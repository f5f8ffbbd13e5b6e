package identify

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Range is an x interval lo ≤ x ≤ hi in a modality's units.
type Range struct{ Lo, Hi float64 }

// Options steer a search.
type Options struct {
	Top   int   // hits to return (0: 10)
	Score Score // how to compare (zero value: Auto)
	// Ranges narrows the comparison per modality (absent: everything both
	// spectra measured); Exclude masks regions out (e.g. the 2,350 cm⁻¹ CO₂
	// band of an infrared spectrum).
	Ranges  map[spectro.Modality]Range
	Exclude map[spectro.Modality][]Range
	// Elements keeps entries whose formula has every one of these elements;
	// NotElements drops entries whose formula has any of them.
	Elements, NotElements []string
	// Skip passes over entries (nil: none), e.g. the unknown's own sample
	// when measuring the search.
	Skip func(Entry) bool
}

// Hit is one ranked answer.
type Hit struct {
	Rank    int     `json:"rank"`
	HQI     float64 `json:"hqi"` // 0–100, 100 identical (see the package doc)
	Species string  `json:"species"`
	Key     string  `json:"rruff_id"`
	Formula string  `json:"formula,omitempty"`
	// Matches are the entries behind the hit, one per modality of the
	// unknown (for a single spectrum: one), with the range compared.
	Matches []Match `json:"matches"`
}

// Match is one library entry compared with one spectrum of the unknown.
type Match struct {
	Entry    int              `json:"-"`
	Modality spectro.Modality `json:"modality"`
	Key      string           `json:"rruff_id"` // the entry's sample (in a joint search, not always the hit's)
	Name     string           `json:"file"`
	HQI      float64          `json:"hqi"`
	Range    Range            `json:"range"` // the x range compared
}

// Result is a ranked hit list.
type Result struct {
	Score      Score              `json:"-"`
	ScoreName  string             `json:"score"`
	Modalities []spectro.Modality `json:"modalities"`
	Hits       []Hit              `json:"hits"`
	Compared   int                `json:"compared"` // entries compared (after filters)
	// InLibrary is the calibrated verdict on the top hit (nil: the library
	// has no threshold for this score and these modalities).
	InLibrary *Verdict `json:"in_library,omitempty"`
}

// Verdict says whether an unknown is likely of a species the library holds.
type Verdict struct {
	Likely    bool    `json:"likely"`
	TopHQI    float64 `json:"top_hqi"`
	Threshold float64 `json:"threshold"` // top HQIs below it are called "not in the library"
	// FalseAlarm and Detection are the rates measured when the threshold was
	// chosen: the share of known species' unknowns called "not in the
	// library", and of absent species' unknowns that were.
	FalseAlarm float64 `json:"false_alarm"`
	Detection  float64 `json:"detection"`
}

// query is one spectrum of the unknown in comparable form.
type query struct {
	v     *views
	keep  [2]int
	mask  []bool
	index int // position among the unknown's spectra
}

func (l *Library) prepareQuery(s *spectro.Spectrum, opts Options, index int) (*query, error) {
	g, ok := l.Grids[s.Modality]
	if !ok {
		return nil, fmt.Errorf("%s: the library holds no %s spectra", s.Name(), s.Modality)
	}
	e, err := EntryOf(s, g)
	if err != nil {
		return nil, err
	}
	q := &query{v: newViews(s.Modality, g, e.Y, e.Lo, e.Hi, true), keep: [2]int{0, g.N - 1}, index: index}
	if r, ok := opts.Ranges[s.Modality]; ok {
		a, b := int(math.Ceil(g.Index(r.Lo))), int(math.Floor(g.Index(r.Hi)))
		q.keep = [2]int{max(a, 0), min(b, g.N-1)}
		if q.keep[1]-q.keep[0] < 2 || q.keep[1] < e.Lo || q.keep[0] > e.Hi {
			lo, hi := s.Range()
			return nil, fmt.Errorf("%s: range %g–%g leaves nothing of the spectrum's %g–%g to compare", s.Name(), r.Lo, r.Hi, lo, hi)
		}
	}
	if ex := opts.Exclude[s.Modality]; len(ex) > 0 {
		q.mask = make([]bool, g.N)
		for _, r := range ex {
			for i := max(0, int(math.Ceil(g.Index(r.Lo)))); i <= min(g.N-1, int(math.Floor(g.Index(r.Hi)))); i++ {
				q.mask[i] = true
			}
		}
	}
	return q, nil
}

// allowed applies the element filters and Skip to entry i.
func (l *Library) allowed(i int, opts Options) bool {
	if opts.Skip != nil && opts.Skip(l.Entries[i]) {
		return false
	}
	for _, el := range opts.Elements {
		if !l.elements[i][el] {
			return false
		}
	}
	for _, el := range opts.NotElements {
		if l.elements[i][el] {
			return false
		}
	}
	return true
}

// compare scores entry i against q; ok is false when they share too little.
func (l *Library) compare(q *query, i int, s Score) (hqiValue float64, a, b int, ok bool) {
	e := l.views[i]
	a, b, ok = overlap(q.v, e, q.keep)
	if !ok {
		return 0, 0, 0, false
	}
	return hqi(s, q.v, e, a, b, q.mask), a, b, true
}

// Search ranks the library's entries against an unknown given as one or
// several spectra (of distinct modalities). With one spectrum the hits are
// samples (a sample's best spectrum); with several they are species, scored
// jointly (see the package doc).
func (l *Library) Search(unknown []*spectro.Spectrum, opts Options) (*Result, error) {
	if len(unknown) == 0 {
		return nil, fmt.Errorf("identify: no spectrum to identify")
	}
	top := opts.Top
	if top <= 0 {
		top = 10
	}
	seen := map[spectro.Modality]bool{}
	qs := make([]*query, len(unknown))
	res := &Result{Score: opts.Score, ScoreName: opts.Score.String()}
	for i, s := range unknown {
		if seen[s.Modality] {
			return nil, fmt.Errorf("%s: a second %s spectrum of one unknown; search them one at a time", s.Name(), s.Modality)
		}
		seen[s.Modality] = true
		q, err := l.prepareQuery(s, opts, i)
		if err != nil {
			return nil, err
		}
		qs[i] = q
		res.Modalities = append(res.Modalities, s.Modality)
	}
	// best[group][k]: the best match of a sample (one spectrum) or species
	// (several) for the unknown's k-th spectrum.
	type group struct {
		species, key, formula string
		best                  []Match
		found                 []bool
	}
	groups := map[string]*group{}
	var order []string
	for i, e := range l.Entries {
		var q *query
		for _, c := range qs {
			if c.v.modality == e.Modality {
				q = c
			}
		}
		if q == nil || !l.allowed(i, opts) {
			continue
		}
		h, a, b, ok := l.compare(q, i, opts.Score)
		if !ok {
			continue
		}
		res.Compared++
		id := e.Key
		if len(qs) > 1 {
			id = collection.MineralKey(e.Species)
		}
		if id == "" {
			id = e.Name
		}
		gr := groups[id]
		if gr == nil {
			gr = &group{species: e.Species, key: e.Key, formula: e.Formula, best: make([]Match, len(qs)), found: make([]bool, len(qs))}
			groups[id] = gr
			order = append(order, id)
		}
		if !gr.found[q.index] || h > gr.best[q.index].HQI {
			g := l.Grids[e.Modality]
			gr.best[q.index] = Match{Entry: i, Modality: e.Modality, Key: e.Key, Name: e.Name, HQI: h, Range: Range{g.At(a), g.At(b)}}
			gr.found[q.index] = true
			if q.index == 0 || !gr.found[0] {
				gr.key, gr.formula = e.Key, e.Formula
			}
		}
	}
	for _, id := range order {
		gr := groups[id]
		hit := Hit{Species: gr.species, Key: gr.key, Formula: gr.formula}
		for k, m := range gr.best {
			if gr.found[k] {
				hit.HQI += m.HQI
				hit.Matches = append(hit.Matches, m)
			}
		}
		hit.HQI /= float64(len(qs))
		res.Hits = append(res.Hits, hit)
	}
	sort.SliceStable(res.Hits, func(a, b int) bool { return res.Hits[a].HQI > res.Hits[b].HQI })
	if len(res.Hits) > top {
		res.Hits = res.Hits[:top]
	}
	for i := range res.Hits {
		res.Hits[i].Rank = i + 1
	}
	if len(res.Hits) == 0 {
		return res, fmt.Errorf("identify: no library entry shares enough range with %s to compare (or every entry was filtered out)", describe(unknown))
	}
	if t, ok := l.threshold(res.Modalities, opts.Score); ok {
		res.InLibrary = &Verdict{Likely: res.Hits[0].HQI >= t.HQI, TopHQI: res.Hits[0].HQI, Threshold: t.HQI, FalseAlarm: t.FalseAlarm, Detection: t.Detection}
	}
	return res, nil
}

func describe(unknown []*spectro.Spectrum) string {
	names := make([]string, len(unknown))
	for i, s := range unknown {
		names[i] = s.Name()
	}
	return strings.Join(names, " + ")
}
