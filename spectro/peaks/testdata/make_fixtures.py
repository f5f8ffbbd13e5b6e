#!/usr/bin/python3
"""Fixtures for the peak-finding tests, computed with scipy.signal.

Run from this folder with Debian's Python:  /usr/bin/python3 make_fixtures.py
Writes fixtures.json: signals and what find_peaks / peak_prominences / peak_widths
return for them. Only a cross-check: the Go code never calls Python.
"""
import json
import numpy as np
from scipy.signal import find_peaks, peak_widths

rng = np.random.default_rng(7)
cases = []
x = np.linspace(0, 1, 400)
signals = {
    "noisy lines": sum(h * np.exp(-((x - c) / w) ** 2) for c, w, h in [(0.2, 0.01, 1), (0.25, 0.03, 0.5), (0.6, 0.05, 0.8), (0.8, 0.005, 0.3)]) + 0.02 * rng.standard_normal(400),
    "plateaus": np.array([0, 1, 1, 1, 0, 2, 2, 0, 3, 3, 3, 3, 1, 1, 5, 0, 0, 4, 4, 4, 4, 4, 2, 0], dtype=float),
    "random walk": np.cumsum(rng.standard_normal(300)),
    "integers with ties": rng.integers(0, 5, 200).astype(float),
}
options = [
    {"prominence": 0.02},
    {"prominence": 0.0},
    {"distance": 5},
    {"height": 0.3, "prominence": 0.1, "width": 2},
    {"prominence": 0.05, "wlen": 21},
    {"prominence": 0.1, "rel_height": 0.9},
    {"plateau_size": 2},
]
for name, y in signals.items():
    for opt in options:
        kw = dict(opt)
        if "prominence" not in kw:
            kw["prominence"] = 0  # so properties include prominences and bases
        rel = kw.pop("rel_height", 0.5)
        peaks, props = find_peaks(y, rel_height=rel, **kw)
        w = peak_widths(y, peaks, rel_height=rel, prominence_data=(props["prominences"], props["left_bases"], props["right_bases"]))
        cases.append({
            "signal": name, "y": y.tolist(), "options": opt,
            "peaks": peaks.tolist(), "prominences": props["prominences"].tolist(),
            "left_bases": props["left_bases"].tolist(), "right_bases": props["right_bases"].tolist(),
            "widths": w[0].tolist(), "width_heights": w[1].tolist(), "left_ips": w[2].tolist(), "right_ips": w[3].tolist(),
        })
with open("fixtures.json", "w") as f:
    json.dump(cases, f)
