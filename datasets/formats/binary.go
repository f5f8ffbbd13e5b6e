package formats

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"unicode/utf8"
)

// Helpers shared by the binary readers. Every offset and count read from a
// file is checked against the file's length before it is used, so a corrupt
// or hostile header gives a *ParseError, never a panic or a huge allocation.

var le = binary.LittleEndian

// span returns data[off:off+n], or a ParseError saying that what runs past
// the end of the file.
func span(data []byte, name string, off, n int64, what string) ([]byte, error) {
	if off < 0 || n < 0 || off > int64(len(data)) || n > int64(len(data))-off {
		end := off + n
		if off < 0 || n < 0 || end < 0 {
			return nil, errAt(name, 0, "%s lies outside the file (offset %d, %d bytes, file of %d)", what, off, n, len(data))
		}
		return nil, errAt(name, 0, "%s runs past the end of the file (byte %d of %d)", what, end, len(data))
	}
	return data[off : off+n], nil
}

// float32s decodes n little-endian float32 values at off.
func float32s(data []byte, name string, off, n int64, what string) ([]float64, error) {
	if n < 0 || n > int64(len(data))/4 {
		return nil, errAt(name, 0, "%s: %d values cannot fit in a file of %d bytes", what, n, len(data))
	}
	b, err := span(data, name, off, 4*n, what)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
	}
	return out, nil
}

// linspace gives n evenly spaced values from first to last (last exact).
func linspace(first, last float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = first + (last-first)*float64(i)/float64(max(n-1, 1))
	}
	if n > 1 {
		x[n-1] = last
	}
	return x
}

// cString reads a NUL-terminated (or field-filling) string from a fixed-size
// field. Instrument software writes its local code page, so bytes that are
// not UTF-8 are taken as Latin-1; control characters become spaces.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	var s string
	if utf8.Valid(b) {
		s = string(b)
	} else {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		s = string(r)
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// finite reports whether every value is a finite number.
func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
