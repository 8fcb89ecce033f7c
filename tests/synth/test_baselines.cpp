// The baseline RTL (rtl/baselines/) against plain integer arithmetic:
// the fixed 8-bit multiplier and PE, and the temporal (bit-serial) design.
// Seeds are fixed and printed by SCOPED_TRACE on failure.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>

#include "Vbf_mac8_pe.h"
#include "Vbf_mul8.h"
#include "Vbf_temporal_fu.h"
#include "golden/precision.hpp"
#include "synth/activity/workloads.hpp"
#include "tb/dut.hpp"

using namespace bf;

TEST(Mul8, ExhaustiveAllOperandsAndSignModes) {
  tb::Dut<Vbf_mul8> dut;
  dut.reset();
  uint64_t checked = 0, bad = 0;
  std::string first;
  for (int s = 0; s < 4; ++s)
    for (int a = 0; a < 256; ++a)
      for (int w = 0; w < 256; ++w) {
        const bool as = s & 2, ws = s & 1;
        dut->act_i = a;
        dut->wgt_i = w;
        dut->a_signed_i = as;
        dut->w_signed_i = ws;
        dut.tick();
        const int64_t want = extend(a, 8, as) * extend(w, 8, ws);
        const int64_t got = extend(dut->prod_o, 17, true);
        ++checked;
        if (got != want && bad++ == 0)
          first = "a=" + std::to_string(a) + " w=" + std::to_string(w) + " signs=" + std::to_string(s) + ": rtl " +
                  std::to_string(got) + ", want " + std::to_string(want);
      }
  EXPECT_EQ(checked, 4u * 65536u);
  EXPECT_EQ(bad, 0u) << first;
}

TEST(Mac8Pe, ColumnAdderAndForwardingRandom) {
  const uint32_t seed = 77;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  tb::Dut<Vbf_mac8_pe> dut;  // PsumBits = 21
  dut.reset();
  std::deque<int64_t> prod;  // product of cycle t, added in cycle t+1
  uint64_t bad = 0;
  int64_t prev_act = -1;
  for (int t = 0; t < 20000; ++t) {
    const int a = rng() & 255, w = rng() & 255;
    const bool as = rng() & 1, ws = rng() & 1;
    const int64_t psum = extend(rng(), 21, true) / 2;  // keeps the sum within 21 bits
    dut->act_i = a;
    dut->wgt_i = w;
    dut->a_signed_i = as;
    dut->w_signed_i = ws;
    dut->psum_i = static_cast<uint32_t>(psum) & 0x1fffff;
    // psum_o after this edge = psum_i now + the product registered one edge ago.
    const int64_t want = prod.empty() ? 0 : psum + prod.front();
    dut.tick();
    if (!prod.empty()) {
      prod.pop_front();
      if (extend(dut->psum_o, 21, true) != want) ++bad;
    }
    prod.push_back(extend(a, 8, as) * extend(w, 8, ws));
    if (prev_act >= 0 && dut->act_o != a) ++bad;  // forwarded after one edge
    prev_act = a;
  }
  EXPECT_EQ(bad, 0u);
}

class TemporalFu : public ::testing::TestWithParam<int> {};

// Every width pair and sign mode: random products, back to back, compared
// with the plain sum of the 16 products of each group.
TEST_P(TemporalFu, RandomGroupsEveryWidthPair) {
  const bool as = GetParam() & 2, ws = GetParam() & 1;
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8}) {
      const uint32_t seed = 300 + 16 * a + w + 1000 * GetParam();
      SCOPED_TRACE("mode " + std::to_string(a) + "x" + std::to_string(w) + " signs " + std::to_string(GetParam()) +
                   " seed " + std::to_string(seed));
      auto wl = act::make_workload("random", a, w, 16 * 200, seed);
      std::mt19937 rng(seed);
      for (auto& p : wl.pairs) {  // redraw with the requested signedness
        p.a = extend(rng(), a, as);
        p.w = extend(rng(), w, ws);
      }
      wl.mode = FuMode{a, w, as, ws};
      tb::Dut<Vbf_temporal_fu> dut;
      dut.reset();
      dut->prec_a_i = prec_code(a);
      dut->prec_w_i = prec_code(w);
      dut->a_signed_i = as;
      dut->w_signed_i = ws;
      const int per = act::temporal_cycles(wl.mode);
      EXPECT_EQ(per, (a / 2) * (w / 2));
      std::deque<int64_t> want;
      int got = 0, bad = 0;
      for (int g = 0; g < 200; ++g) {
        int64_t sum = 0;
        for (int u = 0; u < 16; ++u) sum += wl.pairs[16 * g + u].a * wl.pairs[16 * g + u].w;
        want.push_back(sum);
        for (int c = 0; c < per; ++c) {
          uint32_t av = 0, wv = 0;
          act::temporal_slices(wl, 16 * g, c, av, wv);
          dut->valid_i = 1;
          dut->act_i = av;
          dut->wgt_i = wv;
          dut.tick();
          if (dut->valid_o) {
            ++got;
            if (want.empty() || extend(dut->sum_o, 21, true) != want.front()) ++bad;
            if (!want.empty()) want.pop_front();
          }
        }
      }
      dut->valid_i = 0;
      for (int c = 0; c < 3; ++c) {
        dut.tick();
        if (dut->valid_o) {
          ++got;
          if (want.empty() || extend(dut->sum_o, 21, true) != want.front()) ++bad;
          if (!want.empty()) want.pop_front();
        }
      }
      EXPECT_EQ(got, 200);
      EXPECT_EQ(bad, 0);
    }
}

INSTANTIATE_TEST_SUITE_P(Signs, TemporalFu, ::testing::Values(0, 1, 2, 3));
