package rruff

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/internal/shareddata"
	"github.com/spectrogen-go/spectrogen/internal/ziptest"
	"github.com/spectrogen-go/spectrogen/spectro"
)

// rruffZip builds a zip laid out like RRUFF's Raman downloads.
func rruffZip(t *testing.T) []byte {
	return ziptest.Bytes(t, map[string]string{
		"Calcite__R050127-3__Raman__514__0__ccw__Raman_Data_Processed__5637.txt": "##NAMES=Calcite\n##RRUFFID=R050127\n##IDEAL CHEMISTRY=CaCO_3_\n150, 1\n151, 2\n152, 1\n##END=\n",
		"Albite__R040068-3__Raman__514__0__ccw__Raman_Data_Processed__1596.txt":  "##NAMES=Albite\n##RRUFFID=R040068\n##IDEAL CHEMISTRY=NaAlSi_3_O_8_\n480, 1\n481, 3\n482, 1\n##END=\n",
	})
}

func TestFetchExtractsAndCaches(t *testing.T) {
	body := rruffZip(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/raman/excellent_unoriented.zip" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	cache := t.TempDir()
	var log bytes.Buffer
	f := Fetcher{BaseURL: srv.URL, Dir: cache, Progress: &log}
	dir, err := f.Fetch(context.Background(), spectro.Raman, "")
	if err != nil {
		t.Fatal(err)
	}
	if dir != filepath.Join(cache, "rruff", "raman", "excellent_unoriented") {
		t.Errorf("extracted into %s", dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) != 2 {
		t.Fatalf("extracted %d files", len(files))
	}
	for _, p := range files {
		if _, err := formats.ReadFile(p, formats.Options{}); err != nil {
			t.Error(err)
		}
	}
	if _, err := f.Fetch(context.Background(), spectro.Raman, ""); err != nil || hits.Load() != 1 {
		t.Errorf("second fetch: err %v, %d downloads (want the cache to serve it)", err, hits.Load())
	}
	if !strings.Contains(log.String(), "using cached") {
		t.Errorf("progress log: %s", log.String())
	}
}

func TestFetchFailuresLeaveNoBrokenCache(t *testing.T) {
	good := rruffZip(t)
	corrupt := append([]byte(nil), good...)
	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	off, err := zr.File[0].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	corrupt[off+2] ^= 0x01 // inside the first member's compressed data
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "404"},
		{"truncated", func(w http.ResponseWriter, r *http.Request) { w.Write(good[:len(good)/2]) }, "not a valid zip"},
		{"crc", func(w http.ResponseWriter, r *http.Request) { w.Write(corrupt) }, "zip"},
		{"short body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000")
			w.Write(good)
		}, "bytes"},
	} {
		srv := httptest.NewServer(tc.handler)
		cache := t.TempDir()
		// A previous incomplete attempt must not be mistaken for a cache.
		os.MkdirAll(filepath.Join(cache, "rruff", "raman", "excellent_unoriented"), 0o755)
		_, err := Fetcher{BaseURL: srv.URL, Dir: cache}.Fetch(context.Background(), spectro.Raman, "")
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
		entries, _ := os.ReadDir(filepath.Join(cache, "rruff", "raman"))
		for _, e := range entries {
			if e.Name() != "excellent_unoriented" {
				t.Errorf("%s: left %s behind", tc.name, e.Name())
			}
			if _, err := os.Stat(filepath.Join(cache, "rruff", "raman", e.Name(), completeMarker)); err == nil {
				t.Errorf("%s: a failed fetch marked the cache complete", tc.name)
			}
		}
	}
}

func TestFetchOfflineFailsFastWithHint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	_, err := Fetcher{BaseURL: url, Dir: t.TempDir()}.Fetch(context.Background(), spectro.Infrared, "Processed")
	if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "synthetic") {
		t.Errorf("offline error %v", err)
	}
	if _, err := (Fetcher{BaseURL: url, Dir: t.TempDir()}).Fetch(context.Background(), spectro.Infrared, "nope"); err == nil || !strings.Contains(err.Error(), "Processed") {
		t.Errorf("unknown set: %v", err)
	}
}

// TestFetchFaultsThenRetry: a dropped connection, a server error and a server
// too slow to answer each fail with a clear error, keep a complete cache of
// another set untouched, leave nothing half-written, and a retry against a
// working server succeeds.
func TestFetchFaultsThenRetry(t *testing.T) {
	good := rruffZip(t)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		client  *http.Client
		want    string
	}{
		{"connection dropped mid-transfer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.WriteHeader(http.StatusOK)
			w.Write(good[:len(good)/3])
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, nil, "download interrupted"},
		{"server error", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}, nil, "HTTP 500"},
		{"slow server", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}, &http.Client{Timeout: 300 * time.Millisecond}, "Timeout"},
	} {
		cache := t.TempDir()
		// A complete cache of another set must come through untouched.
		other := filepath.Join(cache, "rruff", "infrared", "Processed")
		os.MkdirAll(other, 0o755)
		os.WriteFile(filepath.Join(other, completeMarker), []byte("source: test\n"), 0o644)
		os.WriteFile(filepath.Join(other, "a.txt"), []byte("100, 1\n"), 0o644)

		bad := httptest.NewServer(tc.handler)
		_, err := Fetcher{BaseURL: bad.URL, Dir: cache, Client: tc.client}.Fetch(context.Background(), spectro.Raman, "")
		bad.CloseClientConnections()
		bad.Close()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
		if b, err := os.ReadFile(filepath.Join(other, "a.txt")); err != nil || string(b) != "100, 1\n" {
			t.Errorf("%s: the other set's cache was touched: %v", tc.name, err)
		}
		entries, _ := os.ReadDir(filepath.Join(cache, "rruff", "raman"))
		for _, e := range entries {
			t.Errorf("%s: left %s behind", tc.name, e.Name())
		}
		ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(good) }))
		dir, err := Fetcher{BaseURL: ok.URL, Dir: cache}.Fetch(context.Background(), spectro.Raman, "")
		ok.Close()
		if files, _ := filepath.Glob(filepath.Join(dir, "*.txt")); err != nil || len(files) != 2 {
			t.Errorf("%s: retry: %v, %d files", tc.name, err, len(files))
		}
	}
}

// TestConcurrentFetchesShareOneCache runs two fetches of one set at once on
// one cache (as two `spectrogen fetch` processes would): both succeed, and
// the cache ends with one complete set.
func TestConcurrentFetchesShareOneCache(t *testing.T) {
	good := rruffZip(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond) // both downloads are in flight together
		w.Write(good)
	}))
	defer srv.Close()
	cache := t.TempDir()
	var logs [2]bytes.Buffer
	dirs, errs := make([]string, 2), make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = Fetcher{BaseURL: srv.URL, Dir: cache, Progress: &logs[i]}.Fetch(context.Background(), spectro.Raman, "")
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("fetch %d: %v", i, errs[i])
		}
		if files, _ := filepath.Glob(filepath.Join(dirs[i], "*.txt")); len(files) != 2 {
			t.Errorf("fetch %d: %d files in %s", i, len(files), dirs[i])
		}
	}
	if dirs[0] != dirs[1] {
		t.Errorf("two caches: %s and %s", dirs[0], dirs[1])
	}
	// One set was put in place; the other fetch kept it instead of replacing it.
	if n := strings.Count(logs[0].String()+logs[1].String(), "extracted"); n != 1 {
		t.Errorf("%d fetches installed their set, want 1:\n%s\n%s", n, logs[0].String(), logs[1].String())
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "rruff", "raman"))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("cache holds %v, want only the set", names)
	}
}

// TestFetchRealRRUFFArchive serves RRUFF's own Raman archive as RRUFF serves
// it and fetches it, then the same archive cut short.
func TestFetchRealRRUFFArchive(t *testing.T) {
	zipPath := filepath.Join(shareddata.Dir(t), "rruff-zips", "excellent_unoriented.zip")
	body, err := os.ReadFile(zipPath)
	if err != nil {
		t.Skip(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			want++
		}
	}
	serve := func(b []byte) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/zip")
			http.ServeContent(w, r, "excellent_unoriented.zip", time.Time{}, bytes.NewReader(b))
		}))
	}
	cache := t.TempDir()
	cut := serve(body[:len(body)-len(body)/10])
	_, err = Fetcher{BaseURL: cut.URL, Dir: cache}.Fetch(context.Background(), spectro.Raman, "")
	cut.Close()
	if err == nil || !strings.Contains(err.Error(), "zip") {
		t.Errorf("truncated real archive: %v", err)
	}
	srv := serve(body)
	defer srv.Close()
	dir, err := Fetcher{BaseURL: srv.URL, Dir: cache}.Fetch(context.Background(), spectro.Raman, "")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) != want {
		t.Errorf("extracted %d of the archive's %d files", len(files), want)
	}
}
