#!/usr/bin/env bash
# The synthesis flow (`make synth`): Yosys + OpenSTA on the Nangate 45 nm
# library for every block of synth/blocks.json; results in $BUILD/synth
# (summary.md, ppa.json, ppa.csv, power.csv, charts/). See docs/ppa.md.
#
#   synth/run.sh                   all blocks, with activity-based power
#   synth/run.sh --quick           BitBrick, Fusion Unit, array cell; no power
#   synth/run.sh --blocks a,b      just those blocks (and their sub-blocks)
#   synth/run.sh --config F.json --blocks array
#                                  bf_array_top (array_16x32's settings) for the
#                                  configuration F as block array_<shape>; no power
#
# Settings (environment or make variables):
#   LIB    Liberty file, .lib or .lib.gz (default: the shared Nangate 45 nm
#          typical library, ../shared/pdk/nangate45/ next to the repo)
#   BUILD  CMake build folder (default build); bf_activity is built there
#   SYNTH_OUT  output folder (default $BUILD/synth)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
LIB=${LIB:-${BF_LIB:-$REPO/../shared/pdk/nangate45/NangateOpenCellLibrary_typical.lib.gz}}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
OUT=${SYNTH_OUT:-$BUILD/synth}

if [ ! -f "$LIB" ]; then
  echo "synth: error: Liberty file not found: $LIB" >&2
  echo "  Set LIB=/path/to/NangateOpenCellLibrary_typical.lib(.gz); see docs/ppa.md for where to get it." >&2
  exit 2
fi
for tool in yosys sta python3; do
  command -v $tool >/dev/null || { echo "synth: error: $tool not found (scripts/install-deps.sh)" >&2; exit 2; }
done

ACT=()
if [[ " $* " != *" --quick "* && " $* " != *" --config "* ]]; then
  # The activity recorder (Verilator) for the power runs.
  [ -f "$BUILD/build.ninja" ] || cmake -S "$REPO" -B "$BUILD" -G Ninja >/dev/null
  cmake --build "$BUILD" -j "${JOBS:-2}" --target bf_activity
  ACT=(--activity-bin "$BUILD/synth_activity/bf_activity")
fi
exec python3 "$REPO/synth/flow.py" --lib "$LIB" --out "$OUT" "${ACT[@]}" "$@"
