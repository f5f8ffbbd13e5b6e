// Package collection holds spectra grouped into samples — the Raman,
// infrared and XRD measurements of one specimen — and forms the (source,
// target) pairs that cross-modal models train and are evaluated on. It knows
// nothing of files: datasets/samples reads folders and archives into a
// Collection, datasets/synth generates one, and spectro/model takes its pairs.
package collection

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"unicode"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
)

// Sample is one specimen with its spectra per modality.
type Sample struct {
	Key       string // the grouping key, e.g. the RRUFF id stem "R050127"
	Mineral   string // species name
	Chemistry string
	Class     chem.Class
	Spectra   map[spectro.Modality][]*spectro.Spectrum
	// Peaks holds known peak tables per modality: ground truth for synthetic
	// samples, reflections from DIF files for real ones.
	Peaks map[spectro.Modality]spectro.PeakTable
	// Reference marks a species-level reference rather than a specimen: a
	// pattern computed from a published crystal structure (an AMCSD entry).
	// It has no pairs of its own; ReferenceSamples pairs it by species.
	Reference bool
}

// Has reports whether the sample has a spectrum of modality m.
func (s *Sample) Has(m spectro.Modality) bool { return len(s.Spectra[m]) > 0 }

// Pair is one (source, target) example for a translation direction.
type Pair struct {
	Sample         *Sample
	Source, Target *spectro.Spectrum
}

// FileError is a file that could not be read.
type FileError struct {
	Path string
	Err  error
}

// Collection is a set of samples, with the report of how they were read
// (Dir names the sources).
type Collection struct {
	Dir     string
	Samples []*Sample
	Errors  []FileError // files that failed to read (reported, not fatal)
	Skipped []string    // files that are not spectra (other extensions)
	// Duplicates counts files passed over because another source already
	// held the same RRUFF file.
	Duplicates int
}

// Pairs returns the (from, to) pairs of every sample that has both. Within a
// sample, files are matched in sorted order; when one side has more files, the
// other side's files are reused in turn, so every file takes part.
func (c *Collection) Pairs(from, to spectro.Modality) []Pair {
	var pairs []Pair
	for _, s := range c.Samples {
		pairs = appendPairs(pairs, s, s.Spectra[from], s.Spectra[to])
	}
	return pairs
}

// ReferenceSamples joins, by species, the collection's measured samples that
// lack modality m with the references in refs that have it: each such
// sample comes back with its own spectra and its species' reference spectra
// (and their peak tables) of m — the "identify, then take its pattern" pairs
// a species-level library such as AMCSD gives for samples RRUFF has no
// powder pattern of. Keys, species and classes are the measured samples',
// so splits and held-out species treat them as those samples.
func (c *Collection) ReferenceSamples(refs *Collection, m spectro.Modality) *Collection {
	bySpecies := map[string][]*Sample{}
	for _, r := range refs.Samples {
		if r.Has(m) {
			k := MineralKey(r.Mineral)
			bySpecies[k] = append(bySpecies[k], r)
		}
	}
	out := &Collection{Dir: c.Dir + " + references from " + refs.Dir}
	for _, s := range c.Samples {
		rs := bySpecies[MineralKey(s.Mineral)]
		if s.Reference || s.Has(m) || len(rs) == 0 {
			continue
		}
		j := &Sample{Key: s.Key, Mineral: s.Mineral, Chemistry: s.Chemistry, Class: s.Class,
			Spectra: map[spectro.Modality][]*spectro.Spectrum{}, Peaks: map[spectro.Modality]spectro.PeakTable{}}
		maps.Copy(j.Spectra, s.Spectra)
		maps.Copy(j.Peaks, s.Peaks)
		for _, r := range rs {
			j.Spectra[m] = append(j.Spectra[m], r.Spectra[m]...)
		}
		if len(rs) == 1 {
			j.Peaks[m] = rs[0].Peaks[m]
		}
		out.Samples = append(out.Samples, j)
	}
	return out
}

// appendPairs appends a sample's pairs of src and dst files: matched in order,
// the shorter list reused in turn so that every file takes part.
// A reference sample has no pairs of its own (see ReferenceSamples).
func appendPairs(pairs []Pair, s *Sample, src, dst []*spectro.Spectrum) []Pair {
	if s.Reference || len(src) == 0 || len(dst) == 0 {
		return pairs
	}
	for i := range max(len(src), len(dst)) {
		pairs = append(pairs, Pair{Sample: s, Source: src[i%len(src)], Target: dst[i%len(dst)]})
	}
	return pairs
}

// Unpaired lists the files of modality from or to whose sample lacks the other.
func (c *Collection) Unpaired(from, to spectro.Modality) []string {
	var out []string
	for _, s := range c.Samples {
		for _, m := range [][2]spectro.Modality{{from, to}, {to, from}} {
			if s.Has(m[0]) && !s.Has(m[1]) {
				for _, sp := range s.Spectra[m[0]] {
					out = append(out, sp.Meta.Source)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Counts returns how many spectra there are per modality.
func (c *Collection) Counts() map[spectro.Modality]int {
	n := map[spectro.Modality]int{}
	for _, s := range c.Samples {
		for m, list := range s.Spectra {
			n[m] += len(list)
		}
	}
	return n
}

// Species returns the distinct species names, sorted.
func (c *Collection) Species() []string {
	seen := map[string]bool{}
	for _, s := range c.Samples {
		seen[s.Mineral] = true
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Summary describes the collection in a few lines: counts per modality, samples,
// species, pairs per direction, unpaired files and read errors.
func (c *Collection) Summary() string {
	var b strings.Builder
	counts := c.Counts()
	fmt.Fprintf(&b, "%s: %d samples of %d species;", c.Dir, len(c.Samples), len(c.Species()))
	for _, m := range spectro.Modalities {
		if counts[m] > 0 {
			fmt.Fprintf(&b, " %d %s", counts[m], m)
		}
	}
	b.WriteString(" spectra\n")
	for _, from := range spectro.Modalities {
		for _, to := range spectro.Modalities {
			if from >= to || counts[from] == 0 || counts[to] == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %s ↔ %s: %d pairs from %d samples", from, to, len(c.Pairs(from, to)), c.samplesWith(from, to))
			if u := c.Unpaired(from, to); len(u) > 0 {
				fmt.Fprintf(&b, "; %d files unpaired", len(u))
			}
			b.WriteString("\n")
		}
	}
	if len(c.Errors) > 0 {
		fmt.Fprintf(&b, "  %d files could not be read, e.g. %v\n", len(c.Errors), c.Errors[0].Err)
	}
	if len(c.Skipped) > 0 {
		fmt.Fprintf(&b, "  %d files skipped (not spectrum files)\n", len(c.Skipped))
	}
	if c.Duplicates > 0 {
		fmt.Fprintf(&b, "  %d files counted once (the same RRUFF file in two sources)\n", c.Duplicates)
	}
	return b.String()
}

func (c *Collection) samplesWith(a, b spectro.Modality) int {
	n := 0
	for _, s := range c.Samples {
		if s.Has(a) && s.Has(b) {
			n++
		}
	}
	return n
}

// LabelFrom gives samples without chemistry the chemistry and class of a
// sample of the same mineral in ref (e.g. RRUFF files, whose headers carry
// IDEAL CHEMISTRY, for files in a release format without headers). Mineral
// names match ignoring case and punctuation ("AxiniteFe" is "Axinite-(Fe)"). It returns how many samples it labelled and
// the minerals ref does not know.
func (c *Collection) LabelFrom(ref *Collection) (labelled int, unknown []string) {
	known := map[string]*Sample{}
	for _, s := range ref.Samples {
		if k := MineralKey(s.Mineral); s.Chemistry != "" && known[k] == nil {
			known[k] = s
		}
	}
	missing := map[string]bool{}
	for _, s := range c.Samples {
		if s.Chemistry != "" {
			continue
		}
		r := known[MineralKey(s.Mineral)]
		if r == nil {
			if !missing[s.Mineral] {
				missing[s.Mineral] = true
				unknown = append(unknown, s.Mineral)
			}
			continue
		}
		s.Chemistry, s.Class = r.Chemistry, r.Class
		labelled++
	}
	sort.Strings(unknown)
	return labelled, unknown
}

// MineralKey is a mineral name in lower case without spaces or punctuation:
// "Axinite-(Fe)" and "AxiniteFe" have the same key.
func MineralKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, name)
}

// MinCoverage is the share of a modality's evaluation grid that a spectrum
// must measure to take part in a pair on that grid: far-infrared files
// (50–700 cm⁻¹) cover under a tenth of the mid-infrared grid (400–4000 cm⁻¹)
// and would otherwise be mid-infrared spectra that are zero almost everywhere.
const MinCoverage = 0.5

// Covers reports whether s measures at least frac of grid g.
func Covers(s *spectro.Spectrum, g spectro.Grid, frac float64) bool {
	if s.Len() == 0 {
		return false
	}
	lo, hi := s.Range()
	lo, hi = max(lo, g.Start), min(hi, g.Stop)
	return hi > lo && (hi-lo) >= frac*(g.Stop-g.Start)
}

// PairsOnGrids is Pairs with only the spectra that cover their grids
// (MinCoverage): a sample's far-infrared file is left out before pairing, so
// its Raman spectra pair with the sample's mid-infrared one. left lists the
// files passed over.
func (c *Collection) PairsOnGrids(from, to spectro.Modality, gs, gt spectro.Grid) (pairs []Pair, left []string) {
	covering := func(list []*spectro.Spectrum, g spectro.Grid) []*spectro.Spectrum {
		var out []*spectro.Spectrum
		for _, sp := range list {
			if Covers(sp, g, MinCoverage) {
				out = append(out, sp)
			} else {
				left = append(left, sp.Meta.Source)
			}
		}
		return out
	}
	for _, s := range c.Samples {
		if !s.Has(from) || !s.Has(to) {
			continue
		}
		pairs = appendPairs(pairs, s, covering(s.Spectra[from], gs), covering(s.Spectra[to], gt))
	}
	return pairs, left
}

// Without returns the collection without the samples drop reports, keeping
// the reading report (errors, skipped files, duplicates).
func (c *Collection) Without(drop func(*Sample) bool) *Collection {
	kept := &Collection{Dir: c.Dir, Errors: c.Errors, Skipped: c.Skipped, Duplicates: c.Duplicates}
	for _, s := range c.Samples {
		if !drop(s) {
			kept.Samples = append(kept.Samples, s)
		}
	}
	return kept
}

// WithoutSpecies returns the collection without the samples of the given
// species (names matched as MineralKey matches them).
func (c *Collection) WithoutSpecies(species []string) *Collection {
	held := map[string]bool{}
	for _, sp := range species {
		held[MineralKey(sp)] = true
	}
	return c.Without(func(s *Sample) bool { return held[MineralKey(s.Mineral)] })
}

// WithoutSamples returns the collection without the samples with the given
// keys (ignoring case).
func (c *Collection) WithoutSamples(keys []string) *Collection {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[strings.ToUpper(k)] = true
	}
	return c.Without(func(s *Sample) bool { return drop[strings.ToUpper(s.Key)] })
}
