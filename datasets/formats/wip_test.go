package formats

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// wipT is a WIT tag to write: a list (typ 0) of kids, or a value's bytes.
type wipT struct {
	name string
	typ  uint32
	data []byte
	kids []wipT
}

// encode writes the tag whose head starts at byte off of the file.
func (t wipT) encode(off int64) []byte {
	head := int64(4 + len(t.name) + 4 + 16)
	payload := t.data
	if t.typ == 0 {
		payload = nil
		for _, k := range t.kids {
			payload = append(payload, k.encode(off+head+int64(len(payload)))...)
		}
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint32(len(t.name)))
	b.WriteString(t.name)
	binary.Write(&b, binary.LittleEndian, t.typ)
	binary.Write(&b, binary.LittleEndian, [2]uint64{uint64(off + head), uint64(off + head + int64(len(payload)))})
	b.Write(payload)
	return b.Bytes()
}

func wList(name string, kids ...wipT) wipT { return wipT{name: name, kids: kids} }

func wI32(name string, v ...int32) wipT {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return wipT{name: name, typ: 5, data: b.Bytes()}
}

func wF64(name string, v ...float64) wipT {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return wipT{name: name, typ: 2, data: b.Bytes()}
}

func wBool(name string, v ...byte) wipT { return wipT{name: name, typ: 8, data: v} }

func wStr(name, s string) wipT {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(s)))
	return wipT{name: name, typ: 9, data: append(b, s...)}
}

// wObj is object k of the Data list: its class name and its "Data k" list.
func wObj(k int, class string, id int32, caption string, body ...wipT) []wipT {
	td := wList("TData", wI32("Version", 0), wI32("ID", id), wI32("ImageIndex", 0), wStr("Caption", caption))
	return []wipT{wStr(fmt.Sprintf("DataClassName %d", k), class), wList(fmt.Sprintf("Data %d", k), append([]wipT{td}, body...)...)}
}

// wipBuild writes a project file holding the objects.
func wipBuild(magic string, version int32, objs ...[]wipT) []byte {
	var data []wipT
	for _, o := range objs {
		data = append(data, o...)
	}
	data = append(data, wI32("NumberOfData", int32(len(objs))))
	root := wList("WITec Project", wI32("Version", version),
		wList("SystemInformation", wList("ApplicationVersions", wList("WITec Project 2.10.3.3"), wList("Synthetic 1.0"))),
		wI32("NextDataID", 100), wList("Data", data...))
	return append([]byte(magic), root.encode(8)...)
}

// wGraph is a TDGraph of sx × sy spectra of sg points, its values in
// storage order (dt 9: float32, 2: int32).
func wGraph(k int, id int32, caption string, sx, sy, sg int32, dt int32, vals []float64, xid, xiid int32, extra ...wipT) []wipT {
	var raw bytes.Buffer
	for _, v := range vals {
		switch dt {
		case 9:
			binary.Write(&raw, binary.LittleEndian, float32(v))
		case 2:
			binary.Write(&raw, binary.LittleEndian, int32(v))
		}
	}
	g := []wipT{wI32("Version", 0), wI32("SizeX", sx), wI32("SizeY", sy), wI32("SizeGraph", sg), wI32("SpaceTransformationID", 0),
		wI32("XTransformationID", xid), wI32("XInterpretationID", xiid), wI32("ZInterpretationID", 0)}
	g = append(g, extra...)
	g = append(g, wList("GraphData", wI32("Dimension", 2), wI32("DataType", dt), wI32("Ranges", sx, sy*sg), wipT{name: "Data", typ: 7, data: raw.Bytes()}))
	return wObj(k, "TDGraph", id, caption, wList("TDGraph", g...))
}

func wTransform(unit string, kind int32) wipT {
	return wList("TDTransformation", wI32("Version", 0), wStr("StandardUnit", unit), wI32("UnitKind", kind), wI32("InterpretationID", 0), wBool("IsCalibrated", 1))
}

// wPolynomial is a TDSpectralTransformation of type 0.
func wPolynomial(k int, id int32, p ...float64) []wipT {
	return wObj(k, "TDSpectralTransformation", id, "poly", wTransform("nm", 2),
		wList("TDSpectralTransformation", wI32("Version", 0), wI32("SpectralTransformationType", 0), wF64("Polynom", p...)))
}

func wExcitation(k int, id int32, nm float64) []wipT {
	return wObj(k, "TDSpectralInterpretation", id, "interp", wList("TDInterpretation", wI32("Version", 0), wI32("UnitIndex", 3)),
		wList("TDSpectralInterpretation", wI32("Version", 0), wF64("ExcitationWaveLength", nm)))
}

// synthWIP is a 3 × 2 map of 4-point float32 spectra (value 100·x + 10·y + i,
// stored x-major), a graph with an unknown x transformation, a text object,
// and an inverted (y-major, v7) 2 × 2 int32 map whose second line is invalid.
func synthWIP() []byte {
	var mapVals []float64
	for ix := 0; ix < 3; ix++ {
		for iy := 0; iy < 2; iy++ {
			for i := 0; i < 4; i++ {
				mapVals = append(mapVals, float64(100*ix+10*iy+i))
			}
		}
	}
	var inv []float64
	for iy := 0; iy < 2; iy++ {
		for ix := 0; ix < 2; ix++ {
			inv = append(inv, float64(1000+10*ix+iy), float64(2000+10*ix+iy))
		}
	}
	return wipBuild("WIT_PR06", 7,
		wGraph(0, 1, "Map", 3, 2, 4, 9, mapVals, 2, 3),
		wPolynomial(1, 2, 540, 2, 0),
		wExcitation(2, 3, 532),
		wGraph(3, 4, "Odd", 1, 1, 3, 9, []float64{1, 2, 3}, 5, 3),
		wObj(4, "TDMysteryTransformation", 5, "mystery"),
		wObj(5, "TDText", 6, "notes", wList("TDStream", wI32("Version", 0))),
		wGraph(6, 7, "Inverted", 2, 2, 2, 2, inv, 2, 3, wBool("DataFieldInverted", 1), wBool("LineValid", 1, 0)),
	)
}

func TestWIPSynthetic(t *testing.T) {
	data := synthWIP()
	if Detect(data) != WIP {
		t.Fatalf("not detected as WIP")
	}
	all, err := ReadAll(bytes.NewReader(data), "syn.wip", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 8 {
		t.Fatalf("%d spectra, want 6 map pixels and 2 of the inverted map's valid line", len(all))
	}
	shift := func(nm float64) float64 { return 1e7/532 - 1e7/nm }
	wantX := []float64{shift(540), shift(542), shift(544), shift(546)}
	for i, s := range all[:6] {
		ix, iy := i%3, i/3 // read line by line
		e := s.Meta.Extra
		if s.Modality != spectro.Raman || !near(s.X, wantX) || s.Y[0] != float64(100*ix+10*iy) || s.Y[3] != float64(100*ix+10*iy+3) ||
			e["x"] != fmt.Sprint(ix) || e["y"] != fmt.Sprint(iy) || e["TITLE"] != "Map" || e["MAP SIZE"] != "3 × 2" || e["LASER"] != "532 nm" {
			t.Errorf("pixel %d: %v %v %v", i, s.X, s.Y, e)
		}
	}
	for i, s := range all[6:] {
		if e := s.Meta.Extra; e["TITLE"] != "Inverted" || e["y"] != "0" || e["x"] != fmt.Sprint(i) || !near(s.Y, []float64{float64(1000 + 10*i), float64(2000 + 10*i)}) {
			t.Errorf("inverted pixel %d: %v %v", i, s.Y, e)
		}
	}
	e := all[0].Meta.Extra
	if !strings.Contains(e["SKIPPED"], `1 of 3 TDGraph objects: TDGraph "Odd" (Data 3): its x axis comes from a TDMysteryTransformation (ID 5)`) ||
		e["SOFTWARE"] != "Synthetic 1.0" || e["WIP VERSION"] != "7" || e["WAVELENGTHS"] != "540.000–546.000 nm" || e["spectra"] != "8" {
		t.Errorf("metadata %v", e)
	}

	graph := func(xid, xiid int32) []wipT { return wGraph(0, 1, "G", 1, 1, 3, 9, []float64{1, 2, 3}, xid, xiid) }
	lut := func(unit string, kind int32, v ...float64) []wipT {
		return wObj(1, "TDLUTTransformation", 2, "lut", wTransform(unit, kind), wList("TDLUTTransformation", wI32("Version", 0), wI32("LUTSize", int32(len(v))), wF64("LUT", v...)))
	}
	// A relative-wavenumber LUT needs no excitation; a linear transformation in nm does.
	if s, err := Read(bytes.NewReader(wipBuild("WIT_PRCT", 5, graph(2, 0), lut("rel. 1/cm", 2, 300, 200, 100))), "r.wip", Options{}); err != nil || !near(s.X, []float64{100, 200, 300}) || !near(s.Y, []float64{3, 2, 1}) {
		t.Errorf("rel. 1/cm LUT: %v %v", err, s)
	}
	linear := wObj(1, "TDLinearTransformation", 2, "lin", wTransform("nm", 2),
		wList("TDLinearTransformation", wI32("Version", 0), wF64("ModelOrigin_D", 0), wF64("WorldOrigin_D", 550), wF64("Scale_D", 5)))
	if s, err := Read(bytes.NewReader(wipBuild("WIT_PRCT", 5, graph(2, 3), linear, wExcitation(2, 3, 532))), "l.wip", Options{}); err != nil || !near(s.X, []float64{shift(550), shift(555), shift(560)}) {
		t.Errorf("linear transformation: %v %v", err, s)
	}

	deep := wList("x")
	for i := 0; i < 70; i++ {
		deep = wList("x", deep)
	}
	overlap := append([]byte("WIT_PRCT"), wList("WITec Project").encode(8)...)
	binary.LittleEndian.PutUint64(overlap[8+4+13+4:], 8) // the root's data start on its own head
	stt3 := wObj(1, "TDSpectralTransformation", 2, "s", wTransform("nm", 2), wList("TDSpectralTransformation", wI32("SpectralTransformationType", 3)))
	badSize := wGraph(0, 1, "G", 2, 1, 3, 9, []float64{1, 2, 3}, 2, 3)
	timeAxis := wObj(2, "TDTimeInterpretation", 3, "t", wList("TDInterpretation", wI32("Version", 0), wI32("UnitIndex", 2)))
	for _, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"truncated", synthWIP()[:100], "lie outside bytes 45–100"},
		{"magic only", []byte("WIT_PR06"), "no \"WITec Project\" or \"WITec Data\" root"},
		{"overlapping tags", overlap, `WIT tag "WITec Project" at byte 8: its data (bytes 8–`},
		{"too deep", append([]byte("WIT_PRCT"), wList("WITec Project", deep).encode(8)...), "nested more than 64 deep"},
		{"no graph", wipBuild("WIT_PRCT", 5, wObj(0, "TDText", 1, "t")), "holds no spectrum (no TDGraph object; it holds TDText)"},
		{"unknown transformation", wipBuild("WIT_PRCT", 5, graph(2, 0), wObj(1, "TDMysteryTransformation", 2, "m")),
			`none of the 1 TDGraph objects could be read: TDGraph "G" (Data 0): its x axis comes from a TDMysteryTransformation (ID 2), a transformation this reader does not decode`},
		{"no x transformation", wipBuild("WIT_PRCT", 5, graph(9, 0)), "XTransformationID 9 names no object, so its x axis is pixel numbers"},
		{"no excitation", wipBuild("WIT_PRCT", 5, graph(2, 0), wPolynomial(1, 2, 540, 1)), "no excitation wavelength is given"},
		{"spectral type 3", wipBuild("WIT_PRCT", 5, graph(2, 3), stt3, wExcitation(2, 3, 532)), "is of type 3; only types 0 (polynomial), 1 (grating equation) and 2 (free polynomial) are decoded"},
		{"data size", wipBuild("WIT_PRCT", 5, badSize, wPolynomial(1, 2, 540, 1), wExcitation(2, 3, 532)), "GraphData holds 12 bytes, not 2 × 1 × 3 values of 4 bytes"},
		{"time axis", wipBuild("WIT_PRCT", 5, graph(2, 3), wPolynomial(1, 2, 540, 1), timeAxis), "interpreted by a TDTimeInterpretation, not a spectral axis"},
		{"space unit", wipBuild("WIT_PRCT", 5, graph(2, 3), lut("µm", 1, 1, 2, 3), wExcitation(2, 3, 532)), `its x axis is in "µm" (unit kind 1), not a spectral unit`},
		{"LUT length", wipBuild("WIT_PRCT", 5, graph(2, 3), lut("nm", 2, 540, 541), wExcitation(2, 3, 532)), "TDLUTTransformation holds 2 values for 3 pixels"},
		{"negative wavelength", wipBuild("WIT_PRCT", 5, graph(2, 3), wPolynomial(1, 2, -1, 1), wExcitation(2, 3, 532)), "its polynomial gives -1 nm at pixel 1: not a wavelength"},
	} {
		wantParseError(t, tc.what, tc.data, "bad.wip", Options{}, tc.want)
	}
}

// TestWIPFixtures checks the WITio files against the values the fixtures'
// README gives (from WITio's demo and test scripts and the raw bytes).
func TestWIPFixtures(t *testing.T) {
	for _, tc := range []struct {
		file          string
		graphs, n     int // TDGraph objects, spectra read
		npts          int
		laser         float64
		firstCaption  string
		lastCaption   string
		y             []float64 // spectrum 0's first values, file order
		ylast         float64
		x0nm          float64 // spectrum 0's wavelength at pixel 1
		mapSize       string
		skippedPrefix string
	}{
		{"witio_D_stitch_spectra_v7.wip", 26, 26, 1600, 632.7233, "SC=+450 / LED light / Single Spectrum_003_Spec.Data 1", "SC=+700 ",
			[]float64{736.6667, 736.4500, 736.8500}, 5929.783, 381.864, "", ""},
		{"witio_Z_customize_data_and_export.wip", 1, 200, 30, 532.1, "Customized Image<TDGraph", "Customized Image<TDGraph",
			nil, 0, 532.2930, "10 × 20", ""},
		{"witio_test_STT_2.wip", 15, 10, 1600, 532.07, "Test 1", "Test 6 LUT", // Test 7's polynomial is refused
			[]float64{1, 2, 3}, 1600, 0, "", `5 of 15 TDGraph objects: TDGraph "Point<TDGraph" (Data 0): its grating equation has d = 1.8e+308`},
	} {
		data := readFixture(t, "wip", tc.file)
		if Detect(data) != WIP {
			t.Errorf("%s: not detected", tc.file)
		}
		d, err := parseWIP(data, tc.file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		f, _ := parseWIPTree(data, tc.file)
		graphs := 0
		for _, o := range f.objects {
			if o.class == "TDGraph" {
				graphs++
			}
		}
		s, last := d.spectra[0], d.spectra[len(d.spectra)-1]
		e := s.Meta.Extra
		if graphs != tc.graphs || len(d.spectra) != tc.n || len(s.X) != tc.npts || e["LASER"] != fmt.Sprint(tc.laser)+" nm" ||
			e["TITLE"] != tc.firstCaption || !strings.HasPrefix(last.Meta.Extra["TITLE"], tc.lastCaption) || e["MAP SIZE"] != tc.mapSize ||
			!strings.HasPrefix(e["SKIPPED"], tc.skippedPrefix) {
			t.Errorf("%s: %d graphs, %d spectra of %d points, %v, last %q", tc.file, graphs, len(d.spectra), len(s.X), e, last.Meta.Extra["TITLE"])
		}
		for i, v := range tc.y {
			if !approx(s.Y[i], v, 1e-6) {
				t.Errorf("%s: y[%d] = %.7g, want %g", tc.file, i, s.Y[i], v)
			}
		}
		if tc.ylast != 0 && !approx(s.Y[len(s.Y)-1], tc.ylast, 1e-6) {
			t.Errorf("%s: last y %.7g, want %g", tc.file, s.Y[len(s.Y)-1], tc.ylast)
		}
		if nm := 1e7 / (1e7/tc.laser - s.X[0]); tc.x0nm != 0 && math.Abs(nm-tc.x0nm) > 5e-4 {
			t.Errorf("%s: x[0] = %.6f cm-1 is %.5f nm, want %g nm", tc.file, s.X[0], nm, tc.x0nm)
		}
		all, err := ReadAll(bytes.NewReader(data), tc.file, Options{})
		if err != nil || len(all) != tc.n || all[0].Modality != spectro.Raman {
			t.Errorf("%s: ReadAll: %v", tc.file, err)
		}
	}
}

// TestWIPGratingEquation checks transform.m's grating equation (STT 1) on
// the first LED spectrum: pixels 1, 801 and 1600 are 381.864, 450.000 and
// 517.002 nm, its parameters those the README lists.
func TestWIPGratingEquation(t *testing.T) {
	data := readFixture(t, "wip", "witio_D_stitch_spectra_v7.wip")
	f, err := parseWIPTree(data, "D.wip")
	if err != nil {
		t.Fatal(err)
	}
	tr := f.byID[f.integer(f.objects[0].tag.at("TDGraph", "XTransformationID"))]
	st := tr.tag.kid("TDSpectralTransformation")
	// The README rounds them: each must agree to half its last digit.
	for _, p := range []struct {
		name      string
		want, tol float64
	}{{"nC", 800, 0}, {"LambdaC", 450, 0}, {"Gamma", 0.44020441, 5e-9}, {"Delta", -0.00827003, 5e-9}, {"m", 1, 0}, {"d", 1666.6666, 5e-5}, {"x", 0.016, 0}, {"f", 295.1426, 5e-5}} {
		if v, _ := f.num(st.kid(p.name)); math.Abs(v-p.want) > p.tol {
			t.Errorf("%s = %.9g, want %g", p.name, v, p.want)
		}
	}
	nm, how, err := f.spectralNM(tr, 1600)
	if err != nil || how != "grating equation" {
		t.Fatal(err, how)
	}
	for pixel, want := range map[int]float64{1: 381.864, 801: 450.000, 1600: 517.002} {
		if math.Abs(nm[pixel-1]-want) > 5e-4 {
			t.Errorf("pixel %d: %.4f nm, want %.3f", pixel, nm[pixel-1], want)
		}
	}
	// Every graph reads the one TDSpectralInterpretation's 632.7233 nm.
	d, _ := parseWIP(data, "D.wip")
	for _, s := range d.spectra {
		if s.Meta.Extra["LASER"] != "632.7233 nm" || !strings.Contains(s.Meta.Extra["XUNITS"], "grating equation") {
			t.Errorf("%s: %v", s.Meta.Extra["TITLE"], s.Meta.Extra)
		}
	}
}

// TestWIPFreePolynomialMatchesLUT checks the free polynomial (STT 2) against
// the look-up tables WITio computed from it (DEVELOP/test_STT_2.m): every
// "Test k" and "Test k LUT" have the same x axis, or are both refused (a
// polynomial giving negative wavelengths), and hold the data 1…1600.
func TestWIPFreePolynomialMatchesLUT(t *testing.T) {
	data := readFixture(t, "wip", "witio_test_STT_2.wip")
	d, err := parseWIP(data, "STT_2.wip")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*spectro.Spectrum{}
	for _, s := range d.spectra {
		byName[s.Meta.Extra["TITLE"]] = s
		if len(s.Y) != 1600 || s.Y[0] != 1 || s.Y[1599] != 1600 || s.Meta.Extra["LASER"] != "532.07 nm" {
			t.Errorf("%s: %d points, y %g…%g, %v", s.Meta.Extra["TITLE"], len(s.Y), s.Y[0], s.Y[len(s.Y)-1], s.Meta.Extra)
		}
	}
	pairs := 0
	for k := 1; k <= 7; k++ {
		poly, lut := byName[fmt.Sprintf("Test %d", k)], byName[fmt.Sprintf("Test %d LUT", k)]
		switch {
		case poly == nil && lut == nil:
			skipped := d.spectra[0].Meta.Extra["SKIPPED"]
			if !strings.Contains(skipped, fmt.Sprintf(`"Test %d"`, k)) && !strings.Contains(skipped, "more") {
				t.Errorf("Test %d: neither read nor listed as skipped: %s", k, skipped)
			}
		case poly == nil || lut == nil:
			t.Errorf("Test %d: only one of the polynomial and its LUT was read", k)
		default:
			pairs++
			if !strings.Contains(poly.Meta.Extra["XUNITS"], "free polynomial") || !strings.Contains(lut.Meta.Extra["XUNITS"], "look-up table") {
				t.Errorf("Test %d: %q / %q", k, poly.Meta.Extra["XUNITS"], lut.Meta.Extra["XUNITS"])
			}
			for i := range poly.X {
				if !approx(poly.X[i], lut.X[i], 1e-9) {
					t.Errorf("Test %d pixel %d: %.12g (polynomial) vs %.12g (LUT)", k, i+1, poly.X[i], lut.X[i])
					break
				}
			}
		}
	}
	if pairs != 5 {
		t.Errorf("%d pairs read, want 5 (2 give negative wavelengths)", pairs)
	}
	if _, ok := byName["Point<TDGraph"]; ok {
		t.Errorf("the null transformation's pixel axis was read as wavelengths")
	}
}

// shrinkWIP rewrites a fixture with only its first readable TDGraph and the
// objects that graph names, dropping the thumbnail: a small real-layout fuzz
// seed.
func shrinkWIP(data []byte) []byte {
	f, err := parseWIPTree(data, "seed")
	if err != nil {
		return nil
	}
	var conv func(t *wipTag) wipT
	conv = func(t *wipTag) wipT {
		out := wipT{name: t.name, typ: t.typ}
		if t.typ != 0 {
			out.data = data[t.start:t.end]
		}
		for _, k := range t.kids {
			out.kids = append(out.kids, conv(k))
		}
		return out
	}
	keep := map[string]bool{}
	for _, o := range f.objects {
		if _, err := f.graph(o, spectro.Metadata{}); err == nil && o.class == "TDGraph" {
			keep[o.index] = true
			g := o.tag.kid("TDGraph")
			for _, ref := range []string{"XTransformationID", "XInterpretationID", "ZInterpretationID"} {
				if r := f.byID[f.integer(g.kid(ref))]; r != nil {
					keep[r.index] = true
				}
			}
			break
		}
	}
	root := wipT{name: f.root.name}
	for _, k := range f.root.kids {
		switch {
		case k.name == "ShellExtensionInfo":
		case k.name == "Data":
			list := wipT{name: "Data"}
			for _, t := range k.kids {
				if keep[t.name] || keep["Data "+strings.TrimPrefix(t.name, "DataClassName ")] {
					list.kids = append(list.kids, conv(t))
				}
			}
			root.kids = append(root.kids, list)
		default:
			root.kids = append(root.kids, conv(k))
		}
	}
	return append(bytes.Clone(data[:8]), root.encode(8)...)
}

// wipSeeds are the synthetic file and the shrunken fixtures.
func wipSeeds() map[string][]byte {
	seeds := map[string][]byte{"syn.wip": synthWIP()}
	if dir := sharedInstrumentDir(); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, "wip", "*.wip"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				if small := shrinkWIP(data); small != nil {
					seeds[filepath.Base(p)] = small
				}
			}
		}
	}
	return seeds
}

// TestWIPTruncated cuts the synthetic and shrunken fixture files at many
// lengths and flips bytes in them: each must read or give a ParseError.
func TestWIPTruncated(t *testing.T) {
	seeds := wipSeeds()
	for name, data := range seeds {
		if name != "syn.wip" {
			if _, err := ReadAll(bytes.NewReader(data), name, Options{}); err != nil {
				t.Errorf("shrunken %s does not read: %v", name, err)
			}
		}
		step := max(1, len(data)/150)
		for n := 0; n < len(data); n += step {
			checkReadAnyway(t, data[:n], name)
		}
		for i := 0; i < len(data); i += max(1, len(data)/200) {
			mutated := bytes.Clone(data)
			mutated[i] ^= 0xA5
			checkReadAnyway(t, mutated, name)
		}
	}
}

func FuzzWIP(f *testing.F) {
	for _, data := range wipSeeds() {
		f.Add(data)
	}
	addFixtureSeeds(f, "wip")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.wip")
	})
}
