#!/usr/bin/env bash
# The six directions × two protocols of the real-minerals table (README
# "Every direction", notebook 07): 5-fold cross-validation of the real-data
# recipe (model.RealDataRecipe, the default of `spectrogen crossval` on real
# data), each written as `crossval --json` prints it into this folder.
#
#   bash notebooks/results/directions.sh IR_DIR RAMAN_DIR XRD_DIRS AMCSD_DIR
#
# IR_DIR and RAMAN_DIR are RRUFF's infrared and Raman folders, XRD_DIRS the
# powder DIF files (and measured patterns), comma-separated, AMCSD_DIR the
# species-level reference patterns the XRD directions also use
# (--references). About 70 minutes on 2 cores; a direction already written
# is kept (delete its file to rerun).
set -euo pipefail
ir=${1:?usage: directions.sh IR_DIR RAMAN_DIR XRD_DIRS AMCSD_DIR}; ra=${2:?}; xr=${3:?}; am=${4:?}
here=$(cd "$(dirname "$0")" && pwd)
bin=${SPECTROGEN:-bin/spectrogen}
run() { # from to data split [crossval flags]
  out=$here/$1-$2-$4.json
  [ -s "$out" ] && return
  echo "== $1 → $2, split by $4"
  "$bin" crossval --data "$3" --from "$1" --to "$2" --split "$4" --folds 5 "${@:5}" --json > "$out.tmp"
  mv "$out.tmp" "$out"
}
for split in species sample; do
  run infrared xrd "$ir,$xr" $split --references "$am"
  run raman xrd "$ra,$xr" $split --references "$am"
  run xrd infrared "$ir,$xr" $split --references "$am"
  run xrd raman "$ra,$xr" $split --references "$am"
  run raman infrared "$ir,$ra" $split
  run infrared raman "$ir,$ra" $split
done
