package formats

import (
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/peaks"
)

const plvHeader = "inXitu Terra XRD/XRF. PLV file format Ver. 3.0\r\nSample= Dolomite_R050241\r\n"

// A pattern lands on the Cu Kα axis whatever wavelength it was measured
// with: a line of d = 2.886 Å (dolomite's 104) sits at 30.96° 2θ.
func TestXRDWavelength(t *testing.T) {
	const d104 = 2.886
	cu, _ := spectro.BraggTwoTheta(d104, spectro.CuKAlpha)
	co, _ := spectro.BraggTwoTheta(d104, 1.78897)
	mo, _ := spectro.BraggTwoTheta(d104, 0.71073)
	coAnode, _ := spectro.BraggTwoTheta(d104, 1.790260) // Co Kα's weighted mean, for files naming only the anode
	for _, tc := range []struct {
		name, file, content string
		opts                Options
		wantLine            float64 // where the single line must land (Cu Kα 2θ)
		wantErr             string
	}{
		{"plv, K-Alpha 1 stated", "d.plv", plvHeader + "K-Alpha 1= 1.78897\r\nAnode= Co\r\nLine   21\r\nData\r\n" + rows(co), Options{}, cu, ""},
		{"plv, anode only", "d.plv", plvHeader + "Anode= Co\r\nData\r\n" + rows(coAnode), Options{}, cu, ""},
		{"plv without wavelength, given one", "d.plv", plvHeader + "Data\r\n" + rows(co), Options{Wavelength: 1.78897}, cu, ""},
		{"plv without any wavelength", "d.plv", plvHeader + "Data\r\n" + rows(co), Options{}, 0, "states no wavelength"},
		{"two-column text, Mo Kα given", "xrd/p.xy", rows(mo), Options{Wavelength: 0.71073}, cu, ""},
		{"two-column text, Cu Kα by default", "xrd/p.xy", rows(cu), Options{}, cu, ""},
		{"RRUFF header states the anode", "Dolomite__R050241-1__Powder__Xray_Data_XY_Processed__1.txt", "##NAMES=Dolomite\n##ANODE=Co\n" + rows(coAnode), Options{}, cu, ""},
		{"angle past 180°", "xrd/p.xy", "10 1\n190 2\n", Options{}, 0, "outside (0°, 180°)"},
		{"negative angle", "xrd/p.xy", "-5 1\n10 2\n", Options{}, 0, "outside (0°, 180°)"},
		{"not a wavelength", "xrd/p.xy", "##NAMES=x\n##WAVELENGTH=1541.8\n10, 1\n20, 2\n", Options{}, 0, "not an X-ray wavelength"},
	} {
		s, err := Read(strings.NewReader(tc.content), tc.file, tc.opts)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("%s: error %v, want one naming %s and saying %q", tc.name, err, tc.file, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		top := floats.MaxIdx(s.Y)
		if s.Modality != spectro.XRD || math.Abs(s.X[top]-tc.wantLine) > 0.012 {
			t.Errorf("%s: %s, line at %.3f° 2θ, want %.3f", tc.name, s.Modality, s.X[top], tc.wantLine)
		}
	}
}

// rows is a pattern with one line at tt (°2θ): 2θ intensity rows every 0.01°.
func rows(tt float64) string {
	var b strings.Builder
	for i := 0; i <= 5500; i++ {
		x := 5 + 0.01*float64(i)
		y := 10 + 1000*math.Exp(-0.5*math.Pow((x-tt)/0.08, 2))
		b.WriteString(fmtF(x) + " " + fmtF(y) + "\n")
	}
	return b.String()
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// The real files a user has: RRUFF DIF line lists read by d, measured
// patterns with their wavelength, the cobalt-anode dolomite on its Cu Kα lines.
func TestRealXRDFiles(t *testing.T) {
	root := shareddata.Dir(t)
	difs, _ := filepath.Glob(filepath.Join(root, "rruff-powder", "*.txt"))
	if len(difs) != 131 {
		t.Fatalf("found %d DIF files, want 131", len(difs))
	}
	repeated := 0
	for _, f := range difs {
		d, err := ReadDIFFile(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		p, err := d.Pattern()
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for i := 1; i < len(d.Peaks); i++ {
			if d.Peaks[i] == d.Peaks[i-1] {
				repeated++
			}
		}
		// Each line is where its d puts it for Cu Kα, within 0.15° of the file's 2θ column.
		for _, pk := range d.Peaks {
			if tt, ok := pk.TwoThetaFor(spectro.CuKAlpha); ok && math.Abs(tt-pk.TwoTheta) > 0.2 {
				t.Errorf("%s: d %g gives %.3f°, the file says %.2f°", f, pk.D, tt, pk.TwoTheta)
				break
			}
		}
		if lo, hi := p.Range(); lo != 5 || hi != 90 || p.Meta.Mineral == "" || p.Meta.RRUFFID == "" {
			t.Errorf("%s: pattern %g–%g, metadata %+v", f, lo, hi, p.Meta)
		}
	}
	if repeated != 0 {
		t.Errorf("%d repeated rows kept", repeated)
	}
	// Dolomite's strongest reflection (104) is at 30.9° with Cu Kα, 36.1° with Co Kα.
	s, err := ReadFile(filepath.Join(root, "xrd-measured", "Dolomite_R050241_CoKa_portable.plv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	y := append([]float64(nil), s.Y...)
	top := peaks.TopByProminence(peaks.Find(y, peaks.Options{MinProminence: 0.2 * (floats.Max(y) - floats.Min(y))}), 1)
	if s.Meta.RRUFFID != "R050241" || s.Meta.Mineral != "Dolomite" || len(top) != 1 || math.Abs(s.X[top[0].Index]-30.9) > 0.15 {
		t.Errorf("cobalt dolomite: id %q mineral %q, strongest line at %v", s.Meta.RRUFFID, s.Meta.Mineral, top)
	}
	q, err := ReadFile(filepath.Join(root, "xrd-measured", "Quartz__R040031-1__Powder__Xray_Data_XY_Processed__3098.txt"), Options{})
	if err != nil || q.Modality != spectro.XRD || q.Meta.RRUFFID != "R040031" {
		t.Fatalf("quartz pattern: %v %+v", err, q)
	}
}

// An AMCSD collection is many DIF entries, each ended by _END_; an error in
// one names the file's own line.
func TestReadDIFs(t *testing.T) {
	entry := func(name, code, row string) string {
		return "      " + name + "\n      _database_code_amcsd " + code + "\n      CHEMICAL FORMULA: Ca C O3\n" +
			"               2-THETA      INTENSITY    D-SPACING   H   K   L   Multiplicity\n" + row + "_END_\n"
	}
	good := "                29.42       100.00        3.0357    1   0   4         6\n"
	ds, err := ReadDIFs(strings.NewReader(entry("Calcite", "0000098", good)+entry("Aragonite", "0000233", good)), "amcsd.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[1].Meta.Mineral != "Aragonite" || ds[1].Meta.Extra[AMCSDCodeKey] != "0000233" || ds[0].Meta.Extra["FORMULA"] != "Ca C O3" || len(ds[0].Peaks) != 1 {
		t.Fatalf("entries: %+v", ds)
	}
	_, err = ReadDIFs(strings.NewReader(entry("Calcite", "0000098", good)+entry("Aragonite", "0000233", "                29.42       abc        3.0357    1   0   4         6\n")), "amcsd.txt")
	if err == nil || !strings.Contains(err.Error(), "amcsd.txt:11:") {
		t.Errorf("a bad row in the second entry (line 11): %v", err)
	}
	if _, err := ReadDIFs(strings.NewReader("_END_\n"), "empty.txt"); err == nil {
		t.Error("no entry: want an error")
	}
}
