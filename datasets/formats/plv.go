package formats

import (
	"regexp"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// plvMagic starts the first line of a PLV file, the text format of inXitu's
// portable XRD/XRF instruments (Terra, Duo).
const plvMagic = "PLV FILE FORMAT"

// rruffIDInText finds a RRUFF sample id (R050241) in a sample name.
var rruffIDInText = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9])(R\d{6})(?:-(\d+))?(?:$|[^0-9])`)

// parsePLV reads a PLV powder pattern: "key= value" header lines (Sample,
// Anode, "K-Alpha 1" in Å, the scan's 2θ range), "Line N" rows naming the
// detector lines used, a "Data" line, then "2θ intensity" rows. The pattern is
// in the instrument's own 2θ (Co Kα on a Terra): Read moves it to Cu Kα.
func parsePLV(data []byte, name string) (*spectro.Spectrum, error) {
	s := &spectro.Spectrum{Modality: spectro.XRD, Meta: metaFromName(name)}
	for i, line := range lines(data) {
		ln := i + 1
		t := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		switch {
		case t == "" || i == 0 || strings.EqualFold(t, "data") || strings.HasPrefix(strings.ToLower(t), "line "):
			continue
		case strings.Contains(t, "="):
			key, value, _ := strings.Cut(t, "=")
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			switch strings.ToLower(key) {
			case "sample":
				if s.Meta.Mineral == "" {
					s.Meta.Mineral, _, _ = strings.Cut(value, "_")
				}
				if m := rruffIDInText.FindStringSubmatch(value); m != nil && s.Meta.RRUFFID == "" {
					s.Meta.RRUFFID = strings.ToUpper(m[1])
				}
			case "k-alpha 1":
				s.Meta.Set(plvWavelength, value)
			case "anode":
				s.Meta.Set(plvAnode, value)
			default:
				s.Meta.Set(key, value)
			}
			continue
		}
		x, y, err := parseRow(t)
		if err != nil {
			return nil, errAt(name, ln, "%v", err)
		}
		s.X, s.Y = append(s.X, x), append(s.Y, y)
	}
	if len(s.X) == 0 {
		return nil, errAt(name, 0, "PLV file has no data rows")
	}
	if s.Meta.RRUFFID == "" {
		if m := rruffIDInText.FindStringSubmatch(name); m != nil {
			s.Meta.RRUFFID = strings.ToUpper(m[1])
		}
	}
	return s, nil
}

// Header keys a diffraction pattern's wavelength may be stated under (upper
// case, as RRUFF text headers are read; PLV's own keys are stored as these).
const (
	plvWavelength = "K-ALPHA 1"
	plvAnode      = "ANODE"
)

var wavelengthKeys = []string{plvWavelength, "WAVELENGTH", "X-RAY WAVELENGTH", "XRAY WAVELENGTH", "LAMBDA"}

// statedWavelength is the wavelength (Å) a pattern's header states, by value
// or by anode; ok is false when it states none. A stated value that is not a
// wavelength is an error.
func statedWavelength(m spectro.Metadata) (lambda float64, ok bool, err error) {
	for _, k := range wavelengthKeys {
		if v := m.Extra[k]; v != "" {
			// A value may carry a unit or a comment after the number ("1.5418 A").
			f := strings.Fields(v)
			lambda, err = spectro.ParseWavelength(f[0])
			return lambda, err == nil, err
		}
	}
	if v := m.Extra[plvAnode]; v != "" {
		lambda, err = spectro.ParseWavelength(v)
		return lambda, err == nil, err
	}
	return 0, false, nil
}
