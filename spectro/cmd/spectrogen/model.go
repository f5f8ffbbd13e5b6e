package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spectrogen-go/spectrogen/datasets/formats"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/identify"
	"github.com/spectrogen-go/spectrogen/spectro/model"
	"github.com/spectrogen-go/spectrogen/spectro/pretrained"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

func init() {
	register(command{"train", "train (or resume) a cross-modal model, e.g. --from infrared --to raman", runTrain})
	register(command{"generate", "generate spectra of another modality from files with a trained model", runGenerate})
	register(command{"bundle", "join trained one-direction models into one model (a bundle) that translates in each of their directions", runBundle})
}

func runBundle(ctx context.Context, args []string) error {
	fs := newFlags("bundle", "--out DIR [--name NAME] MODELDIR...")
	out := fs.String("out", "", "the bundle's folder (required; made anew)")
	name := fs.String("name", "", "the bundle's name (default: the folder's name)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return usagef("name --out DIR and at least one trained model folder")
	}
	if *name == "" {
		*name = filepath.Base(*out)
	}
	if model.IsModelDir(*out) {
		return usagef("--out %s already holds a model; choose a new folder", *out)
	}
	if err := model.WriteBundle(*out, *name, fs.Args()); err != nil {
		return err
	}
	g, err := openModel(*out, "")
	if err != nil {
		return err
	}
	var ds []string
	for _, d := range g.Directions() {
		ds = append(ds, d.String())
	}
	fmt.Printf("%s: %d models (%s)\n", *out, len(ds), strings.Join(ds, ", "))
	return nil
}

func runTrain(ctx context.Context, args []string) error {
	fs := newFlags("train", "[--data DIR] --from M --to M --out MODELDIR [--steps N] [--seed S] [--prior gauss|lorentz|pvoigt|tch] [--backend CONFIG] [--set k=v;...]")
	data := fs.String("data", "", "spectra: folders, RRUFF zip archives or files, comma-separated (RRUFF files, a `spectrogen synth` folder, ...); default: the embedded synthetic dataset")
	from := fs.String("from", "infrared", "source modality: infrared, raman or xrd")
	to := fs.String("to", "raman", "target modality")
	out := fs.String("out", "", "model folder (required); an existing one is resumed")
	steps := fs.Int("steps", 0, fmt.Sprintf("total training steps (default %d, %d on real data; on resume, train up to this many)", model.Default[int](model.ParamSteps), model.RealDataSteps))
	seed := fs.Int64("seed", 0, fmt.Sprintf("random seed (default %d): same seed, same model on the pure-Go backend", model.Default[int](model.ParamSeed)))
	prior := fs.String("prior", "", fmt.Sprintf("decoder line shape: one of %s (default %s; tch is the Thompson–Cox–Hastings Voigt, formerly voigt)", priorNames(), model.Default[string](model.ParamPrior)))
	backendCfg := fs.String("backend", "", "GoMLX backend config, e.g. xla:cuda (default $GOMLX_BACKEND or the pure-Go backend)")
	set := fs.String("set", "", "hyperparameters, e.g. \"latent_dim=16;kl_weight=0.01\"; on real data they add to the real-data recipe (retrieval_k=8, early stopping on held-out species, 600 steps)")
	split := fs.String("split", "species", "validation split: species, sample or random")
	references := fs.String("references", "", "a species-level reference library (e.g. AMCSD's DIF collections): training samples that lack its modality are paired, by species, with its patterns")
	augment := fs.String("augment", "", "extra training data mixed into the training pairs only: 'synthetic' or a folder")
	init := fs.String("init", "", "start from this trained model's weights (fine-tuning, e.g. synthetic → real); a new --out folder")
	exclude := fs.String("exclude", "", "samples to leave out altogether: RRUFF ids (R050009,R040031) or 'examples' (the shipped example files)")
	modalities := fs.String("modalities", "", "a multi-modal model over these modalities, e.g. infrared,raman,xrd: one latent space, every direction between them (--from/--to is the primary one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out MODELDIR is required")
	}
	f, t, err := parseDirection(*from, *to)
	if err != nil {
		return err
	}
	pr, err := parsePrior(*prior)
	if err != nil {
		return err
	}
	sp, err := parseSplit(*split)
	if err != nil {
		return err
	}
	mods, err := model.ParseModalities(*modalities)
	if err != nil {
		return usageError{fmt.Errorf("--modalities: %w", err)}
	}
	if len(mods) > 0 && (!slices.Contains(mods, f) || !slices.Contains(mods, t)) {
		return usagef("--modalities %q must list at least two modalities, --from %s and --to %s among them", *modalities, f, t)
	}
	excluded := excludedKeys(*exclude)
	col, extra, err := loadTrainingData(*data, *augment)
	if err != nil {
		return err
	}
	refs, err := loadReferences(*references)
	if err != nil {
		return err
	}
	_, err = model.Train(model.TrainConfig{FitCache: fitCache(), Collection: col, From: f, To: t, Modalities: mods, OutDir: *out, Steps: *steps, Seed: *seed,
		Prior: pr, Backend: *backendCfg, Settings: model.WithRecipe(isRealData(*data) && len(mods) == 0, f, t, *set), Split: sp, Augment: extra, References: refs, Init: *init, Exclude: excluded, Context: ctx})
	return err
}

func runGenerate(ctx context.Context, args []string) error {
	fs := newFlags("generate", "--model MODELDIR --to M FILE... --out DIR [--samples N]")
	dir := fs.String("model", "", "trained model folder, or a shipped model's name: rruff (infrared, Raman and XRD in every direction, trained on RRUFF) (required)")
	to := fs.String("to", "", "target modality (default: the model's; a multi-modal model: any of its modalities)")
	out := fs.String("out", "", "output folder (required)")
	nSamples := fs.Int("samples", 50, "latent samples for the uncertainty band (0: none)")
	seed := fs.Uint64("seed", 1, "seed of the latent samples")
	backendCfg := fs.String("backend", "", "GoMLX backend config")
	wavelength := fs.String("wavelength", "", wavelengthHelp)
	if err := parse(fs, args); err != nil {
		return err
	}
	readOpts, err := readOptions("", *wavelength)
	if err != nil {
		return err
	}
	if *dir == "" || *out == "" || fs.NArg() == 0 {
		return usagef("name --model MODELDIR, --out DIR and at least one input file")
	}
	g, err := loadModel(*dir, *backendCfg)
	if err != nil {
		return err
	}
	target := g.To()
	if *to != "" {
		if target, err = spectro.ParseModality(*to); err != nil {
			return usageError{fmt.Errorf("--to: %w", err)}
		}
		if !slices.Contains(g.Modalities(), target) {
			return usagef("%s translates %s → %s, not to %s", *dir, g.From(), g.To(), target)
		}
	}
	// Each file is read as what it says it is (else as the model's source
	// modality) and translated by the direction from its modality, the files
	// of one modality in one batch.
	// A file that cannot be translated (unreadable, a direction the model
	// lacks, a constant spectrum) is reported and passed over; the others are
	// still translated, and the command fails at the end.
	srcs := make([]*spectro.Spectrum, fs.NArg())
	byModality := map[spectro.Modality][]int{}
	var order []spectro.Modality
	var failed []error
	for i, p := range fs.Args() {
		var err error
		readOpts.Modality = g.From()
		if srcs[i], err = formats.ReadFile(p, readOpts); err != nil {
			failed = append(failed, err)
			continue
		}
		m := srcs[i].Modality
		if _, err := g.For(m, target); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", p, err))
			srcs[i] = nil
			continue
		}
		if _, err := srcs[i].OnGrid(spectro.DefaultGrid(m)); err != nil { // the grid Generate puts sources on
			failed = append(failed, fmt.Errorf("%w: nothing to translate", err))
			srcs[i] = nil
			continue
		}
		if byModality[m] == nil {
			order = append(order, m)
		}
		byModality[m] = append(byModality[m], i)
	}
	gens := make([]model.Generated, len(srcs))
	for _, m := range order {
		gd, _ := g.For(m, target) // checked above
		batch := make([]*spectro.Spectrum, len(byModality[m]))
		for j, i := range byModality[m] {
			batch[j] = srcs[i]
		}
		out, err := gd.Generate(batch, *nSamples, *seed)
		if err != nil {
			return err
		}
		for j, i := range byModality[m] {
			gens[i] = out[j]
		}
	}
	for i, p := range fs.Args() {
		if srcs[i] == nil {
			continue
		}
		base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		path := filepath.Join(*out, base+"__generated_"+string(target)+".csv")
		if err := writeGenerated(path, gens[i]); err != nil {
			return err
		}
		var pk strings.Builder
		pk.WriteString("center,fwhm,height,eta\n")
		for _, q := range gens[i].Peaks {
			fmt.Fprintf(&pk, "%.4f,%.4f,%.6f,%.4f\n", q.Center, q.FWHM, q.Height, q.Eta)
		}
		if err := atomicfile.Write(filepath.Join(*out, base+"__generated_"+string(target)+"_peaks.csv"), []byte(pk.String())); err != nil {
			return err
		}
		fmt.Printf("%s (%s) → %s\n", p, srcs[i].Modality, path)
		if id := identifyLine(srcs[i]); id != "" {
			fmt.Printf("  identified as %s\n", id)
		}
		if nb := gens[i].Neighbours; len(nb) > 0 {
			fmt.Printf("  based on %s (the neighbours' mixture gated at %.2f)\n", retrieval.Describe(nb, 3), gens[i].RetrievalGate)
			data, err := json.MarshalIndent(nb, "", "  ")
			if err != nil {
				return err
			}
			if err := atomicfile.Write(filepath.Join(*out, base+"__generated_"+string(target)+"_neighbours.json"), append(data, '\n')); err != nil {
				return err
			}
		}
	}
	if len(failed) == 1 && fs.NArg() == 1 {
		return failed[0]
	}
	if len(failed) > 0 {
		for _, err := range failed {
			fmt.Fprintln(os.Stderr, "spectrogen generate:", err)
		}
		return fmt.Errorf("%d of %d files could not be translated (listed above); the others were", len(failed), fs.NArg())
	}
	return nil
}

// writeGenerated writes x, the generated spectrum (decoded from the latent
// mean) and, when sampled, the 5th/95th percentile band and the average over
// the samples (what evaluation scores).
func writeGenerated(path string, g model.Generated) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# modality: %s\n# generated_from: %s\n", g.Mean.Modality, g.Mean.Meta.Extra["generated_from"])
	if len(g.Neighbours) > 0 {
		fmt.Fprintf(&b, "# based_on: %s\n# neighbour_gate: %.4f\n", retrieval.Describe(g.Neighbours, len(g.Neighbours)), g.RetrievalGate)
	}
	if g.Lower != nil {
		if g.Calibrated {
			b.WriteString("# band: calibrated 90 % band (lower_5, upper_95) on held-out species; see the model's model.json \"band\"\n")
		} else {
			b.WriteString("# band: the latent samples' 5-95 % spread, not calibrated (too narrow on real data)\n")
		}
		b.WriteString("x,intensity,lower_5,upper_95,expected\n")
	} else {
		b.WriteString("x,intensity\n")
	}
	for i := range g.Mean.X {
		fmt.Fprintf(&b, "%g,%g", g.Mean.X[i], g.Mean.Y[i])
		if g.Lower != nil {
			fmt.Fprintf(&b, ",%g,%g,%g", g.Lower[i], g.Upper[i], g.Expected[i])
		}
		b.WriteString("\n")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, []byte(b.String()))
}

// loadModel opens --model: a model folder, or the name of a shipped model.
func loadModel(arg, backendCfg string) (*model.Generator, error) {
	dir, err := pretrained.Resolve(arg)
	if err != nil {
		return nil, usageError{fmt.Errorf("--model: %w", err)}
	}
	return openModel(dir, backendCfg)
}

// identifyLine is what the shipped library says the source is, for a
// reader to set beside the neighbours the generation drew on: "Calcite
// (HQI 97.6, R050048)", with a warning when the species is likely absent;
// "" when the library cannot compare it.
func identifyLine(s *spectro.Spectrum) string {
	lib, err := pretrained.IdentifyLibrary()
	if err != nil {
		return ""
	}
	res, err := lib.Search([]*spectro.Spectrum{s}, identify.Options{Top: 1})
	if err != nil {
		return ""
	}
	h := res.Hits[0]
	line := fmt.Sprintf("%s (HQI %.1f, library sample %s)", h.Species, h.HQI, h.Key)
	if v := res.InLibrary; v != nil && !v.Likely {
		line += " — but probably not a species the library holds (HQI below its threshold): expect a look-alike's spectrum"
	}
	return line
}

// priorNames lists the decoder's line shapes for flag help.
func priorNames() string {
	names := make([]string, len(model.Priors))
	for i, p := range model.Priors {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}
