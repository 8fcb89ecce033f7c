// The Verilated BitBrick and Fusion Unit against the golden reference,
// cycle by cycle. Seeds are fixed and printed by SCOPED_TRACE on failure.
#include <gtest/gtest.h>

#include "Vbf_bitbrick.h"
#include "Vbf_fusion_unit.h"
#include "golden/fusion.hpp"
#include "tb/fu_driver.hpp"

using namespace bf;
using bf::tb::FuChecker;

TEST(RtlBitBrick, ExhaustiveAllOperandsAndSignModes) {
  VerilatedContext ctx;
  Vbf_bitbrick bb(&ctx, "bb");
  int checked = 0;
  for (unsigned a = 0; a < 4; ++a)
    for (unsigned b = 0; b < 4; ++b)
      for (int s = 0; s < 4; ++s) {
        bb.a_i = a;
        bb.b_i = b;
        bb.a_signed_i = (s >> 1) & 1;
        bb.b_signed_i = s & 1;
        bb.eval();
        const int64_t got = extend(bb.p_o, 6, true);
        EXPECT_EQ(got, bitbrick(a, s & 2, b, s & 1)) << "a=" << a << " b=" << b << " signs=" << s;
        ++checked;
      }
  bb.final();
  EXPECT_EQ(checked, 64);
}

TEST(RtlFusionUnit, ResetClearsOutput) {
  FuChecker<Vbf_fusion_unit> chk;
  EXPECT_EQ(chk.dut()->sum_o, 0u);
}

class RtlFuSigns : public ::testing::TestWithParam<int> {};

TEST_P(RtlFuSigns, Exhaustive8x8) {
  const bool as = GetParam() & 2, ws = GetParam() & 1;
  FuChecker<Vbf_fusion_unit> chk;
  const auto r = chk.run(tb::fu_exhaustive_8x8(as, ws));
  EXPECT_EQ(r.vectors, 65536u);
  EXPECT_EQ(r.mismatches, 0u) << r.first;
}

TEST_P(RtlFuSigns, EveryValueOfEveryLaneAllNarrowPairs) {
  const bool as = GetParam() & 2, ws = GetParam() & 1;
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8}) {
      if (a == 8 && w == 8) continue;  // covered exhaustively
      const FuMode m{a, w, as, ws};
      const uint32_t seed = 1000 + 64 * a + 8 * w + GetParam();
      SCOPED_TRACE("mode " + describe(m.act()) + "x" + describe(m.wgt()) + " seed " + std::to_string(seed));
      FuChecker<Vbf_fusion_unit> chk;
      const auto r = chk.run(tb::fu_lane_sweep(m, seed));
      EXPECT_EQ(r.vectors, uint64_t(m.lanes()) << (a + w));
      EXPECT_EQ(r.mismatches, 0u) << r.first;
    }
}

TEST_P(RtlFuSigns, Random100kPerWidthPair) {
  const bool as = GetParam() & 2, ws = GetParam() & 1;
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8}) {
      const FuMode m{a, w, as, ws};
      const uint32_t seed = 5000 + 64 * a + 8 * w + GetParam();
      SCOPED_TRACE("mode " + describe(m.act()) + "x" + describe(m.wgt()) + " seed " + std::to_string(seed));
      FuChecker<Vbf_fusion_unit> chk;
      const auto r = chk.run(tb::fu_random(m, 100000, seed));
      EXPECT_EQ(r.vectors, 100000u);
      EXPECT_EQ(r.mismatches, 0u) << r.first;
    }
}

INSTANTIATE_TEST_SUITE_P(Signs, RtlFuSigns, ::testing::Values(0, 1, 2, 3), [](const auto& info) {
  return std::string(info.param & 2 ? "sa" : "ua") + (info.param & 1 ? "_sw" : "_uw");
});

// A new width pair and signedness every cycle: no state leaks between modes.
TEST(RtlFusionUnit, BackToBackModeChanges) {
  const uint32_t seed = 424242;
  SCOPED_TRACE("seed " + std::to_string(seed));
  FuChecker<Vbf_fusion_unit> chk;
  const auto r = chk.run(tb::fu_random_modes(300000, seed));
  EXPECT_EQ(r.mismatches, 0u) << r.first;
}

// Output holds the result of exactly the previous cycle's inputs (latency 1).
TEST(RtlFusionUnit, LatencyIsOneCycle) {
  FuChecker<Vbf_fusion_unit> chk;
  const FuMode m{8, 8, true, true};
  chk.dut()->act_i = 100;
  chk.dut()->wgt_i = 3;
  chk.dut()->prec_a_i = prec_code(8);
  chk.dut()->prec_w_i = prec_code(8);
  chk.dut()->a_signed_i = 1;
  chk.dut()->w_signed_i = 1;
  chk.dut().eval();
  EXPECT_EQ(chk.dut()->sum_o, 0u);  // nothing before the edge
  chk.dut().tick();
  EXPECT_EQ(extend(chk.dut()->sum_o, kFuSumBits, true), fu_reference(m, 100, 3));
}
