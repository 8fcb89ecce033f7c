// Every committed fuzz input (fuzz/corpus/<target>/: seeds and the inputs
// of past findings, crash-* / regress-*) through its target's checks
// (fuzz/fuzz_check.hpp): a parser either succeeds with a self-consistent
// result or throws a one-line std::runtime_error. In the sanitizer build
// this replays the corpus under ASan/UBSan too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.hpp"

namespace fs = std::filesystem;

namespace {

struct Target {
  const char* name;
  bf::fuzz::Target fn;
};

const Target kTargets[] = {
    {"npy", bf::fuzz::npy},         {"asm", bf::fuzz::assembler}, {"disasm", bf::fuzz::disassembler},
    {"network", bf::fuzz::network}, {"config", bf::fuzz::config}, {"onnx", bf::fuzz::onnx},
};

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(fs::path(BF_FUZZ_CORPUS_DIR) / target))
    if (e.is_regular_file()) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

class FuzzCorpus : public ::testing::TestWithParam<Target> {};

}  // namespace

TEST_P(FuzzCorpus, EveryInputKeepsTheErrorContract) {
  const Target t = GetParam();
  const auto files = inputs(t.name);
  EXPECT_GE(files.size(), 8u) << "seed corpus of " << t.name << " is too small";
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    try {
      t.fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    } catch (const std::exception& e) {
      ADD_FAILURE() << f << ": " << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpus, ::testing::ValuesIn(kTargets),
                         [](const ::testing::TestParamInfo<Target>& i) { return std::string(i.param.name); });
