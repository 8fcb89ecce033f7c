#!/usr/bin/env bash
# A compute-bound 3x3 convolution on the RTL at every width pair (issue 16,
# docs/results.md "A compute-bound 3x3 conv on the 16x32 RTL"): 64 input
# channels to 256 output channels, 16x16 pixels, pad 1, batch 1, unsigned
# activations, signed weights, ReLU and requantized output (shift 4, output
# width = activation width). Runs `bitfusion conv --backend rtl --check` and
# prints cycles, array steps, utilization (MACs / (cycles x peak MACs per
# cycle)) and the lowering the compiler chose.
#
#   bench/conv3x3/run.sh [--cli PATH] [--config NAME] [--pairs "8x8 4x4 ..."] [--seed S]
#
# Defaults: --cli build/bitfusion, --config bf16x32, all nine pairs, seed 1.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI=$ROOT/build/bitfusion CONFIG=bf16x32 SEED=1
PAIRS="8x8 8x4 8x2 4x8 4x4 4x2 2x8 2x4 2x2"
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) CLI=$2; shift ;;
    --config) CONFIG=$2; shift ;;
    --pairs) PAIRS=$2; shift ;;
    --seed) SEED=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "conv3x3: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$CLI" ] || { echo "conv3x3: $CLI not found or not executable (build it: make build)" >&2; exit 2; }
[[ $SEED =~ ^[0-9]+$ ]] || { echo "conv3x3: --seed must be a non-negative integer" >&2; exit 2; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
"$PY" -c 'import numpy' 2>/dev/null || { echo "conv3x3: $PY has no numpy" >&2; exit 2; }
WORK=$(mktemp -d /tmp/bf_conv3x3.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$PY" - "$WORK" "$SEED" <<'PY' || exit 1
import sys, numpy as np
d, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
for b in (2, 4, 8):
    np.save(f"{d}/x{b}.npy", rng.integers(0, 2**b, size=(1, 64, 16, 16)).astype(np.int32))
    np.save(f"{d}/w{b}.npy", rng.integers(-2**(b - 1), 2**(b - 1), size=(256, 64, 3, 3)).astype(np.int32))
PY
printf '%-5s %10s %10s %8s %10s  %s\n' "AxW" cycles steps util lowering check
for p in $PAIRS; do
  [[ $p =~ ^([248])x([248])$ ]] || { echo "conv3x3: bad pair $p (AxW with A, W in 2, 4, 8)" >&2; exit 2; }
  a=${BASH_REMATCH[1]} w=${BASH_REMATCH[2]}
  "$CLI" conv --input "$WORK/x$a.npy" --weights "$WORK/w$w.npy" --act-bits "$a" --wgt-bits "$w" \
    --act-unsigned --pad 1 --relu --shift 4 --out-bits "$a" --config "$CONFIG" --backend rtl --check \
    --out "$WORK/y.npy" --report "$WORK/r.json" > "$WORK/out" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    cat "$WORK/out" >&2
    # Exit status 2: bitfusion refused the arguments (e.g. an unknown
    # --config); its one-line error says why, and this script exits 2 too.
    [ $rc -eq 2 ] && exit 2
    echo "conv3x3: $p failed (bitfusion exit status $rc)" >&2; exit 1
  fi
  "$PY" - "$WORK/r.json" "$p" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = "bit-exact" if r.get("matches_golden") else "MISMATCH"
print(f"{sys.argv[2]:<5} {r['cycles']:>10} {r['array_steps']:>10} {100 * r['utilization']:>7.1f}% {r['host_lowering']:>10}  {ok}")
sys.exit(0 if r.get("matches_golden") else 1)
PY
  [ $? -eq 0 ] || exit 1
done
