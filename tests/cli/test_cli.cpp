// `bitfusion conv/fc/run` as a user runs them: results checked against the
// direct golden layer (golden/layer_ref), errors checked for a one-line
// message naming the problem and a non-zero exit, never a crash.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "golden/layer_ref.hpp"
#include "golden/npy.hpp"

using namespace bf;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

const std::string& dir() {
  static const std::string d = ::testing::TempDir() + "bf_cli/";
  static const int made = std::system(("mkdir -p " + d).c_str());
  (void)made;
  return d;
}

Result run_cli(const std::string& args) {
  const std::string err_file = dir() + "stderr.txt";
  const std::string cmd = std::string(BF_CLI) + " " + args + " 2>" + err_file;
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::ifstream e(err_file);
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  return r;
}

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
    if (extra.find("--stride 2") != std::string::npos) p.stride = 2, p.pad = 2, o = {4, true, 1}, bias = b.data;
    else if (extra.find("--stride 3") != std::string::npos) p.stride = 3;
    else p.pad = 1;
    if (extra.find("--lowering direct") != std::string::npos) bias = b.data;
    EXPECT_EQ(y.shape, (std::vector<int64_t>{2, 7, p.out_h(), p.out_w()})) << extra;
    EXPECT_EQ(y.data, conv_layer_ref(p, x.data, w.data, bias, o)) << extra;
    std::ifstream rep(dir() + "r.json");
    const std::string j((std::istreambuf_iterator<char>(rep)), {});
    EXPECT_NE(j.find("\"macs\": " + std::to_string(2LL * 7 * p.out_h() * p.out_w() * 5 * 9)), std::string::npos) << j;
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
  expect_error("conv" + ok_x + ok_w + bits + " --out-bits 8 --set obuf_kb=1 --set wbuf_kb=1 --set ibuf_kb=1 --set rows=64 --set cols=512",
               "does not fit half of the buffers");
  expect_error("run --net nosuchnet --backend golden", "nosuchnet");
  expect_error("fc --input " + x_ + " --weights " + w_ + bits, "fc input must be (batch, in)");
}
