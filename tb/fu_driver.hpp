// Stimulus for the Fusion Unit and a cycle-by-cycle driver that compares the
// Verilated RTL with the golden reference.
//
// Stimulus generation and checking use only golden/; the RTL is the device
// under test. Every generator takes an explicit seed so a failure message
// can name the seed that reproduces it.
#pragma once
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "golden/fusion.hpp"
#include "tb/dut.hpp"

namespace bf::tb {

struct FuVector {
  FuMode mode;
  uint32_t act = 0;
  uint32_t wgt = 0;
};

// Every activation x weight value of an 8x8 mode (65,536 vectors).
inline std::vector<FuVector> fu_exhaustive_8x8(bool act_signed, bool wgt_signed) {
  std::vector<FuVector> v;
  v.reserve(65536);
  const FuMode m{8, 8, act_signed, wgt_signed};
  for (uint32_t a = 0; a < 256; ++a)
    for (uint32_t w = 0; w < 256; ++w) v.push_back({m, a, w});
  return v;
}

// For each lane, every activation value x every weight value in that lane,
// the other lanes (and the unused high bits) random.
inline std::vector<FuVector> fu_lane_sweep(const FuMode& m, uint32_t seed) {
  std::mt19937 rng(seed);
  const int a = hw_bits(m.act_bits), w = hw_bits(m.wgt_bits);
  std::vector<FuVector> v;
  for (int lane = 0; lane < m.lanes(); ++lane)
    for (uint32_t av = 0; av < (1u << a); ++av)
      for (uint32_t wv = 0; wv < (1u << w); ++wv) {
        const uint32_t am = ((1u << a) - 1) << (lane * a), wm = ((1u << w) - 1) << (lane * w);
        v.push_back({m, (static_cast<uint32_t>(rng()) & ~am) | (av << (lane * a)),
                     (static_cast<uint32_t>(rng()) & ~wm) | (wv << (lane * w))});
      }
  return v;
}

// `n` random words in mode `m` (all 32 bits random: unused bits must be ignored).
inline std::vector<FuVector> fu_random(const FuMode& m, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<FuVector> v(n);
  for (auto& x : v) x = {m, static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng())};
  return v;
}

// `n` random words with a random mode (width pair and signedness) every cycle.
inline std::vector<FuVector> fu_random_modes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const auto modes = all_fu_modes();
  std::vector<FuVector> v(n);
  for (auto& x : v) x = {modes[rng() % modes.size()], static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng())};
  return v;
}

inline std::string describe(const FuVector& v) {
  std::ostringstream s;
  s << "act " << describe(v.mode.act()) << " x wgt " << describe(v.mode.wgt()) << " act=0x" << std::hex << v.act
    << " wgt=0x" << v.wgt;
  return s.str();
}

// Drives a Verilated bf_fusion_unit one vector per cycle and compares every
// cycle's output with fu_reference.
template <class Model>
class FuChecker {
 public:
  FuChecker() { dut_.reset(); }

  // Applies one vector for one cycle and returns the RTL's registered sum.
  int64_t step(const FuVector& v) {
    dut_->act_i = v.act;
    dut_->wgt_i = v.wgt;
    dut_->prec_a_i = prec_code(v.mode.act_bits);
    dut_->prec_w_i = prec_code(v.mode.wgt_bits);
    dut_->a_signed_i = v.mode.act_signed;
    dut_->w_signed_i = v.mode.wgt_signed;
    dut_.tick();
    return extend(dut_->sum_o, kFuSumBits, true);
  }

  struct Result {
    uint64_t vectors = 0;
    uint64_t mismatches = 0;
    std::string first;  // description of the first mismatch
  };

  Result run(const std::vector<FuVector>& vs) {
    Result r;
    for (const auto& v : vs) {
      const int64_t got = step(v), want = fu_reference(v.mode, v.act, v.wgt);
      ++r.vectors;
      if (got != want && r.mismatches++ == 0)
        r.first = describe(v) + ": rtl " + std::to_string(got) + ", golden " + std::to_string(want) + " (cycle " +
                  std::to_string(dut_.cycle()) + ")";
    }
    return r;
  }

  Dut<Model>& dut() { return dut_; }

 private:
  Dut<Model> dut_;
};

}  // namespace bf::tb
