package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// wdfBuild writes a WDF file of count spectra sharing one x list, with an
// ORGN block of X and Y stage positions when xy is given.
func wdfBuild(x []float32, unit uint32, spectra [][]float32, xy [][2]float64) []byte {
	h := make([]byte, wdfHeaderSize)
	copy(h, "WDF1")
	binary.LittleEndian.PutUint32(h[4:], 1)
	binary.LittleEndian.PutUint64(h[8:], wdfHeaderSize)
	binary.LittleEndian.PutUint32(h[60:], uint32(len(x)))
	binary.LittleEndian.PutUint64(h[64:], uint64(len(spectra)))
	binary.LittleEndian.PutUint64(h[72:], uint64(len(spectra)))
	binary.LittleEndian.PutUint32(h[80:], 3)
	binary.LittleEndian.PutUint32(h[84:], 1)
	binary.LittleEndian.PutUint32(h[88:], uint32(len(x)))
	copy(h[96:], "WiRE")
	binary.LittleEndian.PutUint32(h[132:], 3)
	binary.LittleEndian.PutUint32(h[156:], math.Float32bits(18788.16))
	copy(h[240:], "synthetic map")
	var b bytes.Buffer
	b.Write(h)
	block := func(id string, body []byte) {
		b.WriteString(id)
		binary.Write(&b, binary.LittleEndian, uint32(0))
		binary.Write(&b, binary.LittleEndian, uint64(16+len(body)))
		b.Write(body)
	}
	var d bytes.Buffer
	for _, s := range spectra {
		binary.Write(&d, binary.LittleEndian, s)
	}
	block("DATA", d.Bytes())
	var xl bytes.Buffer
	binary.Write(&xl, binary.LittleEndian, [2]uint32{1, unit})
	binary.Write(&xl, binary.LittleEndian, x)
	block("XLST", xl.Bytes())
	if xy != nil {
		var o bytes.Buffer
		binary.Write(&o, binary.LittleEndian, uint32(2))
		for axis := 0; axis < 2; axis++ {
			binary.Write(&o, binary.LittleEndian, [2]uint32{0x80000003 + uint32(axis), 5})
			o.Write(make([]byte, 16))
			for _, p := range xy {
				binary.Write(&o, binary.LittleEndian, p[axis])
			}
		}
		block("ORGN", o.Bytes())
	}
	return b.Bytes()
}

func synthWDF() []byte {
	return wdfBuild([]float32{300, 200, 100}, 1, [][]float32{{1, 2, 3}, {4, 5, 6}}, [][2]float64{{10, -5}, {12.5, -5}})
}

func TestWDFSynthetic(t *testing.T) {
	all, err := ReadAll(bytes.NewReader(synthWDF()), "syn.wdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[1].Modality != spectro.Raman || !near(all[1].X, []float64{100, 200, 300}) || !near(all[1].Y, []float64{6, 5, 4}) ||
		all[1].Meta.Extra["x"] != "12.5" || all[1].Meta.Extra["y"] != "-5" || all[1].Meta.Extra["LASER"] != "532.25 nm" || all[0].Meta.Extra["TITLE"] != "synthetic map" {
		t.Errorf("got %d: %v %v %v", len(all), all[1].X, all[1].Y, all[1].Meta.Extra)
	}
	// An absolute-wavenumber axis becomes Raman shift from the laser line.
	abs := wdfBuild([]float32{18688.16, 18588.16}, 2, [][]float32{{1, 2}}, nil)
	if s, err := Read(bytes.NewReader(abs), "a.wdf", Options{}); err != nil || !approx(s.X[0], 100, 1e-3) || !approx(s.X[1], 200, 1e-3) {
		t.Errorf("absolute wavenumbers: %v %v", err, s)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated header", synthWDF()[:100], "WDF header runs past the end of the file (byte 512 of 100)"},
		{"data cut", synthWDF()[:wdfHeaderSize+20], "WDF block \"DATA\" at byte 512 has size 40, past the end of the file (532 bytes)"},
		{"pixels", wdfBuild([]float32{1, 2}, 16, [][]float32{{1, 2}}, nil), "x axis is in pixels"},
	} {
		wantParseError(t, tc.name, tc.data, "bad.wdf", Options{}, tc.want)
	}
}

// TestWDFFixtures checks the WiRE files against the shapes and values their
// sources give.
func TestWDFFixtures(t *testing.T) {
	for _, tc := range []struct {
		file         string
		n, npts      int
		first, last  float64 // x in file order
		y0, ylast    float64 // of spectrum 0, file order (0, 0: unchecked)
		laser        string
		mapXY, mapZ  bool
		wantMapShape string
	}{
		{"wdfreader_sp.wdf", 1, 1015, 2787.514, 1226.275, 47.0927, 21.8155, "532.25 nm", false, false, ""},
		{"wdfreader_Spectrum_532nm_wdf.wdf", 1, 1900, 3203.762, 202.102, 16749.488, 22220.820, "532.3 nm", false, false, ""},
		{"wdfreader_depth.wdf", 40, 1015, 2787.783, 1226.605, 0, 0, "", false, true, ""},
		{"wdfreader_line.wdf", 235, 1015, 2787.510, 1226.268, 130.4105, 0, "", true, false, "235 × 1"},
		{"wdfreader_Streamline.wdf", 2205, 394, 924.195, 1667.694, 0, 0, "785 nm", true, false, "45 × 49"},
		{"wdfreader_undefined.wdf", 2, 1015, 2742.588, 1170.947, 0, 0, "", false, false, ""},
	} {
		data := readFixture(t, "wdf", tc.file)
		d, err := parseWDF(data, tc.file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		s := d.spectra[0]
		if len(d.spectra) != tc.n || len(s.X) != tc.npts || !approx(s.X[0], tc.first, 1e-5) || !approx(s.X[len(s.X)-1], tc.last, 1e-5) {
			t.Errorf("%s: %d × %d, x %.4f → %.4f", tc.file, len(d.spectra), len(s.X), s.X[0], s.X[len(s.X)-1])
		}
		if tc.y0 != 0 && !approx(s.Y[0], tc.y0, 1e-5) || tc.ylast != 0 && !approx(s.Y[len(s.Y)-1], tc.ylast, 1e-5) {
			t.Errorf("%s: y %.7g … %.7g", tc.file, s.Y[0], s.Y[len(s.Y)-1])
		}
		if tc.laser != "" && s.Meta.Extra["LASER"] != tc.laser || tc.wantMapShape != "" && s.Meta.Extra["MAP SIZE"] != tc.wantMapShape {
			t.Errorf("%s: laser %q, map %q", tc.file, s.Meta.Extra["LASER"], s.Meta.Extra["MAP SIZE"])
		}
		_, hasX := s.Meta.Extra["x"]
		_, hasZ := s.Meta.Extra["z"]
		if hasX != tc.mapXY || hasZ != tc.mapZ {
			t.Errorf("%s: positions %v", tc.file, s.Meta.Extra)
		}
		all, err := ReadAll(bytes.NewReader(data), tc.file, Options{})
		if err != nil || len(all) != tc.n || all[0].Modality != spectro.Raman || (tc.n > 1) != (all[tc.n-1].Meta.Extra["spectrum index"] != "") {
			t.Errorf("%s: ReadAll: %v", tc.file, err)
		}
	}
	// The StreamLine map is stored column by column (WMAP flag 2): Y steps
	// 2.6 µm between neighbours, X once per 49 spectra; WMAP agrees with ORGN.
	data := readFixture(t, "wdf", "wdfreader_Streamline.wdf")
	all, err := ReadAll(bytes.NewReader(data), "Streamline.wdf", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if e := all[1].Meta.Extra; e["x"] != "-8100.3" || e["y"] != "-1198.7" || all[49].Meta.Extra["x"] != "-8097.7" {
		t.Errorf("Streamline positions: %v / %v", e, all[49].Meta.Extra)
	}
	blocks, _ := wdfBlocks(data, "s")
	grid := wdfMapPositions(data, blocks, len(all))
	if !approx(grid["x"][49], -8097.7, 1e-4) || !approx(grid["y"][1], -1198.7, 1e-4) {
		t.Errorf("WMAP grid positions %g %g", grid["x"][49], grid["y"][1])
	}
	// The SPC that WiRE exported from the same measurement has the same end points.
	spc, err := ReadFile(instrumentFile(t, "spc", "wdfreader_Spectrum_532nm_wdf_spc.spc"), Options{})
	wdf, err2 := ReadFile(instrumentFile(t, "wdf", "wdfreader_Spectrum_532nm_wdf.wdf"), Options{})
	if err != nil || err2 != nil || !approx(spc.X[0], wdf.X[0], 1e-6) || !approx(spc.Y[0], wdf.Y[0], 1e-6) || !approx(spc.Y[spc.Len()-1], wdf.Y[wdf.Len()-1], 1e-6) {
		t.Errorf("SPC export and WDF differ at the ends: %v %v", err, err2)
	}
}

func FuzzWDF(f *testing.F) {
	f.Add(synthWDF())
	f.Add(wdfBuild([]float32{540, 550}, 3, [][]float32{{1, 2}}, nil))
	addFixtureSeeds(f, "wdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.wdf")
	})
}
