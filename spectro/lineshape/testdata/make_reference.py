#!/usr/bin/python3
"""Reference values for the line-shape tests, computed with scipy.

Run from this folder with Debian's Python:  /usr/bin/python3 make_reference.py
(Debian: apt-get install python3-scipy). Writes voigt.csv and wofz.csv.
Only a cross-check: the Go code never calls Python.
"""
import numpy as np
from scipy.special import voigt_profile, wofz

with open("voigt.csv", "w") as f:
    f.write("x,sigma,gamma,voigt_profile\n")
    for sigma in (0.3, 1.0, 2.5):
        for gamma in (0.001, 0.05, 0.5, 2.0, 10.0):
            for x in np.concatenate([np.linspace(-8, 8, 33) * (sigma + gamma), [0.0, 1e-3, 25 * (sigma + gamma)]]):
                f.write("%r,%r,%r,%r\n" % (float(x), sigma, gamma, float(voigt_profile(x, sigma, gamma))))

with open("wofz.csv", "w") as f:
    f.write("re,im,w_re,w_im\n")
    for re in (-30.0, -6.0, -2.0, -0.5, 0.0, 0.3, 1.0, 3.0, 5.5, 12.0, 100.0):
        for im in (0.0, 1e-4, 0.01, 0.3, 1.0, 4.0, 20.0):
            w = wofz(complex(re, im))
            f.write("%r,%r,%r,%r\n" % (re, im, w.real, w.imag))
