// Package rruff knows the RRUFF database (rruff.info; Lafuente, Downs, Yang and
// Stone, "The power of databases: the RRUFF project", 2015): the download and
// cache of RRUFF's zipped spectra (Fetch). Chemical classes from RRUFF's
// IDEAL CHEMISTRY formulas are in spectro/chem.
package rruff
