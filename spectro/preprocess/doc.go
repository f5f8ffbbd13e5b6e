// Package preprocess cleans spectra before peak fitting: Savitzky–Golay
// smoothing and derivatives, baseline estimation (iterative polynomial,
// asymmetric least squares, arPLS, SNIP), cosmic-ray spike removal, cropping and
// normalisation.
//
// Every operation exists as a plain function on []float64 and as a Step; a
// Pipeline is a list of steps applied in order, so a protocol reads like a list:
//
//	p := preprocess.Pipeline{
//		preprocess.Crop(100, 1500),
//		preprocess.Despike(6, 2),
//		preprocess.SavGol(11, 3),
//		preprocess.BaselineArPLS(1e5),
//		preprocess.Normalize(spectro.MinMax),
//	}
//	clean, err := p.Apply(s)
//
// Inputs are never modified.
package preprocess
