package formats

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// jcampRecord is one labelled data record: ##LABEL=value (value may span lines).
type jcampRecord struct {
	label string // normalised: upper case without spaces, dashes, slashes, underscores
	raw   string // the label as written
	value []string
	line  int // line of the ##LABEL
}

// normLabel applies JCAMP-DX's label equivalence (case, spaces, -, /, _ ignored).
func normLabel(l string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '/', '_', '\t':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, l)
}

// stripComment removes a "$$" comment.
func stripComment(s string) string {
	if i := strings.Index(s, "$$"); i >= 0 {
		return s[:i]
	}
	return s
}

func jcampRecords(data []byte) []jcampRecord {
	var recs []jcampRecord
	for i, line := range lines(data) {
		t := strings.TrimRight(line, " \t")
		if strings.HasPrefix(strings.TrimLeft(t, " \t"), "##") {
			t = strings.TrimLeft(t, " \t")
			label, value, _ := strings.Cut(t[2:], "=")
			recs = append(recs, jcampRecord{label: normLabel(label), raw: strings.TrimSpace(label), value: []string{stripComment(value)}, line: i + 1})
			continue
		}
		if len(recs) > 0 {
			recs[len(recs)-1].value = append(recs[len(recs)-1].value, stripComment(t))
		}
	}
	return recs
}

// parseJCAMP reads the first spectrum block of a JCAMP-DX file, refusing the
// kinds of data that are no Raman, infrared or diffraction spectrum (NMR, mass
// spectra, time or frequency axes) with an error saying what the file holds.
func parseJCAMP(data []byte, name string) (*spectro.Spectrum, error) {
	s, err := decodeJCAMP(data, name)
	if err != nil {
		return nil, err
	}
	dataType := strings.ToUpper(s.Meta.Extra["DATA TYPE"])
	for _, k := range []struct{ token, what string }{
		{"NMR", "an NMR spectrum"}, {"MASS", "a mass spectrum"}, {"ION MOBILITY", "an ion mobility spectrum"},
		{"CHROMATOGRAM", "a chromatogram"}, {"UV", "a UV-visible spectrum"}, {"FLUORESCENCE", "a fluorescence spectrum"},
	} {
		if !s.Modality.Valid() && strings.Contains(dataType, k.token) {
			return nil, errAt(name, 0, "the JCAMP-DX file holds %s (##DATA TYPE=%s), not a Raman, infrared or X-ray diffraction spectrum", k.what, s.Meta.Extra["DATA TYPE"])
		}
	}
	xunits := strings.ToUpper(strings.TrimSpace(s.Meta.Extra["XUNITS"]))
	switch xunits {
	case "HZ", "PPM", "M/Z", "SECONDS", "MILLISECONDS", "MICROSECONDS", "MINUTES", "TIME":
		if !s.Modality.Valid() {
			return nil, errAt(name, 0, "the JCAMP-DX x axis is in %s, not a Raman shift, wavenumber, wavelength or 2θ axis: not a Raman, infrared or X-ray diffraction spectrum", s.Meta.Extra["XUNITS"])
		}
	}
	if !s.Modality.Valid() {
		// Records that say the modality when DATA TYPE does not.
		switch {
		case strings.Contains(xunits, "RAMAN"):
			s.Modality = spectro.Raman
		case strings.Contains(xunits, "MICROMETERS") && strings.Contains(xunits, "CONVERTED"):
			s.Modality = spectro.Infrared // only infrared spectra are measured in µm
		case strings.Contains(xunits, "2THETA") || strings.Contains(xunits, "2-THETA"):
			s.Modality = spectro.XRD
		}
	}
	return s, nil
}

// decodeJCAMP decodes the first spectrum block of a JCAMP-DX file as it
// stands, whatever it is a spectrum of.
func decodeJCAMP(data []byte, name string) (*spectro.Spectrum, error) {
	s := &spectro.Spectrum{Meta: metaFromName(name)}
	num := map[string]float64{}
	var xunits string
	var table *jcampRecord
	for _, r := range jcampRecords(data) {
		first := strings.TrimSpace(r.value[0])
		switch r.label {
		case "TITLE":
			if first != "" {
				s.Meta.Set("TITLE", first)
			}
		case "DATATYPE":
			u := strings.ToUpper(first)
			switch {
			case strings.Contains(u, "RAMAN"):
				s.Modality = spectro.Raman
			case strings.Contains(u, "INFRARED") || strings.Contains(u, "IR SPECTRUM"):
				s.Modality = spectro.Infrared
			case strings.Contains(u, "X-RAY") || strings.Contains(u, "DIFFRACTION"):
				s.Modality = spectro.XRD
			}
			s.Meta.Set("DATA TYPE", first)
		case "XUNITS":
			xunits = strings.ToUpper(first)
			s.Meta.Set("XUNITS", first)
		case "YUNITS":
			s.Meta.Set("YUNITS", first)
		case "XFACTOR", "YFACTOR", "FIRSTX", "LASTX", "NPOINTS", "DELTAX":
			v, err := strconv.ParseFloat(first, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errAt(name, r.line, "##%s=%q is not a number", r.raw, clip(first))
			}
			num[r.label] = v
		case "$MINERAL", "NAMES":
			s.Meta.Mineral = first
		case "$RRUFFID", "RRUFFID":
			s.Meta.RRUFFID = first
		case "$CHEMISTRY", "MOLFORM":
			s.Meta.Chemistry = first
		case "XYDATA", "PEAKTABLE", "XYPOINTS":
			if table == nil {
				rr := r
				table = &rr
			}
		case "END":
			if table != nil {
				goto done
			}
		default:
			if strings.HasPrefix(r.label, "$") && first != "" {
				s.Meta.Set(strings.TrimPrefix(r.raw, "$"), first)
			}
		}
	}
done:
	if table == nil {
		return nil, errAt(name, 0, "JCAMP-DX file has no ##XYDATA, ##XYPOINTS or ##PEAK TABLE")
	}
	xf, yf := factor(num, "XFACTOR"), factor(num, "YFACTOR")
	var err error
	form := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(table.value[0]), " ", ""))
	switch {
	// "(X++(Y..Y)" without the closing parenthesis occurs in real files.
	case table.label == "XYDATA" && strings.HasPrefix(form, "(X++(Y..Y)"):
		err = decodeXYData(s, table, num, yf, name)
	case table.label == "XYDATA" && strings.HasPrefix(form, "(X++(R..R))"), table.label == "XYDATA" && strings.HasPrefix(form, "(X++(I..I))"):
		return nil, errAt(name, table.line, "##XYDATA=%s (complex data) is not supported", form)
	case strings.HasPrefix(form, "(XY..XY)"), strings.HasPrefix(form, "(XY)"):
		err = decodePairs(s, table, xf, yf, name)
		if table.label == "PEAKTABLE" {
			s.Meta.Set("JCAMP TABLE", "PEAK TABLE")
		}
	default:
		return nil, errAt(name, table.line, "##%s=%s: unsupported data form", table.raw, clip(form))
	}
	if err != nil {
		return nil, err
	}
	if err := convertXUnits(s, xunits, name); err != nil {
		return nil, err
	}
	return s, nil
}

func factor(num map[string]float64, key string) float64 {
	if v, ok := num[key]; ok && v != 0 {
		return v
	}
	return 1
}

// convertXUnits brings wavelength axes to wavenumbers (cm⁻¹).
func convertXUnits(s *spectro.Spectrum, xunits, name string) error {
	var k float64
	switch {
	case strings.HasPrefix(xunits, "MICROMETER"), xunits == "UM":
		k = 1e4
	case strings.HasPrefix(xunits, "NANOMETER"), xunits == "NM":
		k = 1e7
	default:
		return nil
	}
	for i, x := range s.X {
		if x <= 0 {
			return errAt(name, 0, "wavelength %g %s cannot be converted to cm-1", x, xunits)
		}
		s.X[i] = k / x
	}
	s.Meta.Set("XUNITS", "1/CM (converted from "+xunits+")")
	return nil
}

// decodeXYData decodes ##XYDATA=(X++(Y..Y)) in AFFN or ASDF (SQZ/DIF/DUP) form.
// Abscissas follow from FIRSTX, LASTX and NPOINTS, as the standard defines.
func decodeXYData(s *spectro.Spectrum, r *jcampRecord, num map[string]float64, yf float64, name string) error {
	var ys []float64
	prevEndedInDIF := false
	for k, line := range r.value[1:] {
		ln := r.line + 1 + k
		if strings.TrimSpace(line) == "" {
			continue
		}
		vals, endsInDIF, err := decodeASDFLine(line)
		if err != nil {
			return errAt(name, ln, "%v", err)
		}
		if len(vals) < 2 {
			continue // an X with no ordinates
		}
		yv := vals[1:]
		if prevEndedInDIF && len(ys) > 0 {
			// DIF y-check: the line's first ordinate repeats the previous line's last.
			if math.Abs(yv[0]-ys[len(ys)-1]) > 1e-6*math.Max(1, math.Abs(yv[0])) {
				return errAt(name, ln, "DIF y-check failed: line starts with %g, previous line ended with %g", yv[0], ys[len(ys)-1])
			}
			yv = yv[1:]
		}
		ys = append(ys, yv...)
		if len(ys) > maxPoints {
			return errAt(name, ln, "##XYDATA holds more than %d values", maxPoints)
		}
		prevEndedInDIF = endsInDIF
	}
	if len(ys) == 0 {
		return errAt(name, r.line, "##XYDATA has no values")
	}
	n := len(ys)
	if np, ok := num["NPOINTS"]; ok && int(np) != n {
		return errAt(name, r.line, "##NPOINTS=%d but ##XYDATA holds %d values", int(np), n)
	}
	first, okF := num["FIRSTX"]
	last, okL := num["LASTX"]
	if !okF || !okL {
		return errAt(name, r.line, "##XYDATA needs ##FIRSTX and ##LASTX")
	}
	if n < 2 {
		return errAt(name, r.line, "##XYDATA holds only %d value", n)
	}
	s.X = make([]float64, n)
	s.Y = make([]float64, n)
	for i := range ys {
		s.X[i] = first + (last-first)*float64(i)/float64(n-1)
		s.Y[i] = ys[i] * yf
	}
	s.X[n-1] = last
	return nil
}

// decodePairs reads (XY..XY) data: numbers separated by commas, semicolons or
// white space, taken two by two ("x,y x,y", "x, y; x, y" and "x y" all occur).
func decodePairs(s *spectro.Spectrum, r *jcampRecord, xf, yf float64, name string) error {
	for k, line := range r.value[1:] {
		ln := r.line + 1 + k
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' })
		if len(fields)%2 != 0 {
			return errAt(name, ln, "want x,y pairs, got an odd count of numbers (%d)", len(fields))
		}
		for i := 0; i < len(fields); i += 2 {
			x, err1 := strconv.ParseFloat(fields[i], 64)
			y, err2 := strconv.ParseFloat(fields[i+1], 64)
			if err1 != nil || err2 != nil {
				return errAt(name, ln, "bad x,y pair %q, %q", clip(fields[i]), clip(fields[i+1]))
			}
			s.X, s.Y = append(s.X, x*xf), append(s.Y, y*yf)
		}
	}
	if len(s.X) == 0 {
		return errAt(name, r.line, "##%s has no pairs", r.raw)
	}
	return nil
}

// ASDF character classes (JCAMP-DX 4.24, section 5.9).
func sqzDigit(c byte) (int, bool) {
	switch {
	case c == '@':
		return 0, true
	case c >= 'A' && c <= 'I':
		return int(c-'A') + 1, true
	case c >= 'a' && c <= 'i':
		return -(int(c-'a') + 1), true
	}
	return 0, false
}

func difDigit(c byte) (int, bool) {
	switch {
	case c == '%':
		return 0, true
	case c >= 'J' && c <= 'R':
		return int(c-'J') + 1, true
	case c >= 'j' && c <= 'r':
		return -(int(c-'j') + 1), true
	}
	return 0, false
}

func dupDigit(c byte) (int, bool) {
	switch {
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 1, true
	case c == 's':
		return 9, true
	}
	return 0, false
}

// Bounds on decompression, far above real spectra, so that a malformed or
// hostile file cannot expand into gigabytes.
const (
	maxDUP        = 100_000
	maxLineValues = 1_000_000
	maxPoints     = 10_000_000
)

// decodeASDFLine turns one XYDATA line into numbers (X first), expanding DIF
// and DUP forms. endsInDIF tells whether the last ordinate was a difference,
// in which case the next line starts with a y-check value.
func decodeASDFLine(line string) (vals []float64, endsInDIF bool, err error) {
	const (
		kindAbs = iota
		kindDif
	)
	lastKind, lastDiff := kindAbs, 0.0
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == ',' || c == '\t':
			i++
			continue
		case c == '?':
			return nil, false, fmt.Errorf("missing value '?' at column %d", i+1)
		}
		// A token: a lead character (sign, digit, '.', or an ASDF letter) and digits.
		start := i
		lead := c
		i++
		for i < len(line) && (line[i] >= '0' && line[i] <= '9' || line[i] == '.' ||
			// An exponent needs its sign: "E" alone is the SQZ digit 5 ("117E010" is 117 then 5010).
			((line[i] == 'E' || line[i] == 'e') && i+1 < len(line) && (line[i+1] == '+' || line[i+1] == '-') && isAFFNStart(lead)) ||
			((line[i] == '+' || line[i] == '-') && (line[i-1] == 'E' || line[i-1] == 'e') && isAFFNStart(lead))) {
			i++
		}
		rest := line[start+1 : i]
		if d, ok := dupDigit(lead); ok {
			count, err := digitsValue(d, rest)
			if err != nil || count < 1 {
				return nil, false, fmt.Errorf("bad DUP count %q at column %d", line[start:i], start+1)
			}
			if len(vals) == 0 {
				return nil, false, fmt.Errorf("DUP %q with nothing to repeat", line[start:i])
			}
			if count > maxDUP || len(vals)+count > maxLineValues {
				return nil, false, fmt.Errorf("DUP count %d too large", count)
			}
			for k := 1; k < count; k++ {
				if lastKind == kindDif {
					vals = append(vals, vals[len(vals)-1]+lastDiff)
				} else {
					vals = append(vals, vals[len(vals)-1])
				}
			}
			continue
		}
		if d, ok := difDigit(lead); ok {
			v, err := asdfNumber(d, rest)
			if err != nil {
				return nil, false, fmt.Errorf("bad DIF value %q at column %d", line[start:i], start+1)
			}
			if len(vals) < 2 {
				return nil, false, fmt.Errorf("DIF value %q without a preceding ordinate", line[start:i])
			}
			vals = append(vals, vals[len(vals)-1]+v)
			lastKind, lastDiff = kindDif, v
			continue
		}
		var v float64
		if d, ok := sqzDigit(lead); ok {
			v, err = asdfNumber(d, rest)
		} else if isAFFNStart(lead) {
			v, err = strconv.ParseFloat(line[start:i], 64)
		} else {
			return nil, false, fmt.Errorf("unexpected character %q at column %d", lead, start+1)
		}
		if err != nil {
			return nil, false, fmt.Errorf("bad number %q at column %d", line[start:i], start+1)
		}
		vals = append(vals, v)
		lastKind = kindAbs
	}
	return vals, lastKind == kindDif, nil
}

func isAFFNStart(c byte) bool { return c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9' }

// asdfNumber builds the value of an SQZ/DIF token: the lead digit carries the
// sign, the rest are further digits (possibly with a decimal point).
func asdfNumber(lead int, rest string) (float64, error) {
	neg := lead < 0
	if neg {
		lead = -lead
	}
	v, err := strconv.ParseFloat(strconv.Itoa(lead)+rest, 64)
	if neg {
		v = -v
	}
	return v, err
}

func digitsValue(lead int, rest string) (int, error) {
	if len(rest) > 7 {
		return 0, fmt.Errorf("too many digits")
	}
	return strconv.Atoi(strconv.Itoa(lead) + rest)
}

// WriteJCAMP writes a spectrum as JCAMP-DX 5.01 in AFFN form: ##XYDATA=(X++(Y..Y))
// when the x axis is evenly spaced, else ##XYPOINTS=(XY..XY). Values are written
// in full precision, so a written file reads back equal.
func WriteJCAMP(w io.Writer, s *spectro.Spectrum) error {
	if err := s.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	title := s.Meta.Mineral
	if title == "" {
		title = s.Name()
	}
	dataType := map[spectro.Modality]string{spectro.Raman: "RAMAN SPECTRUM", spectro.Infrared: "INFRARED SPECTRUM", spectro.XRD: "X-RAY POWDER DIFFRACTION"}[s.Modality]
	xunits := "1/CM"
	if s.Modality == spectro.XRD {
		xunits = "2THETA"
	}
	n := s.Len()
	fmt.Fprintf(bw, "##TITLE=%s\n##JCAMP-DX=5.01\n##DATA TYPE=%s\n##ORIGIN=SpectroGen-Go\n##OWNER=\n", title, dataType)
	if s.Meta.Mineral != "" {
		fmt.Fprintf(bw, "##$MINERAL=%s\n", s.Meta.Mineral)
	}
	if s.Meta.RRUFFID != "" {
		fmt.Fprintf(bw, "##$RRUFF ID=%s\n", s.Meta.RRUFFID)
	}
	if s.Meta.Chemistry != "" {
		fmt.Fprintf(bw, "##$CHEMISTRY=%s\n", s.Meta.Chemistry)
	}
	for _, k := range s.Meta.ExtraKeys() {
		switch k {
		case "TITLE", "DATA TYPE", "XUNITS", "YUNITS", "JCAMP TABLE":
			continue
		}
		fmt.Fprintf(bw, "##$%s=%s\n", strings.ReplaceAll(k, "=", "-"), oneLine(s.Meta.Extra[k]))
	}
	yunits := s.Meta.Extra["YUNITS"]
	if yunits == "" {
		yunits = "ARBITRARY UNITS"
	}
	fmt.Fprintf(bw, "##XUNITS=%s\n##YUNITS=%s\n##XFACTOR=1\n##YFACTOR=1\n", xunits, oneLine(yunits))
	fmt.Fprintf(bw, "##FIRSTX=%s\n##LASTX=%s\n##NPOINTS=%d\n##FIRSTY=%s\n", g(s.X[0]), g(s.X[n-1]), n, g(s.Y[0]))
	if evenlySpaced(s.X) {
		fmt.Fprintf(bw, "##DELTAX=%s\n##XYDATA=(X++(Y..Y))\n", g((s.X[n-1]-s.X[0])/float64(n-1)))
		for i := 0; i < n; i += 5 {
			fmt.Fprint(bw, g(s.X[i]))
			for j := i; j < i+5 && j < n; j++ {
				fmt.Fprint(bw, " ", g(s.Y[j]))
			}
			fmt.Fprintln(bw)
		}
	} else {
		fmt.Fprintln(bw, "##XYPOINTS=(XY..XY)")
		for i := range s.X {
			fmt.Fprintf(bw, "%s, %s\n", g(s.X[i]), g(s.Y[i]))
		}
	}
	fmt.Fprintln(bw, "##END=")
	return bw.Flush()
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

func evenlySpaced(x []float64) bool {
	n := len(x)
	step := (x[n-1] - x[0]) / float64(n-1)
	for i := range x {
		if math.Abs(x[i]-(x[0]+step*float64(i))) > 1e-9*math.Max(math.Abs(step), 1e-300)*float64(n) {
			return false
		}
	}
	return true
}
