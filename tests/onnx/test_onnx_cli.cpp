// `bitfusion run --onnx` as a user runs it: outputs of a good run (logits
// file, report, dumps) checked against the integer reference executor and
// the labels; every bad file or option -> one line, exit 2, nothing
// written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "../cli_run.hpp"
#include "frontend/onnx_import.hpp"
#include "frontend/qnet_ref.hpp"
#include "golden/npy.hpp"
#include "golden/npy_float.hpp"

namespace fs = std::filesystem;
using namespace bf;

namespace {

const std::string kEx = std::string(BF_EXAMPLES_DIR) + "/digits/";
const std::string kModel = kEx + "digits_mixed.onnx";
const std::string kX = kEx + "data/test_x.npy";
const std::string kY = kEx + "data/test_y.npy";

const std::string& dir() { return bft::cli_scratch("bf_onnx_cli"); }
using bft::run_cli;

void expect_error(const std::string& args, const std::string& needle) {
  const std::string out = dir() + "never.npy";
  fs::remove(out);
  const bft::CliResult r = run_cli(args + " --out " + out);
  bft::expect_one_line_error(r, args, needle);
  EXPECT_FALSE(fs::exists(out)) << "a failed run wrote --out";
}

TEST(OnnxCli, GoldenRunWritesLogitsReportAndDumps) {
  const std::string out = dir() + "logits.npy", rep = dir() + "report.json", dump = dir() + "dump";
  fs::remove_all(dump);
  const bft::CliResult r =
      run_cli("run --onnx " + kModel + " --input " + kX + " --labels " + kY +
              " --images 40 --batch 16 --backend golden --out " + out + " --report " + rep + " --dump " + dump);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("every device layer bit-exact"), std::string::npos) << r.out;
  // The logits against the integer reference executor on the same images.
  const fe::QNet net = fe::import_onnx_file(kModel);
  const NpyFloat x = read_npy_float(kX);
  const fe::RefResult ref = fe::run_reference(net, std::vector<float>(x.data.begin(), x.data.begin() + 40 * 64), 40);
  const NpyFloat logits = read_npy_float(out);
  EXPECT_EQ(logits.shape, (std::vector<int64_t>{40, 10}));
  EXPECT_EQ(logits.data, ref.output);
  // The accuracy line and the report against the labels.
  const std::vector<int64_t> y = read_npy(kY).data;
  int correct = 0;
  for (int i = 0; i < 40; ++i) {
    int best = 0;
    for (int k = 1; k < 10; ++k)
      if (ref.output[size_t(i * 10 + k)] > ref.output[size_t(i * 10 + best)]) best = k;
    correct += best == y[size_t(i)];
  }
  EXPECT_NE(r.out.find("(" + std::to_string(correct) + "/40 images)"), std::string::npos) << r.out;
  std::ifstream rf(rep);
  const auto j = nlohmann::json::parse(rf);
  EXPECT_EQ(j["images"], 40);
  EXPECT_EQ(j["correct"], correct);
  EXPECT_EQ(j["bit_exact"], true);
  uint64_t macs = 0;
  for (const auto& op : net.ops)
    if (op.on_device()) macs += op.dev.macs_per_image() * 40;
  EXPECT_EQ(j["total_macs"].get<uint64_t>(), macs);
  // Dumps: every integer tensor, as the reference computes it.
  std::ifstream df(dump + "/index.json");
  const auto idx = nlohmann::json::parse(df);
  size_t found = 0;
  for (const auto& t : idx["tensors"])
    for (size_t k = 0; k < net.tensors.size(); ++k)
      if (net.tensors[k].name == t["tensor"]) {
        ++found;
        EXPECT_EQ(read_npy(dump + "/" + t["file"].get<std::string>()).data, ref.q[k]) << net.tensors[k].name;
      }
  size_t ints = 0;
  for (const auto& t : net.tensors) ints += !t.is_float;
  EXPECT_EQ(found, ints);
}

TEST(OnnxCli, BadModels) {
  const std::string junk = dir() + "junk.onnx";
  std::ofstream(junk) << "this is not a protobuf";
  expect_error("run --onnx " + junk + " --input " + kX, "junk.onnx");
  const std::string trunc = dir() + "trunc.onnx";
  {
    std::ifstream in(kModel, std::ios::binary);
    std::string b((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(trunc, std::ios::binary) << b.substr(0, b.size() / 2);
  }
  expect_error("run --onnx " + trunc + " --input " + kX, "trunc.onnx");
  expect_error("run --onnx " + dir() + "missing.onnx --input " + kX, "missing.onnx");
}

TEST(OnnxCli, BadInputsAndLabels) {
  // wrong image shape
  const std::string x3 = dir() + "x_3x8x8.npy";
  write_npy_float(x3, NpyFloat{{2, 3, 8, 8}, std::vector<float>(2 * 3 * 64, 0.5f)});
  expect_error("run --onnx " + kModel + " --input " + x3, "does not match the model's input");
  // integers instead of float32
  const std::string xi = dir() + "x_int.npy";
  write_npy(xi, NpyArray{{2, 1, 8, 8}, std::vector<int64_t>(128, 1)});
  expect_error("run --onnx " + kModel + " --input " + xi, "is not float32");
  // labels of the wrong length
  const std::string y5 = dir() + "y5.npy";
  write_npy(y5, NpyArray{{5}, std::vector<int64_t>(5, 1)}, true);
  expect_error("run --onnx " + kModel + " --input " + kX + " --labels " + y5, "does not match the 360 images");
  // options
  expect_error("run --onnx " + kModel, "--onnx needs --input");
  expect_error("run --net lenet5 --input " + kX, "--input needs --onnx");
  expect_error("run --onnx " + kModel + " --input " + kX + " --images 1000", "--images 1000");
  expect_error("run --onnx " + kModel + " --input " + kX + " --backend nope", "unknown backend 'nope'");
  expect_error("run --onnx " + kModel + " --input " + kX + " --batch 0", "--batch");
  const bft::CliResult both = run_cli("run --net lenet5 --onnx " + kModel + " --input " + kX);
  EXPECT_NE(both.code, 0);
}

// Defect: --out / --report were written to "<path>.tmp<pid>" and renamed
// over <path>, so `--out /dev/full` replaced the device with a regular file
// and exited 0, and a missing folder failed only after the whole run.
// Outputs now go through golden/file_io (checked before any work).
TEST(OnnxCli, OutputsIntoDevicesAndMissingFoldersAreErrors) {
  const std::string run = "run --onnx " + kModel + " --input " + kX + " --backend golden --images 4 --quiet";
  for (const char* opt : {" --out ", " --report "}) {
    const bft::CliResult full = run_cli(run + opt + "/dev/full");
    bft::expect_one_line_error(full, opt, "No space left on device");
    EXPECT_TRUE(fs::is_character_file("/dev/full")) << "/dev/full was replaced";
    const bft::CliResult missing = run_cli(run + opt + dir() + "no_such_folder/f");
    bft::expect_one_line_error(missing, opt, "does not exist");
    EXPECT_EQ(missing.out, "") << "the run started before the output path was checked";
  }
}

}  // namespace

namespace {

// A report without its wall times, and its floats to 9 digits (the energy
// of several slices is summed in another order).
nlohmann::json comparable(nlohmann::json j) {
  if (j.is_object()) {
    j.erase("wall_seconds");
    for (auto& [k, v] : j.items()) v = comparable(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = comparable(v);
  } else if (j.is_number_float()) {
    char b[32];
    std::snprintf(b, sizeof b, "%.9g", j.get<double>());
    j = std::stod(b);
  }
  return j;
}

}  // namespace

// --jobs N runs the images in slices of whole batches in N processes; the
// merge gives what one process gives: the same logits, table and report.
TEST(OnnxCli, JobsSlicesEqualOneProcess) {
  const std::string base = "run --onnx " + kModel + " --input " + kX + " --labels " + kY +
                           " --first 7 --images 75 --batch 16 --backend golden --quiet";
  const bft::CliResult one = run_cli(base + " --out " + dir() + "one.npy --report " + dir() + "one.json");
  ASSERT_EQ(one.code, 0) << one.err << one.out;
  const bft::CliResult par = run_cli(base + " --jobs 3 --out " + dir() + "par.npy --report " + dir() + "par.json");
  ASSERT_EQ(par.code, 0) << par.err << par.out;
  EXPECT_NE(par.out.find("images: 3 slices (local processes)"), std::string::npos) << par.out;
  EXPECT_EQ(read_npy_float(dir() + "one.npy").data, read_npy_float(dir() + "par.npy").data);
  std::ifstream a(dir() + "one.json"), b(dir() + "par.json");
  EXPECT_EQ(comparable(nlohmann::json::parse(a)), comparable(nlohmann::json::parse(b)));
  // The printed table and accuracy: every line but the wall time's and the slices'.
  auto lines = [](const std::string& t) {
    std::vector<std::string> v;
    std::istringstream in(t);
    for (std::string l; std::getline(in, l);)
      if (l.rfind("total:", 0) != 0 && l.rfind("images:", 0) != 0) v.push_back(l);
    return v;
  };
  EXPECT_EQ(lines(one.out), lines(par.out));
  // --jobs alone: as many processes as cores (at most one per batch).
  const bft::CliResult cores = run_cli(base + " --jobs");
  ASSERT_EQ(cores.code, 0) << cores.err;
  EXPECT_NE(cores.out.find(" slices (local processes)"), std::string::npos) << cores.out;
  EXPECT_EQ(lines(one.out), lines(cores.out));
  // More processes than batches: one slice per batch (5 here).
  const bft::CliResult many = run_cli(base + " --jobs 64");
  ASSERT_EQ(many.code, 0) << many.err;
  EXPECT_NE(many.out.find("images: 5 slices"), std::string::npos) << many.out;
}

TEST(OnnxCli, JobsOptionErrors) {
  const std::string base = "run --onnx " + kModel + " --input " + kX + " --images 20 --backend golden";
  expect_error(base + " --jobs 2 --dump " + dir() + "d", "--dump runs in one process");
  expect_error(base + " --workdir " + dir() + "w", "--workdir needs --jobs N or --slurm");
  expect_error(base + " --no-wait", "--no-wait needs --slurm");
  expect_error(base + " --jobs -1", "--jobs");
}
