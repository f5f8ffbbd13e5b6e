// Command retrieval-variants measures variants of the neighbour look-up alone
// (spectro/retrieval, no model) on RRUFF's infrared → Raman pairs: the k-NN
// mixture with other k and τ, sharpened mixtures, neighbours stretched or
// locally warped to align with the query, consensus re-ranking, two hops
// through Raman spectra without infrared, and the learned comparison space
// (canonical variates). Each is scored with the cross-validation's five
// folds by species and by sample (Pearson / pk@5v5 on the Raman grid), and a
// Markdown table goes to stdout; progress goes to stderr. It asserts nothing
// about quality.
//
//	go run ./spectro/cmd/retrieval-variants --data DIR_INFRARED,DIR_RAMAN [--zip RRUFF_RAMAN_ZIP] [--only WORD]
//
// --data takes the comma-separated folders or zips that datasets.Load takes
// (RRUFF's infrared and Raman sets). --zip adds Raman spectra without
// infrared — RRUFF's excellent_unoriented.zip (kept in rruff-zips/ beside the
// data) — to the two-hop variants' target library, never a test sample's or
// test species'; without it the "+ zip Raman" variants look up the pairs'
// Raman only. --only WORD measures only the variants whose names contain WORD
// (e.g. canonical); empty, the default, measures all.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spectrogen-go/spectrogen/datasets"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "retrieval-variants:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("retrieval-variants", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "comma-separated folders or zips of RRUFF infrared and Raman spectra, as datasets.Load takes (required)")
	zip := fs.String("zip", "", "optional zip of Raman spectra without infrared for the two-hop variants, e.g. rruff-zips/excellent_unoriented.zip")
	word := fs.String("only", "", "measure only the variants whose names contain this (empty: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: retrieval-variants --data DIR_INFRARED,DIR_RAMAN [--zip RRUFF_RAMAN_ZIP] [--only WORD]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("bad flags: %w", err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q (the data go in --data)", fs.Arg(0))
	}
	if strings.TrimSpace(*data) == "" {
		fs.Usage()
		return errors.New("--data is required: the comma-separated infrared and Raman folders or zips")
	}
	col, err := datasets.Load(*data)
	if err != nil {
		return fmt.Errorf("--data %s: %w", *data, err)
	}
	var ramanOnly []retrieval.Entry
	if *zip != "" {
		zcol, err := datasets.Load(*zip)
		if err != nil {
			return fmt.Errorf("--zip %s: %w", *zip, err)
		}
		ramanOnly = ramanOnlyEntries(zcol)
		if len(ramanOnly) == 0 {
			fmt.Fprintf(stderr, "--zip %s: no Raman spectrum covers the Raman grid\n", *zip)
		}
	}
	return measure(col, ramanOnly, *word, stdout, stderr)
}
