package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"

	"github.com/spectrogen-go/spectrogen/datasets/rruff"
	"github.com/spectrogen-go/spectrogen/datasets/samples"
	"github.com/spectrogen-go/spectrogen/datasets/synth"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
	"github.com/spectrogen-go/spectrogen/spectro/backend"
	"github.com/spectrogen-go/spectrogen/spectro/plots"
)

func init() {
	register(command{"demo", "run the main job on the embedded synthetic data and write a report", runDemo})
}

// demoStep prints one progress line per stage with its duration.
type demoStep struct {
	n, total int
	start    time.Time
}

func (d *demoStep) begin(format string, args ...any) {
	d.n++
	d.start = time.Now()
	fmt.Printf("[%d/%d] %s ... ", d.n, d.total, fmt.Sprintf(format, args...))
}

func (d *demoStep) end(format string, args ...any) {
	fmt.Printf("%s (%.1fs)\n", fmt.Sprintf(format, args...), time.Since(d.start).Seconds())
}

func runDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo", "[--out DIR] [--seed S] [--backend CONFIG]")
	out := fs.String("out", "out", "folder for the report, figures and data")
	seed := fs.Uint64("seed", 1, "random seed of the synthetic dataset")
	backendCfg := fs.String("backend", "", "GoMLX backend config (default $GOMLX_BACKEND or the pure-Go backend)")
	if err := parse(fs, args); err != nil {
		return err
	}
	t0 := time.Now()
	step := &demoStep{total: 4}
	var report strings.Builder
	fmt.Fprintf(&report, "# SpectroGen-Go demo report\n\nGenerated %s by `spectrogen demo --seed %d`.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), *seed)

	step.begin("checking the model backend")
	b, err := backend.New(*backendCfg)
	if err != nil {
		return err
	}
	step.end("%s", backend.Describe(b))
	fmt.Fprintf(&report, "Backend: %s (config `%s`).\n\n", backend.Describe(b), backend.Config(*backendCfg))

	step.begin("generating the synthetic dataset")
	cfg := synth.DefaultConfig()
	cfg.Seed = *seed
	gen := time.Now()
	col, err := synth.Generate(cfg)
	if err != nil {
		return err
	}
	genTime := time.Since(gen)
	dataDir := filepath.Join(*out, "data")
	if err := os.RemoveAll(dataDir); err != nil {
		return err
	}
	if err := synth.Write(col, dataDir, cfg.AllSpecies()); err != nil {
		return err
	}
	nSpectra := 0
	for _, n := range col.Counts() {
		nSpectra += n
	}
	step.end("%d samples, %d spectra in %s", len(col.Samples), nSpectra, dataDir)

	step.begin("reading the files back")
	loaded, err := samples.LoadDir(dataDir, samples.Options{})
	if err != nil {
		return err
	}
	if len(loaded.Errors) > 0 {
		return fmt.Errorf("reading %s: %v", dataDir, loaded.Errors[0].Err)
	}
	step.end("%d samples", len(loaded.Samples))
	fmt.Fprintf(&report, "## Data\n\n```\n%s```\n\nGenerated %d spectra in %.2f s (%.0f spectra/s on one core).\n\n",
		loaded.Summary(), nSpectra, genTime.Seconds(), float64(nSpectra)/genTime.Seconds())
	report.WriteString("| class | species | samples |\n|---|---|---|\n")
	for _, class := range synth.Classes {
		sp, n := map[string]bool{}, 0
		for _, s := range loaded.Samples {
			if s.Class == class {
				sp[s.Mineral] = true
				n++
			}
		}
		fmt.Fprintf(&report, "| %s | %d | %d |\n", class.Title(), len(sp), n)
	}

	step.begin("resampling, normalising and plotting one sample per class")
	var panels []*plot.Plot
	for _, class := range synth.Classes {
		s := firstOfClass(loaded, class)
		for _, m := range spectro.Modalities {
			g, err := s.Spectra[m][0].OnGrid(spectro.DefaultGrid(m))
			if err != nil {
				return err
			}
			p, err := plots.Overlay(fmt.Sprintf("%s (%s): %s", s.Mineral, class, m), plots.Series{Spectrum: g})
			if err != nil {
				return err
			}
			panels = append(panels, p)
		}
	}
	if err := plots.WriteFile(filepath.Join(*out, "sample.png"), panels[:3]...); err != nil {
		return err
	}
	img, err := plots.Grid("png", 3, panels...)
	if err != nil {
		return err
	}
	fig := filepath.Join(*out, "classes.png")
	if err := atomicfile.Write(fig, img); err != nil {
		return err
	}
	step.end("%s", fig)
	fmt.Fprintf(&report, "\n## One sample per class\n\nInfrared, Raman and XRD of the same specimen, on the evaluation grids, min-max scaled.\n\n![classes](classes.png)\n")
	fmt.Fprintf(&report, "\nTotal run time %.1f s.\n", time.Since(t0).Seconds())
	rep := filepath.Join(*out, "report.md")
	if err := atomicfile.Write(rep, []byte(report.String())); err != nil {
		return err
	}
	fmt.Printf("report: %s (%.1fs in all)\n", rep, time.Since(t0).Seconds())
	return nil
}

func firstOfClass(c *samples.Collection, class rruff.Class) *samples.Sample {
	for _, s := range c.Samples {
		if s.Class == class {
			return s
		}
	}
	return c.Samples[0]
}
