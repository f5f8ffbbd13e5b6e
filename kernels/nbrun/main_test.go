package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	image := `{"output_type": "display_data", "data": {"image/png": "iVBOR"}}`
	for _, tc := range []struct {
		name, outputs, wantErr string
	}{
		{"ok", image, ""},
		{"no image", `{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}`, "no image"},
		{"error output", image + `, {"output_type": "error", "ename": "ERROR", "evalue": "failed to run", "traceback": []}`, "failed to run"},
		{"panic on stderr", image + `, {"output_type": "stream", "name": "stderr", "text": ["panic: boom\n", "goroutine 1 [running]:\n", "exit status 2\n"]}`, "panic: boom"},
		{"stderr without failure", image + `, {"output_type": "stream", "name": "stderr", "text": ["step 10: exit status of the fit 0\n"]}`, ""},
	} {
		path := filepath.Join(t.TempDir(), "nb.ipynb")
		nb := `{"cells": [{"cell_type": "code", "source": "x", "outputs": [` + tc.outputs + `]}]}`
		if err := os.WriteFile(path, []byte(nb), 0o644); err != nil {
			t.Fatal(err)
		}
		err := check(path)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestStoreRecordsHashAndScrubsPaths(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG small"))
	text := fmt.Sprintf(`["model in %s/out/model\n", "cache %s\n", "%s:3: intensity is not a number\n"]`, wd, filepath.Join(os.TempDir(), "gonb_123", "x"),
		filepath.Join(os.TempDir(), "spectro-nb456", "Calcite__x.txt"))
	nb := func(code, outputs string) string {
		return `{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# t"},
 {"cell_type": "code", "metadata": {"execution": {"iopub.status.idle": "2026-01-01"}}, "source": "` + code + `", "outputs": [` + outputs + `]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`
	}
	outputs := `{"output_type": "stream", "name": "stdout", "text": ` + text + `}, {"output_type": "display_data", "data": {"image/png": "` + png + `"}, "metadata": {}}`
	executed, dest := filepath.Join(dir, "run.ipynb"), filepath.Join(dir, "nb.ipynb")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dest, nb("x := 1", ""))
	if err := checkStored(dest); err == nil || !strings.Contains(err.Error(), "no stored outputs") {
		t.Fatalf("a notebook never refreshed: %v, want 'no stored outputs'", err)
	}
	write(executed, nb("x := 1", outputs))
	if err := store(executed, dest, 42*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := checkStored(dest); err != nil {
		t.Fatalf("freshly stored notebook: %v", err)
	}
	if got := storedSeconds(dest); got != 42 {
		t.Errorf("stored time %g s, want 42 (runs start the longest notebook first)", got)
	}
	got, _ := os.ReadFile(dest)
	for _, bad := range []string{wd, os.TempDir() + "/gonb_123", "iopub"} {
		if strings.Contains(string(got), bad) {
			t.Errorf("stored notebook still holds %q:\n%s", bad, got)
		}
	}
	if !strings.Contains(string(got), "<temporary folder>/Calcite__x.txt:3: intensity") {
		t.Errorf("an error's file name and line should survive the scrubbing:\n%s", got)
	}
	if !strings.Contains(string(got), "model in ./out/model") {
		t.Errorf("the checkout's folder should read as '.':\n%s", got)
	}
	// Editing a code cell makes the outputs stale; editing markdown does not.
	stale := strings.Replace(string(got), `"x := 1"`, `"x := 2"`, 1)
	write(dest, stale)
	if err := checkStored(dest); err == nil || !strings.Contains(err.Error(), "code changed") {
		t.Errorf("edited code: %v, want 'code changed'", err)
	}
	write(dest, strings.Replace(string(got), `"# t"`, `"# title"`, 1))
	if err := checkStored(dest); err != nil {
		t.Errorf("edited markdown only: %v", err)
	}
	// A figure over the limit is refused, and the committed copy is kept.
	big := base64.StdEncoding.EncodeToString(make([]byte, maxImageBytes+1))
	write(executed, nb("x := 1", `{"output_type": "display_data", "data": {"image/png": "`+big+`"}, "metadata": {}}`))
	if err := store(executed, dest, time.Second); err == nil || !strings.Contains(err.Error(), "KB") {
		t.Errorf("oversized figure: %v, want a size error", err)
	}
	if err := checkStored(dest); err != nil {
		t.Errorf("the committed copy should be untouched after a refused store: %v", err)
	}
}
