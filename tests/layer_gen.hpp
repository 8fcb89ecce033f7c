// Shared by the layer tests (tests/isa, tests/ctrl): random operand data,
// random conv/fc layers, a one-line layer description, and the direct
// golden layer (golden/layer_ref) for a LayerDesc.
#pragma once
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/layer_ref.hpp"
#include "golden/precision.hpp"

namespace bf::test_util {

// n values uniformly over the range of `op` (1-bit runs as 2).
inline std::vector<int64_t> random_values(std::mt19937& rng, size_t n, const Operand& op) {
  std::uniform_int_distribution<int64_t> d(min_value(op), max_value(op));
  std::vector<int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// The direct golden layer (plain nested loops, independent of the
// compiler, the machine and the RTL) with the layer's output stage.
inline std::vector<int64_t> direct_conv(const LayerDesc& l, const std::vector<int64_t>& in,
                                        const std::vector<int64_t>& w, const std::vector<int64_t>& bias) {
  const ConvParams p{l.batch, l.in_c, l.in_h, l.in_w, l.out_c, l.kernel_h, l.kernel_w, l.stride, l.pad};
  return conv_layer_ref(p, in, w, l.bias ? bias : std::vector<int64_t>{}, {l.out_bits, l.relu, l.shift});
}

inline std::string describe_layer(const LayerDesc& l) {
  return "B" + std::to_string(l.batch) + " C" + std::to_string(l.in_c) + "->" + std::to_string(l.out_c) + " " +
         std::to_string(l.in_h) + "x" + std::to_string(l.in_w) + " k" + std::to_string(l.kernel_h) + " s" +
         std::to_string(l.stride) + " p" + std::to_string(l.pad) + " " + describe(l.act) + "x" + describe(l.wgt) +
         (l.bias ? " bias" : "") +
         (l.out_bits ? " out" + std::to_string(l.out_bits) + (l.relu ? " relu" : "") + " >>" + std::to_string(l.shift)
                     : " raw");
}

inline constexpr int kWidths[] = {1, 2, 4, 8, 16};

// Size limits of random_layer.
struct LayerLimits {
  int fc_in = 40, fc_out = 24;  // fc: 1..fc_in -> 1..fc_out features
  int hw = 9, channels = 12;    // conv: spatial 1..hw (at least the kernel), channels 1..channels
};

// A random layer with activation width ab and weight width wb: fc one time
// in four, else conv with kernel 1..7, stride 1..4, padding 0..3, batch
// 1..3; random signedness, bias or not, raw or requantized output (every
// out width, ReLU or not, shift 0..12).
inline LayerDesc random_layer(std::mt19937& rng, int ab, int wb, const LayerLimits& lim) {
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  LayerDesc l;
  if (U(0, 3) == 0) {
    l = make_fc(U(1, 3), U(1, lim.fc_in), U(1, lim.fc_out));
  } else {
    const int kk = U(1, 7), s = U(1, 4), p = U(0, 3);
    const int h = std::max(U(1, lim.hw), kk - 2 * p), w = std::max(U(1, lim.hw), kk - 2 * p);
    l = make_conv(U(1, 3), U(1, lim.channels), U(1, lim.channels), h, w, kk, s, p);
  }
  l.act = {ab, U(0, 1) == 1};
  l.wgt = {wb, U(0, 1) == 1};
  l.bias = U(0, 1);
  if (U(0, 2)) {
    l.out_bits = kWidths[U(0, 4)];
    l.relu = U(0, 1);
    l.shift = U(0, 12);
  }
  return l;
}

}  // namespace bf::test_util
