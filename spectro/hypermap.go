package spectro

import "fmt"

// Map is a spectral image: Width × Height pixels, each a spectrum on one
// shared x axis (a Raman map, an infrared mapping, a line scan: Height 1).
type Map struct {
	Modality      Modality
	Width, Height int
	X             []float64   // the shared axis, increasing
	Y             [][]float64 // pixel (col, row) is Y[row*Width+col]
	// PosX, PosY are the pixels' stage positions where the file gives them
	// (µm; nil otherwise), in pixel order.
	PosX, PosY []float64
	Meta       Metadata
}

// Validate checks the shape: Width·Height spectra, each as long as X, X
// increasing, every value finite.
func (m *Map) Validate() error {
	if m.Width < 1 || m.Height < 1 {
		return fmt.Errorf("map %s: %d × %d pixels", m.Meta.Source, m.Width, m.Height)
	}
	if len(m.Y) != m.Width*m.Height {
		return fmt.Errorf("map %s: %d spectra for %d × %d pixels", m.Meta.Source, len(m.Y), m.Width, m.Height)
	}
	if len(m.X) < 2 {
		return fmt.Errorf("map %s: an axis of %d points", m.Meta.Source, len(m.X))
	}
	for i := 1; i < len(m.X); i++ {
		if !(m.X[i] > m.X[i-1]) {
			return fmt.Errorf("map %s: x is not increasing at point %d (%g after %g)", m.Meta.Source, i, m.X[i], m.X[i-1])
		}
	}
	for p, y := range m.Y {
		if len(y) != len(m.X) {
			return fmt.Errorf("map %s: pixel %d has %d values for %d x positions", m.Meta.Source, p, len(y), len(m.X))
		}
		for i, v := range y {
			if isBad(v) {
				return fmt.Errorf("map %s: pixel %d, point %d is %g", m.Meta.Source, p, i, v)
			}
		}
	}
	return nil
}

// Pixel returns pixel (col, row) as a spectrum (sharing the map's slices).
func (m *Map) Pixel(col, row int) *Spectrum {
	return &Spectrum{Modality: m.Modality, X: m.X, Y: m.Y[row*m.Width+col], Meta: m.Meta}
}

// Mean is the map's average spectrum.
func (m *Map) Mean() *Spectrum {
	y := make([]float64, len(m.X))
	for _, p := range m.Y {
		for i, v := range p {
			y[i] += v
		}
	}
	for i := range y {
		y[i] /= float64(len(m.Y))
	}
	return &Spectrum{Modality: m.Modality, X: m.X, Y: y, Meta: m.Meta}
}
