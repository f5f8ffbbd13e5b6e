package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// WriteCSV writes a spectrum as comma-separated text: "# key: value" comment
// lines with the modality and metadata, a column-name line, then x,y rows in
// full precision. Read takes it back equal.
func WriteCSV(w io.Writer, s *spectro.Spectrum) error {
	if err := s.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# modality: %s\n# x_unit: %s\n", s.Modality, s.Modality.XUnit())
	for _, kv := range [][2]string{{"mineral", s.Meta.Mineral}, {"rruff_id", s.Meta.RRUFFID}, {"chemistry", s.Meta.Chemistry}} {
		if kv[1] != "" {
			fmt.Fprintf(bw, "# %s: %s\n", kv[0], oneLine(kv[1]))
		}
	}
	for _, k := range s.Meta.ExtraKeys() {
		fmt.Fprintf(bw, "# %s: %s\n", strings.ReplaceAll(k, ":", "-"), oneLine(s.Meta.Extra[k]))
	}
	fmt.Fprintln(bw, "x,intensity")
	for i := range s.X {
		fmt.Fprintf(bw, "%s,%s\n", g(s.X[i]), g(s.Y[i]))
	}
	return bw.Flush()
}

// WriteFile writes a spectrum atomically, in JCAMP-DX for .jdx/.dx/.jcamp
// names and CSV otherwise.
func WriteFile(path string, s *spectro.Spectrum) error {
	var buf bytes.Buffer
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jdx", ".dx", ".jcamp":
		err = WriteJCAMP(&buf, s)
	default:
		err = WriteCSV(&buf, s)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, buf.Bytes())
}
