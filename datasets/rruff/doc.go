// Package rruff knows the RRUFF database (rruff.info; Lafuente, Downs, Yang and
// Stone, "The power of databases: the RRUFF project", 2015): the chemical class
// of a mineral from its IDEAL CHEMISTRY formula, and the download and cache of
// RRUFF's zipped spectra (Fetch).
package rruff
