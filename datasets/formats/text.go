package formats

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// RRUFF header keys that map onto spectro.Metadata fields; the rest go to Extra.
const (
	keyNames     = "NAMES"
	keyRRUFFID   = "RRUFFID"
	keyChemistry = "IDEAL CHEMISTRY"
)

// parseRRUFF reads RRUFF's native text: ##KEY=value lines, x, y rows, ##END=.
func parseRRUFF(data []byte, name string) (*spectro.Spectrum, error) {
	s := &spectro.Spectrum{Meta: metaFromName(name)}
	inData := false
	for i, line := range lines(data) {
		ln := i + 1
		t := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "##") {
			key, value, ok := strings.Cut(t[2:], "=")
			if !ok {
				return nil, errAt(name, ln, "header line without '=': %q", clip(t))
			}
			key, value = strings.ToUpper(strings.TrimSpace(key)), strings.TrimSpace(value)
			if key == "END" {
				break
			}
			if inData {
				return nil, errAt(name, ln, "header line %q after the data rows", clip(t))
			}
			setRRUFFKey(&s.Meta, key, value)
			continue
		}
		x, y, err := parseRow(t)
		if err != nil {
			return nil, errAt(name, ln, "%v", err)
		}
		inData = true
		s.X, s.Y = append(s.X, x), append(s.Y, y)
	}
	if len(s.X) == 0 {
		return nil, errAt(name, 0, "RRUFF file has no data rows")
	}
	dropZeroPadding(s)
	if m := s.Meta.Extra["MODALITY"]; m != "" {
		s.Modality, _ = spectro.ParseModality(m)
	}
	return s, nil
}

func setRRUFFKey(m *spectro.Metadata, key, value string) {
	switch key {
	case keyNames:
		m.Mineral = value
	case keyRRUFFID:
		m.RRUFFID = value
	case keyChemistry:
		m.Chemistry = value
	default:
		m.Set(key, value)
	}
}

// parseDelimited reads two-column text (and the SpectroGen release format).
// Lines starting with '#' are comments; "# key: value" comments carry metadata
// (as WriteCSV writes it). One non-numeric line before the data is a header.
func parseDelimited(data []byte, name string) (*spectro.Spectrum, error) {
	s := &spectro.Spectrum{Meta: metaFromName(name)}
	headerSeen := false
	for i, line := range lines(data) {
		ln := i + 1
		t := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "#") {
			if key, value, ok := strings.Cut(strings.TrimSpace(t[1:]), ":"); ok {
				setCommentKey(s, strings.TrimSpace(key), strings.TrimSpace(value))
			}
			continue
		}
		x, y, err := parseRow(t)
		if err != nil {
			if len(s.X) == 0 && !headerSeen && !startsWithNumber(t) {
				headerSeen = true // a column-name line such as "wavenumber,intensity"
				continue
			}
			return nil, errAt(name, ln, "%v", err)
		}
		s.X, s.Y = append(s.X, x), append(s.Y, y)
	}
	if len(s.X) == 0 {
		return nil, errAt(name, 0, "no data rows")
	}
	dropZeroPadding(s)
	return s, nil
}

// setCommentKey applies a "# key: value" comment of a file WriteCSV wrote.
func setCommentKey(s *spectro.Spectrum, key, value string) {
	switch key { // WriteCSV's own keys are lower case; RRUFF's header keys upper case
	case "modality":
		s.Modality, _ = spectro.ParseModality(value)
	case "mineral":
		s.Meta.Mineral = value
	case "rruff_id":
		s.Meta.RRUFFID = value
	case "chemistry":
		s.Meta.Chemistry = value
	case "x_unit":
	default:
		s.Meta.Set(key, value)
	}
}

// dropZeroPadding removes trailing rows with x = 0: padding, not data (the
// SpectroGen release pads every file with 0,0 rows to 2048).
func dropZeroPadding(s *spectro.Spectrum) {
	n := len(s.X)
	for n > 0 && s.X[n-1] == 0 && s.Y[n-1] == 0 {
		n--
	}
	s.X, s.Y = s.X[:n], s.Y[:n]
}

// parseRow reads the first two numbers of a data line. Fields are separated by
// commas, semicolons, tabs or spaces; with semicolons, a decimal comma is allowed.
func parseRow(t string) (x, y float64, err error) {
	var fields []string
	if strings.Contains(t, ";") {
		fields = strings.Split(t, ";")
		for i := range fields {
			fields[i] = strings.ReplaceAll(strings.TrimSpace(fields[i]), ",", ".")
		}
	} else {
		fields = strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	}
	if len(fields) < 2 {
		return 0, 0, fmt.Errorf("want two numbers (x, y), got %q", clip(t))
	}
	if x, err = strconv.ParseFloat(fields[0], 64); err != nil {
		return 0, 0, fmt.Errorf("x %q is not a number", clip(fields[0]))
	}
	if y, err = strconv.ParseFloat(fields[1], 64); err != nil {
		return 0, 0, fmt.Errorf("intensity %q is not a number", clip(fields[1]))
	}
	// ParseFloat takes "NaN" and "Inf": refused here, where the line is known.
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, 0, fmt.Errorf("x %q is not a finite number", clip(fields[0]))
	}
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return 0, 0, fmt.Errorf("intensity %q is not a finite number", clip(fields[1]))
	}
	return x, y, nil
}

// rruffName matches RRUFF file names: Mineral__R050127-1__Modality__...
var rruffName = regexp.MustCompile(`^([^_]+(?:_[^_]+)*)__([A-Z]\d{5,6})(?:-([A-Za-z0-9]+))?(?:__(.*))?$`)

// NameInfo is what a RRUFF-style file name says.
type NameInfo struct {
	Mineral  string
	RRUFFID  string // with the sub-sample, e.g. "R050127-1"
	Stem     string // the sample id without sub-sample, e.g. "R050127"
	Modality spectro.Modality
	Tokens   []string // the remaining "__" separated tokens (laser, orientation, kind, number)
}

// ParseName reads a RRUFF-style file name such as
// "Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt".
// ok is false when the name does not follow the pattern.
func ParseName(path string) (info NameInfo, ok bool) {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	m := rruffName.FindStringSubmatch(base)
	if m == nil {
		return NameInfo{}, false
	}
	info = NameInfo{Mineral: m[1], Stem: strings.ToUpper(m[2])}
	info.RRUFFID = info.Stem
	if m[3] != "" {
		info.RRUFFID += "-" + m[3]
	}
	if m[4] != "" {
		info.Tokens = strings.Split(m[4], "__")
	}
	info.Modality = ModalityFromPath(path)
	return info, true
}

// metaFromName fills mineral and RRUFF id from a RRUFF-style file name (the
// file's own header, if any, overrides them) and laser/orientation for Raman.
func metaFromName(name string) spectro.Metadata {
	var m spectro.Metadata
	info, ok := ParseName(name)
	if !ok {
		return m
	}
	m.Mineral, m.RRUFFID = info.Mineral, info.RRUFFID
	if info.Modality == spectro.Raman && len(info.Tokens) >= 4 {
		if _, err := strconv.Atoi(info.Tokens[1]); err == nil {
			m.Set("LASER", info.Tokens[1]+" nm")
			m.Set("ORIENTATION", info.Tokens[2]+" "+info.Tokens[3])
		}
	}
	return m
}

// clip shortens text quoted in error messages.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// startsWithNumber tells a malformed data line from a column-name header.
func startsWithNumber(t string) bool {
	f := strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
	if len(f) == 0 {
		return false
	}
	_, err := strconv.ParseFloat(strings.ReplaceAll(f[0], ",", "."), 64)
	return err == nil
}
