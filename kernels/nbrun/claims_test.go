package main

import (
	"strings"
	"testing"
)

func TestClaimsShown(t *testing.T) {
	nb := func(markdown, output string) map[string]any {
		return map[string]any{"cells": []any{
			map[string]any{"cell_type": "markdown", "source": markdown},
			map[string]any{"cell_type": "code", "source": "x", "outputs": []any{
				map[string]any{"output_type": "stream", "name": "stdout", "text": []any{output}},
			}},
		}}
	}
	for _, tc := range []struct {
		name, markdown, output string
		missing                string // a number the error must name; "" for no error
	}{
		{"score shown", "Pearson is 0.428 here.", "model Pearson 0.4283", ""},
		{"score gone", "Pearson is 0.441 here.", "model Pearson 0.428", "0.441"},
		{"percentage shown", "It detects 81 % of them.", "detection 81%", ""},
		{"percentage as fraction", "It detects 81% of them.", "detection 0.81", ""},
		{"percentage gone", "It detects 81 % of them.", "detection 0.79", "81%"},
		{"one decimal is not a claim", "Steps of 0.5 and 1200 steps.", "nothing", ""},
		{"not results listed", "Cu Kα (λ = 1.5406 Å), a 5–95% band.<!-- not results: 1.5406, 95% -->", "nothing", ""},
		{"listed but another missing", "λ = 1.5406 Å gives 0.77.<!-- not results: 1.5406 -->", "r 0.70", "0.77"},
		{"version numbers are not decimals with two places", "GoMLX v0.26.0", "", ""},
		{"a figure's script data does not count", "Pearson is 0.441.", `<div id="f"></div><script>let data = [0.441, 0.5];</script>`, "0.441"},
	} {
		err := claimsShown(nb(tc.markdown, tc.output))
		switch {
		case tc.missing == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.missing != "" && (err == nil || !strings.Contains(err.Error(), tc.missing)):
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.missing)
		}
	}
}

// The committed notebooks: outputs stored for their current code, a figure
// each, and every number their prose states shown by their outputs.
func TestStoredNotebooks(t *testing.T) {
	nbs, err := collect([]string{"../../notebooks"})
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no notebooks found")
	}
	for _, nb := range nbs {
		if err := checkStored(nb); err != nil {
			t.Error(err)
		}
	}
}
