// Package datasets is the root of SpectroGen-Go's data packages:
//
//   - formats: readers and writers for RRUFF native text, RRUFF powder DIF peak
//     lists, the SpectroGen release format, generic delimited text and JCAMP-DX.
//   - rruff: the RRUFF download cache.
//   - samples: folders, zip archives and files read into multi-modal samples
//     (a spectro/collection.Collection).
//   - synth: the physics-based synthetic Raman/IR/XRD dataset (the embedded default).
//   - examples: a few RRUFF samples shipped with the project.
//
// Load reads what a command's --data argument names. Data flows one way: these
// packages make collections, spectro/model trains on their pairs and never
// reads files itself.
package datasets
