package formats

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
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
			if n := len(d.Peaks); n > 0 && d.Peaks[n-1] == p {
				continue // many RRUFF DIF files repeat their last row: one reflection, not two
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
		case strings.HasPrefix(t, "_database_code_amcsd"):
			d.Meta.Set(AMCSDCodeKey, strings.TrimSpace(t[len("_database_code_amcsd"):]))
		case strings.HasPrefix(up, "CHEMICAL FORMULA:"):
			d.Meta.Set("FORMULA", strings.TrimSpace(t[len("CHEMICAL FORMULA:"):]))
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

// AMCSDCodeKey is the metadata key of an AMCSD entry's database code.
const AMCSDCodeKey = "AMCSD"

// difEnd ends each entry of a multi-entry DIF file (AMCSD's downloads).
const difEnd = "_END_"

// ReadDIFs reads a DIF file of one or several entries, each ended by a line
// "_END_" (the American Mineralogist Crystal Structure Database writes its
// collections so). Errors name the file and the line in it.
func ReadDIFs(r io.Reader, name string) ([]*DIFFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []*DIFFile
	var chunk []string
	first := 1 // line number of the chunk's first line
	flush := func(next int) error {
		text, start := strings.Join(chunk, "\n"), first
		chunk, first = nil, next
		if strings.TrimSpace(text) == "" {
			return nil
		}
		d, err := ReadDIF(strings.NewReader(text), name)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line > 0 {
				pe.Line += start - 1
			}
			return err
		}
		out = append(out, d)
		return nil
	}
	for i, line := range lines(data) {
		if strings.TrimSpace(line) == difEnd {
			if err := flush(i + 2); err != nil {
				return nil, err
			}
			continue
		}
		chunk = append(chunk, line)
	}
	if err := flush(0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errAt(name, 0, "no DIF entry")
	}
	return out, nil
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

// The instrument profile a DIF line list is rendered with (the evaluation
// protocol's): each reflection a pseudo-Voigt of this FWHM (°2θ) and
// Lorentzian fraction, on a DIFStep grid over the XRD range.
const (
	DIFProfileFWHM = 0.15
	DIFProfileEta  = 0.5
	DIFStep        = 0.01
)

// TwoThetaFor is the reflection's angle (°) for wavelength lambda (Å), from its
// d-spacing (the column that agrees with h k l; in many RRUFF files the 2θ
// column departs from Bragg's law by up to 0.15°), or the file's 2θ for a row
// without d. ok is false where lambda cannot reach the reflection.
func (p DIFPeak) TwoThetaFor(lambda float64) (float64, bool) {
	if p.D > 0 {
		return spectro.BraggTwoTheta(p.D, lambda)
	}
	return p.TwoTheta, true
}

// PeakTable returns the reflections as pseudo-Voigt peaks of the given FWHM
// (°2θ) and Lorentzian fraction eta, at their Cu Kα angles.
func (d *DIFFile) PeakTable(fwhm, eta float64) spectro.PeakTable {
	t := make(spectro.PeakTable, 0, len(d.Peaks))
	for _, p := range d.Peaks {
		if tt, ok := p.TwoThetaFor(spectro.CuKAlpha); ok && p.Intensity > 0 {
			t = append(t, spectro.Peak{Center: tt, FWHM: fwhm, Height: p.Intensity, Eta: eta})
		}
	}
	return t
}

// Spectrum renders the peak list as a diffraction pattern on grid g.
func (d *DIFFile) Spectrum(g spectro.Grid, fwhm, eta float64) (*spectro.Spectrum, error) {
	return d.render(d.PeakTable(fwhm, eta), g)
}

// render draws a peak table of the file on grid g, with the file's metadata.
func (d *DIFFile) render(table spectro.PeakTable, g spectro.Grid) (*spectro.Spectrum, error) {
	s, err := spectro.FromGrid(spectro.XRD, g, table.Render(g.Points()))
	if err != nil {
		return nil, err
	}
	s.Meta = d.Meta.Clone()
	return s, nil
}

// Pattern is the line list as the evaluation protocol renders it: Cu Kα 2θ
// from d, each line a pseudo-Voigt (DIFProfileFWHM, DIFProfileEta) of its
// listed intensity, summed every DIFStep over the XRD grid's range. It is an
// error when no reflection falls in that range.
func (d *DIFFile) Pattern() (*spectro.Spectrum, error) {
	xg := spectro.DefaultGrid(spectro.XRD)
	table := d.PeakTable(DIFProfileFWHM, DIFProfileEta)
	if !slices.ContainsFunc(table, func(p spectro.Peak) bool { return p.Center >= xg.Start && p.Center <= xg.Stop }) {
		return nil, errAt(d.Meta.Source, 0, "no reflection between %g° and %g° 2θ (Cu Kα)", xg.Start, xg.Stop)
	}
	n := int(math.Round((xg.Stop-xg.Start)/DIFStep)) + 1
	return d.render(table, spectro.Grid{Start: xg.Start, Stop: xg.Stop, N: n})
}
