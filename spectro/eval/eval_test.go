package eval

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// The metrics against values computed independently with numpy and scipy
// (testdata/make_fixtures.py).
func TestMetricsAgainstNumpyScipy(t *testing.T) {
	data, err := os.ReadFile("testdata/metrics.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		X     []float64
		Cases []struct {
			G, T               []float64
			Pearson, RMSE, PK5 float64
			RMSERaw            float64 `json:"rmse_raw"`
		}
	}
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	for i, c := range fx.Cases {
		s := Score(c.G, c.T, fx.X, 10)
		for name, pair := range map[string][2]float64{"pearson": {s.Pearson, c.Pearson}, "rmse": {s.RMSE, c.RMSE}, "rmse_raw": {s.RMSERaw, c.RMSERaw}, "pk5": {s.PK5, c.PK5}} {
			if math.Abs(pair[0]-pair[1]) > 1e-9 {
				t.Errorf("case %d %s: %.12g, numpy/scipy %.12g", i, name, pair[0], pair[1])
			}
		}
	}
}

func TestScoreEdgeCases(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6}
	tgt := []float64{0, 0.2, 1, 0.2, 0, 0.5, 0}
	flat := make([]float64, len(x))
	s := Score(flat, tgt, x, 0.5)
	if s.Pearson != 0 || s.PK5 != 0 {
		t.Errorf("a flat generated spectrum: %+v (want r 0, pk 0)", s)
	}
	if s := Score(tgt, tgt, x, 0.5); math.Abs(s.Pearson-1) > 1e-12 || s.RMSE != 0 || s.PK5 != 1 {
		t.Errorf("identical spectra: %+v", s)
	}
	// A noisy output with many peaks does not score: only its top 5 count.
	noisy := []float64{0, 0.9, 0, 0.8, 0, 0.7, 0}
	if pk := PeakAgreement(noisy, []float64{0, 0, 0, 0, 1, 0, 0}, x, 0.5, 5); pk != 0 {
		t.Errorf("pk %g", pk)
	}
	if pk := PeakAgreement(tgt, flat, x, 0.5, 5); !math.IsNaN(pk) {
		t.Errorf("a measured spectrum without peaks should give NaN, got %g", pk)
	}
	sum := Summarize([]Scores{{Pearson: 0.5, PK5: math.NaN()}, {Pearson: 1, PK5: 1}})
	if sum.Pearson != 0.75 || sum.PK5 != 1 || sum.N != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func TestBaselines(t *testing.T) {
	// Targets are a fixed linear function of sources: PCA-ridge recovers it,
	// 1-NN returns the nearest training target, mean the average.
	var train, test []Example
	for i := 0; i < 20; i++ {
		a := float64(i) / 20
		src := []float64{a, 1 - a, 0.5, a * a}
		tgt := []float64{1 - a, a, 0.2}
		e := Example{Src: src, Tgt: tgt}
		if i%5 == 2 {
			test = append(test, e)
		} else {
			train = append(train, e)
		}
	}
	var srcs, tgts [][]float64
	for _, e := range train {
		srcs, tgts = append(srcs, e.Src), append(tgts, e.Tgt)
	}
	pr, err := NewPCARidge(srcs, tgts, 3, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range test {
		p := pr.Predict(e.Src)
		for j := range p {
			if math.Abs(p[j]-e.Tgt[j]) > 0.02 {
				t.Errorf("PCA-ridge %v, want %v", p, e.Tgt)
				break
			}
		}
	}
	nn := NewNearestNeighbour(srcs, tgts)
	if got := nn.Predict(train[3].Src); got[0] != train[3].Tgt[0] {
		t.Error("1-NN of a training source is its own target")
	}
	m := NewMeanTarget(tgts).Predict(nil)
	if math.Abs(m[2]-0.2) > 1e-12 {
		t.Errorf("mean target %v", m)
	}
	if _, err := NewPCARidge(srcs[:2], tgts[:2], 3, 1); err == nil {
		t.Error("PCA-ridge with 2 pairs should be an error")
	}
}

func TestClassifyNNSplits(t *testing.T) {
	v := func(a, b float64) map[string][]float64 { return map[string][]float64{"source": {a, b}} }
	items := []Labelled{
		{Species: "A", Class: "x", Features: v(1, 0)}, {Species: "A", Class: "x", Features: v(1, 0.01)},
		{Species: "B", Class: "x", Features: v(1, 0.2)}, {Species: "C", Class: "y", Features: v(0, 1)},
		{Species: "C", Class: "y", Features: v(0.01, 1)}, {Species: "D", Class: "y", Features: v(0.3, 1)},
	}
	if acc := ClassifyNN(items, "source", "species", "random").Accuracy(); acc != 4.0/6 {
		t.Errorf("species, random split: %g (the lone B and D cannot be right)", acc)
	}
	c := ClassifyNN(items, "source", "class", "species")
	if c.Accuracy() != 1 {
		t.Errorf("class, leave-species-out: %g\n%s", c.Accuracy(), c)
	}
	// Leave-species-out really excludes the same species: A's nearest must be B.
	one := ClassifyNN(items[:3], "source", "species", "species")
	if one.Counts[0][1] != 2 {
		t.Errorf("A should be matched to B when A is held out:\n%s", one)
	}
	if m := Majority(items, "class"); m != 0.5 {
		t.Errorf("majority %g", m)
	}
}

func TestConfusionAdd(t *testing.T) {
	items := []Labelled{{Species: "calcite", Class: "carbonate"}, {Species: "quartz", Class: "oxide"}, {Species: "aragonite", Class: "carbonate"}}
	c := NewConfusion(items, "class")
	if len(c.Labels) != 2 || c.Labels[0] != "carbonate" || c.Labels[1] != "oxide" {
		t.Fatalf("labels %v", c.Labels)
	}
	c.Add("carbonate", "carbonate")
	c.Add("oxide", "carbonate")
	c.Add("sulfate", "oxide") // not in the matrix: ignored
	if c.Counts[0][0] != 1 || c.Counts[1][0] != 1 || c.Accuracy() != 0.5 || c.Index("sulfate") != -1 {
		t.Errorf("counts %v, accuracy %g", c.Counts, c.Accuracy())
	}
	if got := NewConfusion(items, "species").Labels; len(got) != 3 || got[0] != "aragonite" {
		t.Errorf("species labels %v", got)
	}
}

// The k-NN baseline averages neighbours' targets: with two training pairs
// whose sources match the test source equally, it predicts their mean; and it
// takes part in BaselineScores.
func TestKNNBaseline(t *testing.T) {
	n := 64
	bump := func(c float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			d := (float64(i) - c) / 3
			out[i] = math.Exp(-d * d)
		}
		return out
	}
	srcs := [][]float64{bump(20), bump(20), bump(45)}
	tgts := [][]float64{bump(10), bump(30), bump(50)}
	kn, err := NewKNN(srcs, tgts, 2, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	got := kn.Predict(bump(20))
	for i := range got {
		if want := (tgts[0][i] + tgts[1][i]) / 2; math.Abs(got[i]-want) > 1e-5 {
			t.Fatalf("point %d: %g, want the mean of the two neighbours %g", i, got[i], want)
		}
	}
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = float64(i)
	}
	var train []Example
	for i := range srcs {
		train = append(train, Example{Src: srcs[i], Tgt: tgts[i]})
	}
	scores, err := BaselineScores(train, []Example{{Src: bump(45), Tgt: bump(50)}}, xs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if s := scores["knn"]; len(s) != 1 || s[0].Pearson < 0.99 {
		t.Errorf("knn scores %+v, want one near-perfect score", s)
	}
}
