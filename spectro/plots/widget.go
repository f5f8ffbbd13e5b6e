package plots

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
	"gonum.org/v1/plot"
)

// frontEndWait is how long ShowSlider waits for a notebook front-end to
// answer the slider before it takes the run for a headless one.
const frontEndWait = 3 * time.Second

// ShowSlider shows the figure draw(value) — stored with the notebook, like
// Show — and, in a live notebook, a slider from min to max under it: each
// position redraws the figure in place, until the slider has been left alone
// for idle (the cell then ends; run it again to go on). Without a front-end
// (a headless run, a page read without a kernel) the slider cannot start:
// ShowSlider says so after a few seconds, and the static figure stands.
func ShowSlider(min, max, value int, idle time.Duration, draw func(v int) (*plot.Plot, error)) {
	p, err := draw(value)
	if err != nil {
		fmt.Println("plots.ShowSlider:", err)
		return
	}
	Show(p)
	if !gonbui.IsNotebook {
		return
	}
	root := dom.CreateTransientDiv() // the live part is not saved with the notebook
	ready := make(chan *widgets.SliderBuilder, 1)
	go func() { ready <- widgets.Slider(min, max, value).AppendTo(root).Done() }() // Done waits for the front-end
	var slider *widgets.SliderBuilder
	select {
	case slider = <-ready:
	case <-time.After(frontEndWait):
		fmt.Println("(no live notebook front-end: the slider needs Jupyter with this kernel; the figure above is its starting position)")
		return
	}
	img := "gonb_slider_figure_" + gonbui.UniqueId()
	dom.Append(root, fmt.Sprintf(`<div id="%s"></div>`, img))
	updates := slider.Listen()
	defer updates.Close()
	for {
		select {
		case v := <-updates.C:
			p, err := draw(v)
			if err != nil {
				dom.SetInnerText(img, err.Error())
				continue
			}
			png, err := Grid("png", 1, p)
			if err != nil {
				dom.SetInnerText(img, err.Error())
				continue
			}
			dom.SetInnerHtml(img, fmt.Sprintf(`<img src="data:image/png;base64,%s" style="max-width:100%%"/>`, base64.StdEncoding.EncodeToString(png)))
		case <-time.After(idle):
			return
		}
	}
}
