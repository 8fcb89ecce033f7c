#!/usr/bin/env bash
# RTL lint: every module through `verilator --lint-only -Wall` (waivers only
# in the source, each with its reason),
# elaboration of every module by Yosys 0.23 (read_verilog -sv) and Icarus
# Verilog 11 (-g2012). Exit status non-zero on any warning or error.
#
#   scripts/lint.sh            all modules under rtl/
#   scripts/lint.sh MODULE...  just those
#
# The array-sized top levels are linted with small parameters (the same
# code, a 2x2 array with a 192-bit port: a full 16x32 elaboration takes
# minutes in each tool and finds nothing more; the full size is elaborated
# by the Verilator build of tb/ctrl and by `make synth`).
set -uo pipefail
cd "$(dirname "$0")/.."
# Every RTL file, in compile order, from the manifest (rtl/files.json);
# a file under rtl/ that the manifest does not list is an error.
mapfile -t FILES < <(python3 scripts/rtl_files.py all) || exit 2
[ ${#FILES[@]} -gt 0 ] || { echo "lint: empty file list from rtl/files.json"; exit 2; }
missing=$(comm -23 <(find rtl -name '*.sv' | sort) <(printf '%s\n' "${FILES[@]}" | sort))
if [ -n "$missing" ]; then
  echo "lint: not in rtl/files.json (set 'all'): $missing"; exit 1
fi
# Icarus 11 mis-simulates a whole design that has a loop variable declared
# in a for statement inside a function or task (bench/icarus/icarus_bug.sv;
# it compiles without a warning): such loop variables are declared with
# the function's other locals.
bad=$(python3 - "${FILES[@]}" <<'PY'
import re, sys
for f in sys.argv[1:]:
    inside = None
    for n, line in enumerate(open(f), 1):
        code = line.split('//')[0]
        if re.search(r'\b(function|task)\b', code) and not re.search(r'\bend(function|task)\b', code):
            inside = n
        if re.search(r'\bend(function|task)\b', code):
            inside = None
        if inside and re.search(r'for\s*\(\s*(int|integer|logic|bit|genvar)\b', code):
            print('%s:%d: loop variable declared in a for statement inside a function/task' % (f, n))
PY
)
if [ -n "$bad" ]; then
  echo "$bad"
  echo "lint: FAILED (Icarus 11 mis-simulates these; declare the loop variable with the function's locals)"; exit 1
fi
if [ $# -gt 0 ]; then MODS=("$@"); else
  mapfile -t MODS < <(grep -ho '^module [a-z_0-9]*' "${FILES[@]}" | awk '{print $2}' | sort)
fi
declare -A SMALL=(
  [bf_top]="Rows=2 Cols=2 WbufKb=1 IbufKb=1 ObufKb=1 DramBits=192"
  [bf_array_top]="Rows=2 Cols=2 WbufKb=1 IbufKb=1 ObufKb=1 DramBits=192"
  [bf_mac8_array]="Rows=2 Cols=4"
)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for m in "${MODS[@]}"; do
  status=ok
  vpar=(); ipar=(); ypar=""
  for kv in ${SMALL[$m]:-}; do
    vpar+=("-G$kv"); ipar+=("-P$m.$kv"); ypar+="chparam -set ${kv%%=*} ${kv#*=} $m; "
  done
  if ! verilator --lint-only -Wall --top-module "$m" "${vpar[@]}" "${FILES[@]}" >"$tmp/v.log" 2>&1; then
    status="verilator FAILED"; cat "$tmp/v.log"
  elif ! iverilog -g2012 -o "$tmp/i.vvp" -s "$m" "${ipar[@]}" "${FILES[@]}" >"$tmp/i.log" 2>&1 ||
       grep -qiE 'error|warning' "$tmp/i.log"; then
    status="iverilog FAILED"; cat "$tmp/i.log"
  elif ! yosys -q -l "$tmp/y.log" -p "read_verilog -sv ${FILES[*]}; ${ypar}hierarchy -check -top $m; proc" \
       >/dev/null 2>&1; then
    status="yosys FAILED"; tail -20 "$tmp/y.log"
  fi
  printf '%-28s %s%s\n' "$m" "$status" "${SMALL[$m]:+ (${SMALL[$m]})}"
  [ "$status" = ok ] || fail=1
done
if [ $fail -ne 0 ]; then echo "lint: FAILED"; exit 1; fi
echo "lint: ${#MODS[@]} modules clean (verilator -Wall, yosys, iverilog)"
