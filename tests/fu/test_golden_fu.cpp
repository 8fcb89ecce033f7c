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

// The RTL's adder widths (9-bit groups, 17-bit sum) are exact: the group
// sums and the total never leave those ranges. Checked at the extremes of
// every lane (all-min / all-max operands) and on random words.
TEST(GoldenFu, AdderWidthsAreSufficient) {
  std::mt19937 rng(7);
  int64_t gmin = 0, gmax = 0, smin = 0, smax = 0;
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
        std::array<int64_t, 4> g{};
        fu_bitlevel(m, a, w, &g);
        const int64_t s = fu_reference(m, a, w);
        for (int64_t x : g) gmin = std::min(gmin, x), gmax = std::max(gmax, x);
        smin = std::min(smin, s), smax = std::max(smax, s);
      }
  }
  // Closed-form extremes: a group is at most one 4x4 product (u4*u4 = 225,
  // s4*u4 = -120); the sum at most one 8x8 product (u8*u8, s8*u8).
  EXPECT_EQ(gmax, 225);
  EXPECT_EQ(gmin, -120);
  EXPECT_EQ(smax, 255 * 255);
  EXPECT_EQ(smin, -128 * 255);
  EXPECT_LE(gmax, (1 << (kGroupBits - 1)) - 1);
  EXPECT_GE(gmin, -(1 << (kGroupBits - 1)));
  EXPECT_LE(smax, (1 << (kFuSumBits - 1)) - 1);
  EXPECT_GE(smin, -(1 << (kFuSumBits - 1)));
}
