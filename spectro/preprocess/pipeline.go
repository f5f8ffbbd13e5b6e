package preprocess

import (
	"fmt"
	"strings"

	"github.com/spectrogen-go/spectrogen/spectro"
)

// Step is one preprocessing operation on a spectrum.
type Step struct {
	Name  string
	Apply func(s *spectro.Spectrum) (*spectro.Spectrum, error)
}

// Pipeline is a list of steps applied in order.
type Pipeline []Step

// Apply runs every step; an error names the step that failed.
func (p Pipeline) Apply(s *spectro.Spectrum) (*spectro.Spectrum, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := s
	for _, st := range p {
		next, err := st.Apply(out)
		if err != nil {
			return nil, fmt.Errorf("%s: step %s: %w", s.Name(), st.Name, err)
		}
		out = next
	}
	return out, nil
}

// String lists the step names.
func (p Pipeline) String() string {
	names := make([]string, len(p))
	for i, st := range p {
		names[i] = st.Name
	}
	return strings.Join(names, " → ")
}

// yStep wraps a function of the intensities into a step.
func yStep(name string, f func(y []float64) ([]float64, error)) Step {
	return Step{Name: name, Apply: func(s *spectro.Spectrum) (*spectro.Spectrum, error) {
		y, err := f(s.Y)
		if err != nil {
			return nil, err
		}
		out := s.Clone()
		out.Y = y
		return out, nil
	}}
}

// baselineStep subtracts an estimated baseline.
func baselineStep(name string, f func(y []float64) ([]float64, error)) Step {
	return yStep(name, func(y []float64) ([]float64, error) {
		b, err := f(y)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(y))
		for i := range y {
			out[i] = y[i] - b[i]
		}
		return out, nil
	})
}

// Crop keeps lo ≤ x ≤ hi.
func Crop(lo, hi float64) Step {
	return Step{Name: fmt.Sprintf("crop(%g–%g)", lo, hi), Apply: func(s *spectro.Spectrum) (*spectro.Spectrum, error) { return s.Crop(lo, hi) }}
}

// Resample puts the spectrum on grid g.
func Resample(g spectro.Grid) Step {
	return Step{Name: "resample(" + g.String() + ")", Apply: func(s *spectro.Spectrum) (*spectro.Spectrum, error) { return s.Resample(g) }}
}

// Normalize scales the intensities.
func Normalize(n spectro.Norm) Step {
	return Step{Name: "normalize(" + n.String() + ")", Apply: func(s *spectro.Spectrum) (*spectro.Spectrum, error) { return s.Normalize(n) }}
}

// SavGol smooths with a Savitzky–Golay filter (window points, polynomial order).
func SavGol(window, order int) Step {
	return yStep(fmt.Sprintf("savgol(%d,%d)", window, order), func(y []float64) ([]float64, error) { return SavitzkyGolay(y, window, order, 0, 1) })
}

// Despike removes cosmic-ray spikes up to maxWidth points wide (see RemoveSpikes).
func Despike(threshold float64, maxWidth int) Step {
	return yStep(fmt.Sprintf("despike(%g,%d)", threshold, maxWidth), func(y []float64) ([]float64, error) {
		out, _, err := RemoveSpikes(y, threshold, maxWidth)
		return out, err
	})
}

// BaselinePoly subtracts an iterative polynomial baseline of the given order.
func BaselinePoly(order int) Step {
	return Step{Name: fmt.Sprintf("baseline-poly(%d)", order), Apply: func(s *spectro.Spectrum) (*spectro.Spectrum, error) {
		b, err := PolyBaseline(s.X, s.Y, order, 100, 1e-3)
		if err != nil {
			return nil, err
		}
		out := s.Clone()
		for i := range out.Y {
			out.Y[i] -= b[i]
		}
		return out, nil
	}}
}

// BaselineAsLS subtracts an asymmetric least squares baseline.
func BaselineAsLS(lambda, p float64) Step {
	return baselineStep(fmt.Sprintf("baseline-asls(%g,%g)", lambda, p), func(y []float64) ([]float64, error) {
		b, _, err := AsLS(y, lambda, p, 50)
		return b, err
	})
}

// BaselineArPLS subtracts an arPLS baseline.
func BaselineArPLS(lambda float64) Step {
	return baselineStep(fmt.Sprintf("baseline-arpls(%g)", lambda), func(y []float64) ([]float64, error) {
		b, _, err := ArPLS(y, lambda, 1e-3, 100)
		return b, err
	})
}

// BaselineSNIP subtracts a SNIP baseline with the given half-window (samples).
func BaselineSNIP(halfWindow int) Step {
	return baselineStep(fmt.Sprintf("baseline-snip(%d)", halfWindow), func(y []float64) ([]float64, error) { return SNIP(y, halfWindow) })
}
