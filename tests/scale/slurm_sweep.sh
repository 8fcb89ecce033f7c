#!/usr/bin/env bash
# CTest scale.slurm: `bitfusion sweep --slurm` and `run --slurm` on a real single-node Slurm.
#
#   tests/scale/slurm_sweep.sh BITFUSION REPO
#
# Starts munged + slurmctld + slurmd (scripts/slurm-local.sh) in a temporary
# folder, runs one small sweep (2 networks x 2 configurations x paper and
# rtl modes) locally (--jobs 2) and through Slurm, and checks:
#   1. --slurm (waiting) writes the same sweep.csv as the local run;
#   2. --slurm --no-wait prints the job id and the collect command, and
#      `bitfusion collect DIR --wait` then writes the same sweep.csv;
#   3. a sweep with a failing point through Slurm exits 2 with one line
#      naming the task, and keeps the other points;
#   4. `run --net lenet5 --slurm` (one array task per conv/fc layer), and
#      --no-wait + `bitfusion collect`, give the serial run's report;
#   5. `run --onnx ... --slurm` (one array task per slice of image batches)
#      gives the one-process run's logits and report.
# Then stops exactly the daemons it started. Exit 77 (CTest: SKIPPED), with
# one line saying why, when the daemons cannot start on this machine.
set -uo pipefail
BF=$1
REPO=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/bf-slurm.XXXXXX")
cleanup() {
  bash "$REPO/scripts/slurm-local.sh" stop "$T/cluster" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

for p in sbatch squeue munged mungekey slurmctld slurmd; do
  command -v "$p" >/dev/null 2>&1 || { echo "SKIPPED: $p is not installed (scripts/install-deps.sh installs slurm-wlm and munge)"; exit 77; }
done
ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs() { local d=$(( $(ms) - $1 )); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
t0=$(ms)
if ! err=$(bash "$REPO/scripts/slurm-local.sh" start "$T/cluster" 2>&1 >/dev/null); then
  echo "SKIPPED: a single-node Slurm cannot start on this machine: $(printf '%s\n' "$err" | tail -n 1)"
  exit 77
fi
export SLURM_CONF=$T/cluster/slurm.conf
echo "cluster up in $(secs "$t0") s: $(sinfo -h -N -o '%N %T %C')"

ARGS=(sweep --nets lenet5,svhn --configs bf16x32,bf8x8 --mode paper,rtl --no-plot)

# 1. waiting --slurm run against a local run
"$BF" "${ARGS[@]}" --jobs 2 --out "$T/local" > "$T/local.txt" 2>&1 || { cat "$T/local.txt"; fail "local sweep"; }
t1=$(ms)
"$BF" "${ARGS[@]}" --slurm --timeout 120 --out "$T/slurm" > "$T/slurm.txt" 2>&1 ||
  { cat "$T/slurm.txt"; fail "--slurm sweep"; }
echo "slurm sweep (8 tasks) in $(secs "$t1") s"
[ "$(wc -l < "$T/local/sweep.csv")" -eq 9 ] || fail "expected 8 points in $T/local/sweep.csv"
cmp "$T/local/sweep.csv" "$T/slurm/sweep.csv" || { diff "$T/local/sweep.csv" "$T/slurm/sweep.csv"; fail "--slurm CSV differs from the local run"; }
grep -q '^#SBATCH --array=0-7$' "$T/slurm/jobs/job.sh" || fail "job script without --array=0-7"
grep -q 'Slurm job [0-9]' "$T/slurm.txt" || fail "no Slurm job id in the table header"
echo "1. --slurm sweep.csv equals the local one ($(($(wc -l < "$T/local/sweep.csv") - 1)) points)"

# 2. --no-wait, then collect
"$BF" "${ARGS[@]}" --slurm --no-wait --out "$T/nowait" > "$T/nowait.txt" 2>&1 || { cat "$T/nowait.txt"; fail "--no-wait"; }
grep -q '^Slurm job [0-9][0-9]* submitted' "$T/nowait.txt" || { cat "$T/nowait.txt"; fail "--no-wait printed no job id"; }
grep -q "bitfusion collect $T/nowait/jobs" "$T/nowait.txt" || { cat "$T/nowait.txt"; fail "--no-wait printed no collect command"; }
[ ! -e "$T/nowait/sweep.csv" ] || fail "--no-wait merged already"
"$BF" collect "$T/nowait/jobs" --wait --timeout 120 > "$T/collect.txt" 2>&1 || { cat "$T/collect.txt"; fail "collect"; }
cmp "$T/local/sweep.csv" "$T/nowait/sweep.csv" || fail "collect CSV differs from the local run"
echo "2. --no-wait + collect: same sweep.csv"

# 3. a failing point (rtl mode: LeNet-5's first output tile does not fit 2-word OBUF banks)
"$BF" sweep --nets lenet5 --configs bf16x32 --set cols=32,512 --set obuf_kb=16,1 --mode rtl --no-plot \
  --slurm --timeout 120 --out "$T/fail" > "$T/fail.txt" 2> "$T/fail.err"
rc=$?
[ $rc -eq 2 ] || { cat "$T/fail.txt" "$T/fail.err"; fail "failing sweep: exit $rc, expected 2"; }
[ "$(wc -l < "$T/fail.err")" -eq 1 ] || { cat "$T/fail.err"; fail "failing sweep: not one line"; }
grep -q 'task p00003 (LeNet-5 rtl b16 bf16x32 cols=512 obuf_kb=1) failed: .*does not fit' "$T/fail.err" ||
  { cat "$T/fail.err"; fail "failing sweep: task not named"; }
kept=$(($(wc -l < "$T/fail/sweep.csv") - 1))
[ "$kept" -eq 3 ] || fail "failing sweep: $kept points kept, expected 3"
echo "3. failing task named ($(cut -c1-120 "$T/fail.err")...), $kept points kept"

# 4. LeNet-5's layers as one job array: the same report as a serial run
strip() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j.pop("wall_seconds")
for l in j["layers"]: l.pop("wall_seconds")
print(json.dumps(j, sort_keys=True))' "$1"; }
RUN=(run --net lenet5 --backend golden --batch 2 --seed 3 --quiet)
"$BF" "${RUN[@]}" --report "$T/run_serial.json" > "$T/run_serial.txt" 2>&1 || { cat "$T/run_serial.txt"; fail "serial run"; }
t1=$(ms)
"$BF" "${RUN[@]}" --slurm --timeout 120 --workdir "$T/runjobs" --report "$T/run_slurm.json" > "$T/run_slurm.txt" 2>&1 ||
  { cat "$T/run_slurm.txt"; fail "run --slurm"; }
echo "run --slurm (4 layer tasks) in $(secs "$t1") s"
grep -q '^#SBATCH --array=0-3$' "$T/runjobs/job.sh" || fail "run: job script without --array=0-3"
grep -q 'layers: 4 tasks (Slurm job [0-9]' "$T/run_slurm.txt" || { cat "$T/run_slurm.txt"; fail "run: no Slurm job line"; }
[ "$(strip "$T/run_serial.json")" = "$(strip "$T/run_slurm.json")" ] || fail "run --slurm report differs from the serial run"
"$BF" "${RUN[@]}" --slurm --no-wait --workdir "$T/runnowait" --report "$T/run_nowait.json" > "$T/run_nowait.txt" 2>&1 ||
  { cat "$T/run_nowait.txt"; fail "run --no-wait"; }
grep -q "bitfusion collect $T/runnowait" "$T/run_nowait.txt" || { cat "$T/run_nowait.txt"; fail "run --no-wait: no collect command"; }
"$BF" collect "$T/runnowait" --wait --timeout 120 > "$T/run_collect.txt" 2>&1 || { cat "$T/run_collect.txt"; fail "run: collect"; }
[ "$(strip "$T/run_serial.json")" = "$(strip "$T/run_nowait.json")" ] || fail "run --no-wait + collect report differs from the serial run"
echo "4. run --slurm and --no-wait + collect: LeNet-5 report equals the serial run ($(grep -c '^[a-z0-9]* *\(conv\|fc\) .* bit-exact' "$T/run_slurm.txt") layers bit-exact)"

# 5. an ONNX model's images in slices of whole batches as one job array
EX=$REPO/examples/digits
ONNX=(run --onnx "$EX/digits_mixed.onnx" --input "$EX/data/test_x.npy" --labels "$EX/data/test_y.npy" --images 40
      --batch 16 --backend golden --quiet)
strip_onnx() { python3 -c 'import json,sys
def clean(v):
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items() if k != "wall_seconds"}
    if isinstance(v, list): return [clean(x) for x in v]
    return float("%.9g" % v) if isinstance(v, float) else v   # energy sums in another order
print(json.dumps(clean(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"; }
"$BF" "${ONNX[@]}" --out "$T/onnx_serial.npy" --report "$T/onnx_serial.json" > "$T/onnx_serial.txt" 2>&1 ||
  { cat "$T/onnx_serial.txt"; fail "onnx serial run"; }
t1=$(ms)
"$BF" "${ONNX[@]}" --slurm --timeout 120 --workdir "$T/onnxjobs" --out "$T/onnx_slurm.npy" \
  --report "$T/onnx_slurm.json" > "$T/onnx_slurm.txt" 2>&1 || { cat "$T/onnx_slurm.txt"; fail "run --onnx --slurm"; }
echo "run --onnx --slurm (3 slice tasks) in $(secs "$t1") s"
grep -q '^#SBATCH --array=0-2$' "$T/onnxjobs/job.sh" || fail "onnx: job script without --array=0-2"
grep -q 'images: 3 slices (Slurm job [0-9]' "$T/onnx_slurm.txt" || { cat "$T/onnx_slurm.txt"; fail "onnx: no Slurm job line"; }
cmp -s "$T/onnx_serial.npy" "$T/onnx_slurm.npy" || fail "run --onnx --slurm logits differ from the one-process run"
[ "$(strip_onnx "$T/onnx_serial.json")" = "$(strip_onnx "$T/onnx_slurm.json")" ] ||
  fail "run --onnx --slurm report differs from the one-process run"
echo "5. run --onnx --slurm: logits and report equal the one-process run ($(grep -o 'accuracy: [^ ]*' "$T/onnx_slurm.txt"))"

bash "$REPO/scripts/slurm-local.sh" stop "$T/cluster" > "$T/stop.txt" || fail "stop"
[ "$(grep -c '^stopped' "$T/stop.txt")" -eq 3 ] || { cat "$T/stop.txt"; fail "did not stop 3 daemons"; }
echo "PASS"
