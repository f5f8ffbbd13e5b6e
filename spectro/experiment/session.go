package experiment

import (
	"os"
	"path/filepath"
)

// SessionDir is a notebook's working folder for the current kernel session,
// named name: models trained in one cell are reused by later cells, never by
// another run. Under GoNB it is inside GoNB's own folder for the session
// (GONB_TMP_DIR); elsewhere in the temporary folder, by kernel id.
func SessionDir(name string) string {
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		return filepath.Join(d, name)
	}
	return filepath.Join(os.TempDir(), name+"-"+os.Getenv("GONB_JUPYTER_KERNEL_ID"))
}
