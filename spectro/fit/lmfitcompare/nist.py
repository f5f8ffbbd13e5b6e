#!/usr/bin/python3
"""Run lmfit on the NIST StRD nonlinear-regression problems, for comparison with `spectrogen bench nist`.

    spectrogen bench nist --data NIST_DIR --json > go.json
    /usr/bin/python3 nist.py NIST_DIR [go.json]

Each of the 26 one-predictor problems is fitted from both NIST starting points with lmfit's
ExpressionModel (the model text of the .dat file; square brackets read as parentheses),
parameters unbounded, method leastsq with tolerances 1e-15 and up to 20000 evaluations — the
same runs as the Go test. Scores are log relative errors against the certified values (capped at
11, the certified digits): the smallest over the parameters and the residual sum of squares. A run
passes with every parameter to >= 6 digits and the residual sum of squares to 6, or, where the
certified values themselves give no better in float64 (Lanczos1), as near as they do.
With go.json, prints both engines side by side as a Markdown table.
Needs Debian's python3-lmfit (apt-get install python3-lmfit); run on demand, not in CI.
"""
import glob
import json
import math
import os
import re
import sys
import warnings

import numpy as np
from lmfit.models import ExpressionModel


def read(path):
    text = open(path).read().splitlines()
    p = {"name": os.path.basename(path)[:-4], "params": [], "start": [[], []], "cert": []}
    model, in_model, in_data, xs, ys = [], False, False, [], []
    for line in text:
        if in_data:
            f = line.split()
            if len(f) == 2:
                ys.append(float(f[0]))
                xs.append(float(f[1]))
            continue
        m = re.match(r"\s*(\d+) Predictors?", line)
        if m and "predictors" not in p:
            p["predictors"] = int(m.group(1))
        m = re.search(r"(Lower|Average|Higher) Level of Difficulty", line)
        if m:
            p["difficulty"] = m.group(1).lower()
        m = re.match(r"^\s*y\s*=\s*(.*)$", line)
        if m and not model and not in_model:
            in_model = True
            model.append(m.group(1))
            continue
        if in_model:
            if not line.strip():
                in_model = False
            else:
                model.append(line.strip())
            continue
        m = re.match(r"^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$", line)
        if m:
            p["params"].append(m.group(1))
            p["start"][0].append(float(m.group(2)))
            p["start"][1].append(float(m.group(3)))
            p["cert"].append(float(m.group(4)))
        m = re.match(r"^Residual Sum of Squares:\s+(\S+)", line)
        if m:
            p["ssr"] = float(m.group(1))
        if re.match(r"^Data:\s+y\s+x", line):
            in_data = True
    expr = re.sub(r"\+\s*e\s*$", "", " ".join(model)).replace("[", "(").replace("]", ")")
    p["model"], p["x"], p["y"] = expr, np.array(xs), np.array(ys)
    return p


def lre(est, cert):
    if not np.isfinite(est):
        return 0.0
    d = abs(est - cert) / (abs(cert) if cert != 0 else 1)
    return 11.0 if d == 0 else max(0.0, min(11.0, -math.log10(d)))


def run(p, start):
    model = ExpressionModel(p["model"], independent_vars=["x"])
    pars = model.make_params()
    for name, v in zip(p["params"], p["start"][start - 1]):
        pars[name].set(value=v)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = model.fit(p["y"], pars, x=p["x"], method="leastsq",
                            fit_kws={"ftol": 1e-15, "xtol": 1e-15, "gtol": 1e-15, "maxfev": 20000})
        except Exception as e:  # a model that overflows from the far start
            return {"min_lre": 0.0, "passed": False, "error": str(e)}
    l = [lre(res.params[n].value, c) for n, c in zip(p["params"], p["cert"])]
    lssr = lre(float(np.sum(res.residual ** 2)), p["ssr"])
    best = {n: c for n, c in zip(p["params"], p["cert"])}
    floor = lre(float(np.sum((p["y"] - model.eval(x=p["x"], **best)) ** 2)), p["ssr"])
    return {"min_lre": min(l + [lssr]), "passed": min(l) >= 6 and (lssr >= 6 or lssr >= floor - 0.5),
            "iterations": res.nfev}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    probs = [read(f) for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.dat")))]
    probs = [p for p in probs if p.get("predictors") == 1]
    go = {}
    if len(sys.argv) > 2:
        for r in json.load(open(sys.argv[2])):
            go[(r["problem"], r["start"])] = r
    cols = "| problem | difficulty | lmfit start 1 | lmfit start 2 |"
    if go:
        cols = "| problem | difficulty | SpectroGen-Go start 1 | SpectroGen-Go start 2 | lmfit start 1 | lmfit start 2 |"
    print(cols)
    print("|" + "---|" * (cols.count("|") - 1))
    passed = {"go": 0, "lmfit": 0}

    def cell(r, who):
        if r["passed"]:
            passed[who] += 1
        return "%.1f%s" % (r["min_lre"], "" if r["passed"] else " ✗")

    for p in probs:
        row = [p["name"], p["difficulty"]]
        if go:
            row += [cell(go[(p["name"], s)], "go") for s in (1, 2)]
        row += [cell(run(p, s), "lmfit") for s in (1, 2)]
        print("| " + " | ".join(row) + " |")
    n = 2 * len(probs)
    print()
    if go:
        print("SpectroGen-Go: %d of %d runs pass; lmfit: %d of %d" % (passed["go"], n, passed["lmfit"], n))
    else:
        print("lmfit: %d of %d runs pass" % (passed["lmfit"], n))


if __name__ == "__main__":
    main()
