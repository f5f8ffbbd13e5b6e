// Command spectrogen is SpectroGen-Go's command line: read and convert spectrum
// files, generate the synthetic dataset, fetch RRUFF data, and run the demo.
//
//	spectrogen info FILE|DIR...          what a file or folder holds
//	spectrogen synth --out DIR           write the synthetic dataset as files
//	spectrogen fetch rruff --modality M  download RRUFF data into the cache
//	spectrogen convert FILE... --out DIR convert to CSV or JCAMP-DX (optionally onto a grid)
//	spectrogen demo --out DIR            the main job on the embedded synthetic data
//
// Run "spectrogen COMMAND -h" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"sync"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string) error
}

var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

func usage() {
	fmt.Fprintln(os.Stderr, "spectrogen: cross-modal spectra (Raman, infrared, XRD) — usage: spectrogen COMMAND [flags]")
	fmt.Fprintln(os.Stderr, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'spectrogen COMMAND -h' for the flags of a command.")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "spectrogen: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// SPECTRO_CPUPROFILE=FILE profiles the whole command (go tool pprof FILE).
	if path := os.Getenv("SPECTRO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		} else {
			fmt.Fprintf(os.Stderr, "spectrogen: SPECTRO_CPUPROFILE=%s: cannot profile (%v)\n", path, err)
		}
	}
	err := c.run(ctx, os.Args[2:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		var ue usageError
		pprof.StopCPUProfile() // os.Exit skips deferred calls
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "spectrogen %s: %v\n", c.name, err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "spectrogen %s: %v\n", c.name, err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// newFlags makes a command's flag set; parse errors come back as usage errors.
func newFlags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("spectrogen "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: spectrogen %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	// Let flags follow positional arguments too: "info FILE --json".
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(pos) // re-parse the positional arguments alone, so fs.Args() holds them
}

// parseDirection reads a --from/--to pair of distinct modalities.
func parseDirection(from, to string) (spectro.Modality, spectro.Modality, error) {
	f, err := spectro.ParseModality(from)
	if err != nil {
		return "", "", usageError{fmt.Errorf("--from: %w", err)}
	}
	t, err := spectro.ParseModality(to)
	if err != nil {
		return "", "", usageError{fmt.Errorf("--to: %w", err)}
	}
	if f == t {
		return "", "", usagef("--from and --to are both %s", f)
	}
	return f, t, nil
}

// isRealData says whether --data names real spectra (anything but the
// embedded synthetic set), which train with the real-data recipe.
func isRealData(data string) bool { return data != "" && data != datasets.Synthetic }

// parseSplit reads a --split value.
func parseSplit(name string) (collection.Split, error) {
	sp, err := collection.ParseSplit(name)
	if err != nil {
		return "", usagef("--%v", err)
	}
	return sp, nil
}

// parsePrior reads --prior: "" leaves the hyperparameter's default.
func parsePrior(name string) (model.Prior, error) {
	if name == "" {
		return "", nil
	}
	p, err := model.ParsePrior(name)
	if err != nil {
		return "", usagef("--%v", err)
	}
	return p, nil
}

// fitCache is where commands keep peak fits between runs: SPECTRO_FIT_CACHE
// names the file, "off" (or 0, false) none; by default the user cache
// folder's (features.User).
var fitCache = sync.OnceValue(func() *features.DiskCache {
	switch p := os.Getenv("SPECTRO_FIT_CACHE"); p {
	case "off", "0", "false":
		return features.Off
	case "":
		return features.User()
	default:
		return features.OpenDisk(p)
	}
})

// openModel opens a model folder for generation, keeping fits in fitCache.
func openModel(dir, backendCfg string) (*model.Generator, error) {
	return model.LoadCaching(dir, backendCfg, fitCache())
}

// workDir is a command's --work folder, or a new temporary one that cleanup
// removes.
func workDir(flagValue, prefix string) (dir string, cleanup func(), err error) {
	if flagValue != "" {
		return flagValue, func() {}, nil
	}
	if dir, err = os.MkdirTemp("", prefix); err != nil {
		return "", nil, err
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}
