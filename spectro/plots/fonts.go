package plots

import (
	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"codeberg.org/go-fonts/dejavu/dejavusansoblique"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
)

// Figures are set in DejaVu Sans: gonum/plot's default Liberation fonts have
// no superscript minus, so "cm⁻¹" could only be spelt "cm-1"; DejaVu has it
// (and °, θ, ², Greek), so axis units read as a spectroscopist writes them.
// Importing this package makes it gonum/plot's default font.
func init() {
	faces := []struct {
		style font.Font
		ttf   []byte
	}{
		{font.Font{Typeface: "DejaVu", Variant: "Sans"}, dejavusans.TTF},
		{font.Font{Typeface: "DejaVu", Variant: "Sans", Weight: xfont.WeightBold}, dejavusansbold.TTF},
		{font.Font{Typeface: "DejaVu", Variant: "Sans", Style: xfont.StyleItalic}, dejavusansoblique.TTF},
	}
	var coll font.Collection
	for _, f := range faces {
		face, err := opentype.Parse(f.ttf)
		if err != nil {
			return // keep gonum/plot's own default font
		}
		coll = append(coll, font.Face{Font: f.style, Face: face})
	}
	font.DefaultCache.Add(coll)
	plot.DefaultFont = font.Font{Typeface: "DejaVu", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont // labels and other plotters' text
}
