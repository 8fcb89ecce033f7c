// The ONNX front end and the integer reference executor: graphs of both
// PyTorch export forms built here (onnx_builder.hpp) and the committed
// PyTorch 1.13 fixtures (gen_fixtures.py). The IR is checked against values
// computed here from the model's numbers (quantized weights, folded
// biases, multipliers, widths); the executor against the float QDQ
// semantics of the graph (float_check.hpp) and against PyTorch's outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "conv_spec.hpp"
#include "float_check.hpp"
#include "frontend/onnx_import.hpp"
#include "frontend/qnet_ref.hpp"
#include "golden/requant.hpp"
#include "onnx_builder.hpp"

using namespace bf;
using namespace bf::fe;
using namespace bft;

namespace {

QNet import(const GraphBuilder& b) { return import_onnx_bytes(b.bytes(), "test"); }

std::vector<OpKind> kinds(const QNet& n) {
  std::vector<OpKind> k;
  for (const auto& op : n.ops) k.push_back(op.kind);
  return k;
}
const Op& nth(const QNet& n, OpKind k, int i = 0) {
  for (const auto& op : n.ops)
    if (op.kind == k && i-- == 0) return op;
  throw std::runtime_error(std::string("no op ") + op_kind_name(k));
}
const Tensor& out_of(const QNet& n, const Op& op) { return n.tensors[size_t(op.output)]; }

// The device formulation, independent of the executor: raw q_in padded
// with z_in, 32-bit wrapping accumulation, + bias_dev, then the output stage.
std::vector<int64_t> device_formulation(const Op& op, const std::vector<int64_t>& q, int batch) {
  const DeviceLayer& d = op.dev;
  const Geometry& g = d.g;
  std::vector<int64_t> y;
  for (int b = 0; b < batch; ++b)
    for (int o = 0; o < g.out_c; ++o)
      for (int i = 0; i < g.out_h; ++i)
        for (int j = 0; j < g.out_w; ++j) {
          uint32_t acc = 0;
          for (int c = 0; c < g.in_c; ++c)
            for (int ky = 0; ky < g.kernel_h; ++ky)
              for (int kx = 0; kx < g.kernel_w; ++kx) {
                const int yy = i * g.stride_h + ky - g.pad_top, xx = j * g.stride_w + kx - g.pad_left;
                const bool inside = yy >= 0 && yy < g.in_h && xx >= 0 && xx < g.in_w;
                const int64_t v = inside ? q[size_t(((b * g.in_c + c) * g.in_h + yy) * g.in_w + xx)] : d.in_zero_point;
                acc += uint32_t(int64_t(d.weights[size_t(((o * g.in_c + c) * g.kernel_h + ky) * g.kernel_w + kx)]) * v);
              }
          acc += uint32_t(d.bias_dev[size_t(o)]);
          const int32_t sum = int32_t(acc);
          y.push_back(d.raw ? sum : requantize(sum, d.requant_for(o), d.out_zero_point, d.out_lo, d.out_hi));
        }
  return y;
}

// Imports the spec's model and checks the conv op against the spec's
// numbers, the executor against the float semantics and the device formulation.
FloatCheck check_conv_spec(ConvSpec& s, int batch = 2) {
  GraphBuilder g = s.build();
  const QNet n = import(g);
  const Op& c = nth(n, OpKind::Conv);
  const DeviceLayer& d = c.dev;
  EXPECT_EQ(d.weights, s.w_int);
  EXPECT_EQ(d.bias, s.bias_int);
  for (int o = 0; o < s.out_c; ++o) {
    int64_t sum = 0;
    for (size_t k = 0; k < d.weights.size() / size_t(s.out_c); ++k)
      sum += s.w_int[size_t(o) * (d.weights.size() / size_t(s.out_c)) + k];
    EXPECT_EQ(d.bias_dev[size_t(o)], s.bias_int[size_t(o)] - s.z_in * sum) << "channel " << o;
  }
  EXPECT_EQ(d.in_zero_point, s.z_in);
  EXPECT_EQ(d.raw, s.raw);
  if (!s.raw) {
    for (int o = 0; o < s.out_c; ++o) {
      const RequantParams want = quantize_multiplier(s.s_in * s.sw(o) / s.s_out);
      EXPECT_EQ(d.requant_for(o).mult, want.mult);
      EXPECT_EQ(d.requant_for(o).shift, want.shift);
      EXPECT_TRUE(d.requant_for(o).round);
    }
    EXPECT_EQ(d.out_zero_point, s.z_out);
  }
  FloatCheck fc = float_check(g.model(), n, s.input(batch, s.seed + 100), batch);
  // the device's formulation gives the executor's values bit for bit
  const auto& q_in = fc.ref.q[size_t(c.inputs[0])];
  EXPECT_EQ(device_formulation(c, q_in, batch), fc.ref.q[size_t(c.output)]);
  EXPECT_EQ(device_op_ref(c, q_in, batch), fc.ref.q[size_t(c.output)]);
  return fc;
}

// ------------------------------------------------------------------ tests

TEST(FrontendConv, FakeQuantPerTensor) {
  ConvSpec s;
  const FloatCheck fc = check_conv_spec(s);
  EXPECT_GT(fc.compared, 100);
  EXPECT_LE(fc.ties, fc.compared / 50);
}

TEST(FrontendConv, QatPerChannelInt32Bias) {
  ConvSpec s;
  s.qat = true;
  s.w_scales = {0.01, 0.02, 0.015};
  s.w_zps = {0, 0, 0};
  s.s_out = 0.05;
  s.z_out = 10;
  const FloatCheck fc = check_conv_spec(s);
  const QNet n = import(s.build());
  EXPECT_TRUE(nth(n, OpKind::Conv).dev.per_channel);
  EXPECT_EQ(nth(n, OpKind::Conv).dev.requant.size(), 3u);
  // the Relu narrows the clamp to [z_out, 255]
  EXPECT_EQ(nth(n, OpKind::Conv).dev.out_lo, 10);
  EXPECT_EQ(nth(n, OpKind::Conv).dev.out_hi, 255);
  EXPECT_LE(fc.ties, fc.compared / 50);
}

TEST(FrontendConv, UniformPerChannelScalesAreOneRequantization) {
  ConvSpec s;
  s.w_scales = {0.05, 0.05, 0.05};
  s.w_zps = {0, 0, 0};
  const QNet n = import(s.build());
  EXPECT_FALSE(nth(n, OpKind::Conv).dev.per_channel);
  EXPECT_EQ(nth(n, OpKind::Conv).dev.requant.size(), 1u);
  check_conv_spec(s);
}

TEST(FrontendConv, WeightZeroPoints) {
  ConvSpec s;  // uint8 weights around 128 (QAT)
  s.qat = true;
  s.w_type = U8;
  s.w_zps = {128};
  s.wq_lo = -20, s.wq_hi = 20;
  check_conv_spec(s);
  ConvSpec p;  // per-channel int8 zero points (fake-quant)
  p.w_scales = {0.01, 0.02, 0.03};
  p.w_zps = {-5, 3, 0};
  const FloatCheck fc = check_conv_spec(p);
  EXPECT_GT(fc.compared, 0);
  const QNet n = import(p.build());
  EXPECT_TRUE(nth(n, OpKind::Conv).dev.per_channel);
}

// The input zero point at the borders: the device pads with z_in, the
// folded bias cancels it; the float semantics pads with real 0.
TEST(FrontendConv, ZeroPointFoldingAtPaddedBorders) {
  for (bool raw : {true, false}) {
    for (int variant = 0; variant < 3; ++variant) {
      ConvSpec s;
      s.raw = raw;
      s.z_in = variant == 2 ? -40 : 100;
      s.in_type = variant == 2 ? I8 : U8;
      s.in_lo = -0.3, s.in_hi = 0.6;
      s.relu = false;
      s.z_out = 128;
      s.in_shape = {-1, 3, 7, 5};
      s.k = variant == 0 ? std::vector<int64_t>{3, 3} : std::vector<int64_t>{3, 2};
      s.pads = variant == 0 ? std::vector<int64_t>{1, 1, 1, 1} : std::vector<int64_t>{0, 1, 2, 1};
      s.strides = variant == 0 ? std::vector<int64_t>{1, 1} : std::vector<int64_t>{2, 1};
      s.seed = uint32_t(10 + variant);
      SCOPED_TRACE("raw " + std::to_string(raw) + " variant " + std::to_string(variant));
      const FloatCheck fc = check_conv_spec(s, 3);
      EXPECT_GT(fc.compared + int64_t(fc.ref.output.size()), 0);
      const QNet n = import(s.build());
      const Geometry& g = nth(n, OpKind::Conv).dev.g;
      EXPECT_EQ(g.pad_top, int(s.pads[0]));
      EXPECT_EQ(g.pad_right, int(s.pads[3]));
      EXPECT_EQ(g.stride_h, int(s.strides[0]));
      EXPECT_EQ(g.out_h, int((7 + s.pads[0] + s.pads[2] - s.k[0]) / s.strides[0] + 1));
      EXPECT_EQ(nth(n, OpKind::Conv).dev.act.bits, 8);
      EXPECT_EQ(nth(n, OpKind::Conv).dev.act.is_signed, variant == 2);
    }
  }
}

// Without a bias the folded bias is -z_in * sum(w) alone; the border
// outputs differ from the interior ones only by the missing terms.
TEST(FrontendConv, NoBiasFoldsZeroPointOnly) {
  ConvSpec s;
  s.bias = false;
  s.z_in = 77;
  s.raw = true;
  s.relu = false;
  check_conv_spec(s);
}

TEST(FrontendConv, SameUpperAutoPad) {
  ConvSpec s;
  s.in_shape = {1, 2, 6, 7};
  s.strides = {2, 2};
  GraphBuilder g = s.build();
  for (auto& n : *g.graph().mutable_node()) {
    if (n.op_type() != "Conv") continue;
    for (int i = 0; i < n.attribute_size(); ++i)
      if (n.attribute(i).name() == "pads") n.mutable_attribute()->DeleteSubrange(i, 1);
    GraphBuilder::attr_s(&n, "auto_pad", "SAME_UPPER");
  }
  const QNet n = import(g);
  const Geometry& ge = nth(n, OpKind::Conv).dev.g;
  // out = ceil(in / stride); total pad = (out - 1) * stride + k - in, the extra one at the end
  EXPECT_EQ(ge.out_h, 3);
  EXPECT_EQ(ge.out_w, 4);
  EXPECT_EQ(ge.pad_top, 0);
  EXPECT_EQ(ge.pad_bottom, 1);
  EXPECT_EQ(ge.pad_left, 1);
  EXPECT_EQ(ge.pad_right, 1);
  float_check(g.model(), n, s.input(2, 5), 2);
}

// ------------------------------------------------------------- widths

struct WidthCase {
  const char* name;
  int type;  // output Q container
  int64_t zp;
  double lo, hi;     // Clip before the Q, in units of the scale (NaN: none)
  const char* want;  // the output tensor's width
};

void PrintTo(const WidthCase& w, std::ostream* os) { *os << w.name; }

class FrontendWidth : public ::testing::TestWithParam<WidthCase> {};

TEST_P(FrontendWidth, ActivationFromClipAndContainer) {
  const WidthCase& w = GetParam();
  const double s = 0.125;
  GraphBuilder g;
  g.input("x", {1, 1, 4, 4});
  std::string x = g.fq_act("x", 1.0 / 128, 0, I8, false, -1.0, 127.0 / 128);
  std::string wn = g.fq_weight("w", {2, 1, 1, 1}, {0.5, -0.25}, {0.25}, {0}, I8);
  std::string y = g.conv(x, wn, "", {1, 1});
  if (!std::isnan(w.lo)) y = g.op("Clip", {y, g.scalar(F32, w.lo * s), g.scalar(F32, w.hi * s)});
  y = g.fq_act(y, s, w.zp, w.type);
  y = g.conv(y, g.fq_weight("w2", {1, 2, 1, 1}, {0.25, 0.5}, {0.25}, {0}, I8), "", {1, 1});
  g.output(y);
  const QNet n = import(g);
  const Op& c1 = nth(n, OpKind::Conv, 0);
  EXPECT_EQ(operand_str(out_of(n, c1).q.type), w.want);
  EXPECT_EQ(operand_str(nth(n, OpKind::Conv, 1).dev.act), w.want);  // the next layer's act operand
  std::mt19937 rng(3);
  float_check(g.model(), n, to_float(uniform(16, -1.1, 1.1, rng)), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Widths, FrontendWidth,
    ::testing::Values(WidthCase{"u1", U8, 0, 0, 1, "u1"}, WidthCase{"u2", U8, 0, 0, 3, "u2"},
                      WidthCase{"u2_relu_clip", U8, 0, -5, 2, "u2"}, WidthCase{"u4", U8, 0, 0, 15, "u4"},
                      WidthCase{"u8", U8, 0, NAN, NAN, "u8"}, WidthCase{"u8_zp", U8, 100, NAN, NAN, "u8"},
                      WidthCase{"s2", I8, 0, -2, 1, "s2"}, WidthCase{"s2_narrow", I8, 0, -1, 1, "s2"},
                      WidthCase{"s4", I8, 0, -8, 7, "s4"}, WidthCase{"u4_zp", U8, 4, -4, 3, "u4"},
                      WidthCase{"s8", I8, 0, NAN, NAN, "s8"}, WidthCase{"s8_zp_outside", I8, 0, 2, 9, "u4"},
                      WidthCase{"u16", U16, 0, NAN, NAN, "u16"}, WidthCase{"s16", I16, 0, NAN, NAN, "s16"},
                      WidthCase{"s16_clip", I16, 0, -200, 200, "s16"}, WidthCase{"u16_clip", U16, 0, 0, 300, "u16"}),
    [](const ::testing::TestParamInfo<WidthCase>& i) { return std::string(i.param.name); });

// Weight widths: the narrowest operand holding the quantized values.
TEST(FrontendWidths, Weights) {
  struct W {
    std::vector<double> q;
    int type;
    const char* want;
  };
  const std::vector<W> cases = {{{0, 1, 1, 0}, I8, "u1"},        {{-1, 0, 1, 1}, I8, "s2"},
                                {{-2, 1, 0, 0}, I8, "s2"},       {{0, 3, 2, 1}, I8, "u2"},
                                {{-8, 7, 0, 1}, I8, "s4"},       {{-9, 7, 0, 1}, I8, "s8"},
                                {{200, 0, 1, 1}, U8, "u8"},      {{-128, 127, 0, 0}, I8, "s8"},
                                {{-300, 299, 5, 0}, I32, "s16"}, {{0, 40000, 1, 2}, I32, "u16"}};
  for (const auto& c : cases) {
    GraphBuilder g;
    g.input("x", {1, 4});
    const std::string x = g.fq_act("x", 1.0 / 64, 0, I8);
    const std::string w = g.qat_weight({1, 4}, c.q, c.type, {0.01}, {0});
    g.output(g.gemm(x, w, ""));
    const QNet n = import(g);
    EXPECT_EQ(operand_str(nth(n, OpKind::Fc).dev.wgt), c.want) << c.want;
    std::vector<int64_t> want(c.q.begin(), c.q.end());
    EXPECT_EQ(nth(n, OpKind::Fc).dev.weights, want);
    float_check(g.model(), n, {0.1f, -0.5f, 0.25f, 0.9f}, 1);
  }
}

TEST(FrontendWidths, NarrowestOperand) {
  EXPECT_EQ(operand_str(narrowest_operand(0, 1)), "u1");
  EXPECT_EQ(operand_str(narrowest_operand(0, 2)), "u2");
  EXPECT_EQ(operand_str(narrowest_operand(-1, 0)), "s2");
  EXPECT_EQ(operand_str(narrowest_operand(-2, 1)), "s2");
  EXPECT_EQ(operand_str(narrowest_operand(-2, 2)), "s4");
  EXPECT_EQ(operand_str(narrowest_operand(0, 15)), "u4");
  EXPECT_EQ(operand_str(narrowest_operand(0, 16)), "u8");
  EXPECT_EQ(operand_str(narrowest_operand(-8, 7)), "s4");
  EXPECT_EQ(operand_str(narrowest_operand(-1, 8)), "s8");
  EXPECT_EQ(operand_str(narrowest_operand(0, 256)), "u16");
  EXPECT_EQ(operand_str(narrowest_operand(-129, 0)), "s16");
  EXPECT_EQ(operand_str(narrowest_operand(0, 65536)), "i32");
  EXPECT_EQ(operand_str(narrowest_operand(-32769, 0)), "i32");
}

// PyTorch's (0, 127) export: QuantizeLinear -> Clip(int, max 127) -> DequantizeLinear;
// a narrower integer Clip narrows the width.
TEST(FrontendWidths, IntegerClipBetweenQAndDq) {
  for (int hi : {127, 15}) {
    GraphBuilder g;
    g.input("x", {1, 1, 3, 3});
    const std::string s = g.scalar(F32, 1.0 / 127), z = g.scalar(U8, 0);
    std::string q = g.op("QuantizeLinear", {"x", s, z});
    q = g.op("Clip", {q, "", g.scalar(U8, hi)});
    const std::string x = g.op("DequantizeLinear", {q, s, z});
    g.output(g.conv(x, g.fq_weight("w", {1, 1, 1, 1}, {0.5}, {0.25}, {0}, I8), "", {1, 1}));
    const QNet n = import(g);
    const Tensor& t = out_of(n, nth(n, OpKind::Quantize));
    EXPECT_EQ(t.q.qmax, hi);
    EXPECT_EQ(operand_str(t.q.type), hi == 127 ? "u8" : "u4");
    EXPECT_EQ(t.name, q);
    float_check(g.model(), n, {0, 0.05f, 0.1f, 0.3f, 0.5f, 0.9f, 1.0f, 1.5f, -1.0f}, 1);
  }
}

// Q -> Cast -> Clip(int) -> DQ narrows the QuantizeLinear itself; when the
// unclipped integers are read elsewhere too, the Clip becomes a clamp op.
TEST(FrontendWidths, IntegerClipWithCastAndFanOut) {
  for (bool fan_out : {false, true}) {
    GraphBuilder g;
    g.input("x", {1, 1, 3, 3});
    const std::string s = g.scalar(F32, 1.0 / 127), z = g.scalar(U8, 0);
    const std::string q = g.op("QuantizeLinear", {"x", s, z});
    std::string c = g.op("Cast", {q});
    GraphBuilder::attr_i(g.last(), "to", U8);
    c = g.op("Clip", {c, "", g.scalar(U8, 3)});
    std::string a = g.op("DequantizeLinear", {c, s, z});
    a = g.conv(a, g.fq_weight("w", {1, 1, 1, 1}, {0.5}, {0.25}, {0}, I8), "", {1, 1});
    if (fan_out) {
      const std::string b = g.op("DequantizeLinear", {q, s, z});
      a = g.op("Add", {g.fq_act(a, 0.01, 0, U8), b});
      a = g.fq_act(a, 0.02, 0, U8);
    }
    g.output(a);
    const QNet n = import(g);
    const Tensor& t = out_of(n, nth(n, OpKind::Quantize));
    EXPECT_EQ(t.q.qmax, fan_out ? 255 : 3);
    int rq = 0;
    for (const auto& op : n.ops) rq += op.kind == OpKind::Requantize;
    EXPECT_EQ(rq, fan_out ? 1 : 0);
    EXPECT_EQ(operand_str(nth(n, OpKind::Conv).dev.act), "u2");
    float_check(g.model(), n, {0, 0.01f, 0.02f, 0.03f, 0.5f, 0.9f, 1.0f, 1.5f, -1.0f}, 1);
  }
}

// A raw conv output (no QuantizeLinear after it) with a Relu: the host
// dequantizes with s_in * s_w[c] and applies the Relu in float.
TEST(FrontendConv, RawOutputWithRelu) {
  ConvSpec s;
  s.raw = true;
  s.relu = true;
  s.w_scales = {0.01, 0.02, 0.03};
  s.w_zps = {0, 0, 0};
  const FloatCheck fc = check_conv_spec(s);
  const QNet n = import(s.build());
  const Op& dq = n.ops.back();
  ASSERT_EQ(dq.kind, OpKind::Dequantize);
  EXPECT_TRUE(dq.has_float_clamp);
  EXPECT_EQ(dq.float_lo, 0.0);
  const Tensor& raw = n.tensors[size_t(dq.inputs[0])];
  EXPECT_EQ(raw.q.type.bits, 32);
  ASSERT_EQ(raw.q.scale.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_DOUBLE_EQ(raw.q.scale[size_t(c)], double(float(s.s_in)) * double(float(s.sw(c))));
  int negative = 0;
  for (float v : fc.ref.output) negative += v < 0;
  EXPECT_EQ(negative, 0);
}

// -------------------------------------------------------------- host ops

// Two branches with their own scales -> Add -> Relu -> Q (residual).
TEST(FrontendHost, ResidualAdd) {
  for (int form = 0; form < 2; ++form) {
    GraphBuilder g;
    std::mt19937 rng(21);
    g.input("x", {-1, 2, 5, 5});
    const std::string x = g.fq_act("x", 1.0 / 100, 20, U8, false, -0.2, 2.3);
    std::string a = g.conv(x, g.fq_weight("wa", {2, 2, 3, 3}, uniform(36, -0.3, 0.3, rng), {0.02}, {0}, I8), "", {3, 3},
                           {1, 1, 1, 1});
    a = g.fq_act(a, 0.04, 0, U8, true);
    std::string b = g.conv(a, g.fq_weight("wb", {2, 2, 1, 1}, uniform(4, -0.5, 0.5, rng), {0.01}, {0}, I8), "", {1, 1});
    b = g.fq_act(b, 0.03, 5, I8);
    std::string s = form == 0 ? g.op("Add", {a, b}) : g.op("Add", {b, a});
    s = g.fq_act(s, 0.05, 0, U8, true, 0.0, 15 * 0.05);
    g.output(s);
    const QNet n = import(g);
    const Op& add = nth(n, OpKind::Add);
    // fixed point: the larger multiplier in [2^15, 2^16), both on one shift
    const double sa = double(float(form == 0 ? 0.04 : 0.03)), sb = double(float(form == 0 ? 0.03 : 0.04));
    const double ma = sa / double(float(0.05)), mb = sb / double(float(0.05));
    EXPECT_EQ(add.add.mult_a, std::llround(std::ldexp(ma, add.add.shift)));
    EXPECT_EQ(add.add.mult_b, std::llround(std::ldexp(mb, add.add.shift)));
    EXPECT_NEAR(double(add.add.mult_a) / std::ldexp(1.0, add.add.shift), ma, 1e-4);
    EXPECT_NEAR(double(add.add.mult_b) / std::ldexp(1.0, add.add.shift), mb, 1e-4);
    EXPECT_GE(std::max(add.add.mult_a, add.add.mult_b), 32768);
    EXPECT_LT(std::max(add.add.mult_a, add.add.mult_b), 65536);
    EXPECT_EQ(operand_str(out_of(n, add).q.type), "u4");
    const FloatCheck fc = float_check(g.model(), n, to_float(uniform(2 * 50, -0.3, 2.5, rng)), 2);
    EXPECT_GT(fc.tensors, 3);
  }
}

TEST(FrontendHost, ConcatSameAndDifferentScales) {
  for (bool same : {true, false}) {
    GraphBuilder g;
    std::mt19937 rng(5);
    g.input("x", {-1, 1, 4, 4});
    const std::string x = g.fq_act("x", 1.0 / 255, 0, U8, false, 0.0, 1.0);
    std::string a = g.conv(x, g.fq_weight("wa", {2, 1, 3, 3}, uniform(18, -0.5, 0.5, rng), {0.02}, {0}, I8), "", {3, 3},
                           {1, 1, 1, 1});
    a = g.fq_act(a, 0.01, 0, U8, true);
    std::string b = g.conv(x, g.fq_weight("wb", {3, 1, 1, 1}, uniform(3, -0.5, 0.5, rng), {0.02}, {0}, I8), "", {1, 1});
    b = g.fq_act(b, same ? 0.01 : 0.007, 0, U8, true);
    std::string c = g.op("Concat", {a, b});
    GraphBuilder::attr_i(g.last(), "axis", 1);
    if (!same) c = g.fq_act(c, 0.012, 3, U8);
    c = g.conv(c, g.fq_weight("wc", {2, 5, 1, 1}, uniform(10, -0.5, 0.5, rng), {0.02}, {0}, I8), "", {1, 1});
    g.output(c);
    const QNet n = import(g);
    const Op& cat = nth(n, OpKind::Concat);
    EXPECT_EQ(out_of(n, cat).shape[1], 5);
    int rq = 0;
    for (const auto& op : n.ops) rq += op.kind == OpKind::Requantize;
    EXPECT_EQ(rq, same ? 0 : 2);
    float_check(g.model(), n, to_float(uniform(2 * 16, -0.1, 1.1, rng)), 2);
  }
}

TEST(FrontendHost, Pooling) {
  for (int variant = 0; variant < 4; ++variant) {
    SCOPED_TRACE(variant);
    GraphBuilder g;
    std::mt19937 rng(40 + variant);
    g.input("x", {-1, 2, 7, 6});
    std::string x = g.fq_act("x", 0.02, 50, U8);
    std::string y;
    if (variant == 0) {  // MaxPool 3x3 / 2 with pads, passes quantization through
      y = g.op("MaxPool", {x});
      GraphBuilder::attr_ints(g.last(), "kernel_shape", {3, 3});
      GraphBuilder::attr_ints(g.last(), "strides", {2, 2});
      GraphBuilder::attr_ints(g.last(), "pads", {1, 1, 1, 0});
    } else if (variant == 1 || variant == 2) {  // AveragePool with pads, both divisors
      y = g.op("AveragePool", {x});
      GraphBuilder::attr_ints(g.last(), "kernel_shape", {3, 2});
      GraphBuilder::attr_ints(g.last(), "strides", {2, 2});
      GraphBuilder::attr_ints(g.last(), "pads", {1, 1, 1, 1});
      GraphBuilder::attr_i(g.last(), "count_include_pad", variant == 2);
      y = g.fq_act(y, 0.015, 40, U8);
    } else {  // GlobalAveragePool -> Flatten -> fc
      y = g.op("GlobalAveragePool", {x});
      y = g.fq_act(y, 0.01, 100, U8);
      y = g.op("Flatten", {y});
      y = g.gemm(y, g.fq_weight("w", {3, 2}, uniform(6, -1, 1, rng), {0.01}, {0}, I8), "");
    }
    if (variant < 3) y = g.conv(y, g.fq_weight("w", {1, 2, 1, 1}, {0.5, -0.25}, {0.25}, {0}, I8), "", {1, 1});
    g.output(y);
    const QNet n = import(g);
    const FloatCheck fc = float_check(g.model(), n, to_float(uniform(2 * 84, -1.5, 4.5, rng)), 2);
    EXPECT_GT(fc.compared, 0);
    if (variant == 0) {
      const Op& mp = nth(n, OpKind::MaxPool);
      EXPECT_EQ(out_of(n, mp).q.scale, n.tensors[size_t(mp.inputs[0])].q.scale);
      EXPECT_EQ(out_of(n, mp).shape, (std::vector<int64_t>{kSymbolicBatch, 2, 4, 3}));
    }
    if (variant == 1) {  // divisors 2..6 at the borders
      const Op& ap = nth(n, OpKind::AveragePool);
      for (int k : {2, 3, 4, 6}) {
        const RequantParams want = quantize_multiplier(0.02 / (0.015 * k));
        EXPECT_EQ(ap.by_count.at(size_t(k)).mult, want.mult) << k;
        EXPECT_EQ(ap.by_count.at(size_t(k)).shift, want.shift) << k;
      }
    }
  }
}

// PyTorch's avg_pool2d(padding=1) export: Pad (zeros) -> AveragePool; pads
// of zero are an identity.
TEST(FrontendHost, PadThenAveragePool) {
  for (int p : {0, 1}) {
    GraphBuilder g;
    std::mt19937 rng(9);
    g.input("x", {1, 1, 4, 4});
    std::string x = g.fq_act("x", 0.05, 10, U8);
    x = g.op("Pad", {x, g.constant(I64, {8}, {0, 0, double(p), double(p), 0, 0, double(p), double(p)})});
    GraphBuilder::attr_s(g.last(), "mode", "constant");
    x = g.op("AveragePool", {x});
    GraphBuilder::attr_ints(g.last(), "kernel_shape", {2, 2});
    GraphBuilder::attr_ints(g.last(), "strides", {2, 2});
    x = g.fq_act(x, 0.05, 10, U8);
    g.output(x);
    const QNet n = import(g);
    int pads = 0;
    for (const auto& op : n.ops) pads += op.kind == OpKind::Pad;
    EXPECT_EQ(pads, p);
    if (p) {
      EXPECT_EQ(nth(n, OpKind::Pad).pad_value, 10);  // real 0 is the zero point
    }
    float_check(g.model(), n, to_float(uniform(16, -1, 10, rng)), 1);
  }
}

// x.view(x.size(0), -1) with a symbolic batch: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
TEST(FrontendHost, ReshapeFromShapeSubgraph) {
  GraphBuilder g;
  std::mt19937 rng(11);
  g.input("x", {-1, 2, 3, 3});
  const std::string x = g.fq_act("x", 0.01, 0, I8);
  const std::string sh = g.op("Shape", {x});
  const std::string n0 = g.op("Gather", {sh, g.constant(I64, {}, {0})});
  GraphBuilder::attr_i(g.last(), "axis", 0);
  const std::string u = g.op("Unsqueeze", {n0, g.constant(I64, {1}, {0})});
  const std::string cat = g.op("Concat", {u, g.constant(I64, {1}, {-1})});
  GraphBuilder::attr_i(g.last(), "axis", 0);
  const std::string r = g.op("Reshape", {x, cat});
  g.output(g.gemm(r, g.fq_weight("w", {4, 18}, uniform(72, -1, 1, rng), {0.02}, {0}, I8), "", true));
  const QNet n = import(g);
  EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Reshape, OpKind::Fc, OpKind::Dequantize}));
  EXPECT_EQ(out_of(n, nth(n, OpKind::Reshape)).shape, (std::vector<int64_t>{kSymbolicBatch, 18}));
  float_check(g.model(), n, to_float(uniform(3 * 18, -1.5, 1.5, rng)), 3);
}

TEST(FrontendFc, MatMulAddAndGemmWithoutTranspose) {
  for (int form = 0; form < 3; ++form) {
    GraphBuilder g;
    std::mt19937 rng(12 + form);
    g.input("x", {-1, 6});
    const std::string x = g.fq_act("x", 0.02, -3, I8);
    std::string y;
    const std::vector<double> w = uniform(6 * 4, -1, 1, rng);  // (K=6, M=4)
    const std::string wq = g.fq_weight("w", {6, 4}, w, {0.01, 0.02, 0.015, 0.01}, {0, 0, 0, 0}, I8, 1);
    const std::string b = g.init("b", F32, {4}, uniform(4, -1, 1, rng));
    if (form == 0) y = g.op("Add", {g.op("MatMul", {x, wq}), b});
    if (form == 1) y = g.op("Add", {b, g.op("MatMul", {x, wq})});
    if (form == 2) y = g.gemm(x, wq, b, false);
    y = g.fq_act(y, 0.1, 0, I8, false);
    g.output(y);
    const QNet n = import(g);
    const DeviceLayer& d = nth(n, OpKind::Fc).dev;
    EXPECT_EQ(d.g.in_c, 6);
    EXPECT_EQ(d.g.out_c, 4);
    EXPECT_TRUE(d.per_channel);
    for (int o = 0; o < 4; ++o)
      for (int k = 0; k < 6; ++k) {
        const double sw = o == 1 ? 0.02 : o == 2 ? 0.015 : 0.01;
        EXPECT_EQ(d.weights[size_t(o * 6 + k)], std::clamp<int64_t>(qround(w[size_t(k * 4 + o)], sw), -128, 127));
      }
    float_check(g.model(), n, to_float(uniform(2 * 6, -3, 3, rng)), 2);
  }
}

// A MaxPool between a conv and its QuantizeLinear (PyTorch's export of
// Conv -> ReLU -> MaxPool -> fake-quant, as in examples/mnist): the pool
// runs on the conv's integer output, which is exact because quantization
// is monotone; the float semantics must agree tensor by tensor.
TEST(FrontendHost, MaxPoolBeforeQuantize) {
  for (bool raw : {false, true}) {
    GraphBuilder g;
    std::mt19937 rng(41);
    g.input("x", {-1, 2, 8, 8});
    const std::string x = g.fq_act("x", 1.0 / 16, 0, U8, false, 0.0, 1.0);
    const std::string w = g.fq_weight("w", {4, 2, 3, 3}, uniform(72, -0.5, 0.5, rng), {0.25}, {0}, I8, 0, -0.5, 0.5);
    std::string y = g.conv(x, w, g.init("b", F32, {4}, uniform(4, -0.2, 0.2, rng)), {3, 3}, {1, 1, 1, 1});
    y = g.op("Relu", {y});
    y = g.op("MaxPool", {y});
    GraphBuilder::attr_ints(g.last(), "kernel_shape", {2, 2});
    GraphBuilder::attr_ints(g.last(), "strides", {2, 2});
    if (!raw) y = g.fq_act(y, 0.5, 0, U8, false, 0.0, 1.5);
    g.output(y);
    const QNet n = import(g);
    EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::MaxPool, OpKind::Dequantize}));
    const Op& c = nth(n, OpKind::Conv);
    EXPECT_EQ(c.dev.g.out_h, 8);
    EXPECT_EQ(out_of(n, c).shape, (std::vector<int64_t>{kSymbolicBatch, 4, 8, 8}));
    EXPECT_EQ(out_of(n, nth(n, OpKind::MaxPool)).shape, (std::vector<int64_t>{kSymbolicBatch, 4, 4, 4}));
    if (!raw) {
      EXPECT_EQ(out_of(n, c).q.qmax, 3);  // the Clip after the pool narrows the conv's output
    }
    float_check(g.model(), n, to_float(uniform(3 * 128, -0.1, 1.1, rng)), 3);
  }
}

// The QAT convert chain: Cast(uint8) between QuantizeLinear and
// DequantizeLinear, weights and biases as Constant nodes, a fused Relu.
TEST(FrontendQat, CastChainAndExactBias) {
  GraphBuilder g;
  std::mt19937 rng(17);
  g.input("x", {1, 2, 4, 4});
  const std::string s0 = g.scalar(F32, 0.0078), z0 = g.scalar(U8, 0);
  std::string q = g.op("QuantizeLinear", {"x", s0, z0});
  q = g.op("Cast", {q});
  GraphBuilder::attr_i(g.last(), "to", U8);
  const std::string x = g.op("DequantizeLinear", {q, g.scalar(F32, 0.0078), g.scalar(U8, 0)});
  const std::vector<double> sw = {0.003, 0.004};
  const std::string w = g.qat_weight({2, 2, 3, 3}, uniform_int(36, -100, 100, rng), I8, sw, {0, 0});
  const std::vector<double> bq = {1234, -987};
  const std::string b = g.qat_bias(bq, {double(float(0.0078 * 0.003)), double(float(0.0078 * 0.004))});
  std::string y = g.conv(x, w, b, {3, 3}, {1, 1, 1, 1});
  y = g.op("Relu", {y});
  const std::string s1 = g.scalar(F32, 0.02), z1 = g.scalar(U8, 0);
  y = g.op("QuantizeLinear", {y, s1, z1});
  y = g.op("Cast", {y});
  GraphBuilder::attr_i(g.last(), "to", U8);
  y = g.op("DequantizeLinear", {y, g.scalar(F32, 0.02), g.scalar(U8, 0)});
  g.output(y);
  const QNet n = import(g);
  EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::Dequantize}));
  EXPECT_EQ(nth(n, OpKind::Conv).dev.bias, (std::vector<int64_t>{1234, -987}));  // the exporter's int32, exactly
  EXPECT_EQ(nth(n, OpKind::Conv).dev.wgt.bits, 8);
  float_check(g.model(), n, to_float(uniform(32, -0.5, 2.5, rng)), 1);
}

// Conv -> Div -> Add -> BatchNormalization (one negative scale) -> Relu ->
// Q, and Mul / Sub forms: per-channel affine ops fold into the layer's
// effective weight scale and bias; a negative factor negates the channel.
TEST(FrontendConv, AffineOpsAndBatchNormFold) {
  for (int form = 0; form < 3; ++form) {
    SCOPED_TRACE(form);
    GraphBuilder g;
    std::mt19937 rng(31 + form);
    g.input("x", {-1, 2, 5, 5});
    const std::string x = g.fq_act("x", 1.0 / 255, 0, U8, false, 0.0, 1.0);
    const std::vector<double> w = uniform(3 * 2 * 9, -0.4, 0.4, rng);
    std::string y = g.conv(x, g.fq_weight("w", {3, 2, 3, 3}, w, {0.05}, {0}, I8),
                           g.init("b", F32, {3}, {0.1, -0.2, 0.05}), {3, 3}, {1, 1, 1, 1});
    const std::vector<double> gamma = {1.5, -0.7, 0.9}, beta = {0.1, 0.2, -0.1}, mean = {0.05, -0.1, 0.2},
                              var = {0.5, 2.0, 1.0};
    if (form == 0) {
      y = g.op("Div", {y, g.init("d", F32, {1, 3, 1, 1}, {2.0, 0.5, 1.25})});
      y = g.op("Add", {y, g.init("a", F32, {1, 3, 1, 1}, {0.01, 0.02, -0.03})});
      y = g.op("BatchNormalization", {y, g.init("g", F32, {3}, gamma), g.init("be", F32, {3}, beta),
                                      g.init("m", F32, {3}, mean), g.init("v", F32, {3}, var)});
      GraphBuilder::attr_f(g.last(), "epsilon", 1e-5f);
    } else if (form == 1) {
      y = g.op("Mul", {g.init("k", F32, {3, 1, 1}, {0.5, 2.0, -1.0}), y});
      y = g.op("Sub", {y, g.init("c", F32, {}, {0.05})});
    } else {
      y = g.op("Sub", {g.init("c", F32, {1, 3, 1, 1}, {0.3, 0.0, -0.2}), y});  // const - conv: all channels negated
    }
    y = g.fq_act(y, 0.02, 0, U8, true);
    g.output(y);
    const QNet n = import(g);
    EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::Dequantize}));
    const DeviceLayer& d = nth(n, OpKind::Conv).dev;
    EXPECT_TRUE(d.per_channel || form == 2);
    // the weights of a channel with a negative factor are negated
    const size_t kk = 18;
    for (int c = 0; c < 3; ++c) {
      const bool neg = (form == 0 && c == 1) || (form == 1 && c == 2) || form == 2;
      for (size_t k = 0; k < kk; ++k)
        EXPECT_EQ(d.weights[size_t(c) * kk + k],
                  (neg ? -1 : 1) * std::clamp<int64_t>(qround(w[size_t(c) * kk + k], 0.05), -128, 127));
    }
    std::mt19937 r2(5);
    float_check(g.model(), n, to_float(uniform(2 * 50, -0.1, 1.1, r2)), 2);
  }
}

// ----------------------------------------------------------- executor

TEST(FrontendRef, InputQuantizationRoundsHalfToEven) {
  GraphBuilder g;
  g.input("x", {1, 6});
  const std::string x = g.fq_act("x", 0.5, 0, I8);
  g.output(g.gemm(x, g.qat_weight({1, 6}, {1, 1, 1, 1, 1, 1}, I8, {1.0}, {0}), ""));
  const QNet n = import(g);
  const RefResult r = run_reference(n, {0.25f, 0.75f, 1.25f, -0.25f, -0.75f, 100.0f}, 1);
  const auto& q = r.q[size_t(nth(n, OpKind::Quantize).output)];
  EXPECT_EQ(q, (std::vector<int64_t>{0, 2, 2, 0, -2, 127}));  // x / 0.5 = 0.5, 1.5, 2.5, -0.5, -1.5, saturated
  EXPECT_EQ(r.output, (std::vector<float>{(0 + 2 + 2 + 0 - 2 + 127) * 0.5f}));
}

TEST(FrontendRef, QuantizedInputEntryPoint) {
  ConvSpec s;
  s.in_shape = {-1, 2, 5, 5};
  GraphBuilder g = s.build();
  const QNet n = import(g);
  const auto x = s.input(3, 4);
  const RefResult a = run_reference(n, x, 3);
  const RefResult b = run_reference_quantized(n, a.q[size_t(nth(n, OpKind::Quantize).output)], 3);
  EXPECT_EQ(a.q, b.q);
  EXPECT_EQ(a.output, b.output);
  EXPECT_THROW(run_reference_quantized(n, std::vector<int64_t>(150, 300), 3), std::runtime_error);
  EXPECT_THROW(run_reference(n, x, 2), std::runtime_error);
}

// Batches run image by image: batch 3 equals three batch-1 runs.
TEST(FrontendRef, BatchIsPerImage) {
  ConvSpec s;
  s.raw = false;
  GraphBuilder g = s.build();
  const QNet n = import(g);
  const auto x = s.input(3, 8);
  const RefResult all = run_reference(n, x, 3);
  const size_t per = x.size() / 3, out = all.output.size() / 3;
  for (int b = 0; b < 3; ++b) {
    const RefResult one =
        run_reference(n, std::vector<float>(x.begin() + long(b * per), x.begin() + long((b + 1) * per)), 1);
    EXPECT_EQ(one.output,
              std::vector<float>(all.output.begin() + long(b * out), all.output.begin() + long((b + 1) * out)));
  }
}

// ------------------------------------------------------------ fixtures

struct Fixture {
  onnx::ModelProto model;
  QNet net;
  std::vector<float> input, output;
  int batch = 0;
};

Fixture load_fixture(const std::string& name) {
  Fixture f;
  const std::string base = std::string(BF_FRONTEND_DATA) + "/" + name;
  std::ifstream m(base + ".onnx", std::ios::binary);
  std::stringstream ss;
  ss << m.rdbuf();
  EXPECT_TRUE(f.model.ParseFromString(ss.str()));
  f.net = import_onnx_file(base + ".onnx");
  std::ifstream j(base + ".json");
  const auto js = nlohmann::json::parse(j);
  for (double v : js["input"]) f.input.push_back(float(v));
  for (double v : js["output"]) f.output.push_back(float(v));
  f.batch = js["input_shape"][0];
  return f;
}

TEST(FrontendFixture, FakeQuantExport) {
  Fixture f = load_fixture("fq_small");
  const QNet& n = f.net;
  EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::MaxPool, OpKind::Conv,
                                           OpKind::Reshape, OpKind::Fc, OpKind::Dequantize}));
  EXPECT_EQ(n.tensors[size_t(n.input)].shape[0], kSymbolicBatch);
  // the Clips narrow the uint8 containers: 0..3 * 0.125 -> u2, 0..15 * 0.05 -> u4
  EXPECT_EQ(operand_str(out_of(n, nth(n, OpKind::Conv, 0)).q.type), "u2");
  EXPECT_EQ(operand_str(nth(n, OpKind::Conv, 1).dev.act), "u2");
  EXPECT_EQ(operand_str(out_of(n, nth(n, OpKind::Conv, 1)).q.type), "u4");
  EXPECT_EQ(operand_str(nth(n, OpKind::Fc).dev.act), "u4");
  EXPECT_TRUE(nth(n, OpKind::Conv, 1).dev.per_channel);
  EXPECT_EQ(nth(n, OpKind::Conv, 1).dev.g.stride_h, 2);
  EXPECT_TRUE(nth(n, OpKind::Fc).dev.raw);
  // weights: the Clip bounds / scale give |q| <= 2 (0.5 / 0.25), 3 (0.3 / 0.1), 4 (0.2 / 0.05)
  for (int64_t w : nth(n, OpKind::Conv, 0).dev.weights) EXPECT_LE(std::abs(w), 2);
  for (int64_t w : nth(n, OpKind::Fc).dev.weights) EXPECT_LE(std::abs(w), 4);

  const FloatCheck fc = float_check(f.model, n, f.input, f.batch);
  EXPECT_GT(fc.tensors, 3);
  EXPECT_LE(fc.ties, fc.compared / 50);
  // The float interpreter following the graph alone reproduces PyTorch's
  // fake-quant output; the executor's activations stay within a few
  // units of it (the integer bias and the fixed-point multipliers move
  // near-tie values by one unit, which later layers carry on).
  const FloatCheck loose = float_check(f.model, n, f.input, f.batch, true);
  ASSERT_EQ(f.output.size(), loose.float_out.v.size());
  for (size_t i = 0; i < f.output.size(); ++i) EXPECT_NEAR(loose.float_out.v[i], f.output[i], 1e-6) << i;
  std::printf("executor vs PyTorch: %lld of %lld activations differ, by at most %lld\n",
              static_cast<long long>(loose.differing), static_cast<long long>(loose.compared),
              static_cast<long long>(loose.max_diff));
  EXPECT_LE(loose.differing, loose.compared / 20);
  EXPECT_LE(loose.max_diff, 3);
}

TEST(FrontendFixture, QatPreparedExport) {
  Fixture f = load_fixture("qat_prepared");
  const QNet& n = f.net;
  EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::Conv, OpKind::Reshape, OpKind::Fc,
                                           OpKind::Dequantize}));
  // (0, 127) activations: QuantizeLinear -> Clip(127) -> DequantizeLinear
  for (const auto& op : n.ops) {
    if (!out_of(n, op).is_float) {
      EXPECT_EQ(out_of(n, op).q.qmax, 127) << op.name;
    }
  }
  const FloatCheck fc = float_check(f.model, n, f.input, f.batch);
  EXPECT_GT(fc.tensors, 3);
  EXPECT_LE(fc.ties, fc.compared / 50);
  const FloatCheck loose = float_check(f.model, n, f.input, f.batch, true);
  ASSERT_EQ(f.output.size(), loose.float_out.v.size());
  for (size_t i = 0; i < f.output.size(); ++i) EXPECT_NEAR(loose.float_out.v[i], f.output[i], 1e-5) << i;
  std::printf("executor vs PyTorch: %lld of %lld activations differ, by at most %lld\n",
              static_cast<long long>(loose.differing), static_cast<long long>(loose.compared),
              static_cast<long long>(loose.max_diff));
  EXPECT_LE(loose.differing, loose.compared / 20);
  EXPECT_LE(loose.max_diff, 3);
}

TEST(FrontendFixture, QatConvertExport) {
  Fixture f = load_fixture("qat_small");
  const QNet& n = f.net;
  EXPECT_EQ(kinds(n), (std::vector<OpKind>{OpKind::Quantize, OpKind::Conv, OpKind::Conv, OpKind::Add,
                                           OpKind::Requantize, OpKind::Requantize, OpKind::Concat, OpKind::MaxPool,
                                           OpKind::AveragePool, OpKind::Reshape, OpKind::Fc, OpKind::Dequantize}));
  EXPECT_EQ(n.tensors[size_t(n.input)].shape[0], 1);
  for (int k = 0; k < 2; ++k) {
    const DeviceLayer& d = nth(n, OpKind::Conv, k).dev;
    EXPECT_EQ(operand_str(d.wgt), "s4");  // the 4-bit weight observer (quant_min -8, quant_max 7)
    EXPECT_TRUE(d.per_channel);
    EXPECT_FALSE(d.raw);
  }
  // the biases are the exporter's int32 constants, exactly
  std::map<std::string, const onnx::NodeProto*> producer;
  for (const auto& node : f.model.graph().node())
    for (const auto& o : node.output()) producer[o] = &node;
  int convs = 0;
  for (const auto& node : f.model.graph().node()) {
    if (node.op_type() != "Conv" && node.op_type() != "Gemm") continue;
    const auto* dq = producer.at(node.input(2));
    const FT qb = parse_ft(producer.at(dq->input(0))->attribute(0).t());
    ASSERT_EQ(qb.dtype, I32);
    const Op& op = node.op_type() == "Conv" ? nth(n, OpKind::Conv, convs++) : nth(n, OpKind::Fc);
    for (size_t c = 0; c < qb.v.size(); ++c) EXPECT_EQ(op.dev.bias[c], int64_t(qb.v[c])) << node.name();
  }
  const FloatCheck fc = float_check(f.model, n, f.input, f.batch);
  EXPECT_GT(fc.tensors, 5);
  EXPECT_LE(fc.ties, fc.compared / 50);
  // PyTorch's quantized kernels (fbgemm: float multiplier) against the executor: output units
  const double s_out = n.tensors[size_t(nth(n, OpKind::Fc).output)].q.scale[0];
  ASSERT_EQ(f.output.size(), fc.ref.output.size());
  double sum = 0, worst = 0;
  for (size_t i = 0; i < f.output.size(); ++i) {
    const double units = std::fabs(fc.ref.output[i] - f.output[i]) / s_out;
    sum += units, worst = std::max(worst, units);
  }
  std::printf("executor vs PyTorch (fbgemm): output differs by %.2f units on average, %.0f at most\n",
              sum / double(f.output.size()), worst);
  EXPECT_LE(worst, 2.01);
  EXPECT_LE(sum / double(f.output.size()), 1.0);
}

}  // namespace
