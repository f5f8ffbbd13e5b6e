package model

import (
	"io"
	"os"
	"path/filepath"
	"strings"
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
		if !strings.Contains(e.Name(), ".training-") {
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
	if _, err := TrainShared(TrainConfig{Data: "somewhere"}); err == nil {
		t.Error("a data folder: want an error (TrainShared takes data in memory)")
	}
}
