package model

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadInfo feeds arbitrary model.json files to the model-folder reader:
// an error or a description with a direction, never a panic.
func FuzzReadInfo(f *testing.F) {
	f.Add([]byte(`{"format": 1, "from": "infrared", "to": "raman", "prior": "pvoigt", "from_grid": {"min": 400, "max": 4000, "n": 1024}, "to_grid": {"min": 100, "max": 1500, "n": 1024}, "data": {"source": "synthetic(seed=1)", "pairs": 10}}`))
	f.Add([]byte(`{"format": 99, "from": "infrared", "to": "raman"}`))
	f.Add([]byte(`{"from": "infrared", "to": "raman", "modalities": ["infrared", "raman", "xrd"], "directions": ["infrared→raman"]}`))
	f.Add([]byte(`{"from": 3}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, InfoFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := ReadInfo(dir)
		if err != nil {
			return
		}
		if info.From == "" || info.To == "" || info.Format > FormatVersion {
			t.Fatalf("accepted a description without a direction or from a newer format: %+v", info)
		}
	})
}
