// Package datasets is the root of SpectroGen-Go's data packages:
//
//   - formats: readers and writers for RRUFF native text, RRUFF powder DIF peak
//     lists, the SpectroGen release format, generic delimited text and JCAMP-DX.
//   - rruff: RRUFF file names, chemistry → chemical class, and the download cache.
//   - samples: folders of files grouped into multi-modal samples and pairs.
//   - synth: the physics-based synthetic Raman/IR/XRD dataset (the embedded default).
package datasets
