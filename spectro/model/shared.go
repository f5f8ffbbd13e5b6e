package model

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// SharedDir is the folder TrainShared keeps its models in:
// $SPECTRO_SHARED_MODELS, else the user cache folder's spectrogen/shared-models.
func SharedDir() (string, error) {
	if d := os.Getenv("SPECTRO_SHARED_MODELS"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no folder for shared models (set SPECTRO_SHARED_MODELS): %w", err)
	}
	return filepath.Join(base, "spectrogen", "shared-models"), nil
}

// TrainShared returns the model cfg trains, training it only if no earlier
// program has: the model is kept in SharedDir under a hash of the
// configuration and of its data, so several programs that need one model —
// the notebooks, each a kernel of its own, and every GoNB cell a program —
// train it once. cfg.OutDir is ignored. A model is trained in a folder of
// its own and renamed into place when complete, so a run killed while
// training leaves nothing another program would take for a model; a program
// that needs a model another is training waits for it (a lock file beside it).
func TrainShared(cfg TrainConfig) (*Generator, error) {
	root, err := SharedDir()
	if err != nil {
		return nil, err
	}
	key, err := sharedModelKey(cfg)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, key)
	if g, err := Load(dir, cfg.Backend); err == nil {
		return g, nil
	} else if _, statErr := os.Stat(dir); statErr == nil {
		// A model from another version of the program that no longer loads:
		// set it aside and train afresh.
		if err := os.Rename(dir, dir+".old-"+randomSuffix()); err != nil {
			return nil, fmt.Errorf("shared model %s does not load and cannot be set aside: %w", dir, err)
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	// One program trains a model at a time; the others wait for it and load
	// what it made (notebooks run side by side need the same model).
	unlock, err := lockFile(filepath.Join(root, key+".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if g, err := Load(dir, cfg.Backend); err == nil {
		return g, nil
	}
	tmp, err := os.MkdirTemp(root, key+".training-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // gone once renamed; else what an unfinished or losing run left
	cfg.OutDir = tmp
	if _, err := Train(cfg); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr != nil { // not another program's model
			return nil, fmt.Errorf("keeping the shared model: %w", err)
		}
	}
	return Load(dir, cfg.Backend)
}

// sharedModelKey names a training configuration and its data.
func sharedModelKey(cfg TrainConfig) (string, error) {
	if cfg.Augment != nil || cfg.References != nil || cfg.Init != "" || cfg.OnStep != nil {
		return "", fmt.Errorf("TrainShared takes in-memory pairs or a collection, without augmenting data, references, an initial model or a step callback")
	}
	prior := cfg.Prior
	if p, err := ParsePrior(string(prior)); err == nil {
		prior = p // "voigt" and "tch" train the same model
	}
	h := sha256.New()
	fmt.Fprintf(h, "format %d|%s|%s|%v|%d|%d|%s|%s|%s|%g|%q|%q|", FormatVersion, cfg.From, cfg.To, cfg.Modalities, cfg.Steps, cfg.Seed,
		prior, cfg.Settings, cfg.Split, cfg.ValFraction, cfg.Exclude, append(cfg.HoldOut, cfg.HoldOutSamples...))
	if cfg.Collection != nil {
		for _, s := range cfg.Collection.Samples {
			fmt.Fprintf(h, "sample %s %s|", s.Key, s.Mineral)
			for _, m := range spectro.Modalities {
				for _, sp := range s.Spectra[m] {
					hashSpectrum(h, sp)
				}
			}
		}
	}
	for _, ps := range [][]collection.Pair{cfg.TrainPairs, cfg.ValPairs} {
		fmt.Fprintf(h, "pairs %d|", len(ps))
		for _, p := range ps {
			fmt.Fprintf(h, "%s %s|", p.Sample.Key, p.Sample.Mineral)
			hashSpectrum(h, p.Source)
			hashSpectrum(h, p.Target)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

func hashSpectrum(h hash.Hash, s *spectro.Spectrum) {
	io.WriteString(h, string(s.Modality))
	spectro.WriteFloatBits(h, s.X, s.Y)
}

func randomSuffix() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
