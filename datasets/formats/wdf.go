package formats

import (
	"fmt"
	"math"
	"strconv"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Renishaw WiRE WDF, read from the layout py-wdf-reader documents: a
// 512-byte "WDF1" header (points per spectrum at 60, capacity and count at
// 64 and 72 as uint64, accumulations at 80, x-list length at 88, application
// name and version at 96 and 120, measurement type at 132, laser wavenumber
// as float32 at 156, user at 208, title at 240), then blocks of
// (name[4], uid uint32, size uint64 including this 16-byte head). Read here:
// DATA (count × points float32), XLST (type, unit, the x values), ORGN (per
// spectrum origins such as the stage X, Y, Z) and WMAP (the map grid).

const wdfHeaderSize = 512

var wdfXUnits = map[uint32]string{0: "arbitrary", 1: "Raman shift (1/CM)", 2: "1/CM (absolute)", 3: "NANOMETERS", 4: "eV", 5: "MICROMETERS", 16: "pixels"}

var wdfOrgnUnits = map[uint32]string{5: "µm", 8: "mm", 9: "m"}

var wdfMeasurements = map[uint32]string{0: "unspecified", 1: "single", 2: "series", 3: "map"}

type wdfBlock struct {
	off, size int64 // the block's payload, after its 16-byte head
}

// wdfBlocks walks the block chain, keeping the first block of each name.
func wdfBlocks(data []byte, name string) (map[string]wdfBlock, error) {
	blocks := map[string]wdfBlock{}
	for off := int64(wdfHeaderSize); off < int64(len(data)); {
		h, err := span(data, name, off, 16, fmt.Sprintf("WDF block head at byte %d", off))
		if err != nil {
			return nil, err
		}
		id, size := string(h[:4]), le.Uint64(h[8:])
		if size < 16 || size > uint64(len(data))-uint64(off) {
			if _, ok := blocks["DATA"]; ok && size > uint64(len(data))-uint64(off) {
				// A damaged trailing block after the data: keep what was read.
				break
			}
			return nil, errAt(name, 0, "WDF block %q at byte %d has size %d, past the end of the file (%d bytes)", cString([]byte(id)), off, size, len(data))
		}
		if _, ok := blocks[id]; !ok {
			blocks[id] = wdfBlock{off: off + 16, size: int64(size) - 16}
		}
		off += int64(size)
	}
	return blocks, nil
}

func parseWDF(data []byte, name string) (*decoded, error) {
	h, err := span(data, name, 0, wdfHeaderSize, "WDF header")
	if err != nil {
		return nil, err
	}
	npts := int64(le.Uint32(h[60:]))
	capacity, count := le.Uint64(h[64:]), le.Uint64(h[72:])
	xlen := int64(le.Uint32(h[88:]))
	measurement := le.Uint32(h[132:])
	laser := float64(math.Float32frombits(le.Uint32(h[156:])))
	if npts < 2 || npts != xlen {
		return nil, errAt(name, 0, "WDF header gives %d points per spectrum and an x list of %d", npts, xlen)
	}
	if count == 0 || count > capacity {
		return nil, errAt(name, 0, "WDF header says %d spectra were collected of a capacity of %d", count, capacity)
	}
	blocks, err := wdfBlocks(data, name)
	if err != nil {
		return nil, err
	}
	db, ok := blocks["DATA"]
	if !ok {
		return nil, errAt(name, 0, "WDF file has no DATA block")
	}
	if count > uint64(db.size)/4/uint64(npts) {
		return nil, errAt(name, 0, "WDF DATA block holds %d values, fewer than %d spectra of %d points", db.size/4, count, npts)
	}
	all, err := float32s(data, name, db.off, int64(count)*npts, "WDF DATA block")
	if err != nil {
		return nil, err
	}
	xb, ok := blocks["XLST"]
	if !ok {
		return nil, errAt(name, 0, "WDF file has no XLST (x list) block")
	}
	xh, err := span(data, name, xb.off, 8, "WDF XLST block")
	if err != nil {
		return nil, err
	}
	xunit := le.Uint32(xh[4:])
	if 8+4*npts > xb.size {
		return nil, errAt(name, 0, "WDF XLST block holds %d values, not %d", (xb.size-8)/4, npts)
	}
	x, err := float32s(data, name, xb.off+8, npts, "WDF XLST block")
	if err != nil {
		return nil, err
	}
	xunitName, err := wdfRamanShift(x, xunit, laser, name)
	if err != nil {
		return nil, err
	}

	var meta spectro.Metadata
	meta.Set("XUNITS", xunitName)
	if t := cString(h[240:400]); t != "" {
		meta.Set("TITLE", t)
	}
	if laser > 0 {
		meta.Set("LASER", strconv.FormatFloat(math.Round(1e9/float64(laser))/100, 'f', -1, 64)+" nm")
	}
	if acc := le.Uint32(h[80:]); acc > 0 {
		meta.Set("ACCUMULATIONS", strconv.Itoa(int(acc)))
	}
	if app := cString(h[96:120]); app != "" {
		meta.Set("SOFTWARE", fmt.Sprintf("%s %d.%d.%d.%d", app, le.Uint16(h[120:]), le.Uint16(h[122:]), le.Uint16(h[124:]), le.Uint16(h[126:])))
	}
	if m, ok := wdfMeasurements[measurement]; ok && measurement != 0 {
		meta.Set("MEASUREMENT", m)
	}
	pos := wdfPositions(data, blocks, int(count), capacity)
	if len(pos) == 0 {
		pos = wdfMapPositions(data, blocks, int(count))
	}
	if wm, ok := blocks["WMAP"]; ok {
		if b, err := span(data, "", wm.off, 44, ""); err == nil {
			meta.Set("MAP SIZE", fmt.Sprintf("%d × %d", le.Uint32(b[32:]), le.Uint32(b[36:])))
		}
	}

	base := metaFromName(name)
	for k, v := range meta.Extra {
		base.Set(k, v)
	}
	d := &decoded{spectra: make([]*spectro.Spectrum, count)}
	for i := range d.spectra {
		m := base.Clone()
		for axis, vals := range pos {
			m.Set(axis, strconv.FormatFloat(math.Round(vals[i]*1e4)/1e4, 'f', -1, 64))
		}
		d.spectra[i] = &spectro.Spectrum{Modality: spectro.Raman, X: x, Y: all[int64(i)*npts : int64(i+1)*npts : int64(i+1)*npts], Meta: m}
	}
	return d, nil
}

// wdfRamanShift brings an x list to Raman shift in place, using the laser
// wavenumber for absolute axes, and names the unit it came in.
func wdfRamanShift(x []float64, unit uint32, laser float64, name string) (string, error) {
	switch unit {
	case 0:
		return "arbitrary (taken as Raman shift, 1/CM)", nil
	case 1:
		return wdfXUnits[1], nil
	case 16:
		return "", errAt(name, 0, "the WDF x axis is in pixels: the spectra were not calibrated to Raman shift")
	case 2, 3, 5:
		if !(laser > 0) || math.IsInf(laser, 0) {
			return "", errAt(name, 0, "the WDF x axis is in %s and the header states no laser wavenumber, so the Raman shift cannot be computed", wdfXUnits[unit])
		}
		for i, v := range x {
			switch unit {
			case 2:
				x[i] = laser - v
			case 3, 5:
				if !(v > 0) {
					return "", errAt(name, 0, "wavelength %g cannot be converted to a Raman shift", v)
				}
				k := 1e7
				if unit == 5 {
					k = 1e4
				}
				x[i] = laser - k/v
			}
		}
		return fmt.Sprintf("Raman shift, 1/CM (converted from %s)", wdfXUnits[unit]), nil
	}
	return "", errAt(name, 0, "the WDF x axis has unit code %d, not a spectral unit", unit)
}

// wdfPositions reads the stage X, Y and Z origins of each spectrum from the
// ORGN block, keyed "x", "y", "z" (in µm; other length units are converted).
func wdfPositions(data []byte, blocks map[string]wdfBlock, count int, capacity uint64) map[string][]float64 {
	ob, ok := blocks["ORGN"]
	if !ok {
		return nil
	}
	b, err := span(data, "", ob.off, ob.size, "")
	if err != nil || len(b) < 4 {
		return nil
	}
	n := int(le.Uint32(b))
	per := 24 + 8*capacity
	if capacity > uint64(len(b))/8 || uint64(n) > uint64(len(b)-4)/per {
		return nil
	}
	out := map[string][]float64{}
	for k := 0; k < n; k++ {
		o := b[4+uint64(k)*per:]
		typ, unit := le.Uint32(o)&0x7fffffff, le.Uint32(o[4:])
		axis := map[uint32]string{3: "x", 4: "y", 5: "z"}[typ]
		scale := map[uint32]float64{5: 1, 8: 1e3, 9: 1e6}[unit]
		if axis == "" || scale == 0 {
			continue
		}
		vals := make([]float64, count)
		for i := range vals {
			vals[i] = math.Float64frombits(le.Uint64(o[24+8*i:])) * scale
		}
		if finite(vals) {
			out[axis] = vals
		}
	}
	return out
}

// wdfMapPositions computes x and y from the WMAP grid (origin, step, size)
// when ORGN does not give them: row by row, or column by column when the
// map's flags say so (bit 2).
func wdfMapPositions(data []byte, blocks map[string]wdfBlock, count int) map[string][]float64 {
	wm, ok := blocks["WMAP"]
	if !ok {
		return nil
	}
	b, err := span(data, "", wm.off, 44, "")
	if err != nil {
		return nil
	}
	f32 := func(off int) float64 { return float64(math.Float32frombits(le.Uint32(b[off:]))) }
	flags, ox, oy, sx, sy := le.Uint32(b), f32(8), f32(12), f32(20), f32(24)
	nx, ny := int(le.Uint32(b[32:])), int(le.Uint32(b[36:]))
	if nx < 1 || ny < 1 || nx*ny < count || !finite([]float64{ox, oy, sx, sy}) {
		return nil
	}
	xs, ys := make([]float64, count), make([]float64, count)
	for i := range xs {
		col, row := i%nx, i/nx
		if flags&2 != 0 {
			col, row = i/ny, i%ny
		}
		xs[i], ys[i] = ox+float64(col)*sx, oy+float64(row)*sy
	}
	return map[string][]float64{"x": xs, "y": ys}
}
