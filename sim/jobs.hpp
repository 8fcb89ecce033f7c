// The job runner of the `bitfusion` program: many independent runs of
// bitfusion itself, in parallel on this machine or as one Slurm job array.
//
// A command (e.g. `bitfusion sweep`) describes its work as a Batch: a list
// of Tasks, each an argument vector of the bitfusion program (usually a
// hidden subcommand such as `_sweep-point ...`) that writes one JSON result
// file; the runner appends `<result_flag> <workdir>/results/<task>.json` to
// every task's arguments. run() executes the batch and hands back every
// task's parsed JSON (or why it failed); the command merges them.
//
// Work directory (shared by both executors, and what `bitfusion collect`
// reads):
//   manifest.json      kind of run, command parameters, executor, job id
//   tasks.json         the program, the result flag and the task list
//   results/<task>.json  a task's result (written atomically: tmp + rename)
//   status/<task>.exit   a task's exit status (written when it ends)
//   logs/<task>.out, .err  its standard output and error
//   job.sh, logs/slurm-<job>_<index>.out   the Slurm job script and its logs
//   failed.txt         one line per failed task of the last merge
//
// Executors:
//   local  N processes at a time (default: the cores this process may use),
//          each /proc/self/exe spawned directly (posix_spawn, no shell); a
//          progress line on a terminal.
//   slurm  one `sbatch` of a generated job script with --array=0-(n-1);
//          array task i runs `bitfusion _job WORKDIR i`, which runs task i
//          as the local executor would. Slurm schedules; the runner waits
//          (result and status files, squeue; sacct/scontrol for tasks that
//          left the queue without a status) up to a timeout, or returns at
//          once with no_wait.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bf::jobs {

struct Task {
  std::string name;               // unique in the batch; [A-Za-z0-9_.-] only (a file name)
  std::string label;              // for people: names the task in messages
  std::vector<std::string> args;  // bitfusion arguments (without the program name)
};

struct Batch {
  std::string kind;       // what kind of run; `bitfusion collect` finds the merger by it
  nlohmann::json params;  // whatever the merger needs besides the results
  std::vector<Task> tasks;
};

struct SlurmOptions {
  bool enabled = false;
  std::string partition;            // sbatch --partition (empty: the cluster's default)
  std::vector<std::string> sbatch;  // further sbatch options, one "--key=value" each
  bool no_wait = false;             // submit and return the job id
  double timeout_s = 6 * 3600;      // waiting for the whole array
  double poll_s = 0.5;              // result-file scan interval (squeue every few scans)
};

struct Options {
  std::string workdir;                 // created if missing; must be writable
  std::string program;                 // default: this program (/proc/self/exe)
  std::string result_flag = "--json";  // appended with the result path to every task
  int jobs = 0;                        // local: parallel processes (0: number of cores)
  bool progress = true;                // local/slurm: progress line, only when stderr is a terminal
  SlurmOptions slurm;
};

struct TaskResult {
  std::string name, label;
  bool ok = false;
  int exit_code = -1;   // -1: never ended (still queued/running, lost)
  std::string error;    // one line: why it failed
  nlohmann::json json;  // the parsed result (ok only)
};

struct Outcome {
  std::string workdir;  // absolute
  std::string kind;
  nlohmann::json params;            // Batch::params as stored in the manifest
  bool submitted = false;           // slurm no_wait: nothing merged yet
  std::string job_id;               // slurm job id
  std::vector<TaskResult> results;  // in task order

  size_t failed() const;
  // "" when every task succeeded; otherwise one line naming the first
  // failed task and its error, and how many others failed (all in
  // failed.txt).
  std::string failure_line() const;
  // The results of the successful tasks.
  std::vector<const TaskResult*> ok() const;
};

// Runs a batch with the executor Options select. Throws std::runtime_error
// (one line) on bad input: an unwritable work directory, duplicate or bad
// task names, no sbatch on PATH with slurm, an sbatch that refuses the job,
// a Slurm wait that times out. A failed task is not an exception: it is in
// Outcome::results (ok = false) and failure_line() says so.
Outcome run(const Batch& batch, const Options& opt);

// Gathers the results a previous run() left in `workdir` (`bitfusion
// collect`). wait: poll until every task has ended (timeout_s); otherwise
// one scan, and a still-running Slurm job is an error.
Outcome collect(const std::string& workdir, bool wait, double timeout_s = 6 * 3600, bool progress = true);

// `bitfusion _job WORKDIR INDEX`: runs task INDEX of WORKDIR/tasks.json
// (stdout/stderr to its logs, status file at the end); returns its exit
// status. The Slurm job script calls it.
int run_one(const std::string& workdir, size_t index);

// For task commands: writes `j` to `path` atomically (a temporary file in
// the same folder, then rename), so that a waiting runner never reads half
// a file. Throws std::runtime_error when it cannot.
void write_result(const std::string& path, const nlohmann::json& j);

// Mergers for `bitfusion collect`, by Batch::kind. A merger does what the
// waiting command does after run(): writes its table and files, and throws
// (one line) when tasks failed.
using Merger = std::function<void(const Outcome&)>;
void register_merger(const std::string& kind, Merger m);
const Merger* find_merger(const std::string& kind);

// Default parallelism: the CPUs this process may run on.
int cores();

// Runs argv (PATH lookup for argv[0] without a '/'), no shell; captures
// standard output (standard error discarded unless err != nullptr).
// Returns the exit status (127: could not start, 128+n: signal n).
int capture(const std::vector<std::string>& argv, std::string* out, std::string* err = nullptr);
// Whether `prog` is an executable on PATH.
bool on_path(const std::string& prog);

}  // namespace bf::jobs
