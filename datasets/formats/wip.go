package formats

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// WITec Project (.wip) and Data (.wid) files, read from the WIT-tag layout
// that WITio ("README on WIT-tag format", transform.m) and Gwyddion's
// wipfile document. After the 8-byte magic ("WIT_PRCT"/"WIT_DATA" for
// versions 0–5, "WIT_PR06"/"WIT_DA06" for 6–7) the file is one tree of tags,
// each
//
//	NameLength uint32, Name, Type uint32, Start uint64, End uint64
//
// with its payload at [Start, End) right after the head: the child tags for a
// list (Type 0), else values of Type 2 float64, 3 float32, 4 int64, 5 int32,
// 6 uint32 (uint16 for Dates), 7 uint8, 8 bool, 9 strings (int32 length and
// Latin-1 bytes). The root ("WITec Project" or "WITec Data") holds Version,
// SystemInformation and Data: pairs of "DataClassName k" and "Data k", every
// object with a TData list (ID, Caption) and its class's list.
//
// A TDGraph holds SizeX × SizeY spectra of SizeGraph points (GraphData:
// DataType 1–10 = int64, int32, int16, int8, uint32, uint16, uint8, bool,
// float32, float64, a spectrum's points contiguous; pixels in x-major order
// unless the v7 flag DataFieldInverted says y-major). Its XTransformationID
// names the object that turns pixel index i (0-based) into the x value:
//
//   - TDSpectralTransformation type 0: a polynomial of order ≤ 2 in i (nm);
//     type 1: the spectrograph's grating equation (nC, LambdaC, Gamma, Delta,
//     m, d, x, f) as WITio's transform.m states it (nm); type 2: a free
//     polynomial held constant outside [FreePolynomStartBin, StopBin] (nm).
//   - TDLUTTransformation: one value per pixel, in its StandardUnit.
//   - TDLinearTransformation: Scale·(i − ModelOrigin) + WorldOrigin.
//
// Its XInterpretationID names a TDSpectralInterpretation whose
// ExcitationWaveLength (nm) makes the wavelengths Raman shifts,
// 1e7/λex − 1e7/λ. A graph this reader cannot place on a Raman-shift axis
// is refused with a *ParseError saying why; the others are still read, and
// carry the refusals in Meta.Extra "SKIPPED".

// wipMagics are the file's first 8 bytes: project and data files, before and
// from version 6.
var wipMagics = []string{"WIT_PRCT", "WIT_DATA", "WIT_PR06", "WIT_DA06"}

// isWIP reports whether data starts with a WITec magic.
func isWIP(data []byte) bool {
	for _, m := range wipMagics {
		if bytes.HasPrefix(data, []byte(m)) {
			return true
		}
	}
	return false
}

const (
	wipHeadSize = 24      // the smallest tag head: 4 + 0-byte name + 4 + 8 + 8
	wipMaxDepth = 64      // real files nest 6 deep
	wipMaxTags  = 1 << 21 // real files hold thousands; this bounds memory
)

// wipTag is one tag of the tree; its payload is data[start:end].
type wipTag struct {
	name       string
	typ        uint32
	start, end int64
	kids       []*wipTag
}

// kid returns the first child of that name, or nil.
func (t *wipTag) kid(name string) *wipTag {
	if t == nil {
		return nil
	}
	for _, k := range t.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// at follows a path of child names.
func (t *wipTag) at(names ...string) *wipTag {
	for _, n := range names {
		t = t.kid(n)
	}
	return t
}

// wipParser walks the tag tree, counting tags so that no file can make it
// allocate more than wipMaxTags heads.
type wipParser struct {
	data []byte
	name string
	tags int
}

// list parses the tags filling [off, end): each must lie within it, its
// payload after its own head, so that lists nest and never overlap.
func (p *wipParser) list(off, end int64, depth int) ([]*wipTag, error) {
	var out []*wipTag
	for off < end {
		if end-off < wipHeadSize {
			return nil, errAt(p.name, 0, "WIT tag at byte %d: %d bytes left in its list, too few for a tag head", off, end-off)
		}
		if p.tags++; p.tags > wipMaxTags {
			return nil, errAt(p.name, 0, "more than %d WIT tags: not a WITec file this reader accepts", wipMaxTags)
		}
		n := int64(le.Uint32(p.data[off:]))
		if n > end-off-wipHeadSize {
			return nil, errAt(p.name, 0, "WIT tag at byte %d: its name of %d bytes runs past its list (byte %d)", off, n, end)
		}
		h := off + 4 + n
		t := &wipTag{name: string(p.data[off+4 : h]), typ: le.Uint32(p.data[h:])}
		start, stop := le.Uint64(p.data[h+4:]), le.Uint64(p.data[h+12:])
		if start < uint64(h+20) || stop < start || stop > uint64(end) {
			return nil, errAt(p.name, 0, "WIT tag %q at byte %d: its data (bytes %d–%d) lie outside bytes %d–%d", cString([]byte(t.name)), off, start, stop, h+20, end)
		}
		t.start, t.end = int64(start), int64(stop)
		if t.typ == 0 && t.end > t.start {
			if depth >= wipMaxDepth {
				return nil, errAt(p.name, 0, "WIT tag %q at byte %d: lists nested more than %d deep", cString([]byte(t.name)), off, wipMaxDepth)
			}
			kids, err := p.list(t.start, t.end, depth+1)
			if err != nil {
				return nil, err
			}
			t.kids = kids
		}
		out = append(out, t)
		off = t.end
	}
	return out, nil
}

// wipFile is a parsed file: its tree and its data objects by ID.
type wipFile struct {
	data    []byte
	name    string
	root    *wipTag
	objects []*wipObject
	byID    map[int64]*wipObject
}

// wipObject is one "Data k" entry.
type wipObject struct {
	index   string // "Data 3"
	class   string // "TDGraph"
	id      int64
	caption string
	tag     *wipTag
}

// refuse is the error for an object this reader cannot use.
func (o *wipObject) refuse(name, format string, args ...any) error {
	return errAt(name, 0, "%s %q (%s): %s", o.class, o.caption, o.index, fmt.Sprintf(format, args...))
}

// num reads the first value of a numeric tag.
func (f *wipFile) num(t *wipTag) (float64, bool) {
	if t == nil {
		return 0, false
	}
	b := f.data[t.start:t.end]
	switch {
	case t.typ == 2 && len(b) >= 8:
		return math.Float64frombits(le.Uint64(b)), true
	case t.typ == 3 && len(b) >= 4:
		return float64(math.Float32frombits(le.Uint32(b))), true
	case t.typ == 4 && len(b) >= 8:
		return float64(int64(le.Uint64(b))), true
	case t.typ == 5 && len(b) >= 4:
		return float64(int32(le.Uint32(b))), true
	case t.typ == 6 && len(b) >= 4:
		return float64(le.Uint32(b)), true
	case (t.typ == 7 || t.typ == 8) && len(b) >= 1:
		return float64(b[0]), true
	}
	return 0, false
}

// integer reads an integer tag, or -1.
func (f *wipFile) integer(t *wipTag) int64 {
	v, ok := f.num(t)
	if !ok || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return -1
	}
	return int64(v)
}

// floats reads every value of a float64 or float32 tag (the tag lies within
// the file, so its length bounds the allocation).
func (f *wipFile) floats(t *wipTag) []float64 {
	if t == nil {
		return nil
	}
	b := f.data[t.start:t.end]
	switch t.typ {
	case 2:
		out := make([]float64, len(b)/8)
		for i := range out {
			out[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
		return out
	case 3:
		out := make([]float64, len(b)/4)
		for i := range out {
			out[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		}
		return out
	}
	if v, ok := f.num(t); ok {
		return []float64{v}
	}
	return nil
}

// str reads a string tag: an int32 length, then Latin-1 bytes.
func (f *wipFile) str(t *wipTag) string {
	if t == nil || t.typ != 9 || t.end-t.start < 4 {
		return ""
	}
	b := f.data[t.start+4 : t.end]
	if n := le.Uint32(f.data[t.start:]); uint64(n) < uint64(len(b)) {
		b = b[:n]
	}
	return cString(b)
}

// flag reads a logical tag (false when absent).
func (f *wipFile) flag(t *wipTag) bool {
	v, ok := f.num(t)
	return ok && v != 0
}

func parseWIPTree(data []byte, name string) (*wipFile, error) {
	if len(data) < 8 {
		return nil, errAt(name, 0, "WITec file of %d bytes has no room for its magic", len(data))
	}
	p := &wipParser{data: data, name: name}
	tags, err := p.list(8, int64(len(data)), 0)
	if err != nil {
		return nil, err
	}
	f := &wipFile{data: data, name: name, byID: map[int64]*wipObject{}}
	for _, t := range tags {
		if t.typ == 0 && (t.name == "WITec Project" || t.name == "WITec Data") {
			f.root = t
			break
		}
	}
	if f.root == nil {
		return nil, errAt(name, 0, "the WIT tag tree has no \"WITec Project\" or \"WITec Data\" root")
	}
	list := f.root.kid("Data")
	if list == nil {
		return nil, errAt(name, 0, "the WITec file has no Data list")
	}
	classes := map[string]string{}
	for _, t := range list.kids {
		if k, ok := strings.CutPrefix(t.name, "DataClassName "); ok {
			classes[k] = f.str(t)
		}
	}
	for _, t := range list.kids {
		k, ok := strings.CutPrefix(t.name, "Data ")
		if !ok || t.typ != 0 {
			continue
		}
		o := &wipObject{index: t.name, class: classes[k], tag: t, id: -1}
		if td := t.kid("TData"); td != nil {
			o.id = f.integer(td.kid("ID"))
			o.caption = f.str(td.kid("Caption"))
		}
		f.objects = append(f.objects, o)
		if _, dup := f.byID[o.id]; o.id > 0 && !dup {
			f.byID[o.id] = o
		}
	}
	return f, nil
}

func parseWIP(data []byte, name string) (*decoded, error) {
	f, err := parseWIPTree(data, name)
	if err != nil {
		return nil, err
	}
	base := metaFromName(name)
	if v := f.integer(f.root.kid("Version")); v >= 0 {
		base.Set("WIP VERSION", strconv.FormatInt(v, 10))
	}
	if apps := f.root.at("SystemInformation", "ApplicationVersions"); apps != nil && len(apps.kids) > 0 {
		base.Set("SOFTWARE", cString([]byte(apps.kids[len(apps.kids)-1].name)))
	}
	d := &decoded{}
	var refused []string
	graphs := 0
	for _, o := range f.objects {
		if o.class != "TDGraph" {
			continue
		}
		graphs++
		spectra, err := f.graph(o, base)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			refused = append(refused, pe.Msg)
			continue
		}
		d.spectra = append(d.spectra, spectra...)
	}
	if graphs == 0 {
		var held []string
		seen := map[string]bool{}
		for _, o := range f.objects {
			if o.class != "" && !seen[o.class] {
				seen[o.class] = true
				held = append(held, o.class)
			}
		}
		return nil, errAt(name, 0, "the WITec file holds no spectrum (no TDGraph object; it holds %s)", orNothing(held))
	}
	if len(d.spectra) == 0 {
		return nil, errAt(name, 0, "none of the %d TDGraph objects could be read: %s", graphs, wipSummary(refused))
	}
	if len(refused) > 0 {
		note := fmt.Sprintf("%d of %d TDGraph objects: %s", len(refused), graphs, wipSummary(refused))
		for _, s := range d.spectra {
			s.Meta.Set("SKIPPED", note)
		}
	}
	return d, nil
}

func orNothing(list []string) string {
	if len(list) == 0 {
		return "no data objects"
	}
	return strings.Join(list, ", ")
}

// wipSummary joins refusal messages, the first three of them.
func wipSummary(msgs []string) string {
	if len(msgs) > 3 {
		return strings.Join(msgs[:3], "; ") + fmt.Sprintf("; and %d more", len(msgs)-3)
	}
	return strings.Join(msgs, "; ")
}

// wipDataSizes are the byte sizes of the GraphData DataType codes 1–10.
var wipDataSizes = [...]int64{1: 8, 2: 4, 3: 2, 4: 1, 5: 4, 6: 2, 7: 1, 8: 1, 9: 4, 10: 8}

// graph reads every spectrum of a TDGraph, or refuses it.
func (f *wipFile) graph(o *wipObject, base spectro.Metadata) ([]*spectro.Spectrum, error) {
	g := o.tag.kid("TDGraph")
	if g == nil {
		return nil, o.refuse(f.name, "no TDGraph list")
	}
	limit := int64(len(f.data))
	sx, sy, sg := f.integer(g.kid("SizeX")), f.integer(g.kid("SizeY")), f.integer(g.kid("SizeGraph"))
	if sx < 1 || sy < 1 || sg < 1 || sx > limit || sy > limit || sg > limit || sx*sy > limit/sg {
		return nil, o.refuse(f.name, "SizeX %d × SizeY %d × SizeGraph %d is not a size this file can hold", sx, sy, sg)
	}
	if sg < 2 {
		return nil, o.refuse(f.name, "its spectra have %d point", sg)
	}
	gd := g.kid("GraphData")
	raw := gd.kid("Data")
	dt := f.integer(gd.kid("DataType"))
	if raw == nil || dt < 1 || dt >= int64(len(wipDataSizes)) {
		return nil, o.refuse(f.name, "GraphData has no Data or an unknown DataType (%d)", dt)
	}
	n, size := sx*sy*sg, wipDataSizes[dt]
	if raw.end-raw.start != n*size {
		return nil, o.refuse(f.name, "GraphData holds %d bytes, not %d × %d × %d values of %d bytes", raw.end-raw.start, sx, sy, sg, size)
	}
	vals := wipValues(f.data[raw.start:raw.end], dt, n)
	x, meta, err := f.xAxis(o, g, int(sg))
	if err != nil {
		return nil, err
	}

	m := base.Clone()
	for k, v := range meta.Extra {
		m.Set(k, v)
	}
	if o.caption != "" {
		m.Set("TITLE", o.caption)
	}
	if z := f.byID[f.integer(g.kid("ZInterpretationID"))]; z != nil {
		if u := f.str(z.tag.at("TDZInterpretation", "UnitName")); u != "" {
			m.Set("YUNITS", u)
		}
	}
	if sx*sy > 1 {
		m.Set("MAP SIZE", fmt.Sprintf("%d × %d", sx, sy))
	}
	inverted := f.flag(g.kid("DataFieldInverted"))
	var valid []byte
	if lv := g.kid("LineValid"); lv != nil && lv.typ == 8 && lv.end-lv.start == sy {
		valid = f.data[lv.start:lv.end]
	}
	out := make([]*spectro.Spectrum, 0, sx*sy)
	for iy := int64(0); iy < sy; iy++ {
		if valid != nil && valid[iy] == 0 {
			continue // a line the scan did not complete: WITio makes it NaN
		}
		for ix := int64(0); ix < sx; ix++ {
			k := iy + sy*ix
			if inverted {
				k = ix + sx*iy
			}
			sm := m
			if sx*sy > 1 {
				sm = m.Clone()
				sm.Set("x", strconv.FormatInt(ix, 10))
				sm.Set("y", strconv.FormatInt(iy, 10))
			}
			out = append(out, &spectro.Spectrum{Modality: spectro.Raman, X: x, Y: vals[k*sg : (k+1)*sg : (k+1)*sg], Meta: sm})
		}
	}
	if len(out) == 0 {
		return nil, o.refuse(f.name, "every line of the map is flagged invalid (LineValid)")
	}
	return out, nil
}

// wipValues decodes n values of a GraphData DataType (b holds exactly n).
func wipValues(b []byte, dt, n int64) []float64 {
	out := make([]float64, n)
	for i := range out {
		switch dt {
		case 1:
			out[i] = float64(int64(le.Uint64(b[8*i:])))
		case 2:
			out[i] = float64(int32(le.Uint32(b[4*i:])))
		case 3:
			out[i] = float64(int16(le.Uint16(b[2*i:])))
		case 4:
			out[i] = float64(int8(b[i]))
		case 5:
			out[i] = float64(le.Uint32(b[4*i:]))
		case 6:
			out[i] = float64(le.Uint16(b[2*i:]))
		case 7:
			out[i] = float64(b[i])
		case 8:
			if b[i] != 0 {
				out[i] = 1
			}
		case 9:
			out[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		case 10:
			out[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		}
	}
	return out
}

// wipUnit says how a StandardUnit relates to a Raman shift: a wavelength
// (nm per unit), an absolute wavenumber or a shift (cm⁻¹ per unit).
type wipUnit struct{ nm, abs, rel float64 }

const wipEVPerCM = 8065.543937 // cm⁻¹ per eV

var wipUnits = map[string]wipUnit{
	"nm": {nm: 1}, "µm": {nm: 1e3}, "um": {nm: 1e3},
	"1/cm": {abs: 1}, "eV": {abs: wipEVPerCM}, "meV": {abs: wipEVPerCM / 1e3},
	"rel. 1/cm": {rel: 1}, "rel. eV": {rel: wipEVPerCM}, "rel. meV": {rel: wipEVPerCM / 1e3},
}

// xAxis computes a graph's Raman-shift axis from its x transformation and
// interpretation, with the metadata that says how.
func (f *wipFile) xAxis(o *wipObject, g *wipTag, n int) ([]float64, spectro.Metadata, error) {
	var meta spectro.Metadata
	xid := f.integer(g.kid("XTransformationID"))
	t := f.byID[xid]
	if t == nil {
		return nil, meta, o.refuse(f.name, "its XTransformationID %d names no object, so its x axis is pixel numbers, not a spectral axis", xid)
	}
	interp := f.byID[f.integer(g.kid("XInterpretationID"))]
	if interp == nil {
		interp = f.byID[f.integer(t.tag.at("TDTransformation", "InterpretationID"))]
	}
	if interp != nil {
		switch interp.class {
		case "TDSpaceInterpretation", "TDTimeInterpretation", "TDZInterpretation":
			return nil, meta, o.refuse(f.name, "its x axis is interpreted by a %s, not a spectral axis", interp.class)
		}
	}
	unitName := f.str(t.tag.at("TDTransformation", "StandardUnit"))
	unitKind := f.integer(t.tag.at("TDTransformation", "UnitKind"))
	var v []float64
	var how string
	switch t.class {
	case "TDSpectralTransformation":
		var err error
		v, how, err = f.spectralNM(t, n)
		if err != nil {
			return nil, meta, o.refuse(f.name, "%v", err)
		}
		unitName = "nm" // the transformation's formulas give nm whatever the label
	case "TDLUTTransformation":
		v = f.floats(t.tag.at("TDLUTTransformation", "LUT"))
		if len(v) != n {
			return nil, meta, o.refuse(f.name, "its TDLUTTransformation holds %d values for %d pixels", len(v), n)
		}
		how = "look-up table"
	case "TDLinearTransformation":
		lt := t.tag.kid("TDLinearTransformation")
		scale, ok1 := f.num(lt.kid("Scale_D"))
		model, ok2 := f.num(lt.kid("ModelOrigin_D"))
		world, ok3 := f.num(lt.kid("WorldOrigin_D"))
		if !ok1 || !ok2 || !ok3 {
			return nil, meta, o.refuse(f.name, "its TDLinearTransformation lacks Scale_D, ModelOrigin_D or WorldOrigin_D")
		}
		v = make([]float64, n)
		for i := range v {
			v[i] = scale*(float64(i)-model) + world
		}
		how = "linear transformation"
	default:
		return nil, meta, o.refuse(f.name, "its x axis comes from a %s (ID %d), a transformation this reader does not decode", orUnnamed(t.class), xid)
	}
	if unitName == "" && unitKind <= 2 && interp != nil && interp.class == "TDSpectralInterpretation" {
		// WITio writes LUTs without a unit; on a spectral axis they hold nm.
		unitName, how = "nm", how+" (no unit stated, nm assumed)"
	}
	u, ok := wipUnits[unitName]
	if !ok || unitKind == 1 && u.nm != 0 {
		return nil, meta, o.refuse(f.name, "its x axis is in %q (unit kind %d), not a spectral unit", unitName, unitKind)
	}
	ex := 0.0
	if interp != nil {
		ex, _ = f.num(interp.tag.at("TDSpectralInterpretation", "ExcitationWaveLength"))
	}
	if !(ex > 0) || math.IsInf(ex, 0) {
		ex = f.soleExcitation()
	}
	if u.rel == 0 && !(ex > 0) {
		return nil, meta, o.refuse(f.name, "its x axis is in %s and no excitation wavelength is given (XInterpretationID names no TDSpectralInterpretation), so the Raman shift cannot be computed", unitName)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	x := make([]float64, n)
	for i, w := range v {
		switch {
		case u.nm != 0:
			w *= u.nm
			if !(w > 0) || math.IsInf(w, 0) {
				return nil, meta, o.refuse(f.name, "its %s gives %.6g nm at pixel %d: not a wavelength, so no Raman shift", how, w, i+1)
			}
			lo, hi = math.Min(lo, w), math.Max(hi, w)
			x[i] = 1e7/ex - 1e7/w
		case u.abs != 0:
			x[i] = 1e7/ex - w*u.abs
		default:
			x[i] = w * u.rel
		}
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return nil, meta, o.refuse(f.name, "its %s gives x = %.6g at pixel %d: no Raman shift", how, v[i], i+1)
		}
	}
	if u.rel != 0 {
		meta.Set("XUNITS", fmt.Sprintf("Raman shift, cm-1 (%s in %s)", how, unitName))
	} else {
		meta.Set("XUNITS", fmt.Sprintf("Raman shift, cm-1 (converted from %s, %s, with %s nm excitation)", unitName, how, wipRound(ex)))
	}
	if ex > 0 {
		meta.Set("LASER", wipRound(ex)+" nm")
	}
	if u.nm != 0 {
		meta.Set("WAVELENGTHS", fmt.Sprintf("%s–%s nm", strconv.FormatFloat(lo, 'f', 3, 64), strconv.FormatFloat(hi, 'f', 3, 64)))
	}
	return x, meta, nil
}

func orUnnamed(class string) string {
	if class == "" {
		return "object without a DataClassName"
	}
	return class
}

func wipRound(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
}

// soleExcitation is the excitation wavelength every TDSpectralInterpretation
// of the file agrees on, or 0.
func (f *wipFile) soleExcitation() float64 {
	ex := 0.0
	for _, o := range f.objects {
		if o.class != "TDSpectralInterpretation" {
			continue
		}
		v, ok := f.num(o.tag.at("TDSpectralInterpretation", "ExcitationWaveLength"))
		if !ok || !(v > 0) || math.IsInf(v, 0) || ex != 0 && v != ex {
			return 0
		}
		ex = v
	}
	return ex
}

// spectralNM applies a TDSpectralTransformation to pixel indices 0…n−1 as
// WITio's transform.m does, giving nm, and names the kind.
func (f *wipFile) spectralNM(t *wipObject, n int) ([]float64, string, error) {
	st := t.tag.kid("TDSpectralTransformation")
	if st == nil {
		return nil, "", fmt.Errorf("its TDSpectralTransformation (ID %d) has no TDSpectralTransformation list", t.id)
	}
	param := func(name string) (float64, error) {
		v, ok := f.num(st.kid(name))
		if !ok {
			return 0, fmt.Errorf("its TDSpectralTransformation (ID %d) lacks %s", t.id, name)
		}
		return v, nil
	}
	kind := f.integer(st.kid("SpectralTransformationType"))
	x := make([]float64, n)
	switch kind {
	case 0:
		p := f.floats(st.kid("Polynom"))
		if len(p) == 0 {
			return nil, "", fmt.Errorf("its TDSpectralTransformation (ID %d) lacks Polynom", t.id)
		}
		p = p[:min(len(p), 3)] // WITec Project 2.10 ignores higher orders
		for i := range x {
			x[i] = wipPoly(p, float64(i))
		}
		return x, "polynomial", nil
	case 1:
		var v [8]float64
		for k, name := range []string{"nC", "LambdaC", "Gamma", "Delta", "m", "d", "x", "f"} {
			var err error
			if v[k], err = param(name); err != nil {
				return nil, "", err
			}
		}
		nC, lambdaC, gamma, delta, m, d, px, fl := v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]
		if d > 1e300 || fl > 1e300 {
			return nil, "", fmt.Errorf("its grating equation has d = %.3g and f = %.3g, WITio's null transformation (x is the pixel index): the axis is not calibrated", d, fl)
		}
		alpha := math.Asin(lambdaC*m/d/(2*math.Cos(gamma/2))) - gamma/2
		lH, hC := fl*math.Cos(delta), fl*math.Sin(delta)
		betaH := gamma + alpha - delta
		for i := range x {
			beta := betaH - math.Atan2(px*(nC-float64(i))-hC, lH)
			x[i] = d / m * (math.Sin(alpha) + math.Sin(beta))
		}
		return x, "grating equation", nil
	case 2:
		p := f.floats(st.kid("FreePolynom"))
		order := f.integer(st.kid("FreePolynomOrder"))
		startBin, err := param("FreePolynomStartBin")
		if err != nil {
			return nil, "", err
		}
		stopBin, err := param("FreePolynomStopBin")
		if err != nil {
			return nil, "", err
		}
		if order < 0 || len(p) == 0 {
			return nil, "", fmt.Errorf("its free polynomial (ID %d) has order %d and %d coefficients", t.id, order, len(p))
		}
		p = p[:min(int64(len(p)), order+1)]
		stopBin = math.Max(startBin, stopBin)
		first, last := wipPoly(p, startBin), wipPoly(p, stopBin)
		for i := range x {
			switch c := float64(i); {
			case c <= startBin:
				x[i] = first
			case c >= stopBin:
				x[i] = last
			default:
				x[i] = wipPoly(p, c)
			}
		}
		return x, "free polynomial", nil
	}
	return nil, "", fmt.Errorf("its TDSpectralTransformation (ID %d) is of type %d; only types 0 (polynomial), 1 (grating equation) and 2 (free polynomial) are decoded", t.id, kind)
}

// wipPoly evaluates p[0] + p[1]·c + p[2]·c² + ….
func wipPoly(p []float64, c float64) float64 {
	v := 0.0
	for k := len(p) - 1; k >= 0; k-- {
		v = v*c + p[k]
	}
	return v
}
