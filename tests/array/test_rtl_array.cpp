// The Verilated array (bf_array_top) against the golden GEMM and
// convolution, on three configurations: bf2x2, bf4x8 (non-square) and bf8x8.
// Every run also checks the cycle count of every tile against the
// closed-form latency of docs/array.md and that no command waits while the
// array could take it. Seeds are fixed and printed with SCOPED_TRACE.
#include <gtest/gtest.h>

#include "Vbf_array_bf2x2.h"
#include "Vbf_array_bf4x8.h"
#include "Vbf_array_bf8x8.h"
#include "array_check.hpp"
#include "tb/array/conv_mapper.hpp"

using namespace bf;

namespace {

std::vector<Operand> operands() {
  std::vector<Operand> v;
  for (int b : {2, 4, 8, 16})
    for (bool s : {false, true}) v.push_back({b, s});
  return v;
}

// Random shapes: sizes around and not multiple of N, M and the lane count.
template <class Model>
void random_shapes_all_modes(const char* cfg_name, uint32_t seed0) {
  const auto cfg = load_config(cfg_name);
  uint32_t seed = seed0;
  for (const auto& at : operands())
    for (const auto& wt : operands()) {
      std::mt19937 rng(seed);
      const int lanes = 64 / (std::min(at.bits, 8) * std::min(wt.bits, 8));
      const int p = 1 + rng() % 9;
      const int k = 1 + rng() % (2 * cfg.rows * lanes + 5);
      const int c = 1 + rng() % (cfg.cols + cfg.cols / 2 + 2);
      SCOPED_TRACE(std::string(cfg_name) + " " + describe(at) + " x " + describe(wt) + " P=" + std::to_string(p) +
                   " K=" + std::to_string(k) + " C=" + std::to_string(c) + " seed " + std::to_string(seed + 1));
      EXPECT_EQ(test::run_gemm_case<Model>(cfg, p, k, c, at, wt, seed + 1), 0);
      seed += 17;
    }
}

}  // namespace

TEST(RtlArray, Smoke2x2) {
  const auto cfg = load_config("bf2x2");
  EXPECT_EQ(test::run_gemm_case<Vbf_array_bf2x2>(cfg, 3, 4, 2, {8, true}, {8, true}, 1), 0);
}

TEST(RtlArray, AllWidthPairsAndSigns2x2) { random_shapes_all_modes<Vbf_array_bf2x2>("bf2x2", 100); }
TEST(RtlArray, AllWidthPairsAndSigns4x8) { random_shapes_all_modes<Vbf_array_bf4x8>("bf4x8", 200); }
TEST(RtlArray, AllWidthPairsAndSigns8x8) { random_shapes_all_modes<Vbf_array_bf8x8>("bf8x8", 300); }

// Shapes larger than half buffers: reduction tiles accumulate into the OBUF,
// several pixel and channel tiles, loads overlapping compute.
TEST(RtlArray, MultiTileAccumulateInto) {
  struct Case {
    int p, k, c;
    Operand a, w;
  };
  const Case cases[] = {
      {40, 700, 5, {8, true}, {8, true}},  {70, 300, 9, {4, false}, {8, true}},  {9, 2000, 3, {2, true}, {2, false}},
      {20, 400, 4, {16, true}, {8, true}}, {5, 300, 3, {16, true}, {16, false}},
  };
  const auto cfg = load_config("bf2x2");
  uint32_t seed = 900;
  for (const auto& t : cases) {
    SCOPED_TRACE("bf2x2 P=" + std::to_string(t.p) + " K=" + std::to_string(t.k) + " C=" + std::to_string(t.c) + " " +
                 describe(t.a) + "x" + describe(t.w) + " seed " + std::to_string(seed));
    tb::GemmPlan plan;
    EXPECT_EQ(test::run_gemm_case<Vbf_array_bf2x2>(cfg, t.p, t.k, t.c, t.a, t.w, seed++, &plan), 0);
    EXPECT_GT(plan.jobs.size(), 2u);
  }
}

// Extreme operand values (all minimum or all maximum) reach the bounds of
// every adder in the column and the accumulator.
TEST(RtlArray, ExtremeValues8x8) {
  const auto cfg = load_config("bf8x8");
  for (const auto& at : operands())
    for (const auto& wt : operands())
      for (int corner = 0; corner < 4; ++corner) {
        if (at.bits == 16 && wt.bits == 16 && corner != 3) continue;  // keep it short
        SCOPED_TRACE(describe(at) + " x " + describe(wt) + " corner " + std::to_string(corner));
        const int p = 2, k = 200, c = 3;
        Matrix a(p, k), w(k, c);
        for (auto& x : a.v)
          x = (corner & 1) ? max_value(at.bits == 16 ? Operand{16, at.is_signed} : at) : min_value(at);
        for (auto& x : w.v) x = (corner & 2) ? max_value(wt) : min_value(wt);
        tb::ArrayHarness<Vbf_array_bf8x8> h(cfg);
        auto plan = tb::plan_gemm(h.geom(), a, at, w, wt);
        std::vector<uint32_t> out(p * c, 0);
        h.run(plan.jobs, out);
        const auto want = gemm_ref(a, at, w, wt);
        for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(static_cast<int32_t>(out[i]), want[i]);
      }
}

// Overflow: the 32-bit accumulation wraps modulo 2^32 exactly like golden.
TEST(RtlArray, OverflowWrapsModulo2To32) {
  const auto cfg = load_config("bf8x8");
  {
    // u8 x u8, 70000 products of 255*255: 2^32 + 256,782,704.
    SCOPED_TRACE("u8 x u8, K = 70000");
    const int k = 70000;
    Matrix a(1, k), w(k, 1);
    for (auto& x : a.v) x = 255;
    for (auto& x : w.v) x = 255;
    tb::ArrayHarness<Vbf_array_bf8x8> h(cfg);
    auto plan = tb::plan_gemm(h.geom(), a, {8, false}, w, {8, false});
    std::vector<uint32_t> out(1, 0);
    h.run(plan.jobs, out);
    EXPECT_EQ(static_cast<int32_t>(out[0]), 256782704);
  }
  {
    // s16 x s16: 3 * (-32768)^2 = 3 * 2^30 -> -2^30; the shifted passes wrap.
    SCOPED_TRACE("s16 x s16, K = 3");
    Matrix a(1, 3), w(3, 1);
    a.v = {-32768, -32768, -32768};
    w.v = {-32768, -32768, -32768};
    tb::ArrayHarness<Vbf_array_bf8x8> h(cfg);
    auto plan = tb::plan_gemm(h.geom(), a, {16, true}, w, {16, true});
    std::vector<uint32_t> out(1, 0);
    h.run(plan.jobs, out);
    EXPECT_EQ(static_cast<int32_t>(out[0]), -(1 << 30));
  }
}

// Convolution straight from the loop nest (5 levels, 3 of them reduction,
// sliding-window IBUF strides) against the direct golden convolution.
TEST(RtlArray, ConvolutionThroughTheLoopNest) {
  const auto cfg = load_config("bf4x8");
  std::mt19937 rng(4242);
  const Operand types[][2] = {
      {{8, true}, {8, true}}, {{4, false}, {2, true}}, {{2, true}, {8, false}}, {{8, false}, {4, true}}};
  for (int t = 0; t < 12; ++t) {
    ConvShape s;
    s.h = 2 + rng() % 6;
    s.w = 2 + rng() % 6;
    s.c_in = 1 + rng() % 20;
    s.kh = 1 + rng() % 3;
    s.kw = 1 + rng() % 3;
    s.c_out = 1 + rng() % 19;
    s.stride = 1 + rng() % 2;
    s.pad = rng() % 2;
    if (s.h + 2 * s.pad < s.kh || s.w + 2 * s.pad < s.kw) continue;
    const Operand at = types[t % 4][0], wt = types[t % 4][1];
    SCOPED_TRACE("case " + std::to_string(t) + " seed 4242 " + describe(at) + "x" + describe(wt));
    const Matrix in = random_matrix(1, s.h * s.w * s.c_in, at, rng);
    const Matrix wg = random_matrix(1, s.kh * s.kw * s.c_in * s.c_out, wt, rng);
    const auto want = conv_ref(s, in.v, at, wg.v, wt);
    tb::ArrayHarness<Vbf_array_bf4x8> h(cfg);
    auto plan = tb::plan_conv(h.geom(), s, in.v, at, wg.v, wt);
    std::vector<uint32_t> out(want.size(), 0xdeadbeefu);
    h.run(plan.jobs, out);
    for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(static_cast<int32_t>(out[i]), want[i]) << i;
    test::expect_tile_timing(h.geom(), plan.jobs);
  }
}

// Back-to-back accumulations into one OBUF word (n_red = 0, OBUF stride 0):
// every step reads and writes the same address one cycle after the last
// write (the bypass), on top of a value preloaded through the OBUF port.
TEST(RtlArray, AccumulateIntoSameWordEveryCycleOverPreload) {
  EXPECT_EQ(test::accumulate_same_word_case<Vbf_array_bf2x2>(load_config("bf2x2")), 0);
}

// A burst of tiles on data already in the buffers: the array takes one
// command per `steps` cycles, so the whole burst lasts exactly
// sum(steps) + rows + cols + 3 cycles (fill and drain paid once).
TEST(RtlArray, BurstOfTilesHasNoBubbles) {
  const auto cfg = load_config("bf4x8");
  std::mt19937 rng(5);
  // 16 x 16 bits: 4 passes over the same loaded tiles, then more blocks.
  const Operand at{16, true}, wt{16, false};
  const Matrix a = random_matrix(6, 30, at, rng), w = random_matrix(30, 8, wt, rng);
  tb::ArrayHarness<Vbf_array_bf4x8> h(cfg);
  auto plan = tb::plan_gemm(h.geom(), a, at, w, wt);
  ASSERT_EQ(plan.jobs.size(), 4u);
  std::vector<uint32_t> out(6 * 8, 0);
  h.run(plan.jobs, out);
  const auto want = gemm_ref(a, at, w, wt);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(static_cast<int32_t>(out[i]), want[i]);
  EXPECT_EQ(plan.jobs.back().t_done - plan.jobs.front().t_accept, plan.steps + cfg.rows + cfg.cols + 3);
  test::expect_tile_timing(h.geom(), plan.jobs);
}

// The weight-stationary plan the benchmark uses, bit-exact on a small array
// for every width pair (weights resident, pixel tiles streaming).
TEST(RtlArray, WeightStationaryPlanAllWidthPairs) {
  const auto cfg = load_config("bf4x8");
  uint32_t seed = 600;
  for (const auto& at : operands())
    for (const auto& wt : operands()) {
      SCOPED_TRACE(describe(at) + " x " + describe(wt) + " seed " + std::to_string(seed));
      std::mt19937 rng(seed++);
      const int lanes = 64 / (std::min(at.bits, 8) * std::min(wt.bits, 8));
      const int p = 20 + rng() % 20, k = 3 * 4 * lanes - 1, c = 13;
      const Matrix a = random_matrix(p, k, at, rng), w = random_matrix(k, c, wt, rng);
      tb::ArrayHarness<Vbf_array_bf4x8> h(cfg);
      auto plan = tb::plan_gemm_resident(h.geom(), a, at, w, wt, 6);
      std::vector<uint32_t> out(p * c, 0xdeadbeefu);
      h.run(plan.jobs, out);
      const auto want = gemm_ref(a, at, w, wt);
      int bad = 0;
      for (size_t i = 0; i < out.size(); ++i) bad += static_cast<int32_t>(out[i]) != want[i];
      EXPECT_EQ(bad, 0);
      test::expect_tile_timing(h.geom(), plan.jobs);
    }
}
