#!/usr/bin/env bash
# Launches GoNB for the "Go (SpectroGen)" Jupyter kernel with the project's
# environment preset. Jupyter calls it with the kernel's connection file.
#   - the Go tools installed by kernels/install.sh come first on PATH;
#   - GOMLX_BACKEND defaults to the project's pure-Go config (a value already in
#     the environment wins, so `GOMLX_BACKEND=xla:cuda jupyter notebook` works);
#   - GoNB's own logging goes to a file, so notebooks and CI logs stay quiet.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=/dev/null
[ -f "$here/env.sh" ] && . "$here/env.sh"   # written by install.sh: SPECTRO_TOOLS_BIN
export PATH="${SPECTRO_TOOLS_BIN:-$(go env GOPATH 2>/dev/null)/bin}:/usr/local/go/bin:$PATH"
export GOMLX_BACKEND="${GOMLX_BACKEND:-go:parallelism=-1,dotgeneral_large}"
# SPECTRO_ROOT is the checkout whose packages the notebooks import: the one holding
# the notebook (Jupyter starts kernels in the notebook's folder), else this one.
find_root() {
  local d=$PWD
  while [ "$d" != / ]; do
    grep -qs '^module github.com/spectrogen-go/spectrogen$' "$d/go.mod" && { echo "$d"; return; }
    d=$(dirname "$d")
  done
  cd "$here/.." && pwd
}
export SPECTRO_ROOT="${SPECTRO_ROOT:-$(find_root)}"
logdir="${XDG_CACHE_HOME:-$HOME/.cache}/spectrogen/gonb-logs"
mkdir -p "$logdir"
exec gonb --kernel "$1" --logtostderr=false --stderrthreshold=ERROR --log_dir="$logdir"
