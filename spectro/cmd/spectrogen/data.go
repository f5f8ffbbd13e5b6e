package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/datasets/rruff"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/chem"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

func init() {
	register(command{"info", "describe spectrum files or folders (format, modality, range, metadata, pairing)", runInfo})
	register(command{"synth", "write the synthetic multi-modal dataset as files", runSynth})
	register(command{"fetch", "download RRUFF spectra into the local cache", runFetch})
	register(command{"convert", "convert spectra to CSV or JCAMP-DX, optionally onto a grid", runConvert})
}

// fileInfo is the JSON form of "info" for one file.
type fileInfo struct {
	File     string           `json:"file"`
	Format   string           `json:"format"`
	Modality spectro.Modality `json:"modality"`
	Points   int              `json:"points"`
	XMin     float64          `json:"x_min"`
	XMax     float64          `json:"x_max"`
	Class    chem.Class       `json:"class,omitempty"`
	Meta     spectro.Metadata `json:"metadata"`
}

func runInfo(ctx context.Context, args []string) error {
	fs := newFlags("info", "[--json] [--modality M] FILE|DIR|ZIP|A,B,...")
	asJSON := fs.Bool("json", false, "one JSON object per file (folders: per file too)")
	modality := fs.String("modality", "", "modality of files whose name and folder do not say it")
	wavelength := fs.String("wavelength", "", wavelengthHelp)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("name at least one file or folder")
	}
	opts, err := readOptions(*modality, *wavelength)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, path := range fs.Args() {
		many := strings.Contains(path, ",") // several sources read as one collection
		var st os.FileInfo
		if !many {
			if st, err = os.Stat(path); err != nil {
				return err
			}
		}
		if many || st.IsDir() || strings.EqualFold(filepath.Ext(path), ".zip") {
			c, err := samples.Load(path, samples.Options{Modality: opts.Modality, Wavelength: opts.Wavelength})
			if err != nil {
				return err
			}
			if *asJSON {
				for _, s := range c.Samples {
					for _, list := range s.Spectra {
						for _, sp := range list {
							enc.Encode(describe(sp, ""))
						}
					}
				}
				continue
			}
			fmt.Print(c.Summary())
			for _, e := range c.Errors {
				fmt.Printf("  error: %v\n", e.Err)
			}
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		format := formats.Detect(data)
		if format == formats.DIF {
			ds, err := formats.ReadDIFs(strings.NewReader(string(data)), path)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if *asJSON {
					enc.Encode(map[string]any{"file": path, "format": format.String(), "metadata": d.Meta, "cell": d.Cell, "space_group": d.SpaceGroup, "wavelength": d.Wavelength, "peaks": d.Peaks})
					continue
				}
				name := d.Meta.Mineral
				if code := d.Meta.Extra[formats.AMCSDCodeKey]; code != "" {
					name += " (AMCSD " + code + ")"
				}
				fmt.Printf("%s: %s, %s, %d reflections, cell %v, space group %s, λ %g Å\n", path, format, name, len(d.Peaks), d.Cell, d.SpaceGroup, d.Wavelength)
			}
			continue
		}
		s, err := formats.ReadFile(path, opts)
		if err != nil {
			return err
		}
		fi := describe(s, format.String())
		if *asJSON {
			enc.Encode(fi)
			continue
		}
		fmt.Printf("%s\n  format    %s\n  modality  %s\n  points    %d, %g–%g %s\n", path, fi.Format, s.Modality.Title(), fi.Points, float32(fi.XMin), float32(fi.XMax), s.Modality.XUnit()) // float32: instruments store x so; more digits are noise
		for _, kv := range [][2]string{{"mineral", s.Meta.Mineral}, {"rruff id", s.Meta.RRUFFID}, {"chemistry", s.Meta.Chemistry}, {"class", string(fi.Class)}} {
			if kv[1] != "" {
				fmt.Printf("  %-9s %s\n", kv[0], kv[1])
			}
		}
		for _, k := range s.Meta.ExtraKeys() {
			fmt.Printf("  %-9s %s\n", strings.ToLower(k), s.Meta.Extra[k])
		}
	}
	return nil
}

func describe(s *spectro.Spectrum, format string) fileInfo {
	lo, hi := s.Range()
	fi := fileInfo{File: s.Meta.Source, Format: format, Modality: s.Modality, Points: s.Len(), XMin: lo, XMax: hi, Meta: s.Meta}
	if s.Meta.Chemistry != "" {
		fi.Class = chem.Classify(s.Meta.Chemistry)
	}
	return fi
}

// wavelengthHelp is the help of every --wavelength flag.
const wavelengthHelp = "X-ray wavelength in Å or anode (Cu, Co, Fe, Cr, Mo, Ag) of diffraction patterns whose file states none (default Cu Kα); patterns are moved to Cu Kα 2θ through d"

func readOptions(modality, wavelength string) (formats.Options, error) {
	var opts formats.Options
	if wavelength != "" {
		w, err := spectro.ParseWavelength(wavelength)
		if err != nil {
			return opts, usageError{fmt.Errorf("--wavelength: %w", err)}
		}
		opts.Wavelength = w
	}
	if modality == "" {
		return opts, nil
	}
	m, err := spectro.ParseModality(modality)
	if err != nil {
		return opts, usageError{err}
	}
	opts.Modality = m
	return opts, nil
}

func runSynth(ctx context.Context, args []string) error {
	fs := newFlags("synth", "--out DIR [--seed S] [--species N] [--samples N] [--noise F]")
	out := fs.String("out", "", "folder to write the dataset into (required)")
	cfg := synth.DefaultConfig()
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed (same seed, same data)")
	fs.IntVar(&cfg.SpeciesPerClass, "species", cfg.SpeciesPerClass, "species per chemical class (7 classes)")
	fs.IntVar(&cfg.SamplesPerSpecies, "samples", cfg.SamplesPerSpecies, "samples per species")
	fs.Float64Var(&cfg.Noise, "noise", cfg.Noise, "noise level relative to the strongest peak")
	fs.Float64Var(&cfg.Baseline, "baseline", cfg.Baseline, "baseline amplitude relative to the strongest peak")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	start := time.Now()
	col, err := synth.Generate(cfg)
	if err != nil {
		return err
	}
	gen := time.Since(start)
	if err := synth.Write(col, *out, cfg.AllSpecies()); err != nil {
		return err
	}
	n := 0
	for _, c := range col.Counts() {
		n += c
	}
	fmt.Printf("wrote %d samples (%d spectra, %d species in %d classes) to %s\n", len(col.Samples), n, len(col.Species()), len(synth.Classes), *out)
	fmt.Printf("generated in %.2fs (%.0f spectra/s), written in %.2fs\n", gen.Seconds(), float64(n)/gen.Seconds(), (time.Since(start) - gen).Seconds())
	fmt.Printf("layout: %s/{infrared,raman,xrd}/*.csv, ground truth peaks in %s/peaks/, species in %s/species.json\n", *out, *out, *out)
	return nil
}

func runFetch(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "rruff" {
		return usagef("usage: spectrogen fetch rruff --modality raman|infrared|powder [--set NAME] [--dir DIR] [--url URL]")
	}
	fs := newFlags("fetch rruff", "--modality raman|infrared|powder [--set NAME] [--dir DIR] [--url URL]")
	modality := fs.String("modality", "", "raman, infrared or powder (xrd)")
	set := fs.String("set", "", "RRUFF data set (default: the first listed for the modality)")
	dir := fs.String("dir", "", "cache folder (default $"+rruff.DataEnv+" or the user cache folder)")
	url := fs.String("url", rruff.DefaultBaseURL, "where RRUFF's zipped data files are served (a mirror, or a local copy)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	m, err := spectro.ParseModality(*modality)
	if err != nil {
		var sets []string
		for _, mm := range spectro.Modalities {
			sets = append(sets, fmt.Sprintf("%s: %s", mm, strings.Join(rruff.Sets[mm], ", ")))
		}
		return usagef("%v\nsets — %s", err, strings.Join(sets, "; "))
	}
	path, err := rruff.Fetcher{BaseURL: *url, Dir: *dir, Progress: os.Stderr}.Fetch(ctx, m, *set)
	if err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

func runConvert(ctx context.Context, args []string) error {
	fs := newFlags("convert", "FILE... --out DIR [--to csv|jcamp] [--grid default|START:STOP:N] [--normalize minmax|max|area]")
	out := fs.String("out", "", "output folder (required)")
	to := fs.String("to", "csv", "output format: csv or jcamp")
	gridFlag := fs.String("grid", "", "resample onto a grid: 'default' (the modality's evaluation grid) or START:STOP:N")
	norm := fs.String("normalize", "", "scale intensities: minmax, max or area")
	modality := fs.String("modality", "", "modality of files whose name and folder do not say it")
	wavelength := fs.String("wavelength", "", wavelengthHelp)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return usagef("name input files and --out DIR")
	}
	ext := map[string]string{"csv": ".csv", "jcamp": ".jdx", "jdx": ".jdx"}[*to]
	if ext == "" {
		return usagef("--to must be csv or jcamp, got %q", *to)
	}
	opts, err := readOptions(*modality, *wavelength)
	if err != nil {
		return err
	}
	var normFn func(*spectro.Spectrum) (*spectro.Spectrum, error)
	if *norm != "" {
		n, err := spectro.ParseNorm(*norm)
		if err != nil {
			return usageError{err}
		}
		normFn = func(s *spectro.Spectrum) (*spectro.Spectrum, error) { return s.Normalize(n) }
	}
	for _, in := range fs.Args() {
		s, err := formats.ReadFile(in, opts)
		if err != nil {
			return err
		}
		if *gridFlag != "" {
			g, err := parseGrid(*gridFlag, s.Modality)
			if err != nil {
				return usageError{err}
			}
			if s, err = s.Resample(g); err != nil {
				return err
			}
		}
		if normFn != nil {
			if s, err = normFn(s); err != nil {
				return err
			}
		}
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		dst := filepath.Join(*out, base+ext)
		if err := formats.WriteFile(dst, s); err != nil {
			return err
		}
		fmt.Printf("%s → %s (%s, %d points)\n", in, dst, s.Modality, s.Len())
	}
	return nil
}

// parseGrid reads "default" or "START:STOP:N".
func parseGrid(s string, m spectro.Modality) (spectro.Grid, error) {
	if s == "default" {
		return spectro.DefaultGrid(m), nil
	}
	var g spectro.Grid
	if _, err := fmt.Sscanf(s, "%g:%g:%d", &g.Start, &g.Stop, &g.N); err != nil {
		return g, fmt.Errorf("--grid %q: want 'default' or START:STOP:N", s)
	}
	return g, g.Validate()
}

// loadTrainingData reads --data and --augment.
func loadTrainingData(data, augment string) (col, extra *collection.Collection, err error) {
	if col, err = datasets.Load(data); err != nil {
		return nil, nil, err
	}
	extra, err = loadAugment(augment)
	return col, extra, err
}

// loadReferences reads --references: a species-level library (nil for none).
func loadReferences(spec string) (*collection.Collection, error) {
	if spec == "" {
		return nil, nil
	}
	col, err := datasets.Load(spec)
	if err != nil {
		return nil, fmt.Errorf("--references %s: %w", spec, err)
	}
	n := 0
	for _, s := range col.Samples {
		if s.Reference {
			n++
		}
	}
	if n == 0 {
		return nil, usagef("--references %s holds no reference patterns (AMCSD-style DIF collections, entries with _database_code_amcsd)", spec)
	}
	return col, nil
}

// loadAugment reads the --augment data ("synthetic", folders, archives or
// files); nil for none.
func loadAugment(spec string) (*collection.Collection, error) {
	if spec == "" {
		return nil, nil
	}
	col, err := datasets.Load(spec)
	if err != nil {
		return nil, fmt.Errorf("--augment %s: %w", spec, err)
	}
	return col, nil
}
