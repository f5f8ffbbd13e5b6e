package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
)

// exampleFile is one of the shipped example files (datasets/examples/rruff).
func exampleFile(t *testing.T, prefix string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join("..", "..", "..", "datasets", "examples", "rruff", prefix+"*"))
	if len(m) != 1 {
		t.Fatalf("example %s*: %d files", prefix, len(m))
	}
	return m[0]
}

// TestIdentifyExamples identifies the shipped examples with the shipped
// library, which leaves their samples out: new samples of known species
// (calcite, dolomite, quartz in each modality, jointly) and gypsum, whose
// only RRUFF sample is the example, so the library lacks it.
func TestIdentifyExamples(t *testing.T) {
	for _, tc := range []struct {
		files       []string
		species     string
		likelyKnown bool
	}{
		{[]string{"Calcite__R050009__Raman"}, "Calcite", true},
		{[]string{"Calcite__R050009-1__Infrared"}, "Calcite", true},
		{[]string{"Dolomite__R050241__Raman", "Dolomite__R050241-1__Infrared"}, "Dolomite", true},
		{[]string{"Dolomite_R050241_CoKa"}, "Dolomite", true},
		{[]string{"Quartz__R040031-1__Powder"}, "Quartz", true},
		{[]string{"Gypsum__R040029__Raman", "Gypsum__R040029-1__Infrared"}, "", false},
	} {
		var args []string
		for _, f := range tc.files {
			args = append(args, exampleFile(t, f))
		}
		out, errOut, code := run(t, append([]string{"identify", "--json", "--top", "5"}, args...)...)
		if code != 0 {
			t.Fatalf("identify %v: exit %d: %s", tc.files, code, errOut)
		}
		var got struct {
			Result struct {
				Hits []struct {
					Species string  `json:"species"`
					HQI     float64 `json:"hqi"`
				} `json:"hits"`
				InLibrary *struct {
					Likely bool `json:"likely"`
				} `json:"in_library"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("identify %v --json: %v\n%s", tc.files, err, out)
		}
		if len(got.Result.Hits) == 0 {
			t.Fatalf("identify %v: no hits", tc.files)
		}
		if tc.species != "" && got.Result.Hits[0].Species != tc.species {
			t.Errorf("identify %v: top hit %s, want %s", tc.files, got.Result.Hits[0].Species, tc.species)
		}
		if v := got.Result.InLibrary; len(tc.files) <= 2 && (v == nil || v.Likely != tc.likelyKnown) {
			t.Errorf("identify %v: in-library verdict %+v, want likely=%v", tc.files, v, tc.likelyKnown)
		}
	}
	// A mixture, a filtered search and a plot, as a user types them.
	plot := filepath.Join(t.TempDir(), "hits.png")
	out, errOut, code := run(t, "identify", exampleFile(t, "Dolomite__R050241__Raman"), "--mixture", "2", "--not-elements", "Mg", "--plot", plot)
	if code != 0 {
		t.Fatalf("identify --mixture: exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "CaMg(CO3)2") || !strings.Contains(out, "mixture fit of") {
		t.Errorf("--not-elements Mg kept a Mg mineral, or no mixture was printed:\n%s", out)
	}
	if st, err := os.Stat(plot); err != nil || st.Size() == 0 {
		t.Errorf("--plot wrote nothing: %v", err)
	}
}

func TestIdentifyBadArguments(t *testing.T) {
	calcite := exampleFile(t, "Calcite__R050009__Raman")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"identify"}, "give the unknown's spectrum files"},
		{[]string{"identify", calcite, "--score", "magic"}, `unknown score "magic"`},
		{[]string{"identify", calcite, "--range", "900"}, "--range \"900\""},
		{[]string{"identify", calcite, "--range", "1450:1490"}, "leaves nothing"},
		{[]string{"identify", calcite, "--mask", "raman=5:1"}, "--mask"},
		{[]string{"identify", calcite, "--library", "nowhere.gob.gz"}, "nowhere.gob.gz"},
		{[]string{"identify", calcite, calcite}, "a second raman spectrum"},
		{[]string{"identify", "--save-library", "x.gob.gz"}, "--save-library builds from data"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "panic") {
			t.Errorf("%v: exit %d, stderr %q; want an error containing %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestIdentifyOnRealRRUFF checks the README's identification table's floors
// on the real RRUFF folders: leave-one-sample-out top-1 species (measured
// 0.876 Raman, 0.798 infrared, 0.886 both) and the joint "not in the library"
// detection at its calibrated false-alarm rate (0.808 at 0.094).
func TestIdentifyOnRealRRUFF(t *testing.T) {
	if testing.Short() {
		t.Skip("searches about 2,000 real spectra several thousand times")
	}
	d := shareddata.Dir(t)
	lib := filepath.Join(d, "rruff-infrared") + "," + filepath.Join(d, "rruff-raman")
	out, errOut, code := run(t, "identify", "--evaluate", "--json", "--library", lib)
	if code != 0 {
		t.Fatalf("identify --evaluate: exit %d: %s", code, errOut)
	}
	var got struct {
		Evaluations []struct {
			Modalities string  `json:"modalities"`
			Top1       float64 `json:"top1"`
			Threshold  struct {
				FalseAlarm float64 `json:"false_alarm"`
				Detection  float64 `json:"detection"`
			} `json:"threshold"`
		} `json:"evaluations"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	floors := map[string]float64{"raman": 0.85, "infrared": 0.77, "infrared+raman": 0.87}
	for _, ev := range got.Evaluations {
		if f, ok := floors[ev.Modalities]; ok && ev.Top1 < f {
			t.Errorf("%s: top-1 %.3f below %.2f", ev.Modalities, ev.Top1, f)
		}
		if ev.Modalities == "infrared+raman" && (ev.Threshold.Detection < 0.75 || ev.Threshold.FalseAlarm > 0.13) {
			t.Errorf("joint unknown detection %.3f at false alarms %.3f", ev.Threshold.Detection, ev.Threshold.FalseAlarm)
		}
		delete(floors, ev.Modalities)
	}
	if len(floors) > 0 {
		t.Errorf("no evaluation of %v", floors)
	}
}
