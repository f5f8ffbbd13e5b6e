package rruff

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// DefaultBaseURL is where RRUFF publishes its zipped data files.
const DefaultBaseURL = "https://rruff.info/zipped_data_files"

// DataEnv names the environment variable holding the data cache folder.
const DataEnv = "SPECTRO_DATA"

// Sets lists RRUFF's zipped data sets per modality; the first is the default.
var Sets = map[spectro.Modality][]string{
	spectro.Raman:    {"excellent_unoriented", "excellent_oriented", "fair_unoriented", "fair_oriented", "ignore_unoriented", "LR-Raman"},
	spectro.Infrared: {"Processed", "RAW"},
	spectro.XRD:      {"XY_Processed", "XY_RAW", "DIF"},
}

// zipFolder is RRUFF's folder name for a modality in its download paths.
func zipFolder(m spectro.Modality) string {
	if m == spectro.XRD {
		return "powder"
	}
	return string(m)
}

// CacheDir is where downloaded data lives: $SPECTRO_DATA, else
// <user cache dir>/spectrogen (e.g. ~/.cache/spectrogen).
func CacheDir() (string, error) {
	if d := os.Getenv(DataEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder: set %s: %w", DataEnv, err)
	}
	return filepath.Join(d, "spectrogen"), nil
}

// Fetcher downloads RRUFF zips and extracts them into a cache.
type Fetcher struct {
	BaseURL  string       // default DefaultBaseURL
	Dir      string       // cache folder; default CacheDir()
	Client   *http.Client // default: 10 s to connect, 30 min in all
	Progress io.Writer    // download progress lines; nil for none
}

// completeMarker is written last into an extracted set; a set folder without it
// is not trusted.
const completeMarker = ".complete"

// Fetch makes the set available in the cache and returns its folder. A set
// already extracted completely is not downloaded again. The download goes to a
// temporary file, is checked (HTTP status, length, zip structure and every
// member's CRC-32), extracted into a temporary folder and only then renamed into
// place, so an interrupted or failed fetch never leaves a broken cache.
func (f Fetcher) Fetch(ctx context.Context, m spectro.Modality, set string) (string, error) {
	sets, ok := Sets[m]
	if !ok {
		return "", fmt.Errorf("RRUFF has no zipped data for modality %q", m)
	}
	if set == "" {
		set = sets[0]
	}
	if !contains(sets, set) {
		return "", fmt.Errorf("unknown RRUFF %s set %q: want one of %s", m, set, strings.Join(sets, ", "))
	}
	dir := f.Dir
	if dir == "" {
		var err error
		if dir, err = CacheDir(); err != nil {
			return "", err
		}
	}
	final := filepath.Join(dir, "rruff", string(m), set)
	if _, err := os.Stat(filepath.Join(final, completeMarker)); err == nil {
		f.logf("using cached %s\n", final)
		return final, nil
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	base := f.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	url := strings.TrimRight(base, "/") + "/" + zipFolder(m) + "/" + set + ".zip"

	zipPath, sum, err := f.download(ctx, url, parent)
	if err != nil {
		return "", err
	}
	defer os.Remove(zipPath)
	tmp, err := os.MkdirTemp(parent, "."+set+".partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	n, err := extract(zipPath, tmp)
	if err != nil {
		return "", fmt.Errorf("%s: %w", url, err)
	}
	marker := fmt.Sprintf("source: %s\nsha256: %s\nfiles: %d\nfetched: %s\n", url, sum, n, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(tmp, completeMarker), []byte(marker), 0o644); err != nil {
		return "", err
	}
	other, err := install(tmp, final)
	switch {
	case err != nil:
		return "", err
	case other:
		f.logf("another fetch completed %s meanwhile; using it\n", final)
	default:
		f.logf("extracted %d files into %s\n", n, final)
	}
	return final, nil
}

// install puts the extracted set tmp in place as final. A complete set is
// never removed: if another fetch (another process on the same cache)
// finished first, its set is kept and ours dropped; an incomplete folder from
// an interrupted attempt is set aside and removed. The rename is atomic, so a
// reader sees no set or a whole one. other reports that another fetch's set was kept.
func install(tmp, final string) (other bool, err error) {
	complete := func() bool {
		_, err := os.Stat(filepath.Join(final, completeMarker))
		return err == nil
	}
	for attempt := 0; attempt < 3; attempt++ {
		if complete() {
			return true, nil
		}
		if err := os.Rename(tmp, final); err == nil { // replaces a missing or empty folder
			return false, nil
		}
		if complete() {
			return true, nil
		}
		// An incomplete earlier attempt holds the name: move it aside first.
		stale, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+".stale-")
		if err != nil {
			return false, err
		}
		if err := os.Rename(final, filepath.Join(stale, "set")); err != nil && !os.IsNotExist(err) {
			os.RemoveAll(stale)
			return false, fmt.Errorf("cannot replace the incomplete %s: %w", final, err)
		}
		os.RemoveAll(stale)
	}
	return false, fmt.Errorf("cannot put the fetched set in place at %s", final)
}

func (f Fetcher) logf(format string, args ...any) {
	if f.Progress != nil {
		fmt.Fprintf(f.Progress, format, args...)
	}
}

func (f Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return &http.Client{
		Timeout: 30 * time.Minute,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
		},
	}
}

// ErrOffline wraps download failures that mean the server cannot be reached.
var ErrOffline = errors.New("cannot reach the RRUFF server")

func (f Fetcher) download(ctx context.Context, url, dir string) (zipPath, sum string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", "", err
	}
	f.logf("downloading %s\n", url)
	resp, err := f.client().Do(req)
	if err != nil {
		return "", "", fmt.Errorf("%w (%v).\nWithout network, use the embedded synthetic data (run commands without --data, or `spectrogen synth --out DIR`),\nor download RRUFF files yourself and pass their folder with --data", ErrOffline, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("%s: HTTP %s", url, resp.Status)
	}
	tmp, err := os.CreateTemp(dir, ".download-*.zip")
	if err != nil {
		return "", "", err
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	pr := &progressReader{r: resp.Body, total: resp.ContentLength, log: f.Progress, start: time.Now()}
	n, err := io.Copy(io.MultiWriter(tmp, h), pr)
	if err != nil {
		return "", "", fmt.Errorf("%s: download interrupted after %d bytes: %w", url, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return "", "", fmt.Errorf("%s: got %d bytes, the server announced %d", url, n, resp.ContentLength)
	}
	if err := tmp.Sync(); err != nil {
		return "", "", err
	}
	pr.done()
	return tmp.Name(), hex.EncodeToString(h.Sum(nil)), nil
}

// extract unpacks every regular file of the zip into dir (flattening nothing,
// refusing paths that leave dir), reading each member to the end so its CRC-32
// is checked.
func extract(zipPath, dir string) (int, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return 0, fmt.Errorf("not a valid zip file: %w", err)
	}
	defer zr.Close()
	names := make([]string, 0, len(zr.File))
	n := 0
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		clean := path.Clean(strings.ReplaceAll(zf.Name, `\`, "/"))
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return n, fmt.Errorf("zip member %q points outside the folder", zf.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return n, err
		}
		if err := copyMember(zf, dst); err != nil {
			return n, fmt.Errorf("zip member %q: %w", zf.Name, err)
		}
		names = append(names, clean)
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("the zip file holds no files")
	}
	sort.Strings(names)
	return n, nil
}

func copyMember(zf *zip.File, dst string) error {
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil { // archive/zip returns zip.ErrChecksum on a CRC mismatch
		w.Close()
		return err
	}
	return w.Close()
}

type progressReader struct {
	r         io.Reader
	total, n  int64
	log       io.Writer
	start     time.Time
	lastPrint time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	k, err := p.r.Read(b)
	p.n += int64(k)
	if p.log != nil && time.Since(p.lastPrint) > 2*time.Second {
		p.lastPrint = time.Now()
		if p.total > 0 {
			fmt.Fprintf(p.log, "  %.1f / %.1f MB (%.0f%%)\n", float64(p.n)/1e6, float64(p.total)/1e6, 100*float64(p.n)/float64(p.total))
		} else {
			fmt.Fprintf(p.log, "  %.1f MB\n", float64(p.n)/1e6)
		}
	}
	return k, err
}

func (p *progressReader) done() {
	if p.log != nil {
		fmt.Fprintf(p.log, "  %.1f MB in %.1fs\n", float64(p.n)/1e6, time.Since(p.start).Seconds())
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
