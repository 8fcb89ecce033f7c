#!/usr/bin/env bash
# RTL lint: every module through `verilator --lint-only -Wall` (no waivers),
# elaboration of every module by Yosys 0.23 (read_verilog -sv) and Icarus
# Verilog 11 (-g2012). Exit status non-zero on any warning or error.
#
#   scripts/lint.sh            all modules under rtl/
#   scripts/lint.sh MODULE...  just those
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t FILES < <(echo rtl/bf_pkg.sv; find rtl -name '*.sv' ! -name bf_pkg.sv | sort)
if [ $# -gt 0 ]; then MODS=("$@"); else
  mapfile -t MODS < <(grep -ho '^module [a-z_0-9]*' "${FILES[@]}" | awk '{print $2}' | sort)
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for m in "${MODS[@]}"; do
  status=ok
  if ! verilator --lint-only -Wall --top-module "$m" "${FILES[@]}" >"$tmp/v.log" 2>&1; then
    status="verilator FAILED"; cat "$tmp/v.log"
  elif ! iverilog -g2012 -o "$tmp/i.vvp" -s "$m" "${FILES[@]}" >"$tmp/i.log" 2>&1 ||
       grep -qiE 'error|warning' "$tmp/i.log"; then
    status="iverilog FAILED"; cat "$tmp/i.log"
  elif ! yosys -q -l "$tmp/y.log" -p "read_verilog -sv ${FILES[*]}; hierarchy -check -top $m; proc" \
       >/dev/null 2>&1; then
    status="yosys FAILED"; tail -20 "$tmp/y.log"
  fi
  printf '%-28s %s\n' "$m" "$status"
  [ "$status" = ok ] || fail=1
done
if [ $fail -ne 0 ]; then echo "lint: FAILED"; exit 1; fi
echo "lint: ${#MODS[@]} modules clean (verilator -Wall, yosys, iverilog)"
