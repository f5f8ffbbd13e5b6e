// Package synth generates SpectroGen-Go's embedded dataset: multi-modal
// synthetic "minerals" whose Raman, infrared and X-ray powder-diffraction
// spectra follow the physics that links the three, deterministically from a seed.
//
// # The physics it models
//
// A species has a chemical class (carbonate, sulfate, phosphate, silicate,
// borate, oxide, sulfide), a cation, a hydration state, a crystal system and a
// lattice. Its vibrational modes are:
//
//   - internal modes of the anion group at their textbook positions (carbonate
//     ν1 ≈ 1085, ν2 ≈ 870, ν3 ≈ 1430, ν4 ≈ 710 cm⁻¹; sulfate ν1 ≈ 1000,
//     ν3 ≈ 1100–1150; ...), degenerate modes split by the site symmetry, and
//     shifted by the bond strength (Badger's rule: a longer bond, a lower
//     frequency);
//   - lattice modes below ~400 cm⁻¹ at ν ∝ √(k/μ), so heavier cations give
//     lower frequencies;
//   - for hydrous species, O–H stretching (3200–3650 cm⁻¹) and H–O–H bending
//     (~1630 cm⁻¹) bands, seen in the infrared.
//
// Selection rules decide what each technique sees: a centrosymmetric species
// obeys mutual exclusion (a mode is Raman- or IR-active, never both); otherwise
// modes are active in both with different strengths. Raman lines are narrow and
// mostly Lorentzian (100–1500 cm⁻¹); IR bands are broader, Gaussian/Voigt-like
// (400–4000 cm⁻¹). XRD (5–90 °2θ, Cu Kα 1.5406 Å) comes from the lattice:
// d-spacings of the reflections the lattice centring allows, 2θ by Bragg's law,
// multiplicities, a simple structure-factor model with a Debye–Waller fall-off,
// the Lorentz-polarisation factor, Caglioti widths and a pseudo-Voigt profile.
//
// Because bond lengths set both the lattice (XRD) and the force constants
// (vibrational frequencies), the modalities are linked where physics links them,
// and ambiguous where it does not (sulfides are nearly blank in the mid-IR).
//
// Samples of a species vary as real specimens do: small frequency and lattice
// shifts (solid solution), intensity changes (crystal orientation, preferred
// orientation), width changes, noise and a smooth baseline. Every sample keeps
// its ground-truth peak table per modality, so peak fitting can be validated.
package synth
