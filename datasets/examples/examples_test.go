package examples

import (
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestRRUFFExamples(t *testing.T) {
	col, err := RRUFF()
	if err != nil {
		t.Fatal(err)
	}
	if len(col.Samples) != 4 {
		t.Fatalf("%d samples, want 4", len(col.Samples))
	}
	for _, s := range col.Samples {
		if !s.Has(spectro.Infrared) || !s.Has(spectro.Raman) || s.Mineral == "" || s.Chemistry == "" {
			t.Errorf("sample %s (%s): infrared %v, Raman %v, chemistry %q", s.Key, s.Mineral, s.Has(spectro.Infrared), s.Has(spectro.Raman), s.Chemistry)
		}
	}
	if got := len(col.Pairs(spectro.Infrared, spectro.Raman)); got != 4 {
		t.Errorf("%d pairs, want 4", got)
	}
	if len(Keys()) != 4 {
		t.Errorf("Keys() = %v", Keys())
	}
}
