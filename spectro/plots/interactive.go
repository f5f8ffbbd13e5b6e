package plots

import (
	"fmt"
	"image/color"

	grob "github.com/MetalBlueberry/go-plotly/generated/v2.34.0/graph_objects"
	"github.com/MetalBlueberry/go-plotly/pkg/types"
	gonbplotly "github.com/janpfeifer/gonb/gonbui/plotly"
)

// InteractiveFig is Overlay's figure for Plotly: the same series, colours,
// dashes, bands and axis labels, with zoom and a hover that reads each
// curve's position and value.
func InteractiveFig(title string, series ...Series) (*grob.Fig, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("plots.InteractiveFig %q: no series", title)
	}
	m := series[0].Spectrum.Modality
	fig := &grob.Fig{Layout: &grob.Layout{
		Title:     &grob.LayoutTitle{Text: types.S(title)},
		Xaxis:     &grob.LayoutXaxis{Title: &grob.LayoutXaxisTitle{Text: types.S(m.XLabel())}},
		Yaxis:     &grob.LayoutYaxis{Title: &grob.LayoutYaxisTitle{Text: types.S(YLabel(series[0].Spectrum))}},
		Hovermode: grob.LayoutHovermodeX,
		Height:    types.N(420),
	}}
	hover := types.ArrayOKValue(types.S("%{x:.1f}: %{y:.3f}"))
	for i, s := range series {
		c := hexColor(ColorFor(s.Label, i))
		x := s.Spectrum.X
		if s.Lower != nil && s.Upper != nil {
			if len(s.Lower) != len(x) || len(s.Upper) != len(x) {
				return nil, fmt.Errorf("plots: band of %q has %d/%d values for %d points", s.Label, len(s.Lower), len(s.Upper), len(x))
			}
			lo, hi := make([]float64, len(x)), make([]float64, len(x))
			for j := range x {
				lo[j], hi[j] = s.Lower[j]+s.Offset, s.Upper[j]+s.Offset
			}
			fig.Data = append(fig.Data,
				&grob.Scatter{X: types.DataArray(x), Y: types.DataArray(lo), Mode: grob.ScatterModeLines, Name: types.S(s.Label + " band"),
					Line: &grob.ScatterLine{Width: types.N(0), Color: types.C(c)}, Showlegend: types.False, Hoverinfo: types.ArrayOKValue(grob.ScatterHoverinfoSkip)},
				&grob.Scatter{X: types.DataArray(x), Y: types.DataArray(hi), Mode: grob.ScatterModeLines, Name: types.S(s.Label + " band"),
					Fill: grob.ScatterFillTonexty, Fillcolor: types.C(c + "40"), Line: &grob.ScatterLine{Width: types.N(0), Color: types.C(c)},
					Hoverinfo: types.ArrayOKValue(grob.ScatterHoverinfoSkip)})
		}
		y := make([]float64, len(x))
		for j, v := range s.Spectrum.Y {
			y[j] = v + s.Offset
		}
		line := &grob.ScatterLine{Color: types.C(c), Width: types.N(1.5)}
		if s.Dashed {
			line.Dash = types.S("dash")
		}
		fig.Data = append(fig.Data, &grob.Scatter{X: types.DataArray(x), Y: types.DataArray(y), Mode: grob.ScatterModeLines,
			Name: types.S(s.Label), Line: line, Hovertemplate: hover})
	}
	return fig, nil
}

// Interactive displays InteractiveFig in a GoNB notebook cell: in a live
// notebook (Plotly loads in the browser) it zooms and hovers; a page read
// without a kernel does not run it, so show the static figure too. Errors
// are printed, as Show does.
func Interactive(title string, series ...Series) {
	fig, err := InteractiveFig(title, series...)
	if err == nil {
		err = gonbplotly.DisplayFig(fig)
	}
	if err != nil {
		fmt.Println("plots.Interactive:", err)
	}
}

func hexColor(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}
