// Package samples reads spectrum files into a collection.Collection of
// multi-modal samples — the Raman, infrared and XRD measurements of one
// specimen.
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

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Options steer LoadDir.
type Options struct {
	// Key returns the sample key of a file; default: the RRUFF id stem from
	// the file name or header, else the file name without extension.
	Key func(path string, s *spectro.Spectrum) string
	// Modality is used for files whose name and folder do not say.
	Modality spectro.Modality
	// Wavelength (Å) of diffraction patterns whose files state none (0: Cu Kα).
	Wavelength float64
}

// spectrumExt are the extensions LoadDir reads (and Bruker OPUS's numbered
// ones, see isSpectrumExt).
var spectrumExt = map[string]bool{".txt": true, ".csv": true, ".tsv": true, ".dat": true, ".xy": true, ".jdx": true, ".dx": true, ".jcamp": true, ".dif": true, ".plv": true,
	".spc": true, ".spa": true, ".spg": true, ".asp": true, ".wdf": true, ".wip": true, ".wid": true}

// isSpectrumExt reports whether a file of this extension is read: a known
// one, or OPUS's ".0", ".1", ".0000", ".001".
func isSpectrumExt(ext string) bool {
	if spectrumExt[ext] {
		return true
	}
	if len(ext) < 2 || len(ext) > 5 {
		return false
	}
	for _, c := range ext[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

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
func LoadDir(dir string, opts Options) (*collection.Collection, error) {
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
func Load(spec string, opts Options) (*collection.Collection, error) {
	if opts.Key == nil {
		opts.Key = DefaultKey
	}
	var files []rawFile
	c := &collection.Collection{Dir: spec}
	for _, src := range strings.Split(spec, ",") {
		src = strings.TrimSpace(src)
		if src == "" {
			continue
		}
		got, err := list(c, src)
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
	byKey := map[string]*collection.Sample{}
	seenFile := map[string]bool{}
	for _, f := range parsed {
		add(c, byKey, f, opts, seenFile)
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
	refs []*formats.DIFFile // the entries of a reference collection (AMCSD)
	err  error
}

// MaxFileBytes bounds a spectrum file (a measured spectrum is well under a
// megabyte; anything far larger is not one and is refused rather than read).
const MaxFileBytes = 64 << 20

// list returns the spectrum files of one source: a folder, a zip or a file.
func list(c *collection.Collection, src string) ([]rawFile, error) {
	st, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.EqualFold(filepath.Ext(src), ".zip") {
			return listZip(c, src)
		}
		if st.Size() > MaxFileBytes {
			return nil, fmt.Errorf("%s: %d bytes is larger than a spectrum file can be (%d)", src, st.Size(), MaxFileBytes)
		}
		data, err := os.ReadFile(src)
		return []rawFile{{path: src, data: data, err: err}}, nil
	}
	return listDir(c, src, map[string]bool{})
}

// listDir lists a folder's spectrum files, following symbolic links to
// folders (a data folder made of links to downloaded sets is common), each
// real folder once, so a link cycle ends.
func listDir(c *collection.Collection, src string, seen map[string]bool) ([]rawFile, error) {
	// WalkDir does not enter a root that is a link: walk the real folder and
	// name files by the linked path (its folder names may tell the modality).
	root := src
	if real, err := filepath.EvalSymlinks(src); err == nil {
		if seen[real] {
			return nil, nil
		}
		seen[real], root = true, real
	}
	var out []rawFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel, rerr := filepath.Rel(root, path); rerr == nil {
			path = filepath.Join(src, rel)
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && path != src {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				sub, err := listDir(c, path, seen)
				out = append(out, sub...)
				return err
			}
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		if !isSpectrumExt(ext) {
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
func listZip(c *collection.Collection, path string) ([]rawFile, error) {
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
		if strings.HasPrefix(filepath.Base(name), ".") || !isSpectrumExt(ext) {
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
		ds, err := formats.ReadDIFs(bytes.NewReader(f.data), f.path)
		if err != nil {
			return parsedFile{path: f.path, err: err}
		}
		if len(ds) == 1 && ds[0].Meta.Extra[formats.AMCSDCodeKey] == "" {
			return parsedFile{path: f.path, dif: ds[0]} // one sample's line list (RRUFF)
		}
		return parsedFile{path: f.path, refs: ds}
	}
	sp, err := formats.Read(bytes.NewReader(f.data), f.path, formats.Options{Modality: opts.Modality, Wavelength: opts.Wavelength})
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

func add(c *collection.Collection, byKey map[string]*collection.Sample, f parsedFile, opts Options, seenFile map[string]bool) {
	if f.err != nil {
		c.Errors = append(c.Errors, collection.FileError{Path: f.path, Err: f.err})
		return
	}
	sample := func(key string) *collection.Sample {
		s := byKey[key]
		if s == nil {
			s = &collection.Sample{Key: key, Spectra: map[spectro.Modality][]*spectro.Spectrum{}, Peaks: map[spectro.Modality]spectro.PeakTable{}}
			byKey[key] = s
		}
		return s
	}
	// A line list is paired like a measured pattern: rendered with the
	// protocol's instrument profile; its lines are the pattern's peak table.
	addLines := func(s *collection.Sample, d *formats.DIFFile, pat *spectro.Spectrum) {
		s.Spectra[spectro.XRD] = append(s.Spectra[spectro.XRD], pat)
		s.Peaks[spectro.XRD] = append(s.Peaks[spectro.XRD], d.PeakTable(formats.DIFProfileFWHM, formats.DIFProfileEta)...)
		fill(s, d.Meta)
	}
	for i, d := range f.refs {
		// A structure's computed pattern is the mineral's, not a specimen's:
		// a reference sample of its own, named by its database code.
		key := "AMCSD " + d.Meta.Extra[formats.AMCSDCodeKey]
		if d.Meta.Extra[formats.AMCSDCodeKey] == "" {
			key = fmt.Sprintf("%s#%d", filepath.Base(f.path), i+1)
		}
		pat, err := d.Pattern()
		if err != nil {
			c.Errors = append(c.Errors, collection.FileError{Path: fmt.Sprintf("%s (entry %d, %s)", f.path, i+1, d.Meta.Mineral), Err: err})
			continue
		}
		if seenFile["ref|"+key] {
			c.Duplicates++
			continue
		}
		seenFile["ref|"+key] = true
		pat.Meta.Source = fmt.Sprintf("%s#%s", f.path, key)
		s := sample(key) // a new one: each entry's key is seen once
		s.Reference = true
		addLines(s, d, pat)
	}
	if f.refs != nil {
		return
	}
	if f.dif != nil {
		pat, err := f.dif.Pattern()
		if err != nil {
			c.Errors = append(c.Errors, collection.FileError{Path: f.path, Err: err})
			return
		}
		key := opts.Key(f.path, nil)
		if id := fileID(key, f.path, spectro.XRD); id != "" {
			if seenFile[id] {
				c.Duplicates++
				return
			}
			seenFile[id] = true
		}
		addLines(sample(key), f.dif, pat)
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
func fill(s *collection.Sample, m spectro.Metadata) {
	if s.Mineral == "" {
		s.Mineral = m.Mineral
	}
	if s.Chemistry == "" && m.Chemistry != "" {
		s.Chemistry = m.Chemistry
	}
	if c := m.Extra["class"]; c != "" {
		s.Class = chem.Class(c)
	} else if s.Class == "" && s.Chemistry != "" {
		s.Class = chem.Classify(s.Chemistry)
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
