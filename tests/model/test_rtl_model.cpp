// The rtl mode's exact counts against the functional machine (bf::Machine
// runs the same compiled program): controller steps, tile commands, array
// steps, payload bytes and memory-port beats. No RTL needed; the cycle
// counts are checked against the RTL in tests/ctrl/test_perf_rtl.cpp.
#include <gtest/gtest.h>

#include <random>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/machine.hpp"
#include "golden/timing.hpp"
#include "model/network.hpp"
#include "model/rtl_model.hpp"

using namespace bf;

namespace {

void check_counts(const CompiledLayer& c) {
  SCOPED_TRACE(c.layer.name + " on " + c.cfg.name + ": " + c.summary());
  Machine m(c.cfg, c.dram_words);  // zero data: the counts do not depend on it
  const MachineResult r = m.run(c.program());
  ASSERT_TRUE(r.ok()) << r.message;
  const model::RtlLayerStats s = model::rtl_layer_stats(c);
  EXPECT_EQ(s.steps, r.stats.steps);
  EXPECT_EQ(s.tile_cmds, r.stats.tile_cmds);
  EXPECT_EQ(s.array_steps, r.stats.array_cycles);
  EXPECT_EQ(s.array_steps, c.expect_array_cycles);
  EXPECT_EQ(s.read_bytes, r.stats.dram_read_bytes);
  EXPECT_EQ(s.write_bytes, r.stats.dram_write_bytes);
  EXPECT_EQ(s.read_beats, r.stats.dram_read_beats);
  EXPECT_EQ(s.write_beats, r.stats.dram_write_beats);
  // The device cannot be faster than its array or its memory port.
  EXPECT_GE(s.cycles, s.array_steps);
  EXPECT_GE(s.cycles, s.read_beats + s.write_beats + s.fetch_beats);
  // The timing model's memo of the per-step run sums equals walking every
  // run at every step.
  TimingOptions direct;
  direct.memo_runs = false;
  const TimingStats d = predict_timing(c, direct);
  EXPECT_EQ(s.cycles, d.cycles);
  EXPECT_EQ(s.fetch_cycles, d.fetch_cycles);
  EXPECT_EQ(s.array_steps, d.array_steps);
  EXPECT_EQ(s.steps, d.steps);
  EXPECT_EQ(s.tile_cmds, d.tile_cmds);
  EXPECT_EQ(s.loads, d.loads);
  EXPECT_EQ(s.stores, d.stores);
  EXPECT_EQ(s.read_beats, d.read_beats);
  EXPECT_EQ(s.write_beats, d.write_beats);
  EXPECT_EQ(s.read_bytes, d.read_bytes);
  EXPECT_EQ(s.write_bytes, d.write_bytes);
  EXPECT_EQ(s.ibuf_wr, d.ibuf_wr);
  EXPECT_EQ(s.wbuf_wr, d.wbuf_wr);
  EXPECT_EQ(s.obuf_rd, d.obuf_rd);
  EXPECT_EQ(s.obuf_wr, d.obuf_wr);
  // The compiler's early stop (TimingOptions::stop_above): at the full
  // count the walk runs to its end; below it, a stopped walk reports a
  // lower bound above the limit and not above the full count, and a walk
  // that did not stop reports the full count.
  TimingOptions at;
  at.stop_above = s.cycles;
  const TimingStats full = predict_timing(c, at);
  EXPECT_FALSE(full.stopped);
  EXPECT_EQ(full.cycles, s.cycles);
  for (uint64_t limit : {s.cycles / 2, s.cycles - 1}) {
    TimingOptions below;
    below.stop_above = limit;
    const TimingStats part = predict_timing(c, below);
    EXPECT_GT(part.cycles, limit);
    EXPECT_LE(part.cycles, s.cycles);
    if (!part.stopped) {
      EXPECT_EQ(part.cycles, s.cycles);
    }
  }
}

}  // namespace

TEST(RtlModel, CountsEqualTheMachineOnRandomLayers) {
  const unsigned seed = 77;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int widths[] = {1, 2, 4, 8, 16};
  int n = 0;
  for (const char* name : {"bf2x2", "bf4x8", "bf8x8", "bf16x32"}) {
    const ArrayConfig cfg = load_config(name);
    for (int k = 0; k < 15; ++k) {
      LayerDesc l;
      if (pick(0, 3) == 0) {
        l = make_fc(pick(1, 3), pick(1, 200), pick(1, 80));
      } else {
        const int ks = pick(1, 7), hw = pick(ks, 16);
        l = make_conv(pick(1, 3), pick(1, 40), pick(1, 40), hw, hw, ks, pick(1, 4), pick(0, std::min(3, ks - 1)));
      }
      l.name = "random" + std::to_string(k);
      l.act = {widths[pick(0, 4)], pick(0, 1) == 1};
      l.wgt = {widths[pick(0, 4)], pick(0, 1) == 1};
      l.bias = pick(0, 1) == 1;
      if (pick(0, 2) != 0) l.out_bits = widths[pick(0, 4)], l.relu = pick(0, 1) == 1;
      CompiledLayer c;
      try {
        c = compile(l, cfg);
      } catch (const std::runtime_error&) {
        continue;
      }
      check_counts(c);
      ++n;
    }
  }
  EXPECT_GE(n, 40);
}

// Every LeNet-5 layer as `bitfusion perf` plans it, on bf8x8 and bf16x32.
TEST(RtlModel, LeNet5PlansMatchTheMachine) {
  const model::Network net = model::load_network("lenet5");
  for (const char* name : {"bf8x8", "bf16x32"})
    for (size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].is_compute()) check_counts(model::rtl_plan(net, i, 2, load_config(name)).compiled);
}

// A layer the compiler cannot map (here: 2^35 weight words, beyond the
// 32-bit DRAM addresses) stops with its one-line error naming the layer.
TEST(RtlModel, UnmappableLayerNamesIt) {
  const model::Network net = model::parse_network(
      R"({"name": "big", "input": {"channels": 4194304, "height": 1, "width": 1},
          "layers": [{"name": "huge", "type": "fc", "out_features": 8192, "act_bits": 8, "wgt_bits": 8}]})",
      "big.json");
  try {
    model::rtl_run(load_config("bf16x32"), net, 1);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("'huge'"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}
