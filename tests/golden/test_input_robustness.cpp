// Library-level guards for the defects found by fuzzing and by probing the
// CLI: the .npy reader's strict header, atomic outputs (golden/file_io),
// configuration files and --set, the assembler's messages, and the
// overflow-safe LayerDesc::out_h/out_w. Each test names its defect.
#include <gtest/gtest.h>
#include <unistd.h>
#include <sys/stat.h>

#include <climits>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/file_io.hpp"
#include "golden/isa.hpp"
#include "golden/npy.hpp"

namespace fs = std::filesystem;

namespace {

std::string tmp(const std::string& name) {
  static const std::string d = [] {
    // One folder per process: CTest runs the tests of this file in parallel.
    const std::string p = ::testing::TempDir() + "bf_robust_" + std::to_string(::getpid()) + "/";
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return d + name;
}

std::string npy_bytes_of(const std::string& dict, const std::string& payload) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64) h.push_back(' ');
  h.push_back('\n');
  std::string b("\x93NUMPY\x01\x00", 8);
  b.push_back(char(h.size() & 0xff));
  b.push_back(char(h.size() >> 8));
  return b + h + payload;
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string npy_error(const std::string& dict, const std::string& payload) {
  const std::string b = npy_bytes_of(dict, payload);
  const std::string mem = error_of([&] { bf::parse_npy(b.data(), b.size(), "mem.npy"); });
  const std::string path = tmp("e.npy");
  std::ofstream(path, std::ios::binary) << b;
  const std::string file = error_of([&] { bf::read_npy(path); });
  // Both readers give the same message (but for the name).
  EXPECT_EQ(mem.substr(mem.find(':')), file.substr(file.find(':'))) << dict;
  return file;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> s;
  for (const auto& e : fs::directory_iterator(dir)) s.insert(e.path().filename().string());
  return s;
}

}  // namespace

// Defect (UBSan: signed overflow in NpyArray::size, npy.cpp:46 and :114):
// four dimensions of 4611686018427387905 with one data byte were read as a
// 1-element array.
TEST(NpyStrict, ElementCountOverflowIsAnError) {
  const std::string b = "4611686018427387905";
  EXPECT_TRUE(
      has(npy_error("{'descr': '|i1', 'fortran_order': False, 'shape': (" + b + ", " + b + ", " + b + ", " + b + "), }",
                    "\x01"),
          "more elements than 64 bits can count"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i8', 'fortran_order': False, 'shape': (4611686018427387904,), }", ""),
                  "needs more bytes than 64 bits can count"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,), }", ""),
                  "does not fit 64 bits"));
  bf::NpyArray a;
  a.shape = {int64_t(1) << 62, 4};
  EXPECT_THROW(a.size(), std::overflow_error);
}

// Defects: descr '<i4xyz' read as <i4; 'fortran_order': 1 read as C order;
// repeated, unknown or missing keys, text after the dict, a one-element
// shape without its comma: all accepted before.
TEST(NpyStrict, TheHeaderIsTheSpecifiedDictLiteral) {
  const std::string p4(4, '\0');
  auto hdr = [](const std::string& descr, const std::string& fo, const std::string& shape) {
    return "{'descr': " + descr + ", 'fortran_order': " + fo + ", 'shape': " + shape + ", }";
  };
  EXPECT_TRUE(has(npy_error(hdr("'<i4xyz'", "False", "(1,)"), p4), "unsupported dtype '<i4xyz'"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "1", "(1,)"), p4), "fortran_order must be True or False"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "True", "(1,)"), p4), "Fortran"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "(1)"), p4), "trailing comma"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "(-1,)"), p4), "non-negative integer"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "(01,)"), p4), "leading zero"));
  EXPECT_TRUE(has(npy_error(hdr("<i4", "False", "(1,)"), p4), "quoted string"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "[1]"), p4), "tuple"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i4', 'descr': '<i2', 'fortran_order': False, 'shape': (1,), }", p4),
                  "'descr' given twice"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}", p4), "unknown key"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i4', 'shape': (1,)}", p4), "has no 'fortran_order'"));
  EXPECT_TRUE(has(npy_error("{'descr': '<i4', 'fortran_order': False, 'shape': (1,)} x", p4), "after the header"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "(1,)"), std::string(5, '\0')), "trailing bytes"));
  EXPECT_TRUE(has(npy_error(hdr("'<i4'", "False", "(2,)"), p4), "truncated data"));
  // What NumPy writes is still read: double quotes, no trailing comma, any
  // whitespace, '|', '=' and a scalar shape.
  const std::string ok =
      npy_bytes_of("{\"descr\":\"=i2\",\"fortran_order\":False,\"shape\":(2,)}", std::string("\x01\x00\xff\xff", 4));
  EXPECT_EQ(bf::parse_npy(ok.data(), ok.size(), "ok").data, (std::vector<int64_t>{1, -1}));
  const std::string sc = npy_bytes_of("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", "\x07");
  EXPECT_EQ(bf::parse_npy(sc.data(), sc.size(), "sc").data, (std::vector<int64_t>{7}));
}

// read_npy_header reads no data: a 1 GiB sparse file's header is checked
// at once (commands check rank and shape before allocating).
TEST(NpyStrict, TheHeaderIsReadWithoutTheData) {
  const std::string p = tmp("sparse.npy");
  std::ofstream(p, std::ios::binary) << npy_bytes_of(
      "{'descr': '<i4', 'fortran_order': False, 'shape': (268435456,), }", "");
  fs::resize_file(p, fs::file_size(p) + (uint64_t(1) << 30));
  const bf::NpyHeader h = bf::read_npy_header(p);
  EXPECT_EQ(h.shape, (std::vector<int64_t>{268435456}));
  EXPECT_EQ(h.data_bytes, uint64_t(1) << 30);
  EXPECT_EQ(h.itemsize, 4);
  fs::remove(p);
}

// Defect: `--input DIR` gave libstdc++'s "basic_filebuf::underflow" text
// without the path.
TEST(NpyStrict, ADirectoryIsNamed) {
  fs::create_directories(tmp("d"));
  EXPECT_EQ(error_of([] { bf::read_npy(tmp("d")); }), tmp("d") + ": is a directory, not a .npy file");
  EXPECT_EQ(error_of([] { bf::read_file(tmp("d")); }), tmp("d") + ": is a directory, not a file");
  EXPECT_TRUE(has(error_of([] { bf::isa::read_program(tmp("d")); }), "is a directory"));
}

// Defect: write errors were lost (/dev/full exited 0), a file-size limit
// left 0-byte or truncated outputs. OutputFile writes a temporary file in
// the same directory and renames it into place only when every write,
// the sync and the close succeeded.
TEST(AtomicOutput, FailuresLeaveNothingAndKeepTheOldFile) {
  EXPECT_TRUE(has(error_of([] { bf::write_file("/dev/full", "x"); }), "/dev/full: write failed (No space left"));
  const std::string dir = tmp("out/");
  fs::create_directories(dir);
  std::ofstream(dir + "y.npy") << "old";
  {
    bf::OutputFile f(dir + "y.npy");
    f.write("new");
    EXPECT_EQ(files_in(dir).size(), 2u);  // y.npy and the temporary
  }                                       // destroyed without commit: removed
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"y.npy"}));
  std::ifstream in(dir + "y.npy");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "old");
  bf::write_file(dir + "y.npy", "new");
  EXPECT_EQ(bf::read_file(dir + "y.npy"), "new");
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"y.npy"}));
  // The mode of a new file follows the umask, not mkstemp's 0600.
  struct stat st;
  bf::write_file(dir + "z", "z");
  ASSERT_EQ(stat((dir + "z").c_str(), &st), 0);
  const mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0666 & ~mask);
  // A symbolic link keeps pointing at the (replaced) file.
  fs::create_symlink(dir + "z", dir + "link");
  bf::write_file(dir + "link", "via link");
  EXPECT_TRUE(fs::is_symlink(dir + "link"));
  EXPECT_EQ(bf::read_file(dir + "z"), "via link");
  // Devices are written in place, never replaced.
  bf::write_file("/dev/null", "discarded");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

// Defect: a bad output path failed only after the whole run. Commands now
// call check_output_path first.
TEST(AtomicOutput, OutputPathsAreCheckedUpFront) {
  const std::string dir = tmp("chk/");
  fs::create_directories(dir + "sub");
  std::ofstream(dir + "file") << "x";
  EXPECT_NO_THROW(bf::check_output_path(dir + "new.npy", "--out"));
  EXPECT_NO_THROW(bf::check_output_path(dir + "file", "--out"));
  EXPECT_NO_THROW(bf::check_output_path("/dev/null", "--out"));
  EXPECT_TRUE(has(error_of([&] { bf::check_output_path(dir + "missing/y.npy", "--report"); }),
                  "cannot write --report: directory '" + dir + "missing' does not exist"));
  EXPECT_TRUE(has(error_of([&] { bf::check_output_path(dir + "sub", "--out"); }), "--out is a directory"));
  EXPECT_TRUE(has(error_of([&] { bf::check_output_path(dir + "sub/", "--out"); }), "names a directory"));
  EXPECT_TRUE(has(error_of([&] { bf::check_output_path(dir + "file/y.npy", "--out"); }), "Not a directory"));
  EXPECT_TRUE(has(error_of([&] { bf::check_output_path("", "--out"); }), "empty file name"));
  EXPECT_TRUE(has(error_of([&] { bf::OutputFile f(dir + "missing/y"); }), "does not exist"));
}

// Defects: 64-bit values in a configuration file were truncated (rows
// 4294967298 became 2, dram_bits 2^32+64 became 64); trailing garbage was
// ignored; "name": 5 gave nlohmann's type_error.302 without file or key; a
// key given twice kept the last value.
TEST(ConfigFile, ValuesAreRangeCheckedAndTheTextIsStrict) {
  const std::string rest =
      R"("cols": 2, "wbuf_kb": 1, "ibuf_kb": 1, "obuf_kb": 1, "rsp_depth": 64, "dram_latency": 4, "freq_mhz": 500)";
  auto err = [&](const std::string& body) { return error_of([&] { bf::parse_config(body, "c.json"); }); };
  EXPECT_EQ(bf::parse_config("{\"rows\": 2, \"dram_bits\": 64, " + rest + "}", "c.json").rows, 2);
  EXPECT_EQ(err("{\"rows\": 4294967298, \"dram_bits\": 64, " + rest + "}"),
            "config file 'c.json': rows = 4294967298 is outside [1, 64]");
  EXPECT_EQ(err("{\"rows\": 2, \"dram_bits\": 4294967360, " + rest + "}"),
            "config file 'c.json': dram_bits = 4294967360 is outside [32, 8192]");
  EXPECT_EQ(err("{\"rows\": 18446744073709551615, \"dram_bits\": 64, " + rest + "}"),
            "config file 'c.json': rows = 18446744073709551615 is outside [1, 64]");
  EXPECT_EQ(err("{\"rows\": 2.0, \"dram_bits\": 64, " + rest + "}"),
            "config file 'c.json': rows must be an integer, not 2.0");
  EXPECT_TRUE(has(err("{\"rows\": 2, \"dram_bits\": 64, " + rest + "} trailing"), "c.json': not valid JSON"));
  EXPECT_EQ(err("{\"name\": 5, \"rows\": 2, \"dram_bits\": 64, " + rest + "}"),
            "config file 'c.json': 'name' must be a string, not 5");
  EXPECT_EQ(err("{\"rows\": 2, \"rows\": 4, \"dram_bits\": 64, " + rest + "}"),
            "config file 'c.json': key 'rows' appears twice in an object");
  EXPECT_TRUE(has(err("{\"name\": \"a\\nb\", \"rows\": 2, \"dram_bits\": 64, " + rest + "}"), "one line"));
  // Defect (fuzz_config): a number beyond a double's range gave nlohmann's
  // out_of_range text.
  EXPECT_TRUE(
      has(err("{\"rows\": 4e294967298, \"dram_bits\": 64, " + rest + "}"), "c.json': not valid JSON (number overflow"));
}

// Defect: `--set` with a newline in its value gave a two-line message;
// "012" was read as octal 10.
TEST(ConfigFile, SetMessagesAreOneLine) {
  bf::ArrayConfig c = bf::load_config("bf2x2");
  const std::string m = error_of([&] { bf::set_config_value(c, "rows=4\n5"); });
  EXPECT_EQ(m, "config key 'rows': '4\\n5' is not an integer");
  EXPECT_EQ(error_of([&] { bf::set_config_value(c, "ro\nws=4"); }).find('\n'), std::string::npos);
  EXPECT_TRUE(has(error_of([&] { bf::set_config_value(c, "rows=99999999999999999999999"); }), "outside [1, 64]"));
  bf::set_config_value(c, "dram_latency=012");
  EXPECT_EQ(c.dram_latency, 12);
  EXPECT_TRUE(has(error_of([&] { bf::set_config_value(c, "rows= 4"); }), "not an integer"));
}

// Defects: a setup with a repeated key was accepted (last won); a 10 MB
// line was echoed whole into the error.
TEST(AsmMessages, RepeatedKeysAndLongTokens) {
  EXPECT_TRUE(has(error_of([] { bf::isa::assemble("setup a=s8 a=u4 w=s8 out=8\n"); }),
                  "line 1: setup: key 'a' is given twice"));
  EXPECT_TRUE(has(error_of([] { bf::isa::assemble("setup a=s8 w=s8 out=8 bias=1 bias=0\n"); }), "given twice"));
  const std::string m = error_of([] { bf::isa::assemble("loop t0 " + std::string(10 << 20, '7') + "\n"); });
  EXPECT_LT(m.size(), 150u) << m.substr(0, 200);
  EXPECT_TRUE(has(m, "line 1: count '7777")) << m.substr(0, 200);
  EXPECT_TRUE(has(m, "...'"));
  const std::string c = error_of([] { bf::isa::assemble(std::string("frob\x01\x1b[2J\n")); });
  EXPECT_EQ(c, "line 1: unknown mnemonic 'frob\\x01\\x1b[2J'");
}

// Defect (UBSan): LayerDesc::out_h computed 2 * pad in int; --pad
// 1073741824 overflowed before the CLI's range message.
TEST(LayerGeometry, OutputSizeArithmeticDoesNotOverflow) {
  bf::LayerDesc l = bf::make_conv(1, 1, 1, 8, 8, 3, 1, 0);
  l.pad = 1 << 30;
  l.stride = 1 << 30;
  EXPECT_EQ(l.out_h(), 3);  // (8 + 2^31 - 3) / 2^30 + 1
  EXPECT_EQ(l.out_w(), 3);
  l.pad = 0, l.stride = 1, l.in_h = INT_MAX, l.kernel_h = 1;
  EXPECT_EQ(l.out_h(), INT_MAX);
}
