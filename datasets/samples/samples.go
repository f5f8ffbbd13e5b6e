// Package samples groups spectra into multi-modal samples — the Raman, infrared
// and XRD measurements of one specimen — and forms the (source, target) pairs
// that cross-modal models train and are evaluated on.
//
// LoadDir reads a folder of spectrum files in any format the formats package
// reads, laid out either as <dir>/<modality>/... subfolders or with modality
// tokens in the file names, and groups files by sample key: the RRUFF id stem
// (R050127 for R050127-1 and R050127-3) unless another key is declared.
package samples

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/datasets/rruff"
	"github.com/spectrogen-go/spectrogen/spectro"
)

// Sample is one specimen with its spectra per modality.
type Sample struct {
	Key       string // the grouping key, e.g. the RRUFF id stem "R050127"
	Mineral   string // species name
	Chemistry string
	Class     rruff.Class
	Spectra   map[spectro.Modality][]*spectro.Spectrum
	// Peaks holds known peak tables per modality: ground truth for synthetic
	// samples, reflections from DIF files for real ones.
	Peaks map[spectro.Modality]spectro.PeakTable
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

// Collection is a set of samples read from a folder.
type Collection struct {
	Dir     string
	Samples []*Sample
	Errors  []FileError // files that failed to read (reported, not fatal)
	Skipped []string    // files that are not spectra (other extensions)
}

// Options steer LoadDir.
type Options struct {
	// Key returns the sample key of a file; default: the RRUFF id stem from
	// the file name or header, else the file name without extension.
	Key func(path string, s *spectro.Spectrum) string
	// Modality is used for files whose name and folder do not say.
	Modality spectro.Modality
}

// spectrumExt are the extensions LoadDir reads.
var spectrumExt = map[string]bool{".txt": true, ".csv": true, ".tsv": true, ".dat": true, ".xy": true, ".jdx": true, ".dx": true, ".jcamp": true, ".dif": true}

// sideFileExt are files that live beside spectra (ground truth, notes, figures)
// and are passed over without being reported.
var sideFileExt = map[string]bool{".json": true, ".md": true, ".png": true, ".svg": true, ".pdf": true, ".zip": true}

// DefaultKey is the RRUFF id stem of a file (from its name, else its header),
// else its base name without extension.
func DefaultKey(path string, s *spectro.Spectrum) string {
	if info, ok := formats.ParseName(path); ok {
		return info.Stem
	}
	if s != nil && s.Meta.RRUFFID != "" {
		id, _, _ := strings.Cut(s.Meta.RRUFFID, "-")
		return strings.ToUpper(id)
	}
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// LoadDir reads every spectrum file below dir into samples.
func LoadDir(dir string, opts Options) (*Collection, error) {
	if opts.Key == nil {
		opts.Key = DefaultKey
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	c := &Collection{Dir: dir}
	byKey := map[string]*Sample{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && path != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		if !spectrumExt[ext] {
			if !sideFileExt[ext] {
				c.Skipped = append(c.Skipped, path)
			}
			return nil
		}
		c.add(byKey, path, opts)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, s := range byKey {
		for _, list := range s.Spectra {
			sort.Slice(list, func(i, j int) bool { return list[i].Meta.Source < list[j].Meta.Source })
		}
		c.Samples = append(c.Samples, s)
	}
	sort.Slice(c.Samples, func(i, j int) bool { return c.Samples[i].Key < c.Samples[j].Key })
	if len(c.Samples) == 0 {
		if len(c.Errors) > 0 {
			return nil, fmt.Errorf("%s: no spectrum could be read; first error: %v", dir, c.Errors[0].Err)
		}
		return nil, fmt.Errorf("%s: no spectrum files (%s)", dir, strings.Join(sortedExt(), " "))
	}
	return c, nil
}

func (c *Collection) add(byKey map[string]*Sample, path string, opts Options) {
	data, err := os.ReadFile(path)
	if err != nil {
		c.Errors = append(c.Errors, FileError{path, err})
		return
	}
	sample := func(key string) *Sample {
		s := byKey[key]
		if s == nil {
			s = &Sample{Key: key, Spectra: map[spectro.Modality][]*spectro.Spectrum{}, Peaks: map[spectro.Modality]spectro.PeakTable{}}
			byKey[key] = s
		}
		return s
	}
	if formats.Detect(data) == formats.DIF {
		d, err := formats.ReadDIF(strings.NewReader(string(data)), path)
		if err != nil {
			c.Errors = append(c.Errors, FileError{path, err})
			return
		}
		s := sample(opts.Key(path, nil))
		s.Peaks[spectro.XRD] = d.PeakTable(0.1, 0.5)
		fill(s, d.Meta)
		return
	}
	sp, err := formats.Read(strings.NewReader(string(data)), path, formats.Options{Modality: opts.Modality})
	if err != nil {
		c.Errors = append(c.Errors, FileError{path, err})
		return
	}
	s := sample(opts.Key(path, sp))
	s.Spectra[sp.Modality] = append(s.Spectra[sp.Modality], sp)
	fill(s, sp.Meta)
}

// fill takes species, chemistry and class from a file's metadata.
func fill(s *Sample, m spectro.Metadata) {
	if s.Mineral == "" {
		s.Mineral = m.Mineral
	}
	if s.Chemistry == "" && m.Chemistry != "" {
		s.Chemistry = m.Chemistry
	}
	if c := m.Extra["class"]; c != "" {
		s.Class = rruff.Class(c)
	} else if s.Class == "" && s.Chemistry != "" {
		s.Class = rruff.Classify(s.Chemistry)
	}
}

func sortedExt() []string {
	var e []string
	for k := range spectrumExt {
		e = append(e, k)
	}
	sort.Strings(e)
	return e
}

// Pairs returns the (from, to) pairs of every sample that has both. Within a
// sample, files are matched in sorted order; when one side has more files, the
// other side's files are reused in turn, so every file takes part.
func (c *Collection) Pairs(from, to spectro.Modality) []Pair {
	var pairs []Pair
	for _, s := range c.Samples {
		src, dst := s.Spectra[from], s.Spectra[to]
		if len(src) == 0 || len(dst) == 0 {
			continue
		}
		n := max(len(src), len(dst))
		for i := 0; i < n; i++ {
			pairs = append(pairs, Pair{Sample: s, Source: src[i%len(src)], Target: dst[i%len(dst)]})
		}
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
