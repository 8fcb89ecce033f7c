// Runs the `bitfusion` program (BF_CLI) as a user would, for the CLI tests:
// exit status, stdout and stderr of one command, and the check every
// bad-input case must pass (one line `bitfusion: error: ...`, exit 2).
//
// One implementation (run_argv: fork, exec, both pipes read together) and
// two ways in:
//   run_cli("conv --input x.npy ...")         a command line, through /bin/sh
//                                             (as typed in a terminal)
//   run_bf({"conv", "--input", p, ...}, opts) an argument vector, no shell;
//                                             opts: working directory,
//                                             file-size limit, stdout file
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace bft {

struct CliResult {
  int code = -1;  // exit status; 128+n: killed by signal n; -1: not started
  std::string out, err;
  double seconds = 0;  // wall time, start to exit
};

// A per-process scratch directory under the test temp dir (one name per
// test program: the first call fixes it).
inline const std::string& cli_scratch(const std::string& name) {
  static const std::string d = [&] {
    const std::string p = ::testing::TempDir() + name + "." + std::to_string(getpid()) + "/";
    std::filesystem::create_directories(p);
    return p;
  }();
  return d;
}

struct RunOptions {
  std::string cwd;                    // the child's working directory ("": this one)
  long fsize = 0;                     // > 0: RLIMIT_FSIZE (bytes) in the child
  const char* stdout_file = nullptr;  // the child's stdout opened (O_WRONLY) on this file, not the pipe
};

// Runs argv[0] (a path; no PATH lookup, no shell) with `argv`; stdout and
// stderr are pipes (a file-size limit does not apply to them), stdin is
// inherited.
inline CliResult run_argv(const std::vector<std::string>& argv, const RunOptions& o = {}) {
  if (argv.empty()) return {};
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  int po[2], pe[2];
  if (pipe(po) != 0) return {};
  if (pipe(pe) != 0) {
    close(po[0]), close(po[1]);
    return {};
  }
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) _exit(120);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    if (o.stdout_file) {
      const int fd = open(o.stdout_file, O_WRONLY);
      if (fd < 0) _exit(123);
      dup2(fd, 1);
    }
    close(po[0]), close(pe[0]), close(po[1]), close(pe[1]);
    if (o.fsize > 0) {
      rlimit r{rlim_t(o.fsize), rlim_t(o.fsize)};
      setrlimit(RLIMIT_FSIZE, &r);
    }
    execv(cargv[0], cargv.data());
    _exit(122);
  }
  close(po[1]), close(pe[1]);
  if (pid < 0) {
    close(po[0]), close(pe[0]);
    return {};
  }
  CliResult r;
  pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
  std::string* sink[2] = {&r.out, &r.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n > 0) {
        sink[k]->append(buf, size_t(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      }
    }
  }
  for (const auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// `bitfusion args...`, no shell.
inline CliResult run_bf(const std::vector<std::string>& args, const RunOptions& o = {}) {
  std::vector<std::string> argv{BF_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_argv(argv, o);
}

// `[env] bitfusion args` run by /bin/sh -c: `args` is shell text (several
// words, redirections); `env` is optional shell text before the program,
// e.g. "PATH=/nonexistent".
inline CliResult run_cli(const std::string& args, const std::string& env = "") {
  const std::string cmd = (env.empty() ? "" : env + " ") + std::string(BF_CLI) + " " + args;
  return run_argv({"/bin/sh", "-c", cmd});
}

// Exit status 2, stderr exactly one line starting `bitfusion: error: ` and
// containing `needle`. `what` (the command) is printed on a failure.
inline void expect_one_line_error(const CliResult& r, const std::string& what, const std::string& needle) {
  EXPECT_EQ(r.code, 2) << what << "\nstderr: " << r.err;
  EXPECT_EQ(r.err.rfind("bitfusion: error: ", 0), 0u) << what << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << what << "\nstderr: " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what << "\nnot one line: " << r.err;
}

}  // namespace bft
