#!/usr/bin/env bash
# Device simulation speed (issue 14, docs/results.md "Simulation speed of
# the 16x32 device"): runs `bitfusion run --net NET --backend rtl --config
# CONFIG` R times and prints, per run and for the best run, the device
# cycles, the CPU seconds of the whole process (user + sys, /usr/bin/time)
# and cycles per CPU second. CPU time, not wall time, so that the figure
# means one core even on a shared machine; the process includes the
# golden reference and the compiler, so the figure is what a user sees.
#
#   bench/simspeed/run.sh [--cli PATH] [--net NET] [--config NAME] [--repeat R]
#
# Defaults: --cli build/bitfusion, --net lenet5, --config bf16x32, R = 3.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI=$ROOT/build/bitfusion NET=lenet5 CONFIG=bf16x32 REPEAT=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cli) CLI=$2; shift ;;
    --net) NET=$2; shift ;;
    --config) CONFIG=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "simspeed: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "simspeed: --repeat must be a positive integer" >&2; exit 2; }
[ -x "$CLI" ] || { echo "simspeed: $CLI not found or not executable (build it: make build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "simspeed: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
WORK=$(mktemp -d /tmp/bf_simspeed.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

printf '%-4s %-10s %-8s %10s %9s %9s %16s\n' run net config cycles "cpu s" "wall s" "cycles/cpu-s"
best=""
for ((i = 1; i <= REPEAT; i++)); do
  if ! /usr/bin/time -f '%U %S %e' -o "$WORK/time" "$CLI" run --net "$NET" --backend rtl --config "$CONFIG" \
       --quiet --report "$WORK/r.json" > "$WORK/out" 2>&1; then
    cat "$WORK/out" >&2; echo "simspeed: the run failed" >&2; exit 1
  fi
  grep -q 'every layer bit-exact' "$WORK/out" || { cat "$WORK/out" >&2; echo "simspeed: not bit-exact" >&2; exit 1; }
  cycles=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total_cycles"])' "$WORK/r.json")
  read -r user sys wall < "$WORK/time"
  rate=$(awk -v c="$cycles" -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", c / (u + s) }')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  printf '%-4s %-10s %-8s %10s %9s %9s %16s\n' "$i" "$NET" "$CONFIG" "$cycles" "$cpu" "$wall" "$rate"
  if [ -z "$best" ] || [ "$rate" -gt "$best" ]; then best=$rate; fi
done
echo "best: $best device cycles per CPU second ($NET on $CONFIG, whole bitfusion process, bit-exact)"
