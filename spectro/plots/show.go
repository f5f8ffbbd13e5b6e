package plots

import (
	"fmt"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
)

// Show displays plots side by side as a PNG image in a GoNB notebook cell; outside
// a notebook it does nothing. Errors are printed, so a notebook cell never panics
// on a bad plot.
func Show(ps ...*plot.Plot) {
	ShowGrid(len(ps), ps...)
}

// ShowGrid is Show with cols panels per row.
func ShowGrid(cols int, ps ...*plot.Plot) {
	img, err := Grid("png", cols, ps...)
	if err != nil {
		fmt.Println("plots.Show:", err)
		return
	}
	gonbui.DisplayPng(img)
	// The image travels to the kernel through a pipe; a cell program that ends
	// right after showing it can exit before it arrives (GoNB documents this),
	// so wait until GoNB acknowledges it.
	gonbui.Sync()
}

// ShowMap displays a parameter image of a spectral map (see MapImage) in a
// GoNB notebook cell.
func ShowMap(title, label string, w, h int, v []float64) {
	img, err := MapImage("png", title, label, w, h, v)
	if err != nil {
		fmt.Println("plots.ShowMap:", err)
		return
	}
	gonbui.DisplayPng(img)
	gonbui.Sync()
}
