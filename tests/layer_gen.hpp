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
#include "golden/compiler/geometry.hpp"
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
                                        const std::vector<int64_t>& w, const std::vector<int64_t>& bias,
                                        const std::vector<RequantParams>& channel = {}) {
  const ConvParams p{l.batch, l.in_c, l.in_h, l.in_w, l.out_c, l.kernel_h, l.kernel_w, l.stride, l.pad};
  OutputStage o;
  o.out_bits = l.out_bits, o.relu = l.relu, o.shift = l.shift, o.mult = l.mult, o.round = l.round;
  o.zero_point = l.zero_point, o.clamp = l.clamp, o.clamp_lo = l.clamp_lo, o.clamp_hi = l.clamp_hi;
  if (l.channel_requant) o.channel = channel;
  return conv_layer_ref(p, in, w, l.bias ? bias : std::vector<int64_t>{}, o);
}

// For half of the requantized layers, a random fixed-point output stage
// (golden/requant.hpp): a 16-bit multiplier with a shift that keeps typical
// sums in range, rounding, a zero point, a narrower clamp, and one layer in
// three per-channel parameters (returned; put_requant writes them).
inline std::vector<RequantParams> random_requant(std::mt19937& rng, LayerDesc& l) {
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  if (!l.out_bits || U(0, 1)) return {};
  auto params = [&] {
    RequantParams p;
    p.mult = uint32_t(U(1, 65535));
    p.shift = U(10, 30);
    p.round = U(0, 1);
    return p;
  };
  const RequantParams p = params();
  l.mult = p.mult, l.shift = p.shift, l.round = p.round;
  const int b = l.out_bits < 2 ? 2 : l.out_bits;
  const int lo = l.relu ? 0 : -(1 << (b - 1)), hi = l.relu ? (1 << b) - 1 : (1 << (b - 1)) - 1;
  l.zero_point = U(-(1 << (b - 1)) / 2, (1 << (b - 1)) / 2);
  if (U(0, 1)) {
    l.clamp = true;
    l.clamp_lo = U(lo, (lo + hi) / 2);
    l.clamp_hi = U((lo + hi) / 2 + 1 <= hi ? (lo + hi) / 2 + 1 : hi, hi);
  }
  std::vector<RequantParams> ch;
  if (U(0, 2) == 0) {
    l.channel_requant = true;
    for (int k = 0; k < l.out_c; ++k) ch.push_back(params());
  }
  return ch;
}

inline std::string describe_layer(const LayerDesc& l) {
  return "B" + std::to_string(l.batch) + " C" + std::to_string(l.in_c) + "->" + std::to_string(l.out_c) + " " +
         std::to_string(l.in_h) + "x" + std::to_string(l.in_w) + " k" + std::to_string(l.kernel_h) + " s" +
         std::to_string(l.stride) + " p" + std::to_string(l.pad) + " " + describe(l.act) + "x" + describe(l.wgt) +
         (l.bias ? " bias" : "") +
         (l.out_bits ? " out" + std::to_string(l.out_bits) + (l.relu ? " relu" : "") + " >>" + std::to_string(l.shift) +
                           (l.mult != 1 ? " *" + std::to_string(l.mult) : "") + (l.round ? " round" : "") +
                           (l.zero_point ? " zp" + std::to_string(l.zero_point) : "") +
                           (l.clamp ? " [" + std::to_string(l.clamp_lo) + "," + std::to_string(l.clamp_hi) + "]" : "") +
                           (l.channel_requant ? " per-channel" : "")
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

// Forced options that load `stream`'s whole operand once per block (one
// tile of every loop it depends on), so that a tile bigger than half of
// its buffer runs with the buffer whole (setup whole=i / whole=w):
// want_ibuf: one batch / row / column / kernel-row / ic tile; else one
// oc / kernel-row / ic tile. Returns false when the layer has no such
// tiling on `cfg` or it fits half of the buffer anyway (whole not used).
inline bool whole_stream_options(const LayerDesc& l, const ArrayConfig& cfg, bool want_ibuf, CompileOptions& opt) {
  const compiler::Geometry g = compiler::make_geometry(l, cfg);
  opt = {};
  opt.tj = g.word_groups;
  opt.tkh = g.kernel_h;
  if (want_ibuf)
    opt.tb = g.batch, opt.toh = g.out_h, opt.tow = g.out_w;
  else
    opt.groups = g.oc_groups;
  try {
    const CompiledLayer c = compile(l, cfg, opt);
    return want_ibuf ? c.tiling.ibuf_whole : c.tiling.wbuf_whole;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace bf::test_util
