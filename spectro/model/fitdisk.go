package model

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// The peak fits of training data are also kept on disk, so a new `train` or
// `crossval` run on the same spectra does not fit them again (about a minute
// for 1,400 RRUFF pairs on 2 cores). The cache is one gzipped gob file in
// the user cache folder, keyed by a hash of the grid, the spectrum's values
// on it and the fit settings; SPECTRO_FIT_CACHE names another file, or "off"
// turns it off. It is written atomically after new fits (merging what another
// process may have written meanwhile); a damaged file is ignored and replaced.

// fitCacheVersion changes when the fit settings that prepare uses change
// (shape, MaxEval, baseline, the solver), so old tables are not reused.
const fitCacheVersion = "v3 trust-region solver (Gram/LQ), pvoigt maxeval=300 baseline=0"

var diskFits struct {
	sync.Mutex
	loaded bool
	m      map[string]spectro.PeakTable
}

// fitCachePath is the cache file ("" when the cache is off).
func fitCachePath() string {
	switch p := os.Getenv("SPECTRO_FIT_CACHE"); p {
	case "off", "0", "false":
		return ""
	case "":
	default:
		return p
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "spectrogen", "fits-v1.gob.gz")
}

// fitHash keys a fit of y on xs with k peaks.
func fitHash(xs, y []float64, k int) string {
	h := sha256.New()
	h.Write([]byte(fitCacheVersion))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k))
	h.Write(b[:])
	writeFloats(h, []float64{xs[0], xs[len(xs)-1], float64(len(xs))}, y)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeFloats feeds the bits of each value to h, in order.
func writeFloats(h io.Writer, vs ...[]float64) {
	var b [8]byte
	for _, v := range vs {
		for _, f := range v {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
			h.Write(b[:])
		}
	}
}

func readFitFile(path string) map[string]spectro.PeakTable {
	m := map[string]spectro.PeakTable{}
	data, err := os.ReadFile(path)
	if err != nil {
		return m
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return m
	}
	if err := gob.NewDecoder(zr).Decode(&m); err != nil {
		return map[string]spectro.PeakTable{}
	}
	return m
}

// lookupFit returns a cached fit.
func lookupFit(key string) (spectro.PeakTable, bool) {
	path := fitCachePath()
	if path == "" {
		return nil, false
	}
	diskFits.Lock()
	defer diskFits.Unlock()
	if !diskFits.loaded {
		diskFits.m, diskFits.loaded = readFitFile(path), true
	}
	t, ok := diskFits.m[key]
	return t, ok
}

// storeFits adds new fits to the cache file. Failing to write a cache is not
// an error of the training: the fits are simply not kept.
func storeFits(fits map[string]spectro.PeakTable) {
	path := fitCachePath()
	if path == "" || len(fits) == 0 {
		return
	}
	diskFits.Lock()
	defer diskFits.Unlock()
	merged := readFitFile(path) // what other processes wrote meanwhile
	for k, v := range diskFits.m {
		merged[k] = v
	}
	for k, v := range fits {
		merged[k] = v
	}
	diskFits.m, diskFits.loaded = merged, true
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(merged); err != nil {
		return
	}
	if zw.Close() != nil {
		return
	}
	_ = atomicfile.Write(path, buf.Bytes())
}
