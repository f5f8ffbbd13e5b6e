// Package shareddata finds the real RRUFF spectra that tests use when they are
// present: $SPECTRO_TEST_DATA, or a "shared/data" folder beside the checkout
// (or any parent). Tests skip when there is none; the project never ships them.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the folder holding rruff-infrared/ and rruff-ir-raman-pairs/, or
// skips the test.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("SPECTRO_TEST_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Skip(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "shared", "data")
		if st, err := os.Stat(filepath.Join(cand, "rruff-ir-raman-pairs")); err == nil && st.IsDir() {
			return cand
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Skip("real RRUFF test data not found (set SPECTRO_TEST_DATA)")
	return ""
}
