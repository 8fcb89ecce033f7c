// The golden model checked against itself: the bit-level BitBrick
// decomposition (fu_bitlevel) against the plain integer reference
// (fu_reference), and the routing table against its definition.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "golden/fusion.hpp"

using namespace bf;

TEST(GoldenBitBrick, MatchesIntegerProductForAllOperandsAndSigns) {
  for (unsigned a = 0; a < 4; ++a)
    for (unsigned b = 0; b < 4; ++b)
      for (int s = 0; s < 4; ++s) {
        const bool as = s & 2, bs = s & 1;
        const int av = as && a >= 2 ? int(a) - 4 : int(a);
        const int bv = bs && b >= 2 ? int(b) - 4 : int(b);
        EXPECT_EQ(bitbrick(a, as, b, bs), av * bv) << a << " " << b << " signs " << s;
        EXPECT_GE(bitbrick(a, as, b, bs), -32);  // fits 6-bit signed
        EXPECT_LE(bitbrick(a, as, b, bs), 31);
      }
}

TEST(GoldenPacking, PackUnpackRoundTrip) {
  std::mt19937 rng(11);
  for (int bits : {2, 4, 8})
    for (bool sgn : {false, true})
      for (int it = 0; it < 1000; ++it) {
        const int lanes = 32 / bits;
        std::vector<int64_t> v(lanes);
        const Operand o{bits, sgn};
        for (auto& x : v) x = min_value(o) + int64_t(rng() % (max_value(o) - min_value(o) + 1));
        EXPECT_EQ(unpack_lanes(pack_lanes(v, bits), bits, sgn, lanes), v);
      }
}

// Every brick reads a distinct (lane, act slice, weight slice) triple and
// together they cover every lane's full product: the routing is a bijection.
TEST(GoldenSpread, EveryModeCoversEachLaneSliceProductOnce) {
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8}) {
      std::set<std::pair<int, int>> seen;
      for (int n = 0; n < 16; ++n) {
        const int ap = spread_pos(n, a, w, false), wp = spread_pos(n, a, w, true);
        EXPECT_EQ(ap % 2, 0);
        EXPECT_LT(ap, 64 / w);  // within the distinct activation bits
        EXPECT_LT(wp, 64 / a);  // within the distinct weight bits
        // Both slices must belong to the same lane.
        EXPECT_EQ(ap / a, wp / w) << "a" << a << " w" << w << " brick " << n;
        seen.insert({ap, wp});
      }
      EXPECT_EQ(seen.size(), 16u) << "a" << a << " w" << w;
    }
}

TEST(GoldenFu, BitLevelMatchesReferenceExhaustive8x8) {
  for (int s = 0; s < 4; ++s) {
    const FuMode m{8, 8, (s & 2) != 0, (s & 1) != 0};
    for (uint32_t a = 0; a < 256; ++a)
      for (uint32_t w = 0; w < 256; ++w)
        ASSERT_EQ(fu_bitlevel(m, a, w), fu_reference(m, a, w))
            << describe(m.act()) << "x" << describe(m.wgt()) << " a=" << a << " w=" << w;
  }
}

TEST(GoldenFu, BitLevelMatchesReferenceRandomAllModes) {
  const uint32_t seed = 20260101;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (const auto& m : all_fu_modes())
    for (int it = 0; it < 100000; ++it) {
      const uint32_t a = rng(), w = rng();
      ASSERT_EQ(fu_bitlevel(m, a, w), fu_reference(m, a, w))
          << describe(m.act()) << "x" << describe(m.wgt()) << " a=" << a << " w=" << w;
    }
}

// The RTL's adder widths (7-bit pairs, 9-bit groups, 13-bit halves, 17-bit
// sum) are exact: no node ever leaves its range. Checked at the extremes of
// every lane (all-min / all-max operands) and on random words, against
// closed-form extremes.
TEST(GoldenFu, AdderWidthsAreSufficient) {
  std::mt19937 rng(7);
  int64_t lo[4] = {0, 0, 0, 0}, hi[4] = {0, 0, 0, 0};  // pair, group, half, sum
  const auto track = [&](int i, int64_t v) { lo[i] = std::min(lo[i], v), hi[i] = std::max(hi[i], v); };
  for (const auto& m : all_fu_modes()) {
    const Operand ao = m.act(), wo = m.wgt();
    std::vector<uint32_t> acts, wgts;
    for (int64_t av : {min_value(ao), max_value(ao)})
      acts.push_back(pack_lanes(std::vector<int64_t>(m.lanes(), av), hw_bits(ao.bits)));
    for (int64_t wv : {min_value(wo), max_value(wo)})
      wgts.push_back(pack_lanes(std::vector<int64_t>(m.lanes(), wv), hw_bits(wo.bits)));
    for (int i = 0; i < 500; ++i) acts.push_back(rng()), wgts.push_back(rng());
    for (uint32_t a : acts)
      for (uint32_t w : wgts) {
        FuNodeSums n;
        fu_bitlevel(m, a, w, &n);
        for (auto v : n.pair) track(0, v);
        for (auto v : n.group) track(1, v);
        for (auto v : n.half) track(2, v);
        track(3, fu_reference(m, a, w));
      }
  }
  // Closed-form extremes, all reached by a single product of the widest
  // operands a node can hold:
  //   pair:  u4 * u2 = 45, u4 * s2 = 15 * -2 = -30
  //   group: u4 * u4 = 225, s4 * u4 = -8 * 15 = -120
  //   half:  u8 * u4 = 3825, u8 * s4 = 255 * -8 = -2040
  //   sum:   u8 * u8 = 65025, s8 * u8 = -32640
  const int64_t want_lo[4] = {-30, -120, -2040, -32640}, want_hi[4] = {45, 225, 3825, 65025};
  const int bits[4] = {kPairBits, kGroupBits, kHalfBits, kFuSumBits};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(lo[i], want_lo[i]) << "node level " << i;
    EXPECT_EQ(hi[i], want_hi[i]) << "node level " << i;
    EXPECT_GE(lo[i], -(int64_t{1} << (bits[i] - 1)));
    EXPECT_LE(hi[i], (int64_t{1} << (bits[i] - 1)) - 1);
  }
}
