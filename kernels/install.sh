#!/usr/bin/env bash
# Installs the "Go (SpectroGen)" Jupyter kernel:
#   1. builds GoNB, goimports and gopls at the versions pinned in kernels/tools/go.mod
#      (only the Go module proxy is needed) into $SPECTRO_TOOLS_BIN
#      (default: $(go env GOPATH)/bin);
#   2. installs the kernelspec kernels/spectrogen with `jupyter kernelspec install`,
#      for the current user by default, or under a prefix:
#
#        kernels/install.sh                 # user-level (~/.local/share/jupyter)
#        kernels/install.sh --prefix DIR    # DIR/share/jupyter/kernels/spectrogen;
#                                           # then run Jupyter with JUPYTER_PATH=DIR/share/jupyter
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
where=(--user)
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) where=(--prefix "$2"); shift 2 ;;
    --prefix=*) where=(--prefix "${1#--prefix=}"); shift ;;
    --user) where=(--user); shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1 (use --user or --prefix DIR)" >&2; exit 2 ;;
  esac
done
command -v go >/dev/null || { echo "install.sh: 'go' not found on PATH (Go 1.26 is needed)" >&2; exit 1; }
command -v jupyter >/dev/null || { echo "install.sh: 'jupyter' not found: apt-get install jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient (see environment.md)" >&2; exit 1; }

bin="${SPECTRO_TOOLS_BIN:-$(go env GOPATH)/bin}"
mkdir -p "$bin"
echo "Building GoNB, goimports and gopls into $bin ..."
(cd "$here/tools" && GOBIN="$bin" GOFLAGS=-mod=mod go install tool)
printf 'SPECTRO_TOOLS_BIN=%q\n' "$bin" > "$here/env.sh"

# The kernelspec points at this checkout's launcher; re-run after moving the checkout.
spec=$(mktemp -d)
trap 'rm -rf "$spec"' EXIT
sed "s|@LAUNCHER@|$here/run-gonb.sh|" "$here/spectrogen/kernel.json.in" > "$spec/kernel.json"
cp "$here/spectrogen/logo-64x64.png" "$spec/" 2>/dev/null || true
if ! out=$(jupyter kernelspec install --replace --name spectrogen "${where[@]}" "$spec" 2>&1); then
  echo "$out" >&2; exit 1
fi
echo "Installed Jupyter kernel 'spectrogen' (Go (SpectroGen)) ${where[*]}"
