package spectro

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CuKAlpha is the X-ray wavelength (Å) of the evaluation protocol's 2θ axis:
// the Cu Kα doublet's weighted mean as RRUFF and AMCSD compute their powder
// patterns (XPOW). Every XRD spectrum the project holds is on this axis.
const CuKAlpha = 1.541838

// WavelengthKey is the metadata key recording the wavelength (Å) a
// diffraction pattern was measured with. Its x axis is already Cu Kα 2θ
// (ToCuKAlpha moved it), so a reader never converts on this key again.
const WavelengthKey = "measured_wavelength"

// anodes are the Kα wavelengths (weighted means of Kα1 and Kα2, Å) of the
// usual X-ray tube anodes, for files that name the anode but not the wavelength.
var anodes = map[string]float64{
	"cu": CuKAlpha, "co": 1.790260, "fe": 1.937355, "cr": 2.291000, "mo": 0.710730, "ag": 0.560860,
}

// AnodeWavelength returns the Kα wavelength (Å) of an anode named by its
// element symbol (Cu, Co, Fe, Cr, Mo, Ag), case-insensitively.
func AnodeWavelength(anode string) (float64, bool) {
	v, ok := anodes[strings.ToLower(strings.TrimSpace(anode))]
	return v, ok
}

// ParseWavelength reads a wavelength given as Å ("1.78897") or as an anode
// ("Co", "CoKa", "Cu Kα").
func ParseWavelength(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(t, "Å"), "A"), 64); err == nil {
		if !(v > 0.1 && v < 10) {
			return 0, fmt.Errorf("wavelength %g Å is not an X-ray wavelength (want 0.1–10 Å)", v)
		}
		return v, nil
	}
	el := strings.ToLower(t)
	for _, suffix := range []string{"kα", "ka", "k-alpha", " "} {
		el = strings.TrimSpace(strings.TrimSuffix(el, suffix))
	}
	if v, ok := AnodeWavelength(el); ok {
		return v, nil
	}
	return 0, fmt.Errorf("wavelength %q: want a value in Å or an anode (Cu, Co, Fe, Cr, Mo, Ag)", s)
}

// BraggD is the d-spacing (Å) of a reflection at twoTheta (°) for wavelength
// lambda (Å): Bragg's law, d = λ / (2 sin θ).
func BraggD(twoTheta, lambda float64) float64 {
	return lambda / (2 * math.Sin(twoTheta*math.Pi/360))
}

// BraggTwoTheta is the angle 2θ (°) of a reflection of spacing d (Å) for
// wavelength lambda (Å); ok is false where λ > 2d (no such reflection).
func BraggTwoTheta(d, lambda float64) (twoTheta float64, ok bool) {
	s := lambda / (2 * d)
	if !(d > 0) || !(s <= 1) {
		return 0, false
	}
	return 360 / math.Pi * math.Asin(s), true
}

// ToCuKAlpha returns an XRD pattern measured with wavelength lambda (Å) on
// the protocol's Cu Kα 2θ axis: each point moved through its d-spacing, so a
// Co Kα and a Cu Kα pattern of one mineral put every line in the same place.
// Points whose d-spacing Cu Kα cannot reach (2θ would pass 180°) are dropped.
// The original wavelength is kept in the metadata (WavelengthKey). A pattern
// measured with Cu Kα comes back as it is. Either way every angle must be a
// diffraction angle, in (0°, 180°).
func ToCuKAlpha(s *Spectrum, lambda float64) (*Spectrum, error) {
	if s.Modality != XRD {
		return nil, fmt.Errorf("%s: only a diffraction pattern has a wavelength (this is %s)", s.Name(), s.Modality)
	}
	if !(lambda > 0.1 && lambda < 10) {
		return nil, fmt.Errorf("%s: wavelength %g Å is not an X-ray wavelength", s.Name(), lambda)
	}
	for i, x := range s.X {
		if !(x > 0 && x < 180) {
			return nil, fmt.Errorf("%s: point %d: 2θ = %g° is outside (0°, 180°): not a diffraction angle", s.Name(), i, x)
		}
	}
	if math.Abs(lambda-CuKAlpha) < 1e-6 {
		return s, nil
	}
	out := &Spectrum{Modality: XRD, Meta: s.Meta.Clone()}
	for i, x := range s.X {
		if tt, ok := BraggTwoTheta(BraggD(x, lambda), CuKAlpha); ok {
			out.X, out.Y = append(out.X, tt), append(out.Y, s.Y[i])
		}
	}
	if len(out.X) < 2 {
		return nil, fmt.Errorf("%s: no point of the pattern is reachable with Cu Kα", s.Name())
	}
	out.Meta.Set(WavelengthKey, strconv.FormatFloat(lambda, 'g', -1, 64))
	return out, out.Validate()
}
