package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
)

func (f Format) String() string {
	return [...]string{"unknown", "RRUFF text", "JCAMP-DX", "SpectroGen release", "delimited text", "DIF peak list (RRUFF, AMCSD)", "PLV powder pattern"}[f]
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

// ReadFile reads one spectrum file.
func ReadFile(path string, opts Options) (*spectro.Spectrum, error) {
	f, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, opts)
}

// Read reads one spectrum from r; name is the file's path, used for messages
// and for the modality when the content does not give it.
func Read(r io.Reader, name string, opts Options) (*spectro.Spectrum, error) {
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
	var s *spectro.Spectrum
	switch format {
	case RRUFF:
		s, err = parseRRUFF(data, name)
	case JCAMP:
		s, err = parseJCAMP(data, name)
	case SpectroGen, Delimited:
		s, err = parseDelimited(data, name)
	case PLV:
		s, err = parsePLV(data, name)
	case DIF:
		return nil, errAt(name, 0, "a DIF file is a peak list: read it with ReadDIF")
	default:
		return nil, errAt(name, 0, "empty or not a spectrum file")
	}
	if err != nil {
		return nil, err
	}
	s.Meta.Source = name
	if !s.Modality.Valid() {
		s.Modality = ModalityFromPath(name)
	}
	if !s.Modality.Valid() {
		s.Modality = opts.Modality
	}
	if !s.Modality.Valid() {
		return nil, errAt(name, 0, "cannot tell the modality (raman, infrared or xrd) from the file, its name or its folder; give it explicitly")
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
			return nil, fmt.Errorf("the PLV header states no wavelength (no \"K-Alpha 1=\" or \"Anode=\" line): give it (--wavelength 1.78897 or --wavelength Co)")
		}
		lambda = spectro.CuKAlpha
	}
	return spectro.ToCuKAlpha(s, lambda)
}

// Detect guesses a file's format from its first bytes.
func Detect(data []byte) Format {
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
	}
	return Delimited
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
