// The `bitfusion` error contract, as a new user meets it: bad input ends
// with one line "bitfusion: error: ...", exit status 2, and nothing left
// behind (no output file, no temporary file, no partial file). Each test
// guards a defect found by probing the program; the binary is run with an
// argument vector (no shell), in a fresh directory per test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "../cli_run.hpp"
#include "golden/npy.hpp"

namespace fs = std::filesystem;
using bf::NpyArray;

namespace {

using Result = bft::CliResult;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class Contract : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = ::testing::TempDir() + "bf_contract_" + info->name() + "/";
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "io");
    work_ = dir_ + "work/";
    fs::create_directories(work_);
    NpyArray x, w;
    x.shape = {1, 2, 5, 5};
    x.data.assign(50, 1);
    w.shape = {3, 2, 3, 3};
    w.data.assign(54, -1);
    bf::write_npy(dir_ + "io/x.npy", x);
    bf::write_npy(dir_ + "io/w.npy", w);
  }

  // Runs build/bitfusion with `args` in the work directory; `fsize` > 0
  // sets RLIMIT_FSIZE (bytes) in the child. stdout and stderr are pipes
  // (a file-size limit does not apply to them).
  Result run(const std::vector<std::string>& args, long fsize = 0, const char* stdout_file = nullptr) {
    return bft::run_bf(args, {work_, fsize, stdout_file});
  }

  // Every file under the work directory (outputs, temporaries).
  std::set<std::string> left_behind() const {
    std::set<std::string> s;
    for (const auto& e : fs::recursive_directory_iterator(work_)) s.insert(e.path().lexically_relative(work_).string());
    return s;
  }

  // The contract: exit 2, exactly one line "bitfusion: error: ..."
  // containing `needle`, nothing on stdout, nothing new in the work dir.
  Result expect_error(const std::vector<std::string>& args, const std::string& needle, long fsize = 0) {
    const auto before = left_behind();
    const Result r = run(args, fsize);
    std::string cmd;
    for (const auto& a : args) cmd += a.substr(0, 80) + " ";
    bft::expect_one_line_error(r, cmd, needle);
    EXPECT_LT(r.err.size(), 600u) << cmd;
    EXPECT_EQ(left_behind(), before) << cmd << ": files left behind";
    return r;
  }

  std::vector<std::string> conv(const std::string& out) const {
    return {"conv",
            "--backend",
            "golden",
            "--input",
            dir_ + "io/x.npy",
            "--weights",
            dir_ + "io/w.npy",
            "--act-bits",
            "2",
            "--act-unsigned",
            "--wgt-bits",
            "2",
            "--out",
            out};
  }
  static std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string p = dir_ + "io/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  // A version-1.0 .npy file with the given header dict and payload.
  std::string npy(const std::string& name, const std::string& dict, const std::string& payload) const {
    std::string h = dict;
    while ((10 + h.size() + 1) % 64) h.push_back(' ');
    h.push_back('\n');
    std::string b("\x93NUMPY\x01\x00", 8);
    b.push_back(char(h.size() & 0xff));
    b.push_back(char(h.size() >> 8));
    return write(name, b + h + payload);
  }

  std::string dir_, work_;
};

const char* kLenetInput = R"("input": {"channels": 1, "height": 32, "width": 32})";

}  // namespace

// A sanity baseline: the conv used below works and writes only y.npy.
TEST_F(Contract, TheBaselineCommandWritesOnlyItsOutputs) {
  const Result r = run(plus(conv("y.npy"), {"--report", "r.json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(left_behind(), (std::set<std::string>{"r.json", "y.npy"}));
  EXPECT_EQ(bf::read_npy(work_ + "y.npy").shape, (std::vector<int64_t>{1, 3, 3, 3}));
}

// Defect: `bench --out "DIR';touch X;'"` ran the shell command (std::system
// on a gnuplot command line built from the directory).
TEST_F(Contract, BenchOutputDirectoryNeverReachesAShell) {
  const std::string marker = dir_ + "io/PWNED";
  const std::string out = work_ + "D';touch " + marker + ";'";
  const Result r = run({"bench", "--out", out});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(marker)) << "the --out text was run by a shell";
  EXPECT_TRUE(fs::exists(out + "/bench.dat"));
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary file left: " << e.path();
  // --out naming a file is refused before any work.
  write("plain", "x");
  expect_error({"bench", "--out", dir_ + "io/plain"}, "is not a directory");
}

// Defect: `conv --out /dev/full`, `asm -o /dev/full`, reports on /dev/full
// exited 0 and printed success.
TEST_F(Contract, WriteErrorsAreErrors) {
  expect_error(conv("/dev/full"), "No space left on device");
  expect_error(plus(conv("y.npy"), {"--report", "/dev/full"}), "No space left on device");
  const std::string src = write("p.s", "setup a=s8 w=s8 out=raw\nblock-end last\n");
  expect_error({"asm", src, "-o", "/dev/full"}, "No space left on device");
  ASSERT_EQ(run({"asm", src, "-o", dir_ + "io/p.bin"}).code, 0);
  expect_error({"disasm", dir_ + "io/p.bin", "-o", "/dev/full"}, "No space left on device");
  expect_error({"run", "--net", "lenet5", "--backend", "golden", "--quiet", "--report", "/dev/full"},
               "No space left on device");
}

// Output lost on stdout (disasm, perf --csv into a full disk) is an error
// too, not exit 0.
TEST_F(Contract, LostStandardOutputIsAnError) {
  const Result r = run({"perf", "--net", "lenet5", "--csv"}, 0, "/dev/full");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "bitfusion: error: cannot write the standard output\n");
}

// Defect: under a file-size limit a 0-byte or truncated y.npy was left.
TEST_F(Contract, AFileSizeLimitLeavesNoPartialOutput) {
  expect_error(conv("y.npy"), "File too large", 100);
  const std::string src = write("p.s", std::string(200, '\n') + "setup a=s8 w=s8 out=raw\nblock-end last\n");
  expect_error({"asm", src, "-o", "p.bin"}, "", 4);
  // An existing output is kept as it was when the new one cannot be written.
  write("keep", "old");
  fs::copy_file(dir_ + "io/keep", work_ + "y.npy");
  const Result r = run(conv("y.npy"), 100);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(slurp(work_ + "y.npy"), "old");
  EXPECT_EQ(left_behind(), (std::set<std::string>{"y.npy"}));
}

// Defect: --report into a missing folder failed only after the whole
// simulation, printed three lines and left y.npy behind.
TEST_F(Contract, OutputPathsAreCheckedBeforeAnyWork) {
  fs::create_directories(work_ + "adir");
  const Result r = expect_error(plus(conv("y.npy"), {"--report", "missing/r.json"}), "does not exist");
  EXPECT_LT(r.seconds, 5.0);
  expect_error(conv("missing/y.npy"), "does not exist");
  expect_error(conv("adir"), "is a directory");
  expect_error(conv("adir/"), "directory");
  expect_error(plus(conv("y.npy"), {"--report", "adir"}), "is a directory");
  expect_error(plus(conv("y.npy"), {"--report", "y.npy"}), "same file");
  expect_error({"run", "--net", "lenet5", "--backend", "golden", "--report", "missing/r.json"}, "does not exist");
  const std::string src = write("p.s", "block-end last\n");
  expect_error({"asm", src, "-o", "missing/p.bin"}, "does not exist");
  expect_error({"asm", src, "-o", "adir"}, "is a directory");
  fs::remove(work_ + "adir");
}

// Defect: CLI11's own errors exited 104-109 with two lines and no prefix.
TEST_F(Contract, ParserErrorsFollowTheContract) {
  expect_error(plus(conv("y.npy"), {"--bogus"}), "--bogus");
  expect_error({"perf", "--net", "lenet5", "--batch", "abc"}, "--batch");
  expect_error({}, "subcommand");
  expect_error({"nosuchcommand"}, "unknown command 'nosuchcommand' (commands: fu-check, conv, fc, run, ");
  expect_error({"perf"}, "perf needs --net NAME or --onnx MODEL.onnx");
  expect_error({"asm"}, "required");
  expect_error({"conv", "--input", dir_ + "io/x.npy"}, "see 'bitfusion conv --help'");
  const Result h = run({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("Subcommands:"), std::string::npos) << h.out;
  const Result hc = run({"conv", "--help"});
  EXPECT_EQ(hc.code, 0);
  EXPECT_NE(hc.out.find("--weights"), std::string::npos) << hc.out;
}

// Defects: a shape whose element count overflows was read as (1,1,1,1)
// (signed overflow in NpyArray::size); '<i4xyz' was read as <i4;
// 'fortran_order': 1 was read as C order.
TEST_F(Contract, NpyHeadersAreParsedStrictly) {
  const std::string big = "4611686018427387905";
  const auto ovf =
      npy("ovf.npy",
          "{'descr': '|i1', 'fortran_order': False, 'shape': (" + big + ", " + big + ", " + big + ", " + big + "), }",
          "\x01");
  auto args = conv("y.npy");
  args[4] = ovf;
  expect_error(args, "more elements than 64 bits can count");
  args[4] =
      npy("xyz.npy", "{'descr': '<i4xyz', 'fortran_order': False, 'shape': (1, 2, 5, 5), }", std::string(200, '\0'));
  expect_error(args, "unsupported dtype '<i4xyz'");
  args[4] = npy("f1.npy", "{'descr': '<i4', 'fortran_order': 1, 'shape': (1, 2, 5, 5), }", std::string(200, '\0'));
  expect_error(args, "fortran_order must be True or False");
  args[4] = npy("dup.npy", "{'descr': '<i4', 'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", "\0\0\0\0");
  expect_error(args, "given twice");
  args[4] =
      npy("tail.npy", "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2, 5, 5), }", std::string(204, '\0'));
  expect_error(args, "trailing bytes");
}

// Defect: a 256 MiB rank-1 .npy cost 2.4 GB and 13 s before the rank check.
// Now the header is checked before any data is read (the file here is
// sparse: 256 MiB that take no disk space).
TEST_F(Contract, TensorsAreCheckedByHeaderBeforeTheirDataIsRead) {
  const auto p = npy("flat.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (268435456,), }", "");
  fs::resize_file(p, fs::file_size(p) + (size_t(1) << 28));
  auto args = conv("y.npy");
  args[4] = p;
  const Result r = expect_error(args, "conv input must be NCHW (rank 4), got (268435456,)");
  EXPECT_LT(r.seconds, 2.0);
  // Layer sizes beyond the compiler's envelope are refused by header too.
  const auto wide = npy("wide.npy", "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2, 70000, 5), }", "");
  fs::resize_file(wide, fs::file_size(wide) + 700000);
  args[4] = wide;
  expect_error(args, "height 70000");
}

// Defect: a network whose input is 3x16384x16384 made `run` allocate about
// 10 GB and run for minutes before failing; `perf` rejects it at once.
TEST_F(Contract, RunRejectsAnOversizedNetworkBeforeAllocating) {
  const std::string net = write("huge.json", R"({"input": {"channels": 3, "height": 16384, "width": 16384},
    "layers": [{"name": "c", "type": "conv", "out_channels": 6, "kernel": 5, "act_bits": 2, "wgt_bits": 2},
               {"name": "f", "type": "fc", "out_features": 10, "act_bits": 2, "wgt_bits": 2}]})");
  const Result r = expect_error({"run", "--net", net, "--backend", "golden", "--quiet"}, "huge.json");
  EXPECT_LT(r.seconds, 10.0);
}

// Defects: 64-bit values in configuration and network files were truncated
// to 32 bits (rows 4294967298 became 2, dram_bits 2^32+64 became 64, an fc
// input of 65537x65536 became 65536); trailing garbage was ignored; a
// number where a string belongs gave nlohmann's type_error text without the
// file or key.
TEST_F(Contract, ConfigurationAndNetworkFilesAreRangeChecked) {
  const std::string rest =
      R"("cols": 2, "wbuf_kb": 1, "ibuf_kb": 1, "obuf_kb": 1, "rsp_depth": 64, "dram_latency": 4, "freq_mhz": 500)";
  auto with = [&](const std::string& name, const std::string& body) { return write(name, "{" + body + "}"); };
  auto args = conv("y.npy");
  auto cfg = [&](const std::string& file) { return plus(args, {"--config", file}); };
  expect_error(cfg(with("rows.json", R"("rows": 4294967298, "dram_bits": 64, )" + rest)),
               "rows = 4294967298 is outside [1, 64]");
  expect_error(cfg(with("dram.json", R"("rows": 2, "dram_bits": 4294967360, )" + rest)),
               "dram_bits = 4294967360 is outside [32, 8192]");
  expect_error(cfg(write("trail.json", R"({"rows": 2, "dram_bits": 64, )" + rest + "} garbage")), "not valid JSON");
  expect_error(cfg(with("name.json", R"("name": 5, "rows": 2, "dram_bits": 64, )" + rest)),
               "name.json': 'name' must be a string, not 5");
  expect_error(cfg(with("dup.json", R"("rows": 2, "rows": 4, "dram_bits": 64, )" + rest)), "'rows' appears twice");
  const std::string fc = write("fc.json", R"({"input": {"channels": 1, "height": 65537, "width": 65536},
    "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]})");
  expect_error({"perf", "--net", fc}, "'height' = 65537 is outside [1, 65536]");
  const std::string fc2 = write("fc2.json", R"({"input": {"channels": 65536, "height": 65536, "width": 2},
    "layers": [{"name": "f", "type": "fc", "out_features": 2, "act_bits": 2, "wgt_bits": 2}]})");
  expect_error({"perf", "--net", fc2}, "flattens to 8589934592 features");
  const std::string big =
      write("big.json", std::string("{") + kLenetInput + R"(, "batch": 18446744073709551615, "layers": []})");
  expect_error({"perf", "--net", big}, "'batch' = 18446744073709551615 is outside");
  const std::string str = write("str.json", std::string("{") + kLenetInput + R"(, "name": 5, "layers": []})");
  expect_error({"perf", "--net", str}, "'name' must be a string, not 5");
  const std::string trail = write("trail.json", std::string("{") + kLenetInput + R"(, "layers": []} x)");
  expect_error({"perf", "--net", trail}, "not valid JSON");
}

// Defect: --pad 1073741824 overflowed 2*pad in LayerDesc::out_h (UBSan)
// before the range message.
TEST_F(Contract, LayerParametersAreRangeCheckedFirst) {
  expect_error(plus(conv("y.npy"), {"--pad", "1073741824"}), "--pad 1073741824 is outside [0, 1023]");
  expect_error(plus(conv("y.npy"), {"--pad", "-1"}), "--pad -1 is outside");
  expect_error(plus(conv("y.npy"), {"--stride", "2147483647"}), "--stride 2147483647 is outside [1, 64]");
  expect_error(plus(conv("y.npy"), {"--pad", "99999999999"}), "--pad");
}

// Defects: `asm DIR -o p.bin` exited 0 with "0 instructions" and an empty
// file; `--input DIR` gave a libstdc++ message without the path.
TEST_F(Contract, DirectoriesAsInputsAreNamed) {
  fs::create_directories(dir_ + "io/d");
  expect_error({"asm", dir_ + "io/d", "-o", "p.bin"}, dir_ + "io/d: is a directory");
  expect_error({"disasm", dir_ + "io/d"}, dir_ + "io/d: is a directory");
  auto args = conv("y.npy");
  args[4] = dir_ + "io/d";
  expect_error(args, dir_ + "io/d: is a directory");
  expect_error({"perf", "--net", dir_ + "io/d/"}, "is a directory");
  expect_error(plus(conv("y.npy"), {"--config", dir_ + "io/d/"}), "is a directory");
  const std::string empty = write("empty.s", "# nothing\n\n");
  expect_error({"asm", empty, "-o", "p.bin"}, "no instructions");
}

// Defects: a setup with a repeated key (a=s8 a=u4) was accepted (last
// won); --set with a newline gave a two-line message; a 10 MB assembler
// line was echoed whole into the error.
TEST_F(Contract, EchoedInputIsOneShortLine) {
  const std::string dup = write("dup.s", "setup a=s8 a=u4 w=s8 out=8\n");
  expect_error({"asm", dup, "-o", "p.bin"}, "setup: key 'a' is given twice");
  expect_error(plus(conv("y.npy"), {"--set", "rows=4\n5"}), "'4\\n5' is not an integer");
  expect_error(plus(conv("y.npy"), {"--set", "ro\nws=4"}), "unknown config key 'ro\\nws'");
  const std::string big = write("big.s", "loop t0 " + std::string(10 << 20, '7') + "\n");
  const Result r = expect_error({"asm", big, "-o", "p.bin"}, "line 1: count '7777");
  EXPECT_LT(r.err.size(), 300u);
  const std::string junk = write("junk.s", std::string(1000, 'x') + "\x01\x02\n");
  expect_error({"asm", junk, "-o", "p.bin"}, "...'");
}
