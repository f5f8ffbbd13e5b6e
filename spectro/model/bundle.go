package model

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// BundleFile marks a model bundle: a folder holding one model folder per
// direction (each as Export writes it), loaded as one Generator whose For
// picks the member of the asked direction. The shipped "rruff" model is one:
// infrared, Raman and XRD in every direction.
const BundleFile = "bundle.json"

// Bundle is bundle.json.
type Bundle struct {
	Format int    `json:"format"`
	Name   string `json:"name"`
	// Members are the member folders (relative), the primary direction first.
	Members []string `json:"members"`
}

// IsModelDir reports whether dir holds a model or a bundle of models.
func IsModelDir(dir string) bool {
	return fileExists(filepath.Join(dir, InfoFile)) || fileExists(filepath.Join(dir, BundleFile))
}

// readBundle reads dir's bundle.json; ok is false when dir is not a bundle.
func readBundle(dir string) (b Bundle, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, BundleFile))
	if os.IsNotExist(err) {
		return b, false, nil
	}
	if err != nil {
		return b, true, err
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, true, fmt.Errorf("%s: %w", filepath.Join(dir, BundleFile), err)
	}
	if b.Format > FormatVersion {
		return b, true, fmt.Errorf("%s is a bundle of format %d; this program reads up to %d: update SpectroGen-Go", dir, b.Format, FormatVersion)
	}
	if len(b.Members) == 0 {
		return b, true, fmt.Errorf("%s: the bundle lists no models", filepath.Join(dir, BundleFile))
	}
	for _, m := range b.Members {
		if m == "" || filepath.IsAbs(m) || strings.Contains(filepath.ToSlash(m), "..") {
			return b, true, fmt.Errorf("%s: member %q is not a folder inside the bundle", filepath.Join(dir, BundleFile), m)
		}
	}
	return b, true, nil
}

// loadBundle loads every member of a bundle on one backend.
func loadBundle(dir string, b Bundle, backendConfig string) (*Generator, error) {
	members := map[Direction]*Generator{}
	var first *Generator
	for _, m := range b.Members {
		g, err := Load(filepath.Join(dir, m), backendConfig)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", dir, err)
		}
		if len(g.hp.modalities) > 0 {
			return nil, fmt.Errorf("bundle %s: member %s is multi-modal; a bundle holds one-direction models", dir, m)
		}
		if _, dup := members[g.dir]; dup {
			return nil, fmt.Errorf("bundle %s: two members translate %s", dir, g.dir)
		}
		members[g.dir] = g
		if first == nil {
			first = g
		}
	}
	for _, g := range members {
		g.members = members
	}
	return first, nil
}

// Directions lists what the generator translates: a bundle's every member,
// a multi-modal model's every pair, else its one direction.
func (g *Generator) Directions() []Direction {
	var out []Direction
	switch {
	case g.members != nil:
		for d := range g.members {
			out = append(out, d)
		}
	case len(g.hp.modalities) > 0:
		for _, a := range g.hp.modalities {
			for _, b := range g.hp.modalities {
				if a != b {
					out = append(out, Direction{a, b})
				}
			}
		}
	default:
		out = []Direction{g.dir}
	}
	slices.SortFunc(out, func(a, b Direction) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// WriteBundle makes dir a bundle of trained models: each exported (Export)
// into dir/<from>-<to>, the first the primary direction, and bundle.json
// written last, so a half-made bundle is never taken for a whole one.
func WriteBundle(dir, name string, models []string) error {
	if len(models) == 0 {
		return fmt.Errorf("a bundle needs at least one model")
	}
	b := Bundle{Format: FormatVersion, Name: name}
	seen := map[string]bool{}
	for _, src := range models {
		info, err := ReadInfo(src)
		if err != nil {
			return err
		}
		if len(info.Modalities) > 0 {
			return fmt.Errorf("%s is multi-modal; a bundle holds one-direction models", src)
		}
		m := string(info.From) + "-" + string(info.To)
		if seen[m] {
			return fmt.Errorf("two models translate %s → %s (%s)", info.From, info.To, src)
		}
		seen[m] = true
		if err := Export(src, filepath.Join(dir, m)); err != nil {
			return err
		}
		b.Members = append(b.Members, m)
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, BundleFile), append(data, '\n'))
}

// bundleModalities is the union of a bundle's members' modalities, in the
// fixed order of spectro.Modalities.
func bundleModalities(members map[Direction]*Generator) []spectro.Modality {
	var out []spectro.Modality
	for _, m := range spectro.Modalities {
		for d := range members {
			if d.From == m || d.To == m {
				out = append(out, m)
				break
			}
		}
	}
	return out
}
