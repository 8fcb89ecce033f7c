// Bad models: every one ends in a one-line std::runtime_error naming the
// problem (and the node and operator where there is one), never a crash.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <random>
#include <string>

#include "frontend/onnx_import.hpp"
#include "frontend/qnet_ref.hpp"
#include "onnx_builder.hpp"

using namespace bf::fe;
using namespace bft;

namespace {

// The import must throw std::runtime_error with one line "test: ..." containing every needle.
void expect_error(const std::string& bytes, const std::vector<std::string>& needles) {
  try {
    import_onnx_bytes(bytes, "test");
    ADD_FAILURE() << "imported without an error; expected: " << needles[0];
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind("test: ", 0), 0u) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    for (const auto& n : needles) EXPECT_NE(m.find(n), std::string::npos) << "'" << n << "' not in: " << m;
  }
}

struct Base {
  // x -> Q -> DQ -> Conv(w, b) -> Relu -> Q -> DQ -> output; hooks change pieces.
  std::function<void(GraphBuilder&)> before_conv;
  std::string conv_input, weight;
  std::vector<int64_t> in_shape = {-1, 2, 4, 4};
  int opset = 13;
  double s_out = 0.05;
  std::function<void(onnx::NodeProto*)> conv_attrs;

  GraphBuilder build() {
    GraphBuilder g(opset);
    g.input("x", in_shape);
    const std::string x = conv_input.empty() ? g.fq_act("x", 1.0 / 255, 0, U8, false, 0.0, 1.0) : conv_input;
    std::vector<double> w(3 * 2 * 9);
    for (size_t i = 0; i < w.size(); ++i) w[i] = 0.1 * double(int(i % 7) - 3);
    const std::string wn = weight.empty() ? g.fq_weight("w", {3, 2, 3, 3}, w, {0.1}, {0}, I8) : weight;
    const std::string b = g.init("b", F32, {3}, {0.1, -0.2, 0.3});
    if (before_conv) before_conv(g);
    std::string y = g.conv(x, wn, b, {3, 3}, {1, 1, 1, 1}, {1, 1}, "the_conv");
    if (conv_attrs) conv_attrs(g.last());
    y = g.fq_act(y, s_out, 0, U8, true);
    g.output(y);
    return g;
  }
};

TEST(FrontendBad, ValidBaseImports) {
  Base b;
  const QNet n = import_onnx_bytes(b.build().bytes(), "test");
  EXPECT_EQ(n.ops.size(), 3u);  // quantize, conv, dequantize
}

TEST(FrontendBad, NotAProtobuf) {
  expect_error("", {"empty file"});
  expect_error("this is not an ONNX model, just text\n", {"not an ONNX model"});
  std::string junk(300, '\xff');
  expect_error(junk, {"not an ONNX model"});
}

// Every proper prefix of a valid model fails cleanly.
TEST(FrontendBad, TruncatedAnywhere) {
  Base b;
  const std::string full = b.build().bytes();
  int parse_failures = 0;
  for (size_t n = 0; n < full.size(); ++n) {
    try {
      import_onnx_bytes(full.substr(0, n), "test");
      ADD_FAILURE() << "a prefix of " << n << " of " << full.size() << " bytes imported";
    } catch (const std::runtime_error& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.find('\n'), std::string::npos);
      EXPECT_EQ(m.rfind("test: ", 0), 0u) << m;
      parse_failures += m.find("protobuf parse failed") != std::string::npos;
    }
  }
  EXPECT_GT(parse_failures, int(full.size()) / 2);
}

std::string read_file(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Random byte corruption of the base model and of the PyTorch fixtures: an
// error or a model that runs, never a crash or another exception type.
class FrontendCorrupt : public ::testing::TestWithParam<std::string> {};

TEST_P(FrontendCorrupt, NeverCrash) {
  const std::string full = GetParam() == "base" ? Base().build().bytes()
                                                : read_file(std::string(BF_FRONTEND_DATA) + "/" + GetParam() + ".onnx");
  ASSERT_GT(full.size(), 500u);
  std::mt19937 rng(1);
  int errors = 0;
  const char* env = std::getenv("BF_FUZZ_ITERS");  // longer runs by hand
  const int iters = env ? std::atoi(env) : 400;
  for (int it = 0; it < iters; ++it) {
    std::string s = full;
    const int flips = 1 + it % 4;
    for (int k = 0; k < flips; ++k) s[rng() % s.size()] = char(rng());
    try {
      const QNet n = import_onnx_bytes(s, "test");
      // whatever imported must run (when it is small enough for a test)
      bool small = true;
      for (const auto& t : n.tensors) small = small && t.per_image() <= 100000;
      const int64_t per = n.tensors[size_t(n.input)].per_image();
      if (small) run_reference(n, std::vector<float>(size_t(per), 0.5f), 1);
    } catch (const std::runtime_error& e) {
      ++errors;
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  EXPECT_GT(errors, 0);
}

INSTANTIATE_TEST_SUITE_P(Models, FrontendCorrupt, ::testing::Values("base", "fq_small", "qat_small", "qat_prepared"));

TEST(FrontendBad, UnsupportedOperator) {
  Base b;
  b.before_conv = [](GraphBuilder& g) { g.op("Sigmoid", {"x"}, "my_sigmoid"); };
  expect_error(b.build().bytes(), {"node 'my_sigmoid' (Sigmoid)", "operator not supported"});
}

// A name of any length and bytes in the message: one printable line of at
// most 600 characters (fuzz/corpus/onnx/regress-long-name.onnx: the cut
// after 600 characters appended "..." and made it longer).
TEST(FrontendBad, LongNameInMessage) {
  for (int len : {580, 597, 598, 601, 1500}) {
    for (const std::string unit : {"n", "\x01", "ab\xff"}) {
      std::string name;
      while (name.size() < size_t(len)) name += unit;
      Base b;
      b.before_conv = [&](GraphBuilder& g) { g.op("Sigmoid", {"x"}, name); };
      try {
        import_onnx_bytes(b.build().bytes(), "test");
        ADD_FAILURE() << "imported a Sigmoid";
      } catch (const std::runtime_error& e) {
        const std::string m = e.what();
        EXPECT_LE(m.size(), 600u) << len;
        EXPECT_EQ(m.find('\n'), std::string::npos);
        EXPECT_EQ(m.rfind("test: node '", 0), 0u) << m;
        for (unsigned char c : m) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
        EXPECT_EQ(m.substr(m.size() - 3), "...") << m;  // every name here makes it longer than 600
      }
    }
  }
}

TEST(FrontendBad, GroupedAndDilatedConv) {
  Base b;
  b.conv_attrs = [](onnx::NodeProto* n) {
    for (auto& a : *n->mutable_attribute())
      if (a.name() == "group") a.set_i(2);
  };
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "grouped convolution"});
  b.conv_attrs = [](onnx::NodeProto* n) {
    for (auto& a : *n->mutable_attribute())
      if (a.name() == "dilations") a.set_ints(0, 2);
  };
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "dilated convolution"});
}

TEST(FrontendBad, UnsupportedAttribute) {
  Base b;
  b.conv_attrs = [](onnx::NodeProto* n) { GraphBuilder::attr_i(n, "foo", 1); };
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "attribute 'foo' is not supported"});
  b.conv_attrs = [](onnx::NodeProto* n) { GraphBuilder::attr_s(n, "auto_pad", "BOGUS"); };
  expect_error(b.build().bytes(), {"auto_pad 'BOGUS'"});

  GraphBuilder g;
  g.input("x", {1, 1, 4, 4});
  std::string y = g.op("MaxPool", {g.fq_act("x", 0.1, 0, U8)}, "pool");
  GraphBuilder::attr_ints(g.last(), "kernel_shape", {2, 2});
  GraphBuilder::attr_i(g.last(), "ceil_mode", 1);
  g.output(g.fq_act(y, 0.1, 0, U8));
  expect_error(g.bytes(), {"node 'pool' (MaxPool)", "ceil_mode 1"});
}

TEST(FrontendBad, MissingInitializer) {
  Base b;
  b.weight = "w_missing";
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "input 'w_missing' is not defined"});
}

TEST(FrontendBad, DynamicShape) {
  Base b;
  b.in_shape = {-1, 2, -1, 4};
  expect_error(b.build().bytes(), {"input 'x'", "dimension 2 is symbolic ('N')", "only the batch"});
  b.in_shape = {1, 2, 4};
  expect_error(b.build().bytes(), {"rank 3"});
  GraphBuilder g;
  g.input("x", {1, 4});
  g.graph().mutable_input(0)->mutable_type()->mutable_tensor_type()->clear_shape();
  g.output(g.fq_act("x", 0.1, 0, U8));
  expect_error(g.bytes(), {"has no shape"});
}

// Shape -> Gather(batch) -> Cast(float): the symbolic batch reaches arithmetic.
TEST(FrontendBad, DynamicShapeInArithmetic) {
  GraphBuilder g;
  g.input("x", {-1, 4});
  const std::string x = g.fq_act("x", 0.1, 0, U8);
  const std::string sh = g.op("Shape", {x});
  const std::string n0 = g.op("Gather", {sh, g.constant(I64, {1}, {0})});
  g.op("Cast", {n0}, "to_float");
  GraphBuilder::attr_i(g.last(), "to", F32);
  g.output(x);
  expect_error(g.bytes(), {"node 'to_float' (Cast)", "dynamic shape"});
  GraphBuilder h;
  h.input("x", {-1, 4});
  const std::string y = h.fq_act("x", 0.1, 0, U8);
  h.op("Reshape", {y, h.op("Relu", {y})}, "rs");
  h.output(y);
  expect_error(h.bytes(), {"node 'rs' (Reshape)", "is not a constant"});
}

TEST(FrontendBad, AffineOpsThatDoNotFold) {
  GraphBuilder g;  // Relu then Mul: the scale no longer folds into the layer
  g.input("x", {1, 1, 3, 3});
  std::string y =
      g.conv(g.fq_act("x", 0.1, 0, U8), g.fq_weight("w", {2, 1, 1, 1}, {0.5, 0.25}, {0.25}, {0}, I8), "", {1, 1});
  y = g.op("Mul", {g.op("Relu", {y}), g.init("k", F32, {1, 2, 1, 1}, {2, 3})}, "mul");
  g.output(g.fq_act(y, 0.1, 0, U8));
  expect_error(g.bytes(), {"node 'mul' (Mul)", "after a Relu / Clip"});
  GraphBuilder h;  // Mul of two activations
  h.input("x", {1, 4});
  const std::string a = h.fq_act("x", 0.1, 0, U8);
  h.output(h.fq_act(h.op("Mul", {a, a}, "sq"), 0.1, 0, U8));
  expect_error(h.bytes(), {"node 'sq' (Mul)", "only a per-channel constant"});
  GraphBuilder k;  // a constant that is not per channel
  k.input("x", {1, 1, 3, 3});
  std::string z =
      k.conv(k.fq_act("x", 0.1, 0, U8), k.fq_weight("w", {2, 1, 1, 1}, {0.5, 0.25}, {0.25}, {0}, I8), "", {1, 1});
  z = k.op("Add", {z, k.init("c", F32, {1, 1, 3, 3}, std::vector<double>(9, 0.5))}, "add");
  k.output(k.fq_act(z, 0.1, 0, U8));
  expect_error(k.bytes(), {"node 'add' (Add)", "not one value per output channel"});
}

TEST(FrontendBad, OpsetTooOld) {
  Base b;
  b.opset = 10;
  expect_error(b.build().bytes(), {"opset 10 is too old", "13"});
  GraphBuilder g = Base().build();
  g.model().mutable_opset_import(0)->set_domain("com.example");
  expect_error(g.bytes(), {"no default-domain"});
}

TEST(FrontendBad, ConvInputOrWeightNotQuantized) {
  Base b;
  b.conv_input = "x";
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "input 'x' is not quantized", "network input"});
  Base c;
  c.before_conv = [](GraphBuilder& g) { g.init("wf", F32, {3, 2, 3, 3}, std::vector<double>(54, 0.1)); };
  c.weight = "wf";
  expect_error(c.build().bytes(), {"node 'the_conv' (Conv)", "weight 'wf' is not quantized"});
  // a Conv feeding a Conv without a QuantizeLinear between them
  GraphBuilder g;
  g.input("x", {1, 1, 3, 3});
  std::string y = g.conv(g.fq_act("x", 0.1, 0, U8), g.fq_weight("w1", {1, 1, 1, 1}, {0.5}, {0.25}, {0}, I8), "", {1, 1},
                         {0, 0, 0, 0}, {1, 1}, "c1");
  y = g.conv(y, g.fq_weight("w2", {1, 1, 1, 1}, {0.5}, {0.25}, {0}, I8), "", {1, 1}, {0, 0, 0, 0}, {1, 1}, "c2");
  g.output(y);
  expect_error(g.bytes(), {"node 'c2' (Conv)", "not quantized", "float output of node 'c1' (Conv)"});
}

TEST(FrontendBad, RequantizationScaleOutOfRange) {
  Base b;
  b.s_out = 1e-12;  // m = s_in * s_w / s_out ~ 4e8
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "requantization scale", "16-bit multiplier"});
  b.s_out = 1e15;  // m ~ 4e-19 < 2^-47
  expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "requantization scale"});
}

TEST(FrontendBad, BadTensors) {
  GraphBuilder g = Base().build();
  for (auto& t : *g.graph().mutable_initializer())
    if (t.name() == "b") t.set_raw_data(t.raw_data().substr(0, 6));
  expect_error(g.bytes(), {"initializer 'b'", "holds 1 values", "needs 3", "truncated"});
  GraphBuilder e = Base().build();
  for (auto& t : *e.graph().mutable_initializer())
    if (t.name() == "b") t.set_data_location(onnx::TensorProto::EXTERNAL);
  expect_error(e.bytes(), {"initializer 'b'", "external"});
  GraphBuilder f = Base().build();
  for (auto& t : *f.graph().mutable_initializer())
    if (t.name() == "b") t.set_data_type(10);
  expect_error(f.bytes(), {"initializer 'b'", "float16"});
}

TEST(FrontendBad, QuantizationParameters) {
  {  // per-channel activations
    GraphBuilder g;
    g.input("x", {1, 2, 2, 2});
    const std::string s = g.constant(F32, {2}, {0.1, 0.2}), z = g.constant(U8, {2}, {0, 0});
    const std::string q = g.op("QuantizeLinear", {"x", s, z}, "q");
    g.output(g.op("DequantizeLinear", {q, s, z}));
    expect_error(g.bytes(), {"node 'q' (QuantizeLinear)", "per-channel quantization of activations"});
  }
  {  // DequantizeLinear with another scale than its QuantizeLinear
    GraphBuilder g;
    g.input("x", {1, 4});
    const std::string q = g.op("QuantizeLinear", {"x", g.scalar(F32, 0.1), g.scalar(U8, 0)});
    g.output(g.op("DequantizeLinear", {q, g.scalar(F32, 0.2), g.scalar(U8, 0)}, "dq"));
    expect_error(g.bytes(), {"node 'dq' (DequantizeLinear)", "differ from those of the QuantizeLinear"});
  }
  {  // zero and negative scales
    GraphBuilder g;
    g.input("x", {1, 4});
    const std::string q = g.op("QuantizeLinear", {"x", g.scalar(F32, 0.0), g.scalar(U8, 0)}, "q0");
    g.output(g.op("DequantizeLinear", {q, g.scalar(F32, 0.0), g.scalar(U8, 0)}));
    expect_error(g.bytes(), {"node 'q0' (QuantizeLinear)", "scale 0 is not a positive"});
  }
  {  // an int32 QuantizeLinear (not a container type)
    GraphBuilder g;
    g.input("x", {1, 4});
    const std::string q = g.op("QuantizeLinear", {"x", g.scalar(F32, 0.1), g.scalar(I32, 0)}, "q32");
    g.output(g.op("DequantizeLinear", {q, g.scalar(F32, 0.1), g.scalar(I32, 0)}));
    expect_error(g.bytes(), {"node 'q32' (QuantizeLinear)", "zero point type int32"});
  }
}

TEST(FrontendBad, UnsupportedGraphs) {
  {  // Gemm alpha
    GraphBuilder g;
    g.input("x", {1, 4});
    std::string y = g.gemm(g.fq_act("x", 0.1, 0, U8), g.qat_weight({2, 4}, std::vector<double>(8, 1), I8, {0.1}, {0}),
                           "", true, "fc");
    for (auto& a : *g.last()->mutable_attribute())
      if (a.name() == "alpha") a.set_f(2.0f);
    g.output(y);
    expect_error(g.bytes(), {"node 'fc' (Gemm)", "alpha 2"});
  }
  {  // reshape across the batch
    GraphBuilder g;
    g.input("x", {-1, 4});
    std::string y = g.op("Reshape", {g.fq_act("x", 0.1, 0, U8), g.constant(I64, {2}, {1, -1})}, "rs");
    g.output(g.fq_act(y, 0.1, 0, U8));
    expect_error(g.bytes(), {"node 'rs' (Reshape)", "changes the batch dimension"});
  }
  {  // broadcasting Add; an Add whose result is never quantized
    GraphBuilder g;
    g.input("x", {1, 2, 2, 2});
    const std::string a = g.fq_act("x", 0.1, 0, U8);
    std::string p = g.op("MaxPool", {a});
    GraphBuilder::attr_ints(g.last(), "kernel_shape", {2, 2});
    g.output(g.fq_act(g.op("Add", {a, p}, "add"), 0.1, 0, U8));
    expect_error(g.bytes(), {"node 'add' (Add)", "broadcasting"});
    GraphBuilder h;
    h.input("x", {1, 4});
    const std::string b = h.fq_act("x", 0.1, 0, U8);
    h.output(h.op("Add", {b, b}, "add2"));
    expect_error(h.bytes(), {"graph output", "float output of node 'add2' (Add)", "not quantized"});
  }
  {  // an integer input, two inputs, a missing output, a foreign domain, concat along H
    GraphBuilder g;
    g.input("x", {1, 4}, I32);
    g.output("x");
    expect_error(g.bytes(), {"input 'x'", "element type int32"});
    GraphBuilder h;
    h.input("x", {1, 4});
    h.input("y", {1, 4});
    h.output(h.fq_act("x", 0.1, 0, U8));
    expect_error(h.bytes(), {"2 inputs"});
    GraphBuilder k;
    k.input("x", {1, 4});
    k.fq_act("x", 0.1, 0, U8);
    k.output("nowhere");
    expect_error(k.bytes(), {"'nowhere' is not produced"});
    GraphBuilder d;
    d.input("x", {1, 4});
    d.op("Foo", {"x"}, "foo");
    d.last()->set_domain("com.example");
    d.output(d.fq_act("x", 0.1, 0, U8));
    expect_error(d.bytes(), {"node 'foo' (Foo)", "domain 'com.example'"});
    GraphBuilder c;
    c.input("x", {1, 1, 2, 2});
    const std::string xq = c.fq_act("x", 0.1, 0, U8);
    c.op("Concat", {xq, xq}, "cat");
    GraphBuilder::attr_i(c.last(), "axis", 2);
    c.output(c.fq_act(c.last()->output(0), 0.1, 0, U8));
    expect_error(c.bytes(), {"node 'cat' (Concat)", "axis 2", "channels only"});
  }
  {  // weight input channels differ from the input's
    Base b;
    b.in_shape = {1, 3, 4, 4};
    expect_error(b.build().bytes(), {"node 'the_conv' (Conv)", "2 input channels, the input 3"});
  }
}

}  // namespace
