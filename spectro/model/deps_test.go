package model

import (
	"os/exec"
	"strings"
	"testing"
)

// The model takes examples, not files: it must not depend on the data
// packages (readers, downloads, the synthetic generator), so data flows one
// way, datasets → collection → model.
func TestModelDoesNotDependOnDatasets(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.Contains(dep, "/spectrogen/datasets") {
			t.Errorf("spectro/model depends on %s", dep)
		}
	}
}
