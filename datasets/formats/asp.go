package formats

import (
	"strconv"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Agilent MicroLab ASP is text, one number a line: the point count, the first
// and last x (cm⁻¹), three numbers of unknown meaning, then the intensities.
// Only Agilent's MicroLab FTIR software writes it, so the modality is infrared.

const aspHeaderLines = 6

// isASP tells an ASP file: an integer count, then numbers only, as many
// intensities as the count says.
func isASP(data []byte) bool {
	ls := nonEmptyLines(data, 8)
	if len(ls) < aspHeaderLines+2 {
		return false
	}
	n, err := strconv.Atoi(ls[0])
	if err != nil || n < 2 {
		return false
	}
	for _, l := range ls[1:] {
		if _, err := strconv.ParseFloat(l, 64); err != nil {
			return false
		}
	}
	return countNonEmptyLines(data) == n+aspHeaderLines
}

func parseASP(data []byte, name string) (*spectro.Spectrum, error) {
	var vals []float64
	var lineNo []int
	for i, l := range lines(data) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		v, err := strconv.ParseFloat(l, 64)
		if err != nil || !finite([]float64{v}) {
			return nil, errAt(name, i+1, "ASP value %q is not a finite number", clip(l))
		}
		vals, lineNo = append(vals, v), append(lineNo, i+1)
	}
	if len(vals) < aspHeaderLines {
		return nil, errAt(name, 0, "ASP file has %d lines, fewer than its %d-line header", len(vals), aspHeaderLines)
	}
	n := vals[0]
	if n != float64(int(n)) || n < 2 {
		return nil, errAt(name, lineNo[0], "ASP point count %g is not a count", n)
	}
	ys := vals[aspHeaderLines:]
	if int(n) != len(ys) {
		return nil, errAt(name, lineNo[0], "ASP header says %d points but the file holds %d", int(n), len(ys))
	}
	s := &spectro.Spectrum{Modality: spectro.Infrared, Meta: metaFromName(name), X: linspace(vals[1], vals[2], len(ys)), Y: ys}
	s.Meta.Set("XUNITS", "1/CM")
	return s, nil
}

func nonEmptyLines(data []byte, limit int) []string {
	var out []string
	for len(data) > 0 && len(out) < limit {
		i := 0
		for i < len(data) && data[i] != '\n' && data[i] != '\r' {
			i++
		}
		if l := strings.TrimSpace(string(data[:i])); l != "" {
			out = append(out, l)
		}
		for i < len(data) && (data[i] == '\n' || data[i] == '\r') {
			i++
		}
		data = data[i:]
	}
	return out
}

func countNonEmptyLines(data []byte) int {
	n := 0
	for _, l := range lines(data) {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}
