#!/usr/bin/env bash
# LeNet-5 at 2 bits on MNIST, the paper's benchmark, on the 16x32 RTL:
# accuracy of the framework (PyTorch, recorded at export), the golden
# machine and the RTL on the same test images, and the RTL's cycles and
# energy against the same network at a fixed 8 bits (the rtl-mode model;
# docs/onnx.md, "LeNet-5 on MNIST").
#
#   bench/mnist/run.sh [--images N] [--jobs J] [--batch B] [--config NAME]
#                      [--work DIR] [--cli PATH]
#
# N test images (default 1000) of examples/mnist/data; the RTL run is split
# into J slices run in parallel (default: the number of cores), batches of
# B images (default 16); results in DIR (default build/bench-mnist):
# golden.json, rtl_<k>.json, summary.json and summary.md (the table of the
# README). Exit status 1 when a device layer differs from the reference.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=1000 J=$(nproc) B=16 CFG=bf16x32 WORK=$ROOT/build/bench-mnist CLI=$ROOT/build/bitfusion
while [ $# -gt 0 ]; do
  case "$1" in
    --images) N=$2; shift 2 ;;
    --jobs) J=$2; shift 2 ;;
    --batch) B=$2; shift 2 ;;
    --config) CFG=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --cli) CLI=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/mnist/run.sh: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
for v in "$N" "$J" "$B"; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "bench/mnist/run.sh: not a positive number: $v" >&2; exit 2; }
done
[ -x "$CLI" ] || { echo "bench/mnist/run.sh: $CLI not built (make build)" >&2; exit 2; }
PY=/usr/bin/python3
"$PY" -c "import numpy" 2>/dev/null || { echo "bench/mnist/run.sh: $PY with numpy is needed (scripts/install-deps.sh)" >&2; exit 2; }
EX=$ROOT/examples/mnist
MODEL=$EX/lenet5_2bit.onnx X=$EX/data/test_x.npy Y=$EX/data/test_y.npy
mkdir -p "$WORK"
rm -f "$WORK"/rtl_*.json "$WORK"/rtl_*.npy "$WORK"/rtl_*.log

echo "golden machine: $N images..."
"$CLI" run --onnx "$MODEL" --input "$X" --labels "$Y" --images "$N" --batch "$B" --backend golden \
  --config "$CFG" --out "$WORK/golden.npy" --report "$WORK/golden.json" --quiet > "$WORK/golden.log"
tail -2 "$WORK/golden.log"

[ "$J" -le "$N" ] || J=$N
echo "RTL ($CFG): $N images in $J parallel slices, batches of $B (progress: $WORK/rtl_<k>.log)..."
t0=$(date +%s)
pids=()
for ((k = 0; k < J; k++)); do
  first=$((k * N / J)) last=$(((k + 1) * N / J))
  "$CLI" run --onnx "$MODEL" --input "$X" --labels "$Y" --first "$first" --images $((last - first)) \
    --batch "$B" --backend rtl --config "$CFG" --out "$WORK/rtl_$k.npy" --report "$WORK/rtl_$k.json" \
    > "$WORK/rtl_$k.log" 2>&1 &
  pids+=($!)
done
fail=0
for p in "${pids[@]}"; do wait "$p" || fail=1; done
echo "RTL done in $(( $(date +%s) - t0 )) s"
[ $fail -eq 0 ] || { echo "bench/mnist/run.sh: an RTL slice failed (see $WORK/rtl_*.log)" >&2; tail -3 "$WORK"/rtl_*.log >&2; exit 1; }

"$CLI" perf --onnx "$MODEL" --batch "$B" --config "$CFG" --csv > "$WORK/perf_2bit.csv"
"$CLI" perf --onnx "$MODEL" --batch "$B" --config "$CFG" --as-bits 8 --csv > "$WORK/perf_8bit.csv"

"$PY" - "$WORK" "$N" "$J" "$B" "$CFG" "$EX" <<'PY'
import csv, json, os, sys
import numpy as np
work, n, jobs, batch, cfg, ex = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
meta = json.load(open(os.path.join(ex, 'lenet5_2bit.json')))
y = np.load(os.path.join(ex, meta['test_y']))[:n]
fw = np.load(os.path.join(ex, meta['predictions']))[:n]
gold = json.load(open(os.path.join(work, 'golden.json')))
g_pred = np.load(os.path.join(work, 'golden.npy')).argmax(1)
rtl = [json.load(open(os.path.join(work, 'rtl_%d.json' % k))) for k in range(jobs)]
r_pred = np.concatenate([np.load(os.path.join(work, 'rtl_%d.npy' % k)) for k in range(jobs)]).argmax(1)
cycles = sum(r['total_cycles'] for r in rtl)
energy = sum(r['energy_uj'] for r in rtl)
exact = all(r.get('bit_exact') for r in rtl) and gold.get('bit_exact')
def perf(f):
    rows = list(csv.DictReader(open(os.path.join(work, f))))
    return sum(float(r['cycles']) for r in rows), sum(float(r['energy_pj']) for r in rows) / 1e6
c2, e2 = perf('perf_2bit.csv')
c8, e8 = perf('perf_8bit.csv')
runs = sum(-(-r['images'] // batch) for r in rtl)
s = {
    'images': n, 'config': cfg, 'batch': batch,
    'accuracy': {'framework': float((fw == y).mean()), 'golden': float((g_pred == y).mean()),
                 'rtl': float((r_pred == y).mean())},
    'agreement': {'golden_vs_framework': float((g_pred == fw).mean()), 'rtl_vs_golden': float((r_pred == g_pred).mean())},
    'rtl_bit_exact': bool(exact),
    'rtl_cycles': cycles, 'rtl_cycles_per_image': cycles / n, 'rtl_energy_uj_per_image': energy / n,
    'model_2bit_cycles_per_image': c2 / batch, 'model_8bit_cycles_per_image': c8 / batch,
    'model_2bit_energy_uj_per_image': e2 / batch, 'model_8bit_energy_uj_per_image': e8 / batch,
    'rtl_wall_seconds': max(r['wall_seconds'] for r in rtl), 'device_runs': runs,
}
s['speedup_vs_8bit'] = s['model_8bit_cycles_per_image'] / s['rtl_cycles_per_image']
s['energy_reduction_vs_8bit'] = s['model_8bit_energy_uj_per_image'] / s['rtl_energy_uj_per_image']
json.dump(s, open(os.path.join(work, 'summary.json'), 'w'), indent=1)
a = s['accuracy']
md = [
    '| LeNet-5, 2-bit, MNIST (%d test images, %s, batch %d) | framework (PyTorch) | golden machine | RTL |' % (n, cfg, batch),
    '|---|---|---|---|',
    '| top-1 accuracy | %.2f %% | %.2f %% | %.2f %% |' % (100 * a['framework'], 100 * a['golden'], 100 * a['rtl']),
    '| predictions equal to | - | framework: %.2f %% | golden: %.2f %% |' % (
        100 * s['agreement']['golden_vs_framework'], 100 * s['agreement']['rtl_vs_golden']),
    '',
    '| per image | 2-bit on the RTL (measured) | 2-bit (rtl model) | fixed 8-bit (rtl model) | 8-bit / 2-bit |',
    '|---|---|---|---|---|',
    '| cycles | %.0f | %.0f | %.0f | %.2fx |' % (s['rtl_cycles_per_image'], s['model_2bit_cycles_per_image'],
                                                s['model_8bit_cycles_per_image'], s['speedup_vs_8bit']),
    '| energy (uJ, model) | %.3f | %.3f | %.3f | %.2fx |' % (s['rtl_energy_uj_per_image'], s['model_2bit_energy_uj_per_image'],
                                                         s['model_8bit_energy_uj_per_image'], s['energy_reduction_vs_8bit']),
]
open(os.path.join(work, 'summary.md'), 'w').write('\n'.join(md) + '\n')
print('\n'.join(md))
print('every device layer bit-exact against the integer reference' if exact else 'MISMATCH against the integer reference')
sys.exit(0 if exact else 1)
PY
