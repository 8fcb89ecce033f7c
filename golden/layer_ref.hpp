// Whole-layer golden reference in PyTorch's layouts: direct convolution
// (NCHW input, OIHW weights) with optional bias and requantization, and
// 2x2 max pooling. Plain nested loops, independent of the compiler, the
// functional machine and the RTL, which are all checked against it.
#pragma once
#include <cstdint>
#include <vector>

#include "golden/precision.hpp"
#include "golden/requant.hpp"

namespace bf {

struct ConvParams {
  int batch = 1, in_c = 1, in_h = 1, in_w = 1;
  int out_c = 1, kernel_h = 1, kernel_w = 1, stride = 1, pad = 0;
  int out_h() const { return (in_h + 2 * pad - kernel_h) / stride + 1; }
  int out_w() const { return (in_w + 2 * pad - kernel_w) / stride + 1; }
};

// Output stage: raw (out_bits == 0): int32(acc + bias) with 32-bit wrap;
// requantized: bf::requantize (golden/requant.hpp) of int32(acc + bias)
// with mult/shift/round (or the channel's entry of `channel`), the zero
// point and the clamp range: [clamp_lo, clamp_hi] when `clamp`, else the
// range of out_bits (1 counts as 2), unsigned after ReLU, signed otherwise.
// The defaults are the plain floor shift saturate(relu ? max(0, v) : v),
// v = int32(acc + bias) >> shift.
struct OutputStage {
  int out_bits = 0;
  bool relu = false;
  int shift = 0;
  uint32_t mult = 1;
  bool round = false;
  int zero_point = 0;
  bool clamp = false;
  int clamp_lo = 0, clamp_hi = 0;
  std::vector<RequantParams> channel{};  // per output channel (empty: mult/shift/round)
};

int64_t requantize(int64_t acc_plus_bias_wrapped, const OutputStage& o, int channel = 0);

// Direct convolution, 32-bit wrap-around accumulation, then the output
// stage. `bias` is empty or has out_c values. Output NCHW.
std::vector<int64_t> conv_layer_ref(const ConvParams& p, const std::vector<int64_t>& x_nchw,
                                    const std::vector<int64_t>& w_oihw, const std::vector<int64_t>& bias,
                                    const OutputStage& o);

// Max pooling, kernel k, stride s, no padding (VALID). Output NCHW.
std::vector<int64_t> maxpool_ref(const std::vector<int64_t>& x_nchw, int batch, int c, int h, int w, int k, int s);

}  // namespace bf
