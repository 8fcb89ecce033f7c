// The controller's assertions fire (docs/verification-rtl.md): bf_top for
// bf2x2 built with BF_MUTANT_CTRL (tb/ctrl/CMakeLists.txt), where the
// plusarg +bf_mutant=N breaks one property in the RTL; each run must stop
// with res.assertion and the assertion's own message on standard output.
// +bf_mutant=0 (no defect) runs clean and bit-exact, so the assertions are
// quiet on a correct design and the mutant model is otherwise the real one.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>
#include <string>

#include "Vbf_top_bf2x2_mutant.h"
#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/isa.hpp"
#include "golden/machine.hpp"
#include "tb/ctrl/device_impl.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;

namespace {

struct MutRun {
  tb::DeviceResult r;
  std::string out;  // the model's standard output (the $error lines)
  bool bit_exact = false;
};

// One conv layer with several IBUF/WBUF tiles on the mutant model.
LayerDesc small_layer() {
  LayerDesc l = make_conv(1, 6, 5, 6, 6, 3, 1, 1);
  l.act = {4, false};
  l.wgt = {4, true};
  return l;
}

MutRun run_mutant(int mutant, const LayerDesc& l, const std::function<void(tb::DeviceOptions&)>& tweak = {},
                  const CompileOptions& copt = {}) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::mt19937 rng(uint32_t(100 + mutant));
  const CompiledLayer c = compile(l, cfg, copt);
  const auto in = test_util::random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
  const auto w = test_util::random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt);
  std::vector<uint32_t> img(c.dram_words, 0u);
  put_input(c, in, img);
  put_weights(c, w, img);
  tb::DeviceOptions opt;
  opt.watchdog = 2'000'000;
  opt.plusargs = {"+bf_mutant=" + std::to_string(mutant)};
  if (tweak) tweak(opt);
  MutRun run;
  ::testing::internal::CaptureStdout();
  run.r = tb::detail::run_model<Vbf_top_bf2x2_mutant>(cfg, c.program(), img, opt);
  std::fflush(stdout);
  run.out = ::testing::internal::GetCapturedStdout();
  run.bit_exact = run.r.ok() && get_output(c, img) == test_util::direct_conv(l, in, w, {});
  return run;
}

void expect_fires(const MutRun& run, const std::string& what) {
  EXPECT_TRUE(run.r.assertion) << "no assertion; status " << run.r.status << " " << run.r.message;
  EXPECT_NE(run.out.find(what), std::string::npos) << "expected \"" << what << "\" in:\n" << run.out;
  EXPECT_NE(run.out.find("%Error"), std::string::npos) << run.out;
}

TEST(CtrlMutant, NoDefectRunsCleanUnderStress) {
  for (uint64_t seed : {1, 2}) {
    const MutRun run =
        run_mutant(0, small_layer(), [&](tb::DeviceOptions& o) { o.dram_stress = {true, seed, 20, 25, 6, 5, 8}; });
    EXPECT_TRUE(run.bit_exact) << run.r.message << "\n" << run.out;
    EXPECT_FALSE(run.r.assertion) << run.out;
    EXPECT_EQ(run.out.find("%Error"), std::string::npos) << run.out;
    EXPECT_GT(run.r.stall_cycles, 0u);
  }
}

// 1: the request address changes while the request waits (back-pressure).
TEST(CtrlMutant, RequestStability) {
  const MutRun run =
      run_mutant(1, small_layer(), [](tb::DeviceOptions& o) { o.dram_stress = {true, 7, 0, 30, 4, 0, 1}; });
  expect_fires(run, "bf_top: memory request changed before it was accepted");
}

// 2: the state machine enters an unused state code.
TEST(CtrlMutant, LegalState) { expect_fires(run_mutant(2, small_layer()), "bf_ctrl_seq: illegal state code 13"); }

// 3: an illegal opcode (11) passes the decoder silently (directed program).
TEST(CtrlMutant, IllegalOpcodeReported) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::vector<uint32_t> prog = isa::assemble("setup a=s8 w=s8 out=raw bias=0");
  prog.push_back(0xb0000000u);
  for (uint32_t v : isa::assemble("block-end last")) prog.push_back(v);
  for (int mutant : {0, 3}) {
    std::vector<uint32_t> dram(256, 0u);
    tb::DeviceOptions opt;
    opt.watchdog = 5000;
    opt.plusargs = {"+bf_mutant=" + std::to_string(mutant)};
    ::testing::internal::CaptureStdout();
    const tb::DeviceResult r = tb::detail::run_model<Vbf_top_bf2x2_mutant>(cfg, prog, dram, opt);
    std::fflush(stdout);
    const std::string out = ::testing::internal::GetCapturedStdout();
    if (mutant == 0) {  // the real decoder: status 1 at pc 1, no assertion
      EXPECT_FALSE(r.assertion) << out;
      EXPECT_EQ(r.status, 1);
      EXPECT_EQ(r.pc, 1u);
    } else {
      expect_fires({r, out, false}, "bf_ctrl_seq: illegal opcode 11 at pc 1 not reported");
    }
  }
}

// 4: load rows one whole buffer too high.
TEST(CtrlMutant, LoadBufferAddressInRange) {
  expect_fires(run_mutant(4, small_layer()), "bf_ctrl_load: buffer write row");
}

// 5: tile commands read IBUF half 1 whatever their step's half.
TEST(CtrlMutant, TileCommandInItsHalf) {
  expect_fires(run_mutant(5, small_layer()), "bf_ctrl_issue: tile command reads buffer 0");
}

// 6: loads ignore the half-free flags: a load overwrites a half that tile
// commands still read. It needs the sequencer to dispatch step k's load
// while step k-2's tile commands (same half) still run. A step with a store
// waits for the store unit, whose store waits for the step's tiles, so the
// steps must be reduction steps without stores: a 3x3 conv tiled by kernel
// row (tkh 1: three reduction steps per output tile), long tiles (8 oc
// groups of 2 channels, 2 output rows) and small loads (2 input channels,
// one kernel row), memory latency 1. Without the defect the same run is
// clean and bit-exact (the loads wait for the free flags).
TEST(CtrlMutant, NoLoadIntoAHalfBeingRead) {
  LayerDesc l = make_conv(1, 2, 32, 8, 8, 3, 1, 1);
  l.act = {8, true};
  l.wgt = {8, true};
  CompileOptions copt;
  copt.toh = 2;
  copt.groups = 8;
  copt.tkh = 1;
  const auto fast = [](tb::DeviceOptions& o) { o.dram_latency = 1; };
  const MutRun clean = run_mutant(0, l, fast, copt);
  EXPECT_TRUE(clean.bit_exact) << clean.r.message << "\n" << clean.out;
  EXPECT_FALSE(clean.r.assertion) << clean.out;
  expect_fires(run_mutant(6, l, fast, copt), "while a tile command read");
}

// 7: read requests beyond the credits: the response FIFO overflows when
// the memory is slower than the FIFO is deep (bf2x2: 64 beats) and a
// step's loads (IBUF, then WBUF while the IBUF beats are still on their
// way) need more beats than that.
TEST(CtrlMutant, ResponseFifoNeverOverflows) {
  LayerDesc l = make_conv(1, 16, 16, 6, 6, 3, 1, 1);
  l.act = {8, true};
  l.wgt = {8, true};
  const MutRun run = run_mutant(7, l, [](tb::DeviceOptions& o) { o.dram_latency = 400; });
  expect_fires(run, "bf_ctrl_load: read request without a credit");
}

// 8: tile commands do not wait for their step's loads to land (the step
// queue's load need is ignored). The sequencer queues a step while its
// loads land, so its first command then reads a half the load unit is still
// writing; bf_top sees the write while the reader is in flight. Memory
// latency 1, so the loads' writes start while the first command runs.
// Without the defect the same run is clean and bit-exact.
TEST(CtrlMutant, CommandsWaitForTheirLoads) {
  const auto fast = [](tb::DeviceOptions& o) { o.dram_latency = 1; };
  const MutRun clean = run_mutant(0, small_layer(), fast);
  EXPECT_TRUE(clean.bit_exact) << clean.r.message << "\n" << clean.out;
  EXPECT_FALSE(clean.r.assertion) << clean.out;
  const MutRun run = run_mutant(8, small_layer(), fast);
  expect_fires(run, "which reads it, is in flight");
  EXPECT_FALSE(run.bit_exact);
}

// The layer of mutants 9 and 10: a small conv forced into the whole OBUF
// (setup whole=o) with several output tiles of two output rows each,
// memory latency 1.
LayerDesc whole_obuf_layer() {
  LayerDesc l = make_conv(1, 4, 4, 8, 8, 3, 1, 1);
  l.act = {8, true};
  l.wgt = {8, true};
  return l;
}
CompileOptions whole_obuf_options() {
  CompileOptions copt;
  copt.toh = 2;
  copt.owhole = 1;
  return copt;
}
MutRun run_whole_obuf(int mutant) {
  return run_mutant(
      mutant, whole_obuf_layer(), [](tb::DeviceOptions& o) { o.dram_latency = 1; }, whole_obuf_options());
}

// 9: an output tile's commands (and its bias load) do not wait for the
// previous output tile's store: the first command overwrites OBUF rows the
// store has yet to read. Without the defect the same run is clean and
// bit-exact.
TEST(CtrlMutant, WholeObufWaitsForTheStore) {
  ASSERT_NE(compile(whole_obuf_layer(), load_config("bf2x2"), whole_obuf_options()).listing().find("whole=o"),
            std::string::npos);
  const MutRun clean = run_whole_obuf(0);
  EXPECT_TRUE(clean.bit_exact) << clean.r.message << "\n" << clean.out;
  EXPECT_FALSE(clean.r.assertion) << clean.out;
  const MutRun run = run_whole_obuf(9);
  expect_fires(run, "tile command before the store of its OBUF rows' previous output tile finished");
  EXPECT_FALSE(run.bit_exact);
}

// 10: a store counts as finished when it is handed over (the sequencer's
// store count is wrong, so bf_ctrl_issue's own check, which reads the same
// counts, stays quiet): bf_top sees, from the store unit's side, a tile
// command of the next output tile in flight while the store reads the
// whole OBUF.
TEST(CtrlMutant, WholeObufStoreCountChecked) {
  const MutRun run = run_whole_obuf(10);
  expect_fires(run, "bf_top: tile command in flight while a store reads the whole OBUF");
  EXPECT_EQ(run.out.find("bf_ctrl_issue"), std::string::npos) << run.out;
}

// The layer of the half-OBUF store mutants: a 2-bit 1x1 conv with raw
// 32-bit outputs, one output row per tile (eight tiles): each tile's store
// takes several times the next tile's compute, so the sequencer hands each
// store to the pending slot and runs ahead into the next output tile.
LayerDesc half_obuf_layer() {
  LayerDesc l = make_conv(1, 4, 8, 8, 8, 1, 1, 0);
  l.act = {2, true};
  l.wgt = {2, true};
  return l;
}
MutRun run_half_obuf(int mutant) {
  CompileOptions copt;
  copt.toh = 1;
  copt.owhole = 0;
  return run_mutant(
      mutant, half_obuf_layer(), [](tb::DeviceOptions& o) { o.dram_latency = 1; }, copt);
}

// 9 with OBUF halves: an output tile's commands (and its bias load) do not
// wait for the store two tiles back, the last reader of their half, which
// the pending slot lets the sequencer run ahead of.
TEST(CtrlMutant, ObufHalfWaitsForTheStoreTwoTilesBack) {
  const MutRun clean = run_half_obuf(0);
  EXPECT_TRUE(clean.bit_exact) << clean.r.message << "\n" << clean.out;
  EXPECT_FALSE(clean.r.assertion) << clean.out;
  const MutRun run = run_half_obuf(9);
  expect_fires(run, "tile command before the store of its OBUF rows' previous output tile finished");
  EXPECT_FALSE(run.bit_exact);
}

// 10 with OBUF halves: the store count is wrong (bf_ctrl_issue stays quiet);
// bf_top sees a command into the half a store reads. Without the pending
// slot (the sequencer waiting for each store) this could not happen.
TEST(CtrlMutant, ObufHalfStoreCountChecked) {
  const MutRun run = run_half_obuf(10);
  expect_fires(run, "bf_top: tile command into OBUF half");
  EXPECT_EQ(run.out.find("bf_ctrl_issue"), std::string::npos) << run.out;
}

}  // namespace
