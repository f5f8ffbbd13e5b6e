package spectro

import (
	"encoding/binary"
	"io"
	"math"
)

// WriteFloatBits feeds the bits of each value to w, in order, little-endian:
// the content of a spectrum for a hash that keys a cache (same bits, same
// key; no rounding).
func WriteFloatBits(w io.Writer, vs ...[]float64) {
	var b [8]byte
	for _, v := range vs {
		for _, f := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
			w.Write(b[:])
		}
	}
}
