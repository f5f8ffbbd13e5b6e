package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// spcBuild writes a new-format SPC file: flags, exponent, x and y types, and
// subfiles of (x, y) values; x goes in the header's range (Y-only), in a
// shared X array (TXVALS) or per subfile (TXYXYS), as flags say.
func spcBuild(flags byte, exp int8, xtype, ytype byte, subs [][2][]float64) []byte {
	var b bytes.Buffer
	h := make([]byte, 512)
	h[0], h[1], h[3], h[28], h[29] = flags, spcNew, byte(exp), xtype, ytype
	x0 := subs[0][0]
	binary.LittleEndian.PutUint32(h[4:], uint32(len(x0)))
	binary.LittleEndian.PutUint64(h[8:], math.Float64bits(x0[0]))
	binary.LittleEndian.PutUint64(h[16:], math.Float64bits(x0[len(x0)-1]))
	binary.LittleEndian.PutUint32(h[24:], uint32(len(subs)))
	binary.LittleEndian.PutUint32(h[32:], 1997<<20|3<<16|9<<11|8<<6|46)
	copy(h[88:], "synthetic test file")
	b.Write(h)
	f32 := func(v float64) { binary.Write(&b, binary.LittleEndian, float32(v)) }
	if flags&spcTXVALS != 0 && flags&spcTXYXYS == 0 {
		for _, v := range x0 {
			f32(v)
		}
	}
	for i, s := range subs {
		sh := make([]byte, 32)
		sh[1] = byte(exp)
		binary.LittleEndian.PutUint16(sh[2:], uint16(i))
		binary.LittleEndian.PutUint32(sh[16:], uint32(len(s[0])))
		b.Write(sh)
		if flags&spcTXYXYS != 0 {
			for _, v := range s[0] {
				f32(v)
			}
		}
		for _, v := range s[1] {
			switch {
			case exp == -128:
				f32(v)
			case flags&spcTSPREC != 0:
				binary.Write(&b, binary.LittleEndian, int16(math.Round(math.Ldexp(v, 16-int(exp)))))
			default:
				binary.Write(&b, binary.LittleEndian, int32(math.Round(math.Ldexp(v, 32-int(exp)))))
			}
		}
	}
	return b.Bytes()
}

// synthSPC is a small XYXY multifile in Raman shift with float Y.
func synthSPC() []byte {
	return spcBuild(spcTMULTI|spcTXVALS|spcTXYXYS, -128, 13, 4, [][2][]float64{
		{{100, 200, 300}, {1, 2, 3}}, {{150, 250, 350, 450}, {4, 5, 6, 7}},
	})
}

func TestSPCSynthetic(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     []byte
		wantMod  spectro.Modality
		wantSubs int
		wantX    []float64 // of the first spectrum, as read (ascending)
		wantY    []float64
	}{
		{"y-only int32, Raman shift", spcBuild(0, 10, 13, 4, [][2][]float64{{{1000, 1001, 1002}, {3, 2.5, -1}}}),
			spectro.Raman, 1, []float64{1000, 1001, 1002}, []float64{3, 2.5, -1}},
		{"16-bit Y, absorbance in cm-1", spcBuild(spcTSPREC, 2, 1, 2, [][2][]float64{{{4000, 3000, 2000}, {0.5, 0.25, 1}}}),
			spectro.Infrared, 1, []float64{2000, 3000, 4000}, []float64{1, 0.25, 0.5}},
		{"XYY, micrometres to cm-1", spcBuild(spcTMULTI|spcTXVALS, -128, 2, 128, [][2][]float64{{{2.5, 5, 10}, {1, 2, 3}}, {{2.5, 5, 10}, {4, 5, 6}}}),
			spectro.Infrared, 2, []float64{1000, 2000, 4000}, []float64{3, 2, 1}},
		{"XYXY multifile", synthSPC(), spectro.Raman, 2, []float64{100, 200, 300}, []float64{1, 2, 3}},
	} {
		all, err := ReadAll(bytes.NewReader(tc.data), "syn.spc", Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(all) != tc.wantSubs || all[0].Modality != tc.wantMod || !near(all[0].X, tc.wantX) || !near(all[0].Y, tc.wantY) {
			t.Errorf("%s: %d spectra, first %s %v %v", tc.name, len(all), all[0].Modality, all[0].X, all[0].Y)
		}
		if tc.wantSubs > 1 && (all[1].Meta.Extra["spectrum index"] != "1" || all[1].Meta.Extra["spectra"] != "2") {
			t.Errorf("%s: second spectrum's metadata %v", tc.name, all[1].Meta.Extra)
		}
		if all[0].Meta.Extra["DATE"] != "1997-03-09 08:46" || all[0].Meta.Extra["TITLE"] != "synthetic test file" {
			t.Errorf("%s: metadata %v", tc.name, all[0].Meta.Extra)
		}
	}
}

func TestSPCErrors(t *testing.T) {
	good := spcBuild(spcTMULTI, 10, 13, 4, [][2][]float64{{{1, 2, 3}, {1, 2, 3}}, {{1, 2, 3}, {1, 2, 3}}, {{1, 2, 3}, {1, 2, 3}}})
	manySubs := bytes.Clone(good)
	binary.LittleEndian.PutUint32(manySubs[24:], 1<<30)
	hugeN := bytes.Clone(good)
	binary.LittleEndian.PutUint32(hugeN[4:], 1<<31)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated header", good[:300], "SPC header runs past the end of the file (byte 512 of 300)"},
		{"subfile header cut", good[:512+2*(32+12)+10], "SPC subfile 2 header runs past the end of the file (byte 632 of 610)"},
		{"subfile data cut", good[:len(good)-1], "SPC subfile 2 data runs past the end of the file"},
		{"subfile count", manySubs, "lists 1073741824 subfiles"},
		{"point count", hugeN, "SPC header gives 2147483648 points"},
		{"mass spectrum", spcBuild(0, 10, 9, 0, [][2][]float64{{{1, 2, 3}, {1, 2, 3}}}), "mass-to-charge ratio (a mass spectrum)"},
		{"interferogram", spcBuild(0, 10, 1, 1, [][2][]float64{{{1, 2, 3}, {1, 2, 3}}}), "holds interferograms"},
		{"big-endian", append([]byte{0, spcBig}, make([]byte, 600)...), "big-endian SPC"},
		{"nm Raman without laser", spcBuild(0, -128, 3, 4, [][2][]float64{{{540, 550, 560}, {1, 2, 3}}}), "states no excitation wavelength"},
	} {
		wantParseError(t, tc.name, tc.data, "bad.spc", Options{Format: SPC, Modality: spectro.Raman}, tc.want)
	}
}

// spcCheck is a value a source project asserts: subfile sub, point i (-1:
// the last) has x and y, to a relative tolerance.
type spcCheck struct {
	sub, i int
	x, y   float64
}

// TestSPCFixtures checks the SPC sample files against the values their
// source projects' tests and reference outputs give ([T]/[R] in the fixture
// README), in file order and in the file's own x unit.
func TestSPCFixtures(t *testing.T) {
	for _, tc := range []struct {
		file        string
		subs, npts  int
		first, last float64 // x of subfile 0, file order
		checks      []spcCheck
		tol         float64
	}{
		{"openspecy_raman_atacamit.spc", 1, 559, 117.78, 1050, []spcCheck{{0, 0, 117.78, 218.72}}, 1e-4},
		{"wdfreader_Spectrum_532nm_wdf_spc.spc", 1, 1900, 3203.762, 202.102, []spcCheck{{0, 0, 3203.762, 16749.488}, {0, -1, 202.102, 22220.820}}, 1e-5},
		{"scp_BENZENE.SPC", 1, 1842, 449.43, 4000.5, []spcCheck{{0, 0, 449.43, 0.10156}}, 1e-4},
		{"scp_CONTOUR.SPC", 19, 179, 3132.39, 2789.06, nil, 1e-6},
		{"scp_DEMO_3D.SPC", 32, 171, 200, 800, nil, 1e-6},
		{"scp_LC_DIODE_ARRAY.SPC", 350, 181, 190, 370, nil, 1e-6},
		{"scp_HCL.SPC", 1, 8361, 993.16, 5023.66, []spcCheck{{0, 0, 993.16, 92.891}}, 1e-5},
		{"scp_KKSAM.SPC", 1, 751, 3600, 600, []spcCheck{{0, 0, 3600, 3.91}}, 1e-3},
		{"scp_TOLUENE.SPC", 1, 801, 3700, 500, []spcCheck{{0, 0, 3700, 0.003986}}, 1e-5},
		{"scp_XYTRACE.SPC", 1, 3469, 317.235, 870.334, nil, 1e-6},
		{"scp_IG_MULTI.SPC", 10, 4096, 0, 7900.41, nil, 1e-6},
		{"scp_BARBITUATES.SPC", 286, 37, 160.9, 0, nil, 1e-4},
		{"scp_DRUG_SAMPLE_PEAKS.SPC", 6, 80, 0, 0, nil, 0},
		{"rohanspc_RAMAN.SPC", 1, 3632, 3996.82324219, -3005.95605469, []spcCheck{
			{0, 0, 3996.82324219, 0.0171021223068}, {0, 1, 3994.89463318, 0.0186002254486}, {0, -1, -3005.95605469, 0.0320769548416}}, 1e-9},
		{"rohanspc_DOERNER.spc", 1, 1602, 100, 1800, []spcCheck{
			{0, 0, 100, 0}, {0, 1, 101.061836352, -295.106811523}, {0, 2, 102.123672705, 170.032470703}, {0, -1, 1800, 0}}, 1e-9},
		{"rohanspc_Renishaw_Ramascope_Raman.spc", 1, 43, 368.1315625, 413.181367187, []spcCheck{
			{0, 0, 368.1315625, 1739.97631836}, {0, -1, 413.181367187, 1587.55078125}}, 1e-9},
		{"rohanspc_4d_map.spc", 121, 313, 798.395385742, 2001.77392578, []spcCheck{
			{0, 0, 798.395385742, 0.223193347454}, {1, 0, 798.395385742, 0.223717540503},
			{0, -1, 2001.77392578, 0.275199353695}, {1, -1, 2001.77392578, 0.267591238022}}, 1e-9},
		{"rohanspc_CAthickyellow_try4_17_ZSCAN.spc", 31, 1024, 731.589660645, 541.150390625, []spcCheck{
			{0, 0, 731.589660645, 13853}, {1, 0, 731.589660645, 13547}, {0, -1, 541.150390625, 781}, {1, -1, 541.150390625, 752}}, 1e-9},
		{"rohanspc_m_ordz.spc", 10, 857, 698.229736328, 4000.35473633, []spcCheck{
			{0, 0, 698.229736328, 0.0221936702728}, {1, 0, 698.229736328, 0.0108919739723},
			{0, -1, 4000.35473633, 0.150000602007}, {1, -1, 4000.35473633, 0.0327655002475}}, 1e-9},
		{"rohanspc_Ft-ir.spc", 1, 1776, 4000, 450, []spcCheck{{0, 0, 4000, 95.1374969482}, {0, -1, 450, 94.8834915161}}, 1e-9},
		{"rohanspc_nir.spc", 20, 700, 1100, 2498, []spcCheck{
			{0, 0, 1100, 0.000200483947992}, {1, 0, 1100, 0.000176690620719}, {0, -1, 2498, 0.00144117698073}, {1, -1, 2498, 0.0014412435703}}, 1e-9},
		{"specio3_022b4asf.spc", 1, 33185, 4400.76, 401.12, []spcCheck{{0, 0, 4400.76, 0.008027}}, 1e-4},
	} {
		f, err := decodeSPC(readFixture(t, "spc", tc.file), tc.file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		s0 := f.Subs[0]
		if len(f.Subs) != tc.subs || len(s0.X) != tc.npts || len(s0.Y) != tc.npts {
			t.Errorf("%s: %d subfiles of %d points, want %d of %d", tc.file, len(f.Subs), len(s0.X), tc.subs, tc.npts)
			continue
		}
		if tc.tol > 0 && (!approx(s0.X[0], tc.first, tc.tol) || tc.last != 0 && !approx(s0.X[len(s0.X)-1], tc.last, tc.tol)) {
			t.Errorf("%s: x %.9g → %.9g, want %.9g → %.9g", tc.file, s0.X[0], s0.X[len(s0.X)-1], tc.first, tc.last)
		}
		for _, c := range tc.checks {
			s := f.Subs[c.sub]
			i := c.i
			if i < 0 {
				i = len(s.X) - 1
			}
			if !approx(s.X[i], c.x, tc.tol) || !approx(s.Y[i], c.y, tc.tol) {
				t.Errorf("%s: subfile %d point %d = (%.12g, %.12g), want (%.12g, %.12g)", tc.file, c.sub, i, s.X[i], s.Y[i], c.x, c.y)
			}
		}
	}
}

// Further assertions of the sources: dates, subfile lengths of the XYXY
// files (in file order), the source tests' ranges.
func TestSPCFixtureDetails(t *testing.T) {
	get := func(file string) *spcFile {
		f, err := decodeSPC(readFixture(t, "spc", file), file)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for file, want := range map[string]string{"scp_BENZENE.SPC": "1997-03-09 08:46", "scp_CONTOUR.SPC": "1997-03-09 08:46",
		"specio3_022b4asf.spc": "1992-01-23 11:04", "wdfreader_Spectrum_532nm_wdf_spc.spc": ""} {
		if got := get(file).Date; got != want {
			t.Errorf("%s: date %q, want %q", file, got, want)
		}
	}
	drug := get("scp_DRUG_SAMPLE_PEAKS.SPC")
	for i, want := range []int{80, 141, 124, 237, 237, 253} {
		if len(drug.Subs[i].X) != want {
			t.Errorf("DRUG_SAMPLE_PEAKS subfile %d has %d points, want %d", i, len(drug.Subs[i].X), want)
		}
	}
	if z0, z5 := drug.Subs[0].Z, drug.Subs[5].Z; !approx(z0, 4.758, 1e-3) || !approx(z5, 7.067, 1e-3) {
		t.Errorf("DRUG_SAMPLE_PEAKS subtimes %g … %g", z0, z5)
	}
	barb := get("scp_BARBITUATES.SPC")
	if n := len(barb.Subs[90].X); n != 7 {
		t.Errorf("BARBITUATES subfile 90 has %d points, want 7 (file order)", n)
	}
	has17 := false
	for _, s := range barb.Subs {
		has17 = has17 || len(s.X) == 17
	}
	if !has17 || get("specio3_022b4asf.spc").Comment != "Bromoform_f, 20ppm" || get("scp_CONTOUR.SPC").Comment == "" {
		t.Errorf("BARBITUATES has a 17-point subfile: %v; comments %q", has17, get("specio3_022b4asf.spc").Comment)
	}

	// OpenSpecy's test: 559 points, range(wavenumber) round 1 = (117.8, 1050.0),
	// range(spectra) round 2 = (0.08, 585.51). The file marks its Raman counts
	// as absorbance, so the modality has to be given.
	p := instrumentFile(t, "spc", "openspecy_raman_atacamit.spc")
	if _, err := ReadFile(p, Options{}); err == nil || !strings.Contains(err.Error(), "cannot tell the modality") {
		t.Errorf("atacamite without a modality: %v", err)
	}
	s, err := ReadFile(p, Options{Modality: spectro.Raman})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := s.Range()
	ylo, yhi := yRange(s.Y)
	if s.Len() != 559 || round(lo, 1) != 117.8 || round(hi, 1) != 1050 || round(ylo, 2) != 0.08 || round(yhi, 2) != 585.51 {
		t.Errorf("atacamite: %d points, x %g–%g, y %g–%g", s.Len(), lo, hi, ylo, yhi)
	}
}

// What Read makes of each SPC fixture: the modality the content gives, or
// the error that says what the file holds.
func TestSPCRead(t *testing.T) {
	for _, tc := range []struct {
		file     string
		opts     Options
		modality spectro.Modality
		n        int     // spectra (ReadAll)
		lo, hi   float64 // x range of the first spectrum after Tidy, cm⁻¹
		err      string
	}{
		{file: "rohanspc_RAMAN.SPC", modality: spectro.Raman, n: 1, lo: -3005.95605469, hi: 3996.82324219},
		{file: "rohanspc_DOERNER.spc", modality: spectro.Raman, n: 1, lo: 100, hi: 1800},
		{file: "wdfreader_Spectrum_532nm_wdf_spc.spc", modality: spectro.Raman, n: 1, lo: 202.102, hi: 3203.762},
		{file: "scp_BENZENE.SPC", modality: spectro.Infrared, n: 1, lo: 449.43, hi: 4000.5},
		{file: "scp_HCL.SPC", modality: spectro.Infrared, n: 1, lo: 993.16, hi: 5023.66},
		{file: "rohanspc_Ft-ir.spc", modality: spectro.Infrared, n: 1, lo: 450, hi: 4000},
		{file: "rohanspc_4d_map.spc", modality: spectro.Infrared, n: 121, lo: 798.395, hi: 2001.774},
		{file: "rohanspc_m_ordz.spc", modality: spectro.Infrared, n: 10, lo: 698.23, hi: 4000.355},
		{file: "scp_CONTOUR.SPC", modality: spectro.Infrared, n: 19, lo: 2789.06, hi: 3132.39},
		{file: "specio3_022b4asf.spc", modality: spectro.Infrared, n: 1, lo: 401.12, hi: 4400.76},
		// nm axes: infrared when asked becomes wavenumbers; Raman uses the
		// excitation line of the log (EXCIT_LINE=532.2).
		{file: "rohanspc_nir.spc", opts: Options{Modality: spectro.Infrared}, modality: spectro.Infrared, n: 20, lo: 1e7 / 2498, hi: 1e7 / 1100},
		{file: "rohanspc_CAthickyellow_try4_17_ZSCAN.spc", opts: Options{Modality: spectro.Raman}, modality: spectro.Raman, n: 31,
			lo: 1e7/532.2 - 1e7/541.150390625, hi: 1e7/532.2 - 1e7/731.589660645},
		{file: "scp_XYTRACE.SPC", err: "cannot tell the modality"},
		{file: "scp_DEMO_3D.SPC", err: "cannot tell the modality"},
		{file: "scp_BARBITUATES.SPC", opts: Options{Modality: spectro.Raman}, err: "x axis is mass-to-charge ratio (a mass spectrum)"},
		{file: "scp_IG_MULTI.SPC", opts: Options{Modality: spectro.Infrared}, err: "holds interferograms"},
	} {
		p := instrumentFile(t, "spc", tc.file)
		all, err := ReadFileAll(p, tc.opts)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %v, want one saying %q", tc.file, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		lo, hi := all[0].Range()
		if len(all) != tc.n || all[0].Modality != tc.modality || !approx(lo, tc.lo, 1e-5) || !approx(hi, tc.hi, 1e-5) {
			t.Errorf("%s: %d spectra, %s, %.9g–%.9g; want %d, %s, %.9g–%.9g", tc.file, len(all), all[0].Modality, lo, hi, tc.n, tc.modality, tc.lo, tc.hi)
		}
		one, err := ReadFile(p, tc.opts)
		if err != nil || !near(one.Y, all[0].Y) || (tc.n > 1) != (one.Meta.Extra["spectra"] != "") {
			t.Errorf("%s: Read differs from ReadAll's first: %v %v", tc.file, err, one.Meta.Extra)
		}
	}
}

func FuzzSPC(f *testing.F) {
	f.Add(synthSPC())
	f.Add(spcBuild(spcTSPREC, 2, 1, 2, [][2][]float64{{{4000, 3000, 2000}, {0.5, 0.25, 1}}}))
	f.Add(spcBuild(spcTMULTI|spcTXVALS, -128, 2, 128, [][2][]float64{{{2.5, 5, 10}, {1, 2, 3}}, {{2.5, 5, 10}, {4, 5, 6}}}))
	addFixtureSeeds(f, "spc")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.spc")
	})
}
