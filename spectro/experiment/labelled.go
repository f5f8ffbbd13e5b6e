package experiment

import (
	"fmt"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
	"github.com/spectrogen-go/spectrogen/spectro/model"
)

// InputKinds are the feature kinds Labelled can give, in report order.
var InputKinds = []string{"source", "target", "generated", "source+generated"}

// Labelled makes one labelled item per sample for the classifiers: its measured source and
// target on the evaluation grids, and with a model the generated target,
// source + generated side by side, and the latent mean ("latent", beside
// the kinds returned: a feature to look at, e.g. its principal components). Without pairs (and without a model) it
// classifies from the source alone, leaving out spectra that cover less than
// half of the source grid (far-infrared files on the mid-infrared grid).
func Labelled(col *collection.Collection, f, t spectro.Modality, g *model.Generator) (items []eval.Labelled, kinds []string, skipped int, err error) {
	seen := map[string]bool{}
	var srcs []*spectro.Spectrum
	pairs := col.Pairs(f, t)
	if len(pairs) == 0 && g == nil {
		gs := spectro.DefaultGrid(f)
		for _, smp := range col.Samples {
			if !smp.Has(f) {
				continue
			}
			sp := smp.Spectra[f][0]
			if !collection.Covers(sp, gs, collection.MinCoverage) {
				skipped++
				continue
			}
			on, err := sp.OnGrid(gs)
			if err != nil {
				return nil, nil, 0, err
			}
			items = append(items, eval.Labelled{Species: smp.Mineral, Class: string(smp.Class), Features: map[string][]float64{"source": on.Y}})
		}
		if len(items) < 3 {
			return nil, nil, 0, fmt.Errorf("%s: only %d %s spectra", col.Dir, len(items), f)
		}
		return items, InputKinds[:1], skipped, nil
	}
	for _, p := range pairs {
		if seen[p.Sample.Key] {
			continue
		}
		seen[p.Sample.Key] = true
		s, err := p.Source.OnGrid(spectro.DefaultGrid(f))
		if err != nil {
			return nil, nil, 0, err
		}
		tg, err := p.Target.OnGrid(spectro.DefaultGrid(t))
		if err != nil {
			return nil, nil, 0, err
		}
		items = append(items, eval.Labelled{Species: p.Sample.Mineral, Class: string(p.Sample.Class),
			Features: map[string][]float64{"source": s.Y, "target": tg.Y}})
		srcs = append(srcs, p.Source)
	}
	if len(items) < 3 {
		return nil, nil, 0, fmt.Errorf("%s: only %d %s/%s samples", col.Dir, len(items), f, t)
	}
	if g == nil {
		return items, InputKinds[:2], 0, nil
	}
	gens, err := g.Generate(srcs, 0, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	for i := range items {
		gm, _, _ := gens[i].Scaled()
		items[i].Features["generated"] = gm.Y
		items[i].Features["source+generated"] = append(append([]float64(nil), items[i].Features["source"]...), gm.Y...)
		items[i].Features["latent"] = spectro.Float64s(gens[i].Latent)
	}
	return items, InputKinds, 0, nil
}
