package formats

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// The decoder cases of nzhagen/jcamp's tests.py: AFFN, PAC, SQZ, DIF, DUP.
func TestASDFDecoderCases(t *testing.T) {
	for want, ins := range map[string][]string{
		"99 98 97 96 98 93":                  {"99 98 97 96 98 93", "99,98,97,96,98,93", "99+98+97+96+98+93", "99I8I7I6I8I3", "99jjjKn", "99jUKn"},
		"1000 2000 2001 2002 2003 2003 2003": {"1000 2000 2001 2002 2003 2003 2003", "+1000+2000+2001+2002+2003+2003+2003", "A000B000B001B002B003B003B003", "A000J000JJJ%%", "A000J000JU%%"},
	} {
		for _, in := range ins {
			vals, _, err := decodeASDFLine("0 " + in) // an abscissa first, as in XYDATA
			var got []string
			for _, v := range vals[1:] {
				got = append(got, g(v))
			}
			if err != nil || strings.Join(got, " ") != want {
				t.Errorf("%q decodes to %v (%v), want %s", in, got, err, want)
			}
		}
	}
}

// TestJCAMPFixtures checks the JCAMP-DX test sets against the values their
// headers and sources state.
func TestJCAMPFixtures(t *testing.T) {
	for _, tc := range []struct {
		file     string
		modality spectro.Modality
		n        int
		first    float64 // first x in file order
		last     float64
		y0       float64 // first y in file order (NaN: unchecked)
		tol      float64
	}{
		{"jcamp_jtpolys.jdx", spectro.Infrared, 1844, 447.484259, 4002.28378, math.NaN(), 1e-9},
		{"jcamp_jtpolysd.jdx", spectro.Infrared, 1844, 447.484259, 4002.284, math.NaN(), 1e-9},
		{"jcamp_pacdec1.jdx", spectro.Infrared, 3301, 4000, 700, 101.60, 1e-9},
		{"jcamp_dupdec1.jdx", spectro.Infrared, 3951, 4400, 450, 82.25, 1e-9},
		{"jcamp_sqzdupd1.jdx", spectro.Infrared, 18669, 5000.0323, 499.95502, 0.98287, 1e-5},
		{"jcamp_BRUKER1.JCM", spectro.Infrared, 3735, 4000.655017, 400.1619262, math.NaN(), 1e-9},
		{"jcamp_tannic_acid.jdx", spectro.Raman, 1949, 100.595, 2854.713, 42.644, 1e-9},
		{"openspecy_fitr_nitrocellulose.jdx", spectro.Infrared, 7154, 7498.994, 599.91952, math.NaN(), 1e-9},
		{"openspecy_throws_error_raman_1000002.jdx", spectro.Raman, 512, 10.3909, 668.802, 67, 1e-9},
		{"jcamp_difdup_example.jdx", "", 53, 4, 56, 0, 1e-9},
		{"jcamp_noencoding_example.jdx", "", 53, 4, 56, 0, 1e-9},
		{"jcamp_BRUKAFFN.DX", "", 16384, 24038.5, 0, 2259260, 1e-9},
		{"jcamp_BRUKPAC.DX", "", 16384, 24038.5, 0, 2259260, 1e-9},
		{"jcamp_BRUKSQZ.DX", "", 16384, 24038.5, 0, 2259260, 1e-9},
	} {
		s, err := decodeJCAMP(readFixture(t, "jcamp", tc.file), tc.file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if s.Modality != tc.modality || s.Len() != tc.n || !approx(s.X[0], tc.first, tc.tol) || !approx(s.X[s.Len()-1], tc.last, tc.tol) ||
			!math.IsNaN(tc.y0) && !approx(s.Y[0], tc.y0, tc.tol) {
			t.Errorf("%s: %s, %d points, x %.9g → %.9g, y[0] %.9g", tc.file, s.Modality, s.Len(), s.X[0], s.X[s.Len()-1], s.Y[0])
		}
	}
	get := func(file string) *spectro.Spectrum {
		s, err := decodeJCAMP(readFixture(t, "jcamp", file), file)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The same data in different forms decode to the same integers.
	same := func(a, b string, fa, fb float64) {
		sa, sb := get(a), get(b)
		for i := range sa.Y {
			if math.Round(sa.Y[i]/fa) != math.Round(sb.Y[i]/fb) {
				t.Errorf("%s and %s differ at point %d: %g, %g", a, b, i, sa.Y[i]/fa, sb.Y[i]/fb)
				return
			}
		}
	}
	same("jcamp_jtpolys.jdx", "jcamp_jtpolysd.jdx", 2.384185791e-9, 2.3884185791e-9)
	same("jcamp_BRUKAFFN.DX", "jcamp_BRUKPAC.DX", 1, 1)
	same("jcamp_BRUKAFFN.DX", "jcamp_BRUKSQZ.DX", 1, 1)
	same("jcamp_difdup_example.jdx", "jcamp_noencoding_example.jdx", 1, 1)
	if y := get("jcamp_BRUKSQZ.DX").Y; y[len(y)-1] != 1505988 {
		t.Errorf("BRUKSQZ last value %g, want 1505988", y[len(y)-1])
	}
	var first10 []string
	for _, v := range get("jcamp_difdup_example.jdx").Y[:10] {
		first10 = append(first10, g(math.Round(v*10)))
	}
	if strings.Join(first10, ",") != "0,0,0,0,2,4,4,4,7,5" {
		t.Errorf("difdup_example starts %v", first10)
	}
	// dupdec1: min 0.02 (header MINY 0.01), max 87.1.
	if lo, hi := yRange(get("jcamp_dupdec1.jdx").Y); !approx(lo, 0.02, 1e-9) || !approx(hi, 87.1, 1e-9) {
		t.Errorf("dupdec1 y range %g–%g", lo, hi)
	}
	// [T] nzhagen test_read_raman: min/max within 1% of MINY 4.667, MAXY 300.889.
	if lo, hi := yRange(get("jcamp_tannic_acid.jdx").Y); math.Abs(lo-4.667) > 0.01*4.667 || math.Abs(hi-300.889) > 0.01*300.889 {
		t.Errorf("tannic acid y range %g–%g", lo, hi)
	}
	// [T] OpenSpecy: length 7154, range(wavenumber) round 1 = (599.9, 7499.0),
	// range(spectra) round 4 = (0.0106, 0.6989).
	s, err := ReadFile(instrumentFile(t, "jcamp", "openspecy_fitr_nitrocellulose.jdx"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := s.Range()
	ylo, yhi := yRange(s.Y)
	if s.Len() != 7154 || round(lo, 1) != 599.9 || round(hi, 1) != 7499.0 || round(ylo, 4) != 0.0106 || round(yhi, 4) != 0.6989 {
		t.Errorf("nitrocellulose: %d, %g–%g, %g–%g", s.Len(), lo, hi, ylo, yhi)
	}
	if y := get("openspecy_throws_error_raman_1000002.jdx").Y; y[len(y)-1] != 46 {
		t.Errorf("LiYF4 LASTY %g, want 46", y[len(y)-1])
	}
}

// Files that are no Raman, infrared or diffraction spectrum say what they are.
func TestJCAMPNotSpectra(t *testing.T) {
	for file, want := range map[string]string{
		"jcamp_BRUKAFFN.DX":            "holds an NMR spectrum (##DATA TYPE=NMR Spectrum)",
		"jcamp_BRUKSQZ.DX":             "holds an NMR spectrum",
		"jcamp_difdup_example.jdx":     "x axis is in MILLISECONDS",
		"jcamp_noencoding_example.jdx": "x axis is in MILLISECONDS",
	} {
		p := instrumentFile(t, "jcamp", file)
		if _, err := ReadFile(p, Options{Modality: spectro.Raman}); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want %q", file, err, want)
		}
	}
	// "(X++(Y..Y)" without its closing parenthesis is accepted.
	content := "##TITLE=t\n##JCAMP-DX=4.24\n##XUNITS=MICROMETERS\n##FIRSTX=2\n##LASTX=4\n##NPOINTS=3\n##XYDATA=(X++(Y..Y)\n2 1 2 3\n##END=\n"
	s, err := Read(strings.NewReader(content), "a.jdx", Options{})
	if err != nil || s.Modality != spectro.Infrared || !near(s.X, []float64{2500, 1e4 / 3, 5000}) {
		t.Errorf("micrometre JCAMP without DATA TYPE: %v %v", err, s)
	}
}

// TestWIPHeaderOnly: a WITec project file cut after its header is detected
// and refused naming the file (wip_test.go reads the real ones).
func TestWIPHeaderOnly(t *testing.T) {
	data := append([]byte("WIT_PR06\r\x00\x00\x00WITec Project"), make([]byte, 64)...)
	if Detect(data) != WIP {
		t.Fatalf("WIP not detected")
	}
	_, err := Read(bytes.NewReader(data), "m.wip", Options{})
	var pe *ParseError
	if err == nil || !strings.Contains(err.Error(), "m.wip") || !errors.As(err, &pe) {
		t.Errorf("error %v, want a ParseError naming m.wip", err)
	}
}

// Detect tells every fixture by its content, whatever its name.
func TestDetectFixtures(t *testing.T) {
	for folder, want := range map[string]Format{"spc": SPC, "opus": OPUS, "spa": OMNIC, "asp": ASP, "wdf": WDF, "wip": WIP, "jcamp": JCAMP} {
		dir := sharedInstrumentDir()
		if dir == "" {
			t.Skip("instrument fixtures not found")
		}
		files, _ := globFiles(dir, folder)
		for _, p := range files {
			if f := Detect(readPath(t, p)); f != want {
				t.Errorf("%s: detected as %s, want %s", p, f, want)
			}
		}
	}
}
