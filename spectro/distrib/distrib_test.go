package distrib

import (
	"math"
	"testing"

	"github.com/spectrogen-go/spectrogen/spectro"
)

func TestRoundTrip(t *testing.T) {
	e := Encoding{K: 4, Grid: spectro.DefaultGrid(spectro.Raman)}
	in := spectro.PeakTable{
		{Center: 1085, FWHM: 4, Height: 2, Eta: 0.8},
		{Center: 282, FWHM: 10, Height: 1, Eta: 0.5},
		{Center: 712, FWHM: 3, Height: 0.4, Eta: 0.9},
	}
	v := e.Encode(in)
	if len(v) != 20 || v[3*Fields+4] != 0 || v[4] != 1 {
		t.Fatalf("vector %v", v)
	}
	out := e.Decode(v)
	want := append(spectro.PeakTable(nil), in...)
	want.SortByCenter()
	if len(out) != 3 {
		t.Fatalf("decoded %d peaks", len(out))
	}
	for i := range want {
		if math.Abs(out[i].Center-want[i].Center) > 1e-3 || math.Abs(out[i].FWHM-want[i].FWHM)/want[i].FWHM > 1e-5 ||
			math.Abs(out[i].Height-want[i].Height/2) > 1e-6 || math.Abs(out[i].Eta-want[i].Eta) > 1e-6 {
			t.Errorf("peak %d: %+v, want %+v (height relative to 2)", i, out[i], want[i])
		}
	}
	for i, x := range v {
		if x < 0 || x > 1 {
			t.Errorf("value %d = %g outside [0, 1]", i, x)
		}
	}
}

func TestKeepsTallestInsideGrid(t *testing.T) {
	e := Encoding{K: 2, Grid: spectro.Grid{Start: 0, Stop: 100, N: 101}}
	v := e.Encode(spectro.PeakTable{{Center: 10, FWHM: 2, Height: 0.1}, {Center: 50, FWHM: 2, Height: 3}, {Center: 90, FWHM: 2, Height: 2}, {Center: 150, FWHM: 2, Height: 9}})
	out := e.Decode(v)
	if len(out) != 2 || math.Abs(out[0].Center-50) > 1e-4 || math.Abs(out[1].Center-90) > 1e-4 {
		t.Errorf("kept %+v, want the peaks at 50 and 90", out)
	}
	empty := e.Encode(nil)
	for _, x := range empty {
		if x != 0 {
			t.Fatal("an empty table must encode to zeros")
		}
	}
	if len(e.Decode(empty)) != 0 {
		t.Error("zeros decode to no peaks")
	}
}

func TestRenderMatchesTable(t *testing.T) {
	g := spectro.Grid{Start: 0, Stop: 100, N: 201}
	e := Encoding{K: 3, Grid: g}
	in := spectro.PeakTable{{Center: 30, FWHM: 5, Height: 1, Eta: 0.3}, {Center: 60, FWHM: 8, Height: 0.5, Eta: 1}}
	got, want := e.Render(e.Encode(in)), in.Render(g.Points())
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-5 {
			t.Fatalf("point %d: %g, want %g", i, got[i], want[i])
		}
	}
}
