package formats

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Thermo-Galactic (GRAMS) SPC, read from the layout of Galactic's SPC.H as
// the format's readers document it:
//
//   - new format (version byte 0x4B): a 512-byte header; for TXVALS files one
//     float32 X array; then each subfile as a 32-byte subheader, its own
//     float32 X array in XYXY files (TXYXYS), and its Y values.
//   - old format (0x4D): a 256-byte header whose last 32 bytes are the first
//     subheader; X is always evenly spaced; the subfile count of a multifile
//     follows from the file size.
//
// Integer Y is int32·2^(exp−32), or int16·2^(exp−16) with TSPREC; an
// exponent of −128 (0x80) means float32 Y. The subheader's exponent is used
// when it is set, else the header's.

const (
	spcNew = 0x4B
	spcBig = 0x4C // new format written big-endian (Motorola)
	spcOld = 0x4D

	spcTSPREC = 0x01 // 16-bit integer Y
	spcTMULTI = 0x04 // several subfiles
	spcTXYXYS = 0x40 // each subfile has its own X
	spcTXVALS = 0x80 // explicit X values
)

// spcSub is one subfile: X in the file's unit, Y scaled.
type spcSub struct {
	X, Y []float64
	Z    float64 // subtime: the subfile's z value
}

// spcFile is an SPC file as stored.
type spcFile struct {
	Version             byte
	Flags               byte
	Exper               byte // experiment type (new format only)
	XType, YType, ZType byte
	Comment, Source     string
	Date                string // "YYYY-MM-DD hh:mm", "" when not valid
	Log                 string // the log block's text, if any
	Subs                []spcSub
}

// isSPC tells an SPC file by its version byte, with a header long enough and
// holding a NUL (text has none).
func isSPC(data []byte) bool {
	if len(data) < 256 {
		return false
	}
	switch data[1] {
	case spcNew, spcBig:
		if len(data) < 512 {
			return false
		}
	case spcOld:
	default:
		return false
	}
	return bytes.IndexByte(data[:256], 0) >= 0
}

// decodeSPC parses the structure of an SPC file without interpreting it.
func decodeSPC(data []byte, name string) (*spcFile, error) {
	if len(data) < 2 {
		return nil, errAt(name, 0, "SPC header runs past the end of the file (byte 2 of %d)", len(data))
	}
	switch data[1] {
	case spcNew:
		return decodeSPCNew(data, name)
	case spcOld:
		return decodeSPCOld(data, name)
	case spcBig:
		return nil, errAt(name, 0, "big-endian SPC files (version 0x4C) are not supported")
	}
	return nil, errAt(name, 0, "not an SPC file (version byte 0x%02X, want 0x4B or 0x4D)", data[1])
}

func decodeSPCNew(data []byte, name string) (*spcFile, error) {
	h, err := span(data, name, 0, 512, "SPC header")
	if err != nil {
		return nil, err
	}
	f := &spcFile{Version: h[1], Flags: h[0], Exper: h[2], XType: h[28], YType: h[29], ZType: h[30]}
	fexp := int8(h[3])
	fnpts := int64(le.Uint32(h[4:]))
	first := math.Float64frombits(le.Uint64(h[8:]))
	last := math.Float64frombits(le.Uint64(h[16:]))
	fnsub := int64(le.Uint32(h[24:]))
	f.Date = spcPackedDate(le.Uint32(h[32:]))
	f.Source = cString(h[45:54])
	f.Comment = cString(h[88:218])
	f.Log = spcLog(data, int64(le.Uint32(h[248:])))

	nsub := int64(1)
	if f.Flags&spcTMULTI != 0 {
		nsub = fnsub
		if nsub < 1 {
			return nil, errAt(name, 0, "SPC multifile header lists no subfiles")
		}
	}
	xyxy := f.Flags&spcTXYXYS != 0
	off := int64(512)
	var x []float64
	if !xyxy {
		// fnpts is the point count of every subfile (in XYXY files it is
		// instead the offset of the subfile directory).
		if fnpts < 2 {
			return nil, errAt(name, 0, "SPC header gives %d points per spectrum", fnpts)
		}
		if fnpts > int64(len(data))/2 {
			return nil, errAt(name, 0, "SPC header gives %d points, more than a file of %d bytes holds", fnpts, len(data))
		}
		if f.Flags&spcTXVALS != 0 {
			if x, err = float32s(data, name, off, fnpts, "SPC X array"); err != nil {
				return nil, err
			}
			off += 4 * fnpts
		} else {
			if !finite([]float64{first, last}) {
				return nil, errAt(name, 0, "SPC header x range %g to %g is not finite", first, last)
			}
			x = linspace(first, last, int(fnpts))
		}
	}
	// Each subfile needs at least its 32-byte header: a count beyond that is
	// refused before anything is allocated.
	if nsub > int64(len(data))/32 {
		return nil, errAt(name, 0, "SPC header lists %d subfiles, more than a file of %d bytes holds", nsub, len(data))
	}
	f.Subs = make([]spcSub, 0, nsub)
	for i := int64(0); i < nsub; i++ {
		sh, err := span(data, name, off, 32, fmt.Sprintf("SPC subfile %d header", i))
		if err != nil {
			return nil, err
		}
		exp := int(int8(sh[1]))
		if exp == 0 {
			exp = int(fexp)
		}
		sub := spcSub{Z: float64(math.Float32frombits(le.Uint32(sh[4:])))}
		off += 32
		npts := fnpts
		subX := x
		if xyxy {
			npts = int64(le.Uint32(sh[16:]))
			if npts < 1 || npts > int64(len(data))/4 {
				return nil, errAt(name, 0, "SPC subfile %d header gives %d points", i, npts)
			}
			if subX, err = float32s(data, name, off, npts, fmt.Sprintf("SPC subfile %d X values", i)); err != nil {
				return nil, err
			}
			off += 4 * npts
		}
		y, n, err := spcY(data, name, off, npts, exp, f.Flags&spcTSPREC != 0, false, i)
		if err != nil {
			return nil, err
		}
		off += n
		sub.X, sub.Y = subX, y
		f.Subs = append(f.Subs, sub)
	}
	return f, nil
}

func decodeSPCOld(data []byte, name string) (*spcFile, error) {
	h, err := span(data, name, 0, 256, "SPC (old format) header")
	if err != nil {
		return nil, err
	}
	f := &spcFile{Version: h[1], Flags: h[0], XType: h[16], YType: h[17]}
	oexp := int(int16(le.Uint16(h[2:])))
	onpts := float64(math.Float32frombits(le.Uint32(h[4:])))
	first := float64(math.Float32frombits(le.Uint32(h[8:])))
	last := float64(math.Float32frombits(le.Uint32(h[12:])))
	if year, mon, day := int(le.Uint16(h[18:])), int(h[20]), int(h[21]); year >= 1900 && year < 2100 && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && h[22] < 24 && h[23] < 60 {
		f.Date = fmt.Sprintf("%04d-%02d-%02d %02d:%02d", year, mon, day, h[22], h[23])
	}
	f.Comment = cString(h[64:194])
	if !(onpts >= 2 && onpts <= float64(len(data))/2) || onpts != math.Trunc(onpts) {
		return nil, errAt(name, 0, "SPC (old format) header gives %g points", onpts)
	}
	if !finite([]float64{first, last}) {
		return nil, errAt(name, 0, "SPC header x range %g to %g is not finite", first, last)
	}
	npts := int64(onpts)
	x := linspace(first, last, int(npts))
	bytesPer := int64(4)
	if f.Flags&spcTSPREC != 0 && oexp != 128 {
		bytesPer = 2
	}
	// The first subheader is the header's last 32 bytes; the subfile count
	// of a multifile is what the rest of the file holds.
	per := 32 + bytesPer*npts
	nsub := int64(1)
	if f.Flags&spcTMULTI != 0 {
		nsub = max((int64(len(data))-224)/per, 1)
	}
	off := int64(224)
	for i := int64(0); i < nsub; i++ {
		sh, err := span(data, name, off, 32, fmt.Sprintf("SPC subfile %d header", i))
		if err != nil {
			return nil, err
		}
		exp := int(int8(sh[1]))
		if exp == 0 || exp == -128 {
			exp = oexp
		}
		if oexp == 128 || oexp == -128 {
			exp = -128
		}
		y, n, err := spcY(data, name, off+32, npts, exp, bytesPer == 2, true, i)
		if err != nil {
			return nil, err
		}
		f.Subs = append(f.Subs, spcSub{X: x, Y: y, Z: float64(math.Float32frombits(le.Uint32(sh[4:])))})
		off += 32 + n
	}
	return f, nil
}

// spcY decodes one subfile's Y values; n is the bytes they take.
func spcY(data []byte, name string, off, npts int64, exp int, short, oldWords bool, sub int64) (y []float64, n int64, err error) {
	size := int64(4)
	if short && exp != -128 {
		size = 2
	}
	if npts > int64(len(data))/size {
		return nil, 0, errAt(name, 0, "SPC subfile %d: %d points cannot fit in a file of %d bytes", sub, npts, len(data))
	}
	b, err := span(data, name, off, size*npts, fmt.Sprintf("SPC subfile %d data", sub))
	if err != nil {
		return nil, 0, err
	}
	y = make([]float64, npts)
	for i := range y {
		switch {
		case exp == -128:
			y[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		case size == 2:
			y[i] = math.Ldexp(float64(int16(le.Uint16(b[2*i:]))), exp-16)
		case oldWords:
			// The old format writes the two 16-bit halves high word first.
			v := uint32(b[4*i+1])<<24 | uint32(b[4*i])<<16 | uint32(b[4*i+3])<<8 | uint32(b[4*i+2])
			y[i] = math.Ldexp(float64(int32(v)), exp-32)
		default:
			y[i] = math.Ldexp(float64(int32(le.Uint32(b[4*i:]))), exp-32)
		}
	}
	return y, size * npts, nil
}

// spcPackedDate decodes the new format's packed date (minute in the low 6
// bits, then hour 5, day 5, month 4, year 12); "" when it is no valid date.
func spcPackedDate(v uint32) string {
	minute, hour, day, month, year := v&63, (v>>6)&31, (v>>11)&31, (v>>16)&15, v>>20
	if year < 1900 || year >= 2100 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d", year, month, day, hour, minute)
}

// spcLog returns the text of the log block at off (0: none). A bad log is
// ignored: it is commentary, not data.
func spcLog(data []byte, off int64) string {
	if off <= 0 {
		return ""
	}
	h, err := span(data, "", off, 20, "")
	if err != nil {
		return ""
	}
	size, textOff := int64(le.Uint32(h[0:])), int64(le.Uint32(h[8:]))
	if textOff <= 0 || textOff >= size {
		size = int64(len(data)) - off
	}
	b, err := span(data, "", off+textOff, min(size, int64(len(data))-off)-textOff, "")
	if err != nil {
		return ""
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

var spcXUnits = map[byte]string{
	0: "arbitrary", 1: "1/CM", 2: "MICROMETERS", 3: "NANOMETERS", 4: "seconds", 5: "minutes", 6: "Hz", 7: "kHz", 8: "MHz",
	9: "m/z", 10: "ppm", 11: "days", 12: "years", 13: "Raman shift (1/CM)", 14: "eV", 16: "diode number", 17: "channel",
	18: "degrees", 19: "°F", 20: "°C", 21: "K", 22: "data points", 23: "ms", 24: "µs", 25: "ns", 26: "GHz", 27: "cm", 28: "m", 29: "mm", 30: "hours",
	255: "double interferogram",
}

var spcYUnits = map[byte]string{
	0: "arbitrary", 1: "interferogram", 2: "absorbance", 3: "Kubelka-Munk", 4: "counts", 5: "volts", 6: "degrees", 7: "mA", 8: "mm",
	9: "mV", 10: "log(1/R)", 11: "percent", 12: "intensity", 13: "relative intensity", 14: "energy", 16: "decibels", 19: "°F", 20: "°C",
	21: "K", 22: "index of refraction", 23: "extinction coefficient", 24: "real", 25: "imaginary", 26: "complex",
	128: "transmittance", 129: "reflectance", 130: "arbitrary (valley peaks)", 131: "emission",
}

// spcNotSpectra names the x types and experiment types whose data are no
// Raman, infrared or diffraction spectrum.
var (
	spcNonSpectralX = map[byte]string{
		4: "a time axis (seconds)", 5: "a time axis (minutes)", 6: "a frequency axis (Hz)", 7: "a frequency axis (kHz)", 8: "a frequency axis (MHz)",
		9: "mass-to-charge ratio (a mass spectrum)", 10: "ppm (an NMR spectrum)", 11: "a time axis (days)", 12: "a time axis (years)",
		23: "a time axis (ms)", 24: "a time axis (µs)", 25: "a time axis (ns)", 26: "a frequency axis (GHz)", 30: "a time axis (hours)",
		255: "an interferogram axis",
	}
	spcNonSpectralExper = map[byte]string{
		1: "gas chromatograms", 2: "chromatograms", 3: "HPLC chromatograms", 7: "UV-visible spectra", 9: "mass spectra", 10: "NMR spectra or FIDs",
		12: "fluorescence spectra", 13: "atomic spectra", 14: "chromatography diode-array spectra",
	}
	spcExperNames = map[byte]string{4: "FT-IR, FT-NIR or FT-Raman", 5: "NIR", 8: "X-ray diffraction", 11: "Raman"}
)

// laserRe finds an excitation wavelength in an SPC log ("EXCIT_LINE=532.2",
// "Laser: 532 nm edge").
var laserRe = regexp.MustCompile(`(?i)(?:excit\w*|laser\w*)\s*[=:]\s*([0-9]+(?:\.[0-9]+)?)\s*(nm)?`)

// parseSPC reads an SPC file: its subfiles become spectra, with the modality
// the file states (Raman-shift x or a Raman experiment; infrared y types on a
// wavenumber or micrometre axis; a diffraction experiment).
func parseSPC(data []byte, name string) (*decoded, error) {
	f, err := decodeSPC(data, name)
	if err != nil {
		return nil, err
	}
	if what, ok := spcNonSpectralExper[f.Exper]; ok {
		return nil, errAt(name, 0, "the SPC file holds %s (experiment type %d), not Raman, infrared or X-ray diffraction spectra", what, f.Exper)
	}
	if what, ok := spcNonSpectralX[f.XType]; ok {
		return nil, errAt(name, 0, "the SPC x axis is %s, not a Raman, infrared or X-ray diffraction axis", what)
	}
	if f.YType == 1 {
		return nil, errAt(name, 0, "the SPC file holds interferograms, not spectra")
	}
	var modality spectro.Modality
	switch {
	case f.XType == 13 || f.Exper == 11:
		modality = spectro.Raman
	case f.Exper == 8:
		modality = spectro.XRD
	case f.Exper == 5:
		modality = spectro.Infrared
	case f.XType == 1 || f.XType == 2:
		switch f.YType {
		case 3, 128, 129:
			modality = spectro.Infrared
		case 2, 10:
			// No measured absorbance reaches 20 (a 10⁻²⁰ transmission): files
			// whose y type is wrong occur (a Raman spectrum in counts marked
			// absorbance), and values that contradict the type leave the
			// modality open.
			if maxY(f.Subs) <= 20 {
				modality = spectro.Infrared
			}
		}
	}
	d := &decoded{}
	switch f.XType {
	case 2:
		d.wavelength, d.xUnit = 1e4, "MICROMETERS"
	case 3:
		d.wavelength, d.xUnit = 1e7, "NANOMETERS"
	}
	var meta spectro.Metadata
	meta.Set("XUNITS", unitName(spcXUnits, f.XType))
	meta.Set("YUNITS", unitName(spcYUnits, f.YType))
	if f.Comment != "" {
		meta.Set("TITLE", f.Comment)
	}
	if f.Source != "" {
		meta.Set("INSTRUMENT", f.Source)
	}
	if f.Date != "" {
		meta.Set("DATE", f.Date)
	}
	if e, ok := spcExperNames[f.Exper]; ok {
		meta.Set("EXPERIMENT", e)
	}
	if m := laserRe.FindStringSubmatch(f.Log); m != nil {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil && v >= 150 && v <= 2000 {
			d.laserNM = v
			meta.Set("LASER", m[1]+" nm")
		}
	}
	base := metaFromName(name)
	for _, sub := range f.Subs {
		m := base.Clone()
		for k, v := range meta.Extra {
			m.Set(k, v)
		}
		d.spectra = append(d.spectra, &spectro.Spectrum{Modality: modality, X: sub.X, Y: sub.Y, Meta: m})
	}
	return d, nil
}

func maxY(subs []spcSub) float64 {
	m := math.Inf(-1)
	for _, s := range subs {
		for _, v := range s.Y {
			m = math.Max(m, v)
		}
	}
	return m
}

func unitName(names map[byte]string, code byte) string {
	if s, ok := names[code]; ok {
		return s
	}
	return "code " + strconv.Itoa(int(code))
}
