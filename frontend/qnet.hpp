// The IR of a quantized network, as the ONNX front end imports it
// (frontend/onnx_import.hpp) and the integer reference runs it
// (frontend/qnet_ref.hpp). docs/onnx.md describes the semantics.
//
// Every tensor between the network's input and output holds integers q
// with a real value scale * (q - zero_point); its values are guaranteed to
// lie in [qmin, qmax], and `type` is the narrowest operand width of the
// project that holds that range and the zero point. Two tensors are
// float: the network input (before its QuantizeLinear) and the final
// output (after its DequantizeLinear).
//
// Ops run in the order of QNet::ops (topological). Conv and fc ops run on
// the device; everything else runs on the host.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "golden/precision.hpp"
#include "golden/requant.hpp"

namespace bf::fe {

// The batch dimension of a tensor whose model leaves it symbolic.
constexpr int64_t kSymbolicBatch = -1;

struct Quant {
  std::vector<double> scale{1.0};  // one value (per tensor) or one per channel (raw int32 outputs only)
  int64_t zero_point = 0;
  int64_t qmin = 0, qmax = 0;  // every value lies in [qmin, qmax]
  Operand type{8, false};      // narrowest width holding [min(qmin, z), max(qmax, z)]; bits 32: raw int32
  double scale_of(int64_t channel) const { return scale.size() == 1 ? scale[0] : scale[size_t(channel)]; }
};

struct Tensor {
  std::string name;
  // NCHW (rank 4) or (N, C) (rank 2); shape[0] is the batch as the model
  // declares it (kSymbolicBatch when symbolic). Ops work per image: the
  // reference runs any batch.
  std::vector<int64_t> shape;
  bool is_float = false;      // the network input / final output
  Quant q;                    // integer tensors only
  int64_t per_image() const;  // product of shape[1..]
  int64_t channels() const { return shape.size() > 1 ? shape[1] : 1; }
  std::string shape_str() const;  // without the batch, e.g. "4x8x8"
};

enum class OpKind {
  Quantize,           // float input -> integers (host)
  Dequantize,         // integers -> float output (host)
  Conv,               // device
  Fc,                 // device (Gemm / MatMul)
  MaxPool,            // host
  AveragePool,        // host
  GlobalAveragePool,  // host
  Add,                // host: residual, two inputs with their own scales
  Concat,             // host: channels, inputs on the output's grid
  Reshape,            // host: Flatten / Reshape, layout only (NCHW order kept)
  Requantize,         // host: rescale to another grid and/or clamp (Relu / Clip on quantized values)
  Pad,                // host: constant spatial padding with an integer value
};

const char* op_kind_name(OpKind k);  // "conv", "fc", "maxpool", ...

// Convolution geometry; an fc layer is in_h = in_w = kernel = 1.
struct Geometry {
  int in_c = 1, in_h = 1, in_w = 1;
  int out_c = 1, out_h = 1, out_w = 1;
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t kernel_size() const { return int64_t(in_c) * kernel_h * kernel_w; }  // weights per output channel
};

// What a conv / fc op needs on the device.
//
//   acc[c]   = sum_k w[c][k] * q_in[k]           (q_in padded with in_zero_point at the borders)
//   sum[c]   = int32(acc[c] + bias_dev[c])       (32-bit wrap)
//   out[c]   = raw ? sum[c] : bf::requantize(sum[c], requant[c or 0], out_zero_point, out_lo, out_hi)
//
// with bias_dev[c] = bias[c] - in_zero_point * sum_k w[c][k], so that
// sum[c] = sum_k w[c][k] * (q_in[k] - z_in) + bias[c] (zero padding) exactly.
struct DeviceLayer {
  Geometry g;
  Operand act{8, false}, wgt{8, true};  // act = the input tensor's type
  int64_t in_zero_point = 0;
  std::vector<int64_t> weights;        // OIHW, q_w - z_w (fc: (out, in))
  std::vector<int64_t> weight_sums;    // sum_k w[c][k], out_c values
  std::vector<int64_t> bias;           // round(b[c] / (s_in * s_w[c])), out_c values (0 without bias); s_w and b
                                       // are effective: with per-channel Mul / Add / BatchNormalization folded in
  std::vector<int64_t> bias_dev;       // bias[c] - in_zero_point * weight_sums[c] (fits int32)
  bool raw = false;                    // no output quantization: out = sum (int32), scale s_in * s_w[c]
  bool per_channel = false;            // requant has out_c entries (else one)
  std::vector<RequantParams> requant;  // from m = s_in * s_w[c] / s_out (bf::quantize_multiplier)
  std::vector<double> real_scale;      // m per channel (requantized) or s_in * s_w[c] (raw), informative
  int64_t out_zero_point = 0, out_lo = 0, out_hi = 0;  // output tensor's zero point and integer range
  uint64_t macs_per_image() const { return uint64_t(g.out_c) * g.out_h * g.out_w * uint64_t(g.kernel_size()); }
  const RequantParams& requant_for(int c) const { return requant[per_channel ? size_t(c) : 0]; }
};

// Window of a pooling op (GlobalAveragePool: the whole image).
struct Pool {
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;  // AveragePool: divisor is the full window
};

// Residual add: out = clamp(z_out + ((mult_a*(qa - za) + mult_b*(qb - zb) + 2^(shift-1)) >> shift), lo, hi)
// (shift 0: no rounding term), mult_x = round(s_x / s_out * 2^shift), the
// larger one in [2^15, 2^16).
struct AddParams {
  int64_t mult_a = 1, mult_b = 1;
  int shift = 0;
};

struct Op {
  OpKind kind = OpKind::Reshape;
  std::string name;         // the ONNX node's name (or its op type and output)
  std::vector<int> inputs;  // tensor ids
  int output = -1;

  DeviceLayer dev;  // Conv, Fc
  Pool pool;        // MaxPool, AveragePool, GlobalAveragePool
  // AveragePool / GlobalAveragePool: requantization of the window sum by
  // the number of values it averages, by_count[n] = quantize_multiplier(s_in / (s_out * n)).
  // Requantize: by_count[0] is the rescale s_in / s_out (mult 1, shift 0 when equal).
  std::vector<RequantParams> by_count;
  AddParams add;                      // Add
  int64_t pad_value = 0;              // Pad: the integer written at the borders
  std::vector<int> pads;              // Pad: top, left, bottom, right
  double float_lo = 0, float_hi = 0;  // Dequantize: float clamp when has_float_clamp (Relu on a raw output)
  bool has_float_clamp = false;

  bool on_device() const { return kind == OpKind::Conv || kind == OpKind::Fc; }
};

struct QNet {
  std::vector<Tensor> tensors;
  std::vector<Op> ops;  // topological order
  int input = -1;       // the float network input
  int output = -1;      // the network output (float after Dequantize, else an integer tensor)
  int opset = 0;
  std::string producer;  // e.g. "pytorch 1.13.0"
  std::string source;    // file name

  uint64_t device_macs_per_image() const;
};

// The narrowest of u1, u2, s2, u4, s4, u8, s8, u16, s16 holding [lo, hi];
// Operand{32, true} when none does.
Operand narrowest_operand(int64_t lo, int64_t hi);
// The true range of a derived width (u1 is [0, 1]; 32 bits: int32).
int64_t operand_min(const Operand& o);
int64_t operand_max(const Operand& o);
std::string operand_str(const Operand& o);  // "u2", "s8", "i32"

// Printing (bitfusion import / run --onnx): the op with its window, e.g.
// "conv 5x5 p2", "maxpool 2x2/2"; a tensor's type ("u2", "f32"); the
// operand widths, "u2 x s2" (device) or "u2 -> u2" (host).
std::string op_text(const Op& op);
std::string type_text(const Tensor& t);
std::string widths_text(const QNet& n, const Op& op);
// The requantization column of `bitfusion import` (and its JSON for host
// ops): "per-layer 41943>>21 z0 [0,3]", "scale 0.003922 z0 [0,255]", ...
std::string requant_text(const QNet& n, const Op& op);
// What `bitfusion import` prints: the header line (source, opset, producer,
// input and output), one row per op (name, kind, shapes, widths,
// MACs/image, where it runs, requantization), the totals.
void print_network(const QNet& n, std::FILE* out);

}  // namespace bf::fe
