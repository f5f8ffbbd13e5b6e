package pretrained

import (
	"bytes"
	"embed"
	"fmt"
	"sync"

	"github.com/spectrogen-go/spectrogen/spectro/identify"
)

// The shipped reference library for identification: RRUFF's infrared and
// Raman spectra and powder patterns of the samples the shipped model was
// trained on, with AMCSD's species-level patterns, calibrated (rebuild it
// with build-library.sh).
//
//go:embed libraries
var libraries embed.FS

// IdentifyLibraryFile is the shipped library's path inside the embedded files.
const IdentifyLibraryFile = "libraries/rruff.gob.gz"

var (
	libOnce sync.Once
	lib     *identify.Library
	libErr  error
)

// IdentifyLibrary returns the shipped reference library (decoded once; the
// result is shared, so do not modify it).
func IdentifyLibrary() (*identify.Library, error) {
	libOnce.Do(func() {
		data, err := libraries.ReadFile(IdentifyLibraryFile)
		if err != nil {
			libErr = fmt.Errorf("the shipped reference library is missing: %w", err)
			return
		}
		lib, libErr = identify.Read(bytes.NewReader(data))
		if libErr != nil {
			libErr = fmt.Errorf("the shipped reference library: %w", libErr)
		}
	})
	return lib, libErr
}
