package eval

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"gonum.org/v1/gonum/floats"

	"github.com/spectrogen-go/spectrogen/spectro/collection"
)

// Label is what a classifier predicts of a sample.
type Label string

// The labels of a sample.
const (
	Class   Label = "class"   // its chemical class (carbonate, sulfate, ...)
	Species Label = "species" // its mineral species
)

// Labelled is one sample's feature vectors by input kind ("source",
// "target", "generated", "source+generated"), with its class and species.
type Labelled struct {
	Species, Class string
	Features       map[string][]float64
}

// Label returns the item's species for label Species, else its chemical class.
func (it Labelled) Label(label Label) string {
	if label == Species {
		return it.Species
	}
	return it.Class
}

// Confusion counts true (row) against predicted (column) labels.
type Confusion struct {
	Labels []string
	Counts [][]int
}

// NewConfusion returns an empty matrix over the distinct labels of items, sorted.
func NewConfusion(items []Labelled, label Label) Confusion {
	set := map[string]bool{}
	for _, it := range items {
		set[it.Label(label)] = true
	}
	labels := make([]string, 0, len(set))
	for l := range set {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	c := Confusion{Labels: labels, Counts: make([][]int, len(labels))}
	for i := range c.Counts {
		c.Counts[i] = make([]int, len(labels))
	}
	return c
}

// Index returns the row (and column) of a label, or -1 if the matrix lacks it.
func (c Confusion) Index(label string) int {
	if i := sort.SearchStrings(c.Labels, label); i < len(c.Labels) && c.Labels[i] == label {
		return i
	}
	return -1
}

// Add counts one prediction; a label the matrix lacks is ignored.
func (c Confusion) Add(truth, pred string) {
	if i, j := c.Index(truth), c.Index(pred); i >= 0 && j >= 0 {
		c.Counts[i][j]++
	}
}

// Accuracy is the share on the diagonal.
func (c Confusion) Accuracy() float64 {
	hit, all := 0, 0
	for i := range c.Counts {
		for j, n := range c.Counts[i] {
			all += n
			if i == j {
				hit += n
			}
		}
	}
	if all == 0 {
		return 0
	}
	return float64(hit) / float64(all)
}

// String prints the matrix with row labels.
func (c Confusion) String() string {
	var b strings.Builder
	w := 10
	fmt.Fprintf(&b, "%-*s", w+2, "true\\pred")
	for _, l := range c.Labels {
		fmt.Fprintf(&b, " %5.5s", l)
	}
	b.WriteString("\n")
	for i, row := range c.Counts {
		fmt.Fprintf(&b, "%-*s", w+2, c.Labels[i])
		for _, n := range row {
			fmt.Fprintf(&b, " %5d", n)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ClassifyNN predicts each sample's label (class or species) by its nearest
// neighbour (cosine) among the other samples, under a split: collection.Random
// (the neighbour may be any other sample) or collection.BySpecies
// (leave-species-out: no sample of the same species is a neighbour). kind
// selects the features.
func ClassifyNN(items []Labelled, kind string, label Label, split collection.Split) Confusion {
	c := NewConfusion(items, label)
	norms := make([]float64, len(items))
	for i, it := range items {
		norms[i] = floats.Norm(it.Features[kind], 2)
	}
	for i, a := range items {
		best, bestSim := -1, -2.0
		for j, b := range items {
			if i == j || (split == collection.BySpecies && a.Species == b.Species) {
				continue
			}
			sim := floats.Dot(a.Features[kind], b.Features[kind]) / (norms[i]*norms[j] + 1e-12)
			if sim > bestSim {
				best, bestSim = j, sim
			}
		}
		if best >= 0 {
			c.Add(a.Label(label), items[best].Label(label))
		}
	}
	return c
}

// Majority is the share of the most common label: the accuracy of always guessing it.
func Majority(items []Labelled, label Label) float64 {
	n := map[string]int{}
	m := 0
	for _, it := range items {
		l := it.Label(label)
		n[l]++
		m = max(m, n[l])
	}
	return float64(m) / float64(max(1, len(items)))
}

// Shuffled returns a copy of items in a seeded random order (for reports that subsample).
func Shuffled(items []Labelled, seed uint64) []Labelled {
	out := append([]Labelled(nil), items...)
	rand.New(rand.NewPCG(seed, 3)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
