#!/usr/bin/python3
"""Independent reference values for the evaluation metrics (numpy + scipy).

Run from this folder with Debian's Python:  /usr/bin/python3 make_fixtures.py
Writes metrics.json: pairs of generated/measured spectra on the Raman grid and the
protocol's Pearson r, RMSE (generated min-max rescaled), RMSEraw (generated clipped)
and pk@5v5 (top-5 peaks by scipy prominence >= 0.02, +-10 cm-1).
"""
import json
import numpy as np
from scipy.signal import find_peaks

rng = np.random.default_rng(5)
x = np.linspace(100, 1500, 1024)

def spectrum(centres, noise):
    y = sum(h / (1 + ((x - c) / w) ** 2) for c, w, h in centres) + noise * rng.standard_normal(x.size)
    return y

def top5(y):
    p, props = find_peaks(y, prominence=0.02)
    order = np.argsort(-props["prominences"], kind="stable")[:5]
    return p[order]

cases = []
for k in range(6):
    lines = [(rng.uniform(150, 1450), rng.uniform(3, 15), rng.uniform(0.2, 1)) for _ in range(6)]
    t = spectrum(lines, 0.01)
    t = (t - t.min()) / (t.max() - t.min())
    shifted = [(c + rng.normal(0, 8), w * rng.uniform(0.7, 1.5), h * rng.uniform(0.5, 1.5)) for c, w, h in lines[:4]]
    g = 1.3 * spectrum(shifted, 0.02) - 0.1
    gs = (g - g.min()) / (g.max() - g.min())
    gc = np.clip(g, 0, 1)
    r = float(np.corrcoef(g, t)[0, 1])
    tp, gp = top5(t), top5(gs)
    pk = float(np.mean([np.any(np.abs(x[gp] - x[i]) <= 10) for i in tp])) if len(tp) else None
    cases.append({"g": g.tolist(), "t": t.tolist(), "pearson": r,
                  "rmse": float(np.sqrt(np.mean((gs - t) ** 2))), "rmse_raw": float(np.sqrt(np.mean((gc - t) ** 2))), "pk5": pk})
json.dump({"x": x.tolist(), "cases": cases}, open("metrics.json", "w"))
