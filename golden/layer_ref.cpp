#include "golden/layer_ref.hpp"

#include <algorithm>
#include <limits>

namespace bf {

namespace {
int64_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
}  // namespace

int64_t requantize(int64_t v, const OutputStage& o, int channel) {
  v = wrap32(v);
  if (o.out_bits == 0) return v;
  const Operand t{o.out_bits, !o.relu};
  const int64_t lo = o.clamp ? o.clamp_lo : min_value(t), hi = o.clamp ? o.clamp_hi : max_value(t);
  RequantParams p{o.mult, o.shift, o.round};
  if (!o.channel.empty()) p = o.channel.at(size_t(channel));
  return bf::requantize(int32_t(v), p, o.zero_point, lo, hi);
}

std::vector<int64_t> conv_layer_ref(const ConvParams& p, const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                                    const std::vector<int64_t>& bias, const OutputStage& o) {
  const int oh = p.out_h(), ow = p.out_w();
  std::vector<int64_t> y(static_cast<size_t>(p.batch) * p.out_c * oh * ow);
  size_t idx = 0;
  for (int b = 0; b < p.batch; ++b)
    for (int oc = 0; oc < p.out_c; ++oc)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          int64_t acc = 0;
          for (int ic = 0; ic < p.in_c; ++ic)
            for (int ky = 0; ky < p.kernel_h; ++ky)
              for (int kx = 0; kx < p.kernel_w; ++kx) {
                const int iy = oy * p.stride + ky - p.pad, ix = ox * p.stride + kx - p.pad;
                if (iy < 0 || iy >= p.in_h || ix < 0 || ix >= p.in_w) continue;
                const int64_t xv = x[((size_t(b) * p.in_c + ic) * p.in_h + iy) * p.in_w + ix];
                const int64_t wv = w[((size_t(oc) * p.in_c + ic) * p.kernel_h + ky) * p.kernel_w + kx];
                acc = wrap32(acc + xv * wv);
              }
          if (!bias.empty()) acc += bias[oc];
          y[idx++] = requantize(acc, o, oc);
        }
  return y;
}

std::vector<int64_t> maxpool_ref(const std::vector<int64_t>& x, int batch, int c, int h, int w, int k, int s) {
  const int oh = (h - k) / s + 1, ow = (w - k) / s + 1;
  std::vector<int64_t> y(static_cast<size_t>(batch) * c * oh * ow);
  size_t idx = 0;
  for (int b = 0; b < batch; ++b)
    for (int ch = 0; ch < c; ++ch)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          int64_t m = std::numeric_limits<int64_t>::min();
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx)
              m = std::max(m, x[((size_t(b) * c + ch) * h + oy * s + ky) * w + ox * s + kx]);
          y[idx++] = m;
        }
  return y;
}

}  // namespace bf
