package plots

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"
)

// The interactive figure carries what the static one draws: each series by
// name with its colour and dash, the band as a filled pair of traces, the
// modality's axis labels, a hover with position and value.
func TestInteractiveFig(t *testing.T) {
	s := testSpectrum(t)
	lo, hi := make([]float64, s.Len()), make([]float64, s.Len())
	for i, v := range s.Y {
		lo[i], hi[i] = v-0.1, v+0.1
	}
	fig, err := InteractiveFig("calcite", Series{Label: "measured", Spectrum: s}, Series{Label: "generated", Spectrum: s, Dashed: true, Lower: lo, Upper: hi})
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Data) != 4 { // measured; generated's band (two traces) and its line
		t.Fatalf("%d traces, want 4", len(fig.Data))
	}
	b, err := json.Marshal(fig)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{`"name":"measured"`, `"name":"generated"`, `"dash":"dash"`, `"fill":"tonexty"`, "Raman shift", "Intensity (a.u.)", `%{x:.1f}`} {
		if !strings.Contains(js, want) {
			t.Errorf("figure JSON lacks %s", want)
		}
	}
	if _, err := InteractiveFig("none"); err == nil {
		t.Error("no series: no error")
	}
	if _, err := InteractiveFig("bad band", Series{Label: "x", Spectrum: s, Lower: lo[:3], Upper: hi}); err == nil {
		t.Error("a band of the wrong length: no error")
	}
}

// Outside a notebook ShowSlider draws its starting figure (Show does nothing
// there) and returns at once instead of waiting for a front-end.
func TestShowSliderOutsideANotebook(t *testing.T) {
	s := testSpectrum(t)
	calls := 0
	start := time.Now()
	ShowSlider(0, 10, 3, time.Minute, func(v int) (*plot.Plot, error) {
		calls++
		if v != 3 {
			t.Errorf("drawn at %d, want the starting value 3", v)
		}
		return Overlay("x", Series{Label: "s", Spectrum: s})
	})
	if calls != 1 || time.Since(start) > frontEndWait {
		t.Errorf("%d draws in %v: want one, at once", calls, time.Since(start))
	}
}
