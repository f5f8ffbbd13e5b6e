package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "spectrogen-cli")
	if err != nil {
		panic(err)
	}
	bin = filepath.Join(dir, "spectrogen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run executes the CLI and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// synthData writes a small synthetic dataset (species per class, 2 samples
// each) into dir/data and returns that folder.
func synthData(t *testing.T, dir string, species int) string {
	t.Helper()
	data := filepath.Join(dir, "data")
	if _, errOut, code := run(t, "synth", "--out", data, "--species", fmt.Sprint(species), "--samples", "2"); code != 0 {
		t.Fatalf("synth: %s", errOut)
	}
	return data
}

func TestSynthInfoConvert(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out, errOut, code := run(t, "synth", "--out", data, "--species", "1", "--samples", "2")
	if code != 0 || !strings.Contains(out, "wrote 14 samples (42 spectra") {
		t.Fatalf("synth: %d %s %s", code, out, errOut)
	}
	out, _, code = run(t, "info", data)
	if code != 0 || !strings.Contains(out, "14 samples of 7 species") || !strings.Contains(out, "infrared ↔ raman: 14 pairs") {
		t.Errorf("info DIR: %s", out)
	}
	files, _ := filepath.Glob(filepath.Join(data, "raman", "*.csv"))
	out, _, code = run(t, "info", "--json", files[0])
	var fi fileInfo
	if code != 0 || json.Unmarshal([]byte(out), &fi) != nil || fi.Modality != "raman" || fi.Points != 1024 || fi.Class == "" {
		t.Errorf("info --json: %s", out)
	}
	conv := filepath.Join(dir, "conv")
	out, _, code = run(t, "convert", files[0], "--out", conv, "--to", "jcamp", "--grid", "200:1200:501", "--normalize", "minmax")
	if code != 0 || !strings.Contains(out, "501 points") {
		t.Errorf("convert: %s", out)
	}
	jdx, _ := filepath.Glob(filepath.Join(conv, "*.jdx"))
	out, _, code = run(t, "info", jdx[0])
	if code != 0 || !strings.Contains(out, "JCAMP-DX") || !strings.Contains(out, "501, 200–1200") {
		t.Errorf("info of converted file: %s", out)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "raman", "bad.csv")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("100,1\n200,x\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope"}, 2, "unknown command"},
		{[]string{"info"}, 2, "at least one file"},
		{[]string{"info", bad}, 1, "bad.csv:2: intensity \"x\" is not a number"},
		{[]string{"info", filepath.Join(dir, "missing.txt")}, 1, "no such file"},
		{[]string{"synth", "--species", "0", "--out", dir}, 2, "species per class"},
		{[]string{"convert", bad, "--out", dir, "--to", "xml"}, 2, "csv or jcamp"},
		{[]string{"fetch", "rruff", "--modality", "uv"}, 2, "unknown modality"},
		{[]string{"info", "--bogus"}, 2, "flag provided but not defined"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
		if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
			t.Errorf("%v panicked:\n%s", tc.args, errOut)
		}
	}
}

func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("demo runs the whole pipeline")
	}
	out := t.TempDir()
	stdout, stderr, code := run(t, "demo", "--out", out, "--steps", "30", "--prior-steps", "20")
	if code != 0 {
		t.Fatalf("demo failed: %s\n%s", stdout, stderr)
	}
	report, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil || !strings.Contains(string(report), "Backend: ") || !strings.Contains(string(report), "| carbonate | 8 | 80 |") ||
		!strings.Contains(string(report), "| model |") || !strings.Contains(string(report), "| pca_ridge |") || !strings.Contains(string(report), "median R²") ||
		!strings.Contains(string(report), "| tch |") || !strings.Contains(string(report), "| class | leave-species-out | perceptron (GoMLX) |") {
		t.Errorf("report:\n%s", report)
	}
	if !strings.Contains(string(report), "## Real minerals: the shipped model") || !strings.Contains(string(report), "| infrared→raman | Calcite | R050009 |") ||
		!strings.Contains(string(report), "| xrd→infrared | Dolomite | R050241 |") {
		t.Errorf("report lacks the shipped model's real-data section:\n%s", report)
	}
	for _, f := range []string{"classes.png", "sample.png", "generated.png", "pearson.png", "priors.png", "confusion.png", "real.png", "real-infrared.png", "real-xrd.png", "model-ir2raman/model.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() < 300 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The eval JSON shape other tools rely on.
	stdout, stderr, code = run(t, "eval", "--model", filepath.Join(out, "model-ir2raman"), "--data", "synthetic", "--json")
	if code != 0 {
		t.Fatalf("eval failed: %s", stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("eval --json is not one JSON object: %v\n%s", err, stdout)
	}
	keys := []string{"pearson", "pearson_median", "rmse", "rmse_raw", "pk5"}
	check := func(name string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: not an object: %v", name, v)
			return
		}
		for _, k := range keys {
			if _, ok := m[k].(float64); !ok {
				t.Errorf("%s lacks %q: %v", name, k, m)
			}
		}
	}
	if rep["from"] != "infrared" || rep["to"] != "raman" || rep["n"].(float64) < 1 {
		t.Errorf("eval JSON header: %v", rep)
	}
	check("model", rep["model"])
	bs, _ := rep["baselines"].(map[string]any)
	for _, b := range []string{"mean", "nn1", "pca_ridge"} {
		check("baselines."+b, bs[b])
	}
}

func TestClassifyJSON(t *testing.T) {
	stdout, stderr, code := run(t, "classify", "--data", "synthetic", "--set", "steps=10", "--folds", "3", "--json")
	if code != 0 {
		t.Fatalf("classify failed: %s", stderr)
	}
	var got struct {
		From, To string
		N        int
		Kinds    []string
		Majority map[string]float64
		Accuracy map[string]map[string]map[string]map[string]float64
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if got.From != "infrared" || got.To != "raman" || got.N != 560 || len(got.Kinds) != 2 {
		t.Errorf("header: %+v", got)
	}
	for _, m := range []string{"nn1", "mlp"} {
		for _, task := range [][2]string{{"class", "random"}, {"class", "species"}, {"species", "random"}} {
			for _, k := range got.Kinds {
				acc, ok := got.Accuracy[m][task[0]][task[1]][k]
				if !ok || acc < 0 || acc > 1 {
					t.Errorf("accuracy %s/%s/%s/%s = %v (present %v)", m, task[0], task[1], k, acc, ok)
				}
			}
		}
	}
	if a := got.Accuracy["nn1"]["class"]["random"]["source"]; a < got.Majority["class"]+0.3 {
		t.Errorf("1-NN class accuracy %.3f hardly beats the majority %.3f", a, got.Majority["class"])
	}
	if _, stderr, code := run(t, "classify", "--data", "synthetic", "--set", "nonsense"); code == 0 || !strings.Contains(stderr, "nonsense") {
		t.Errorf("bad --set: exit %d, %s", code, stderr)
	}
}

// A multi-modal model: trained with --modalities, it generates any of its
// modalities from files of any other and evaluates any direction.
func TestMultiModalCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small model")
	}
	dir := t.TempDir()
	data, m := filepath.Join(dir, "data"), filepath.Join(dir, "model")
	if _, errOut, code := run(t, "synth", "--out", data, "--species", "1", "--samples", "2"); code != 0 {
		t.Fatal(errOut)
	}
	tiny := "dropout=0;hidden=32;hidden2=16;latent_dim=4;peaks=6;in_peaks=4;batch_size=8;eval_every=5;checkpoint_every=5"
	if _, errOut, code := run(t, "train", "--data", data, "--from", "infrared", "--to", "raman", "--modalities", "raman,xrd",
		"--out", filepath.Join(dir, "bad"), "--set", tiny); code != 2 || !strings.Contains(errOut, "--modalities") {
		t.Errorf("--modalities without --from's: exit %d, %s", code, errOut)
	}
	out, errOut, code := run(t, "train", "--data", data, "--from", "infrared", "--to", "raman", "--modalities", "infrared,raman,xrd",
		"--out", m, "--steps", "9", "--set", tiny)
	if code != 0 || !strings.Contains(out, "9 directions") {
		t.Fatalf("train: %d\n%s\n%s", code, out, errOut)
	}
	raman, _ := filepath.Glob(filepath.Join(data, "raman", "*.csv"))
	ir, _ := filepath.Glob(filepath.Join(data, "infrared", "*.csv"))
	gen := filepath.Join(dir, "gen")
	out, errOut, code = run(t, "generate", "--model", m, "--to", "xrd", "--samples", "3", "--out", gen, raman[0], ir[0])
	if code != 0 || !strings.Contains(out, "(raman) →") || !strings.Contains(out, "(infrared) →") {
		t.Fatalf("generate: %d\n%s\n%s", code, out, errOut)
	}
	if made, _ := filepath.Glob(filepath.Join(gen, "*__generated_xrd.csv")); len(made) != 2 {
		t.Errorf("generated files: %v", made)
	}
	out, errOut, code = run(t, "eval", "--model", m, "--data", data, "--from", "raman", "--to", "xrd", "--json")
	var rep map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep["from"] != "raman" || rep["to"] != "xrd" {
		t.Errorf("eval raman → xrd: %d %s %s", code, out, errOut)
	}
}

// The shipped real-data model generates from the example RRUFF infrared
// files on a fresh checkout, names the neighbours it drew on, and writes
// them beside the spectrum; a model name that is neither a folder nor a
// shipped model is a usage error.
func TestGenerateWithShippedModel(t *testing.T) {
	home := t.TempDir() // the shipped model unpacks into this user's cache
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "datasets", "examples", "rruff", "*Infrared*"))
	if len(files) != 5 {
		t.Fatalf("%d example infrared files", len(files))
	}
	out := t.TempDir()
	cmd := exec.Command(bin, append([]string{"generate", "--model", "rruff", "--samples", "5", "--out", out}, files...)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	stdout, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generate --model rruff: %v\n%s", err, stdout)
	}
	if n := strings.Count(string(stdout), "based on "); n != 5 {
		t.Errorf("%d 'based on' lines, want 5:\n%s", n, stdout)
	}
	if !strings.Contains(string(stdout), "Calcite R0") {
		t.Errorf("calcite's neighbours should include a calcite:\n%s", stdout)
	}
	nb, _ := filepath.Glob(filepath.Join(out, "*_neighbours.json"))
	if len(nb) != 5 {
		t.Fatalf("%d neighbour files", len(nb))
	}
	var list []struct {
		Key, Species, Name string
		Similarity, Weight float64
	}
	data, _ := os.ReadFile(nb[0])
	if err := json.Unmarshal(data, &list); err != nil || len(list) == 0 || list[0].Key == "" || strings.Contains(list[0].Name, "/") {
		t.Errorf("neighbours JSON: %v\n%s", err, data)
	}
	if _, errOut, code := run(t, "generate", "--model", "no-such-model", "--out", out, files[0]); code != 2 || !strings.Contains(errOut, "no shipped model") {
		t.Errorf("unknown model: exit %d, %s", code, errOut)
	}
	csv, _ := os.ReadFile(filepath.Join(out, strings.TrimSuffix(filepath.Base(files[0]), ".txt")+"__generated_raman.csv"))
	if !strings.Contains(string(csv), "# band: calibrated 90 % band") {
		t.Errorf("generated CSV does not say its band is calibrated:\n%.300s", csv)
	}
	// Every direction from the command line: XRD from Raman, infrared from
	// the cobalt-anode XRD pattern, Raman from the Cu Kα one.
	ex := filepath.Join("..", "..", "..", "datasets", "examples", "rruff")
	for _, tc := range []struct{ to, file string }{
		{"xrd", "Quartz__R040031__Raman__532__0__unoriented__Raman_Data_Processed__26343.txt"},
		{"infrared", "Dolomite_R050241_CoKa_portable.plv"},
		{"raman", "Quartz__R040031-1__Powder__Xray_Data_XY_Processed__3098.txt"},
		{"infrared", "Quartz__R040031__Raman__532__0__unoriented__Raman_Data_Processed__26343.txt"},
	} {
		cmd := exec.Command(bin, "generate", "--model", "rruff", "--to", tc.to, "--samples", "5", "--out", out, filepath.Join(ex, tc.file))
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
		stdout, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(stdout), "based on ") {
			t.Errorf("generate --to %s %s: %v\n%s", tc.to, tc.file, err, stdout)
		}
	}
}

// TestBenchJSON runs the machine-speed table once, as JSON: every figure is
// measured (positive) and named.
func TestBenchJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small models")
	}
	stdout, stderr, code := run(t, "bench", "--json", "--steps", "20")
	if code != 0 {
		t.Fatalf("bench: %s", stderr)
	}
	var r benchReport
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("bench --json is not one JSON object: %v\n%s", err, stdout)
	}
	for _, sh := range []string{"gauss", "lorentz", "pvoigt", "voigt"} {
		if !(r.LineShapeNs[sh] > 0) {
			t.Errorf("line shape %s: %v ns", sh, r.LineShapeNs[sh])
		}
	}
	if !(r.FitMs > 0) || !(r.BatchFitsPerS > 0) || !(r.BatchMedianR2 > 0.9) || !(r.SynthPerS > 0) || r.Cores < 1 || r.Backend == "" {
		t.Errorf("bench: %+v", r)
	}
	if len(r.Models) != 3 {
		t.Fatalf("%d models timed, want the default, the retrieval and the shipped one", len(r.Models))
	}
	for i, m := range r.Models {
		if !(m.GenPerS > 0) || !(m.GenBandPerS > 0) || (i < 2 && !(m.MsPerStep > 0)) {
			t.Errorf("model %q: %+v", m.Name, m)
		}
	}
}

// report quality trains on four fifths of the synthetic species and scores
// the model and the baselines on the rest.
func TestReportQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	stdout, stderr, code := run(t, "report", "quality", "--steps", "5", "--work", t.TempDir())
	if code != 0 {
		t.Fatalf("report quality: %s", stderr)
	}
	for _, want := range []string{"leave-species-out, 12 held-out species, 5 steps", "440 training pairs", "infrared → raman, 120 test pairs", "| model |", "| nn1 |", "band coverage"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report quality lacks %q:\n%s", want, stdout)
		}
	}
}
