package classifier

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"

	"github.com/spectrogen-go/spectrogen/spectro/collection"
	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// Method is a way of classifying the report compares.
type Method string

// The methods, by their names in tables and JSON.
const (
	NearestNeighbour Method = "nn1" // 1-nearest-neighbour by cosine (leave-one-out)
	Perceptron       Method = "mlp" // this package's perceptron (5-fold cross-validation)
)

// Methods, in report order.
var Methods = []Method{NearestNeighbour, Perceptron}

// Name is the method's name for tables and legends.
func (m Method) Name() string {
	switch m {
	case NearestNeighbour:
		return "1-NN (cosine)"
	case Perceptron:
		return "perceptron (GoMLX)"
	}
	return string(m)
}

// Task is what is predicted under which split (collection.Random or
// collection.BySpecies: leave-species-out).
type Task struct {
	Label eval.Label
	Split collection.Split
}

// Tasks returns the tasks worth reporting: the chemical class under a random
// and a leave-species-out split (when items have classes; those without are
// left out of these tasks) and the species
// under a random split (leave-species-out cannot name an unseen species).
func Tasks(items []eval.Labelled) []Task {
	tasks := []Task{{eval.Species, collection.Random}}
	if len(withLabel(items, eval.Class)) > 0 {
		tasks = append([]Task{{eval.Class, collection.Random}, {eval.Class, collection.BySpecies}}, tasks...)
	}
	return tasks
}

// Result is one cell of the report: a method's accuracy on a task from one
// input kind, with its confusion matrix.
type Result struct {
	Method    Method
	Task      Task
	Kind      string
	Accuracy  float64
	Confusion eval.Confusion
}

// Report holds the results of every method, task and input kind.
type Report struct {
	N        int                    `json:"n"`       // samples
	NClass   int                    `json:"n_class"` // samples with a chemical class
	Kinds    []string               `json:"kinds"`
	Tasks    []Task                 `json:"-"`
	Majority map[eval.Label]float64 `json:"majority"` // by label: the accuracy of always guessing the commonest
	Results  []Result               `json:"-"`        // in the order Evaluate ran them
}

// MarshalJSON writes the report with its accuracies nested as Accuracies
// gives them, under "accuracy".
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	return json.Marshal(struct {
		plain
		Accuracy any `json:"accuracy"`
	}{plain(r), r.Accuracies()})
}

// Accuracies are the results' accuracies nested by method, label, split and
// kind — {"mlp": {"class": {"species": {"source": 0.9}}}} in JSON, the shape
// `spectrogen classify --json` prints; a task a method did not run
// (Options.PerceptronTasks) is an empty object.
func (r *Report) Accuracies() map[Method]map[eval.Label]map[collection.Split]map[string]float64 {
	acc := map[Method]map[eval.Label]map[collection.Split]map[string]float64{}
	for _, m := range Methods {
		acc[m] = map[eval.Label]map[collection.Split]map[string]float64{}
		for _, t := range r.Tasks {
			if acc[m][t.Label] == nil {
				acc[m][t.Label] = map[collection.Split]map[string]float64{}
			}
			acc[m][t.Label][t.Split] = map[string]float64{}
		}
	}
	for _, c := range r.Results {
		acc[c.Method][c.Task.Label][c.Task.Split][c.Kind] = c.Accuracy
	}
	return acc
}

// Options steer Evaluate.
type Options struct {
	Folds    int    // for the perceptron (default 5)
	Settings string // perceptron hyperparameters
	Seed     uint64
	Progress func(done, total int) // called after each method × task × kind
	// PerceptronTasks, if not nil, limits the perceptron (a training per
	// fold, kind and task) to these tasks; the others get 1-NN only (the
	// table leaves out the perceptron's rows for them). Nil: every task.
	PerceptronTasks []Task
}

// Evaluate classifies items with every method, task and kind.
func Evaluate(b backends.Backend, items []eval.Labelled, kinds []string, opt Options) (*Report, error) {
	if opt.Folds == 0 {
		opt.Folds = 5
	}
	r := &Report{N: len(items), NClass: len(withLabel(items, eval.Class)), Kinds: kinds, Tasks: Tasks(items), Majority: map[eval.Label]float64{}}
	for _, t := range r.Tasks {
		r.Majority[t.Label] = eval.Majority(withLabel(items, t.Label), t.Label)
	}
	total, done := len(Methods)*len(r.Tasks)*len(kinds), 0
	for _, m := range Methods {
		for _, t := range r.Tasks {
			sub := withLabel(items, t.Label)
			if m == Perceptron && opt.PerceptronTasks != nil && !slices.Contains(opt.PerceptronTasks, t) {
				done += len(kinds)
				continue
			}
			for _, k := range kinds {
				var c eval.Confusion
				if m == NearestNeighbour {
					c = eval.ClassifyNN(sub, k, t.Label, t.Split)
				} else {
					var err error
					if c, err = CrossValidate(b, sub, k, t.Label, t.Split, opt.Folds, opt.Settings, opt.Seed); err != nil {
						return nil, fmt.Errorf("%s, %s by %s split, from %s: %w", m, t.Label, t.Split, k, err)
					}
				}
				r.Results = append(r.Results, Result{Method: m, Task: t, Kind: k, Accuracy: c.Accuracy(), Confusion: c})
				done++
				if opt.Progress != nil {
					opt.Progress(done, total)
				}
			}
		}
	}
	return r, nil
}

// withLabel returns the items that have the label (samples of unknown
// chemistry have no class: they are left out of the class tasks).
func withLabel(items []eval.Labelled, label eval.Label) []eval.Labelled {
	var out []eval.Labelled
	for _, it := range items {
		if it.Label(label) != "" {
			out = append(out, it)
		}
	}
	return out
}

// Result returns one cell of the report; false if Evaluate did not run it.
func (r *Report) Result(m Method, t Task, kind string) (Result, bool) {
	for _, c := range r.Results {
		if c.Method == m && c.Task == t && c.Kind == kind {
			return c, true
		}
	}
	return Result{}, false
}

// Get returns one accuracy (0 for a cell not run).
func (r *Report) Get(m Method, t Task, kind string) float64 {
	c, _ := r.Result(m, t, kind)
	return c.Accuracy
}

// Confusion returns one cell's confusion matrix (empty for a cell not run).
func (r *Report) Confusion(m Method, t Task, kind string) eval.Confusion {
	c, _ := r.Result(m, t, kind)
	return c.Confusion
}

// ran reports whether Evaluate ran method m on task t.
func (r *Report) ran(m Method, t Task) bool {
	return slices.ContainsFunc(r.Results, func(c Result) bool { return c.Method == m && c.Task == t })
}

// Table is the report as a Markdown table: a row per task and method, a
// column per input kind, and the majority guess.
func (r *Report) Table() string {
	var b strings.Builder
	b.WriteString("| predict | split | method |")
	for _, k := range r.Kinds {
		fmt.Fprintf(&b, " %s |", k)
	}
	fmt.Fprintf(&b, " majority |\n|---|---|---|%s---|\n", strings.Repeat("---:|", len(r.Kinds)))
	for _, t := range r.Tasks {
		for _, m := range Methods {
			split := "random"
			if t.Split == collection.BySpecies {
				split = "leave-species-out"
			}
			if !r.ran(m, t) {
				continue // a method not run on this task (Options.PerceptronTasks)
			}
			fmt.Fprintf(&b, "| %s | %s | %s |", t.Label, split, m.Name())
			for _, k := range r.Kinds {
				fmt.Fprintf(&b, " %.3f |", r.Get(m, t, k))
			}
			fmt.Fprintf(&b, " %.3f |\n", r.Majority[t.Label])
		}
	}
	return b.String()
}
