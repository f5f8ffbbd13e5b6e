package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
