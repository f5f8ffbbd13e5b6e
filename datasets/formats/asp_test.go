package formats

import (
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

const aspSample = "4\r\n4000\r\n1000\r\n1\r\n2\r\n4\r\n0.1\r\n0.2\r\n0.3\r\n0.4\r\n"

func TestASP(t *testing.T) {
	if f := Detect([]byte(aspSample)); f != ASP {
		t.Fatalf("Detect = %s", f)
	}
	s, err := Read(strings.NewReader(aspSample), "a.asp", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Modality != spectro.Infrared || !near(s.X, []float64{1000, 2000, 3000, 4000}) || !near(s.Y, []float64{0.4, 0.3, 0.2, 0.1}) {
		t.Errorf("got %s %v %v", s.Modality, s.X, s.Y)
	}
	for _, tc := range []struct{ content, want string }{
		{"5\r\n4000\r\n1000\r\n1\r\n2\r\n4\r\n0.1\r\n0.2\r\n", "bad.asp:1: ASP header says 5 points but the file holds 2"},
		{"2\r\n4000\r\nx\r\n1\r\n2\r\n4\r\n0.1\r\n0.2\r\n", "bad.asp:3: ASP value \"x\" is not a finite number"},
	} {
		if _, err := Read(strings.NewReader(tc.content), "bad.asp", Options{Format: ASP}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	// A one-column file whose count does not match is not ASP.
	if f := Detect([]byte("3\n1\n2\n3\n4\n5\n6\n7\n8\n9\n")); f == ASP {
		t.Errorf("one-column text detected as ASP")
	}
}

// [T] OpenSpecy test-read_ext.R: length 1798, range(wavenumber) round 1 =
// (650.4, 3999.4), range(spectra) round 4 = (0.0010, 0.5182).
func TestASPFixture(t *testing.T) {
	s, err := ReadFile(instrumentFile(t, "asp", "openspecy_ftir_ldpe_soil.asp"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := s.Range()
	ylo, yhi := yRange(s.Y)
	if s.Len() != 1798 || round(lo, 1) != 650.4 || round(hi, 1) != 3999.4 || round(ylo, 4) != 0.0010 || round(yhi, 4) != 0.5182 || s.Modality != spectro.Infrared {
		t.Errorf("%d points, x %g–%g, y %g–%g, %s", s.Len(), lo, hi, ylo, yhi, s.Modality)
	}
}

func FuzzASP(f *testing.F) {
	f.Add([]byte(aspSample))
	addFixtureSeeds(f, "asp")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadAnyway(t, data, "fuzz.asp")
	})
}
