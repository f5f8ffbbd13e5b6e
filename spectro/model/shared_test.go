package model

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestTrainSharedTrainsOnce(t *testing.T) {
	root := t.TempDir()
	t.Setenv("SPECTRO_SHARED_MODELS", root)
	trainP, valP := tinyData(t)
	steps := 0
	cfg := TrainConfig{From: spectro.Infrared, To: spectro.Raman, Steps: 4, Settings: tiny, TrainPairs: trainP, ValPairs: valP, Log: io.Discard,
		OutDir: "ignored"}
	a, err := TrainShared(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A leftover of a run killed while training is not a model.
	if err := os.Mkdir(filepath.Join(root, "leftover.training-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := TrainShared(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a.Info.Training.Seconds != b.Info.Training.Seconds {
		t.Errorf("second call trained again (%.3f s, then %.3f s)", a.Info.Training.Seconds, b.Info.Training.Seconds)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !strings.Contains(e.Name(), ".training-") && !strings.HasSuffix(e.Name(), ".lock") {
			steps++
		}
	}
	if steps != 1 {
		t.Errorf("%d models in the shared folder, want 1", steps)
	}
	if _, err := os.Stat("ignored"); err == nil {
		t.Error("TrainShared wrote to cfg.OutDir")
	}

	// Another configuration is another model.
	cfg.Steps = 6
	c, err := TrainShared(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Info.Training.Steps == a.Info.Training.Steps {
		t.Errorf("a 6-step configuration gave the 4-step model")
	}
	if _, err := TrainShared(TrainConfig{Init: "somewhere"}); err == nil {
		t.Error("a model to start from: want an error (a shared model is trained from scratch)")
	}
}

// Programs that need one shared model at once train it once: the others wait
// for the first and load its model (a lock beside the model).
func TestTrainSharedAtOnceTrainsOnce(t *testing.T) {
	root := t.TempDir()
	t.Setenv("SPECTRO_SHARED_MODELS", root)
	trainP, valP := tinyData(t)
	log := &lockedBuffer{}
	cfg := TrainConfig{From: spectro.Infrared, To: spectro.Raman, Steps: 4, Settings: tiny, TrainPairs: trainP, ValPairs: valP, Log: log}
	gens := make([]*Generator, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range gens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gens[i], errs[i] = TrainShared(cfg)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if gens[i].Info.Training.Seconds != gens[0].Info.Training.Seconds {
			t.Errorf("call %d got a model trained separately (%.4f s vs %.4f s)", i, gens[i].Info.Training.Seconds, gens[0].Info.Training.Seconds)
		}
	}
	if n := strings.Count(log.String(), "completed:"); n != 1 {
		t.Errorf("%d trainings ran, want 1:\n%s", n, log.String())
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".training-") {
			t.Errorf("a training folder was left behind: %s", e.Name())
		}
	}
}

// lockedBuffer is a log several trainings may write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
