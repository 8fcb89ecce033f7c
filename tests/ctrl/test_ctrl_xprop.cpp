// X-propagation and reset (docs/verification-rtl.md): bf_top for bf2x2 and
// bf4x8 built with --x-initial unique --x-assign unique (the _xprop models,
// tb/ctrl/CMakeLists.txt), where every register and memory word starts at a
// random value chosen at run time (+verilator+rand+reset+2, seeded by
// +verilator+seed+N). Random layers run on them with three seeds and on the
// ordinary zero-initialised models: each run must be bit-exact (against the
// direct convolution and bf::Machine's whole memory image) and equal to the
// zero-initialised run in its memory image, cycles, array steps and memory
// traffic. So no result and no timing depends on a value the reset does not
// set. InitialStateIsRandom shows the random start is really in effect.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "Vbf_top_bf2x2_xprop.h"
#include "Vbf_top_bf4x8_xprop.h"
#include "golden/config.hpp"
#include "tb/ctrl/device_impl.hpp"
#include "tests/ctrl/outcome.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;
using test_util::Outcome;

namespace {

constexpr int kSeeds[] = {1, 2, 3};

std::vector<std::string> random_start(int seed) {
  return {"+verilator+rand+reset+2", "+verilator+seed+" + std::to_string(seed)};
}

// Outputs of a freshly constructed model before any reset or clock: with a
// random start they depend on the seed.
template <class Model>
std::vector<uint64_t> outputs_at_construction(const std::vector<std::string>& args) {
  tb::Dut<Model> dut("TOP", args);
  dut->eval();
  return {dut->busy_o,  dut->done_o,  dut->status_o,        dut->err_pc_o,      dut->cycles_o,
          dut->tiles_o, dut->steps_o, dut->mem_req_valid_o, dut->mem_req_addr_o};
}

TEST(CtrlXprop, InitialStateIsRandom) {
  const auto zero = outputs_at_construction<Vbf_top_bf2x2_xprop>({});  // +verilator+rand+reset+0 (default)
  const auto a = outputs_at_construction<Vbf_top_bf2x2_xprop>(random_start(1));
  const auto b = outputs_at_construction<Vbf_top_bf2x2_xprop>(random_start(2));
  const auto a2 = outputs_at_construction<Vbf_top_bf2x2_xprop>(random_start(1));
  EXPECT_EQ(zero, std::vector<uint64_t>(zero.size(), 0u));
  EXPECT_NE(a, zero);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, a2);  // the seed decides the start: runs are reproducible
}

template <class XModel>
void random_layers_equal_zero_start(const char* config, uint32_t seed, int layers) {
  const ArrayConfig cfg = load_config(config);
  std::mt19937 rng(seed);
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int ran = 0;
  uint64_t cycles = 0;
  while (ran < layers) {
    const CompileOptions opt;
    LayerDesc l =
        test_util::random_layer(rng, test_util::kWidths[U(0, 4)], test_util::kWidths[U(0, 4)], {40, 24, 9, 12});
    const auto ch = test_util::random_requant(rng, l);
    const uint32_t data_seed = uint32_t(rng());
    SCOPED_TRACE(std::string(config) + " layer " + std::to_string(ran) + ": " + test_util::describe_layer(l));
    std::mt19937 d0(data_seed);
    Outcome zero;
    try {
      zero = test_util::run_both(l, cfg, d0, opt, ch);
    } catch (const std::runtime_error&) {
      continue;  // does not fit the small buffers
    }
    test_util::check_outcome(zero);
    if (::testing::Test::HasFailure()) return;
    for (int s : kSeeds) {
      SCOPED_TRACE("+verilator+seed+" + std::to_string(s));
      std::mt19937 ds(data_seed);
      const Outcome x = test_util::run_both(
          l, cfg, ds, opt, ch, [&](tb::DeviceOptions& d) { d.plusargs = random_start(s); },
          tb::detail::run_model<XModel>);
      test_util::check_outcome(x);
      EXPECT_EQ(x.ddram, zero.ddram);
      EXPECT_EQ(x.d.cycles, zero.d.cycles);
      EXPECT_EQ(x.d.array_steps, zero.d.array_steps);
      EXPECT_EQ(x.d.read_beats, zero.d.read_beats);
      EXPECT_EQ(x.d.write_beats, zero.d.write_beats);
      EXPECT_FALSE(x.d.assertion);
      if (::testing::Test::HasFailure()) return;
      cycles += x.d.cycles;
    }
    ++ran;
  }
  std::printf(
      "X-propagation: %d layers on %s, seeds 1-3, %llu cycles from a random start, all equal to the zero start\n", ran,
      config, (unsigned long long)cycles);
}

TEST(CtrlXprop, RandomStartEqualsZeroStartBf2x2) {
  random_layers_equal_zero_start<Vbf_top_bf2x2_xprop>("bf2x2", 71, 24);
}

TEST(CtrlXprop, RandomStartEqualsZeroStartBf4x8) {
  random_layers_equal_zero_start<Vbf_top_bf4x8_xprop>("bf4x8", 72, 12);
}

}  // namespace
