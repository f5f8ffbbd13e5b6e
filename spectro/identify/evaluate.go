package identify

import (
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"gonum.org/v1/gonum/stat"
)

// FalseAlarmTarget is the share of unknowns of species the library holds
// that the "not in the library" threshold may call absent: it is the
// threshold's quantile of their top HQIs.
const FalseAlarmTarget = 0.10

// Threshold is a calibrated "not in the library" decision.
type Threshold struct {
	Modalities string  `json:"modalities"` // e.g. "infrared+raman"
	Score      string  `json:"score"`
	HQI        float64 `json:"hqi"`
	// FalseAlarm and Detection were measured species-disjointly: the
	// threshold chosen on half the species, applied to the other half.
	FalseAlarm float64 `json:"false_alarm"`
	Detection  float64 `json:"detection"`
}

func modalitiesKey(ms []spectro.Modality) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m)
	}
	sort.Strings(names)
	return strings.Join(names, "+")
}

func (l *Library) threshold(ms []spectro.Modality, s Score) (Threshold, bool) {
	key := modalitiesKey(ms)
	for _, t := range l.Thresholds {
		if t.Modalities == key && t.Score == s.String() {
			return t, true
		}
	}
	return Threshold{}, false
}

// Evaluation is how well the library identifies its own spectra, by the
// protocols of the README: new samples of known species (each query's own
// sample left out; species with another sample only) and species the
// library lacks (each query's whole species left out).
type Evaluation struct {
	Modalities string `json:"modalities"`
	Score      string `json:"score"`
	// Known: top-1 and top-5 species accuracy on new samples of known species.
	Known int     `json:"known_queries"`
	Top1  float64 `json:"top1"`
	Top5  float64 `json:"top5"`
	// Absent: the "not in the library" decision (see Threshold).
	Absent    int       `json:"absent_queries"`
	Threshold Threshold `json:"threshold"`
	// Median top HQIs of the two kinds of unknown.
	KnownMedianHQI              float64 `json:"known_median_hqi"`
	AbsentMedianHQI             float64 `json:"absent_median_hqi"`
	knownTop, absentTop         []float64
	knownSpecies, absentSpecies []string
}

// unknownOf is one evaluation query: a sample's spectra of the modalities.
type unknownOf struct {
	key, species string
	spectra      []*spectro.Spectrum
}

// queries builds the evaluation unknowns of a modality set: per sample, its
// first entry of each modality (every entry, for a single modality).
func (l *Library) queries(ms []spectro.Modality) []unknownOf {
	toSpectrum := l.Spectrum
	if len(ms) == 1 {
		var out []unknownOf
		for i, e := range l.Entries {
			if e.Modality == ms[0] && e.Key != "" {
				out = append(out, unknownOf{e.Key, e.Species, []*spectro.Spectrum{toSpectrum(i)}})
			}
		}
		return out
	}
	first := map[string]map[spectro.Modality]int{}
	var keys []string
	for i, e := range l.Entries {
		if e.Key == "" {
			continue
		}
		if first[e.Key] == nil {
			first[e.Key] = map[spectro.Modality]int{}
			keys = append(keys, e.Key)
		}
		if _, ok := first[e.Key][e.Modality]; !ok {
			first[e.Key][e.Modality] = i
		}
	}
	var out []unknownOf
	for _, k := range keys {
		u := unknownOf{key: k}
		for _, m := range ms {
			i, ok := first[k][m]
			if !ok {
				break
			}
			u.species = l.Entries[i].Species
			u.spectra = append(u.spectra, toSpectrum(i))
		}
		if len(u.spectra) == len(ms) {
			out = append(out, u)
		}
	}
	return out
}

// Evaluate measures score s on unknowns of modalities ms drawn from the
// library itself (see Evaluation), on all cores.
func (l *Library) Evaluate(ms []spectro.Modality, s Score) (*Evaluation, error) {
	us := l.queries(ms)
	if len(us) == 0 {
		return nil, fmt.Errorf("identify: the library has no sample with spectra of %s", modalitiesKey(ms))
	}
	// Samples per species among the queries' kind: a known-species unknown
	// needs another sample of its species to be findable.
	samplesOf := map[string]map[string]bool{}
	for _, u := range us {
		sp := collection.MineralKey(u.species)
		if samplesOf[sp] == nil {
			samplesOf[sp] = map[string]bool{}
		}
		samplesOf[sp][u.key] = true
	}
	ev := &Evaluation{Modalities: modalitiesKey(ms), Score: s.String()}
	type outcome struct {
		known, absent       bool
		top1, top5          bool
		knownTop, absentTop float64
	}
	out := make([]outcome, len(us))
	var wg sync.WaitGroup
	jobs := make(chan int)
	var firstErr error
	var mu sync.Mutex
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				u := us[i]
				sp := collection.MineralKey(u.species)
				o := &out[i]
				if len(samplesOf[sp]) >= 2 {
					res, err := l.Search(u.spectra, Options{Top: 5, Score: s, Skip: func(e Entry) bool { return e.Key == u.key }})
					if err == nil {
						o.known, o.knownTop = true, res.Hits[0].HQI
						for r, h := range res.Hits {
							if collection.MineralKey(h.Species) == sp {
								o.top1 = o.top1 || r == 0
								o.top5 = true
							}
						}
					} else {
						mu.Lock()
						firstErr = err
						mu.Unlock()
					}
				}
				res, err := l.Search(u.spectra, Options{Top: 1, Score: s, Skip: func(e Entry) bool { return collection.MineralKey(e.Species) == sp }})
				if err == nil {
					o.absent, o.absentTop = true, res.Hits[0].HQI
				}
			}
		}()
	}
	for i := range us {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var top1, top5 int
	for i, o := range out {
		sp := collection.MineralKey(us[i].species)
		if o.known {
			ev.Known++
			ev.knownTop = append(ev.knownTop, o.knownTop)
			ev.knownSpecies = append(ev.knownSpecies, sp)
			if o.top1 {
				top1++
			}
			if o.top5 {
				top5++
			}
		}
		if o.absent {
			ev.Absent++
			ev.absentTop = append(ev.absentTop, o.absentTop)
			ev.absentSpecies = append(ev.absentSpecies, sp)
		}
	}
	if ev.Known == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fmt.Errorf("identify: no species of %s has two samples in the library", modalitiesKey(ms))
	}
	ev.Top1, ev.Top5 = float64(top1)/float64(ev.Known), float64(top5)/float64(ev.Known)
	ev.KnownMedianHQI, ev.AbsentMedianHQI = median(ev.knownTop), median(ev.absentTop)
	ev.Threshold = calibrate(ev)
	ev.Threshold.Modalities, ev.Threshold.Score = ev.Modalities, ev.Score
	return ev, nil
}

// calibrate chooses the "not in the library" threshold as the
// FalseAlarmTarget quantile of known unknowns' top HQIs, and measures it
// species-disjointly: chosen on one half of the species (by a hash of the
// name), its false alarms and detections counted on the other, both ways.
func calibrate(ev *Evaluation) Threshold {
	t := Threshold{HQI: quantile(ev.knownTop, FalseAlarmTarget)}
	half := func(sp string) int {
		h := fnv.New32a()
		h.Write([]byte(sp))
		return int(h.Sum32() % 2)
	}
	var alarms, knownN, detected, absentN int
	for side := range 2 {
		var fit []float64
		for i, v := range ev.knownTop {
			if half(ev.knownSpecies[i]) == side {
				fit = append(fit, v)
			}
		}
		if len(fit) == 0 {
			continue
		}
		thr := quantile(fit, FalseAlarmTarget)
		for i, v := range ev.knownTop {
			if half(ev.knownSpecies[i]) != side {
				knownN++
				if v < thr {
					alarms++
				}
			}
		}
		for i, v := range ev.absentTop {
			if half(ev.absentSpecies[i]) != side {
				absentN++
				if v < thr {
					detected++
				}
			}
		}
	}
	if knownN > 0 {
		t.FalseAlarm = float64(alarms) / float64(knownN)
	}
	if absentN > 0 {
		t.Detection = float64(detected) / float64(absentN)
	}
	return t
}

// SetThreshold stores t, replacing the threshold of the same modalities and
// score.
func (l *Library) SetThreshold(t Threshold) {
	for i, old := range l.Thresholds {
		if old.Modalities == t.Modalities && old.Score == t.Score {
			l.Thresholds[i] = t
			return
		}
	}
	l.Thresholds = append(l.Thresholds, t)
}

// ModalitySets are the sets of modalities an unknown may come in that the
// library can be measured on: each modality alone, then every combination
// of two or three it holds, in the project's order.
func (l *Library) ModalitySets() [][]spectro.Modality {
	ms := l.Modalities()
	var sets [][]spectro.Modality
	for size := 1; size <= len(ms); size++ {
		for mask := 1; mask < 1<<len(ms); mask++ {
			var set []spectro.Modality
			for i, m := range ms {
				if mask&(1<<i) != 0 {
					set = append(set, m)
				}
			}
			if len(set) == size {
				sets = append(sets, set)
			}
		}
	}
	return sets
}

// Calibrate evaluates the library on every modality set it can
// (ModalitySets; a set no species has two samples of is passed over) with score s
// and stores the thresholds, replacing earlier ones for s.
func (l *Library) Calibrate(s Score) ([]*Evaluation, error) {
	var evs []*Evaluation
	sets := l.ModalitySets()
	kept := l.Thresholds[:0]
	for _, t := range l.Thresholds {
		if t.Score != s.String() {
			kept = append(kept, t)
		}
	}
	l.Thresholds = kept
	for _, ms := range sets {
		ev, err := l.Evaluate(ms, s)
		if err != nil {
			continue // e.g. no species with two XRD samples
		}
		evs = append(evs, ev)
		l.SetThreshold(ev.Threshold)
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("identify: no modality of the library has a species with two samples to calibrate on")
	}
	return evs, nil
}

func quantile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return stat.Quantile(p, stat.LinInterp, s, nil)
}

func median(v []float64) float64 { return quantile(v, 0.5) }

// OutsideEvaluation is the library measured on spectra it does not hold:
// samples of species it has (top-1, top-5) and of species it lacks (the
// "not in the library" decision at the library's calibrated threshold).
type OutsideEvaluation struct {
	Modality   spectro.Modality `json:"modality"`
	Score      string           `json:"score"`
	Known      int              `json:"known_species_queries"`
	Top1       float64          `json:"top1"`
	Top5       float64          `json:"top5"`
	Absent     int              `json:"absent_species_queries"`
	Detection  float64          `json:"detection"`   // absent-species queries called "not in the library"
	FalseAlarm float64          `json:"false_alarm"` // known-species queries called so
	Skipped    int              `json:"skipped"`     // queries of samples the library holds
}

// EvaluateOutside searches every modality-m spectrum of c whose sample the
// library does not hold (by key) and scores the answers against its species.
func (l *Library) EvaluateOutside(c *collection.Collection, m spectro.Modality, s Score) (*OutsideEvaluation, error) {
	g, ok := l.Grids[m]
	if !ok {
		return nil, fmt.Errorf("identify: the library has no %s grid", m)
	}
	held, species := map[string]bool{}, map[string]bool{}
	for _, e := range l.Entries {
		if e.Modality == m {
			held[e.Key] = true
			species[collection.MineralKey(e.Species)] = true
		}
	}
	thr, hasThr := l.threshold([]spectro.Modality{m}, s)
	oe := &OutsideEvaluation{Modality: m, Score: s.String()}
	var top1, top5, detected, alarms int
	for _, smp := range c.Samples {
		if smp.Reference {
			continue
		}
		for _, sp := range smp.Spectra[m] {
			if held[smp.Key] {
				oe.Skipped++
				continue
			}
			if !collection.Covers(sp, g, collection.MinCoverage) {
				continue
			}
			res, err := l.Search([]*spectro.Spectrum{sp}, Options{Top: 5, Score: s})
			if err != nil {
				continue
			}
			want := collection.MineralKey(smp.Mineral)
			in := hasThr && res.Hits[0].HQI >= thr.HQI
			if species[want] {
				oe.Known++
				for r, h := range res.Hits {
					if collection.MineralKey(h.Species) == want {
						if r == 0 {
							top1++
						}
						top5++
						break
					}
				}
				if hasThr && !in {
					alarms++
				}
			} else {
				oe.Absent++
				if hasThr && !in {
					detected++
				}
			}
		}
	}
	if oe.Known+oe.Absent == 0 {
		return nil, fmt.Errorf("identify: %s holds no %s spectrum of a sample outside the library", c.Dir, m)
	}
	if oe.Known > 0 {
		oe.Top1, oe.Top5, oe.FalseAlarm = float64(top1)/float64(oe.Known), float64(top5)/float64(oe.Known), float64(alarms)/float64(oe.Known)
	}
	if oe.Absent > 0 {
		oe.Detection = float64(detected) / float64(oe.Absent)
	}
	return oe, nil
}

// MixtureEvaluation is Mixture measured on mixtures made from the library's
// own spectra: two samples of different species (each with another sample in
// the library, both samples left out of it) mixed at known fractions on the
// grid, and single spectra, where any second phase is a false one.
type MixtureEvaluation struct {
	Modality spectro.Modality `json:"modality"`
	Mixtures int              `json:"mixtures"`
	// BothFound: share of mixtures whose fit names both species; FractionError:
	// mean |fitted − true| fraction of the first species where both are found.
	BothFound     float64 `json:"both_found"`
	FractionError float64 `json:"fraction_error"`
	Pure          int     `json:"pure"`
	// FalsePhase: share of single spectra fitted with more than one phase.
	FalsePhase float64 `json:"false_phase"`
}

// EvaluateMixtures runs the mixture protocol on n two-phase mixtures (at
// fractions 0.25, 0.5 and 0.75 in turn) and n pure spectra of modality m.
func (l *Library) EvaluateMixtures(m spectro.Modality, n int) (*MixtureEvaluation, error) {
	samplesOf := map[string]map[string]bool{}
	firstOf := map[string]int{} // sample key → first entry
	var keys []string
	for i, e := range l.Entries {
		if e.Modality != m || e.Key == "" {
			continue
		}
		sp := collection.MineralKey(e.Species)
		if samplesOf[sp] == nil {
			samplesOf[sp] = map[string]bool{}
		}
		samplesOf[sp][e.Key] = true
		if _, ok := firstOf[e.Key]; !ok {
			firstOf[e.Key] = i
			keys = append(keys, e.Key)
		}
	}
	var usable []int
	for _, k := range keys {
		if len(samplesOf[collection.MineralKey(l.Entries[firstOf[k]].Species)]) >= 2 {
			usable = append(usable, firstOf[k])
		}
	}
	if len(usable) < 4 {
		return nil, fmt.Errorf("identify: too few %s samples of species with two samples for the mixture protocol", m)
	}
	g := l.Grids[m]
	me := &MixtureEvaluation{Modality: m}
	fractions := []float64{0.25, 0.5, 0.75}
	var both, falsePhase int
	var errSum float64
	stride := max(1, len(usable)/n)
	for t := 0; t < n; t++ {
		a, b := usable[(t*stride)%len(usable)], usable[(t*stride+len(usable)/2+t)%len(usable)]
		ea, eb := l.Entries[a], l.Entries[b]
		if collection.MineralKey(ea.Species) == collection.MineralKey(eb.Species) {
			continue
		}
		lo, hi := max(ea.Lo, eb.Lo), min(ea.Hi, eb.Hi)
		if hi-lo < g.N/2 {
			continue
		}
		f := fractions[t%len(fractions)]
		x, y := make([]float64, 0, hi-lo+1), make([]float64, 0, hi-lo+1)
		for i := lo; i <= hi; i++ {
			x, y = append(x, g.At(i)), append(y, f*float64(ea.Y[i])+(1-f)*float64(eb.Y[i]))
		}
		mix, err := spectro.New(m, x, y)
		if err != nil {
			continue
		}
		skip := func(e Entry) bool { return e.Key == ea.Key || e.Key == eb.Key }
		res, err := l.Mixture(mix, MixtureOptions{MaxPhases: 3, Options: Options{Skip: skip}})
		if err != nil {
			continue
		}
		me.Mixtures++
		fa, fb := -1.0, -1.0
		for _, p := range res.Phases {
			switch collection.MineralKey(p.Species) {
			case collection.MineralKey(ea.Species):
				fa = max(fa, 0) + p.Fraction
			case collection.MineralKey(eb.Species):
				fb = max(fb, 0) + p.Fraction
			}
		}
		if fa >= 0 && fb >= 0 {
			both++
			errSum += math.Abs(fa/(fa+fb) - f)
		}
		// The pure protocol: sample a alone, its sample left out.
		if r, err := l.Mixture(l.Spectrum(a), MixtureOptions{MaxPhases: 3, Options: Options{Skip: func(e Entry) bool { return e.Key == ea.Key }}}); err == nil {
			me.Pure++
			if len(r.Phases) > 1 {
				falsePhase++
			}
		}
	}
	if me.Mixtures == 0 {
		return nil, fmt.Errorf("identify: no %s mixture could be made", m)
	}
	me.BothFound = float64(both) / float64(me.Mixtures)
	if both > 0 {
		me.FractionError = errSum / float64(both)
	}
	if me.Pure > 0 {
		me.FalsePhase = float64(falsePhase) / float64(me.Pure)
	}
	return me, nil
}
