package model

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/features"
)

// Two one-direction models joined into a bundle load as one generator that
// translates both ways, each direction by its own member, with its
// calibrated band; a damaged bundle says what is wrong.
func TestBundle(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two small models")
	}
	col := smallCollection(t)
	root := t.TempDir()
	var dirs []string
	for _, d := range []Direction{{spectro.Infrared, spectro.Raman}, {spectro.XRD, spectro.Infrared}} {
		dir := filepath.Join(root, d.From.String()+"-"+d.To.String())
		trainP, valP := collection.SplitPairs(col.Pairs(d.From, d.To), collection.BySpecies, 0.3, 1)
		if _, err := Train(TrainConfig{OutDir: dir, From: d.From, To: d.To, Steps: 4, Settings: tiny + ";retrieval_k=3",
			TrainPairs: trainP, ValPairs: valP, Log: io.Discard}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	bundle := filepath.Join(root, "bundle")
	if err := WriteBundle(bundle, "test", dirs); err != nil {
		t.Fatal(err)
	}
	if !IsModelDir(bundle) {
		t.Fatal("a bundle is not taken for a model folder")
	}
	g, err := Load(bundle, "")
	if err != nil {
		t.Fatal(err)
	}
	if g.From() != spectro.Infrared || g.To() != spectro.Raman || len(g.Directions()) != 2 || len(g.Modalities()) != 3 {
		t.Fatalf("bundle: primary %s → %s, directions %v, modalities %v", g.From(), g.To(), g.Directions(), g.Modalities())
	}
	x, err := g.For(spectro.XRD, spectro.Infrared)
	if err != nil {
		t.Fatal(err)
	}
	back, err := x.For(spectro.Infrared, spectro.Raman) // a member finds its siblings
	if err != nil || back.To() != spectro.Raman {
		t.Fatalf("member's For: %v", err)
	}
	// The fit cache set on the bundle reaches every member.
	if g.FitCache() != features.User() {
		t.Errorf("a loaded model keeps fits in %q, want the user cache", g.FitCache().Path())
	}
	g.SetFitCache(features.Off)
	if x.FitCache() != features.Off || back.FitCache() != features.Off {
		t.Error("SetFitCache on the bundle did not reach its members")
	}
	if _, err := g.For(spectro.Raman, spectro.XRD); err == nil || !strings.Contains(err.Error(), "translates infrared→raman, xrd→infrared") {
		t.Errorf("a direction the bundle lacks: %v", err)
	}
	src := col.Pairs(spectro.XRD, spectro.Infrared)[0].Source
	out, err := x.Generate([]*spectro.Spectrum{src}, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Mean.Modality != spectro.Infrared || !out[0].Calibrated || x.Info.Band == nil || len(out[0].Neighbours) != 3 {
		t.Errorf("XRD → infrared: %s, calibrated %v, %d neighbours", out[0].Mean.Modality, out[0].Calibrated, len(out[0].Neighbours))
	}
	if err := WriteBundle(filepath.Join(root, "twice"), "x", []string{dirs[0], dirs[0]}); err == nil {
		t.Error("two members of one direction: want an error")
	}
	for _, tc := range []struct{ content, want string }{
		{`{"format": 1, "members": []}`, "lists no models"},
		{`{"format": 99, "members": ["a"]}`, "format 99"},
		{`{"format": 1, "members": ["../x"]}`, "not a folder inside"},
		{`{"format": 1, "members": ["missing"]}`, "missing"},
		{`{"format": 1,`, "bundle.json"},
	} {
		bad := filepath.Join(t.TempDir(), "bad")
		os.MkdirAll(bad, 0o755)
		os.WriteFile(filepath.Join(bad, BundleFile), []byte(tc.content), 0o644)
		if _, err := Load(bad, ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bundle.json %s: error %v, want one saying %q", tc.content, err, tc.want)
		}
	}
}

// On real data the recipe trains a retrieval model with early stopping;
// settings of one's own still win.
func TestRealDataRecipe(t *testing.T) {
	for _, tc := range []struct {
		real     bool
		from, to spectro.Modality
		set      string
		want     []string
	}{
		{true, spectro.Infrared, spectro.Raman, "", []string{"retrieval_k=8", "patience=3", "train_steps=600"}},
		{true, spectro.Raman, spectro.XRD, "retrieval_k=4", []string{"retrieval_k=8", "hidden=128", "residual=false", ";retrieval_k=4"}},
		{false, spectro.Infrared, spectro.Raman, "latent_dim=8", []string{"latent_dim=8"}},
	} {
		got := WithRecipe(tc.real, tc.from, tc.to, tc.set)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("WithRecipe(%v, %s, %s, %q) = %q, lacks %q", tc.real, tc.from, tc.to, tc.set, got, w)
			}
		}
		ctx := CreateDefaultContext()
		if err := setParams(ctx, got); err != nil {
			t.Errorf("%q: %v", got, err)
		}
		if tc.set == "retrieval_k=4" {
			if k := context.GetParamOr(ctx, ParamRetrieval, 0); k != 4 {
				t.Errorf("own setting lost: retrieval_k = %v", k)
			}
		}
	}
}
