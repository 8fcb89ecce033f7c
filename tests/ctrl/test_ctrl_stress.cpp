// Faults and stress on the RTL device (docs/verification-rtl.md): random
// compiled layers on bf2x2 with the DRAM model's random extra latency,
// back-pressure and response bursts (several seeds), and a reset in the
// middle of a layer followed by a clean rerun; every result bit-exact
// against bf::Machine and the direct convolution (check_outcome), every
// RTL assertion on (an assertion stops the run and fails the test).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "tb/ctrl/device.hpp"
#include "tests/ctrl/outcome.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;
using bf::test_util::check_outcome;
using bf::test_util::describe_layer;
using bf::test_util::kWidths;
using bf::test_util::Outcome;
using bf::test_util::run_both;

namespace {

// The stress settings of a seed: moderate to heavy.
tb::DramStress stress_of(uint64_t seed) {
  tb::DramStress s;
  s.on = true;
  s.seed = seed;
  s.extra_latency = int(seed % 3) * 15 + 5;  // 5, 20, 35
  s.stall_pct = int(seed % 4) * 10 + 10;     // 10..40 %
  s.stall_max = int(seed % 5) + 2;
  s.rsp_pause_pct = int(seed % 2) * 5 + 3;
  s.rsp_pause_max = 12;
  return s;
}

LayerDesc random_small_layer(std::mt19937& rng, CompileOptions& opt) {
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  LayerDesc l = test_util::random_layer(rng, kWidths[U(0, 4)], kWidths[U(0, 4)], {40, 24, 9, 12});
  opt = {};
  if (U(0, 1)) opt.toh = U(1, l.out_h());
  return l;
}

TEST(CtrlStress, RandomLayersUnderDramStressBf2x2) {
  const ArrayConfig cfg = load_config("bf2x2");
  int ran = 0;
  uint64_t cycles = 0, stalls = 0;
  for (uint64_t seed : {11, 12, 13, 14}) {
    std::mt19937 rng{uint32_t(seed)};
    for (int k = 0; k < 5;) {
      CompileOptions opt;
      LayerDesc l = random_small_layer(rng, opt);
      const auto ch = test_util::random_requant(rng, l);
      SCOPED_TRACE("stress seed " + std::to_string(seed) + " layer " + describe_layer(l));
      Outcome o;
      try {
        o = run_both(l, cfg, rng, opt, ch, [&](tb::DeviceOptions& d) {
          d.dram_stress = stress_of(seed * 1000 + uint64_t(k));
          d.watchdog *= 8;
        });
      } catch (const std::runtime_error&) {
        continue;  // does not fit the tiny buffers
      }
      check_outcome(o);
      EXPECT_FALSE(o.d.assertion);
      if (::testing::Test::HasFailure()) return;
      ++ran, ++k;
      cycles += o.d.cycles;
      stalls += o.d.stall_cycles;
    }
  }
  std::printf("DRAM stress: %d layers on bf2x2 (4 seeds), %llu cycles, %llu back-pressure cycles\n", ran,
              (unsigned long long)cycles, (unsigned long long)stalls);
  EXPECT_GT(stalls, cycles / 20);
}

// A reset at several points of a layer (start, loads, middle, near the end),
// then the program again from the start: the rerun is bit-exact and, with
// the plain memory, takes exactly the cycles of an uninterrupted run (the
// reset leaves no state behind that changes the timing).
TEST(CtrlStress, ResetInTheMiddleThenCleanRerun) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::mt19937 rng(5);
  int layers = 0, resets = 0;
  while (layers < 4) {
    CompileOptions opt;
    LayerDesc l = random_small_layer(rng, opt);
    const auto ch = test_util::random_requant(rng, l);
    SCOPED_TRACE("reset layer " + describe_layer(l));
    std::mt19937 data_rng(uint32_t(1000 + layers));
    Outcome clean;
    try {
      clean = run_both(l, cfg, data_rng, opt, ch);
    } catch (const std::runtime_error&) {
      continue;
    }
    check_outcome(clean);
    ++layers;
    for (double f : {0.01, 0.3, 0.55, 0.97}) {
      const uint64_t at = std::max<uint64_t>(1, uint64_t(f * double(clean.d.cycles)));
      SCOPED_TRACE("reset at cycle " + std::to_string(at) + " of " + std::to_string(clean.d.cycles));
      std::mt19937 same(uint32_t(1000 + layers - 1));
      const Outcome o = run_both(l, cfg, same, opt, ch, [&](tb::DeviceOptions& d) {
        d.reset_at = at;
        d.watchdog *= 2;
      });
      EXPECT_TRUE(o.d.reset_done);
      check_outcome(o);
      EXPECT_EQ(o.d.cycles, clean.d.cycles);
      EXPECT_GT(o.d.total_cycles, o.d.cycles);
      if (::testing::Test::HasFailure()) return;
      ++resets;
    }
    // And under DRAM stress (reads in flight dropped by the reset).
    std::mt19937 same(uint32_t(1000 + layers - 1));
    const Outcome o = run_both(l, cfg, same, opt, ch, [&](tb::DeviceOptions& d) {
      d.reset_at = clean.d.cycles / 2;
      d.dram_stress = stress_of(uint64_t(layers));
      d.watchdog *= 8;
    });
    EXPECT_TRUE(o.d.reset_done);
    check_outcome(o);
    ++resets;
  }
  std::printf("reset: %d layers on bf2x2, %d resets mid-layer, each rerun bit-exact\n", layers, resets);
}

}  // namespace
