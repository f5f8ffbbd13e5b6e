package model

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/spectrogen-go/spectrogen/spectro"
	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/distrib"
	"github.com/spectrogen-go/spectrogen/spectro/features"
	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// Example is one (source, target) pair ready for the model: both spectra on
// their evaluation grids, min-max scaled, the source's peak vector, and the
// target's peak centres (normalised) with weights for the peak-table term.
type Example struct {
	Key, Species, Class string
	Dir                 Direction
	Src, Tgt            []float32
	SrcPeaks            []float32
	TgtPeaks            []float32 // the target's fitted peak vector (multi-modal models: the target's encoder reads it)
	TgtCenters          []float32
	TgtWeights          []float32
	// The source's fitted peak positions, normalised on the target axis and on
	// the source axis, and which slots hold a peak (see Anchors).
	AnchorsTgt, AnchorsSrc, AnchorMask []float32
	// Neighbours retrieved from the training library (retrieval models): Nbrs
	// leaves out the example's own sample; NbrsNewSpecies (training examples
	// only) its whole species, to train for species the library lacks.
	Nbrs, NbrsNewSpecies []retrieval.Neighbour
	Source, Target       *spectro.Spectrum // as measured, for evaluation and plots
	srcY, tgtY           []float64         // Src and Tgt before the float32 conversion (peak fits use these)
}

// TableSlots is how many target lines the peak-table term compares with.
const TableSlots = 16

// SourceFeatures fits a source spectrum already on grid gs (pseudo-Voigt, up
// to k peaks; through the fit cache, as generation does) and returns its
// distribution vector and its peak positions as anchors: normalised on the
// target grid gt and on gs, with a mask of the slots that hold a peak inside
// the target range.
func SourceFeatures(s *spectro.Spectrum, gs, gt spectro.Grid, k int) (vec, anchorsTgt, anchorsSrc, mask []float32) {
	return sourceFeatures(features.Tables([]*spectro.Spectrum{s}, k, features.User())[0], gs, gt, k)
}

func sourceFeatures(table spectro.PeakTable, gs, gt spectro.Grid, k int) (vec, anchorsTgt, anchorsSrc, mask []float32) {
	vec = distrib.Encoding{K: k, Grid: gs}.Encode(table)
	anchorsTgt, anchorsSrc, mask = make([]float32, k), make([]float32, k), make([]float32, k)
	for slot := 0; slot < k; slot++ {
		v := vec[slot*distrib.Fields : (slot+1)*distrib.Fields]
		if v[4] == 0 {
			continue
		}
		x := gs.Start + float64(v[0])*(gs.Stop-gs.Start)
		anchorsSrc[slot] = v[0]
		anchorsTgt[slot] = float32((x - gt.Start) / (gt.Stop - gt.Start))
		if x >= gt.Start && x <= gt.Stop {
			mask[slot] = 1
		}
	}
	return vec, anchorsTgt, anchorsSrc, mask
}

// OnGrids turns pairs into examples holding both spectra on the default grids
// (evaluation protocol: resampled, min-max scaled) and no peak tables — all that
// evaluation and the baselines need.
func OnGrids(pairs []collection.Pair, from, to spectro.Modality) ([]Example, error) {
	gs, gt := spectro.DefaultGrid(from), spectro.DefaultGrid(to)
	exs := make([]Example, len(pairs))
	for i, p := range pairs {
		src, err := p.Source.OnGrid(gs)
		if err != nil {
			return nil, err
		}
		tgt, err := p.Target.OnGrid(gt)
		if err != nil {
			return nil, err
		}
		exs[i] = Example{Key: p.Sample.Key, Species: p.Sample.Mineral, Class: string(p.Sample.Class), Dir: Direction{from, to},
			Src: f32(src.Y), Tgt: f32(tgt.Y), Source: p.Source, Target: p.Target, srcY: src.Y, tgtY: tgt.Y}
	}
	return exs, nil
}

// Prepare turns pairs into training examples: OnGrids plus peak tables — the
// source's fitted, the target's from the samples' ground truth where they have
// it (synthetic data), else fitted (batch, all cores), through the disk
// cache (nil: features.User()).
func Prepare(ctx context.Context, pairs []collection.Pair, from, to spectro.Modality, inPeaks int, disk *features.DiskCache) ([]Example, error) {
	if disk == nil {
		disk = features.User()
	}
	return prepare(ctx, pairs, from, to, inPeaks, false, features.Memo{}, disk)
}

// prepare is Prepare with a memo; targetVec also fits the target's peak vector.
func prepare(ctx context.Context, pairs []collection.Pair, from, to spectro.Modality, inPeaks int, targetVec bool, memo features.Memo, disk *features.DiskCache) ([]Example, error) {
	exs, err := OnGrids(pairs, from, to)
	if err != nil {
		return nil, err
	}
	gs, gt := spectro.DefaultGrid(from), spectro.DefaultGrid(to)
	xs, xt := gs.Points(), gt.Points()
	var reqs []features.Request
	for i, p := range pairs {
		// Peak tables are always fitted on the source (as at inference time);
		// the target's come from ground truth when the sample has it.
		if inPeaks > 0 {
			reqs = append(reqs, features.Request{Key: features.Key{S: p.Source, K: inPeaks}, X: xs, Y: exs[i].srcY})
			if targetVec {
				reqs = append(reqs, features.Request{Key: features.Key{S: p.Target, K: inPeaks}, X: xt, Y: exs[i].tgtY})
			}
		}
		if len(p.Sample.Peaks[to]) == 0 {
			reqs = append(reqs, features.Request{Key: features.Key{S: p.Target, K: TableSlots}, X: xt, Y: exs[i].tgtY})
		}
	}
	if err := features.FitAll(ctx, reqs, memo, disk); err != nil {
		return nil, err
	}
	for i, p := range pairs {
		e := &exs[i]
		if inPeaks > 0 {
			e.SrcPeaks, e.AnchorsTgt, e.AnchorsSrc, e.AnchorMask = sourceFeatures(memo[features.Key{S: p.Source, K: inPeaks}], gs, gt, inPeaks)
			if targetVec {
				e.TgtPeaks = distrib.Encoding{K: inPeaks, Grid: gt}.Encode(memo[features.Key{S: p.Target, K: inPeaks}])
			}
		}
		if truth := p.Sample.Peaks[to]; len(truth) > 0 {
			e.TgtCenters, e.TgtWeights = tableTerm(truth, gt)
		} else {
			e.TgtCenters, e.TgtWeights = tableTerm(memo[features.Key{S: p.Target, K: TableSlots}], gt)
		}
	}
	return exs, nil
}

// tableTerm gives the TableSlots tallest lines' normalised centres and height
// weights (zero weight for empty slots).
func tableTerm(t spectro.PeakTable, g spectro.Grid) (centers, weights []float32) {
	centers, weights = make([]float32, TableSlots), make([]float32, TableSlots)
	in := append(spectro.PeakTable(nil), t...)
	sort.SliceStable(in, func(i, j int) bool { return in[i].Height > in[j].Height })
	maxH := 0.0
	k := 0
	for _, p := range in {
		if k == TableSlots {
			break
		}
		if p.Center < g.Start || p.Center > g.Stop || p.Height <= 0 {
			continue
		}
		if maxH == 0 {
			maxH = p.Height
		}
		centers[k] = float32((p.Center - g.Start) / (g.Stop - g.Start))
		weights[k] = float32(p.Height / maxH)
		k++
	}
	return centers, weights
}

func f32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// Dataset feeds examples to GoMLX in batches of one direction each (the
// batch's spec is its Direction). For training it shuffles every pass
// (deterministically from its seed), takes the directions in turn and never
// ends; for evaluation it yields each example once, then io.EOF.
type Dataset struct {
	name     string
	exs      []Example
	batch    int
	inPeaks  int
	infinite bool
	seed     uint64
	// withTarget adds the target spectrum and its peak vector to the inputs
	// (for the latent alignment term; see hparams.aligned).
	withTarget bool
	streams    []*stream
	turn       int // training: the stream of the next batch
	// Retrieval: the library the examples' neighbours index, how many each
	// batch carries, and the share of training examples given their
	// new-species neighbours (chosen per example and batch, from the seed).
	lib        *retrieval.Library
	retK       int
	rerank     bool // also the neighbours' sources
	newSpecies float64
	batches    uint64 // batches handed out (keys the new-species choice)
}

// stream is one direction's examples and its place in them.
type stream struct {
	dir   Direction
	idx   []int // indices into Dataset.exs
	epoch uint64
	order []int
	pos   int
}

// NewDataset makes a dataset; infinite for training. Directions come in the
// order of their first example.
func NewDataset(name string, exs []Example, batch, inPeaks int, infinite bool, seed uint64) (*Dataset, error) {
	if len(exs) == 0 {
		return nil, fmt.Errorf("dataset %s: no examples", name)
	}
	d := &Dataset{name: name, exs: exs, batch: batch, inPeaks: inPeaks, infinite: infinite, seed: seed}
	byDir := map[Direction]*stream{}
	for i, e := range exs {
		s := byDir[e.Dir]
		if s == nil {
			s = &stream{dir: e.Dir}
			byDir[e.Dir] = s
			d.streams = append(d.streams, s)
		}
		s.idx = append(s.idx, i)
	}
	d.Reset()
	return d, nil
}

// Name implements train.Dataset.
func (d *Dataset) Name() string { return d.name }

// Directions lists the dataset's directions.
func (d *Dataset) Directions() []Direction {
	out := make([]Direction, len(d.streams))
	for i, s := range d.streams {
		out[i] = s.dir
	}
	return out
}

// Reset implements train.Dataset.
func (d *Dataset) Reset() {
	d.turn, d.batches = 0, 0
	for si, s := range d.streams {
		s.epoch, s.pos = 0, 0
		d.shuffle(si)
	}
}

func (d *Dataset) shuffle(si int) {
	s := d.streams[si]
	s.order = append(s.order[:0], s.idx...)
	if d.infinite {
		// The first stream keeps the seed's sequence of a one-direction dataset.
		rng := rand.New(rand.NewPCG(d.seed+uint64(si)*0x9e3779b9, s.epoch))
		rng.Shuffle(len(s.order), func(i, j int) { s.order[i], s.order[j] = s.order[j], s.order[i] })
	}
}

// Skip advances a training dataset by n batches (used when resuming, so the
// batch sequence continues where the interrupted run stopped).
func (d *Dataset) Skip(n int) {
	for i := 0; i < n; i++ {
		d.next()
	}
}

// next returns the next batch's direction and example indices (none at the end
// of an evaluation pass).
func (d *Dataset) next() (Direction, []int) {
	d.batches++
	if d.infinite {
		si := d.turn
		d.turn = (d.turn + 1) % len(d.streams)
		return d.streams[si].dir, d.take(si)
	}
	for ; d.turn < len(d.streams); d.turn++ {
		if idx := d.take(d.turn); len(idx) > 0 {
			return d.streams[d.turn].dir, idx
		}
	}
	return Direction{}, nil
}

// take returns up to a batch of stream si's examples (a full batch for training).
func (d *Dataset) take(si int) []int {
	s := d.streams[si]
	var idx []int
	for len(idx) < d.batch {
		if s.pos == len(s.order) {
			if !d.infinite {
				break
			}
			s.epoch++
			s.pos = 0
			d.shuffle(si)
		}
		idx = append(idx, s.order[s.pos])
		s.pos++
	}
	return idx
}

// Yield implements train.Dataset: spec is the batch's Direction; inputs
// [source, source peaks, anchors on the target axis, anchor mask, anchors on
// the source axis] and, withTarget, [target, target peaks] (zeros where not
// prepared), labels [target, target centres, target weights].
// Evaluation batches are padded to full size by repeating examples, so one
// graph per direction serves every batch.
func (d *Dataset) Yield() (spec any, inputs, labels []*tensors.Tensor, err error) {
	dir, idx := d.next()
	if len(idx) == 0 {
		return nil, nil, nil, io.EOF
	}
	for len(idx) < d.batch {
		idx = append(idx, idx[len(idx)%len(idx)])
	}
	inputs, labels = d.tensors(idx)
	return dir, inputs, labels, nil
}

// probe is a full batch of the first direction's first examples (nil when
// that direction has fewer than a batch), with its spec.
func (d *Dataset) probe() (Direction, []int) {
	s := d.streams[0]
	if len(s.idx) < d.batch {
		return s.dir, nil
	}
	return s.dir, s.idx[:d.batch]
}
func (d *Dataset) tensors(idx []int) (inputs, labels []*tensors.Tensor) {
	ns, nt := len(d.exs[0].Src), len(d.exs[0].Tgt)
	ka := max(d.inPeaks, 1)
	kin := ka * distrib.Fields
	var src, peaks, tgt, tgtPeaks, cen, wts, at, as, am []float32
	for _, i := range idx {
		e := d.exs[i]
		src = append(src, e.Src...)
		if d.withTarget {
			if len(e.TgtPeaks) == kin {
				tgtPeaks = append(tgtPeaks, e.TgtPeaks...)
			} else {
				tgtPeaks = append(tgtPeaks, make([]float32, kin)...)
			}
		}
		tgt = append(tgt, e.Tgt...)
		cen = append(cen, e.TgtCenters...)
		wts = append(wts, e.TgtWeights...)
		if d.inPeaks > 0 {
			peaks, at, as, am = append(peaks, e.SrcPeaks...), append(at, e.AnchorsTgt...), append(as, e.AnchorsSrc...), append(am, e.AnchorMask...)
		} else {
			z := make([]float32, ka)
			peaks, at, as, am = append(peaks, make([]float32, kin)...), append(at, z...), append(as, z...), append(am, z...)
		}
	}
	b := len(idx)
	// In the order modelFn reads them: inSource … inAnchorsSource, then the
	// target (inTarget, inTargetPeaks) or the neighbours (inNeighbours).
	inputs = []*tensors.Tensor{tensors.FromFlatDataAndDimensions(src, b, ns), tensors.FromFlatDataAndDimensions(peaks, b, kin),
		tensors.FromFlatDataAndDimensions(at, b, ka), tensors.FromFlatDataAndDimensions(am, b, ka), tensors.FromFlatDataAndDimensions(as, b, ka)}
	if d.withTarget {
		inputs = append(inputs, tensors.FromFlatDataAndDimensions(slices.Clone(tgt), b, nt), tensors.FromFlatDataAndDimensions(tgtPeaks, b, kin))
	}
	if d.retK > 0 {
		rng := rand.New(rand.NewPCG(d.seed, 0x7e7+d.batches))
		lists := make([][]retrieval.Neighbour, b)
		for j, i := range idx {
			lists[j] = d.exs[i].Nbrs
			if d.infinite && d.exs[i].NbrsNewSpecies != nil && rng.Float64() < d.newSpecies {
				lists[j] = d.exs[i].NbrsNewSpecies
			}
		}
		inputs = append(inputs, NeighbourTensors(d.lib, lists, d.retK, nt, d.rerank)...)
	}
	labels = []*tensors.Tensor{tensors.FromFlatDataAndDimensions(tgt, b, nt),
		tensors.FromFlatDataAndDimensions(cen, b, TableSlots), tensors.FromFlatDataAndDimensions(wts, b, TableSlots)}
	return inputs, labels
}

// NeighbourTensors packs neighbour lists as the decoder's inputs: their
// targets [B, k, n], similarities [B, k] and, with withSources, their
// sources [B, k, ns] (for the learned re-ranking). Missing neighbours (a
// library smaller than k) are empty spectra with similarity −1, which the
// softmax weighs at nothing.
func NeighbourTensors(lib *retrieval.Library, lists [][]retrieval.Neighbour, k, n int, withSources bool) []*tensors.Tensor {
	b := len(lists)
	ns := len(lib.Entries[0].Source)
	t, s := make([]float32, b*k*n), make([]float32, b*k)
	var src []float32
	if withSources {
		src = make([]float32, b*k*ns)
	}
	for j, list := range lists {
		for r := 0; r < k; r++ {
			if r >= len(list) {
				s[j*k+r] = -1
				continue
			}
			s[j*k+r] = float32(list[r].Similarity)
			e := lib.Entries[list[r].Index]
			copy(t[(j*k+r)*n:(j*k+r+1)*n], e.Target)
			if withSources {
				copy(src[(j*k+r)*ns:(j*k+r+1)*ns], e.Source)
			}
		}
	}
	out := []*tensors.Tensor{tensors.FromFlatDataAndDimensions(t, b, k, n), tensors.FromFlatDataAndDimensions(s, b, k)}
	if withSources {
		out = append(out, tensors.FromFlatDataAndDimensions(src, b, k, ns))
	}
	return out
}

// NewLibrary makes the neighbour library of training examples: their
// sources and targets (of the examples' direction).
func NewLibrary(exs []Example) (*retrieval.Library, error) {
	entries := make([]retrieval.Entry, 0, len(exs))
	for _, e := range exs {
		name := ""
		if e.Target != nil {
			name = filepath.Base(e.Target.Name()) // the file, not where it was
		}
		entries = append(entries, retrieval.Entry{Key: e.Key, Species: e.Species, Name: name, Source: e.Src, Target: e.Tgt})
	}
	return retrieval.New(entries)
}

// attachNeighbours gives each example its k neighbours in lib, never from its
// own sample; with newSpecies, also a list that leaves out its species. The
// look-ups run on all cores.
func attachNeighbours(exs []Example, lib *retrieval.Library, k int, tau float64, newSpecies bool) {
	parallelFor(len(exs), func(i int) {
		e := &exs[i]
		e.Nbrs = lib.Nearest(e.Src, k, tau, func(en retrieval.Entry) bool { return en.Key == e.Key })
		if newSpecies {
			sp := collection.MineralKey(e.Species)
			e.NbrsNewSpecies = lib.Nearest(e.Src, k, tau, func(en retrieval.Entry) bool { return collection.MineralKey(en.Species) == sp })
		}
	})
}

// parallelFor runs f(0..n-1) on all cores.
func parallelFor(n int, f func(i int)) {
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
