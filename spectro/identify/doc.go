// Package identify answers "what mineral is this?": it searches a library of
// reference spectra (RRUFF's, or any a user has) for the entries most like an
// unknown spectrum and ranks them by a hit-quality index (HQI).
//
// Every spectrum is compared in the evaluation protocol's form — on its
// modality's grid, min-max scaled to [0, 1] — and only over the range both
// spectra measured (CrystalSleuth's "crop to the overlap"), optionally
// narrowed or masked by the user. HQIs run from 0 to 100, 100 for identical
// spectra (the scale Thermo OMNIC prints; its own "HQI" is the distance
// 100 − this):
//
//   - Correlation: 100·r², r the Pearson correlation of the two spectra on
//     the compared range (0 when r < 0): OMNIC's correlation search, and
//     CrystalSleuth's mean-centred dot product squared.
//   - Derivative: the same on first differences, for unknowns with a bad
//     baseline (OMNIC's first-derivative correlation).
//   - Euclidean: 100·(1 − d²/2), d the distance between the two spectra scaled
//     to unit length (not mean-centred): OMNIC's Euclidean distance on the
//     0–100 scale.
//   - Peaks: lines (local maxima of prominence ≥ 0.02) matched within the
//     protocol's tolerance (±10 cm⁻¹, ±0.2 °2θ), weighted by prominence,
//     forward (the unknown's lines found in the entry) and reverse (the
//     entry's lines found in the unknown), 100 × their harmonic mean.
//   - Contrast: the correlation of square-rooted, high-passed spectra (each
//     minus its moving average over ±25 points): a weak band counts beside
//     the strongest and a broad background does not.
//   - Auto: the mix of the above chosen on species-disjoint validation (see
//     AutoWeights for what it is and Evaluate for how it was measured).
//
// Several spectra of one unknown (infrared and Raman, say) are searched at
// once by species: a species' joint HQI is the mean over the unknown's
// modalities of its best entry's HQI in each (0 where the library has no
// spectrum of that modality for it).
//
// A calibrated threshold on the top HQI says whether the unknown is likely
// of a species the library lacks (Calibrate). Mixture fits a mixture of
// library spectra to the unknown by non-negative least squares with a
// re-search of the residual, adding a phase only where the Bayesian
// information criterion says it pays and it explains clearly more than
// another sample of the species already fitted would (MaxResidualRatio).
package identify
