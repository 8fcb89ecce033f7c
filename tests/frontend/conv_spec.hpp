// A small conv network in either PyTorch export form (ConvSpec) with its
// expected integer weights and biases, and random-value helpers; shared
// by the front-end tests and the device tests of imported models
// (tests/onnx).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "onnx_builder.hpp"

namespace bft {

inline std::vector<double> uniform(size_t n, double lo, double hi, std::mt19937& rng) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = double(float(d(rng)));
  return v;
}
inline std::vector<double> uniform_int(size_t n, int64_t lo, int64_t hi, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> d(lo, hi);
  std::vector<double> v(n);
  for (auto& x : v) x = double(d(rng));
  return v;
}
inline std::vector<float> to_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

inline int64_t qround(double x, double s) { return int64_t(std::nearbyint(double(float(x) / float(s)))); }

// ---------------------------------------------------------------- a conv net

// input -> [Clip] -> Q -> DQ -> Conv -> [Relu] [Clip] -> Q -> DQ -> output, or a raw conv output.
struct ConvSpec {
  std::vector<int64_t> in_shape = {-1, 2, 6, 6};
  double s_in = 1.0 / 255;
  int64_t z_in = 0;
  int in_type = U8;
  double in_lo = 0, in_hi = 1;  // input Clip (NaN: none)
  int out_c = 3;
  std::vector<int64_t> k = {3, 3}, pads = {1, 1, 1, 1}, strides = {1, 1};
  std::vector<double> w_scales = {0.05};
  std::vector<int64_t> w_zps = {0};
  int w_type = I8;
  bool qat = false;                // int Constant weights + int32 bias, or float weights (-> Clip) -> Q -> DQ
  double w_lo = -0.3, w_hi = 0.3;  // fake-quant: the float weight range, also the Clip
  int64_t wq_lo = -7, wq_hi = 7;   // QAT: the integer weight range
  bool bias = true;
  bool raw = false;
  double s_out = 0.1;
  int64_t z_out = 0;
  int out_type = U8;
  bool relu = true;
  double clip_hi = NAN;  // Clip(0 or -inf, clip_hi) before the output Q
  uint32_t seed = 1;

  // filled by build()
  std::vector<double> w, b;       // float weights / bias (fake-quant) or integers (QAT)
  std::vector<int64_t> w_int;     // expected q_w - z_w
  std::vector<int64_t> bias_int;  // expected round(b / (s_in s_w))
  size_t ic() const { return size_t(in_shape[1]); }
  double sw(int c) const { return w_scales.size() == 1 ? w_scales[0] : w_scales[size_t(c)]; }
  int64_t zw(int c) const { return w_zps.size() == 1 ? w_zps[0] : w_zps[size_t(c)]; }

  GraphBuilder build() {
    std::mt19937 rng(seed);
    GraphBuilder g;
    g.input("x", in_shape);
    const size_t kk = ic() * size_t(k[0] * k[1]);
    const std::vector<int64_t> wd = {out_c, int64_t(ic()), k[0], k[1]};
    std::string x = g.fq_act("x", s_in, z_in, in_type, false, in_lo, in_hi);
    std::string wn, bn;
    int64_t clo = -128, chi = 127;
    if (w_type == U8) clo = 0, chi = 255;
    w_int.clear();
    bias_int.clear();
    if (qat) {
      w = uniform_int(size_t(out_c) * kk, wq_lo, wq_hi, rng);
      for (size_t i = 0; i < w.size(); ++i) {
        w[i] += double(zw(int(i / kk)));
        w_int.push_back(int64_t(w[i]) - zw(int(i / kk)));
      }
      wn = g.qat_weight(wd, w, w_type, w_scales, w_zps, 0);
      if (bias) {
        std::vector<double> q, s;
        b = uniform_int(size_t(out_c), -3000, 3000, rng);
        for (int c = 0; c < out_c; ++c)
          s.push_back(double(float(s_in * sw(c)))), bias_int.push_back(int64_t(b[size_t(c)]));
        bn = g.qat_bias(b, s);
      }
    } else {
      w = uniform(size_t(out_c) * kk, w_lo * 1.3, w_hi * 1.3, rng);  // beyond the Clip
      for (size_t i = 0; i < w.size(); ++i) {
        const int c = int(i / kk);
        const double cl = std::min(std::max(w[i], w_lo), w_hi);
        w_int.push_back(std::clamp(qround(cl, sw(c)) + zw(c), clo, chi) - zw(c));
      }
      wn = g.fq_weight("w", wd, w, w_scales, w_zps, w_type, 0, w_lo, w_hi);
      if (bias) {
        b = uniform(size_t(out_c), -0.5, 0.5, rng);
        bn = g.init("b", F32, {out_c}, b);
        for (int c = 0; c < out_c; ++c) bias_int.push_back(int64_t(std::nearbyint(b[size_t(c)] / (s_in * sw(c)))));
      }
    }
    if (!bias) bias_int.assign(size_t(out_c), 0);
    std::string y = g.conv(x, wn, bn, k, pads, strides, "conv");
    if (!raw)
      y = g.fq_act(y, s_out, z_out, out_type, relu, std::isnan(clip_hi) ? NAN : (relu ? 0.0 : -1e9), clip_hi);
    else if (relu)
      y = g.op("Relu", {y});
    g.output(y);
    return g;
  }
  std::vector<float> input(int batch, uint32_t s) const {
    std::mt19937 rng(s);
    int64_t n = batch;
    for (size_t d = 1; d < in_shape.size(); ++d) n *= in_shape[d];
    const double lo = std::isnan(in_lo) ? -1 : in_lo, hi = std::isnan(in_hi) ? 1 : in_hi;
    return to_float(uniform(size_t(n), lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), rng));
  }
};

}  // namespace bft
