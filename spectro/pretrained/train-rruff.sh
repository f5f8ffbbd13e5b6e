#!/usr/bin/env bash
# Retrains the shipped model `rruff` — one retrieval-augmented model per
# direction among infrared, Raman and X-ray powder diffraction, joined into
# one bundle — from RRUFF data you have (rruff.info; cite Lafuente, Downs,
# Yang and Stone 2015):
#
#   bash spectro/pretrained/train-rruff.sh DATA REFERENCES [OUT]
#
# DATA is a comma-separated list of folders (or RRUFF zips) holding RRUFF's
# infrared and Raman files and powder DIF files (and measured patterns, if
# any), e.g. rruff-infrared,rruff-raman,rruff-powder. REFERENCES is the
# species-level library of XRD patterns the XRD directions also learn from
# and look up (AMCSD's DIF collections; cite Downs and Hall-Wallace 2003).
# OUT (default spectro/pretrained/models/rruff) is replaced when all six
# models are trained; they are trained in .build/rruff-train (WORK), where a
# finished one is kept, so a rerun after an interruption goes on. Every
# model uses the real-data recipe (model.RealDataRecipe) and leaves the
# example samples (datasets/examples) out altogether.
set -euo pipefail
data=${1:?usage: train-rruff.sh DATA REFERENCES [OUT]}
refs=${2:?usage: train-rruff.sh DATA REFERENCES [OUT]}
out=${3:-spectro/pretrained/models/rruff}
bin=${SPECTROGEN:-bin/spectrogen}
work=${WORK:-.build/rruff-train}
mkdir -p "$work"
members=()
# The primary direction first: infrared → Raman, what the model did first.
for dir in infrared:raman raman:infrared infrared:xrd raman:xrd xrd:infrared xrd:raman; do
  from=${dir%%:*}; to=${dir##*:}
  echo "== $from → $to"
  extra=()
  [ "$from" = xrd ] || [ "$to" = xrd ] && extra=(--references "$refs")
  if [ ! -f "$work/$from-$to/.done" ]; then
    "$bin" train --data "$data" --from "$from" --to "$to" --exclude examples "${extra[@]}" --out "$work/$from-$to"
    touch "$work/$from-$to/.done"
  fi
  members+=("$work/$from-$to")
done
rm -rf "$work/bundle"
"$bin" bundle --name rruff --out "$work/bundle" "${members[@]}"
rm -rf "$out.new" && cp -r "$work/bundle" "$out.new"
rm -rf "$out" && mv "$out.new" "$out"
du -sh "$out"
