package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// opusParam appends one OPUS parameter (int64 → int32, float64, string).
func opusParam(b *bytes.Buffer, name string, v any) {
	b.WriteString((name + "\x00\x00\x00\x00")[:4])
	switch v := v.(type) {
	case int:
		binary.Write(b, binary.LittleEndian, [2]uint16{0, 2})
		binary.Write(b, binary.LittleEndian, int32(v))
	case float64:
		binary.Write(b, binary.LittleEndian, [2]uint16{1, 4})
		binary.Write(b, binary.LittleEndian, v)
	case string:
		s := []byte(v + "\x00")
		for len(s)%4 != 0 {
			s = append(s, 0)
		}
		binary.Write(b, binary.LittleEndian, [2]uint16{2, uint16(len(s) / 2)})
		b.Write(s)
	}
}

// opusBuild writes an OPUS file of data blocks: each with its type, its
// values and (unless status is false) its data-status block; plus a
// sample-origin block naming the sample.
func opusBuild(blocks []struct {
	typ    uint32
	y      []float32
	fxv    float64
	lxv    float64
	status bool
}) []byte {
	type raw struct {
		typ  uint32
		body []byte
	}
	var raws []raw
	for _, bl := range blocks {
		var d bytes.Buffer
		binary.Write(&d, binary.LittleEndian, bl.y)
		raws = append(raws, raw{bl.typ, d.Bytes()})
		if bl.status {
			var p bytes.Buffer
			opusParam(&p, "DPF", 1)
			opusParam(&p, "NPT", len(bl.y))
			opusParam(&p, "FXV", bl.fxv)
			opusParam(&p, "LXV", bl.lxv)
			opusParam(&p, "CSF", 1.0)
			opusParam(&p, "DXU", "WN")
			opusParam(&p, "DAT", "06/02/2020")
			opusParam(&p, "TIM", "13:09:58.095 (GMT+1)")
			p.WriteString("END\x00\x00\x00\x00\x00")
			raws = append(raws, raw{bl.typ | 1<<4, p.Bytes()})
		}
	}
	var p bytes.Buffer
	opusParam(&p, "SNM", "synthetic sample")
	p.WriteString("END\x00\x00\x00\x00\x00")
	raws = append(raws, raw{0xa0, p.Bytes()})

	var out bytes.Buffer
	out.Write(opusMagic)
	binary.Write(&out, binary.LittleEndian, 920622.0)
	binary.Write(&out, binary.LittleEndian, [3]int32{24, int32(len(raws)), int32(len(raws))})
	off := 24 + 12*len(raws)
	for _, r := range raws {
		binary.Write(&out, binary.LittleEndian, [3]int32{int32(r.typ), int32(len(r.body) / 4), int32(off)})
		off += len(r.body)
	}
	for _, r := range raws {
		out.Write(r.body)
	}
	return out.Bytes()
}

type opusSynthBlock = struct {
	typ    uint32
	y      []float32
	fxv    float64
	lxv    float64
	status bool
}

const (
	opusAB   = 0x100f // (3,3,0,4,0,0)
	opusScSm = 0x0407 // (3,1,0,1,0,0)
	opusScRf = 0x040b // (3,2,0,1,0,0)
	opusIgRf = 0x080b // (3,2,0,2,0,0)
)

func synthOPUS() []byte {
	return opusBuild([]opusSynthBlock{
		{opusScSm, []float32{9, 9, 9, 9}, 4000, 1000, true},
		{opusAB | 1<<19, []float32{7, 7}, 4000, 1000, false}, // a compact copy without status
		{opusAB, []float32{0.1, 0.2, 0.3, 0.4}, 4000, 1000, true},
	})
}

func TestOPUSSynthetic(t *testing.T) {
	s, err := Read(bytes.NewReader(synthOPUS()), "syn.0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Modality != spectro.Infrared || !near(s.X, []float64{1000, 2000, 3000, 4000}) || !near32(s.Y, []float64{0.4, 0.3, 0.2, 0.1}) ||
		s.Meta.Extra["OPUS BLOCK"] != "AB" || s.Meta.Extra["SAMPLE"] != "synthetic sample" || s.Meta.Extra["DATE"] != "2020-02-06 13:09:58 (GMT+1)" {
		t.Errorf("got %s %v %v %v", s.Modality, s.X, s.Y, s.Meta.Extra)
	}
	// No AB: the sample single channel.
	sc := opusBuild([]opusSynthBlock{{opusScSm, []float32{1, 2, 3}, 3000, 1000, true}})
	if s, err := Read(bytes.NewReader(sc), "sc.0", Options{}); err != nil || s.Meta.Extra["OPUS BLOCK"] != "ScSm" || !near(s.Y, []float64{3, 2, 1}) {
		t.Errorf("ScSm fallback: %v %v", err, s)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"reference only", opusBuild([]opusSynthBlock{{opusScRf, []float32{1, 2}, 2, 1, true}, {opusIgRf, []float32{1, 2}, 2, 1, true}}),
			"OPUS directory lists no AB or ScSm data block: the file holds only a reference (background) measurement (IgRf, ScRf), no sample spectrum"},
		{"AB without status", opusBuild([]opusSynthBlock{{opusAB, []float32{1, 2}, 2, 1, false}}), "OPUS AB block has no data-status block"},
		{"truncated directory", synthOPUS()[:40], "OPUS directory runs past the end of the file (byte 96 of 40)"},
		{"truncated data", synthOPUS()[:len(synthOPUS())-60], "runs past the end of the file"},
	} {
		wantParseError(t, tc.name, tc.data, "bad.0", Options{}, tc.want)
	}
}

func near32(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-7*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}

// TestOPUSFixtures checks the OPUS files against their sources' tests.
func TestOPUSFixtures(t *testing.T) {
	for _, tc := range []struct {
		file               string
		block              string
		n                  int
		lo, hi             float64 // x range
		ylo, yhi           float64 // y range (0, 0: unchecked)
		sample, instrument string
	}{
		// [T] OpenSpecy test-read_opus.R: 2126 points, range(wavenumber)
		// round 1 = (399.2, 4497.5), range(spectra) round 4 = (0.0130, 0.6112).
		{"openspecy_ftir_ps.0", "AB", 2126, 399.224, 4497.537, 0.0130, 0.6112, "sample1_PSnew", ""},
		{"openspecy_ftir_ps_interior.1", "AB", 2126, 399.224, 4497.537, 0.001707, 0.04255, "PS1_interior", ""},
		{"scp_test.0000", "AB", 2567, 699.389, 3998.345, 0, 0, "MCT D317 1mm² [8500 - 700 Cm-1]", "VERTEX 80V"},
		{"opusreader2_test_spectra.0", "REFL", 4819, 599.92, 7498.29, 0, 0, "SB9742A;Marmar;;SMAP QUICK;Soil", "TENSOR II"},
		{"opusreader2_BF_lo_01_soil_cal.1", "AB", 1716, 499.67, 3997.40, 0, 0, "", ""},
		{"opusreader2_MMP_2107_Test1.001", "AB", 1899, 3948, 11540, 0, 0, "Sample_Milchpulver_MMP 2107.0", "Tango"},
		{"opusreader2_issue81_A1.1.0", "AB", 1866, 399.27, 3996.58, 0, 0, "", ""},
		{"brukeropus_file.0", "AB", 4927, 499.40, 9997.72, 0, 0, "File Test", "VERTEX 80V"},
	} {
		s, err := ReadFile(instrumentFile(t, "opus", tc.file), Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		lo, hi := s.Range()
		ylo, yhi := yRange(s.Y)
		if s.Modality != spectro.Infrared || s.Len() != tc.n || s.Meta.Extra["OPUS BLOCK"] != tc.block || !approx(lo, tc.lo, 1e-5) || !approx(hi, tc.hi, 1e-5) {
			t.Errorf("%s: %s block %s, %d points %.6f–%.6f; want %s, %d, %g–%g", tc.file, s.Modality, s.Meta.Extra["OPUS BLOCK"], s.Len(), lo, hi, tc.block, tc.n, tc.lo, tc.hi)
		}
		if tc.yhi != 0 && (!approx(ylo, tc.ylo, 5e-4) || !approx(yhi, tc.yhi, 5e-4)) {
			t.Errorf("%s: y range %.6f–%.6f, want %g–%g", tc.file, ylo, yhi, tc.ylo, tc.yhi)
		}
		if tc.sample != "" && s.Meta.Extra["SAMPLE"] != tc.sample || tc.instrument != "" && s.Meta.Extra["INSTRUMENT"] != tc.instrument {
			t.Errorf("%s: sample %q, instrument %q", tc.file, s.Meta.Extra["SAMPLE"], s.Meta.Extra["INSTRUMENT"])
		}
	}
	// [T] spectrochempy test_read_opus: the value at x≈2303.8694 is 2.72740
	// (rel 1e-5), in absorbance.
	s, err := ReadFile(instrumentFile(t, "opus", "scp_test.0000"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for i, x := range s.X {
		if math.Abs(x-2303.8694) < math.Abs(s.X[best]-2303.8694) {
			best = i
		}
	}
	if math.Abs(s.X[best]-2303.8694) > 1e-3 || !approx(s.Y[best], 2.72740, 1e-5) || s.Meta.Extra["YUNITS"] != "absorbance" {
		t.Errorf("scp_test.0000 at x=%.4f: %.6f %s, want 2.72740 absorbance", s.X[best], s.Y[best], s.Meta.Extra["YUNITS"])
	}
	// [T] background.0 is a reference measurement only (ScRf 4096 points).
	p := instrumentFile(t, "opus", "scp_background.0")
	if _, err := ReadFile(p, Options{}); err == nil || !strings.Contains(err.Error(), "holds only a reference (background) measurement (IgRf, ScRf)") || !strings.Contains(err.Error(), p) {
		t.Errorf("background.0: %v", err)
	}
	blocks, err := opusDirectory(readFixture(t, "opus", "scp_background.0"), "background.0")
	if err != nil {
		t.Fatal(err)
	}
	rf, err := opusData(readFixture(t, "opus", "scp_background.0"), "background.0", blocks, splitOpusType(opusScRf), 0)
	if err != nil || len(rf.y) != 4096 {
		t.Errorf("background.0 ScRf: %v", err)
	}
	// opusreader2's parse_header: 21 directory entries in test_spectra.0.
	if blocks, err := opusDirectory(readFixture(t, "opus", "opusreader2_test_spectra.0"), "t"); err != nil || len(blocks) != 21 {
		t.Errorf("test_spectra.0 directory: %d entries, %v", len(blocks), err)
	}
}

func FuzzOPUS(f *testing.F) {
	f.Add(synthOPUS())
	f.Add(opusBuild([]opusSynthBlock{{opusScRf, []float32{1, 2}, 2, 1, true}}))
	addFixtureSeeds(f, "opus")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.0")
	})
}
