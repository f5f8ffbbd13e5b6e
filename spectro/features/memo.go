package features

import (
	"runtime"
	"sync"
	"weak"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Key names a fit of one spectrum (a loaded spectrum is not changed
// afterwards, so its pointer names its values) with K lines.
type Key struct {
	S *spectro.Spectrum
	K int
}

// Memo keeps the tables one caller has fitted: a spectrum that is the source
// or target of several pairs (the directions of a multi-modal model) is
// fitted once.
type Memo map[Key]spectro.PeakTable

// shared keeps every table Shared's callers fitted in this process: the
// folds of a cross-validation, and repeated trainings in a notebook, fit each
// spectrum once instead of once per model. Keys are weak pointers, and an
// entry goes when its spectrum is garbage-collected, so the cache never
// keeps a collection alive.
var shared = struct {
	sync.Mutex
	m map[sharedKey]spectro.PeakTable
}{m: map[sharedKey]spectro.PeakTable{}}

type sharedKey struct {
	s weak.Pointer[spectro.Spectrum]
	k int
}

// Shared returns the process's tables as a private Memo (FitAll writes into
// it) and a function that keeps its new fits for the next caller.
func Shared() (Memo, func(Memo)) {
	shared.Lock()
	c := make(Memo, len(shared.m))
	for k, v := range shared.m {
		if s := k.s.Value(); s != nil {
			c[Key{s, k.k}] = v
		}
	}
	shared.Unlock()
	return c, func(done Memo) {
		shared.Lock()
		defer shared.Unlock()
		for k, v := range done {
			key := sharedKey{weak.Make(k.S), k.K}
			if _, ok := shared.m[key]; !ok {
				runtime.AddCleanup(k.S, func(key sharedKey) {
					shared.Lock()
					delete(shared.m, key)
					shared.Unlock()
				}, key)
			}
			shared.m[key] = v
		}
	}
}
