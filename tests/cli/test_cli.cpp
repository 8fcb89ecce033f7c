// `bitfusion conv/fc/run` as a user runs them: results checked against the
// direct golden layer (golden/layer_ref), errors checked for a one-line
// message naming the problem and a non-zero exit, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "../cli_run.hpp"
#include "golden/layer_ref.hpp"
#include "golden/npy.hpp"

using namespace bf;

namespace {

using Result = bft::CliResult;
using bft::run_cli;

// One folder per test process: CTest runs the tests of this file in
// parallel processes, which must not share their files.
const std::string& dir() { return bft::cli_scratch("bf_cli"); }

std::string put(const std::string& name, std::vector<int64_t> shape, std::vector<int64_t> data) {
  NpyArray a;
  a.shape = std::move(shape);
  a.data = std::move(data);
  const std::string p = dir() + name;
  write_npy(p, a);
  return p;
}

std::vector<int64_t> rand_vec(size_t n, int64_t lo, int64_t hi, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> d(lo, hi);
  std::vector<int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// Expects a failure: non-zero exit (not a signal), one line on stderr
// containing `needle`.
void expect_error(const std::string& args, const std::string& needle) {
  const Result r = run_cli(args);
  EXPECT_NE(r.code, 0) << args;
  EXPECT_LT(r.code, 128) << "crashed: " << args;
  EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\nstderr: " << r.err;
  EXPECT_LE(std::count(r.err.begin(), r.err.end(), '\n'), 2) << "not a short error: " << r.err;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(3);
    x_ = put("x.npy", {2, 5, 9, 9}, rand_vec(2 * 5 * 81, 0, 3, rng));
    w_ = put("w.npy", {7, 5, 3, 3}, rand_vec(7 * 5 * 9, -2, 1, rng));
    b_ = put("b.npy", {7}, rand_vec(7, -50, 50, rng));
  }
  std::string x_, w_, b_;
  std::string base() const {
    return "conv --backend golden --input " + x_ + " --weights " + w_ +
           " --act-bits 2 --act-unsigned --wgt-bits 2 --out " + dir() + "y.npy";
  }
};

// The number after "key": in a flat JSON report (-1 when absent).
double json_number(const std::string& j, const std::string& key) {
  const auto p = j.find("\"" + key + "\": ");
  return p == std::string::npos ? -1.0 : std::stod(j.substr(p + key.size() + 4));
}

}  // namespace

TEST_F(Cli, ConvMatchesTheDirectGoldenLayer) {
  for (const std::string extra : {"--pad 1", "--stride 2 --pad 2 --bias @B --relu --shift 1 --out-bits 4",
                                  "--lowering direct --pad 1 --bias @B", "--lowering im2col --stride 3"}) {
    std::string args = base() + " " + extra;
    const auto bpos = args.find("@B");
    if (bpos != std::string::npos) args.replace(bpos, 2, b_);
    const Result r = run_cli(args + " --report " + dir() + "r.json");
    ASSERT_EQ(r.code, 0) << args << "\n" << r.err;
    const NpyArray y = read_npy(dir() + "y.npy"), x = read_npy(x_), w = read_npy(w_), b = read_npy(b_);
    ConvParams p{2, 5, 9, 9, 7, 3, 3, 1, 0};
    OutputStage o;
    std::vector<int64_t> bias;
    if (extra.find("--stride 2") != std::string::npos)
      p.stride = 2, p.pad = 2, o = {4, true, 1}, bias = b.data;
    else if (extra.find("--stride 3") != std::string::npos)
      p.stride = 3;
    else
      p.pad = 1;
    if (extra.find("--lowering direct") != std::string::npos) bias = b.data;
    EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 7, p.out_h(), p.out_w()})) << extra;
    EXPECT_EQ(y.data, conv_layer_ref(p, x.data, w.data, bias, o)) << extra;
    std::ifstream rep(dir() + "r.json");
    const std::string j((std::istreambuf_iterator<char>(rep)), {});
    EXPECT_NE(j.find("\"macs\": " + std::to_string(2LL * 7 * p.out_h() * p.out_w() * 5 * 9)), std::string::npos) << j;
    // The rtl-mode model's cycles: never fewer than the array steps (one
    // step per cycle at most).
    EXPECT_GE(json_number(j, "model_cycles"), json_number(j, "array_steps")) << j;
    EXPECT_GT(json_number(j, "array_steps"), 0) << j;
  }
}

TEST_F(Cli, FcMatchesTheDirectGoldenLayer) {
  std::mt19937 rng(9);
  const auto xf = put("xf.npy", {3, 37}, rand_vec(3 * 37, -128, 127, rng));
  const auto wf = put("wf.npy", {11, 37}, rand_vec(11 * 37, 0, 15, rng));
  const Result r = run_cli("fc --backend golden --config bf4x8 --input " + xf + " --weights " + wf +
                           " --act-bits 8 --wgt-bits 4 --wgt-unsigned --out " + dir() + "yf.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  const NpyArray y = read_npy(dir() + "yf.npy");
  ConvParams p{3, 37, 1, 1, 11, 1, 1, 1, 0};
  EXPECT_EQ(y.shape, (std::vector<int64_t>{3, 11}));
  EXPECT_EQ(y.data, conv_layer_ref(p, read_npy(xf).data, read_npy(wf).data, {}, {}));
}

TEST_F(Cli, RunLeNet5OnTheGoldenBackendIsBitExact) {
  const Result r = run_cli("run --net lenet5 --backend golden --seed 5 --quiet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("every layer bit-exact against golden"), std::string::npos) << r.out;
  // Closed form: LeNet-5 is 16.0 M MACs per image (reference doc, section 5).
  EXPECT_NE(r.out.find("16028672 MACs"), std::string::npos) << r.out;
}

TEST_F(Cli, BadInputsGetOneLineErrors) {
  std::mt19937 rng(4);
  {
    std::ofstream f(dir() + "text.npy");
    f << "not numpy";
  }
  const auto bad_rank = put("r3.npy", {2, 5, 81}, rand_vec(810, 0, 3, rng));
  const auto big = put("big.npy", {2, 5, 9, 9}, std::vector<int64_t>(810, 4));
  const auto wrong_c = put("wc.npy", {7, 4, 3, 3}, rand_vec(7 * 36, -2, 1, rng));
  const auto huge_k = put("wk.npy", {7, 5, 12, 12}, rand_vec(7 * 5 * 144, -2, 1, rng));
  const auto bias_bad = put("bb.npy", {6}, rand_vec(6, -5, 5, rng));
  const std::string ok_w = " --weights " + w_, ok_x = " --input " + x_;
  const std::string bits = " --act-bits 2 --act-unsigned --wgt-bits 2 --backend golden --out " + dir() + "e.npy";
  expect_error("conv --input " + dir() + "text.npy" + ok_w + bits, "bad magic");
  expect_error("conv --input " + dir() + "missing.npy" + ok_w + bits, "cannot open");
  expect_error("conv --input " + bad_rank + ok_w + bits, "rank 4");
  expect_error("conv --input " + big + ok_w + bits, "outside the u2 range");
  expect_error("conv" + ok_x + " --weights " + wrong_c + bits, "input channels");
  expect_error("conv" + ok_x + " --weights " + huge_k + bits, "does not fit");
  expect_error("conv" + ok_x + ok_w + bits + " --bias " + bias_bad, "bias must have shape (7,)");
  expect_error("conv" + ok_x + ok_w + " --act-bits 3 --wgt-bits 2 --backend golden --out x.npy", "not supported");
  expect_error("conv" + ok_x + ok_w + bits + " --set colz=2", "unknown config key 'colz'");
  expect_error("conv" + ok_x + ok_w + bits + " --config nosuch", "unknown config 'nosuch'");
  expect_error("conv" + ok_x + ok_w + bits + " --shift 3", "--out-bits");
  expect_error("conv" + ok_x + ok_w + bits + " --trace t.fst", "--trace needs --backend rtl");
  expect_error("conv" + ok_x + ok_w + bits +
                   " --out-bits 8 --set obuf_kb=1 --set wbuf_kb=1 --set ibuf_kb=1 --set rows=64 --set cols=512",
               "does not fit the buffers");
  expect_error("run --net nosuchnet --backend golden", "nosuchnet");
  expect_error("fc --input " + x_ + " --weights " + w_ + bits, "fc input must be (batch, in)");
}

// `bench --mode rtl`: its cycle table against `perf` on each network, in
// both modes (perf's totals are computed by its own path: rtl_run with the
// network's layer descriptions, paper_run), the ratio and its geomean.
TEST_F(Cli, BenchRtlModeCyclesMatchPerf) {
  const Result b = run_cli("bench --mode rtl --no-plot");
  ASSERT_EQ(b.code, 0) << b.err;
  auto total = [&](const std::string& net, const char* mode) {
    const Result p = run_cli("perf --net " + net + " --mode " + mode);
    EXPECT_EQ(p.code, 0) << p.err;
    const auto at = p.out.find("\ntotal ");
    EXPECT_NE(at, std::string::npos) << p.out;
    return std::stod(p.out.substr(at + 7));
  };
  const std::pair<const char*, const char*> nets[] = {{"LeNet-5", "lenet5"}, {"RNN", "rnn"}, {"SVHN", "svhn"}};
  for (const auto& [name, file] : nets) {
    const auto at = b.out.find("\n" + std::string(name) + " ");
    ASSERT_NE(at, std::string::npos) << name << "\n" << b.out;
    std::istringstream row(b.out.substr(at + 1 + std::string(name).size()));
    double rtl = 0, paper = 0, ratio = 0;
    row >> rtl >> paper >> ratio;
    EXPECT_EQ(rtl, total(file, "rtl")) << name;
    EXPECT_EQ(paper, total(file, "paper")) << name;
    EXPECT_NEAR(ratio, rtl / paper, 0.0005) << name;
  }
  EXPECT_NE(b.out.find("over fixed 8-bit"), std::string::npos);
  expect_error("bench --mode fast --no-plot", "--mode 'fast'");
}

#ifdef BF_HAVE_DEVICE
// The rtl backend: the Verilated controller + array of the named
// configuration runs the compiled layer; outputs against the direct golden
// layer (golden/layer_ref), as on the golden backend.
TEST_F(Cli, ConvAndFcOnTheRtlMatchTheDirectGoldenLayer) {
  const NpyArray x = read_npy(x_), w = read_npy(w_), b = read_npy(b_);
  struct Case {
    std::string extra;
    ConvParams p;
    bool bias;
    OutputStage o;
  };
  const Case cases[] = {
      {"--config bf2x2 --pad 1", {2, 5, 9, 9, 7, 3, 3, 1, 1}, false, {}},
      {"--config bf4x8 --stride 2 --pad 2 --bias @B --relu --shift 1 --out-bits 4",
       {2, 5, 9, 9, 7, 3, 3, 2, 2},
       true,
       {4, true, 1}},
      {"--config bf8x8 --lowering direct --pad 1 --bias @B --shift 2 --out-bits 8",
       {2, 5, 9, 9, 7, 3, 3, 1, 1},
       true,
       {8, false, 2}},
      {"--config bf2x2 --lowering im2col --stride 3", {2, 5, 9, 9, 7, 3, 3, 3, 0}, false, {}},
      // The default configuration: the 16x32 array, built hierarchically.
      {"--stride 1", {2, 5, 9, 9, 7, 3, 3, 1, 0}, false, {}},
  };
  for (const Case& k : cases) {
    std::string args = "conv --backend rtl --input " + x_ + " --weights " + w_ +
                       " --act-bits 2 --act-unsigned --wgt-bits 2 --out " + dir() + "yr.npy " + k.extra;
    const auto bpos = args.find("@B");
    if (bpos != std::string::npos) args.replace(bpos, 2, b_);
    const Result r = run_cli(args + " --report " + dir() + "rr.json");
    ASSERT_EQ(r.code, 0) << args << "\n" << r.err;
    const NpyArray y = read_npy(dir() + "yr.npy");
    EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 7, k.p.out_h(), k.p.out_w()})) << k.extra;
    EXPECT_EQ(y.data, conv_layer_ref(k.p, x.data, w.data, k.bias ? b.data : std::vector<int64_t>{}, k.o)) << k.extra;
    EXPECT_NE(r.out.find("conv rtl:"), std::string::npos) << r.out;
    // The report's rtl-mode model cycles against the RTL's own count
    // (within 3 %, as for the random small layers of tests/ctrl: these
    // layers take a few hundred cycles; the benchmark layers of PerfRtl are
    // held to 2 %).
    std::ifstream rep(dir() + "rr.json");
    const std::string j((std::istreambuf_iterator<char>(rep)), {});
    const double cyc = json_number(j, "cycles"), model = json_number(j, "model_cycles");
    ASSERT_GT(cyc, 0) << j;
    EXPECT_LE(std::abs(model - cyc) / cyc, 0.03) << k.extra << ": model " << model << ", RTL " << cyc;
  }
  std::mt19937 rng(19);
  const auto xf = put("xfr.npy", {3, 37}, rand_vec(3 * 37, -128, 127, rng));
  const auto wf = put("wfr.npy", {11, 37}, rand_vec(11 * 37, 0, 15, rng));
  const Result r = run_cli("fc --backend rtl --config bf4x8 --input " + xf + " --weights " + wf +
                           " --act-bits 8 --wgt-bits 4 --wgt-unsigned --out " + dir() + "yfr.npy");
  ASSERT_EQ(r.code, 0) << r.err;
  ConvParams p{3, 37, 1, 1, 11, 1, 1, 1, 0};
  EXPECT_EQ(read_npy(dir() + "yfr.npy").data, conv_layer_ref(p, read_npy(xf).data, read_npy(wf).data, {}, {}));
}

// --trace writes the FST of the cycle window and a GTKWave save file that
// opens it with the signal groups.
TEST_F(Cli, TraceWritesAnFstWindowAndAGtkwaveSaveFile) {
  const std::string fst = dir() + "t.fst", gtkw = dir() + "t.gtkw";
  std::remove(fst.c_str());
  std::remove(gtkw.c_str());
  const Result r = run_cli("conv --backend rtl --config bf2x2 --input " + x_ + " --weights " + w_ +
                           " --act-bits 2 --act-unsigned --wgt-bits 2 --out " + dir() + "yt.npy --trace " + fst +
                           " --trace-from 100 --trace-to 400");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream f(fst, std::ios::binary);
  ASSERT_TRUE(f.good()) << "no " << fst;
  const std::string bytes((std::istreambuf_iterator<char>(f)), {});
  EXPECT_GT(bytes.size(), 1000u);
  std::ifstream g(gtkw);
  ASSERT_TRUE(g.good()) << "no " << gtkw;
  const std::string save((std::istreambuf_iterator<char>(g)), {});
  EXPECT_NE(save.find(fst), std::string::npos) << save;
  for (const char* sig : {"u_seq.state_q", "mem_req_valid_o", "u_array.cmd_valid_i", "u_out.acc_q"})
    EXPECT_NE(save.find(sig), std::string::npos) << sig;
}

// LeNet-5 (2-bit, reference doc) at batch 1 on the default 16x32 RTL: the
// main job of `make run`; every layer against golden (conv_layer_ref).
TEST_F(Cli, RunLeNet5OnTheRtlIsBitExact) {
  const Result r = run_cli("run --net lenet5 --backend rtl --seed 7 --quiet");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("every layer bit-exact against golden"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16028672 MACs"), std::string::npos) << r.out;  // reference doc, section 5
}

TEST_F(Cli, RtlBackendConfigurationErrors) {
  const std::string args = "conv --backend rtl --input " + x_ + " --weights " + w_ +
                           " --act-bits 2 --act-unsigned --wgt-bits 2 --out " + dir() + "ye.npy";
  expect_error(args + " --config bf16x256", "no RTL model for configuration 'bf16x256'");
  expect_error(args + " --config bf8x8 --set rows=4", "--set may change only dram_latency");
  // dram_latency may change: still the direct golden layer's result.
  const Result r = run_cli(args + " --config bf2x2 --set dram_latency=3");
  ASSERT_EQ(r.code, 0) << r.err;
  const ConvParams p{2, 5, 9, 9, 7, 3, 3, 1, 0};
  EXPECT_EQ(read_npy(dir() + "ye.npy").data, conv_layer_ref(p, read_npy(x_).data, read_npy(w_).data, {}, {}));
}
#endif
