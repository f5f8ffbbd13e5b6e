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
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
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
