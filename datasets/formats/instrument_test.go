package formats

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/spectro"
)

// The vendor-format fixtures live in the shared data folder
// (shared/data/instrument-files, see its README.md for where each file comes
// from and the values its source project asserts); many are GPL or carry no
// licence, so they are read where they are and never copied here.

// instrumentFile returns the path of a fixture, skipping the test when the
// shared data is absent.
func instrumentFile(t testing.TB, folder, file string) string {
	t.Helper()
	p := filepath.Join(shareddata.Dir(t), "instrument-files", folder, file)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("instrument fixture %s not found", p)
	}
	return p
}

// readFixture reads a fixture's bytes (skipping when absent).
func readFixture(t testing.TB, folder, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(instrumentFile(t, folder, file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sharedInstrumentDir finds the instrument-files folder as shareddata does
// ($SPECTRO_TEST_DATA, else shared/data beside the checkout) but never skips:
// "" when absent. Fuzz corpora and the truncation test use it, so that their
// synthetic inputs still run without the shared data.
func sharedInstrumentDir() string {
	var dirs []string
	if d := os.Getenv("SPECTRO_TEST_DATA"); d != "" {
		dirs = append(dirs, d)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, "shared", "data"))
		}
	}
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, "instrument-files")); err == nil && st.IsDir() {
			return filepath.Join(d, "instrument-files")
		}
	}
	return ""
}

// addFixtureSeeds adds every fixture of a folder to a fuzz corpus, when the
// shared data is there: those up to 128 KiB, since larger seeds slow the
// fuzzer down a hundredfold.
func addFixtureSeeds(f *testing.F, folder string) {
	dir := sharedInstrumentDir()
	if dir == "" {
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, folder, "*"))
	for _, p := range files {
		if st, err := os.Stat(p); err == nil && st.Size() <= 128<<10 {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
}

// checkReadAnyway is the fuzz property of every reader: Read and ReadAll
// return valid spectra or a *ParseError naming the file, never a panic.
func checkReadAnyway(t *testing.T, data []byte, name string) {
	for _, opts := range []Options{{}, {Modality: spectro.Raman}} {
		all, err := ReadAll(bytes.NewReader(data), name, opts)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q (%T) is not a ParseError naming %s", err, err, name)
			}
			continue
		}
		for _, s := range all {
			if verr := s.Validate(); verr != nil {
				t.Fatalf("ReadAll returned an invalid spectrum: %v", verr)
			}
		}
		if _, err := Read(bytes.NewReader(data), name, opts); err != nil {
			t.Fatalf("ReadAll succeeded but Read failed: %v", err)
		}
	}
}

// approx reports whether got is within tol of want, relatively for large
// values (tol·max(1, |want|)).
func approx(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// round rounds as R's round(v, digits) does for these checks.
func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

func yRange(y []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range y {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// TestBinaryTruncated cuts every binary fixture (and the synthetic files) at
// many lengths and flips bytes in its header: each must give a ParseError or a
// valid spectrum, never a panic.
func TestBinaryTruncated(t *testing.T) {
	inputs := map[string][]byte{"syn.spc": synthSPC(), "syn.0": synthOPUS(), "syn.spa": synthSPA(), "syn.wdf": synthWDF()}
	if dir := sharedInstrumentDir(); dir != "" {
		for _, p := range []string{"spc/scp_BARBITUATES.SPC", "spc/rohanspc_CAthickyellow_try4_17_ZSCAN.spc", "spc/scp_CONTOUR.SPC",
			"spc/scp_LC_DIODE_ARRAY.SPC", "opus/scp_test.0000", "opus/opusreader2_issue81_A1.1.0", "spa/scp_wodger.spg",
			"spa/scp_spectre.SPA", "wdf/wdfreader_undefined.wdf", "wdf/wdfreader_sp.wdf"} {
			if data, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
				inputs[filepath.Base(p)] = data
			}
		}
	}
	for name, data := range inputs {
		step := max(1, len(data)/120)
		for n := 0; n < len(data); n += step {
			checkReadAnyway(t, data[:n], name)
		}
		for i := 0; i < min(len(data), 600); i += 5 {
			mutated := bytes.Clone(data)
			mutated[i] ^= 0xA5
			checkReadAnyway(t, mutated, name)
		}
	}
}

func asParseError(err error, pe **ParseError) bool { return errors.As(err, pe) }

// wantParseError reads data as file name and checks that it fails with a
// *ParseError naming the file and saying want.
func wantParseError(t *testing.T, what string, data []byte, name string, opts Options, want string) {
	t.Helper()
	_, err := Read(bytes.NewReader(data), name, opts)
	var pe *ParseError
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), name) || !asParseError(err, &pe) {
		t.Errorf("%s: error %v, want a ParseError saying %q", what, err, want)
	}
}

func globFiles(dir, folder string) ([]string, error) {
	return filepath.Glob(filepath.Join(dir, folder, "*"))
}

func readPath(t testing.TB, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
