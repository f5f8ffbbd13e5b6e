package formats

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// DIFPeak is one reflection of a powder-diffraction peak list.
type DIFPeak struct {
	TwoTheta     float64 `json:"two_theta"` // °2θ
	Intensity    float64 `json:"intensity"` // relative, 100 = strongest
	D            float64 `json:"d"`         // d-spacing, Å
	H            int     `json:"h"`
	K            int     `json:"k"`
	L            int     `json:"l"`
	Multiplicity int     `json:"multiplicity,omitempty"`
}

// DIFFile is a RRUFF powder-diffraction DIF file: a peak table computed from
// the refined structure, with the cell and wavelength it used.
type DIFFile struct {
	Meta       spectro.Metadata
	Wavelength float64    // Å (0 when not given)
	Cell       [6]float64 // a, b, c (Å), α, β, γ (°); zero when not given
	SpaceGroup string
	Peaks      []DIFPeak
}

// ReadDIFFile reads a RRUFF DIF peak-list file.
func ReadDIFFile(path string) (*DIFFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDIF(f, path)
}

// ReadDIF reads a DIF peak list: a header with the mineral, "CELL PARAMETERS:",
// "SPACE GROUP:", "X-RAY WAVELENGTH:", then a column line naming 2-THETA,
// INTENSITY, D-SPACING, H K L (and Multiplicity) followed by the reflections.
func ReadDIF(r io.Reader, name string) (*DIFFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d := &DIFFile{Meta: metaFromName(name)}
	d.Meta.Source = name
	var cols map[string]int
	for i, line := range lines(data) {
		ln := i + 1
		t := strings.TrimSpace(line)
		up := strings.ToUpper(t)
		switch {
		case t == "":
			continue
		case cols == nil && strings.Contains(up, "2-THETA") && strings.Contains(up, "INTENSITY"):
			cols = map[string]int{}
			for k, f := range strings.Fields(up) {
				cols[f] = k
			}
			continue
		case cols != nil:
			if strings.HasPrefix(t, "=") || !isAFFNStart(t[0]) {
				goto done // end of the table
			}
			p, err := difRow(strings.Fields(t), cols)
			if err != nil {
				return nil, errAt(name, ln, "%v", err)
			}
			d.Peaks = append(d.Peaks, p)
		case strings.HasPrefix(up, "CELL PARAMETERS:"):
			fs := strings.Fields(t[len("CELL PARAMETERS:"):])
			for k := 0; k < 6 && k < len(fs); k++ {
				v, err := strconv.ParseFloat(fs[k], 64)
				if err != nil {
					return nil, errAt(name, ln, "cell parameter %q is not a number", clip(fs[k]))
				}
				d.Cell[k] = v
			}
		case strings.HasPrefix(up, "SPACE GROUP:"):
			d.SpaceGroup = strings.TrimSpace(t[len("SPACE GROUP:"):])
		case strings.HasPrefix(up, "X-RAY WAVELENGTH:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(t[len("X-RAY WAVELENGTH:"):]), 64)
			if err != nil {
				return nil, errAt(name, ln, "wavelength is not a number")
			}
			d.Wavelength = v
		case d.Meta.Mineral == "" && !strings.Contains(t, ":"):
			d.Meta.Mineral = t
		}
	}
done:
	if cols == nil {
		return nil, errAt(name, 0, "no peak table (a line naming 2-THETA and INTENSITY columns)")
	}
	if len(d.Peaks) == 0 {
		return nil, errAt(name, 0, "the peak table is empty")
	}
	return d, nil
}

func difRow(fs []string, cols map[string]int) (DIFPeak, error) {
	var p DIFPeak
	num := func(col string) (float64, bool, error) {
		k, ok := cols[col]
		if !ok || k >= len(fs) {
			return 0, false, nil
		}
		v, err := strconv.ParseFloat(fs[k], 64)
		if err != nil {
			return 0, true, fmt.Errorf("%s %q is not a number", col, clip(fs[k]))
		}
		return v, true, nil
	}
	var err error
	var ok bool
	if p.TwoTheta, ok, err = num("2-THETA"); err != nil || !ok {
		return p, fmt.Errorf("row without a 2-THETA value")
	}
	if p.Intensity, ok, err = num("INTENSITY"); err != nil || !ok {
		return p, fmt.Errorf("row without an INTENSITY value")
	}
	if p.D, _, err = num("D-SPACING"); err != nil {
		return p, err
	}
	for _, c := range []struct {
		col string
		dst *int
	}{{"H", &p.H}, {"K", &p.K}, {"L", &p.L}, {"MULTIPLICITY", &p.Multiplicity}} {
		v, _, err := num(c.col)
		if err != nil {
			return p, err
		}
		*c.dst = int(v)
	}
	if p.TwoTheta <= 0 || p.TwoTheta >= 180 || p.Intensity < 0 {
		return p, fmt.Errorf("2θ %g or intensity %g out of range", p.TwoTheta, p.Intensity)
	}
	return p, nil
}

// PeakTable returns the reflections as pseudo-Voigt peaks of the given FWHM
// (°2θ) and Lorentzian fraction eta.
func (d *DIFFile) PeakTable(fwhm, eta float64) spectro.PeakTable {
	t := make(spectro.PeakTable, len(d.Peaks))
	for i, p := range d.Peaks {
		t[i] = spectro.Peak{Center: p.TwoTheta, FWHM: fwhm, Height: p.Intensity, Eta: eta}
	}
	return t
}

// Spectrum renders the peak list as a diffraction pattern on grid g.
func (d *DIFFile) Spectrum(g spectro.Grid, fwhm, eta float64) (*spectro.Spectrum, error) {
	s, err := spectro.FromGrid(spectro.XRD, g, d.PeakTable(fwhm, eta).Render(g.Points()))
	if err != nil {
		return nil, err
	}
	s.Meta = d.Meta.Clone()
	return s, nil
}
