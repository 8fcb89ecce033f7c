// Proves the array tests bite: the same check that passes on the real RTL
// (test_rtl_array: AccumulateIntoSameWordEveryCycleOverPreload) must fail
// on the RTL built with the OBUF bypass removed (BF_ARRAY_MUTANT).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "Vbf_array_bf2x2_mutant.h"
#include "array_check.hpp"

using namespace bf;

TEST(ArrayMutant, MissingBypassIsDetected) {
  int bad = 0;
  {
    // The mismatch is the expected outcome here: count it instead of failing.
    ::testing::TestPartResultArray failures;
    ::testing::ScopedFakeTestPartResultReporter quiet(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    bad = test::accumulate_same_word_case<Vbf_array_bf2x2_mutant>(load_config("bf2x2"));
  }
  EXPECT_GT(bad, 0);
}
