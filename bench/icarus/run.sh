#!/usr/bin/env bash
# Simulator benchmark: Verilator 5.006 against Icarus Verilog 11 on the same
# RTL and the same stimulus (bench/icarus/*.sv, docs/sim-speed.md).
#
#   bench/icarus/run.sh [--cycles N] [--verilator-cycles M] [--repeat R]
#                       [--seed S] [--with-4x4] [--with-cpp-main]
#                       [--work DIR]
#
# Designs: fu (one bf_fusion_unit, random operands and mode every cycle) and
# array2x2 (bf_array_top, Rows=Cols=2, 1 KB buffers, DramBits=64: buffer
# loads, a stream of random tile commands, OBUF drain); --with-4x4 adds
# array4x4 (same, 4x4). For each design:
#   1. compile with Icarus (iverilog -g2012) and Verilator (--binary
#      --timing -O3 --x-assign fast, C++ -O2, one build job); compile times
#      are printed;
#   2. run both simulators for the same N cycles (+cycles=N, +seed=S), R
#      times each: the testbench prints a checksum of every output, which
#      must be the same on both simulators (else the exit status is 1),
#      and no output may hold an X or Z bit after reset (xouts=0: the
#      four-state check on Icarus, where every register starts at X);
#   3. run Verilator again for M cycles (R times): at N cycles it finishes
#      in milliseconds, too short to time; M = 0 skips this.
# Times are wall-clock of the simulation process only (best of R), plus its
# CPU time (user + sys). cycles/s = edges simulated / best wall time; the
# speed ratio per design is Verilator / Icarus cycles/s.
#
# --with-cpp-main also builds each design's clocked top without delays
# (bench_fu, bench_array) with Verilator --no-timing and a C++ clock loop
# (verilator_main.cpp): the cost of --timing's delay scheduling.
#
# Icarus 11 bug (docs/sim-speed.md): an automatic function with a loop
# variable declared in its for statement makes Icarus 11 stop updating
# continuous assignments that read words of unpacked arrays written with
# nonblocking assignments (bench/icarus/icarus_bug.sv is the smallest case;
# run.sh runs it first and reports whether the installed Icarus has it).
# The RTL declares such loop variables with the functions' other locals,
# so it simulates correctly either way; a trigger brought back into the
# RTL shows as differing checksums.
#
# Defaults: N = 10000 (fu), 2000 (array2x2), 600 (array4x4); M = 200 N
# (fu), 250 N (arrays); R = 3; work directory build-bench-icarus/.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/bench/icarus
RTL=$ROOT/rtl

CYCLES="" VCYCLES="" REPEAT=3 SEED=1 WITH4=0 CPP=0 WORK=$ROOT/build-bench-icarus
while [ $# -gt 0 ]; do
  case "$1" in
    --cycles) CYCLES=$2; shift 2 ;;
    --verilator-cycles) VCYCLES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --with-4x4) WITH4=1; shift ;;
    --with-cpp-main) CPP=1; shift ;;
    --work) WORK=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
for v in "$REPEAT" "$SEED" ${CYCLES:+"$CYCLES"} ${VCYCLES:+"$VCYCLES"}; do
  [[ $v =~ ^[0-9]+$ ]] || { echo "run.sh: not a number: $v" >&2; exit 2; }
done
[ "$REPEAT" -ge 1 ] || { echo "run.sh: --repeat must be >= 1" >&2; exit 2; }
for t in iverilog vvp verilator; do
  command -v $t >/dev/null || { echo "run.sh: $t not found" >&2; exit 2; }
done
mkdir -p "$WORK" || exit 2

# ------------------------------------------------------------------ sources
# The RTL manifest (rtl/files.json) names the files of each design.
mapfile -t FU_RTL < <(python3 "$ROOT/scripts/rtl_files.py" --abs fu) || exit 2
mapfile -t ARRAY_RTL < <(python3 "$ROOT/scripts/rtl_files.py" --abs array) || exit 2
[ ${#FU_RTL[@]} -gt 0 ] && [ ${#ARRAY_RTL[@]} -gt 0 ] || { echo "run.sh: rtl/files.json gave no files" >&2; exit 2; }

# Icarus 11 bug (bench/icarus/icarus_bug.sv): a loop-scoped variable in an
# automatic function anywhere in the design stops continuous assignments
# that read nonblocking-written array words from updating. The RTL avoids
# the trigger (loop variables are declared with the functions' locals);
# this run checks that it still does: with the bug present and a trigger
# in the RTL, the checksums would differ.
ICARUS_NOTE="not present in this Icarus"
if iverilog -g2012 -o "$WORK/icarus_bug.vvp" "$BENCH/icarus_bug.sv" &&
   vvp -n "$WORK/icarus_bug.vvp" >"$WORK/icarus_bug.log" 2>&1 &&
   grep -q '^icarus_bug: present' "$WORK/icarus_bug.log"; then
  ICARUS_NOTE="present in this Icarus; the RTL avoids its trigger"
fi

# ------------------------------------------------------------------ helpers
# timed OUT CMD...: runs CMD (stdout+stderr to OUT); sets T_WALL, T_CPU, T_RC.
timed() {
  local out=$1; shift
  local tf=$WORK/.time
  { TIMEFORMAT='%R %U %S'; time "$@" >"$out" 2>&1; } 2>"$tf"
  T_RC=$?
  read -r T_WALL u s <"$tf"
  T_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }  # field LINE NAME

FAIL=0
declare -a ROWS=() COMPILE=() RATIOS=()

# bench DESIGN DEFAULT_N M_FACTOR TOP CORE ICARUS_PARAMS VERILATOR_PARAMS FILES...
bench() {
  local d=$1 n_def=$2 mfac=$3 top=$4 core=$5 ip=$6 vp=$7; shift 7
  local files=("$@") n=${CYCLES:-$n_def} m
  m=${VCYCLES:-$((n * mfac))}
  local dir=$WORK/$d
  rm -rf "$dir"; mkdir -p "$dir"
  local tb=("$BENCH/bench_pkg.sv")
  local ifiles=("${files[@]}")
  local tbf=$BENCH/bench_fu.sv
  [ "$d" = fu ] || tbf=$BENCH/bench_array.sv

  echo "== $d: compiling" >&2
  # shellcheck disable=SC2086
  timed "$dir/icarus-compile.log" iverilog -g2012 -o "$dir/sim.vvp" -s "$top" $ip "${tb[@]}" "${ifiles[@]}" "$tbf"
  if [ $T_RC -ne 0 ] || grep -qiE 'error|warning' "$dir/icarus-compile.log"; then
    cat "$dir/icarus-compile.log" >&2; echo "run.sh: $d: iverilog failed" >&2; FAIL=1; return
  fi
  COMPILE+=("$d icarus $T_WALL $T_CPU")
  local vopt=(-O3 --x-assign fast -j 1 --prefix Vtop -o bench
              -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O0 OPT_GLOBAL=-O2")
  # shellcheck disable=SC2086
  timed "$dir/verilator-compile.log" verilator --binary --timing "${vopt[@]}" --top-module "$top" $vp \
    -Mdir "$dir/verilator" "${tb[@]}" "${files[@]}" "$tbf"
  if [ $T_RC -ne 0 ] || grep -q '^%Warning\|^%Error' "$dir/verilator-compile.log"; then
    cat "$dir/verilator-compile.log" >&2; echo "run.sh: $d: verilator failed" >&2; FAIL=1; return
  fi
  COMPILE+=("$d verilator $T_WALL $T_CPU")
  local sims=(icarus verilator)
  if [ $CPP -eq 1 ]; then
    # shellcheck disable=SC2086
    timed "$dir/verilator-cpp-compile.log" verilator --cc --exe --build --no-timing "${vopt[@]}" \
      --top-module "$core" $vp -Mdir "$dir/verilator-cpp" "${tb[@]}" "${files[@]}" "$tbf" \
      "$BENCH/verilator_main.cpp"
    if [ $T_RC -ne 0 ] || grep -q '^%Warning\|^%Error' "$dir/verilator-cpp-compile.log"; then
      cat "$dir/verilator-cpp-compile.log" >&2; echo "run.sh: $d: verilator (C++ main) failed" >&2
      FAIL=1; return
    fi
    COMPILE+=("$d verilator-c++ $T_WALL $T_CPU")
    sims+=(verilator-c++)
  fi

  # run SIM CYCLES: R runs; sets BEST_WALL, BEST_CPU, LINE (the BENCH line).
  run() {
    local sim=$1 c=$2 i line cmd
    case $sim in
      icarus) cmd=(vvp -n "$dir/sim.vvp") ;;
      verilator) cmd=("$dir/verilator/bench") ;;
      verilator-c++) cmd=("$dir/verilator-cpp/bench") ;;
    esac
    BEST_WALL="" BEST_CPU="" LINE=""
    for ((i = 1; i <= REPEAT; i++)); do
      echo "== $d: $sim, $c cycles, run $i/$REPEAT" >&2
      timed "$dir/$sim-$c-$i.log" "${cmd[@]}" "+cycles=$c" "+seed=$SEED"
      line=$(grep '^BENCH ' "$dir/$sim-$c-$i.log" | tail -1)
      if [ $T_RC -ne 0 ] || [ -z "$line" ] || grep -qE '^ERROR|%Error' "$dir/$sim-$c-$i.log"; then
        cat "$dir/$sim-$c-$i.log" >&2; echo "run.sh: $d: $sim run failed" >&2; FAIL=1; LINE=""; return
      fi
      if [ "$(field "$line" xouts)" != 0 ]; then
        echo "run.sh: $d: $sim: $(field "$line" xouts) edges with an X/Z output after reset" >&2; FAIL=1
      fi
      if [ -n "$LINE" ] && [ "$(field "$line" checksum)" != "$(field "$LINE" checksum)" ]; then
        echo "run.sh: $d: $sim gives different checksums on repeated runs" >&2; FAIL=1
      fi
      LINE=$line
      if [ -z "$BEST_WALL" ] || awk -v a="$T_WALL" -v b="$BEST_WALL" 'BEGIN { exit !(a < b) }'; then
        BEST_WALL=$T_WALL BEST_CPU=$T_CPU
      fi
    done
  }
  local sim ref="" ok
  local -A rate=() crate=()   # cycles/s from wall and from CPU time, per simulator
  for sim in "${sims[@]}"; do
    run "$sim" "$n"
    [ -n "$LINE" ] || return
    local cyc chk
    cyc=$(field "$LINE" cycles); chk=$(field "$LINE" checksum)
    rate[$sim]=$(awk -v c="$cyc" -v t="$BEST_WALL" 'BEGIN { printf "%.0f", (t > 0 ? c / t : 0) }')
    crate[$sim]=$(awk -v c="$cyc" -v t="$BEST_CPU" 'BEGIN { printf "%.0f", (t > 0 ? c / t : 0) }')
    if [ -z "$ref" ]; then ref=$chk; ok="reference"
    elif [ "$chk" = "$ref" ]; then ok="same as icarus"
    else ok="DIFFERENT from icarus"; FAIL=1; fi
    ROWS+=("$d $sim $cyc $BEST_WALL $BEST_CPU ${rate[$sim]} $chk $ok")
  done
  if [ "$m" -gt 0 ]; then
    for sim in "${sims[@]:1}"; do
      run "$sim" "$m"
      [ -n "$LINE" ] || return
      local cyc chk
      cyc=$(field "$LINE" cycles); chk=$(field "$LINE" checksum)
      rate[$sim]=$(awk -v c="$cyc" -v t="$BEST_WALL" 'BEGIN { printf "%.0f", (t > 0 ? c / t : 0) }')
      crate[$sim]=$(awk -v c="$cyc" -v t="$BEST_CPU" 'BEGIN { printf "%.0f", (t > 0 ? c / t : 0) }')
      ROWS+=("$d $sim $cyc $BEST_WALL $BEST_CPU ${rate[$sim]} $chk timing run")
    done
  fi
  for sim in "${sims[@]:1}"; do
    RATIOS+=("$d $sim/icarus $(awk -v a="${rate[$sim]}" -v b="${rate[icarus]}" \
      -v c="${crate[$sim]}" -v e="${crate[icarus]}" \
      'function r(x, y) { return (x > 0 && y > 0) ? sprintf("%.0fx", x / y) : "n/a" }
       BEGIN { printf "%s (wall), %s (cpu)", r(a, b), r(c, e) }')")
  done
}

echo "Icarus 11 bug of icarus_bug.sv: $ICARUS_NOTE" >&2
bench fu 10000 200 bench_fu_top bench_fu "" "" "${FU_RTL[@]}"
bench array2x2 2000 250 bench_array_top bench_array "" "" "${ARRAY_RTL[@]}"
if [ $WITH4 -eq 1 ]; then
  bench array4x4 600 250 bench_array_top bench_array \
    "-Pbench_array_top.Rows=4 -Pbench_array_top.Cols=4" "-GRows=4 -GCols=4" "${ARRAY_RTL[@]}"
fi

# ------------------------------------------------------------------- report
echo
echo "Verilator $(verilator --version | awk '{print $2}') vs $(iverilog -V 2>/dev/null | head -1 | sed 's/ (.*//'); seed $SEED; best of $REPEAT runs; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Icarus 11 bug of icarus_bug.sv: $ICARUS_NOTE"
echo
printf '%-9s %-14s %10s %9s %9s %12s  %-16s  %s\n' design simulator cycles "wall s" "cpu s" cycles/s checksum note
for r in "${ROWS[@]}"; do
  # shellcheck disable=SC2086
  set -- $r
  printf '%-9s %-14s %10s %9s %9s %12s  %-16s  %s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${*:8}"
done
echo
printf '%-9s %-14s %9s %9s\n' design "compile" "wall s" "cpu s"
for r in "${COMPILE[@]}"; do
  # shellcheck disable=SC2086
  set -- $r
  printf '%-9s %-14s %9s %9s\n' "$1" "$2" "$3" "$4"
done
echo
for r in "${RATIOS[@]}"; do
  # shellcheck disable=SC2086
  set -- $r
  printf '%-9s %s speed ratio: %s\n' "$1" "$2" "${*:3}"
done
if [ $FAIL -ne 0 ]; then
  echo "FAIL: checksums differ or a build/run failed (logs in $WORK)"
  exit 1
fi
echo "PASS: every simulator printed the same checksum for every design"
