// Operand streams (named workloads) and cycle drivers for the power flow
// and for the baseline tests.
//
// A workload is a stream of multiply-accumulate operand pairs (a_k, w_k)
// at one width pair; every design consumes the same stream at its own
// rate: a Fusion Unit 64/(A*W) pairs per cycle, the fixed 8-bit multiplier
// one pair per cycle, the temporal design 16 pairs per (A/2)*(W/2) cycles.
// Generation uses only golden/ and <random>; every stream has a seed.
#pragma once
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/fusion.hpp"

namespace bf::act {

struct MacPair {
  int64_t a = 0;
  int64_t w = 0;
};

struct Workload {
  std::string name;
  FuMode mode;                 // widths and signedness
  std::vector<MacPair> pairs;  // the operand stream
};

inline int64_t uniform(std::mt19937& rng, const Operand& o) {
  std::uniform_int_distribution<int64_t> d(min_value(o), max_value(o));
  return d(rng);
}

// `random`: operands uniform over their range, both signed.
// `lenet_conv1`: a synthetic stand-in for LeNet-5 conv1 (2x2, TWN): the
//   activations unsigned 2-bit after ReLU (half of them 0), the weights
//   ternary {-1, 0, +1} (40% zeros). No trained network is used.
inline Workload make_workload(const std::string& name, int a_bits, int w_bits, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Workload wl;
  wl.name = name;
  if (name == "random") {
    wl.mode = FuMode{a_bits, w_bits, true, true};
    for (size_t i = 0; i < n; ++i) wl.pairs.push_back({uniform(rng, wl.mode.act()), uniform(rng, wl.mode.wgt())});
  } else if (name == "lenet_conv1") {
    if (a_bits != 2 || w_bits != 2) throw std::runtime_error("lenet_conv1 runs at 2x2 only");
    wl.mode = FuMode{2, 2, false, true};
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uniform_int_distribution<int> nz(1, 3);
    for (size_t i = 0; i < n; ++i) {
      const int64_t a = u(rng) < 0.5 ? 0 : nz(rng);
      const double r = u(rng);
      const int64_t w = r < 0.4 ? 0 : (r < 0.7 ? -1 : 1);
      wl.pairs.push_back({a, w});
    }
  } else {
    throw std::runtime_error("unknown workload '" + name + "' (random, lenet_conv1)");
  }
  return wl;
}

// Packs pairs [first, first + lanes) into the Fusion Unit's dense words.
inline void pack_fu(const Workload& wl, size_t first, uint32_t& act, uint32_t& wgt) {
  const int lanes = wl.mode.lanes();
  std::vector<int64_t> av(lanes), wv(lanes);
  for (int k = 0; k < lanes; ++k) {
    av[k] = wl.pairs[first + k].a;
    wv[k] = wl.pairs[first + k].w;
  }
  act = pack_lanes(av, hw_bits(wl.mode.act_bits));
  wgt = pack_lanes(wv, hw_bits(wl.mode.wgt_bits));
}

// One cycle of the temporal design: the slice words for cycle c of the
// product group made of pairs [first, first + 16) (see bf_temporal_fu.sv).
inline void temporal_slices(const Workload& wl, size_t first, int c, uint32_t& act, uint32_t& wgt) {
  const int na = hw_bits(wl.mode.act_bits) / 2;
  const int i = c % na, j = c / na;
  act = wgt = 0;
  for (int u = 0; u < 16; ++u) {
    const uint64_t a = static_cast<uint64_t>(wl.pairs[first + u].a);
    const uint64_t w = static_cast<uint64_t>(wl.pairs[first + u].w);
    act |= static_cast<uint32_t>((a >> (2 * i)) & 3u) << (2 * u);
    wgt |= static_cast<uint32_t>((w >> (2 * j)) & 3u) << (2 * u);
  }
}

// Cycles per temporal product group: (A/2) * (W/2).
inline int temporal_cycles(const FuMode& m) { return (hw_bits(m.act_bits) / 2) * (hw_bits(m.wgt_bits) / 2); }

}  // namespace bf::act
