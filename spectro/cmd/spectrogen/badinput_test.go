package main

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput is the catalogue of bad input over the command line: each case
// must exit with an error that names the file (and line) or the argument, and
// never panic.
func TestBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny model for the model-folder cases")
	}
	dir := t.TempDir()
	write := func(rel, content string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Spectrum files (in a raman/ folder, which names their modality).
	empty := write("raman/empty.csv", "")
	garbage := write("raman/garbage.csv", "\x89\x00\x17\xff\xfe binary\x00\x01\n\x02\x03")
	header := write("raman/header.csv", "shift,intensity\n")
	oneRow := write("raman/one.csv", "100,1\n")
	nan := write("raman/nan.csv", "100,1\n200,NaN\n300,2\n")
	inf := write("raman/inf.csv", "100,1\n200,2\n300,-Inf\n")
	word := write("raman/word.csv", "100,1\n200,high\n")
	unknown := write("spectrum.csv", "100,1\n200,2\n300,3\n")
	// A file with 10⁸ rows would be about 1.5 GB: a sparse file of that size
	// must be refused by its size, before anything is read.
	huge := filepath.Join(dir, "raman", "huge.csv")
	if f, err := os.Create(huge); err == nil {
		f.Truncate(1500 << 20)
		f.Close()
	}
	notZip := write("data.zip", "this is not a zip archive\n")
	slip := filepath.Join(dir, "slip.zip")
	if f, err := os.Create(slip); err == nil {
		zw := zip.NewWriter(f)
		w, _ := zw.Create("../../escape__R000001__Raman__532__Raman_Data_Processed__1.txt")
		w.Write([]byte("100, 1\n200, 2\n"))
		zw.Close()
		f.Close()
	}
	onlyRaman := filepath.Join(dir, "only-raman")
	write("only-raman/raman/a__R000001__Raman.txt", "100,1\n200,2\n300,1\n400,3\n")

	// Model folders: a tiny trained model, and damaged copies of it.
	data := synthData(t, dir, 1)
	good := filepath.Join(dir, "model")
	if _, errOut, code := run(t, "train", "--data", data, "--out", good, "--steps", "4"); code != 0 {
		t.Fatal(errOut)
	}
	src, _ := filepath.Glob(filepath.Join(data, "infrared", "*"))
	ramanSrc, _ := filepath.Glob(filepath.Join(data, "raman", "*"))
	damaged := func(name string, damage func(model string)) string {
		m := filepath.Join(dir, name)
		if err := os.CopyFS(m, os.DirFS(good)); err != nil {
			t.Fatal(err)
		}
		damage(m)
		return m
	}
	newer := damaged("newer", func(m string) {
		b, _ := os.ReadFile(filepath.Join(m, "model.json"))
		os.WriteFile(filepath.Join(m, "model.json"), []byte(strings.Replace(string(b), `"format": 1`, `"format": 99`, 1)), 0o644)
	})
	truncatedJSON := damaged("truncated-json", func(m string) {
		b, _ := os.ReadFile(filepath.Join(m, "model.json"))
		os.WriteFile(filepath.Join(m, "model.json"), b[:len(b)/2], 0o644)
	})
	noCheckpoint := damaged("no-checkpoint", func(m string) { os.RemoveAll(filepath.Join(m, "checkpoints")) })
	truncatedCkpt := damaged("truncated-checkpoint", func(m string) {
		bins, _ := filepath.Glob(filepath.Join(m, "checkpoints", "*.bin"))
		for _, b := range bins {
			os.Truncate(b, 100)
		}
	})
	out := filepath.Join(dir, "out")

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing file", []string{"info", filepath.Join(dir, "nope.csv")}, 1, "nope.csv: no such file"},
		{"empty file", []string{"info", empty}, 1, "empty.csv: empty"},
		{"binary garbage", []string{"info", garbage}, 1, "garbage.csv:2: want two numbers"},
		{"header only", []string{"info", header}, 1, "header.csv: no data rows"},
		{"one data row", []string{"fit", oneRow}, 1, "one.csv: needs at least 2 points"},
		{"NaN value", []string{"info", nan}, 1, `nan.csv:2: intensity "NaN" is not a finite number`},
		{"Inf value", []string{"fit", inf}, 1, `inf.csv:3: intensity "-Inf" is not a finite number`},
		{"non-numeric token", []string{"info", word}, 1, `word.csv:2: intensity "high" is not a number`},
		{"modality unknown", []string{"info", unknown}, 1, "spectrum.csv: cannot tell the modality"},
		{"10⁸-row file", []string{"info", huge}, 1, "huge.csv: 1500 MiB is larger than the 256 MiB"},
		{"folder with no pairs", []string{"train", "--data", onlyRaman, "--out", filepath.Join(dir, "m"), "--steps", "2"}, 1, "only-raman: no infrared/raman pairs"},
		{"not a zip", []string{"info", notZip}, 1, "data.zip: not a readable zip archive"},
		{"zip escaping its folder", []string{"info", slip}, 1, "slip.zip"},
		{"unknown flag", []string{"train", "--stpes", "3"}, 2, "flag provided but not defined: -stpes"},
		{"conflicting directions", []string{"train", "--from", "raman", "--to", "raman", "--out", filepath.Join(dir, "m2")}, 2, "--from and --to are both raman"},
		{"unknown modality", []string{"train", "--from", "uv", "--out", filepath.Join(dir, "m3")}, 2, "uv"},
		{"unknown prior", []string{"train", "--prior", "cauchy", "--out", filepath.Join(dir, "m4")}, 2, `--prior "cauchy": want one of gauss, lorentz, pvoigt, tch`},
		{"report quality of an unknown modality", []string{"report", "quality", "--from", "uv"}, 2, "--from"},
		{"unknown report", []string{"report", "speed"}, 2, "usage: spectrogen report fitting"},
		{"unknown split", []string{"crossval", "--split", "family", "--work", filepath.Join(dir, "cv")}, 2, `--split "family": want species, sample or random`},
		{"unknown shipped model", []string{"generate", "--model", "nope", "--out", out, src[0]}, 2, `--model: model "nope": no such model folder`},
		{"source modality the model does not take", []string{"generate", "--model", good, "--out", out, ramanSrc[0]}, 1, "translates infrared→raman only"},
		{"target modality the model does not make", []string{"generate", "--model", good, "--to", "xrd", "--out", out, src[0]}, 2, "not to xrd"},
		{"model from a newer version", []string{"generate", "--model", newer, "--out", out, src[0]}, 1, "newer/model.json: written by a newer SpectroGen-Go (model format 99"},
		{"truncated model.json", []string{"generate", "--model", truncatedJSON, "--out", out, src[0]}, 1, "truncated-json/model.json: not a readable model description"},
		{"model without checkpoint", []string{"generate", "--model", noCheckpoint, "--out", out, src[0]}, 1, "no-checkpoint has no checkpoint"},
		{"truncated checkpoint", []string{"generate", "--model", truncatedCkpt, "--out", out, src[0]}, 1, "truncated-checkpoint: every checkpoint is damaged"},
		{"not a model folder", []string{"generate", "--model", data, "--out", out, src[0]}, 1, "is not a model folder"},
	} {
		stdout, errOut, code := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q (stdout %q)", tc.name, code, errOut, tc.code, tc.want, stdout)
		}
		if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine ") {
			t.Errorf("%s panicked:\n%s", tc.name, errOut)
		}
	}
	// The good model still works after all of that (nothing on disk was harmed).
	if _, errOut, code := run(t, "generate", "--model", good, "--out", out, src[0]); code != 0 {
		t.Errorf("the undamaged model no longer generates: %s", errOut)
	}
}
