#!/usr/bin/env bash
# Installs every tool the project needs from Debian 12 (bookworm) packages.
# Idempotent: does nothing when everything is present. Run as root (or with
# sudo available). Called by `make run`, `make test` and `.ci/run`.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  verilator yosys opensta iverilog
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  gnuplot-nox python3
)

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
