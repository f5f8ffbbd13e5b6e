package experiment

import (
	"io"

	"github.com/spectrogen-go/spectrogen/spectro/gobfile"
)

// Save writes the report with its per-pair results (scores, generated
// spectra, test pairs) to path as a gzipped gob, atomically: evaluate once,
// read it back in a later notebook cell or script (ReadReport).
func (r *Report) Save(path string) error { return gobfile.Write(path, r) }

// ReadReport reads a report Save wrote, naming the file in any error.
func ReadReport(path string) (*Report, error) {
	return gobfile.Open(path, func(rd io.Reader) (*Report, error) {
		var r Report
		if err := gobfile.Read(rd, &r, "SpectroGen evaluation report"); err != nil {
			return nil, err
		}
		return &r, nil
	})
}
