#!/usr/bin/env bash
# Formal checks of the Bit Fusion RTL (docs/verification.md, section Formal).
#
#   formal/run.sh            every proof, bounded check and mutant (the full run)
#   formal/run.sh --quick    the subset of the default test suite (CTest formal.quick)
#   formal/run.sh --only RE  just the checks whose name matches the regex RE
#   formal/run.sh --keep     keep the work directory (scripts, logs, traces)
#   FORMAL_FU_TIMEOUT=S      wall-clock limit per Fusion Unit proof (default 7200)
#   FORMAL_FU_MONOLITHIC=1   also run the monolithic Fusion Unit proofs (slow)
#   FORMAL_FU_DEC_ALL=1      the decomposed proof for all 9 pairs, not only 8x8
#                            (2x2 and 2x4 do not finish; lane induction proves them)
#   FORMAL_FU_SOLVER=S       SAT solver of the decomposed Fusion Unit proofs
#                            (fu.AxW.dec): cadical (default when installed)
#                            or minisat (Yosys sat; always for fu.AxW*)
#   FORMAL_LOAD=0            skip the load unit's memory-port BMC (depth FORMAL_LOAD_DEPTH,
#                            default 20; about 2 min CPU, its 3 mutants about 3.5 min)
#   FORMAL_STORE=0           skip the store unit's memory-port BMC (depth FORMAL_STORE_DEPTH,
#                            default 20; about 40 min CPU, its 3 mutants about 4 min;
#                            CI skips it; the read-FIFO induction always runs)
#
# Every check prints one row: name, kind, depth, expected and actual result,
# CPU seconds (user + sys of the tools) and wall seconds. A proof must PASS;
# a mutant (the RTL broken on purpose) must FAIL with a counterexample. Exit
# status: 0 when every result is the expected one, 1 otherwise, 77 when a
# tool is missing (CTest reports the test as skipped).
#
# Tools: Yosys 0.23 (read_verilog -sv / -formal, miter, sat, write_smt2,
# write_aiger), yosys-smtbmc with z3; for the Fusion Unit proofs, when
# installed, yosys-abc (AIGER -> CNF) and CaDiCaL (apt-get install
# cadical). Everything runs on one core.
set -uo pipefail
cd "$(dirname "$0")"
FORMAL=$(pwd)
RTL=$(cd ../rtl && pwd)

QUICK=0; KEEP=0; ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --keep)  KEEP=1 ;;
    --only)  ONLY="$2"; shift ;;
    -h|--help) sed -n '2,30p' "$FORMAL/run.sh"; exit 0 ;;
    *) echo "formal/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in yosys yosys-smtbmc z3 timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not found (apt-get install yosys z3; scripts/install-deps.sh installs both)"
    exit 77
  fi
done
if ! echo '(check-sat)' | z3 -in >/dev/null 2>&1; then
  echo "SKIPPED: z3 does not run"
  exit 77
fi

WORK=$(mktemp -d /tmp/bf_formal.XXXXXX)
if [ $KEEP -eq 0 ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work directory: $WORK"; fi

FAILS=0
ROWS=()
printf '%-30s %-24s %-6s %-6s %-8s %8s %8s\n' check kind depth expect result cpu_s wall_s
printf '%-30s %-24s %-6s %-6s %-8s %8s %8s\n' ----- ---- ----- ------ ------ ----- ------

# ---------------------------------------------------------------------------
# Helpers

# timed LOG TIMEOUT CMD...: runs CMD (stdout+stderr to LOG) under a wall
# timeout; sets RC, CPU (user+sys seconds) and WALL.
timed() {
  local log=$1 tmo=$2; shift 2
  local tf="$log.time" start end TIMEFORMAT='%U %S'
  start=$(date +%s.%N)
  { time timeout "$tmo" "$@" >"$log" 2>&1; } 2>"$tf"
  RC=$?
  end=$(date +%s.%N)
  CPU=$(awk '{printf "%.1f", $1 + $2}' "$tf" 2>/dev/null)
  WALL=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
}

# timed_acc: like timed, but adds CPU and WALL to the totals ACPU/AWALL.
timed_acc() {
  timed "$@"
  ACPU=$(awk -v a="$ACPU" -v b="$CPU" 'BEGIN {printf "%.1f", a + b}')
  AWALL=$(awk -v a="$AWALL" -v b="$WALL" 'BEGIN {printf "%.1f", a + b}')
}

# row NAME KIND DEPTH EXPECT RESULT
row() {
  local mark=""
  if [ "$4" != "$5" ]; then mark="  <-- UNEXPECTED"; FAILS=$((FAILS + 1)); fi
  printf '%-30s %-24s %-6s %-6s %-8s %8s %8s%s\n' "$1" "$2" "$3" "$4" "$5" "$CPU" "$WALL" "$mark"
}

selected() { [ -z "$ONLY" ] || [[ "$1" =~ $ONLY ]]; }

# mutate SRC DST SED_EXPR: copy SRC to DST with one edit; fails if the edit
# did not change the file (a mutant that silently does not apply).
mutate() {
  sed -e "$3" "$1" >"$2"
  if cmp -s "$1" "$2"; then echo "formal/run.sh: mutation '$3' did not apply to $1" >&2; return 1; fi
}

# Result of a Yosys `sat -verify` run from its log and exit status.
sat_result() {
  local log=$1 rc=$2
  if [ "$rc" -eq 124 ]; then echo TIMEOUT
  elif grep -q 'proof did fail' "$log"; then echo FAIL
  elif [ "$rc" -eq 0 ] && grep -q 'SUCCESS' "$log"; then echo PASS
  else echo ERROR; fi
}

# Result of a yosys-smtbmc run.
smtbmc_result() {
  local log=$1 rc=$2
  if [ "$rc" -eq 124 ]; then echo TIMEOUT
  elif grep -q 'Status: PASSED' "$log"; then echo PASS
  elif grep -q 'Status: FAILED' "$log"; then echo FAIL
  else echo ERROR; fi
}

# ---------------------------------------------------------------------------
# BitBrick: bf_bitbrick == spec_bitbrick (both encodings), combinational,
# complete (SAT over all 2^6 input combinations symbolically).
bitbrick_check() {  # name biased define expect
  local name=$1 biased=$2 def=$3 expect=$4
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  cat >"$d/run.ys" <<EOF
read_verilog -sv $def $RTL/fu/bf_bitbrick.sv
read_verilog -sv $FORMAL/spec_bitbrick.sv
chparam -set Biased $biased bf_bitbrick spec_bitbrick
prep
miter -equiv -flatten -make_outputs spec_bitbrick bf_bitbrick miter
hierarchy -top miter
sat -verify -prove trigger 0 -show-inputs -show-outputs miter
EOF
  timed "$d/log" 300 yosys -p "script $d/run.ys"
  row "$name" "equiv, complete" comb "$expect" "$(sat_result "$d/log" "$RC")"
}

# ---------------------------------------------------------------------------
# Fusion Unit: bf_fusion_unit == spec_fusion_unit for one precision pair
# (PA, PW), signs and operands free. The miter holds both registered
# designs; the SAT problem has two time steps with the state of step 1 left
# free (no initial values): it proves that after any one clock edge, from
# any state and any inputs (reset included), the two registered outputs are
# equal, i.e. the next-state functions are equal.
# fu_solve DIR NAME KIND EXPECT TIMEOUT: finishes DIR/run.ys (a script that
# ends with the async2sync'ed, optimised miter `miter` as top) with the
# proof and runs it. minisat: Yosys `sat -seq 2 -prove-skip 1` (the state
# of step 1 free). cadical: the same statement as a combinational problem:
# dffunmap + formal/dff_to_wire.v replace each register of both sides by
# a wire from its D input, so the miter's output is 1 exactly when the two
# next-state values (reset mux included) differ for some inputs; the miter
# is written as AIGER, yosys-abc writes its CNF with the output asserted
# (`write_cnf`), and CaDiCaL must answer UNSATISFIABLE (exit 20) for PASS;
# SATISFIABLE (exit 10) is a counterexample, FAIL.
FU_SOLVER=${FORMAL_FU_SOLVER:-}
if [ -z "$FU_SOLVER" ]; then
  if command -v cadical >/dev/null 2>&1 && command -v yosys-abc >/dev/null 2>&1; then FU_SOLVER=cadical; else FU_SOLVER=minisat; fi
fi
fu_solve() {  # dir name kind expect timeout [solver]
  local d=$1 name=$2 kind=$3 expect=$4 tmo=$5 solver=${6:-$FU_SOLVER}
  if [ "$solver" = minisat ]; then
    echo "sat -verify -seq 2 -prove-skip 1 -prove trigger 0 -show-inputs miter" >>"$d/run.ys"
    timed "$d/log" "$tmo" yosys -p "script $d/run.ys"
    row "$name" "$kind" "1 edge" "$expect" "$(sat_result "$d/log" "$RC")"
    return 0
  fi
  cat >>"$d/run.ys" <<EOF
dffunmap
techmap -map $FORMAL/dff_to_wire.v t:\$dff
opt_clean
select -assert-none t:\$dff t:\$adff t:\$sdff t:\$dffe
techmap
opt -fast
aigmap
opt_clean
write_aiger -map $d/miter.map $d/miter.aig
EOF
  ACPU=0; AWALL=0
  aig_cadical "$d" miter "$tmo"
  CPU=$ACPU; WALL=$AWALL
  row "$name" "$kind" "1 edge" "$expect" "$R"
}

# aig_cadical DIR STEM TIMEOUT: runs DIR/run.ys (which ends with
# `write_aiger -map DIR/STEM.map DIR/STEM.aig` of a design with a single
# output, 1 = property violated), turns the AIGER into CNF with the output
# asserted (yosys-abc) and solves it with CaDiCaL. Sets R: PASS
# (UNSATISFIABLE, exit 20), FAIL (SATISFIABLE, exit 10: a counterexample),
# TIMEOUT or ERROR; adds the tools' times to ACPU/AWALL.
aig_cadical() {
  local d=$1 stem=$2 tmo=$3
  timed_acc "$d/log" "$tmo" yosys -p "script $d/run.ys"
  R=ERROR
  if [ "$RC" -eq 124 ]; then R=TIMEOUT
  elif [ "$RC" -eq 0 ] && [ "$(grep -c '^output' "$d/$stem.map")" -eq 1 ]; then
    timed_acc "$d/abc.log" 300 yosys-abc -c "read_aiger $d/$stem.aig; strash; write_cnf $d/$stem.cnf"
    if [ "$RC" -eq 0 ] && [ -s "$d/$stem.cnf" ]; then
      timed_acc "$d/cadical.log" "$tmo" cadical "$d/$stem.cnf"
      case $RC in
        20) grep -q '^s UNSATISFIABLE' "$d/cadical.log" && R=PASS ;;
        10) grep -q '^s SATISFIABLE' "$d/cadical.log" && R=FAIL ;;
        124) R=TIMEOUT ;;
      esac
    fi
  fi
}

fu_check() {  # name pa pw define expect timeout
  local name=$1 pa=$2 pw=$3 def=$4 expect=$5 tmo=$6
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  cat >"$d/run.ys" <<EOF
read_verilog -sv -DBF_NO_ASSERT $def $RTL/fu/bf_bitbrick.sv $RTL/fu/bf_spread.sv $RTL/fu/bf_fu_core.sv $RTL/fu/bf_fusion_unit.sv
read_verilog -sv $FORMAL/spec_fusion_unit.sv
chparam -set PA $pa -set PW $pw fu_mode_gold fu_mode_gate
delete spec_fu_exact spec_fusion_unit
hierarchy -check
proc
flatten
opt
wreduce
opt_clean
miter -equiv -flatten fu_mode_gold fu_mode_gate miter
hierarchy -top miter
async2sync
opt
wreduce
opt_clean
EOF
  # MiniSat: the monolithic miter contains x constants after opt (which
  # `write_aiger` refuses and `sat` reads as 0); the CaDiCaL path is used
  # for the decomposed proofs only, whose miters have none.
  fu_solve "$d" "$name" "equiv next-state" "$expect" "$tmo" minisat
}

# ---------------------------------------------------------------------------
# Fusion Unit, decomposed (docs/verification.md, "Decomposed proof"):
#   RTL == RTL with every bf_bitbrick replaced by spec_bitbrick   (bb.*)
#       == spec_fusion_unit with Digits = 1                       (fu.AxW.dec)
#       == spec_fusion_unit                                       (fu.lane)
# fu_tree_check: the RTL Fusion Unit, its bricks substituted by their
# specification (formal/bitbrick_as_spec.sv), against the specification
# whose lane products are written as sums of 2-bit digit products; both
# sides then compute the same 16 small products (Yosys merges equal cells)
# and the proof is about the routing, the shifts, the bias and the adders.
fu_tree_check() {  # name pa pw fu_core_file spread_file expect timeout
  local name=$1 pa=$2 pw=$3 core=$4 spread=$5 expect=$6 tmo=$7
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  cat >"$d/run.ys" <<EOF
read_verilog -sv -DBF_NO_ASSERT $spread $core $RTL/fu/bf_fusion_unit.sv
read_verilog -sv $FORMAL/spec_bitbrick.sv $FORMAL/bitbrick_as_spec.sv $FORMAL/spec_fusion_unit.sv $FORMAL/fu_digits.sv
chparam -set PA $pa -set PW $pw fu_mode_gold fu_mode_gate
chparam -set Digits 1 fu_mode_gold
delete spec_fu_exact spec_fusion_unit lane_mul_gold lane_mul_gate
hierarchy -check
proc
flatten
opt
wreduce
opt_clean
miter -equiv -flatten fu_mode_gold fu_mode_gate miter
hierarchy -top miter
async2sync
opt -full
wreduce
opt_clean
EOF
  fu_solve "$d" "$name" "equiv next-state (dec.)" "$expect" "$tmo"
}

# fu.AxW.step: the RTL Fusion Unit (its own BitBricks) against the
# behavioural specification by lane induction (formal/fu_lane_step.sv):
# L + 1 combinational lemmas per pair (K = 0 base, K = 1..L one lane each),
# every one of which must be UNSATISFIABLE ("bad_o can be 1" has no
# solution); their telescoping sum is F == spec for every input. The row
# is PASS when all lemmas are, FAIL at the first counterexample (the
# remaining lemmas are not run), TIMEOUT when one lemma runs out of time.
fu_step_check() {  # name pa pw define expect timeout-per-lemma [fu_rtl_files]
  local name=$1 pa=$2 pw=$3 def=$4 expect=$5 tmo=$6
  local fu=${7:-"$RTL/fu/bf_bitbrick.sv $RTL/fu/bf_spread.sv $RTL/fu/bf_fu_core.sv $RTL/fu/bf_fusion_unit.sv"}
  selected "$name" || return 0
  local lanes=$((64 / ((2 << pa) * (2 << pw)))) k r=PASS d
  ACPU=0; AWALL=0
  for k in $(seq 0 "$lanes"); do
    d="$WORK/$name/k$k"; mkdir -p "$d"
    cat >"$d/run.ys" <<EOF
read_verilog -sv -DBF_NO_ASSERT $def $fu
read_verilog -sv $FORMAL/spec_fusion_unit.sv $FORMAL/fu_lane_step.sv
chparam -set PA $pa -set PW $pw -set K $k fu_lane_step
hierarchy -check -top fu_lane_step
proc
flatten
check -assert
async2sync
opt -full
wreduce
opt_clean
dffunmap
techmap -map $FORMAL/dff_to_wire.v t:\$dff
opt_clean
select -assert-none t:\$dff t:\$adff t:\$sdff t:\$dffe
EOF
    if [ "$FU_SOLVER" = minisat ]; then
      echo "sat -verify -prove bad_o 0 -show-inputs" >>"$d/run.ys"
      timed_acc "$d/log" "$tmo" yosys -p "script $d/run.ys"
      r=$(sat_result "$d/log" "$RC")
    else
      cat >>"$d/run.ys" <<EOF
techmap
opt -fast
aigmap
opt_clean
write_aiger -map $d/step.map $d/step.aig
EOF
      aig_cadical "$d" step "$tmo"
      r=$R
    fi
    [ "$r" = PASS ] || break
  done
  CPU=$ACPU; WALL=$AWALL
  row "$name" "lane induction, compl." "$((lanes + 1)) lem" "$expect" "$r"
}

# fu.lane: spec_lane_mul == digit_lane_mul for every lane value, both sign
# controls and all 9 width pairs, by exhaustive enumeration (Icarus).
lane_check() {  # name expect
  local name=$1 expect=$2
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  CPU=0; WALL=0
  if ! command -v iverilog >/dev/null 2>&1; then
    row "$name" "exhaustive (Icarus)" all "$expect" "NO-IVERILOG"; return 0
  fi
  if ! iverilog -g2012 -o "$d/lane.vvp" -s lane_exhaustive_tb "$FORMAL/spec_bitbrick.sv" "$FORMAL/spec_fusion_unit.sv" \
       "$FORMAL/fu_digits.sv" "$FORMAL/lane_exhaustive_tb.sv" >"$d/build.log" 2>&1; then
    row "$name" "exhaustive (Icarus)" all "$expect" ERROR; return 0
  fi
  timed "$d/log" 3600 vvp -n "$d/lane.vvp"
  local r=ERROR
  if [ "$RC" -eq 124 ]; then r=TIMEOUT
  elif grep -q 'LANE PASS' "$d/log"; then r=PASS
  elif grep -q 'LANE FAIL' "$d/log"; then r=FAIL; fi
  row "$name" "exhaustive (Icarus)" "all" "$expect" "$r"
}

# ---------------------------------------------------------------------------
# Sequential properties with yosys-smtbmc + z3. The design is flattened,
# async resets are modelled as synchronous (async2sync: the reset value is
# visible in the cycle the reset is low), and the netlist is mapped to
# single-bit gates (techmap, aigmap): z3 4.8 spends seconds expanding the
# word-level SMT-LIB macros of even a small design, and no time on the
# bit-level ones. PEEKS holds `rename`/`connect` commands that wire the
# wrappers' undriven peek_* signals to the flattened RTL registers.
# CUTS (optional): commands run after proc, before flatten (e.g. `cutpoint
# MODULE`: the module's outputs become free inputs, a sound over-approximation
# for safety properties).
smt_build() {  # dir top rtlfile wrapper chparams peeks [cuts]
  local d=$1 top=$2 rtlfile=$3 wrapper=$4 chp=$5 peeks=$6 cuts=${7:-}
  cat >"$d/build.ys" <<EOF
read_verilog -sv -DBF_NO_ASSERT $rtlfile
read_verilog -formal -sv $FORMAL/$wrapper
$chp
hierarchy -check -top $top
proc
$cuts
flatten
setattr -set keep 1 w:u_dut.*_q w:u_dut.*_q[*]
opt -keepdc
memory_map
opt_clean
cd $top
$peeks
cd ..
async2sync
opt -full
techmap
opt -fast
dffunmap
aigmap
opt_clean
write_smt2 -wires $d/model.smt2
EOF
  yosys -q -p "script $d/build.ys" >"$d/build.log" 2>&1
}

smt_check() {  # name kind depth expect timeout dir smtbmc-args...
  local name=$1 kind=$2 depth=$3 expect=$4 tmo=$5 d=$6; shift 6
  timed "$d/$name.log" "$tmo" yosys-smtbmc --noprogress -s z3 "$@" "$d/model.smt2"
  row "$name" "$kind" "$depth" "$expect" "$(smtbmc_result "$d/$name.log" "$RC")"
}

# rename/connect commands: peek_cmds WIRE ARRAY N WIDTH
peek_cmds() {
  local wire=$1 arr=$2 n=$3 w=$4 l
  for ((l = 0; l < n; l++)); do
    echo "rename u_dut.$arr[$l] ${wire}_$l"
    echo "connect -set $wire[$((l * w + w - 1)):$((l * w))] ${wire}_$l"
  done
}

FIFO_PEEKS="$(peek_cmds peek_mem mem_q 4 4)
connect -set peek_wr u_dut.wr_q
connect -set peek_rd u_dut.rd_q"

fifo_checks() {  # prefix env rtlfile expect bmc_depth induct(0/1)
  local p=$1 env=$2 src=$3 expect=$4 depth=$5 induct=$6
  selected "$p" || return 0
  local d="$WORK/$p"; mkdir -p "$d"
  CPU=0; WALL=0
  if ! smt_build "$d" fifo_props "$src" fifo_props.sv "chparam -set Env $env fifo_props" "$FIFO_PEEKS"; then
    row "$p" build - "$expect" ERROR; cat "$d/build.log"; return 0
  fi
  smt_check "$p.bmc" "BMC from reset" "$depth" "$expect" 900 "$d" -t "$depth"
  if [ "$induct" -eq 1 ]; then
    # k-induction step, k = 2; with the base case above (depth >= k) the
    # properties hold in every reachable state (unbounded).
    smt_check "$p.induct" "k-induction (unbounded)" "k=2" "$expect" 900 "$d" -i -t 2
  fi
}

TILE_AB=${FORMAL_TILE_ADDRBITS:-4}
TILE_PEEKS="$(peek_cmds peek_idx idx_q 3 2)
$(peek_cmds peek_count count_q 3 2)
$(peek_cmds peek_istr istr_q 3 $TILE_AB)
$(peek_cmds peek_wstr wstr_q 3 $TILE_AB)
$(peek_cmds peek_ostr ostr_q 3 $TILE_AB)
connect -set peek_active u_dut.active_q
connect -set peek_n_red u_dut.n_red_q
$(peek_cmds peek_ia ia_q 3 $TILE_AB)
$(peek_cmds peek_wa wa_q 3 $TILE_AB)
$(peek_cmds peek_oa oa_q 3 $TILE_AB)"

tile_checks() {  # name rtlfile expect depth timeout
  local name=$1 src=$2 expect=$3 depth=$4 tmo=$5
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  CPU=0; WALL=0
  if ! smt_build "$d" tile_engine_props "$src" tile_engine_props.sv "chparam -set AddrBits $TILE_AB tile_engine_props" "$TILE_PEEKS"; then
    row "$name" build - "$expect" ERROR; cat "$d/build.log"; return 0
  fi
  if [[ $name == *.ind ]]; then  # the inductive step (the BMC from reset, tile.bmc, is the base case)
    smt_check "$name" "k-induction (unbounded)" "k=$depth" "$expect" "$tmo" "$d" -i -t "$depth"
  else
    smt_check "$name" "BMC from reset" "$depth" "$expect" "$tmo" "$d" -t "$depth"
  fi
}

# ---------------------------------------------------------------------------
# The checks.
MUT="$WORK/mutants"; mkdir -p "$MUT"

bitbrick_check bb.signed  0 "" PASS
bitbrick_check bb.biased  1 "" PASS
bitbrick_check bb.signed.mutant 0 -DBF_MUTANT FAIL
bitbrick_check bb.biased.mutant 1 -DBF_MUTANT FAIL

# Fusion Unit, the 9 legal precision pairs (codes 0/1/2 = 2/4/8 bits):
# 8x8 by the decomposed proof (fu.lane once, fu.8x8.dec) in the full run,
# the other eight by lane induction (fu.AxW.step, below); the decomposed
# proof of the other pairs only with FORMAL_FU_DEC_ALL=1 (2x2 and 2x4 do
# not finish in 2 hours), the monolithic miter (fu.AxW) only with
# FORMAL_FU_MONOLITHIC=1.
if [ $QUICK -eq 0 ]; then
  lane_check fu.lane PASS
  for pa in 0 1 2; do
    for pw in 0 1 2; do
      if [ "$pa$pw" = 22 ] || [ "${FORMAL_FU_DEC_ALL:-0}" = 1 ]; then
        fu_tree_check "fu.$((2 << pa))x$((2 << pw)).dec" $pa $pw "$RTL/fu/bf_fu_core.sv" "$RTL/fu/bf_spread.sv" PASS "${FORMAL_FU_TIMEOUT:-7200}"
      fi
      if [ "${FORMAL_FU_MONOLITHIC:-0}" = 1 ]; then
        fu_check "fu.$((2 << pa))x$((2 << pw))" $pa $pw "" PASS "${FORMAL_FU_TIMEOUT:-7200}"
      fi
    done
  done
  # Mutants of the decomposed proof's middle step: a wrong shift in the
  # tree (bf_fu_core), weight digits 1 and 2 swapped in the routing (bf_spread).
  if mutate "$RTL/fu/bf_fu_core.sv" "$MUT/bf_fu_core_1.sv" \
      's/assign hi1   = a_ge4 ? {prod\[3\]\[3:0\], 2.b0} : prod\[3\];/assign hi1   = a_ge4 ? {prod[3][4:0], 1'"'"'b0} : prod[3];/'; then
    fu_tree_check fu.8x8.dec.mut.shift 2 2 "$MUT/bf_fu_core_1.sv" "$RTL/fu/bf_spread.sv" FAIL 1800
  else FAILS=$((FAILS + 1)); fi
  if mutate "$RTL/fu/bf_spread.sv" "$MUT/bf_spread_1.sv" \
      's/je = ((pw >= 1) ? ((n >> 1) \& 1) : 0) | ((pw == 2) ? (((n >> 3) \& 1) << 1) : 0);/je = ((pw >= 1) ? ((n >> 3) \& 1) : 0) | ((pw == 2) ? (((n >> 1) \& 1) << 1) : 0);/'; then
    fu_tree_check fu.8x8.dec.mut.route 2 2 "$RTL/fu/bf_fu_core.sv" "$MUT/bf_spread_1.sv" FAIL 1800
  else FAILS=$((FAILS + 1)); fi
fi
# Lane induction (formal/fu_lane_step.sv): the RTL with its own bricks
# against spec_fusion_unit directly, for the 8 multi-lane pairs (8x8 has
# one lane: the decomposed proof above covers it). The quick run proves
# 4x4 (5 lemmas, about 14 s) and runs the mutants: the BF_MUTANT brick
# at 2x2, a wrong tree shift at 4x4, a port bit above the lanes read at 2x4.
for pp in "0 0" "0 1" "1 0" "1 1" "0 2" "2 0" "1 2" "2 1"; do
  set -- $pp
  if [ $QUICK -eq 1 ] && [ "$pp" != "1 1" ]; then continue; fi
  fu_step_check "fu.$((2 << $1))x$((2 << $2)).step" "$1" "$2" "" PASS "${FORMAL_FU_TIMEOUT:-7200}"
done
fu_step_check fu.2x2.step.mutant 0 0 -DBF_MUTANT FAIL 1800
if mutate "$RTL/fu/bf_fu_core.sv" "$MUT/bf_fu_core_step.sv" \
    's/assign hi1   = a_ge4 ? {prod\[3\]\[3:0\], 2.b0} : prod\[3\];/assign hi1   = a_ge4 ? {prod[3][4:0], 1'"'"'b0} : prod[3];/'; then
  fu_step_check fu.4x4.step.mut.shift 1 1 "" FAIL 1800 \
    "$RTL/fu/bf_bitbrick.sv $RTL/fu/bf_spread.sv $MUT/bf_fu_core_step.sv $RTL/fu/bf_fusion_unit.sv"
else FAILS=$((FAILS + 1)); fi
# A Fusion Unit that reads a port bit above the lanes (bit 31 at 2x4, where
# the 8 lanes use bits 0..15): the base lemma must catch it.
if mutate "$RTL/fu/bf_fusion_unit.sv" "$MUT/bf_fusion_unit_high.sv" \
    's/    .dense_i (act_i), .prec_a_i (prec_a_i)/    .dense_i (act_i[31] ? 32'"'"'h1 : act_i), .prec_a_i (prec_a_i)/'; then
  fu_step_check fu.2x4.step.mut.high 0 1 "" FAIL 1800 \
    "$RTL/fu/bf_bitbrick.sv $RTL/fu/bf_spread.sv $RTL/fu/bf_fu_core.sv $MUT/bf_fusion_unit_high.sv"
else FAILS=$((FAILS + 1)); fi
# The BF_MUTANT brick (one product bit of one unsigned case) must make the
# Fusion Unit proof fail: in every mode some brick sees unsigned slices.
# The 8x8 counterexample takes ~3 s CPU, the 2x2 one ~15 s (full run only).
if [ $QUICK -eq 1 ]; then FU_MUTANTS=("2 2"); else FU_MUTANTS=("2 2" "0 0"); fi
for m in "${FU_MUTANTS[@]}"; do
  set -- $m
  fu_check "fu.$((2 << $1))x$((2 << $2)).mutant" "$1" "$2" -DBF_MUTANT FAIL 1800
done

# FIFO (Depth 4, Width 4).
fifo_checks fifo.free 0 "$RTL/common/bf_fifo.sv" PASS 20 1
fifo_checks fifo.env  1 "$RTL/common/bf_fifo.sv" PASS 20 1
i=0
while IFS='|' read -r tag expr; do
  [ -z "$tag" ] && continue
  i=$((i + 1))
  mutate "$RTL/common/bf_fifo.sv" "$MUT/bf_fifo_$i.sv" "$expr" || { FAILS=$((FAILS + 1)); continue; }
  fifo_checks "fifo.mut.$tag" 0 "$MUT/bf_fifo_$i.sv" FAIL 12 0
done <<'EOF'
full_off_by_one|s/assign full_o  = usage_o == (Aw+1)'(Depth);/assign full_o  = usage_o == (Aw+1)'(Depth - 1);/
flush_keeps|s/      rd_d = wr_q;/      rd_d = rd_q;/
pop_when_empty|s/assign do_pop  = pop_i \&\& !empty_o \&\& !flush_i;/assign do_pop  = pop_i \&\& !flush_i;/
EOF

# Tile engine (Loops 3, AddrBits 8, CountBits 2).
if [ $QUICK -eq 1 ]; then TDEPTH=12; else TDEPTH=24; fi
tile_checks tile.bmc "$RTL/array/bf_tile_engine.sv" PASS "$TDEPTH" 7200
# Unbounded: k-induction with k = 4 (<= the BMC depth above, its base case)
# over the invariants of formal/tile_engine_props.sv.
tile_checks tile.ind "$RTL/array/bf_tile_engine.sv" PASS 4 1800
i=0
while IFS='|' read -r tag expr; do
  [ -z "$tag" ] && continue
  i=$((i + 1))
  mutate "$RTL/array/bf_tile_engine.sv" "$MUT/bf_tile_engine_$i.sv" "$expr" || { FAILS=$((FAILS + 1)); continue; }
  tile_checks "tile.mut.$tag" "$MUT/bf_tile_engine_$i.sv" FAIL 10 900
done <<'EOF'
stride_wrong_level|s/ni = ia_q\[l\] + istr_q\[l\];/ni = ia_q[l] + istr_q[Loops-1];/
ready_bubble|s/assign cmd_ready_o = ~active_q | tile_last;/assign cmd_ready_o = ~active_q;/
red_level_off_by_one|s/assign is_red\[l\]   = 32'(l) >= 32'(Loops) - 32'(n_red_q);/assign is_red[l]   = 32'(l) > 32'(Loops) - 32'(n_red_q);/
EOF

# Load unit memory port (request side, credits, responses): BMC from reset.
# Opt-in (FORMAL_LOAD=1) until it has been run to the end once: the
# flattened unit is large for z3 (docs/verification.md, "Open").
LOAD_PEEKS="connect -set peek_meta u_dut.meta_used
connect -set peek_beat u_dut.beat_used
connect -set peek_beat_full u_dut.beat_full"
LOAD_RTL="$RTL/bf_pkg.sv $RTL/common/bf_fifo.sv $RTL/common/bf_sram.sv $RTL/common/bf_sram_fifo.sv $RTL/ctrl/bf_ctrl_divw.sv $RTL/ctrl/bf_ctrl_dims.sv"
LOAD_DEPTH=${FORMAL_LOAD_DEPTH:-20}
# port_checks NAME TOP RTLFILES PEEKS EXTRA EXPECT DEPTH TIMEOUT: the BMC from
# reset of a controller unit's property wrapper formal/TOP.sv (load and store
# units); EXTRA: Yosys commands between proc and flatten (e.g. a cutpoint).
port_checks() {
  local name=$1 top=$2 rtl=$3 peeks=$4 extra=$5 expect=$6 depth=$7 tmo=$8 chp=${9:-}
  selected "$name" || return 0
  local d="$WORK/$name"; mkdir -p "$d"
  CPU=0; WALL=0
  if ! smt_build "$d" "$top" "$rtl" "$top.sv" "$chp" "$peeks" "$extra"; then
    row "$name" build - "$expect" ERROR; cat "$d/build.log"; return 0
  fi
  if [[ $name == *.ind ]]; then  # the inductive step; the matching .bmc check is its base case
    smt_check "$name" "k-induction (unbounded)" "k=$depth" "$expect" "$tmo" "$d" -i -t "$depth"
  else
    smt_check "$name" "BMC from reset" "$depth" "$expect" "$tmo" "$d" -t "$depth"
  fi
}
load_checks() {  # name load_rtlfile expect depth timeout
  port_checks "$1" load_port_props "$LOAD_RTL $2" "$LOAD_PEEKS" "" "$3" "$4" "$5"
}
if [ $QUICK -eq 0 ] && [ "${FORMAL_LOAD:-1}" = 1 ]; then
  load_checks load.port "$RTL/ctrl/bf_ctrl_load.sv" PASS "$LOAD_DEPTH" 7200
  i=0
  while IFS='|' read -r tag expr; do
    [ -z "$tag" ] && continue
    i=$((i + 1))
    mutate "$RTL/ctrl/bf_ctrl_load.sv" "$MUT/bf_ctrl_load_$i.sv" "$expr" || { FAILS=$((FAILS + 1)); continue; }
    load_checks "load.mut.$tag" "$MUT/bf_ctrl_load_$i.sv" FAIL 12 3600
  done <<'EOF'
credit_off_by_one|s/assign credit = !meta_full;/assign credit = meta_used <= (Pw+1)'(Depth);/
valid_waits_for_ready|s/assign mem_req_valid_o = walk_q \&\& !abort_i/assign mem_req_valid_o = !mem_req_ready_i \&\& walk_q \&\& !abort_i/
addr_moves|s/assign mem_req_addr_o  = cur_beat;/assign mem_req_addr_o  = cur_beat + 32'(!mem_req_ready_i);/
EOF
fi

# Store unit memory port (write request held until accepted) and read FIFO
# (no overflow / underflow, beat assembly): BMC from reset. The write-back
# lanes (bf_ctrl_wb, multipliers) are cut: their outputs are free values
# every cycle. Depth 20 takes about 40 min of CPU (step 19 alone about
# 45 min of wall beside other work); FORMAL_STORE=0 skips it (CI does).
STORE_PEEKS="connect -set peek_push u_dut.push
connect -set peek_pop u_dut.pop
connect -set peek_full u_dut.fifo_full
connect -set peek_used u_dut.fifo_used
connect -set peek_f_beat u_dut.h_beat
connect -set peek_f_bbeat u_dut.bbeat_q
connect -set peek_f_pos u_dut.h_pos
connect -set peek_f_nw u_dut.h_nw
connect -set peek_f_bstrb u_dut.bstrb_q
connect -set peek_tv u_dut.t_valid_q
connect -set peek_tp0 u_dut.tag_pipe_q[0][45]
connect -set peek_tp1 u_dut.tag_pipe_q[1][45]
connect -set peek_tp2 u_dut.tag_pipe_q[2][45]
connect -set peek_tp3 u_dut.tag_pipe_q[3][45]
connect -set peek_tp4 u_dut.tag_pipe_q[4][45]
connect -set peek_tp5 u_dut.tag_pipe_q[5][45]"
STORE_RTL="$RTL/bf_pkg.sv $RTL/common/bf_fifo.sv $RTL/ctrl/bf_ctrl_divw.sv $RTL/ctrl/bf_ctrl_dims.sv $RTL/ctrl/bf_ctrl_wb.sv"
STORE_DEPTH=${FORMAL_STORE_DEPTH:-20}
store_checks() {  # name store_rtlfile expect depth timeout
  port_checks "$1" store_port_props "$STORE_RTL $2" "$STORE_PEEKS" "cutpoint bf_ctrl_wb" "$3" "$4" "$5"
}
if [ $QUICK -eq 0 ] && [ "${FORMAL_STORE:-1}" = 1 ]; then
  store_checks store.port "$RTL/ctrl/bf_ctrl_store.sv" PASS "$STORE_DEPTH" 7200
  i=0
  while IFS='|' read -r tag depth expr; do
    [ -z "$tag" ] && continue
    i=$((i + 1))
    mutate "$RTL/ctrl/bf_ctrl_store.sv" "$MUT/bf_ctrl_store_$i.sv" "$expr" || { FAILS=$((FAILS + 1)); continue; }
    store_checks "store.mut.$tag" "$MUT/bf_ctrl_store_$i.sv" FAIL "$depth" 3600
  done <<'EOF'
pop_when_empty|6|s/assign pop   = !abort_i \&\& !fifo_empty \&\& /assign pop   = !abort_i \&\& /
pop_while_stalled|18|s/assign ofree = !send_q || mem_req_ready_i;/assign ofree = 1'b1;/
fifo_too_small|18|s/bf_fifo #(.Depth (FD), .Width (FW)) u_words/bf_fifo #(.Depth (2), .Width (FW)) u_words/
EOF
fi

# Store unit read FIFO, unbounded (docs/verification.md, "Store unit"):
# the wrapper with FifoOnly = 1 keeps the read-FIFO properties and the
# helper invariant fifo_room_inv (FIFO entries + reads in the read /
# write-back pipeline <= 16); BMC from reset (base case) + k-induction.
# Mutant: a room check that ignores the reads in flight; its induction
# step must fail.
STORE_FIFO_K=${FORMAL_STORE_FIFO_K:-2}
store_fifo_checks() {  # name store_rtlfile expect depth timeout
  # Without the beat-assembly properties, the peek_f_* signals are
  # unused and removed before the peeks are connected: not peeked.
  port_checks "$1" store_port_props "$STORE_RTL $2" "$(grep -v 'peek_f_' <<<"$STORE_PEEKS")" "cutpoint bf_ctrl_wb" \
    "$3" "$4" "$5" "chparam -set FifoOnly 1 store_port_props"
}
if [ $QUICK -eq 0 ]; then
  store_fifo_checks store.fifo.bmc "$RTL/ctrl/bf_ctrl_store.sv" PASS "$((STORE_FIFO_K + 1))" 3600
  store_fifo_checks store.fifo.ind "$RTL/ctrl/bf_ctrl_store.sv" PASS "$STORE_FIFO_K" 3600
  if mutate "$RTL/ctrl/bf_ctrl_store.sv" "$MUT/bf_ctrl_store_room.sv" \
      "s/assign room        = 32'(fifo_used) + InFlight <= FD;/assign room        = 32'(fifo_used) < FD;/"; then
    store_fifo_checks store.fifo.mut.room.ind "$MUT/bf_ctrl_store_room.sv" FAIL "$STORE_FIFO_K" 3600
  else FAILS=$((FAILS + 1)); fi
fi

echo
if [ $FAILS -ne 0 ]; then
  echo "formal: $FAILS unexpected result(s)"
  exit 1
fi
echo "formal: every proof passed and every mutant failed"
