#!/usr/bin/env bash
# Rebuilds the shipped reference library for `spectrogen identify` from RRUFF
# data you have (rruff.info; cite Lafuente, Downs, Yang and Stone 2015) and
# AMCSD's powder patterns (cite Downs and Hall-Wallace 2003):
#
#   bash spectro/pretrained/build-library.sh DATA [OUT]
#
# DATA is a comma-separated list of folders, zips or files, e.g.
# rruff-infrared,rruff-raman,rruff-powder,amcsd-dif. The example samples
# (datasets/examples) are left out, so identifying them is a real test.
# The 'not in the library' thresholds are calibrated while building.
set -euo pipefail
data=${1:?usage: build-library.sh DATA [OUT]}
out=${2:-spectro/pretrained/libraries/rruff.gob.gz}
bin=${SPECTROGEN:-bin/spectrogen}
"$bin" identify --library "$data" --exclude examples --save-library "$out"
