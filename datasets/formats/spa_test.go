package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// spaBuild writes an OMNIC file holding the given spectra (an SPG when more
// than one): per spectrum a header entry (key 2), its intensities (key 3)
// and, in a group, its title (key 107).
func spaBuild(title string, xunit, yunit byte, first, last float32, spectra ...[]float32) []byte {
	type entry struct {
		key  byte
		body []byte
	}
	var entries []entry
	for i, y := range spectra {
		h := make([]byte, 140)
		binary.LittleEndian.PutUint32(h[4:], uint32(len(y)))
		h[8], h[12] = xunit, yunit
		binary.LittleEndian.PutUint32(h[16:], math.Float32bits(first))
		binary.LittleEndian.PutUint32(h[20:], math.Float32bits(last))
		binary.LittleEndian.PutUint32(h[36:], 32)
		var d bytes.Buffer
		binary.Write(&d, binary.LittleEndian, y)
		entries = append(entries, entry{2, h}, entry{3, d.Bytes()})
		if len(spectra) > 1 {
			t := make([]byte, 256)
			copy(t, "member "+string(rune('A'+i)))
			entries = append(entries, entry{107, t})
		}
	}
	head := make([]byte, 304+16*(len(entries)+1))
	copy(head, omnicMagic+"\r\n")
	copy(head[30:], title)
	binary.LittleEndian.PutUint16(head[294:], uint16(len(entries)))
	binary.LittleEndian.PutUint32(head[296:], 3737043778) // 2018-06-03 UTC
	off := len(head)
	var body bytes.Buffer
	for i, e := range entries {
		p := 304 + 16*i
		head[p] = e.key
		binary.LittleEndian.PutUint32(head[p+2:], uint32(off))
		binary.LittleEndian.PutUint32(head[p+6:], uint32(len(e.body)))
		off += len(e.body)
		body.Write(e.body)
	}
	return append(head, body.Bytes()...)
}

func synthSPA() []byte {
	return spaBuild("synthetic group", 1, 17, 4000, 1000, []float32{0.1, 0.2, 0.3, 0.4}, []float32{1, 2, 3, 4})
}

func TestOMNICSynthetic(t *testing.T) {
	all, err := ReadAll(bytes.NewReader(synthSPA()), "syn.spg", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[1].Modality != spectro.Infrared || !near(all[1].X, []float64{1000, 2000, 3000, 4000}) || !near(all[1].Y, []float64{4, 3, 2, 1}) ||
		all[1].Meta.Extra["TITLE"] != "member B" || all[1].Meta.Extra["GROUP"] != "synthetic group" || all[1].Meta.Extra["YUNITS"] != "absorbance" {
		t.Errorf("got %d spectra: %v %v %v", len(all), all[1].X, all[1].Y, all[1].Meta.Extra)
	}
	raman := spaBuild("r", 32, 31, 100, 400, []float32{1, 2, 3, 4})
	if s, err := Read(bytes.NewReader(raman), "r.spa", Options{}); err != nil || s.Modality != spectro.Raman || s.Meta.Extra["spectra"] != "" {
		t.Errorf("Raman SPA: %v %v", err, s)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"interferogram", spaBuild("i", 2, 22, 0, 3, []float32{1, 2, 3, 4}), "holds an interferogram (x in data points, y in volts)"},
		{"truncated header", synthSPA()[:200], "OMNIC header runs past the end of the file (byte 304 of 200)"},
		{"truncated data", synthSPA()[:len(synthSPA())-256-3], "OMNIC spectrum 1 intensities runs past the end of the file"},
	} {
		wantParseError(t, tc.name, tc.data, "bad.spa", Options{}, tc.want)
	}
}

// TestOMNICFixtures checks the SPA/SPG files against their sources' tests.
func TestOMNICFixtures(t *testing.T) {
	for _, tc := range []struct {
		file     string
		n, npts  int
		lo, hi   float64
		yunits   string
		y0       float64 // first intensity in file order (0: unchecked)
		ylo, yhi float64
	}{
		// [T] OpenSpecy: length 1738, range(wavenumber) round 1 = (649.9,
		// 3999.8), range(spectra) round 2 = (61.51, 102.88).
		{"openspecy_ftir_polyethylene_reflectance.spa", 1, 1738, 649.921, 3999.809, "reflectance (%)", 100.4965, 61.51, 102.88},
		{"scp_7_CZ0-100_Pd_21.SPA", 1, 5549, 649.921, 5999.713, "absorbance", 0, 0, 0},
		{"scp_2-BaSO4_0.SPA", 1, 11098, 649.90, 6000.04, "absorbance", 0, 0, 0},
		{"scp_spectre.SPA", 1, 3734, 400.163, 3999.706, "single beam", 0, 0, 0},
		{"scp_wodger.spg", 2, 5549, 649.904, 5999.556, "absorbance", 1.983153, 0, 0},
		{"scp_CO_Mo_Al2O3.SPG", 19, 3112, 999.926, 3999.706, "absorbance", 0, 0, 0},
	} {
		all, err := ReadFileAll(instrumentFile(t, "spa", tc.file), Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		s := all[0]
		lo, hi := s.Range()
		if len(all) != tc.n || s.Len() != tc.npts || s.Modality != spectro.Infrared || !approx(lo, tc.lo, 1e-5) || !approx(hi, tc.hi, 1e-5) || s.Meta.Extra["YUNITS"] != tc.yunits {
			t.Errorf("%s: %d × %d, %s %.4f–%.4f %q", tc.file, len(all), s.Len(), s.Modality, lo, hi, s.Meta.Extra["YUNITS"])
		}
		if tc.y0 != 0 && !approx(s.Y[len(s.Y)-1], tc.y0, 1e-6) { // file order is descending x
			t.Errorf("%s: first stored intensity %.7g, want %g", tc.file, s.Y[len(s.Y)-1], tc.y0)
		}
		if ylo, yhi := yRange(s.Y); tc.yhi != 0 && (round(ylo, 2) != tc.ylo || round(yhi, 2) != tc.yhi) {
			t.Errorf("%s: y range %.4f–%.4f, want %g–%g", tc.file, ylo, yhi, tc.ylo, tc.yhi)
		}
	}
	all, err := ReadFileAll(instrumentFile(t, "spa", "scp_wodger.spg"), Options{})
	if err == nil && (all[0].Meta.Extra["TITLE"] != "vz0470.spa, Wed Jul 06 21:40:37 2016 (GMT+02:00)" || !strings.HasPrefix(all[1].Meta.Extra["TITLE"], "vz0468.spa") ||
		!strings.HasPrefix(all[0].Meta.Extra["DATE"], "2016-07-06")) {
		t.Errorf("wodger titles and date: %v", all[0].Meta.Extra)
	}
	co, err := ReadFileAll(instrumentFile(t, "spa", "scp_CO_Mo_Al2O3.SPG"), Options{})
	if err == nil && !strings.HasPrefix(co[0].Meta.Extra["TITLE"], "*Résultat de Soustraction:") {
		t.Errorf("Latin-1 title read as %q", co[0].Meta.Extra["TITLE"])
	}
	p := instrumentFile(t, "spa", "scp_interfero.SPA")
	if _, err := ReadFile(p, Options{}); err == nil || !strings.Contains(err.Error(), "holds an interferogram") {
		t.Errorf("interfero.SPA: %v", err)
	}
}

func FuzzOMNIC(f *testing.F) {
	f.Add(synthSPA())
	f.Add(spaBuild("r", 3, 31, 540, 560, []float32{1, 2, 3, 4}))
	addFixtureSeeds(f, "spa")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.spa")
	})
}
