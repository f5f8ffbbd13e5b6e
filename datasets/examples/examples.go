// Package examples ships a few real RRUFF spectra with the program (see
// README.md for the minerals and the citation): the infrared and Raman
// spectra of five samples and the powder diffraction patterns of two (one
// measured with a cobalt anode), for the demo and for trying the shipped model.
package examples

import (
	"embed"
	"io/fs"
	"path"
	"strings"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

//go:embed rruff/*.txt rruff/*.plv
var files embed.FS

// RRUFF returns the example samples, read from the embedded files.
func RRUFF() (*collection.Collection, error) {
	names, err := fs.Glob(files, "rruff/*.txt")
	if err != nil {
		return nil, err
	}
	plv, _ := fs.Glob(files, "rruff/*.plv")
	names = append(names, plv...)
	col := &collection.Collection{Dir: "examples/rruff"}
	byKey := map[string]*collection.Sample{}
	for _, name := range names {
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sp, err := formats.Read(strings.NewReader(string(data)), path.Base(name), formats.Options{})
		if err != nil {
			return nil, err
		}
		key := samples.DefaultKey(name, sp)
		s := byKey[key]
		if s == nil {
			s = &collection.Sample{Key: key, Mineral: sp.Meta.Mineral, Chemistry: sp.Meta.Chemistry,
				Spectra: map[spectro.Modality][]*spectro.Spectrum{}, Peaks: map[spectro.Modality]spectro.PeakTable{}}
			byKey[key] = s
			col.Samples = append(col.Samples, s)
		}
		s.Spectra[sp.Modality] = append(s.Spectra[sp.Modality], sp)
	}
	return col, nil
}

// Keys lists the example samples' keys (RRUFF id stems), which the shipped
// model was not trained on.
func Keys() []string {
	col, err := RRUFF()
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range col.Samples {
		out = append(out, s.Key)
	}
	return out
}
