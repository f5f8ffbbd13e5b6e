package formats

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Bruker OPUS, read from the layout brukeropus and opusreader2 document: a
// 24-byte header (magic 0A0AFEFE, version, directory offset, maximum and
// actual block counts), a directory of (type, size in 4-byte words, offset)
// entries, and blocks. A block's type packs six fields (see opusType). A data
// block (float32 values) is described by the data-status parameter block of
// the same type with field 2 set to 1: NPT points from FXV to LXV, scaled by
// CSF. Files hold several spectra (the sample's interferogram and single
// channel, the reference's, the ratioed result), sometimes with extra data
// blocks that have no status block (a compact copy of AB): blocks are
// matched on their type, the k-th data block with the k-th status block.

var opusMagic = []byte{0x0A, 0x0A, 0xFE, 0xFE}

// opusType is a block type split into its fields, as brukeropus does:
// [0] complex part (1 real, 2 imaginary, 3 amplitude), [1] channel (1 sample,
// 2 reference, 3 ratioed), [2] parameter kind (0 data, 1 data status, 2
// instrument, 3 acquisition, 4 FT, 6 optics, 10 sample origin), [3] data
// kind (1 single channel, 2 interferogram, 3 phase, 4 absorbance, 5
// transmittance, 6 Kubelka-Munk, 10 Raman, 12 reflectance, 13 directory,
// 15 log reflectance, 16 ATR, 17 photoacoustic), [4] derivative, [5] extended
// (compound information, peak table, compact copies, history).
type opusType [6]uint32

func splitOpusType(t uint32) opusType {
	return opusType{t & 3, (t >> 2) & 3, (t >> 4) & 63, (t >> 10) & 127, (t >> 17) & 3, (t >> 19) & 7}
}

type opusBlock struct {
	typ       opusType
	off, size int64 // bytes
}

// opusKinds names data kinds (type field 3) the way OPUS does.
var opusKinds = map[uint32]string{1: "Sc", 2: "Ig", 3: "Ph", 4: "AB", 5: "TR", 6: "KM", 10: "RAM", 12: "REFL", 15: "LRF", 16: "ATR", 17: "PAS"}

var opusYUnits = map[uint32]string{1: "single channel", 4: "absorbance", 5: "transmittance", 6: "Kubelka-Munk", 10: "Raman intensity",
	12: "reflectance", 15: "log(1/R)", 16: "ATR", 17: "photoacoustic"}

// opusResults are the ratioed result kinds, in order of preference.
var opusResults = []uint32{4, 5, 12, 6, 16, 15, 17, 10}

func (t opusType) name() string {
	k, ok := opusKinds[t[3]]
	if !ok {
		k = fmt.Sprintf("kind %d", t[3])
	}
	switch t[1] {
	case 1:
		k += "Sm"
	case 2:
		k += "Rf"
	}
	return k
}

// opusParams decodes a parameter block: entries of a 3-letter name and NUL,
// a type (0 int32, 1 float64, 2–4 strings), a size in 2-byte words and the
// value, up to "END".
func opusParams(b []byte) map[string]any {
	out := map[string]any{}
	for p := 0; p+8 <= len(b); {
		name := cString(b[p : p+4])
		if name == "END" || name == "" {
			break
		}
		typ, size := le.Uint16(b[p+4:]), 2*int(le.Uint16(b[p+6:]))
		if p+8+size > len(b) {
			break
		}
		v := b[p+8 : p+8+size]
		switch {
		case typ == 0 && size >= 4:
			out[name] = int64(int32(le.Uint32(v)))
		case typ == 1 && size >= 8:
			out[name] = math.Float64frombits(le.Uint64(v))
		case typ >= 2 && typ <= 4:
			out[name] = cString(v)
		}
		p += 8 + size
	}
	return out
}

func paramFloat(p map[string]any, key string) (float64, bool) {
	switch v := p[key].(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func paramString(p map[string]any, key string) string {
	s, _ := p[key].(string)
	return s
}

// opusDirectory reads the header and the block directory.
func opusDirectory(data []byte, name string) ([]opusBlock, error) {
	h, err := span(data, name, 0, 24, "OPUS header")
	if err != nil {
		return nil, err
	}
	dirOff, n := int64(int32(le.Uint32(h[12:]))), int64(int32(le.Uint32(h[20:])))
	if n < 1 {
		return nil, errAt(name, 0, "OPUS header lists %d blocks", n)
	}
	dir, err := span(data, name, dirOff, 12*n, "OPUS directory")
	if err != nil {
		return nil, err
	}
	blocks := make([]opusBlock, 0, n)
	for i := int64(0); i < n; i++ {
		e := dir[12*i:]
		b := opusBlock{typ: splitOpusType(le.Uint32(e)), size: 4 * int64(int32(le.Uint32(e[4:]))), off: int64(int32(le.Uint32(e[8:])))}
		if b.size < 0 || b.off < 0 {
			return nil, errAt(name, 0, "OPUS directory entry %d has offset %d and size %d", i, b.off, b.size)
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// opusSpectrum is one matched data block.
type opusSpectrum struct {
	typ    opusType
	x, y   []float64
	status map[string]any
}

// opusData decodes the k-th data block of type t with its status block, or
// says why it cannot.
func opusData(data []byte, name string, blocks []opusBlock, t opusType, k int) (*opusSpectrum, error) {
	st := t
	st[2] = 1
	var dataBlock, statusBlock *opusBlock
	di, si := 0, 0
	for i := range blocks {
		switch blocks[i].typ {
		case t:
			if di == k {
				dataBlock = &blocks[i]
			}
			di++
		case st:
			if si == k {
				statusBlock = &blocks[i]
			}
			si++
		}
	}
	what := t.name() + " block"
	if dataBlock == nil {
		return nil, errAt(name, 0, "OPUS directory lists no %s", what)
	}
	if statusBlock == nil {
		return nil, errAt(name, 0, "OPUS %s has no data-status block", what)
	}
	sb, err := span(data, name, statusBlock.off, statusBlock.size, "OPUS "+what+" status")
	if err != nil {
		return nil, err
	}
	p := opusParams(sb)
	npt, ok1 := paramFloat(p, "NPT")
	fxv, ok2 := paramFloat(p, "FXV")
	lxv, ok3 := paramFloat(p, "LXV")
	if !ok1 || !ok2 || !ok3 {
		return nil, errAt(name, 0, "OPUS %s status lacks NPT, FXV or LXV", what)
	}
	if npt < 2 || npt*4 > float64(dataBlock.size) {
		return nil, errAt(name, 0, "OPUS %s status gives %g points, but the block holds %d", what, npt, dataBlock.size/4)
	}
	if !finite([]float64{fxv, lxv}) {
		return nil, errAt(name, 0, "OPUS %s x range %g to %g is not finite", what, fxv, lxv)
	}
	y, err := float32s(data, name, dataBlock.off, int64(npt), "OPUS "+what)
	if err != nil {
		return nil, err
	}
	if csf, ok := paramFloat(p, "CSF"); ok && csf != 0 && csf != 1 {
		for i := range y {
			y[i] *= csf
		}
	}
	return &opusSpectrum{typ: t, x: linspace(fxv, lxv, len(y)), y: y, status: p}, nil
}

// opusResult picks the spectrum a user means: the ratioed AB block, else
// another ratioed result (transmittance, reflectance, …), else the sample
// single channel ScSm.
func opusResult(data []byte, name string, blocks []opusBlock) (*opusSpectrum, error) {
	var candidates []opusType
	for _, kind := range opusResults {
		for _, b := range blocks {
			if t := b.typ; t[2] == 0 && t[3] == kind && t[0] != 2 && t[4] == 0 && t[5] == 0 && !containsType(candidates, t) {
				candidates = append(candidates, t)
			}
		}
	}
	for _, b := range blocks {
		if t := b.typ; t[2] == 0 && t[1] == 1 && t[3] == 1 && t[0] != 2 && t[4] == 0 && t[5] == 0 && !containsType(candidates, t) {
			candidates = append(candidates, t)
		}
	}
	// A candidate without a status block (a compact copy) is passed over;
	// any other fault of the preferred block is reported, not hidden by a
	// fallback to a lesser spectrum.
	for _, t := range candidates {
		if hasStatus(blocks, t) {
			return opusData(data, name, blocks, t, 0)
		}
	}
	if len(candidates) > 0 {
		return opusData(data, name, blocks, candidates[0], 0)
	}
	return nil, errAt(name, 0, "%s", opusMissing(blocks))
}

func hasStatus(blocks []opusBlock, t opusType) bool {
	t[2] = 1
	for _, b := range blocks {
		if b.typ == t {
			return true
		}
	}
	return false
}

func containsType(ts []opusType, t opusType) bool {
	for _, u := range ts {
		if u == t {
			return true
		}
	}
	return false
}

// opusMissing says what an OPUS file holds when it has no spectrum to read.
func opusMissing(blocks []opusBlock) string {
	seen := map[string]bool{}
	refOnly := true
	for _, b := range blocks {
		t := b.typ
		if t[2] != 0 || t[3] == 0 || t[3] == 13 || t[5] != 0 {
			continue
		}
		seen[t.name()] = true
		if t[1] != 2 {
			refOnly = false
		}
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := "OPUS directory lists no AB or ScSm data block"
	switch {
	case len(names) == 0:
		return msg + " (it holds no data blocks at all)"
	case refOnly:
		return msg + ": the file holds only a reference (background) measurement (" + strings.Join(names, ", ") + "), no sample spectrum"
	}
	return msg + " (it holds " + strings.Join(names, ", ") + ")"
}

// parseOPUS reads the result spectrum of an OPUS file, with the sample name
// (SNM), instrument (INS) and measurement date.
func parseOPUS(data []byte, name string) (*spectro.Spectrum, error) {
	blocks, err := opusDirectory(data, name)
	if err != nil {
		return nil, err
	}
	r, err := opusResult(data, name, blocks)
	if err != nil {
		return nil, err
	}
	s := &spectro.Spectrum{Modality: spectro.Infrared, X: r.x, Y: r.y, Meta: metaFromName(name)}
	if r.typ[3] == 10 {
		s.Modality = spectro.Raman
	}
	s.Meta.Set("OPUS BLOCK", r.typ.name())
	if u, ok := opusYUnits[r.typ[3]]; ok {
		s.Meta.Set("YUNITS", u)
	}
	switch dxu := paramString(r.status, "DXU"); dxu {
	case "WN", "":
		s.Meta.Set("XUNITS", "1/CM")
	case "MI":
		// Micrometres: the only other spectral unit OPUS writes.
		for i, v := range s.X {
			if !(v > 0) {
				return nil, errAt(name, 0, "wavelength %g µm cannot be converted to cm-1", v)
			}
			s.X[i] = 1e4 / v
		}
		s.Meta.Set("XUNITS", "1/CM (converted from MICROMETERS)")
	default:
		return nil, errAt(name, 0, "OPUS %s x axis is in %q, not wavenumbers", r.typ.name(), dxu)
	}
	if d, t := paramString(r.status, "DAT"), paramString(r.status, "TIM"); d != "" {
		// OPUS writes dd/mm/yyyy and hh:mm:ss.sss (GMT±h).
		if p := strings.Split(d, "/"); len(p) == 3 && len(p[2]) == 4 {
			d = p[2] + "-" + p[1] + "-" + p[0]
		}
		if i := strings.IndexByte(t, '.'); i >= 0 {
			if j := strings.IndexByte(t[i:], ' '); j >= 0 {
				t = t[:i] + t[i+j:]
			} else {
				t = t[:i]
			}
		}
		s.Meta.Set("DATE", strings.TrimSpace(d+" "+t))
	}
	for _, b := range blocks {
		if b.typ[3] != 0 || b.typ[5] != 0 || (b.typ[2] != 2 && b.typ[2] != 10) {
			continue
		}
		pb, err := span(data, name, b.off, b.size, "OPUS parameter block")
		if err != nil {
			continue // parameters are commentary: a bad block is skipped
		}
		p := opusParams(pb)
		if v := paramString(p, "SNM"); v != "" && s.Meta.Extra["SAMPLE"] == "" {
			s.Meta.Set("SAMPLE", v)
		}
		if v := paramString(p, "INS"); v != "" && s.Meta.Extra["INSTRUMENT"] == "" {
			s.Meta.Set("INSTRUMENT", v)
		}
	}
	return s, nil
}
