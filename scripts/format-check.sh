#!/usr/bin/env bash
# C++ formatting check: every tracked C++ file of the project against
# .clang-format (clang-format 14, Debian's clang-format-14), and RTL lines
# of at most 120 columns. Exit 1 listing the files that differ; `--fix`
# rewrites them in place.
#
#   scripts/format-check.sh          check
#   scripts/format-check.sh --fix    format the C++ files
set -uo pipefail
cd "$(dirname "$0")/.."
fix=0
[ "${1:-}" = "--fix" ] && fix=1
CF=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$CF" ]; then
  echo "format: SKIPPED: clang-format not found (scripts/install-deps.sh installs clang-format-14)"
  exit 77
fi
mapfile -t CXX < <(git ls-files '*.cpp' '*.hpp' '*.h' 2>/dev/null | grep -v '^fuzz/corpus/')
if [ ${#CXX[@]} -eq 0 ]; then
  # Not a git checkout (a source tarball): the files on disk.
  mapfile -t CXX < <(find golden model sim tb tests frontend fuzz bench -name '*.cpp' -o -name '*.hpp' 2>/dev/null |
                     grep -v '/corpus/')
fi
if [ $fix -eq 1 ]; then
  "$CF" -i "${CXX[@]}"
  echo "format: ${#CXX[@]} C++ files formatted"
  exit 0
fi
bad=()
for f in "${CXX[@]}"; do
  "$CF" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
long=$(find rtl -name '*.sv' -exec awk 'length > 120 { printf "%s:%d: %d columns\n", FILENAME, FNR, length }' {} +)
status=0
if [ ${#bad[@]} -gt 0 ]; then
  echo "format: ${#bad[@]} C++ files differ from .clang-format (scripts/format-check.sh --fix):"
  printf '  %s\n' "${bad[@]}"
  status=1
fi
if [ -n "$long" ]; then
  echo "format: RTL lines over 120 columns:"
  echo "$long" | sed 's/^/  /'
  status=1
fi
[ $status -eq 0 ] && echo "format: ${#CXX[@]} C++ files match .clang-format; RTL lines <= 120 columns"
exit $status
