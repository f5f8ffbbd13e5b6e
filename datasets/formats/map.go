package formats

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// MapOptions steer ReadMap.
type MapOptions struct {
	Options
	// Width folds pixels without positions into rows of this many (0: one
	// line of pixels, or a square when the count is a square).
	Width int
}

// ReadMap reads a spectral map as users have them:
//
//   - an instrument file holding many spectra (Renishaw WDF maps, multifile
//     SPC, OMNIC SPG): pixels placed by their stage positions where the file
//     gives them;
//   - a matrix in delimited text: the x axis in the first row and one
//     spectrum per further row (optionally led by the pixel's column and row),
//     or the x axis in the first column and one spectrum per further column;
//   - a folder of spectrum files whose names carry the pixel
//     ("map_X12_Y7.txt", "map_12_7.csv").
//
// Every pixel must share the first one's x axis (a folder's files are
// resampled onto it).
func ReadMap(path string, opts MapOptions) (*spectro.Map, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return readMapFolder(path, opts)
	}
	f, err := openBounded(path)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f) // openBounded has checked the size
	f.Close()
	if err != nil {
		return nil, err
	}
	if Detect(data) == Delimited {
		if m, ok, err := parseMatrix(data, path, opts); ok || err != nil {
			return m, err
		}
	}
	spectra, err := ReadAll(bytes.NewReader(data), path, opts.Options)
	if err != nil {
		return nil, err
	}
	if len(spectra) < 2 {
		return nil, errAt(path, 0, "holds one spectrum, not a map (a map is a multi-spectrum file, a matrix of spectra in text, or a folder of spectra named by pixel)")
	}
	var xs, ys []float64
	for _, s := range spectra {
		x, errX := strconv.ParseFloat(s.Meta.Extra["x"], 64)
		y, errY := strconv.ParseFloat(s.Meta.Extra["y"], 64)
		if errX != nil || errY != nil {
			xs, ys = nil, nil
			break
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return assemble(path, spectra, xs, ys, opts)
}

// assemble places the spectra on a pixel grid: by positions (xs, ys) when
// they fill a grid, else in rows of opts.Width.
func assemble(path string, spectra []*spectro.Spectrum, xs, ys []float64, opts MapOptions) (*spectro.Map, error) {
	first := spectra[0]
	m := &spectro.Map{Modality: first.Modality, X: first.X, Meta: first.Meta.Clone()}
	m.Meta.Source = path
	ys2 := make([][]float64, len(spectra))
	for i, s := range spectra {
		y := s.Y
		if !slices.Equal(s.X, first.X) {
			r, err := s.Resample(spectro.Grid{Start: first.X[0], Stop: first.X[len(first.X)-1], N: len(first.X)})
			if err != nil || !evenlySpaced(first.X) {
				return nil, errAt(path, 0, "pixel %d has its own x axis (%d points from %g), which does not match the first pixel's", i, s.Len(), s.X[0])
			}
			y = r.Y
		}
		ys2[i] = y
	}
	if xs != nil {
		cols, rows := distinct(xs), distinct(ys)
		if len(cols)*len(rows) == len(spectra) {
			m.Width, m.Height = len(cols), len(rows)
			m.Y = make([][]float64, len(spectra))
			for i := range spectra {
				c, r := sort.SearchFloat64s(cols, xs[i]), sort.SearchFloat64s(rows, ys[i])
				p := r*m.Width + c
				if m.Y[p] != nil {
					m.Y = nil
					break
				}
				m.Y[p] = ys2[i]
			}
			if m.Y != nil {
				m.PosX, m.PosY = make([]float64, len(spectra)), make([]float64, len(spectra))
				for r := range m.Height {
					for c := range m.Width {
						m.PosX[r*m.Width+c], m.PosY[r*m.Width+c] = cols[c], rows[r]
					}
				}
				return m, m.Validate()
			}
		}
	}
	w := opts.Width
	if w == 0 {
		w = len(spectra)
	}
	if w < 1 || len(spectra)%w != 0 {
		return nil, errAt(path, 0, "%d spectra do not fill rows of %d pixels", len(spectra), w)
	}
	m.Width, m.Height, m.Y = w, len(spectra)/w, ys2
	return m, m.Validate()
}

func distinct(v []float64) []float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return slices.Compact(s)
}

// parseMatrix reads a text matrix of spectra; ok is false when the text is
// not one (two columns: a single spectrum).
func parseMatrix(data []byte, path string, opts MapOptions) (m *spectro.Map, ok bool, err error) {
	var rows [][]float64
	var lines []int
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '\t' || r == ';' || r == ' ' })
		row := make([]float64, 0, len(fields))
		numeric := true
		for _, f := range fields {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				numeric = false
				break
			}
			row = append(row, v)
		}
		if !numeric {
			if len(rows) == 0 {
				continue // a header line
			}
			return nil, true, errAt(path, i+1, "not a number in a matrix of spectra: %q", line)
		}
		rows, lines = append(rows, row), append(lines, i+1)
	}
	if len(rows) < 3 || len(rows[0]) < 3 {
		return nil, false, nil
	}
	n := len(rows[1])
	for k, r := range rows[1:] {
		if len(r) != n {
			return nil, true, errAt(path, lines[k+1], "%d values where the row before had %d", len(r), n)
		}
	}
	name := filepath.Base(path)
	var spectra []*spectro.Spectrum
	var xs, ys []float64
	switch {
	case len(rows[0]) == n || len(rows[0])+2 == n: // x in the first row
		axis, lead := rows[0], n-len(rows[0])
		for _, r := range rows[1:] {
			s := &spectro.Spectrum{X: axis, Y: r[lead:]}
			spectra = append(spectra, s)
			if lead == 2 {
				xs, ys = append(xs, r[0]), append(ys, r[1])
			}
		}
	default:
		return nil, true, errAt(path, lines[0], "the first row has %d values and the others %d: want the x axis first (with 2 more values per row for the pixel's column and row, if any)", len(rows[0]), n)
	}
	// The x axis down the first column instead: more rows than columns and
	// an increasing or decreasing first column.
	if len(rows) > len(rows[0]) && monotonic(column(rows, 0)) && len(rows[0]) == n {
		spectra, xs, ys = nil, nil, nil
		axis := column(rows, 0)
		for c := 1; c < n; c++ {
			spectra = append(spectra, &spectro.Spectrum{X: axis, Y: column(rows, c)})
		}
	}
	for i, s := range spectra {
		t, err := finish(s, &decoded{}, path, Delimited, opts.Options)
		if err != nil {
			return nil, true, errAt(path, 0, "spectrum %d of %s: %v", i+1, name, strings.TrimPrefix(err.Error(), path+": "))
		}
		spectra[i] = t
	}
	m, err = assemble(path, spectra, xs, ys, opts)
	return m, true, err
}

func column(rows [][]float64, c int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[c]
	}
	return out
}

func monotonic(v []float64) bool {
	up, down := true, true
	for i := 1; i < len(v); i++ {
		up = up && v[i] > v[i-1]
		down = down && v[i] < v[i-1]
	}
	return up || down
}

// pixelName finds a pixel's column and row in a file name: "…X12_Y7…" or a
// name ending in "_12_7".
var pixelName = []*regexp.Regexp{
	regexp.MustCompile(`(?i)x[_=-]?(-?\d+(?:\.\d+)?)[_ -]*y[_=-]?(-?\d+(?:\.\d+)?)`),
	regexp.MustCompile(`[_-](-?\d+)[_-](-?\d+)$`),
}

func readMapFolder(dir string, opts MapOptions) (*spectro.Map, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var spectra []*spectro.Spectrum
	var xs, ys []float64
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		stem := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		var x, y float64
		found := false
		for _, re := range pixelName {
			if mm := re.FindStringSubmatch(stem); mm != nil {
				x, _ = strconv.ParseFloat(mm[1], 64)
				y, _ = strconv.ParseFloat(mm[2], 64)
				found = true
				break
			}
		}
		if !found {
			continue // notes, figures: not pixels
		}
		s, err := ReadFile(filepath.Join(dir, e.Name()), opts.Options)
		if err != nil {
			return nil, err
		}
		spectra, xs, ys = append(spectra, s), append(xs, x), append(ys, y)
	}
	if len(spectra) < 2 {
		return nil, errAt(dir, 0, "%d spectrum files named by pixel (…_X12_Y7.txt or …_12_7.txt); a map needs at least 2", len(spectra))
	}
	return assemble(dir, spectra, xs, ys, opts)
}
