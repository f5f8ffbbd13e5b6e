// Package pretrained holds the models that ship with SpectroGen-Go, embedded
// in the program, so a fresh checkout generates without training:
//
//	gen, err := pretrained.Load("rruff", "")        // every direction, trained on RRUFF
//	toXRD, err := gen.For(spectro.Raman, spectro.XRD) // gen itself is infrared → Raman
//	out, err := toXRD.Generate([]*spectro.Spectrum{raman}, 50, 1)
//	fmt.Println(retrieval.Describe(out[0].Neighbours, 3), out[0].Lower, out[0].Upper)
//
// "rruff" is a bundle of six retrieval-augmented models, one per direction
// among infrared, Raman and X-ray powder diffraction, trained on RRUFF's
// infrared and Raman files and its powder DIF files of the same samples
// (see the model card in the README; retrain with train-rruff.sh); each
// member's neighbour library holds its pairs and its band is calibrated on
// held-out species. RRUFF data: B. Lafuente, R. T. Downs, H. Yang, N. Stone,
// "The power of databases: the RRUFF project", in Highlights in
// Mineralogical Crystallography, 2015, pp. 1–30.
//
// A model is unpacked once into the user's cache folder
// (~/.cache/spectrogen/models), named by its content hash, written atomically.
package pretrained

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/spectrogen-go/spectrogen/spectro/model"
)

//go:embed models
var models embed.FS

// Names lists the shipped models.
func Names() []string {
	entries, _ := models.ReadDir("models")
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether name is a shipped model.
func Has(name string) bool {
	st, err := fs.Stat(models, path.Join("models", name))
	return err == nil && st.IsDir()
}

// Dir unpacks the shipped model name (once) and returns its folder.
func Dir(name string) (string, error) {
	if !Has(name) {
		return "", fmt.Errorf("no shipped model %q (there are: %v)", name, Names())
	}
	root := path.Join("models", name)
	var files []string
	h := sha256.New()
	err := fs.WalkDir(models, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := models.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, p)
		h.Write([]byte(p))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, name+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	if model.IsModelDir(dir) {
		return dir, nil
	}
	// Unpack into a temporary folder beside the final one, then rename: a
	// crash or a second process never leaves a half-written model there.
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(cache, "."+name+"-unpack*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, p := range files {
		rel, _ := filepath.Rel(filepath.FromSlash(root), filepath.FromSlash(p))
		data, _ := models.ReadFile(p)
		out := filepath.Join(tmp, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if model.IsModelDir(dir) {
			return dir, nil // another process unpacked it first
		}
		return "", fmt.Errorf("unpacking model %s: %w", name, err)
	}
	return dir, nil
}

// Load opens a shipped model for generation (backendConfig as model.Load).
func Load(name, backendConfig string) (*model.Generator, error) {
	dir, err := Dir(name)
	if err != nil {
		return nil, err
	}
	return model.Load(dir, backendConfig)
}

// Resolve turns a model argument (the command's --model) into a model folder: an existing folder
// as it is, else the name of a shipped model.
func Resolve(arg string) (string, error) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return arg, nil
	}
	if Has(arg) {
		return Dir(arg)
	}
	return "", fmt.Errorf("model %q: no such model folder, and no shipped model of that name (shipped: %v)", arg, Names())
}

// cacheDir is where shipped models are unpacked: the user's cache
// (~/.cache/spectrogen/models), or the temporary folder without one.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "spectrogen", "models"), nil
	}
	return filepath.Join(base, "spectrogen", "models"), nil
}
