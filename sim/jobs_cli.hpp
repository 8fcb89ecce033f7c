// Command-line options of the job runner (sim/jobs.hpp), shared by every
// command that hands its work to it (`bitfusion sweep`, `bitfusion run`):
//
//   --jobs [N]        local: N processes at a time (--jobs alone or 0: the
//                     cores this process may use)
//   --slurm           one Slurm job array instead (sbatch on PATH)
//   --partition P     sbatch --partition
//   --sbatch=OPT      a further sbatch option, e.g. --sbatch=--time=30 (repeatable)
//   --workdir DIR     the tasks' work directory (with --slurm on a file
//                     system the compute nodes share; checked writable)
//   --no-wait         --slurm: print the job id and the collect command, return
//   --timeout S       --slurm: give up waiting after S seconds
#pragma once
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "sim/commands.hpp"
#include "sim/jobs.hpp"

namespace bf::cli {

struct JobCliOptions {
  int jobs = -1;  // -1: --jobs not given; 0: --jobs without N (the cores)
  bool slurm = false, no_wait = false;
  std::string partition, workdir;
  std::vector<std::string> sbatch;
  double timeout = 6 * 3600;
};

inline void add_job_options(CLI::App& app, JobCliOptions& o) {
  app.add_option("--jobs,-j", o.jobs, "Parallel processes on this machine (--jobs alone or 0: the number of cores)")
      ->expected(0, 1)
      ->default_str("0")
      ->check(CLI::Range(0, 4096));
  app.add_flag("--slurm", o.slurm, "Run the tasks as one Slurm job array (sbatch --array) instead");
  app.add_option("--partition", o.partition, "--slurm: the partition (sbatch --partition)");
  app.add_option("--sbatch", o.sbatch, "--slurm: a further sbatch option, e.g. --sbatch=--time=60 (repeatable)");
  app.add_option("--workdir", o.workdir,
                 "Work directory of the tasks (default OUT/jobs; with --slurm on a file system the nodes share)");
  app.add_flag("--no-wait", o.no_wait, "--slurm: submit, print the job id and the collect command, and return");
  app.add_option("--timeout", o.timeout, "--slurm: seconds to wait for the job array")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

// The runner's options from the command line; bad combinations are user
// errors (one line, exit status 2).
inline jobs::Options job_options(const JobCliOptions& o, const std::string& default_workdir) {
  if (!o.slurm) {
    for (auto [set, flag] : {std::pair{!o.partition.empty(), "--partition"}, std::pair{o.no_wait, "--no-wait"},
                             std::pair{!o.sbatch.empty(), "--sbatch"}})
      if (set) throw UserError(std::string(flag) + " needs --slurm");
  } else if (o.jobs >= 0) {
    throw UserError("--jobs applies to local runs; with --slurm, Slurm decides how many tasks run at once");
  }
  if (o.slurm && !jobs::on_path("sbatch"))
    throw UserError("--slurm: sbatch not found on PATH (install slurm-client, or run with --jobs N)");
  jobs::Options r;
  r.workdir = o.workdir.empty() ? default_workdir : o.workdir;
  r.jobs = o.jobs > 0 ? o.jobs : 0;  // 0: the cores
  r.slurm.enabled = o.slurm;
  r.slurm.partition = o.partition;
  r.slurm.sbatch = o.sbatch;
  r.slurm.no_wait = o.no_wait;
  r.slurm.timeout_s = o.timeout;
  return r;
}

// A network or configuration argument as a task gets it: files as absolute
// paths (Slurm tasks run in the work directory), names as they are.
inline std::string portable(const std::string& name_or_file) {
  namespace fs = std::filesystem;
  const bool is_file = name_or_file.find('/') != std::string::npos || fs::path(name_or_file).extension() == ".json";
  return is_file ? fs::absolute(name_or_file).lexically_normal().string() : name_or_file;
}

// The work directory when --workdir is not given: with Slurm a new folder
// <stem>-<date>-<pid> in the current folder (more likely shared with the
// nodes than /tmp); locally a temporary folder under $TMPDIR (temporary =
// true: the caller removes it after a successful merge).
inline std::string make_workdir(bool slurm, const std::string& stem, bool& temporary) {
  temporary = false;
  if (slurm) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return stem + "-" + std::string(stamp) + "-" + std::to_string(getpid());
  }
  const char* t = std::getenv("TMPDIR");
  std::string tmpl = std::string(t && *t ? t : "/tmp") + "/" + stem + ".XXXXXX";
  if (!mkdtemp(tmpl.data())) throw UserError("cannot create a work directory in " + tmpl);
  temporary = true;
  return tmpl;
}

// "local processes" or "Slurm job <id>": where a batch's tasks ran.
inline std::string ran_on(const jobs::Outcome& out) {
  return out.job_id.empty() ? "local processes" : "Slurm job " + out.job_id;
}

// Runs a batch through the job runner (its errors are user errors: one
// line, exit status 2). Returns true when the tasks have finished and the
// caller merges `res`; false when the batch was submitted with --slurm
// --no-wait: the job id, `what` (e.g. "12 layer tasks of LeNet-5") and
// the `bitfusion collect` command are printed, and there is nothing to
// merge yet. wall_s: seconds from the call to the end of the tasks.
inline bool run_batch(const jobs::Batch& batch, const jobs::Options& jopt, const std::string& what, jobs::Outcome& res,
                      double& wall_s) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    res = jobs::run(batch, jopt);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!res.submitted) return true;
  std::printf("Slurm job %s submitted: %s, work directory %s\n", res.job_id.c_str(), what.c_str(), res.workdir.c_str());
  std::printf("when it is done: bitfusion collect %s\n", res.workdir.c_str());
  return false;
}

// Removes a temporary work directory (make_workdir) after a successful merge.
inline void remove_temporary(const std::string& workdir, bool temporary) {
  if (!temporary) return;
  std::error_code ec;
  std::filesystem::remove_all(workdir, ec);
}

}  // namespace bf::cli
