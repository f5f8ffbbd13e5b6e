package peaks

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

type fixture struct {
	Signal       string             `json:"signal"`
	Y            []float64          `json:"y"`
	Options      map[string]float64 `json:"options"`
	Peaks        []int              `json:"peaks"`
	Prominences  []float64          `json:"prominences"`
	LeftBases    []int              `json:"left_bases"`
	RightBases   []int              `json:"right_bases"`
	Widths       []float64          `json:"widths"`
	WidthHeights []float64          `json:"width_heights"`
	LeftIPs      []float64          `json:"left_ips"`
	RightIPs     []float64          `json:"right_ips"`
}

// Find must reproduce scipy.signal.find_peaks/peak_widths exactly
// (fixtures from testdata/make_fixtures.py).
func TestAgainstScipy(t *testing.T) {
	data, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []fixture
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Signal == "integers with ties" && c.Options["distance"] > 0 {
			// scipy orders equal heights with numpy's unstable quicksort before applying the
			// distance rule, so which of two equally high neighbours survives is arbitrary there.
			continue
		}
		o := Options{MinProminence: c.Options["prominence"], Distance: int(c.Options["distance"]), MinWidth: c.Options["width"],
			RelHeight: c.Options["rel_height"], Wlen: int(c.Options["wlen"]), MinPlateau: int(c.Options["plateau_size"])}
		if h, ok := c.Options["height"]; ok {
			o.MinHeight, o.HasMinHeight = h, true
		}
		got := Find(c.Y, o)
		if len(got) != len(c.Peaks) {
			t.Errorf("%s %v: %d peaks, scipy %d", c.Signal, c.Options, len(got), len(c.Peaks))
			continue
		}
		for i, p := range got {
			if p.Index != c.Peaks[i] || p.LeftBase != c.LeftBases[i] || p.RightBase != c.RightBases[i] ||
				!close(p.Prominence, c.Prominences[i]) || !close(p.Width, c.Widths[i]) || !close(p.WidthHeight, c.WidthHeights[i]) ||
				!close(p.LeftIP, c.LeftIPs[i]) || !close(p.RightIP, c.RightIPs[i]) {
				t.Errorf("%s %v peak %d: got %+v; scipy index %d prominence %g bases %d,%d width %g",
					c.Signal, c.Options, i, p, c.Peaks[i], c.Prominences[i], c.LeftBases[i], c.RightBases[i], c.Widths[i])
				break
			}
		}
	}
	if len(cases) < 20 {
		t.Errorf("only %d fixtures", len(cases))
	}
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestEdgeCases(t *testing.T) {
	for _, y := range [][]float64{nil, {}, {1}, {1, 2}, {3, 3, 3}, {1, 2, 3, 4}} {
		if ps := Find(y, Options{}); len(ps) != 0 {
			t.Errorf("Find(%v) = %v, want none", y, ps)
		}
	}
	ps := Find([]float64{0, 1, 1, 0}, Options{})
	if len(ps) != 1 || ps[0].Index != 1 || ps[0].PlateauLeft != 1 || ps[0].PlateauRight != 2 {
		t.Errorf("plateau: %+v", ps)
	}
	top := TopByProminence([]Peak{{Index: 1, Prominence: 0.2}, {Index: 5, Prominence: 0.9}, {Index: 9, Prominence: 0.5}}, 2)
	if len(top) != 2 || top[0].Index != 5 || top[1].Index != 9 {
		t.Errorf("TopByProminence: %+v", top)
	}
	xs := []float64{100, 102, 104, 106}
	if w := (Peak{LeftIP: 0.5, RightIP: 2.25}).XWidth(xs); w != 3.5 {
		t.Errorf("XWidth %g", w)
	}
}

func FuzzFind(f *testing.F) {
	f.Add([]byte{0, 3, 1, 5, 5, 2, 7, 0}, 2, 0.1)
	f.Fuzz(func(t *testing.T, raw []byte, dist int, prom float64) {
		y := make([]float64, len(raw))
		for i, b := range raw {
			y[i] = float64(b)
		}
		for _, p := range Find(y, Options{Distance: dist % 50, MinProminence: prom, Wlen: dist % 17}) {
			if p.Index <= 0 || p.Index >= len(y)-1 || p.Prominence < 0 || p.Width < 0 || p.LeftIP > float64(p.Index) || p.RightIP < float64(p.Index) {
				t.Fatalf("bad peak %+v in %v", p, y)
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	y := make([]float64, 1024)
	for i := range y {
		y[i] = math.Sin(float64(i)/9) + 0.05*rng.NormFloat64()
	}
	for b.Loop() {
		Find(y, Options{MinProminence: 0.02})
	}
}
