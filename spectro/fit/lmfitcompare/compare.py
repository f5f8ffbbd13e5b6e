#!/usr/bin/python3
"""Fit the problems `spectrogen bench fit --out DIR` exported with lmfit, for comparison.

    spectrogen bench fit --out DIR          # Go: fits, times, writes DIR/spectra.json and DIR/go.json
    /usr/bin/python3 compare.py DIR [--processes 2]

Each problem is the same model in both: K pseudo-Voigt peaks (lmfit's PseudoVoigtModel:
sigma = FWHM/2, amplitude = area, fraction = eta) plus a straight baseline, from the
same initial values and bounds, fitted with lmfit's default method (leastsq). Writes
DIR/lmfit.json and prints both engines' fits/s and median R².
Needs Debian's python3-lmfit (apt-get install python3-lmfit); run on demand, not in CI.
"""
import json
import math
import multiprocessing
import statistics
import sys
import time

import numpy as np
from lmfit.models import LinearModel, PseudoVoigtModel


def bound(v, default):
    return default if v is None else v


def fit_one(prob):
    x, y = np.array(prob["x"]), np.array(prob["y"])
    P = {p["name"]: p for p in prob["params"]}
    k = sum(1 for n in P if n.endswith("_center"))
    model = None
    for i in range(1, k + 1):
        m = PseudoVoigtModel(prefix="p%d_" % i)
        model = m if model is None else model + m
    model = model + LinearModel(prefix="bl_")
    pars = model.make_params()
    for i in range(1, k + 1):
        c, f, a, e = (P["p%d_%s" % (i, n)] for n in ("center", "fwhm", "area", "eta"))
        pars["p%d_center" % i].set(value=c["value"], min=bound(c["min"], -math.inf), max=bound(c["max"], math.inf))
        pars["p%d_sigma" % i].set(value=f["value"] / 2, min=bound(f["min"], 0) / 2, max=bound(f["max"], math.inf) / 2)
        pars["p%d_amplitude" % i].set(value=a["value"], min=bound(a["min"], -math.inf), max=bound(a["max"], math.inf))
        pars["p%d_fraction" % i].set(value=e["value"], min=0, max=1)
    # SpectroGen-Go's baseline is c0 + c1·(x − mid)/half.
    c0, c1 = P["bl_c0"]["value"], P["bl_c1"]["value"]
    pars["bl_slope"].set(value=c1 / prob["x_half"])
    pars["bl_intercept"].set(value=c0 - c1 * prob["x_mid"] / prob["x_half"])
    res = model.fit(y, pars, x=x)
    ssr = float(np.sum((y - res.best_fit) ** 2))
    sst = float(np.sum((y - y.mean()) ** 2))
    return 1 - ssr / sst, bool(res.success), res.nfev


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    procs = int(sys.argv[sys.argv.index("--processes") + 1]) if "--processes" in sys.argv else multiprocessing.cpu_count()
    with open(folder + "/spectra.json") as f:
        probs = json.load(f)
    start = time.time()
    with multiprocessing.Pool(procs) as pool:
        out = pool.map(fit_one, probs, chunksize=1)
    secs = time.time() - start
    r2 = [o[0] for o in out]
    res = {"engine": "lmfit", "fits": len(probs), "seconds": secs, "processes": procs, "fits_per_s": len(probs) / secs,
           "median_r2": statistics.median(r2), "r2": r2, "not_converged": sum(1 for o in out if not o[1]),
           "median_nfev": statistics.median(o[2] for o in out)}
    with open(folder + "/lmfit.json", "w") as f:
        json.dump(res, f)
    with open(folder + "/go.json") as f:
        go = json.load(f)
    print("| engine | fits | seconds | fits/s | median R² |")
    print("|---|---|---|---|---|")
    print("| lmfit 1.1 (leastsq, %d processes) | %d | %.1f | %.2f | %.4f |" % (procs, len(probs), secs, res["fits_per_s"], res["median_r2"]))
    print("| SpectroGen-Go (%d workers) | %d | %.2f | %.1f | %.4f |" % (go["workers"], go["fits"], go["seconds"], go["fits_per_s"], go["median_r2"]))
    print("speed-up: %.0f×; R² better or equal in %d of %d spectra" % (
        go["fits_per_s"] / res["fits_per_s"], sum(1 for a, b in zip(go["r2"], r2) if a >= b - 1e-9), len(r2)))


if __name__ == "__main__":
    main()
