package formats

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/internal/shareddata"
)

func TestReadMapLayouts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Rows are spectra, led by the pixel's column and row; x in the first row.
	var rows strings.Builder
	rows.WriteString("100,200,300,400\n")
	for r := range 2 {
		for c := range 3 {
			fmt.Fprintf(&rows, "%d,%d,%d,%d,%d,%d\n", c, r, c, r, 10*c+r, 1)
		}
	}
	// Columns are spectra; x down the first column.
	var cols strings.Builder
	cols.WriteString("shift,a,b,c,d\n")
	for i := range 6 {
		fmt.Fprintf(&cols, "%d,%d,%d,%d,%d\n", 100+10*i, i, 2*i, 3*i, 4*i)
	}
	folder := filepath.Join(dir, "raman", "pixels")
	for r := range 2 {
		for c := range 2 {
			write(filepath.Join("raman", "pixels", fmt.Sprintf("scan_X%d_Y%d.txt", c, r)), fmt.Sprintf("100 1\n200 %d\n300 1\n", 1+c+2*r))
		}
	}
	write(filepath.Join("raman", "pixels", "notes.md"), "not a pixel")
	for _, tc := range []struct {
		path          string
		opts          MapOptions
		width, height int
		points        int
		pixel         int     // a pixel to check …
		at            int     // … at this point
		want          float64 // … for this value
	}{
		{write("raman/rows.csv", rows.String()), MapOptions{}, 3, 2, 4, 4, 2, 11}, // col 1, row 1: 10c+r at x = 300
		{write("raman/cols.csv", cols.String()), MapOptions{Width: 2}, 2, 2, 6, 3, 5, 20},
		{folder, MapOptions{}, 2, 2, 3, 3, 1, 4},
	} {
		m, err := ReadMap(tc.path, tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if m.Width != tc.width || m.Height != tc.height || len(m.X) != tc.points {
			t.Errorf("%s: %d × %d pixels of %d points, want %d × %d of %d", tc.path, m.Width, m.Height, len(m.X), tc.width, tc.height, tc.points)
			continue
		}
		if got := m.Y[tc.pixel][tc.at]; got != tc.want {
			t.Errorf("%s: pixel %d point %d = %g, want %g", tc.path, tc.pixel, tc.at, got, tc.want)
		}
	}
	for _, bad := range []struct{ name, content, want string }{
		{"raman/one.csv", "100,1\n200,2\n300,3\n", "holds one spectrum"},
		{"raman/ragged.csv", "100,200,300\n1,2,3\n1,2\n4,5,6\n", "values where the row before had"},
		{"raman/odd.csv", "100,200,300\n1,2,3\n1,2,3\n4,5,6\n", "do not fill rows"},
	} {
		opts := MapOptions{}
		if bad.name == "raman/odd.csv" {
			opts.Width = 2
		}
		_, err := ReadMap(write(bad.name, bad.content), opts)
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), filepath.Base(bad.name)) {
			t.Errorf("%s: %v, want an error naming the file and saying %q", bad.name, err, bad.want)
		}
	}
}

// TestReadMapInstrumentFiles reads the WDF area map (45 × 49 pixels placed
// by their stage positions) and line map, and the 121-spectrum FTIR SPC.
func TestReadMapInstrumentFiles(t *testing.T) {
	dir := filepath.Join(shareddata.Dir(t), "instrument-files")
	for _, tc := range []struct {
		file          string
		opts          MapOptions
		width, height int
	}{
		{"wdf/wdfreader_Streamline.wdf", MapOptions{}, 45, 49},
		{"wdf/wdfreader_line.wdf", MapOptions{}, 235, 1},
		{"spc/rohanspc_4d_map.spc", MapOptions{Width: 11}, 11, 11},
	} {
		m, err := ReadMap(filepath.Join(dir, tc.file), tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if m.Width != tc.width || m.Height != tc.height {
			t.Errorf("%s: %d × %d pixels, want %d × %d", tc.file, m.Width, m.Height, tc.width, tc.height)
		}
		if tc.height > 1 && tc.opts.Width == 0 && (m.PosX == nil || !(m.PosX[1] > m.PosX[0]) || !(m.PosY[m.Width] > m.PosY[0])) {
			t.Errorf("%s: stage positions not kept in pixel order", tc.file)
		}
	}
}
