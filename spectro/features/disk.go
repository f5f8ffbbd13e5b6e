package features

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"os"
	"path/filepath"
	"sync"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/gobfile"
)

// DiskCache keeps peak tables between processes in one gzipped gob file,
// keyed by Hash. It reads the file on first use, and each Store merges what
// other processes wrote meanwhile and rewrites it atomically; a damaged file
// is ignored and replaced. Off (and a nil *DiskCache) keeps nothing. Failing
// to write is not an error of the caller: the fits are simply not kept.
type DiskCache struct {
	path   string
	mu     sync.Mutex
	loaded bool
	m      map[string]spectro.PeakTable
}

// Off is a cache that keeps nothing: every spectrum is fitted, as one never
// seen before (where nil means "the default", as in model.TrainConfig, Off
// says "none").
var Off = &DiskCache{}

// OpenDisk returns the cache kept in path ("" : Off).
func OpenDisk(path string) *DiskCache {
	if path == "" {
		return Off
	}
	return &DiskCache{path: path}
}

// UserCachePath is the default cache file, in the user's cache folder
// ("" when there is none).
func UserCachePath() string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "spectrogen", "fits-v1.gob.gz")
}

var (
	userOnce  sync.Once
	userCache *DiskCache
)

// User is the cache in UserCachePath, one value per process (so its
// processes' fits are read once).
func User() *DiskCache {
	userOnce.Do(func() { userCache = OpenDisk(UserCachePath()) })
	return userCache
}

// Path is the cache's file ("" : Off).
func (c *DiskCache) Path() string {
	if c == nil {
		return ""
	}
	return c.path
}

// Lookup returns the table kept under key.
func (c *DiskCache) Lookup(key string) (spectro.PeakTable, bool) {
	if c == nil || c.path == "" {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		c.m, c.loaded = readFile(c.path), true
	}
	t, ok := c.m[key]
	return t, ok
}

// Store adds tables to the file.
func (c *DiskCache) Store(fits map[string]spectro.PeakTable) {
	if c == nil || c.path == "" || len(fits) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	merged := readFile(c.path) // what other processes wrote meanwhile
	for k, v := range c.m {
		merged[k] = v
	}
	for k, v := range fits {
		merged[k] = v
	}
	c.m, c.loaded = merged, true
	// Written at gzip's default level, not gobfile.Write's best: the cache
	// is rewritten after every training's new fits, and read back the same.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := gob.NewEncoder(zw).Encode(merged); err != nil {
		return
	}
	if zw.Close() != nil {
		return
	}
	_ = atomicfile.Write(c.path, buf.Bytes())
}

// readFile reads a cache file; a missing or damaged one reads as empty.
func readFile(path string) map[string]spectro.PeakTable {
	m := map[string]spectro.PeakTable{}
	f, err := os.Open(path)
	if err != nil {
		return m
	}
	defer f.Close()
	if err := gobfile.Read(f, &m, "fit cache"); err != nil {
		return map[string]spectro.PeakTable{}
	}
	return m
}
