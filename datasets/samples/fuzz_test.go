package samples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/ziptest"
)

// FuzzLoadZip feeds damaged RRUFF-style zip archives to the loader, which
// reads them in place: an error naming the archive, or a collection whose
// every sample has a spectrum; never a panic.
func FuzzLoadZip(f *testing.F) {
	f.Add(ziptest.Bytes(f, map[string]string{
		"Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt": "##NAMES=Calcite\n##IDEAL CHEMISTRY=CaCO_3_\n150, 1\n151, 2\n152, 1\n",
		"Calcite__R050127-1__Infrared__Infrared_Data_Processed__1077.txt":        "450, 1\n451, 2\n452, 1\n",
	}))
	f.Add(ziptest.Bytes(f, map[string]string{"../escape__R000001__Raman__x.txt": "1, 2\n3, 4\n"}))
	f.Add([]byte("PK\x03\x04 not really"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "set.zip")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, Options{})
		if err != nil {
			if !strings.Contains(err.Error(), "set.zip") {
				t.Fatalf("error %q does not name the archive", err)
			}
			return
		}
		for _, s := range c.Samples {
			n := 0
			for _, list := range s.Spectra {
				n += len(list)
			}
			if n == 0 {
				t.Fatalf("sample %s without a spectrum", s.Key)
			}
		}
	})
}
