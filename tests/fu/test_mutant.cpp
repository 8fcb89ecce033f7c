// Proof that the Fusion Unit tests bite: the same checks, run on the RTL
// built with BF_MUTANT (one product bit of one BitBrick case flipped), must
// report mismatches. If this test fails, the suite has lost its teeth.
#include <gtest/gtest.h>

#include "Vbf_fusion_unit_mutant.h"
#include "golden/fusion.hpp"
#include "tb/fu_driver.hpp"

using namespace bf;

TEST(Mutant, Exhaustive8x8CatchesTheBrokenBit) {
  tb::FuChecker<Vbf_fusion_unit_mutant> chk;
  const auto r = chk.run(tb::fu_exhaustive_8x8(false, false));
  EXPECT_GT(r.mismatches, 0u) << "the broken BitBrick went unnoticed";
}

TEST(Mutant, RandomVectorsCatchTheBrokenBitInEveryWidthPair) {
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8}) {
      const FuMode m{a, w, false, false};
      tb::FuChecker<Vbf_fusion_unit_mutant> chk;
      const auto r = chk.run(tb::fu_random(m, 20000, 77));
      EXPECT_GT(r.mismatches, 0u) << describe(m.act()) << "x" << describe(m.wgt());
    }
}
