package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// killTrainArgs is a short training run with a checkpoint every 10 steps.
func killTrainArgs(data, out string) []string {
	return []string{"train", "--data", data, "--out", out, "--steps", "50", "--set", "checkpoint_every=10;eval_every=10"}
}

// countCheckpoints counts the checkpoint data files in a model folder.
func countCheckpoints(model string) int {
	m, _ := filepath.Glob(filepath.Join(model, "checkpoints", "*.bin"))
	return len(m)
}

// trainAndKill starts a training run and SIGKILLs it as soon as the number of
// checkpoint files passes after; with after = 0 that is the moment the first
// checkpoint's data file appears, which is often while it is being written.
func trainAndKill(t *testing.T, data, model string, after int) {
	t.Helper()
	cmd := exec.Command(bin, killTrainArgs(data, model)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
	for countCheckpoints(model) <= after {
		select {
		case err := <-done:
			t.Fatalf("training ended before it could be killed (%v):\n%s", err, out.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("no checkpoint after 3 minutes:\n%s", out.String())
		case <-time.After(time.Millisecond):
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
	<-done
}

var resumedAt = regexp.MustCompile(`resuming .* at step (\d+) of 50`)

// TestKilledTrainingResumes kills `spectrogen train` for real (SIGKILL) and
// runs the same command again: it must say it resumed and from which step,
// finish, and end with exactly the model an uninterrupted run makes (resume
// is bit-exact on the pure-Go backend); a kill that lands while a checkpoint
// is being written must cost at most that checkpoint.
func TestKilledTrainingResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains several small models")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if _, errOut, code := run(t, "synth", "--out", data, "--species", "1", "--samples", "2"); code != 0 {
		t.Fatal(errOut)
	}
	src, _ := filepath.Glob(filepath.Join(data, "infrared", "*"))
	generate := func(model string) []byte {
		out := filepath.Join(dir, "gen-"+filepath.Base(model))
		if _, errOut, code := run(t, "generate", "--model", model, "--out", out, "--samples", "0", src[0]); code != 0 {
			t.Fatalf("generate with %s: %s", model, errOut)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*.csv"))
		if len(files) == 0 {
			t.Fatalf("generate with %s wrote no spectrum", model)
		}
		b, _ := os.ReadFile(files[0])
		return b
	}

	whole := filepath.Join(dir, "whole")
	if _, errOut, code := run(t, killTrainArgs(data, whole)...); code != 0 {
		t.Fatal(errOut)
	}
	want := generate(whole)

	// Killed after its first complete checkpoint, then resumed.
	killed := filepath.Join(dir, "killed")
	trainAndKill(t, data, killed, 1)
	stdout, stderr, code := run(t, killTrainArgs(data, killed)...)
	if code != 0 {
		t.Fatalf("rerun after SIGKILL failed:\n%s\n%s", stdout, stderr)
	}
	m := resumedAt.FindStringSubmatch(stdout + stderr)
	if m == nil {
		t.Fatalf("rerun does not say it resumed:\n%s\n%s", stdout, stderr)
	}
	if step, _ := strconv.Atoi(m[1]); step < 10 {
		t.Errorf("resumed at step %d, want at least the first checkpoint's 10", step)
	}
	if got := generate(killed); !bytes.Equal(got, want) {
		t.Errorf("the killed and resumed model generates differently from the uninterrupted one")
	}

	// Killed while a checkpoint is being written: retried (bounded) until a
	// rerun reports a checkpoint set aside, which proves the kill hit a write.
	hitWrite := false
	for try := 0; try < 4 && !hitWrite; try++ {
		model := filepath.Join(dir, "midwrite"+strconv.Itoa(try))
		trainAndKill(t, data, model, 1) // kill the moment the second checkpoint's file appears
		stdout, stderr, code := run(t, killTrainArgs(data, model)...)
		if code != 0 {
			t.Fatalf("try %d: rerun failed:\n%s\n%s", try, stdout, stderr)
		}
		if hitWrite = strings.Contains(stdout+stderr, "set aside"); hitWrite {
			t.Logf("try %d: the kill landed inside a checkpoint write; the rerun set that checkpoint aside and resumed from the one before", try)
		}
		if got := generate(model); !bytes.Equal(got, want) {
			t.Errorf("try %d: the resumed model generates differently from the uninterrupted one", try)
		}
	}
	if !hitWrite {
		t.Log("no kill landed inside a checkpoint write in 4 tries (each resumed correctly)")
	}
}
