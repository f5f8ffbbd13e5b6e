package experiment

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

func TestReportSaveAndRead(t *testing.T) {
	g := spectro.DefaultGrid(spectro.Raman)
	mean, err := spectro.FromGrid(spectro.Raman, g, make([]float64, g.N))
	if err != nil {
		t.Fatal(err)
	}
	rep := &Report{From: spectro.Infrared, To: spectro.Raman, N: 1,
		Model:          eval.Summary{Pearson: 0.5, PK5: 0.4},
		Baselines:      map[string]eval.Summary{"nn1": {Pearson: 0.3}},
		Scores:         []eval.Scores{{Pearson: 0.5, RMSE: 0.1}},
		BaselineScores: map[string][]eval.Scores{"nn1": {{Pearson: 0.3}}},
		Test:           []model.Example{{Key: "R050048", Species: "Calcite", Class: "carbonate", Src: []float32{1, 2}, Tgt: []float32{3, 4}}},
		Generated:      []model.Generated{{Mean: mean, Lower: []float64{0}, Upper: []float64{1}, Expected: []float64{0.5}, Calibrated: true}},
		Coverages:      []eval.Coverage{{Points: 0.9}},
		Known:          []bool{true},
	}
	path := filepath.Join(t.TempDir(), "evaluation.gob")
	if err := rep.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Table() != rep.Table() || !reflect.DeepEqual(back.Scores, rep.Scores) || !reflect.DeepEqual(back.BaselineScores, rep.BaselineScores) ||
		!reflect.DeepEqual(back.Test[0].Src, rep.Test[0].Src) || back.Test[0].Species != "Calcite" ||
		!reflect.DeepEqual(back.Generated[0].Mean.Y, mean.Y) || !back.Generated[0].Calibrated || !reflect.DeepEqual(back.Known, rep.Known) {
		t.Errorf("read back %+v,\nwant %+v", back, rep)
	}
	// A damaged file is an error naming it, not a panic.
	bad := filepath.Join(t.TempDir(), "bad.gob")
	if err := os.WriteFile(bad, []byte("not gzip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(bad); err == nil || !strings.Contains(err.Error(), "bad.gob: not a SpectroGen evaluation report") {
		t.Errorf("damaged report: %v", err)
	}
}
