// Runs the `bitfusion` program (BF_CLI) as a user would, for the CLI tests:
// exit status, stdout and stderr of one command line, and the check every
// bad-input case must pass (one line `bitfusion: error: ...`, exit 2,
// nothing on stdout).
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace bft {

struct CliResult {
  int code = -1;
  std::string out, err;
};

// A per-process scratch directory under the test temp dir.
inline const std::string& cli_scratch(const std::string& name) {
  static const std::string d = ::testing::TempDir() + name + "." + std::to_string(getpid()) + "/";
  static const int made = std::system(("mkdir -p " + d).c_str());
  (void)made;
  return d;
}

inline CliResult run_cli(const std::string& args, const std::string& scratch) {
  const std::string err_file = scratch + "stderr.txt";
  const std::string cmd = std::string(BF_CLI) + " " + args + " 2>" + err_file;
  CliResult r;
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

inline void expect_one_line_error(const CliResult& r, const std::string& args, const std::string& needle) {
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_EQ(r.err.rfind("bitfusion: error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << args << "\nstderr: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "not one line: " << r.err;
}

}  // namespace bft
