// `bitfusion import` as a user runs it: the table and the JSON of the
// committed fixtures, checked against the layer arithmetic done here
// (shapes, MACs), and bad files -> one line `bitfusion: error: ...`, exit 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../cli_run.hpp"
#include "onnx_builder.hpp"

namespace {

using Result = bft::CliResult;
using bft::run_cli;

const std::string& dir() { return bft::cli_scratch("bf_import_cli"); }

std::string data(const std::string& f) { return std::string(BF_FRONTEND_DATA) + "/" + f; }

std::string write(const std::string& name, const std::string& bytes) {
  const std::string p = dir() + name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string read(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void expect_error(const std::string& args, const std::string& needle) {
  const Result r = run_cli(args);
  bft::expect_one_line_error(r, args, needle);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

// The row of op `name` in the table, split on runs of two or more spaces.
std::vector<std::string> row(const std::string& out, const std::string& name) {
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) != 0) continue;
    std::vector<std::string> cells;
    size_t i = 0;
    while (i < line.size()) {
      const size_t j = line.find("  ", i);
      const std::string c = line.substr(i, j == std::string::npos ? std::string::npos : j - i);
      if (!c.empty()) cells.push_back(c.substr(c.find_first_not_of(' ')));
      if (j == std::string::npos) break;
      i = line.find_first_not_of(' ', j);
      if (i == std::string::npos) break;
    }
    return cells;
  }
  return {};
}

TEST(FrontendCli, FakeQuantTable) {
  const Result r = run_cli("import " + data("fq_small.onnx"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("opset 13, pytorch 1.13.0"), std::string::npos) << r.out;
  // conv 1 -> 4, 3x3, pad 1 on 8x8: 4 * 8 * 8 * (1 * 3 * 3) MACs
  auto c1 = row(r.out, "/Conv");
  ASSERT_EQ(c1.size(), 7u) << r.out;
  EXPECT_EQ(c1[1], "conv 3x3 p1");
  EXPECT_EQ(c1[2], "1x8x8 -> 4x8x8");
  EXPECT_EQ(c1[3], "u8 x s2");
  EXPECT_EQ(c1[4], std::to_string(4 * 8 * 8 * 9));
  EXPECT_EQ(c1[5], "device");
  EXPECT_EQ(c1[6].rfind("per-layer", 0), 0u);
  // conv 4 -> 6, 3x3, stride 2, pad 1 on 4x4 -> 2x2, per-channel weight scales
  auto c2 = row(r.out, "/Conv_1");
  ASSERT_EQ(c2.size(), 7u);
  EXPECT_EQ(c2[2], "4x4x4 -> 6x2x2");
  EXPECT_EQ(c2[3], "u2 x s4");
  EXPECT_EQ(c2[4], std::to_string(6 * 2 * 2 * 4 * 9));
  EXPECT_EQ(c2[6].rfind("per-channel (6)", 0), 0u);
  auto fc = row(r.out, "/Gemm");
  ASSERT_EQ(fc.size(), 7u);
  EXPECT_EQ(fc[3], "u4 x s4");
  EXPECT_EQ(fc[4], std::to_string(24 * 5));
  EXPECT_EQ(fc[6].rfind("raw", 0), 0u);
  auto mp = row(r.out, "/MaxPool");
  ASSERT_EQ(mp.size(), 7u);
  EXPECT_EQ(mp[5], "host");
  EXPECT_NE(r.out.find("total: 7 ops (3 on the device), " + std::to_string(2304 + 864 + 120) + " MACs"),
            std::string::npos)
      << r.out;
}

TEST(FrontendCli, QatJson) {
  const std::string js = dir() + "qat.json";
  std::remove(js.c_str());
  const Result r = run_cli("import " + data("qat_small.onnx") + " --json " + js);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(read(js));
  EXPECT_EQ(j["opset"], 13);
  ASSERT_EQ(j["ops"].size(), 12u);
  uint64_t macs = 0;
  int dev = 0;
  for (const auto& op : j["ops"]) {
    if (op["runs"] != "device") continue;
    ++dev;
    const auto& g = op["geometry"];
    const uint64_t m = uint64_t(g["out_c"]) * uint64_t(g["out_h"]) * uint64_t(g["out_w"]) * uint64_t(g["in_c"]) *
                       uint64_t(g["kernel"][0]) * uint64_t(g["kernel"][1]);
    EXPECT_EQ(op["macs_per_image"], m);
    macs += m;
    EXPECT_EQ(op["wgt"], "s4");
    EXPECT_EQ(op["requant"], "per-channel");
    EXPECT_EQ(op["requant_params"].size(), op["geometry"]["out_c"]);
  }
  EXPECT_EQ(dev, 3);
  EXPECT_EQ(j["device_macs_per_image"], macs);
  EXPECT_EQ(macs, uint64_t(4 * 64 * 9 + 4 * 64 * 36 + 5 * 32));
  EXPECT_EQ(j["input"]["shape"][0], 1);
  EXPECT_EQ(j["output"]["type"], "f32");
}

TEST(FrontendCli, BadFiles) {
  expect_error("import " + dir() + "does_not_exist.onnx", "cannot read");
  expect_error("import " + write("text.onnx", "hello, I am not a model\n"), "not an ONNX model");
  const std::string full = read(data("fq_small.onnx"));
  ASSERT_GT(full.size(), 1000u);
  expect_error("import " + write("half.onnx", full.substr(0, full.size() / 2)), "protobuf parse failed");
  expect_error("import " + write("empty.onnx", ""), "empty file");

  bft::GraphBuilder g;
  g.input("x", {1, 4});
  g.output(g.op("Softmax", {g.fq_act("x", 0.1, 0, bft::U8)}, "softmax"));
  expect_error("import " + write("softmax.onnx", g.bytes()), "node 'softmax' (Softmax): operator not supported");

  bft::GraphBuilder o(11);
  o.input("x", {1, 4});
  o.output(o.fq_act("x", 0.1, 0, bft::U8));
  expect_error("import " + write("old.onnx", o.bytes()), "opset 11 is too old");

  const Result r = run_cli("import " + data("fq_small.onnx") + " --json /nonexistent_dir/x.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
}

}  // namespace
