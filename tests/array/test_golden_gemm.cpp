// The golden GEMM, its 16-bit temporal decomposition and the convolution
// lowering, against hand-computed values, closed forms and each other.
#include <gtest/gtest.h>

#include <random>

#include "golden/gemm.hpp"

using namespace bf;

namespace {
std::vector<Operand> all_operands() {
  std::vector<Operand> v;
  for (int b : {2, 4, 8, 16})
    for (bool s : {false, true}) v.push_back({b, s});
  return v;
}
}  // namespace

TEST(GoldenGemm, HandComputed2x2) {
  Matrix a(2, 2), w(2, 2);
  a.v = {1, 2, 3, 4};
  w.v = {5, 6, 7, -8};
  const auto o = gemm_ref(a, {8, true}, w, {8, true});
  EXPECT_EQ(o, (std::vector<int32_t>{19, -10, 43, -14}));
}

TEST(GoldenGemm, WrapsModulo2To32Unsigned) {
  // 70000 products of 255*255 = 4,551,750,000 = 2^32 + 256,782,704.
  const int k = 70000;
  Matrix a(1, k), w(k, 1);
  for (auto& x : a.v) x = 255;
  for (auto& x : w.v) x = 255;
  EXPECT_EQ(gemm_ref(a, {8, false}, w, {8, false})[0], 256782704);
}

TEST(GoldenGemm, WrapsModulo2To32Signed16) {
  // 3 products of (-32768)*(-32768) = 3 * 2^30 = 2^31 + 2^30 -> -2^30 as int32.
  Matrix a(1, 3), w(3, 1);
  a.v = {-32768, -32768, -32768};
  w.v = {-32768, -32768, -32768};
  EXPECT_EQ(gemm_ref(a, {16, true}, w, {16, true})[0], -(1 << 30));
  EXPECT_EQ(gemm_temporal(a, {16, true}, w, {16, true})[0], -(1 << 30));
}

TEST(GoldenGemm, RejectsValuesOutsideTheType) {
  Matrix a(1, 1), w(1, 1);
  a.v = {8};
  w.v = {1};
  EXPECT_THROW(gemm_ref(a, {4, true}, w, {8, true}), std::runtime_error);
  a.v = {-1};
  EXPECT_THROW(gemm_ref(a, {8, false}, w, {8, true}), std::runtime_error);
}

TEST(GoldenTemporal, PassCountsAndShifts) {
  auto shifts = [](const std::vector<TemporalPass>& ps) {
    std::vector<int> s;
    for (const auto& p : ps) s.push_back(p.shift);
    return s;
  };
  EXPECT_EQ(shifts(temporal_passes({8, true}, {8, true})), (std::vector<int>{0}));
  EXPECT_EQ(shifts(temporal_passes({16, true}, {8, true})), (std::vector<int>{0, 8}));
  EXPECT_EQ(shifts(temporal_passes({4, true}, {16, false})), (std::vector<int>{0, 8}));
  EXPECT_EQ(shifts(temporal_passes({16, true}, {16, true})), (std::vector<int>{0, 8, 8, 16}));
  // Low halves are unsigned, high halves keep the operand's signedness.
  const auto ps = temporal_passes({16, true}, {2, true});
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_FALSE(ps[0].a.is_signed);
  EXPECT_TRUE(ps[1].a.is_signed);
  EXPECT_EQ(ps[0].a.bits, 8);
  EXPECT_EQ(ps[0].w.bits, 2);
}

TEST(GoldenTemporal, HalvesRecomposeEvery16BitValue) {
  for (bool s : {false, true}) {
    const Operand o{16, s};
    for (int64_t v = min_value(o); v <= max_value(o); ++v) {
      const int64_t lo = operand_half(v, o, 0), hi = operand_half(v, o, 1);
      ASSERT_TRUE(fits(lo, {8, false}));
      ASSERT_TRUE(fits(hi, {8, s}));
      ASSERT_EQ(hi * 256 + lo, v);
    }
  }
}

TEST(GoldenTemporal, MatchesDirectGemmForEveryWidthPairAndSign) {
  uint32_t seed = 42;
  for (const auto& at : all_operands())
    for (const auto& wt : all_operands()) {
      SCOPED_TRACE(describe(at) + " x " + describe(wt) + " seed " + std::to_string(seed));
      std::mt19937 rng(seed++);
      const int p = 1 + rng() % 7, k = 1 + rng() % 40, c = 1 + rng() % 7;
      const Matrix a = random_matrix(p, k, at, rng), w = random_matrix(k, c, wt, rng);
      EXPECT_EQ(gemm_temporal(a, at, w, wt), gemm_ref(a, at, w, wt));
    }
}

TEST(GoldenConv, AllOnesCountsTheTaps) {
  ConvShape s;
  s.h = 5;
  s.w = 4;
  s.c_in = 3;
  s.kh = 3;
  s.kw = 3;
  s.c_out = 2;
  s.pad = 1;
  std::vector<int64_t> in(5 * 4 * 3, 1), wgt(3 * 3 * 3 * 2, 1);
  const auto o = conv_ref(s, in, {2, false}, wgt, {2, false});
  ASSERT_EQ(o.size(), 5u * 4 * 2);
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 4; ++x) {
      const int ny = 3 - (y == 0) - (y == 4), nx = 3 - (x == 0) - (x == 3);
      EXPECT_EQ(o[(y * 4 + x) * 2], ny * nx * 3) << y << "," << x;
    }
}

TEST(GoldenConv, Im2colGemmEqualsDirectConvolution) {
  std::mt19937 rng(7);
  for (int t = 0; t < 30; ++t) {
    SCOPED_TRACE("case " + std::to_string(t) + " seed 7");
    ConvShape s;
    s.batch = 1 + rng() % 2;
    s.h = 1 + rng() % 7;
    s.w = 1 + rng() % 7;
    s.c_in = 1 + rng() % 5;
    s.kh = 1 + rng() % 3;
    s.kw = 1 + rng() % 3;
    s.c_out = 1 + rng() % 4;
    s.stride = 1 + rng() % 2;
    s.pad = rng() % 2;
    if (s.h + 2 * s.pad < s.kh || s.w + 2 * s.pad < s.kw) continue;
    const Operand at{8, true}, wt{4, true};
    const Matrix in = random_matrix(1, s.batch * s.h * s.w * s.c_in, at, rng);
    const Matrix wg = random_matrix(1, s.kh * s.kw * s.c_in * s.c_out, wt, rng);
    EXPECT_EQ(conv_ref(s, in.v, at, wg.v, wt), gemm_ref(im2col(s, in.v), at, conv_weight_matrix(s, wg.v), wt));
  }
}

TEST(GoldenGemm, StepsClosedForm) {
  // 16x32 array at 8x8: 1 lane; K = 100 -> 7 chunks of 16; C = 33 -> 2 tiles.
  EXPECT_EQ(gemm_steps(16, 32, 10, 100, 33, {8, true}, {8, true}), 10u * 7 * 2);
  // At 2x2: 16 lanes -> 256 per chunk.
  EXPECT_EQ(gemm_steps(16, 32, 10, 256, 32, {2, true}, {2, true}), 10u);
  EXPECT_EQ(gemm_steps(16, 32, 10, 257, 32, {1, true}, {2, true}), 20u);
}
