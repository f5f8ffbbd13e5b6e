package formats

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro"
)

const rruffSample = "##NAMES=Calcite\r\n##RRUFFID=R050127\r\n##IDEAL CHEMISTRY=CaCO_3_\r\n##LOCALITY=Somewhere\r\n##LASER_WAVELENGTH=514\r\n" +
	"1.500000e+002, 1.0e+000\r\n1.510000e+002, 2.5e+000\r\n1.520000e+002, 3.0e+000\r\n##END=\r\n\r\n\r\n"

func TestReadFormats(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		opts                Options
		wantModality        spectro.Modality
		wantX, wantY        []float64
		wantMineral, wantID string
	}{
		{"rruff crlf", "Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt", rruffSample, Options{},
			spectro.Raman, []float64{150, 151, 152}, []float64{1, 2.5, 3}, "Calcite", "R050127"},
		{"release format with padding", "Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt",
			"4.0e+02,1.0e-01\n4.5e+02,2.0e-01\n5.0e+02,3.0e-01\n0.0e+00,0.0e+00\n0.0e+00,0.0e+00\n", Options{},
			spectro.Infrared, []float64{400, 450, 500}, []float64{.1, .2, .3}, "Calcite", "R050127-1"},
		{"tab with header and comments", "raman/sample.tsv", "# measured 2024\nshift\tintensity\n100\t1\n200\t2\n", Options{},
			spectro.Raman, []float64{100, 200}, []float64{1, 2}, "", ""},
		{"semicolon decimal comma", "x.csv", "10,5;1,25\n20,5;2,5\n", Options{Modality: spectro.XRD},
			spectro.XRD, []float64{10.5, 20.5}, []float64{1.25, 2.5}, "", ""},
		{"whitespace, descending x", "ir/a.txt", "4000  0.1\n3000   0.3\n2000 0.2\n", Options{},
			spectro.Infrared, []float64{2000, 3000, 4000}, []float64{.2, .3, .1}, "", ""},
		{"jcamp affn", "a.jdx", "##TITLE=test\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n##XUNITS=1/CM\n##YUNITS=ABSORBANCE\n" +
			"##XFACTOR=1\n##YFACTOR=0.001\n##FIRSTX=1000\n##LASTX=1005\n##NPOINTS=6\n##XYDATA=(X++(Y..Y))\n1000 100 102 104\n1003 104 104 110 $$ comment\n##END=\n", Options{},
			spectro.Infrared, []float64{1000, 1001, 1002, 1003, 1004, 1005}, []float64{.1, .102, .104, .104, .104, .11}, "", ""},
		{"jcamp difdup with y-check", "a.jdx", "##TITLE=test\n##JCAMP-DX=5.01\n##DATA TYPE=RAMAN SPECTRUM\n##XUNITS=1/CM\n##YFACTOR=1\n" +
			"##FIRSTX=1000\n##LASTX=1007\n##NPOINTS=8\n##XYDATA=(X++(Y..Y))\n1000A00KT%TO\n1005A10JJ\n##END=\n", Options{},
			spectro.Raman, []float64{1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007}, []float64{100, 102, 104, 104, 104, 110, 111, 112}, "", ""},
		{"jcamp micrometers", "b.jdx", "##TITLE=t\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n##XUNITS=MICROMETERS\n##XYPOINTS=(XY..XY)\n2.5, 1; 5, 2\n##END=\n", Options{},
			spectro.Infrared, []float64{2000, 4000}, []float64{2, 1}, "", ""},
		{"jcamp peak table", "c.jdx", "##TITLE=t\n##JCAMP-DX=5.01\n##DATA TYPE=RAMAN SPECTRUM\n##PEAK TABLE=(XY..XY)\n1086,100 712,20\n282,40\n##END=\n", Options{},
			spectro.Raman, []float64{282, 712, 1086}, []float64{40, 20, 100}, "", ""},
	} {
		s, err := Read(strings.NewReader(tc.content), tc.file, tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if s.Modality != tc.wantModality || !near(s.X, tc.wantX) || !near(s.Y, tc.wantY) {
			t.Errorf("%s: got %s %v %v", tc.name, s.Modality, s.X, s.Y)
		}
		if s.Meta.Mineral != tc.wantMineral || s.Meta.RRUFFID != tc.wantID || s.Meta.Source != tc.file {
			t.Errorf("%s: metadata %+v", tc.name, s.Meta)
		}
	}
}

func TestReadErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"bad number", "##NAMES=X\n1, 2\n3, abc\n##END=\n", "bad.txt:3: intensity \"abc\" is not a number"},
		{"one column", "# c\n1\n", "bad.txt:2"},
		{"empty", "", "bad.txt: empty"},
		{"no data", "##NAMES=X\n##END=\n", "no data rows"},
		{"nan", "1,2\n2,nan\n", "intensity \"nan\" is not a finite number"},
		{"no modality", "1,2\n2,3\n", "cannot tell the modality"},
		{"jcamp npoints", "##TITLE=t\n##JCAMP-DX=4.24\n##DATA TYPE=RAMAN SPECTRUM\n##FIRSTX=1\n##LASTX=3\n##NPOINTS=4\n##XYDATA=(X++(Y..Y))\n1 1 2 3\n##END=\n", "bad.txt:7: ##NPOINTS=4 but ##XYDATA holds 3"},
		{"jcamp y-check", "##TITLE=t\n##JCAMP-DX=4.24\n##DATA TYPE=RAMAN SPECTRUM\n##FIRSTX=1\n##LASTX=4\n##NPOINTS=4\n##XYDATA=(X++(Y..Y))\n1A0J\n3A5J\n##END=\n", "bad.txt:9: DIF y-check failed"},
		{"jcamp bad char", "##TITLE=t\n##JCAMP-DX=4.24\n##DATA TYPE=RAMAN SPECTRUM\n##FIRSTX=1\n##LASTX=2\n##XYDATA=(X++(Y..Y))\n1 2 #3\n##END=\n", "bad.txt:7: unexpected character"},
		{"jcamp no data", "##TITLE=t\n##JCAMP-DX=4.24\n##END=\n", "no ##XYDATA"},
	} {
		opts := Options{Modality: spectro.Raman}
		if tc.name == "no modality" {
			opts = Options{}
		}
		_, err := Read(strings.NewReader(tc.content), "bad.txt", opts)
		var pe *ParseError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a ParseError containing %q", tc.name, err, tc.want)
		}
	}
}

func TestModalityFromPath(t *testing.T) {
	for path, want := range map[string]spectro.Modality{
		"Actinolite__R040063-1__Infrared__Infrared_Data_Processed__190.txt":        spectro.Infrared,
		"x/Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt": spectro.Raman,
		"Calcite__R050127-1__Powder__Xray_Data_XY_Processed__1234.txt":             spectro.XRD,
		"data/raman/a.csv": spectro.Raman, "data/xrd/sub/a.csv": spectro.XRD, "a.csv": "",
	} {
		if got := ModalityFromPath(path); got != want {
			t.Errorf("ModalityFromPath(%q) = %q, want %q", path, got, want)
		}
	}
	info, ok := ParseName("Albite__R050253-3__Raman__514__45__ccw__Raman_Data_Processed__13567.txt")
	if !ok || info.Mineral != "Albite" || info.Stem != "R050253" || info.RRUFFID != "R050253-3" || info.Modality != spectro.Raman {
		t.Errorf("ParseName: %+v %v", info, ok)
	}
}

// encodeDIFDUP compresses integer ordinates the way instrument software does
// (SQZ first value, DIF differences, DUP runs, and since every line ends in DIF
// form, a y-check value starting each following line), so the
// decoder can be checked against arbitrary data.
func encodeDIFDUP(firstX float64, ys []int, perLine int) string {
	sqz := func(v int) string {
		s := strconv.Itoa(abs(v))
		if v < 0 {
			return string(rune('a'+s[0]-'1')) + s[1:]
		}
		if v == 0 {
			return "@"
		}
		return string(rune('A'+s[0]-'1')) + s[1:]
	}
	dif := func(v int) string {
		s := strconv.Itoa(abs(v))
		switch {
		case v == 0:
			return "%"
		case v < 0:
			return string(rune('j'+s[0]-'1')) + s[1:]
		}
		return string(rune('J'+s[0]-'1')) + s[1:]
	}
	dup := func(n int) string {
		s := strconv.Itoa(n)
		if s[0] == '9' {
			return "s" + s[1:]
		}
		return string(rune('S'+s[0]-'1')) + s[1:]
	}
	var b strings.Builder
	for start := 0; start < len(ys); start += perLine {
		first := start
		if start > 0 {
			first = start - 1 // y-check value
		}
		end := min(start+perLine, len(ys))
		b.WriteString(strconv.FormatFloat(firstX+float64(first), 'g', -1, 64))
		b.WriteString(sqz(ys[first]))
		for i := first + 1; i < end; {
			d := ys[i] - ys[i-1]
			run := 1
			for i+run < end && ys[i+run]-ys[i+run-1] == d {
				run++
			}
			b.WriteString(dif(d))
			if run > 1 {
				b.WriteString(dup(run))
			}
			i += run
		}
		b.WriteString("\n")
	}
	return b.String()
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestJCAMPCompressedRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 50; trial++ {
		n := 3 + rng.IntN(300)
		ys := make([]int, n)
		v := rng.IntN(20000) - 10000
		for i := range ys {
			if rng.IntN(4) > 0 { // runs of equal steps exercise DUP
				v += rng.IntN(200) - 100
			}
			ys[i] = v
		}
		body := encodeDIFDUP(100, ys, 2+rng.IntN(12))
		file := "##TITLE=t\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n##XUNITS=1/CM\n##YFACTOR=0.5\n##FIRSTX=100\n##LASTX=" +
			strconv.Itoa(100+n-1) + "\n##NPOINTS=" + strconv.Itoa(n) + "\n##XYDATA=(X++(Y..Y))\n" + body + "##END=\n"
		s, err := Read(strings.NewReader(file), "r.jdx", Options{})
		if err != nil {
			t.Fatalf("trial %d: %v\n%s", trial, err, file)
		}
		for i := range ys {
			if s.Y[i] != float64(ys[i])*0.5 || s.X[i] != float64(100+i) {
				t.Fatalf("trial %d point %d: got (%g, %g), want (%d, %g)\n%s", trial, i, s.X[i], s.Y[i], 100+i, float64(ys[i])*0.5, file)
			}
		}
	}
}

func TestWriteReadBack(t *testing.T) {
	even := &spectro.Spectrum{Modality: spectro.Raman, X: spectro.Grid{Start: 100, Stop: 1500, N: 101}.Points(), Y: make([]float64, 101),
		Meta: spectro.Metadata{Mineral: "Calcite", RRUFFID: "R050127-3", Chemistry: "CaCO_3_", Extra: map[string]string{"LASER": "514 nm", "SOURCE": "a donor"}}}
	for i := range even.Y {
		even.Y[i] = math.Sin(float64(i)/7) * 1e3 / 3
	}
	uneven := &spectro.Spectrum{Modality: spectro.XRD, X: []float64{5, 5.5, 7.25, 90}, Y: []float64{1e-7, 3, 2.5, 0}}
	dir := t.TempDir()
	for _, s := range []*spectro.Spectrum{even, uneven} {
		for _, ext := range []string{".jdx", ".csv"} {
			path := filepath.Join(dir, "out"+string(s.Modality)+ext)
			if err := WriteFile(path, s); err != nil {
				t.Fatal(err)
			}
			back, err := ReadFile(path, Options{})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if back.Modality != s.Modality || !near(back.X, s.X) || !near(back.Y, s.Y) {
				t.Errorf("%s: read back differs: %v %v", path, back.X[:2], back.Y[:2])
			}
			if back.Meta.Mineral != s.Meta.Mineral || back.Meta.RRUFFID != s.Meta.RRUFFID || back.Meta.Chemistry != s.Meta.Chemistry ||
				back.Meta.Extra["LASER"] != s.Meta.Extra["LASER"] || back.Meta.Extra["SOURCE"] != s.Meta.Extra["SOURCE"] {
				t.Errorf("%s: metadata %+v, want %+v", path, back.Meta, s.Meta)
			}
		}
	}
}

func TestReadDIF(t *testing.T) {
	content := `
          CALCITE
          Maslen E N, Streltsov V A, Streltsova N R
      CELL PARAMETERS:   4.9896   4.9896  17.0610   90.000   90.000  120.000
      SPACE GROUP: R-3c
      X-RAY WAVELENGTH:     1.541838
               2-THETA      INTENSITY    D-SPACING   H   K   L   Multiplicity
                23.05        10.88         3.8554    0   1   2      6
                29.41       100.00         3.0349    1   0   4      6
                35.97        13.67         2.4947    1   1   0      6
      ==========================================================================
      XPOW reference line
`
	d, err := ReadDIF(strings.NewReader(content), "Calcite__R050127-1__Powder__DIF_File__1234.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Peaks) != 3 || d.Peaks[1].TwoTheta != 29.41 || d.Peaks[1].Intensity != 100 || d.Peaks[1].L != 4 || d.Peaks[2].Multiplicity != 6 {
		t.Errorf("peaks %+v", d.Peaks)
	}
	if d.Cell[2] != 17.061 || d.SpaceGroup != "R-3c" || d.Wavelength != 1.541838 || d.Meta.Mineral != "Calcite" {
		t.Errorf("header: %+v", d)
	}
	s, err := d.Spectrum(spectro.Grid{Start: 5, Stop: 90, N: 85001}, 0.15, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	// The line sits where its d-spacing puts it for Cu Kα (29.432°), not at
	// the file's 2θ column (29.41°).
	main, _ := spectro.BraggTwoTheta(3.0349, spectro.CuKAlpha)
	if v := s.ValueAt(main); math.Abs(main-29.432) > 0.002 || math.Abs(v-100) > 0.5 {
		t.Errorf("rendered pattern at the main reflection = %g", v)
	}
	if _, err := ReadDIF(strings.NewReader("2-THETA INTENSITY\n 12.0 abc\n"), "bad.dif"); err == nil || !strings.Contains(err.Error(), "bad.dif:2") {
		t.Errorf("bad DIF row: %v", err)
	}
}

// Every real RRUFF file reads, with its metadata.
func TestRealRRUFFFiles(t *testing.T) {
	root := shareddata.Dir(t)
	files, _ := filepath.Glob(filepath.Join(root, "rruff-infrared", "*.txt"))
	pairs, _ := filepath.Glob(filepath.Join(root, "rruff-ir-raman-pairs", "*", "*.txt"))
	if len(files) != 828 || len(pairs) != 160 {
		t.Fatalf("found %d IR files and %d pair files, want 828 and 160", len(files), len(pairs))
	}
	for _, f := range append(files, pairs...) {
		s, err := ReadFile(f, Options{})
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if s.Meta.Mineral == "" || s.Meta.RRUFFID == "" || s.Len() < 50 {
			t.Errorf("%s: mineral %q, id %q, %d points", f, s.Meta.Mineral, s.Meta.RRUFFID, s.Len())
		}
		want := spectro.Infrared
		if strings.Contains(f, "__Raman__") {
			want = spectro.Raman
		}
		if s.Modality != want {
			t.Errorf("%s: modality %s", f, s.Modality)
		}
	}
	s, err := ReadFile(filepath.Join(root, "rruff-infrared", "Adamite__R050020-1__Infrared__Infrared_Data_Processed__196.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Meta.Mineral != "Adamite" || s.Meta.RRUFFID != "R050020" || s.Meta.Chemistry != "Zn^2+^_2_As^5+^O_4_(OH)" ||
		s.Meta.Extra["LOCALITY"] != "Mina Ojuela, Mapimi, Durango, Mexico" || s.X[0] != 399.1926 {
		t.Errorf("Adamite metadata %+v, first x %g", s.Meta, s.X[0])
	}
	r, err := ReadFile(filepath.Join(root, "rruff-ir-raman-pairs", "raman", "Adamite__R050020-3__Raman__514__0__ccw__Raman_Data_Processed__4413.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Meta.RRUFFID != "R050020-3" || r.Meta.Extra["LASER"] != "514 nm" || r.Y[r.Len()-1] == 0 && r.X[r.Len()-1] == 0 || r.Len() >= 2048 {
		t.Errorf("release-format Raman: %+v, %d points (padding must be dropped)", r.Meta, r.Len())
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(rruffSample), "Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt")
	f.Add([]byte("##TITLE=t\n##JCAMP-DX=5.01\n##DATA TYPE=RAMAN SPECTRUM\n##FIRSTX=1000\n##LASTX=1007\n##NPOINTS=8\n##XYDATA=(X++(Y..Y))\n1000A00KT%TO\n1005A10JJ\n##END=\n"), "a.jdx")
	f.Add([]byte("x;y\n1,5;2\n3;4\n"), "raman/a.csv")
	f.Add([]byte("2-THETA INTENSITY D-SPACING\n 20 100 3\n"), "xrd/a.dif")
	if root := os.Getenv("SPECTRO_TEST_DATA"); root != "" {
		files, _ := filepath.Glob(filepath.Join(root, "rruff-ir-raman-pairs", "*", "*.txt"))
		for _, p := range files[:min(4, len(files))] {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data, filepath.Base(p))
			}
		}
	}
	var buf bytes.Buffer
	s := &spectro.Spectrum{Modality: spectro.XRD, X: []float64{5, 6, 8}, Y: []float64{1, 2, 3}}
	_ = WriteJCAMP(&buf, s)
	f.Add(buf.Bytes(), "w.jdx")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		s, err := Read(bytes.NewReader(data), name, Options{Modality: spectro.Raman})
		if err == nil {
			if verr := s.Validate(); verr != nil {
				t.Fatalf("Read returned an invalid spectrum: %v", verr)
			}
		} else if !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not name the file %q", err, name)
		}
		_, _ = ReadDIF(bytes.NewReader(data), name)
	})
}

func near(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(b[i])) {
			return false
		}
	}
	return true
}
