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
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	// Duplicates counts files passed over because another source already
	// held the same RRUFF file.
	Duplicates int
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
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	return Load(dir, opts)
}

// Load reads one or several sources, separated by commas — folders (walked
// as LoadDir does), zip archives as RRUFF distributes them (read in place) and
// single files — into one collection: a sample found in several sources is
// one sample. A file that two sources both hold (the same RRUFF file number
// for the same sample and modality, as in RRUFF's zip and a folder extracted
// from it, or the release-format pairs beside RRUFF's own files) counts once;
// Duplicates says how many were passed over. Files are parsed on all cores.
func Load(spec string, opts Options) (*Collection, error) {
	if opts.Key == nil {
		opts.Key = DefaultKey
	}
	var files []rawFile
	c := &Collection{Dir: spec}
	for _, src := range strings.Split(spec, ",") {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		got, err := c.list(src)
		if err != nil {
			return nil, err
		}
		files = append(files, got...)
	}
	parsed := make([]parsedFile, len(files))
	var wg sync.WaitGroup
	jobs := make(chan int)
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				parsed[i] = parse(files[i], opts)
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	byKey := map[string]*Sample{}
	seenFile := map[string]bool{}
	for _, f := range parsed {
		c.add(byKey, f, opts, seenFile)
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
			return nil, fmt.Errorf("%s: no spectrum could be read; first error: %v", spec, c.Errors[0].Err)
		}
		return nil, fmt.Errorf("%s: no spectrum files (%s)", spec, strings.Join(sortedExt(), " "))
	}
	return c, nil
}

// rawFile is a file's path (inside a zip: archive.zip/name) and its bytes.
type rawFile struct {
	path string
	data []byte
	err  error
}

// parsedFile is a rawFile read as a spectrum or a DIF peak list.
type parsedFile struct {
	path string
	sp   *spectro.Spectrum
	dif  *formats.DIFFile
	err  error
}

// MaxFileBytes bounds a spectrum file (a measured spectrum is well under a
// megabyte; anything far larger is not one and is refused rather than read).
const MaxFileBytes = 64 << 20

// list returns the spectrum files of one source: a folder, a zip or a file.
func (c *Collection) list(src string) ([]rawFile, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(src), ".zip") {
			return c.listZip(src)
		}
		if st.Size() > MaxFileBytes {
			return nil, fmt.Errorf("%s: %d bytes is larger than a spectrum file can be (%d)", src, st.Size(), MaxFileBytes)
		}
		data, err := os.ReadFile(src)
		return []rawFile{{path: src, data: data, err: err}}, nil
	}
	var out []rawFile
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && path != src {
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
		f := rawFile{path: path}
		if info, err := d.Info(); err == nil && info.Size() > MaxFileBytes {
			f.err = fmt.Errorf("%d bytes is larger than a spectrum file can be (%d)", info.Size(), MaxFileBytes)
		} else {
			f.data, f.err = os.ReadFile(path)
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// listZip reads the spectrum files of a zip archive in place. Entry names
// are only labels here (nothing is extracted), so a name that climbs out of
// the archive ("../x") cannot write anywhere; it is still refused as a sign
// of a damaged or hostile archive.
func (c *Collection) listZip(path string) ([]rawFile, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable zip archive: %w", path, err)
	}
	defer zr.Close()
	var out []rawFile
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := f.Name
		if strings.HasPrefix(name, "/") || strings.Contains("/"+filepath.ToSlash(name)+"/", "/../") {
			return nil, fmt.Errorf("%s: entry %q points outside the archive", path, name)
		}
		ext := strings.ToLower(filepath.Ext(name))
		if strings.HasPrefix(filepath.Base(name), ".") || !spectrumExt[ext] {
			if !sideFileExt[ext] && !strings.HasPrefix(filepath.Base(name), ".") {
				c.Skipped = append(c.Skipped, path+"/"+name)
			}
			continue
		}
		rf := rawFile{path: path + "/" + name}
		if f.UncompressedSize64 > MaxFileBytes {
			rf.err = fmt.Errorf("%d bytes is larger than a spectrum file can be (%d)", f.UncompressedSize64, MaxFileBytes)
		} else if r, err := f.Open(); err != nil {
			rf.err = err
		} else {
			rf.data, rf.err = io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
			r.Close()
			if rf.err != nil {
				rf.err = fmt.Errorf("reading from the archive: %w", rf.err)
			}
		}
		out = append(out, rf)
	}
	return out, nil
}

func parse(f rawFile, opts Options) parsedFile {
	if f.err != nil {
		return parsedFile{path: f.path, err: f.err}
	}
	if formats.Detect(f.data) == formats.DIF {
		d, err := formats.ReadDIF(bytes.NewReader(f.data), f.path)
		return parsedFile{path: f.path, dif: d, err: err}
	}
	sp, err := formats.Read(bytes.NewReader(f.data), f.path, formats.Options{Modality: opts.Modality})
	return parsedFile{path: f.path, sp: sp, err: err}
}

// fileID identifies a RRUFF file across sources: sample, modality and the
// file number that ends RRUFF's names ("" when the name has none).
func fileID(key string, path string, m spectro.Modality) string {
	info, ok := formats.ParseName(path)
	if !ok || len(info.Tokens) == 0 {
		return ""
	}
	num := info.Tokens[len(info.Tokens)-1]
	if _, err := strconv.Atoi(num); err != nil {
		return ""
	}
	return key + "|" + string(m) + "|" + num
}

func (c *Collection) add(byKey map[string]*Sample, f parsedFile, opts Options, seenFile map[string]bool) {
	if f.err != nil {
		c.Errors = append(c.Errors, FileError{f.path, f.err})
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
	if f.dif != nil {
		s := sample(opts.Key(f.path, nil))
		s.Peaks[spectro.XRD] = f.dif.PeakTable(0.1, 0.5)
		fill(s, f.dif.Meta)
		return
	}
	key := opts.Key(f.path, f.sp)
	if id := fileID(key, f.path, f.sp.Modality); id != "" {
		if seenFile[id] {
			c.Duplicates++
			return
		}
		seenFile[id] = true
	}
	s := sample(key)
	s.Spectra[f.sp.Modality] = append(s.Spectra[f.sp.Modality], f.sp)
	fill(s, f.sp.Meta)
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
		src, dst := covering(s.Spectra[from], gs), covering(s.Spectra[to], gt)
		if len(src) == 0 || len(dst) == 0 {
			continue
		}
		n := max(len(src), len(dst))
		for i := 0; i < n; i++ {
			pairs = append(pairs, Pair{Sample: s, Source: src[i%len(src)], Target: dst[i%len(dst)]})
		}
	}
	return pairs, left
}
