// Package formats reads and writes spectra in the file formats mineral
// spectroscopy uses, returning spectro.Spectrum values with their metadata.
//
// Read and ReadFile detect the format from the content:
//
//   - RRUFF native text: "##KEY=value" header lines, "x, y" rows, "##END=".
//   - JCAMP-DX 4.24 / 5.01: labelled records, XYDATA in AFFN or the compressed
//     ASDF forms (SQZ, DIF, DUP, with the DIF y-check), PEAK TABLE, XYPOINTS.
//   - The SpectroGen release format: headerless "x,y" rows padded with "0,0"
//     rows up to 2048 (the padding is dropped).
//   - Generic delimited text: two columns separated by comma, tab, semicolon or
//     white space, an optional header line, "#" comments.
//
// RRUFF powder-diffraction DIF files are peak lists, read by ReadDIF.
//
// The modality comes from the content where the format says it (JCAMP-DX data
// type, RRUFF header), else from the file name (RRUFF's "__Raman__",
// "__Infrared__", "__Powder__" tokens), else from the parent folder's name
// (raman/, infrared/, ir/, xrd/, powder/), else from Options.Modality.
//
// Every malformed input is an error naming the file and the line (*ParseError);
// no input makes a reader panic (fuzz-tested).
package formats
