// Package formats reads and writes spectra in the file formats mineral
// spectroscopy uses, returning spectro.Spectrum values with their metadata.
//
// Read and ReadFile detect the format from the content:
//
//   - RRUFF native text: "##KEY=value" header lines, "x, y" rows, "##END=".
//   - JCAMP-DX 4.24 / 5.01: labelled records, XYDATA in AFFN or the compressed
//     ASDF forms (SQZ, DIF, DUP, with the DIF y-check) and PAC, PEAK TABLE,
//     XYPOINTS; "(X++(Y..Y)" without its closing parenthesis is accepted.
//   - The SpectroGen release format: headerless "x,y" rows padded with "0,0"
//     rows up to 2048 (the padding is dropped).
//   - Generic delimited text: two columns separated by comma, tab, semicolon or
//     white space, an optional header line, "#" comments.
//   - Agilent MicroLab ASP: the point count, first and last x, then one
//     intensity a line (infrared).
//
// and the binary formats of instrument software, recognised by their magic
// bytes whatever the file's extension:
//
//   - Thermo-Galactic SPC (GRAMS): new (0x4B) and old (0x4D) format, single
//     and multifile, evenly spaced or explicit X (XY, XYY, XYXY), 32-bit,
//     16-bit and float Y. Nanometre and micrometre axes become wavenumbers
//     (infrared) or, with the excitation line from the log, Raman shifts.
//   - Bruker OPUS (.0, .1, .0000, …): the AB block (else another ratioed
//     result, else the sample single channel ScSm) with its data-status
//     block; sample name and instrument.
//   - Thermo OMNIC SPA and SPG (a group of spectra).
//   - Renishaw WiRE WDF: single spectra, series and maps, every spectrum with
//     its stage position.
//   - WITec Project and Data files (WIP/WID, "WIT_PRCT" and "WIT_PR06" tag
//     trees, WITec Project 2.x to Suite FIVE): every spectrum of every
//     TDGraph (a map's pixels with their indices), its x axis computed from
//     the linked spectral transformation (polynomial, grating equation, free
//     polynomial, look-up table or linear) and the excitation wavelength. A
//     graph whose axis cannot be computed is refused by name and the others
//     are read (Meta.Extra "SKIPPED" says which and why).
//
// No maintained Go library reads these formats; the readers here follow the
// layouts that the formats' open-source readers document (SPC.H as read by
// spc and spectrochempy, brukeropus and opusreader2, spectrochempy's
// read_omnic, py-wdf-reader, WITio and Gwyddion's wipfile), and are checked
// against those projects' test files and expected values.
//
// Read returns one spectrum: of a file holding several (an SPC multifile, an
// SPG group, a WDF map) the first, with Meta.Extra "spectra" (the count) and
// "spectrum index". ReadAll returns every one, each checked as Read does;
// the pixels of a WDF map carry their stage position in Meta.Extra "x", "y"
// (and "z" for depth series), in µm; those of a WITec map their pixel
// indices "x" and "y" (from 0).
//
// RRUFF powder-diffraction DIF files are peak lists, read by ReadDIF.
//
// The modality comes from the content where the format says it (JCAMP-DX data
// type or x units, RRUFF header, SPC x and y types, the OPUS, OMNIC and WDF
// formats themselves), else from the file name (RRUFF's "__Raman__",
// "__Infrared__", "__Powder__" tokens), else from the parent folder's name
// (raman/, infrared/, ir/, xrd/, powder/), else from Options.Modality.
//
// Files that hold no Raman, infrared or diffraction spectrum (NMR, mass
// spectra, interferograms, a reference-only OPUS measurement) are refused
// with an error saying what they hold.
//
// Every malformed input is an error naming the file and the line, or for a
// binary format what is wrong at which byte (*ParseError); no input makes a
// reader panic, and no count read from a header allocates more than the
// file's size supports (fuzz-tested).
package formats
