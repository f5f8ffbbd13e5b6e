// Package features fits the peak tables the model reads from spectra — a
// pseudo-Voigt fit of up to k lines on a constant baseline, the source's
// "distribution representation" — and keeps them, so a spectrum is fitted
// once: across the directions of one training (Memo), across the trainings
// of one process (Shared), and across processes (DiskCache, a file passed in
// as a value; the model uses the user cache folder's by default).
//
// Fitting 1,400 RRUFF spectra takes about a minute on 2 cores; the caches make
// a second training, a cross-validation's next fold or a notebook's next
// cell skip it.
package features

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/fit"
	"github.com/spectrogen-go/spectrogen/spectro/lineshape"
)

// Version names the fit settings below; it is part of every disk-cache key,
// and changes with them (shape, MaxEval, baseline, the solver), so tables
// fitted otherwise are not reused.
const Version = "v3 trust-region solver (Gram/LQ), pvoigt maxeval=300 baseline=0"

// guess and options are the fit settings Version names.
func guess(k int) fit.GuessOptions { return fit.GuessOptions{MaxPeaks: k, Baseline: 0} }

var options = fit.Options{MaxEval: 300}

// Fit fits up to k pseudo-Voigt lines to y on x; nil when the fit fails (a
// flat spectrum, too few points): the model reads an empty table then.
func Fit(x, y []float64, k int) spectro.PeakTable {
	m, err := fit.Guess(x, y, lineshape.PseudoVoigt, guess(k))
	if err != nil {
		return nil
	}
	r, err := fit.Fit(x, y, m, options)
	if err != nil {
		return nil
	}
	return r.Peaks()
}

// Hash keys a fit of y on xs with k lines in a DiskCache: the settings'
// Version, k, the grid's ends and size, and every value's bits.
func Hash(xs, y []float64, k int) string {
	h := sha256.New()
	h.Write([]byte(Version))
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(k))
	h.Write(b[:])
	spectro.WriteFloatBits(h, []float64{xs[0], xs[len(xs)-1], float64(len(xs))}, y)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Tables fits spectra already on their grids (as generation reads them), on
// all cores, taking each from disk when an earlier run fitted the same
// values; the new fits go to disk in one write.
func Tables(ons []*spectro.Spectrum, k int, disk *DiskCache) []spectro.PeakTable {
	memo := Memo{}
	reqs := make([]Request, len(ons))
	for i, on := range ons {
		reqs[i] = Request{Key{on, k}, on.X, on.Y}
	}
	_ = FitAll(context.Background(), reqs, memo, disk) // a background context is never cancelled
	tables := make([]spectro.PeakTable, len(ons))
	for i, on := range ons {
		tables[i] = memo[Key{on, k}]
	}
	return tables
}

// Request is one spectrum to fit for a batch: its key in the Memo, and its
// values on their grid.
type Request struct {
	Key  Key
	X, Y []float64
}

// FitAll fits the requests memo and disk do not already hold, as one batch
// on all cores (fit.FitBatch), and records every table in memo (a failed fit
// as nil) and the new ones on disk. A request repeated, or already in memo,
// is fitted once.
func FitAll(ctx context.Context, reqs []Request, memo Memo, disk *DiskCache) error {
	var jobs []fit.Job
	var keys []Key
	var hashes []string
	queued := map[Key]bool{}
	for _, r := range reqs {
		if _, done := memo[r.Key]; done || queued[r.Key] {
			continue
		}
		hash := Hash(r.X, r.Y, r.Key.K)
		if t, ok := disk.Lookup(hash); ok {
			memo[r.Key] = t
			continue
		}
		queued[r.Key] = true
		jobs = append(jobs, fit.Job{X: r.X, Y: r.Y, Shape: lineshape.PseudoVoigt, Guess: guess(r.Key.K)})
		keys = append(keys, r.Key)
		hashes = append(hashes, hash)
	}
	results := fit.FitBatch(ctx, jobs, options, 0, nil)
	if err := ctx.Err(); err != nil {
		return err
	}
	fresh := map[string]spectro.PeakTable{}
	for j, r := range results {
		var table spectro.PeakTable
		if r.Err == nil {
			table = r.Result.Peaks()
		}
		memo[keys[j]] = table
		fresh[hashes[j]] = table
	}
	disk.Store(fresh)
	return nil
}
