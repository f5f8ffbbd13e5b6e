package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// ParseError is a fault in an input file, located by line (1-based; 0 when the
// fault is not on one line).
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func errAt(file string, line int, format string, args ...any) error {
	return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Format is a file format this package knows.
type Format int

const (
	Unknown Format = iota
	RRUFF
	JCAMP
	SpectroGen
	Delimited
	DIF
	PLV
	SPC   // Thermo-Galactic GRAMS SPC (binary)
	OPUS  // Bruker OPUS (binary)
	OMNIC // Thermo OMNIC SPA spectrum or SPG group (binary)
	ASP   // Agilent MicroLab ASP (text)
	WDF   // Renishaw WiRE WDF (binary)
	WIP   // WITec Project or Data, WIP/WID (binary)
)

func (f Format) String() string {
	names := [...]string{"unknown", "RRUFF text", "JCAMP-DX", "SpectroGen release", "delimited text", "DIF peak list (RRUFF, AMCSD)", "PLV powder pattern",
		"Thermo-Galactic SPC", "Bruker OPUS", "Thermo OMNIC SPA/SPG", "Agilent ASP", "Renishaw WiRE WDF", "WITec project (WIP)"}
	if f < 0 || int(f) >= len(names) {
		return "unknown"
	}
	return names[f]
}

// Options steer reading.
type Options struct {
	// Modality is used when neither the content nor the path says which it is.
	Modality spectro.Modality
	// Format forces a format instead of detecting it.
	Format Format
	// Wavelength (Å) of a diffraction pattern whose file does not state one
	// (by value or anode). 0: Cu Kα, the laboratory standard and RRUFF's. A
	// pattern is converted to the Cu Kα 2θ axis through its d-spacings.
	Wavelength float64
}

// MaxFileSize bounds what ReadFile loads (spectra are far smaller: a
// 10⁸-row file is refused, and memory stays bounded).
const MaxFileSize = 256 << 20

// openBounded opens a file for reading, refusing one over MaxFileSize before
// reading any of it.
func openBounded(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileSize {
		f.Close()
		return nil, errAt(path, 0, "%d MiB is larger than the %d MiB a spectrum file may be", st.Size()>>20, MaxFileSize>>20)
	}
	return f, nil
}

// ReadFile reads one spectrum file (the first of a multi-spectrum file; see Read).
func ReadFile(path string, opts Options) (*spectro.Spectrum, error) {
	f, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, opts)
}

// ReadFileAll reads every spectrum of a file (see ReadAll).
func ReadFileAll(path string, opts Options) ([]*spectro.Spectrum, error) {
	f, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, path, opts)
}

// Read reads one spectrum from r; name is the file's path, used for messages
// and for the modality when the content does not give it. Of a file holding
// several spectra (an SPC multifile, an OMNIC group, a WiRE map, a WITec
// project) it returns the first, with Meta.Extra "spectra" (the count) and
// "spectrum index" ("0"); ReadAll returns them all.
func Read(r io.Reader, name string, opts Options) (*spectro.Spectrum, error) {
	all, err := read(r, name, opts, true)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// ReadAll reads every spectrum from r: the subfiles of an SPC multifile, the
// spectra of an OMNIC group, every pixel of a WiRE map or series (with its
// stage position in Meta.Extra "x", "y" and "z", in µm, where the file gives
// it), every spectrum of every TDGraph of a WITec project (a map's pixels
// with their indices in "x" and "y"). Each is checked and tidied as Read
// does; a single-spectrum file gives a slice of one.
func ReadAll(r io.Reader, name string, opts Options) ([]*spectro.Spectrum, error) {
	return read(r, name, opts, false)
}

// decoded is what a format's parser hands to finish: the spectra as stored,
// and an x-axis conversion that waits for the modality.
type decoded struct {
	spectra []*spectro.Spectrum
	// wavelength, when non-zero, says X holds wavelengths whose cm⁻¹ value is
	// wavelength/x (1e7 for nm, 1e4 for µm). An infrared axis becomes
	// wavenumbers; a Raman axis becomes shifts from laserNM, which must be known.
	wavelength float64
	xUnit      string
	laserNM    float64
}

func read(r io.Reader, name string, opts Options, firstOnly bool) ([]*spectro.Spectrum, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, errAt(name, 0, "larger than %d MiB", MaxFileSize>>20)
	}
	format := opts.Format
	if format == Unknown {
		format = Detect(data)
	}
	d, err := decode(data, name, format)
	if err != nil {
		return nil, err
	}
	n := len(d.spectra)
	if n == 0 {
		return nil, errAt(name, 0, "%s file holds no spectrum", format)
	}
	if firstOnly {
		n = 1
	}
	// A modality nothing gives is the file's fault, not one spectrum's.
	if s := d.spectra[0]; !s.Modality.Valid() && !ModalityFromPath(name).Valid() && !opts.Modality.Valid() {
		return nil, errNoModality(name)
	}
	out := make([]*spectro.Spectrum, 0, n)
	for i, s := range d.spectra[:n] {
		if len(d.spectra) > 1 {
			s.Meta.Set("spectra", strconv.Itoa(len(d.spectra)))
			s.Meta.Set("spectrum index", strconv.Itoa(i))
		}
		t, err := finish(s, d, name, format, opts)
		if err != nil {
			if len(d.spectra) > 1 {
				var pe *ParseError
				if errors.As(err, &pe) {
					pe.Msg = fmt.Sprintf("spectrum %d of %d: %s", i, len(d.spectra), pe.Msg)
				}
			}
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// decode runs the parser of a format.
func decode(data []byte, name string, format Format) (*decoded, error) {
	one := func(s *spectro.Spectrum, err error) (*decoded, error) {
		if err != nil {
			return nil, err
		}
		return &decoded{spectra: []*spectro.Spectrum{s}}, nil
	}
	switch format {
	case RRUFF:
		return one(parseRRUFF(data, name))
	case JCAMP:
		return one(parseJCAMP(data, name))
	case SpectroGen, Delimited:
		return one(parseDelimited(data, name))
	case PLV:
		return one(parsePLV(data, name))
	case ASP:
		return one(parseASP(data, name))
	case SPC:
		return parseSPC(data, name)
	case OPUS:
		return one(parseOPUS(data, name))
	case OMNIC:
		return parseOMNIC(data, name)
	case WDF:
		return parseWDF(data, name)
	case WIP:
		return parseWIP(data, name)
	case DIF:
		return nil, errAt(name, 0, "a DIF file is a peak list: read it with ReadDIF")
	}
	return nil, errAt(name, 0, "empty or not a spectrum file")
}

// finish is the post-processing every spectrum read goes through: its source,
// its modality (content, else path, else Options), a pending wavelength axis,
// Tidy, and the Cu Kα axis for diffraction patterns.
func finish(s *spectro.Spectrum, d *decoded, name string, format Format, opts Options) (*spectro.Spectrum, error) {
	s.Meta.Source = name
	if !s.Modality.Valid() {
		s.Modality = ModalityFromPath(name)
	}
	if !s.Modality.Valid() {
		s.Modality = opts.Modality
	}
	if !s.Modality.Valid() {
		return nil, errNoModality(name)
	}
	if d.wavelength != 0 {
		if err := wavelengthToWavenumber(s, d, name); err != nil {
			return nil, err
		}
	}
	t, err := s.Tidy()
	if err == nil && t.Modality == spectro.XRD {
		t, err = onCuKAlpha(t, format, opts)
	}
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, errAt(name, 0, "%v", strings.TrimPrefix(err.Error(), name+": "))
	}
	return t, nil
}

func errNoModality(name string) error {
	return errAt(name, 0, "cannot tell the modality (raman, infrared or xrd) from the file, its name or its folder; give it explicitly")
}

// wavelengthToWavenumber turns a wavelength axis into the modality's: absolute
// wavenumbers for infrared, shifts from the laser line for Raman. It writes a
// new X slice, since the spectra of one file may share theirs.
func wavelengthToWavenumber(s *spectro.Spectrum, d *decoded, name string) error {
	switch s.Modality {
	case spectro.XRD:
		return errAt(name, 0, "the x axis is a wavelength in %s, not a diffraction angle", d.xUnit)
	case spectro.Raman:
		if d.laserNM <= 0 {
			return errAt(name, 0, "the x axis is a wavelength in %s and the file states no excitation wavelength, so the Raman shift cannot be computed", d.xUnit)
		}
	}
	x := make([]float64, len(s.X))
	for i, v := range s.X {
		if !(v > 0) {
			return errAt(name, 0, "wavelength %g %s cannot be converted to cm-1", v, d.xUnit)
		}
		x[i] = d.wavelength / v
		if s.Modality == spectro.Raman {
			x[i] = 1e7/d.laserNM - x[i]
		}
	}
	s.X = x
	if s.Modality == spectro.Raman {
		s.Meta.Set("XUNITS", fmt.Sprintf("Raman shift, cm-1 (converted from %s with %g nm excitation)", d.xUnit, d.laserNM))
	} else {
		s.Meta.Set("XUNITS", "1/CM (converted from "+d.xUnit+")")
	}
	return nil
}

// onCuKAlpha moves a diffraction pattern to the protocol's Cu Kα 2θ axis:
// with the wavelength its file states, else opts.Wavelength, else as Cu Kα
// already. A PLV file comes from instruments of other anodes, so it must say.
func onCuKAlpha(s *spectro.Spectrum, format Format, opts Options) (*spectro.Spectrum, error) {
	lambda, ok, err := statedWavelength(s.Meta)
	if err != nil {
		return nil, err
	}
	if !ok {
		lambda = opts.Wavelength
	}
	if lambda == 0 {
		if format == PLV {
			return nil, fmt.Errorf("the PLV header states no wavelength (no \"K-Alpha 1=\" or \"Anode=\" line): give it as Options.Wavelength in Å (the command's --wavelength, which takes 1.78897 or an anode: Co)")
		}
		lambda = spectro.CuKAlpha
	}
	return spectro.ToCuKAlpha(s, lambda)
}

// Detect guesses a file's format from its first bytes: the binary formats by
// their magic numbers and header, the text ones by their first lines.
func Detect(data []byte) Format {
	if f := detectBinary(data); f != Unknown {
		return f
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	upper := bytes.ToUpper(head)
	switch {
	case len(head) == 0:
		return Unknown
	case bytes.HasPrefix(head, []byte("##")):
		if bytes.Contains(upper, []byte("##JCAMP")) || bytes.Contains(upper, []byte("##TITLE")) {
			return JCAMP
		}
		return RRUFF
	case bytes.Contains(bytes.SplitN(upper, []byte("\n"), 2)[0], []byte(plvMagic)):
		return PLV
	case bytes.Contains(upper, []byte("2-THETA")) && bytes.Contains(upper, []byte("INTENSITY")):
		return DIF
	case isASP(data):
		return ASP
	}
	return Delimited
}

// detectBinary recognises the binary formats by their magic bytes. SPC has
// only a one-byte version mark, so it must also carry a NUL in its header,
// which no text file does.
func detectBinary(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, opusMagic):
		return OPUS
	case bytes.HasPrefix(data, []byte(omnicMagic)):
		return OMNIC
	case bytes.HasPrefix(data, []byte("WDF1")):
		return WDF
	case isWIP(data):
		return WIP
	case isSPC(data):
		return SPC
	}
	return Unknown
}

// ModalityFromPath finds the modality in a RRUFF-style file name
// (Mineral__R050127-1__Raman__...) or in the names of its folders, nearest first.
// It returns "" when nothing says.
func ModalityFromPath(path string) spectro.Modality {
	base := filepath.Base(path)
	for _, tok := range strings.Split(strings.TrimSuffix(base, filepath.Ext(base)), "__") {
		if m := modalityToken(tok); m != "" {
			return m
		}
	}
	dir := filepath.Dir(path)
	for i := 0; i < 3 && dir != "." && dir != "/" && dir != ""; i++ {
		if m := modalityToken(filepath.Base(dir)); m != "" {
			return m
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

func modalityToken(tok string) spectro.Modality {
	switch strings.ToLower(tok) {
	case "raman":
		return spectro.Raman
	case "infrared", "ir", "ftir":
		return spectro.Infrared
	case "powder", "xrd", "xray", "x-ray", "pxrd":
		return spectro.XRD
	}
	return ""
}

// lines splits text into lines, accepting LF, CRLF and lone CR endings.
func lines(data []byte) []string {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// ReadColumns reads the first two columns of a delimited text file (x, y) as
// they stand: not sorted, repeated x kept — data for curve fitting, where a
// spectrum would be put in order. Comments and a header line are skipped as
// for spectra; errors name the file and line.
func ReadColumns(path string) (x, y []float64, err error) {
	f, err := openBounded(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, nil, errAt(path, 0, "larger than %d MiB", MaxFileSize>>20)
	}
	s, err := parseDelimited(data, path)
	if err != nil {
		return nil, nil, err
	}
	return s.X, s.Y, nil
}
