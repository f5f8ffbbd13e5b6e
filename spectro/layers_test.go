package spectro_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/spectrogen-go/spectrogen/"

// The project's layering, so data flows one way — files → Spectrum →
// peaks/fits → model → generated Spectrum → metrics, plots — and the leaf
// packages stay usable on their own. Each rule: packages under a prefix must
// not depend (directly or not) on packages under the forbidden prefixes.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module)
		for _, d := range f[1:] {
			if strings.HasPrefix(d, module) {
				deps[pkg] = append(deps[pkg], strings.TrimPrefix(d, module))
			}
		}
		if _, ok := deps[pkg]; !ok {
			deps[pkg] = nil
		}
	}
	upper := []string{"spectro/model", "spectro/experiment", "spectro/eval", "spectro/retrieval", "spectro/identify", "spectro/classifier",
		"spectro/pretrained", "spectro/cmd", "datasets"}
	rules := []struct {
		what      string
		pkgs      []string // exact packages, or prefixes ending in "/"
		forbidden []string // prefixes
		except    map[string]string
	}{
		{"leaf packages import no other package of the project",
			[]string{"spectro/lineshape", "spectro/peaks", "spectro/chem", "spectro/fit/formula", "spectro/atomicfile", "spectro/backend"},
			[]string{"spectro", "datasets", "kernels"}, nil},
		{"physics, fitting and plotting sit below the model and the data layer",
			[]string{"spectro", "spectro/distrib", "spectro/gobfile", "spectro/collection", "spectro/preprocess", "spectro/fit/", "spectro/fit", "spectro/features", "spectro/plots"},
			upper, nil},
		{"the data layer reads files into the project's types and knows nothing above them",
			[]string{"datasets/", "datasets"},
			[]string{"spectro/fit", "spectro/model", "spectro/eval", "spectro/retrieval", "spectro/identify", "spectro/classifier", "spectro/pretrained", "spectro/plots", "spectro/cmd"}, nil},
		{"nothing under spectro/ reads files through the data layer but the command",
			[]string{"spectro/"},
			[]string{"datasets"},
			map[string]string{
				"spectro/cmd/spectrogen":         "the command wires the layers together",
				"spectro/cmd/retrieval-variants": "a research command measuring the look-up on real data",
				"spectro/experiment":             "experiments put the data layer and the model together",
				"spectro/experiment/demo":        "the demo writes the synthetic dataset and reads the example files",
			}},
		{"the shipped models and libraries are data of their own, not experiments",
			[]string{"spectro/pretrained"},
			[]string{"datasets", "spectro/experiment", "spectro/cmd"}, nil},
		{"the model does not read files, and evaluation is done to it, not by it",
			[]string{"spectro/model"},
			[]string{"datasets", "spectro/pretrained", "spectro/cmd", "spectro/eval", "spectro/experiment", "spectro/classifier", "spectro/identify"}, nil},
	}
	for _, r := range rules {
		for pkg, ds := range deps {
			if !matches(pkg, r.pkgs) || r.except[pkg] != "" {
				continue
			}
			for _, d := range ds {
				for _, f := range r.forbidden {
					if d == f || strings.HasPrefix(d, f+"/") {
						// A package may use its own sub-packages (spectro/fit → spectro/fit/formula).
						if strings.HasPrefix(d, pkg+"/") {
							continue
						}
						t.Errorf("%s: %s depends on %s", r.what, pkg, d)
					}
				}
			}
		}
	}
}

func matches(pkg string, pats []string) bool {
	for _, p := range pats {
		if pkg == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(pkg, p)) {
			return true
		}
	}
	return false
}
