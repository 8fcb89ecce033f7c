#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of fuzz/ (one per parser).
#
#   scripts/fuzz.sh [--time S] [--build-dir DIR] [--merge] [target ...]
#   scripts/fuzz.sh --build-only [--build-dir DIR]
#
# The fuzz build (DIR, default build/fuzz-build) is a C++-only CMake build
# (BF_VERILATED=OFF, BF_FUZZ=ON) with clang: FUZZ_CXX, else clang++-14,
# else clang++. It is configured once and brought up to date on each call
# (a lock keeps parallel calls from building it twice); only the fuzz
# targets are built.
#
# Each target runs for S seconds (default 30) on a copy of its committed
# corpus (fuzz/corpus/<target>/), with fuzz/dict/<target>.dict when present;
# the copy, the log and any crash input are in DIR/runs/<target>/. --merge
# then adds the inputs that found new coverage to fuzz/corpus/<target>/.
# Exit 1 on a finding (crash, sanitizer report, broken contract): the input
# is printed with what to do with it.
#
# Options: --no-build (use existing binaries), --bin-dir D (binaries in D,
# for a BF_FUZZ=ON build), --jobs N (build jobs, default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
time_s=30
build_dir=$root/build/fuzz-build
bin_dir=
build=1
build_only=0
merge=0
jobs=${FUZZ_JOBS:-2}
targets=()
all_targets=$(sed -n 's/^set(BF_FUZZ_TARGETS \(.*\))$/\1/p' "$root/fuzz/targets.cmake")

while [ $# -gt 0 ]; do
  case $1 in
    --time) time_s=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --build-only) build_only=1; shift ;;
    --merge) merge=1; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$all_targets"
for t in "${targets[@]}"; do
  case " $all_targets " in *" $t "*) ;; *) echo "fuzz.sh: unknown target '$t' (known: $all_targets)" >&2; exit 2 ;; esac
done
[ -n "$bin_dir" ] || bin_dir=$build_dir/fuzz

if [ $build = 1 ]; then
  cxx=${FUZZ_CXX:-}
  if [ -z "$cxx" ]; then
    for c in clang++-14 clang++; do
      if command -v "$c" >/dev/null; then cxx=$c; break; fi
    done
  fi
  if [ -z "$cxx" ]; then
    echo "fuzz.sh: no clang++ found (libFuzzer needs clang: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
  fi
  mkdir -p "$build_dir"
  (
    flock 9
    t0=$(date +%s)
    if [ ! -f "$build_dir/build.ninja" ]; then
      cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DBF_VERILATED=OFF -DBF_FUZZ=ON -DBF_FUZZ_TESTS=OFF >"$build_dir/configure.log" 2>&1 ||
        { cat "$build_dir/configure.log" >&2; exit 1; }
    fi
    cmake --build "$build_dir" -j "$jobs" --target fuzz_all
    echo "fuzz.sh: fuzz build up to date in $build_dir ($(( $(date +%s) - t0 )) s, $cxx)"
  ) 9>"$build_dir/.fuzz.lock"
fi
[ $build_only = 1 ] && exit 0

status=0
for t in "${targets[@]}"; do
  bin=$bin_dir/fuzz_$t
  [ -x "$bin" ] || { echo "fuzz.sh: $bin is missing (build it: scripts/fuzz.sh --build-only)" >&2; exit 1; }
  work=$build_dir/runs/$t
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp "$root/fuzz/corpus/$t/"* "$work/corpus/"
  seeds=$(ls "$work/corpus" | wc -l)
  # Two things make libFuzzer wait rather than run on a busy machine:
  # symbolizing every newly covered function (-print_funcs) and
  # LeakSanitizer's stop-the-world check after each new input (~0.2 s). The
  # loop runs without both (hundreds of inputs a second instead of a few);
  # the final corpus is then replayed once in a process whose exit-time
  # leak check covers every input (below). FUZZ_LEAKS=1 checks in the loop.
  leaks=${FUZZ_LEAKS:-0}
  args=(-max_total_time="$time_s" -print_final_stats=1 -print_funcs=0 -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$work/" -max_len=65536 -detect_leaks="$leaks")
  [ -f "$root/fuzz/dict/$t.dict" ] && args+=(-dict="$root/fuzz/dict/$t.dict")
  echo "fuzz.sh: $t: ${time_s} s on $seeds seed inputs ($bin)"
  rc=0
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} ASAN_OPTIONS=detect_leaks=$leaks \
    "$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$work/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | cut -d' ' -f2)
  after=$(ls "$work/corpus" | wc -l)
  if [ $rc -eq 0 ]; then
    # The final corpus once more, with LeakSanitizer.
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} ASAN_OPTIONS=detect_leaks=1 \
      "$bin" -runs=0 -detect_leaks=0 -rss_limit_mb=2048 -artifact_prefix="$work/" "$work/corpus" \
      >"$work/leaks.log" 2>&1 || { rc=$?; cat "$work/leaks.log" >>"$work/log"; }
  fi
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz.sh: $t: FINDING (exit $rc) after ${execs:-?} executions; log $work/log" >&2
    grep -E 'ERROR: |runtime error|contract violation|Test unit written' "$work/log" | head -8 >&2 || true
    if grep -q LeakSanitizer "$work/leaks.log" 2>/dev/null; then
      echo "fuzz.sh: $t: a leak in the final corpus; find the input: $bin -detect_leaks=1 -runs=1 $work/corpus/*" >&2
    fi
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*; do
      [ -e "$a" ] || continue
      echo "fuzz.sh: input: $a" >&2
      echo "fuzz.sh:   reproduce: $bin $a" >&2
      echo "fuzz.sh:   fix it, then commit it as fuzz/corpus/$t/regress-<what> with a unit test in tests/" >&2
    done
  else
    echo "fuzz.sh: $t: ok, ${execs:-?} executions in ${secs:-$time_s} s, coverage ${cov:-?} edges, corpus $seeds -> $after inputs, leak check of the corpus clean"
  fi
  if [ $merge = 1 ] && [ $rc -eq 0 ]; then
    "$bin" -merge=1 -max_len=65536 "$root/fuzz/corpus/$t" "$work/corpus" >"$work/merge.log" 2>&1
    echo "fuzz.sh: $t: corpus merged: $(ls "$root/fuzz/corpus/$t" | wc -l) inputs in fuzz/corpus/$t"
  fi
done
exit $status
