// bf_ctrl_wb (the write-back of one output channel) against the golden
// bf::write_back: every configuration (raw/requantized, output width,
// ReLU, bias, shift 0..31) with the values around every clamp threshold
// and random accumulators and biases.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "Vbf_ctrl_wb.h"
#include "golden/isa.hpp"
#include "golden/machine.hpp"

namespace {

uint32_t rtl_wb(Vbf_ctrl_wb& m, uint32_t acc, uint32_t bias, const bf::isa::SetupFields& s) {
  m.acc_i = acc;
  m.bias_i = bias;
  m.bias_en_i = s.bias;
  m.requant_i = s.requant;
  m.out_code_i = s.out_bits == 2 ? 0 : s.out_bits == 4 ? 1 : s.out_bits == 8 ? 2 : 3;
  m.relu_i = s.relu;
  m.shift_i = static_cast<uint32_t>(s.shift);
  m.eval();
  return m.out_o;
}

// Sums just inside and outside every clamp threshold of a configuration:
// (t << shift) + d for t in the thresholds and small d.
std::vector<uint32_t> edge_sums(const bf::isa::SetupFields& s) {
  std::vector<uint32_t> v = {0u, 1u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0x80000001u};
  const int64_t b = s.out_bits;
  for (int64_t t : {int64_t{0}, (int64_t{1} << b) - 1, int64_t{1} << b, (int64_t{1} << (b - 1)) - 1,
                    int64_t{1} << (b - 1), -(int64_t{1} << (b - 1)), -(int64_t{1} << (b - 1)) - 1,
                    int64_t{-1}}) {
    for (int64_t d : {-2, -1, 0, 1, 2}) {
      const int64_t base = t * (int64_t{1} << s.shift);
      v.push_back(static_cast<uint32_t>(base + d));
      v.push_back(static_cast<uint32_t>(base + d * (int64_t{1} << s.shift)));
    }
  }
  return v;
}

TEST(CtrlWb, EveryConfigurationMatchesGolden) {
  Vbf_ctrl_wb m;
  std::mt19937 rng(7);
  SCOPED_TRACE("seed 7");
  uint64_t checked = 0;
  for (int requant = 0; requant < 2; ++requant)
    for (int bits : {2, 4, 8, 16})
      for (int relu = 0; relu < 2; ++relu)
        for (int bias = 0; bias < 2; ++bias)
          for (int shift = 0; shift < 32; ++shift) {
            bf::isa::SetupFields s;
            s.requant = requant;
            s.out_bits = bits;
            s.relu = relu;
            s.bias = bias;
            s.shift = shift;
            std::vector<uint32_t> accs = edge_sums(s);
            for (int i = 0; i < 64; ++i) accs.push_back(rng());
            // Narrow random values too (typical accumulators).
            for (int i = 0; i < 64; ++i) accs.push_back(static_cast<uint32_t>(int32_t(rng() % 4096) - 2048));
            for (uint32_t acc : accs) {
              const uint32_t biasv = bias ? rng() >> (rng() % 32) : rng();
              // With the bias off the value must not matter; with it on,
              // also use the bias to land on the edge values.
              for (auto [a, bv] : {std::pair{acc, biasv}, std::pair{acc - biasv, biasv}}) {
                const uint32_t want = static_cast<uint32_t>(bf::write_back(a, bv, s));
                const uint32_t got = rtl_wb(m, a, bv, s);
                ASSERT_EQ(got, want) << "acc=" << a << " bias=" << bv << " bias_en=" << bias
                                     << " requant=" << requant << " bits=" << bits
                                     << " relu=" << relu << " shift=" << shift;
                ++checked;
              }
            }
          }
  // 2 * 4 * 2 * 2 * 32 configurations, each with 6 + 80 + 128 sums, twice.
  EXPECT_EQ(checked, 2ull * 4 * 2 * 2 * 32 * (6 + 80 + 128) * 2);
}

}  // namespace
