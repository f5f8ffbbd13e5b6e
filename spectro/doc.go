// Package spectro is the core of SpectroGen-Go: the Spectrum type shared by every
// other package, the three modalities it knows (Raman, infrared, X-ray powder
// diffraction) with their axes and units, and the operations every pipeline starts
// with — validation, resampling onto a fixed grid, cropping and normalisation.
//
// Data flows one way through the project:
//
//	files (datasets) → Spectrum → peaks/distributions (spectro/fit) → model (spectro/model)
//	→ generated Spectrum → metrics and plots (spectro/eval, spectro/plots)
//
// A Spectrum holds float64 values; models convert to float32 at their boundary.
package spectro
