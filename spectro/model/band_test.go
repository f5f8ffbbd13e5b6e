package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// bandCase draws n examples whose measured spectrum is the generated centre
// plus Gaussian noise of a known, varying spread σ, with an uncalibrated band
// of ±width·σ: the calibrated 90 % band must then be ±1.645σ, whatever width
// the raw band had.
func bandCase(rng *rand.Rand, n int, width float64) ([]Example, []Generated) {
	g := spectro.DefaultGrid(spectro.Raman)
	xs := g.Points()
	exs, gens := make([]Example, n), make([]Generated, n)
	for i := range exs {
		c, lo, up, t := make([]float64, g.N), make([]float64, g.N), make([]float64, g.N), make([]float32, g.N)
		for j := range c {
			c[j] = 0.5 + 0.4*math.Sin(float64(j)/40+float64(i)) // spans [0.1, 0.9]: Scaled keeps it nearly as is
			sigma := 0.01 + 0.05*float64((j+i)%7)/6
			lo[j], up[j] = c[j]-width*sigma, c[j]+width*sigma
			t[j] = float32(c[j] + sigma*rng.NormFloat64())
		}
		// Scaled min-max scales the centre by its own range; put the target
		// on that scale too, so the known answer holds exactly.
		cmin, cmax := math.Inf(1), math.Inf(-1)
		for j := range c {
			cmin, cmax = math.Min(cmin, c[j]), math.Max(cmax, c[j])
		}
		sc := make([]float32, g.N)
		for j := range t {
			// A measured spectrum is in [0, 1] (min-max scaled itself).
			sc[j] = float32(math.Max(0, math.Min(1, (float64(t[j])-cmin)/(cmax-cmin))))
		}
		target, _ := spectro.FromGrid(spectro.Raman, g, make([]float64, g.N))
		exs[i] = Example{Species: "s", Tgt: sc, Target: target}
		mean, _ := spectro.New(spectro.Raman, xs, c)
		gens[i] = Generated{Mean: mean, Expected: c, Lower: lo, Upper: up}
	}
	return exs, gens
}

func TestCalibrateBandKnownAnswer(t *testing.T) {
	for _, width := range []float64{0.2, 1, 3} { // raw band too narrow, narrow, too wide
		rng := rand.New(rand.NewPCG(1, uint64(10*width)))
		exs, gens := bandCase(rng, 40, width)
		b, err := calibrateBand(exs, gens, spectro.DefaultGrid(spectro.Raman).Points())
		if err != nil {
			t.Fatal(err)
		}
		// In scaled units σ is σ/0.8, so the half-width is 1.645σ/0.8 = scale·width·σ/0.8
		// (a little less: targets clipped to [0, 1] fall inside more often).
		// The floor stays under a fifth of the smallest σ (0.0125 scaled).
		if want := 1.645 / width; b.Floor > 0.0025 || math.Abs(b.Scale-want)/want > 0.15 {
			t.Errorf("raw width %g: scale %.3f floor %.4f, want scale %.3f and no floor", width, b.Scale, b.Floor, want)
		}
		// Fresh draws from the same process: the calibrated band holds 90 %.
		test, tg := bandCase(rand.New(rand.NewPCG(2, uint64(10*width))), 40, width)
		for i := range tg {
			b.apply(&tg[i])
		}
		cov := eval.SummarizeCoverage(bandCoverages(test, tg))
		if math.Abs(cov.Points-0.90) > 0.015 {
			t.Errorf("raw width %g: calibrated band holds %.3f of fresh points, want 0.90", width, cov.Points)
		}
		// And it holds about 90 % at every spread, not 99 % where σ is small
		// and 70 % where it is large.
		var in, n [7]int
		for i := range test {
			_, lo, up := tg[i].Scaled()
			for j, v := range test[i].Tgt {
				k := (j + i) % 7
				n[k]++
				if lo[j] <= float64(v) && float64(v) <= up[j] {
					in[k]++
				}
			}
		}
		for k := range n {
			if c := float64(in[k]) / float64(n[k]); math.Abs(c-0.90) > 0.04 {
				t.Errorf("raw width %g: spread level %d: coverage %.3f, want 0.90 ± 0.04", width, k, c)
			}
		}
		if width == 0.2 && b.RawCoverage > 0.3 {
			t.Errorf("the too-narrow raw band held %.3f", b.RawCoverage)
		}
	}
}

func TestCalibrateBandRefusesNothing(t *testing.T) {
	if _, err := calibrateBand(nil, nil, nil); err == nil {
		t.Error("no examples: want an error")
	}
}

// bandCoverages is each generated band's coverage of its example's target.
func bandCoverages(exs []Example, gens []Generated) []eval.Coverage {
	out := make([]eval.Coverage, len(exs))
	for i, e := range exs {
		_, lower, upper := gens[i].Scaled()
		out[i] = eval.BandCoverage(lower, upper, spectro.Float64s(e.Tgt), e.Target.Measured(e.Target.X))
	}
	return out
}
