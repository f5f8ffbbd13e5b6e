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

// Float64s widens float32 values (the model's tensors, stored libraries) to
// float64, the precision spectra and metrics work in.
func Float64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
