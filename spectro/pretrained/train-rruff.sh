#!/usr/bin/env bash
# Retrains the shipped model `rruff` — one retrieval-augmented model per
# direction among infrared, Raman and X-ray powder diffraction, joined into
# one bundle — from RRUFF data you have (rruff.info; cite Lafuente, Downs,
# Yang and Stone 2015):
#
#   bash spectro/pretrained/train-rruff.sh DATA [OUT]
#
# DATA is a comma-separated list of folders (or RRUFF zips) holding RRUFF's
# infrared and Raman files and powder DIF files (and measured patterns, if
# any), e.g. rruff-infrared,rruff-raman,rruff-powder. OUT (default
# spectro/pretrained/models/rruff) is replaced when all six models are
# trained. Every model uses the real-data recipe (model.RealDataRecipe) and
# leaves the example samples (datasets/examples) out altogether.
set -euo pipefail
data=${1:?usage: train-rruff.sh DATA [OUT]}
out=${2:-spectro/pretrained/models/rruff}
bin=${SPECTROGEN:-bin/spectrogen}
work=$(mktemp -d "${TMPDIR:-/tmp}/rruff-train.XXXXXX")
trap 'rm -rf "$work"' EXIT
members=()
# The primary direction first: infrared → Raman, what the model did first.
for dir in infrared:raman raman:infrared infrared:xrd raman:xrd xrd:infrared xrd:raman; do
  from=${dir%%:*}; to=${dir##*:}
  echo "== $from → $to"
  "$bin" train --data "$data" --from "$from" --to "$to" --exclude examples --out "$work/$from-$to"
  members+=("$work/$from-$to")
done
"$bin" bundle --name rruff --out "$work/bundle" "${members[@]}"
rm -rf "$out.new" && cp -r "$work/bundle" "$out.new"
rm -rf "$out" && mv "$out.new" "$out"
du -sh "$out"
