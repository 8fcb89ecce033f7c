// The timing model of bf_top (controller + array) running a compiled
// block: what the compiler ranks its candidate programs by, and what the
// rtl-mode performance model (model/rtl_model.hpp) reports.
//
// The model walks the block step by step the way bf_top runs it
// (docs/controller.md): instruction fetch through the memory port, the
// sequencer's per-step states, one load at a time in the load unit
// (requests, DRAM latency, response FIFO credits, gearbox), the IBUF/WBUF
// half hazards on tile-command counts, the step queue, the tile commands
// streaming into the array (S steps each, done S + N + M + 5 cycles after
// acceptance), the store unit waiting for its commands and then writing
// back through the OBUF drain port, and the memory port shared by loads
// and stores. It is event-level: each load, tile command and store is one
// event with a closed-form duration; nothing is simulated per cycle.
// docs/perf-model.md ("rtl mode") lists what is approximated and the
// measured error against the RTL (tests/ctrl PerfRtl: within 2 %).
#pragma once
#include <cstdint>

#include "golden/compiler.hpp"

namespace bf {

struct TimingStats {
  uint64_t cycles = 0;                // predicted device cycles, start to done
  uint64_t fetch_cycles = 0;          // instruction fetch and decode before the block runs
  uint64_t array_steps = 0;           // tile-engine steps (= CompiledLayer::expect_array_cycles)
  uint64_t tile_cmds = 0, steps = 0;  // tile commands; controller steps (tile-loop iterations)
  uint64_t loads = 0, stores = 0;
  uint64_t read_beats = 0, write_beats = 0, fetch_beats = 0;  // memory-port beats (read_beats excludes fetch)
  uint64_t read_bytes = 0, write_bytes = 0;                   // payload bytes (words moved x 4)
  // Buffer bank accesses in bits (32-bit bank words; see docs/perf-model.md).
  uint64_t ibuf_rd = 0, ibuf_wr = 0, wbuf_rd = 0, wbuf_wr = 0, obuf_rd = 0, obuf_wr = 0;
  uint64_t dram_rd_bits = 0, dram_wr_bits = 0;  // beats on the port x beat width (fetch included)
  // TimingOptions::stop_above: the walk stopped once the cycles were sure
  // to exceed it; `cycles` is then only a lower bound (and > stop_above),
  // and the other counts are partial.
  bool stopped = false;
};

// Options of the timing model (the defaults are the RTL's).
struct TimingOptions {
  int dram_latency = -1;  // -1: the configuration's dram_latency
  int rsp_depth = -1;     // -1: the configuration's rsp_depth (bf_top RspDepth, beats)
  // The sequencer's load-slot order (bf_ctrl_seq wfirst_q): the wbuf slot
  // goes first when the IBUF half is still read and the WBUF half is free.
  // false: always ibuf, wbuf, bias (the controller before it; for tests
  // that show the RTL takes the reordered timing).
  bool wbuf_first = true;
  // Memoize the per-step sums of a load's or store's runs by the key they
  // depend on (golden/timing.cpp RunMemo). false: walk every run at every
  // step (the direct form, which the memo must equal; for the test).
  bool memo_runs = true;
  // > 0: stop the walk as soon as the cycles are sure to exceed this (the
  // compiler's search: a candidate that cannot win need not be timed to
  // its end). 0: walk the whole block.
  uint64_t stop_above = 0;
};

// Predicts the device's run of a compiled layer (CompiledLayer::program()
// as tb/ctrl's run_device runs it). Throws std::runtime_error on a block
// without block-end.
TimingStats predict_timing(const CompiledLayer& c, const TimingOptions& opt = {});

}  // namespace bf
