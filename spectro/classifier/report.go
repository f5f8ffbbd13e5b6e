package classifier

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/backends"

	"github.com/spectrogen-go/spectrogen/spectro/eval"
)

// Methods, in report order: 1-nearest-neighbour by cosine (leave-one-out) and
// this package's perceptron (5-fold cross-validation).
var Methods = []string{"nn1", "mlp"}

// Task is what is predicted under which split.
type Task struct{ Label, Split string }

// Tasks returns the tasks worth reporting: the chemical class under a random
// and a leave-species-out split (when items have classes; those without are
// left out of these tasks) and the species
// under a random split (leave-species-out cannot name an unseen species).
func Tasks(items []eval.Labelled) []Task {
	tasks := []Task{{"species", "random"}}
	if len(withLabel(items, "class")) > 0 {
		tasks = append([]Task{{"class", "random"}, {"class", "species"}}, tasks...)
	}
	return tasks
}

// Report holds accuracies by method, task and input kind, with the confusion matrices.
type Report struct {
	N        int                `json:"n"`       // samples
	NClass   int                `json:"n_class"` // samples with a chemical class
	Kinds    []string           `json:"kinds"`
	Tasks    []Task             `json:"-"`
	Majority map[string]float64 `json:"majority"` // by label: the accuracy of always guessing the commonest
	// Accuracy[method][label][split][kind]
	Accuracy  map[string]map[string]map[string]map[string]float64 `json:"accuracy"`
	Confusion map[string]eval.Confusion                           `json:"-"` // by Key
}

// Key names one cell of the report.
func Key(method string, t Task, kind string) string {
	return method + "/" + t.Label + "/" + t.Split + "/" + kind
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
	r := &Report{N: len(items), NClass: len(withLabel(items, "class")), Kinds: kinds, Tasks: Tasks(items), Majority: map[string]float64{},
		Accuracy: map[string]map[string]map[string]map[string]float64{}, Confusion: map[string]eval.Confusion{}}
	for _, t := range r.Tasks {
		r.Majority[t.Label] = eval.Majority(withLabel(items, t.Label), t.Label)
	}
	total, done := len(Methods)*len(r.Tasks)*len(kinds), 0
	for _, m := range Methods {
		r.Accuracy[m] = map[string]map[string]map[string]float64{}
		for _, t := range r.Tasks {
			if r.Accuracy[m][t.Label] == nil {
				r.Accuracy[m][t.Label] = map[string]map[string]float64{}
			}
			r.Accuracy[m][t.Label][t.Split] = map[string]float64{}
			sub := withLabel(items, t.Label)
			if m == "mlp" && opt.PerceptronTasks != nil && !slices.Contains(opt.PerceptronTasks, t) {
				done += len(kinds)
				continue
			}
			for _, k := range kinds {
				var c eval.Confusion
				if m == "nn1" {
					c = eval.ClassifyNN(sub, k, t.Label, t.Split)
				} else {
					var err error
					if c, err = CrossValidate(b, sub, k, t.Label, t.Split, opt.Folds, opt.Settings, opt.Seed); err != nil {
						return nil, fmt.Errorf("%s, %s by %s split, from %s: %w", m, t.Label, t.Split, k, err)
					}
				}
				r.Accuracy[m][t.Label][t.Split][k] = c.Accuracy()
				r.Confusion[Key(m, t, k)] = c
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
func withLabel(items []eval.Labelled, label string) []eval.Labelled {
	var out []eval.Labelled
	for _, it := range items {
		if it.Label(label) != "" {
			out = append(out, it)
		}
	}
	return out
}

// Get returns one accuracy.
func (r *Report) Get(method string, t Task, kind string) float64 {
	return r.Accuracy[method][t.Label][t.Split][kind]
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
			if t.Split == "species" {
				split = "leave-species-out"
			}
			if len(r.Accuracy[m][t.Label][t.Split]) == 0 {
				continue // a method not run on this task (Options.PerceptronTasks)
			}
			fmt.Fprintf(&b, "| %s | %s | %s |", t.Label, split, MethodName(m))
			for _, k := range r.Kinds {
				fmt.Fprintf(&b, " %.3f |", r.Get(m, t, k))
			}
			fmt.Fprintf(&b, " %.3f |\n", r.Majority[t.Label])
		}
	}
	return b.String()
}

// MethodName is a method's name for tables and legends.
func MethodName(m string) string {
	switch m {
	case "nn1":
		return "1-NN (cosine)"
	case "mlp":
		return "perceptron (GoMLX)"
	}
	return m
}
