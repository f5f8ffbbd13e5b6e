package spectro

import (
	"fmt"
	"strings"
)

// Modality is the kind of measurement a spectrum comes from.
type Modality string

// The modalities SpectroGen-Go transfers between.
const (
	Raman    Modality = "raman"
	Infrared Modality = "infrared"
	XRD      Modality = "xrd"
)

// Modalities lists every known modality in a fixed order.
var Modalities = []Modality{Infrared, Raman, XRD}

// ParseModality accepts the usual spellings of a modality, case-insensitively:
// "raman"; "infrared", "ir", "ftir"; "xrd", "powder", "x-ray".
func ParseModality(s string) (Modality, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "raman":
		return Raman, nil
	case "infrared", "ir", "ftir", "mir":
		return Infrared, nil
	case "xrd", "powder", "x-ray", "xray", "pxrd":
		return XRD, nil
	}
	return "", fmt.Errorf("unknown modality %q: want raman, infrared (ir) or xrd (powder)", s)
}

// String returns the modality's canonical lower-case name.
func (m Modality) String() string { return string(m) }

// Title is the modality's name for plot titles and reports.
func (m Modality) Title() string {
	switch m {
	case Raman:
		return "Raman"
	case Infrared:
		return "Infrared"
	case XRD:
		return "X-ray powder diffraction"
	}
	return string(m)
}

// XLabel is the label of the modality's x axis, with its unit.
func (m Modality) XLabel() string {
	switch m {
	case Raman:
		return "Raman shift (cm⁻¹)"
	case Infrared:
		return "Wavenumber (cm⁻¹)"
	case XRD:
		return "2θ (°, Cu Kα)"
	}
	return "x"
}

// XUnit is the unit of the modality's x axis: "cm-1" or "deg2theta".
func (m Modality) XUnit() string {
	if m == XRD {
		return "deg2theta"
	}
	return "cm-1"
}

// PeakTolerance is how far apart, in x units, two peak positions may be and still
// count as the same peak in the evaluation protocol: ±10 cm⁻¹, or ±0.2 °2θ for XRD.
func (m Modality) PeakTolerance() float64 {
	if m == XRD {
		return 0.2
	}
	return 10
}

// Valid reports whether m is one of the known modalities.
func (m Modality) Valid() bool {
	return m == Raman || m == Infrared || m == XRD
}
