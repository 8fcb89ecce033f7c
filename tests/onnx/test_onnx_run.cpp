// Imported quantized models on the device (sim/onnx_runner.hpp): the
// committed example models (examples/) over their test sets on the golden
// backend, slices on the RTL of the small configurations, and small
// generated conv models whose geometry exercises the mapping (zero points
// in the padding, uneven padding, strides, per-channel requantization,
// raw outputs).
//
// Independent references: the framework's recorded predictions and
// accuracy (examples/*/<model>.json, .pred.npy, written by PyTorch at
// export); the integer reference executor of the whole network
// (fe::run_reference, direct loops, no compiler, no machine); every
// device layer is also compared with fe::device_op_ref inside the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../frontend/conv_spec.hpp"
#include "frontend/device_map.hpp"
#include "frontend/onnx_import.hpp"
#include "frontend/qnet_ref.hpp"
#include "golden/config.hpp"
#include "golden/npy.hpp"
#include "golden/npy_float.hpp"
#include "sim/onnx_runner.hpp"

using namespace bf;
using namespace bf::cli;

namespace {

const std::string kExamples = BF_EXAMPLES_DIR;

struct Example {
  std::string name, dir;
  nlohmann::json meta;
  fe::QNet net;
  NpyFloat x;
  std::vector<int64_t> y, pred_fw;
};

Example load_example(const std::string& rel_json) {
  Example e;
  const std::string path = kExamples + "/" + rel_json;
  e.dir = path.substr(0, path.rfind('/'));
  std::ifstream f(path);
  e.meta = nlohmann::json::parse(f);
  e.name = e.meta.at("name");
  e.net = fe::import_onnx_file(e.dir + "/" + e.meta.at("onnx").get<std::string>());
  e.x = read_npy_float(e.dir + "/" + e.meta.at("test_x").get<std::string>());
  e.y = read_npy(e.dir + "/" + e.meta.at("test_y").get<std::string>()).data;
  e.pred_fw = read_npy(e.dir + "/" + e.meta.at("predictions").get<std::string>()).data;
  return e;
}

OnnxRunResult run(const Example& e, Backend be, const std::string& cfg, int images, int batch = 16) {
  OnnxRunOptions o;
  o.backend = be;
  o.cfg = load_config(cfg);
  o.batch = batch;
  const size_t per = e.x.data.size() / size_t(e.x.shape[0]);
  const std::vector<float> x(e.x.data.begin(), e.x.data.begin() + long(per) * images);
  return run_onnx(e.net, x, images, o);
}

double agreement(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return double(same) / double(a.size());
}

const std::vector<std::string> kDigits = {"int8", "int4", "int2", "mixed", "residual", "eager"};

class DigitsModel : public ::testing::TestWithParam<std::string> {};

// The whole held-out test set on the golden machine: every device layer
// bit-exact, predictions as the framework's on >= 99 % of images, accuracy
// within 1 point of the framework's.
TEST_P(DigitsModel, GoldenTestSetAgreesWithFramework) {
  const Example e = load_example("digits/digits_" + GetParam() + ".json");
  const int n = int(e.x.shape[0]);
  ASSERT_EQ(size_t(n), e.pred_fw.size());
  const OnnxRunResult r = run(e, Backend::Golden, "bf16x32", n);
  EXPECT_TRUE(r.bit_exact());
  ASSERT_EQ(r.output_shape, (std::vector<int64_t>{n, 10}));
  const std::vector<int64_t> pred = top1(r);
  EXPECT_GE(agreement(pred, e.pred_fw), 0.99) << e.name;
  const double acc = agreement(pred, e.y), acc_fw = e.meta.at("accuracy").get<double>();
  EXPECT_NEAR(acc, acc_fw, 0.01) << e.name;
  // The whole network against the integer reference executor.
  const fe::RefResult ref = fe::run_reference(e.net, std::vector<float>(e.x.data.begin(), e.x.data.end()), n);
  EXPECT_EQ(r.output, ref.output);
  // Every device op ran (MACs as the op's geometry says).
  uint64_t macs = 0;
  for (const auto& op : e.net.ops)
    if (op.on_device()) macs += op.dev.macs_per_image() * uint64_t(n);
  EXPECT_EQ(r.macs, macs);
}

// A slice on the RTL of two small configurations: bit-exact layer by
// layer, and the same network output as the golden machine.
TEST_P(DigitsModel, RtlSliceMatchesGolden) {
#ifndef BF_HAVE_DEVICE
  GTEST_SKIP() << "this build has no Verilated device (BF_RTL_CTRL=OFF or BF_VERILATED=OFF)";
#else
  const Example e = load_example("digits/digits_" + GetParam() + ".json");
  for (const auto& [cfg, images, batch] : {std::tuple<const char*, int, int>{"bf2x2", 4, 4}, {"bf4x8", 16, 8}}) {
    SCOPED_TRACE(cfg);
    const OnnxRunResult rtl = run(e, Backend::Rtl, cfg, images, batch);
    EXPECT_TRUE(rtl.bit_exact());
    EXPECT_GT(rtl.cycles, 0u);
    const OnnxRunResult gold = run(e, Backend::Golden, cfg, images, batch);
    EXPECT_EQ(rtl.output, gold.output);
    EXPECT_EQ(rtl.macs, gold.macs);
    // The framework's predictions on the slice (exact ties aside, they agree).
    EXPECT_GE(agreement(top1(rtl), std::vector<int64_t>(e.pred_fw.begin(), e.pred_fw.begin() + images)), 0.9);
  }
#endif
}

INSTANTIATE_TEST_SUITE_P(Examples, DigitsModel, ::testing::ValuesIn(kDigits),
                         [](const auto& info) { return info.param; });

// LeNet-5 at 2 bits on MNIST (the paper's benchmark; the full 1,000-image
// run on the 16x32 RTL is `make bench-mnist`): a golden slice against the
// framework and a two-image RTL run on bf8x8.
TEST(LeNet5Mnist, GoldenSliceAgreesWithFramework) {
  const Example e = load_example("mnist/lenet5_2bit.json");
  const int n = 96;
  const OnnxRunResult r = run(e, Backend::Golden, "bf16x32", n, 32);
  EXPECT_TRUE(r.bit_exact());
  EXPECT_GE(agreement(top1(r), std::vector<int64_t>(e.pred_fw.begin(), e.pred_fw.begin() + n)), 0.99);
}

TEST(LeNet5Mnist, RtlMatchesReference) {
#ifndef BF_HAVE_DEVICE
  GTEST_SKIP() << "this build has no Verilated device";
#else
  const Example e = load_example("mnist/lenet5_2bit.json");
  const int n = 2;
  const OnnxRunResult r = run(e, Backend::Rtl, "bf8x8", n, 2);
  EXPECT_TRUE(r.bit_exact());
  const fe::RefResult ref =
      fe::run_reference(e.net, std::vector<float>(e.x.data.begin(), e.x.data.begin() + 2 * 1024), n);
  EXPECT_EQ(r.output, ref.output);
  EXPECT_EQ(top1(r), std::vector<int64_t>(e.pred_fw.begin(), e.pred_fw.begin() + n));
#endif
}

// ------------------------------------------------- generated conv models

struct Variant {
  const char* name;
  void (*set)(bft::ConvSpec&);
};

const Variant kVariants[] = {
    {"zero_point_padding",
     [](bft::ConvSpec& s) { s.z_in = 100, s.in_lo = -0.3, s.in_hi = 0.6, s.z_out = 128, s.relu = false; }},
    {"signed_input_zero_point",
     [](bft::ConvSpec& s) {
       s.z_in = -40, s.in_type = bft::I8, s.in_lo = -0.3, s.in_hi = 0.6, s.relu = false, s.out_type = bft::I8;
     }},
    {"uneven_padding",
     [](bft::ConvSpec& s) {
       s.z_in = 7, s.k = {3, 2}, s.pads = {0, 1, 2, 1};
     }},
    {"stride_2",
     [](bft::ConvSpec& s) {
       s.in_shape = {-1, 3, 9, 9}, s.strides = {2, 2}, s.pads = {1, 1, 1, 1};
     }},
    {"per_channel_qat",
     [](bft::ConvSpec& s) {
       s.qat = true, s.w_scales = {0.003, 0.004, 0.01}, s.w_zps = {0, 0, 0}, s.wq_lo = -100, s.wq_hi = 100, s.out_c = 3;
     }},
    {"raw_output", [](bft::ConvSpec& s) { s.raw = true, s.relu = false, s.z_in = 3; }},
    {"narrow_output", [](bft::ConvSpec& s) { s.clip_hi = 0.3; }},
    {"wide_channels",
     [](bft::ConvSpec& s) {
       s.in_shape = {-1, 20, 5, 5}, s.out_c = 19, s.w_scales = {0.01};
     }},
};

class ConvModel : public ::testing::TestWithParam<int> {};

TEST_P(ConvModel, DeviceMatchesReference) {
  const Variant& v = kVariants[GetParam()];
  bft::ConvSpec s;
  v.set(s);
  s.seed = uint32_t(100 + GetParam());
  const bft::GraphBuilder g = s.build();
  const fe::QNet net = fe::import_onnx_bytes(g.bytes(), v.name);
  const int n = 3;
  const std::vector<float> x = s.input(n, s.seed + 1);
  const fe::RefResult ref = fe::run_reference(net, x, n);
  // Every host lowering on the golden machine (the padding value reaches
  // the lowered inputs), the chosen one on the RTL.
  struct RunCase {
    Backend be;
    std::string cfg;
    Lowering form;
  };
  std::vector<RunCase> runs;
  for (Lowering f : {Lowering::Auto, Lowering::Direct, Lowering::Im2col, Lowering::Im2colW})
    runs.push_back({Backend::Golden, "bf4x8", f});
  runs.push_back({Backend::Golden, "bf2x2", Lowering::Auto});
#ifdef BF_HAVE_DEVICE
  runs.push_back({Backend::Rtl, "bf2x2", Lowering::Auto});
  runs.push_back({Backend::Rtl, "bf4x8", Lowering::Auto});
  runs.push_back({Backend::Rtl, "bf4x8", Lowering::Im2colW});
#endif
  for (const auto& [be, cfg, form] : runs) {
    SCOPED_TRACE(std::string(backend_name(be)) + " " + cfg + " " + lowering_name(form));
    OnnxRunOptions o;
    o.backend = be;
    o.lowering = form;
    o.cfg = load_config(cfg);
    o.batch = 2;  // a full and a partial batch
    o.keep_tensors = true;
    const OnnxRunResult r = run_onnx(net, x, n, o);
    EXPECT_TRUE(r.bit_exact());
    EXPECT_EQ(r.output, ref.output);
    for (size_t t = 0; t < net.tensors.size(); ++t) {
      if (!net.tensors[t].is_float) {
        EXPECT_EQ(r.tensors[t], ref.q[t]) << net.tensors[t].name;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Geometry, ConvModel, ::testing::Range(0, int(std::size(kVariants))),
                         [](const auto& info) { return std::string(kVariants[info.param].name); });

// The mapping itself: uneven pads go to the host, the layer runs unpadded;
// different strides are refused with the node's name.
TEST(DeviceMap, UnevenPaddingAndStrides) {
  bft::ConvSpec s;
  s.pads = {0, 1, 2, 1};
  s.z_in = 9;
  fe::QNet net = fe::import_onnx_bytes(s.build().bytes(), "t");
  const fe::Op* conv = nullptr;
  for (const auto& op : net.ops)
    if (op.kind == fe::OpKind::Conv) conv = &op;
  ASSERT_NE(conv, nullptr);
  const fe::DeviceMapping m = fe::map_device_op(*conv, 2);
  EXPECT_TRUE(m.host_pads());
  EXPECT_EQ(m.desc.pad, 0);
  EXPECT_EQ(m.desc.in_h, 6 + 0 + 2);
  EXPECT_EQ(m.desc.in_w, 6 + 1 + 1);
  EXPECT_EQ(m.pad_value, 9);
  const std::vector<int64_t> x(2 * 2 * 36, 5);
  const std::vector<int64_t> xp = fe::device_input(m, *conv, x, 2);
  ASSERT_EQ(xp.size(), size_t(2 * 2 * 8 * 8));
  EXPECT_EQ(xp[0], 9);          // top row: padding
  EXPECT_EQ(xp[8 + 1], 5);      // row 1, column 1: the first input value
  EXPECT_EQ(xp[8 * 7 + 7], 9);  // bottom-right: padding

  bft::ConvSpec t;
  t.strides = {2, 1};
  net = fe::import_onnx_bytes(t.build().bytes(), "t");
  for (const auto& op : net.ops)
    if (op.kind == fe::OpKind::Conv) {
      try {
        fe::map_device_op(op, 1);
        ADD_FAILURE() << "different strides were accepted";
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("node 'conv'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("strides 2x1"), std::string::npos) << e.what();
      }
    }
}

}  // namespace
