package examples

import (
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestRRUFFExamples(t *testing.T) {
	col, err := RRUFF()
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Samples) != 5 {
		t.Fatalf("%d samples, want 5", len(col.Samples))
	}
	for _, s := range col.Samples {
		if !s.Has(spectro.Infrared) || !s.Has(spectro.Raman) || s.Mineral == "" || s.Chemistry == "" {
			t.Errorf("sample %s (%s): infrared %v, Raman %v, chemistry %q", s.Key, s.Mineral, s.Has(spectro.Infrared), s.Has(spectro.Raman), s.Chemistry)
		}
	}
	if got := len(col.Pairs(spectro.Infrared, spectro.Raman)); got != 5 {
		t.Errorf("%d pairs, want 5", got)
	}
	// Quartz's pattern (Cu Kα) and dolomite's (a portable cobalt-anode
	// instrument, moved to Cu Kα: its 104 line at 30.9°, not 36.1°).
	xrd := col.Pairs(spectro.Infrared, spectro.XRD)
	if len(xrd) != 2 {
		t.Fatalf("%d infrared/XRD pairs, want 2", len(xrd))
	}
	for _, p := range xrd {
		if p.Sample.Mineral == "Dolomite" {
			if x := p.Target.X[floats.MaxIdx(p.Target.Y)]; x < 30.7 || x > 31.1 {
				t.Errorf("dolomite's strongest line at %.2f° 2θ, want 30.9 (Cu Kα)", x)
			}
		}
	}
	if len(Keys()) != 5 {
		t.Errorf("Keys() = %v", Keys())
	}
}
