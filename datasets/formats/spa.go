package formats

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Thermo OMNIC SPA (one spectrum) and SPG (a group of spectra), read from the
// layout spectrochempy's read_omnic documents: the text "Spectral Data File",
// the title at byte 30, the entry count at 294, the acquisition time at 296
// (seconds since 1899-12-31 UTC), and from byte 304 entries of 16 bytes (key,
// then offset and size as uint32 at +2 and +6). Key 2 is a spectrum header
// (point count at +4, x-unit and y-unit codes at +8 and +12, first and last x
// as float32 at +16 and +20, scan count at +36), key 3 its float32
// intensities, key 107 a group member's title; an SPG repeats them per
// spectrum. Keys 102/103 (interferograms kept beside a spectrum) are skipped.

const omnicMagic = "Spectral Data File"

var omnicXUnits = map[byte]string{1: "1/CM", 2: "data points", 3: "NANOMETERS", 4: "MICROMETERS", 32: "Raman shift (1/CM)"}

var omnicYUnits = map[byte]string{11: "reflectance (%)", 15: "single beam", 16: "transmittance (%)", 17: "absorbance", 22: "volts", 31: "Raman intensity"}

type omnicRecord struct {
	nx           int64
	xUnit, yUnit byte
	first, last  float64
	scans        uint32
	y            []float64
	title        string
}

// maxOmnicEntries bounds the entry table walked when the count is missing.
const maxOmnicEntries = 1 << 16

func parseOMNIC(data []byte, name string) (*decoded, error) {
	h, err := span(data, name, 0, 304, "OMNIC header")
	if err != nil {
		return nil, err
	}
	fileTitle := cString(h[30:286])
	count := int64(le.Uint16(h[294:]))
	var date string
	if ts := le.Uint32(h[296:]); ts != 0 {
		date = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC).Add(time.Duration(ts) * time.Second).Format("2006-01-02 15:04:05 UTC")
	}
	limit := (int64(len(data)) - 304) / 16
	if count > 0 {
		limit = min(limit, count)
	}
	limit = min(limit, maxOmnicEntries)
	var recs []*omnicRecord
	for i := int64(0); i < limit; i++ {
		e := data[304+16*i:]
		key, off, size := e[0], int64(le.Uint32(e[2:])), int64(le.Uint32(e[6:]))
		if key == 0 {
			break
		}
		switch key {
		case 2:
			b, err := span(data, name, off, 40, fmt.Sprintf("OMNIC spectrum header %d", len(recs)))
			if err != nil {
				return nil, err
			}
			recs = append(recs, &omnicRecord{
				nx: int64(le.Uint32(b[4:])), xUnit: b[8], yUnit: b[12],
				first: float64(math.Float32frombits(le.Uint32(b[16:]))), last: float64(math.Float32frombits(le.Uint32(b[20:]))),
				scans: le.Uint32(b[36:]),
			})
		case 3:
			if len(recs) == 0 || recs[len(recs)-1].y != nil {
				return nil, errAt(name, 0, "OMNIC intensities (entry %d) without a spectrum header before them", i)
			}
			r := recs[len(recs)-1]
			if r.nx < 2 || 4*r.nx > size {
				return nil, errAt(name, 0, "OMNIC spectrum %d: header gives %d points, its data entry holds %d", len(recs)-1, r.nx, size/4)
			}
			if r.y, err = float32s(data, name, off, r.nx, fmt.Sprintf("OMNIC spectrum %d intensities", len(recs)-1)); err != nil {
				return nil, err
			}
		case 107:
			if len(recs) > 0 {
				if b, err := span(data, name, off, min(size, 256), ""); err == nil {
					recs[len(recs)-1].title = cString(b)
				}
			}
		}
	}
	if len(recs) == 0 {
		return nil, errAt(name, 0, "OMNIC file has no spectrum header (key 2)")
	}
	d := &decoded{}
	for i, r := range recs {
		if r.y == nil {
			return nil, errAt(name, 0, "OMNIC spectrum %d has no intensities (key 3)", i)
		}
		if r.xUnit == 2 || r.yUnit == 22 {
			return nil, errAt(name, 0, "the OMNIC file holds an interferogram (x in %s, y in %s), not a spectrum", unitName(omnicXUnits, r.xUnit), unitName(omnicYUnits, r.yUnit))
		}
		if r.xUnit != recs[0].xUnit {
			return nil, errAt(name, 0, "OMNIC spectra %d and 0 have different x units (%s, %s)", i, unitName(omnicXUnits, r.xUnit), unitName(omnicXUnits, recs[0].xUnit))
		}
		if !finite([]float64{r.first, r.last}) {
			return nil, errAt(name, 0, "OMNIC spectrum %d x range %g to %g is not finite", i, r.first, r.last)
		}
		s := &spectro.Spectrum{Modality: spectro.Infrared, X: linspace(r.first, r.last, len(r.y)), Y: r.y, Meta: metaFromName(name)}
		if r.xUnit == 32 || r.yUnit == 31 {
			s.Modality = spectro.Raman
		}
		title := fileTitle
		if len(recs) > 1 {
			if fileTitle != "" {
				s.Meta.Set("GROUP", fileTitle)
			}
			title = r.title
		}
		if title != "" {
			s.Meta.Set("TITLE", title)
		}
		s.Meta.Set("XUNITS", unitName(omnicXUnits, r.xUnit))
		s.Meta.Set("YUNITS", unitName(omnicYUnits, r.yUnit))
		if r.scans > 0 {
			s.Meta.Set("SCANS", strconv.FormatUint(uint64(r.scans), 10))
		}
		if date != "" {
			s.Meta.Set("DATE", date)
		}
		d.spectra = append(d.spectra, s)
	}
	switch recs[0].xUnit {
	case 3:
		d.wavelength, d.xUnit = 1e7, "NANOMETERS"
	case 4:
		d.wavelength, d.xUnit = 1e4, "MICROMETERS"
	}
	return d, nil
}
