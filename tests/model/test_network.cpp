// Network files: shapes and MAC counts against the paper's figures
// (reference doc section 5), and one-line errors naming file and problem.
#include <gtest/gtest.h>

#include <cmath>

#include "model/network.hpp"

namespace bf::model {
namespace {

Network net(const std::string& name) { return load_network(std::string(BF_TEST_NETWORK_DIR) + "/" + name + ".json"); }

TEST(Network, MacsMatchThePaper) {
  struct M {
    const char* file;
    double macs;    // per image, as printed in the paper
    double digits;  // half a unit of the last printed digit
  };
  const M ms[] = {{"lenet5", 16.0e6, 0.05e6}, {"vgg7", 317e6, 0.5e6},         {"cifar10", 617e6, 0.5e6},
                  {"svhn", 158e6, 0.5e6},     {"alexnet", 2.679e9, 0.0005e9}, {"resnet18", 4.269e9, 0.0005e9},
                  {"rnn", 16.8e6, 0.05e6},    {"lstm", 13.0e6, 0.05e6}};
  for (const auto& m : ms) {
    SCOPED_TRACE(m.file);
    EXPECT_NEAR(double(net(m.file).macs()), m.macs, m.digits);
  }
}

TEST(Network, LeNetShapesAreInferred) {
  const Network n = net("lenet5");
  ASSERT_EQ(n.layers.size(), 6u);
  EXPECT_EQ(n.batch, 16);
  const auto& c0 = n.layers[0];
  EXPECT_TRUE(c0.reads_input);
  EXPECT_EQ(c0.out.c, 32);
  EXPECT_EQ(c0.out.h, 32);
  EXPECT_EQ(c0.pad_before(), 2);
  EXPECT_EQ(n.layers[1].out.h, 16);
  EXPECT_FALSE(n.layers[2].reads_input);
  EXPECT_EQ(n.layers[3].out.h, 8);
  EXPECT_EQ(n.find("fc1")->in.c, 4096);
  EXPECT_EQ(n.find("fc2")->in.c, 512);
  EXPECT_FALSE(n.find("fc2")->relu);
  EXPECT_EQ(n.find("fc1")->act_bits, 2);
}

TEST(Network, BranchesConcatAndAdd) {
  const Network a = net("alexnet");
  EXPECT_EQ(a.find("conv1_a")->out.h, 55);
  EXPECT_TRUE(a.find("conv1_b")->reads_input);
  EXPECT_EQ(a.find("pool2_a")->out.h, 13);
  EXPECT_EQ(a.find("concat2")->out.c, 512);
  EXPECT_EQ(a.find("conv3_b")->in.c, 512);
  EXPECT_EQ(a.find("fc1")->in.c, 18432);
  const Network v = net("vgg7");
  EXPECT_EQ(v.find("add3")->out.c, 512);
  EXPECT_EQ(v.find("fc1")->in.c, 8192);
  const Network r = net("resnet18");
  EXPECT_EQ(r.find("conv1_a")->out.h, 112);
  EXPECT_EQ(r.find("conv3_1_a")->out.h, 28);
  EXPECT_EQ(r.find("conv5_2_b")->out.h, 7);
  EXPECT_EQ(r.find("conv5_2_b")->out.c, 1024);
}

void expect_error(const std::string& text, const std::string& part) {
  try {
    parse_network(text, "x.json");
    ADD_FAILURE() << "no error for " << text;
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("x.json"), std::string::npos) << m;
    EXPECT_NE(m.find(part), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(Network, ErrorsNameFileAndProblem) {
  const std::string in = R"("input": {"channels": 1, "height": 8, "width": 8})";
  expect_error("{", "not valid JSON");
  expect_error("{" + in + "}", "layers");
  expect_error(
      "{" + in +
          R"(, "layers": [{"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "act_bits": 3, "wgt_bits": 2}]})",
      "'act_bits' = 3");
  expect_error(
      "{" + in + R"(, "layers": [{"name": "c", "type": "conv", "out_channels": 4, "kernel": 3, "act_bits": 2}]})",
      "missing 'wgt_bits'");
  expect_error(
      "{" + in +
          R"(, "layers": [{"name": "c", "type": "fc", "out_features": 4, "act_bits": 2, "wgt_bits": 2, "input": "zz"}]})",
      "input 'zz'");
  expect_error("{" + in + R"(, "layers": [{"name": "c", "type": "pool"}]})", "unknown type 'pool'");
  expect_error("{" + in + R"(, "layers": [{"name": "c", "type": "maxpool", "size": 2}]})", "unknown key 'size'");
  expect_error(
      "{" + in +
          R"(, "layers": [{"name": "c", "type": "conv", "out_channels": 4, "kernel": 9, "padding": "valid", "act_bits": 2, "wgt_bits": 2}]})",
      "does not fit");
  expect_error(
      "{" + in +
          R"(, "layers": [{"name": "a", "type": "maxpool"}, {"name": "b", "type": "add", "inputs": ["a", "input"]}]})",
      "different shape");
  EXPECT_THROW(load_network("no_such_network"), std::runtime_error);
}

TEST(Network, ExplicitPaddingAndStride) {
  const auto n = parse_network(R"({"input": {"channels": 3, "height": 10, "width": 12}, "layers": [
    {"name": "c", "type": "conv", "out_channels": 8, "kernel": 3, "stride": 2, "padding": 1, "act_bits": 8, "wgt_bits": 8},
    {"name": "p", "type": "maxpool", "kernel": 3, "stride": 1},
    {"name": "f", "type": "fc", "out_features": 5, "act_bits": 4, "wgt_bits": 4}]})",
                               "y.json");
  EXPECT_EQ(n.layers[0].out.h, 5);  // (10 + 2 - 3) / 2 + 1
  EXPECT_EQ(n.layers[0].out.w, 6);  // (12 + 2 - 3) / 2 + 1
  EXPECT_EQ(n.layers[1].out.h, 3);
  EXPECT_EQ(n.layers[1].out.w, 4);
  EXPECT_EQ(n.layers[2].in.c, 8 * 3 * 4);
  EXPECT_EQ(n.macs(), 5 * 6 * 8 * 9 * 3 + 96 * 5);
}

}  // namespace
}  // namespace bf::model
