// The job runner (sim/jobs.hpp): local processes or one Slurm job array.
#include "sim/jobs.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace bf::jobs {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::runtime_error error(const std::string& msg) { return std::runtime_error(msg); }

std::string read_text(const fs::path& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

std::optional<json> read_json(const fs::path& p) {
  std::ifstream f(p);
  if (!f) return std::nullopt;
  try {
    json j;
    f >> j;
    return j;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) last = line;
  }
  // A progress line overwritten with '\r' keeps only what was printed last.
  const auto cr = last.rfind('\r');
  if (cr != std::string::npos) last = last.substr(cr + 1);
  return last;
}

// "bitfusion: error: X" -> "X"
std::string strip_prefix(std::string s) {
  for (const char* p : {"bitfusion: error: ", "error: "})
    if (s.rfind(p, 0) == 0) s = s.substr(std::strlen(p));
  return s;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 200 || n == "." || n == "..") return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

struct Paths {
  fs::path dir;
  fs::path manifest() const { return dir / "manifest.json"; }
  fs::path tasks() const { return dir / "tasks.json"; }
  fs::path result(const std::string& n) const { return dir / "results" / (n + ".json"); }
  fs::path status(const std::string& n) const { return dir / "status" / (n + ".exit"); }
  fs::path out(const std::string& n) const { return dir / "logs" / (n + ".out"); }
  fs::path err(const std::string& n) const { return dir / "logs" / (n + ".err"); }
  fs::path script() const { return dir / "job.sh"; }
  fs::path failed() const { return dir / "failed.txt"; }
};

// Creates the work directory and its folders and proves it writable.
fs::path prepare_dir(const std::string& workdir) {
  if (workdir.empty()) throw error("no work directory given");
  std::error_code ec;
  fs::path dir = fs::absolute(workdir, ec);
  if (ec) throw error("work directory '" + workdir + "': " + ec.message());
  dir = dir.lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw error("work directory '" + dir.string() +
                "' cannot be created: " + (ec ? ec.message() : std::string("not a directory")));
  for (const char* sub : {"results", "status", "logs"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) throw error("work directory '" + dir.string() + "' is not writable: " + ec.message());
  }
  const fs::path probe = dir / ("results/.write-test-" + std::to_string(getpid()));
  {
    std::ofstream f(probe);
    if (!(f << "ok\n") || !f.flush()) throw error("work directory '" + dir.string() + "' is not writable");
  }
  fs::remove(probe, ec);
  return dir;
}

json tasks_json(const Batch& b, const std::string& program, const std::string& flag) {
  json t = json::array();
  for (const auto& task : b.tasks) t.push_back({{"name", task.name}, {"label", task.label}, {"args", task.args}});
  return {{"program", program}, {"result_flag", flag}, {"tasks", t}};
}

std::vector<Task> tasks_from(const json& j) {
  std::vector<Task> out;
  for (const auto& t : j.at("tasks"))
    out.push_back({t.at("name").get<std::string>(), t.value("label", std::string()),
                   t.at("args").get<std::vector<std::string>>()});
  return out;
}

// Spawns `program` with argv0 "bitfusion", the task's arguments and the
// result flag; stdin from /dev/null, stdout/stderr to the task's logs.
pid_t spawn_task(const std::string& program, const std::string& flag, const Task& t, const Paths& p) {
  std::vector<std::string> argv{"bitfusion"};
  argv.insert(argv.end(), t.args.begin(), t.args.end());
  argv.push_back(flag);
  argv.push_back(p.result(t.name).string());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string out = p.out(t.name).string(), err = p.err(t.name).string();
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, program.c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw error("cannot start '" + program + "' for task " + t.name + ": " + std::strerror(rc));
  return pid;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

void write_status(const Paths& p, const std::string& name, int code, double seconds) {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  write_result(p.status(name).string(), {{"exit", code}, {"seconds", seconds}, {"host", host}});
}

// A finished task (its status known): ok when it exited 0 with a readable
// result; otherwise the last line of its standard error says why.
TaskResult evaluate(const Paths& p, const Task& t, int code) {
  TaskResult r;
  r.name = t.name, r.label = t.label, r.exit_code = code;
  if (auto j = read_json(p.result(t.name))) r.json = std::move(*j);
  const bool have = !r.json.is_null();
  if (code == 0 && have) {
    r.ok = true;
    return r;
  }
  std::string why = strip_prefix(last_line(read_text(p.err(t.name))));
  if (code > 128 && code < 160)
    why = "killed by signal " + std::to_string(code - 128) + (why.empty() ? "" : ": " + why);
  else if (code == 0)
    why = "exited 0 but wrote no result " + p.result(t.name).string();
  else if (why.empty())
    why = "exit status " + std::to_string(code);
  r.error = why;
  return r;
}

std::optional<int> status_code(const Paths& p, const std::string& name) {
  auto j = read_json(p.status(name));
  if (!j || !j->contains("exit")) return std::nullopt;
  return j->at("exit").get<int>();
}

void write_failed_list(const Paths& p, const std::vector<TaskResult>& rs) {
  std::error_code ec;
  std::string text;
  for (const auto& r : rs)
    if (!r.ok) text += r.name + "\t" + r.label + "\t" + r.error + "\n";
  if (text.empty()) {
    fs::remove(p.failed(), ec);
    return;
  }
  std::ofstream(p.failed()) << text;
}

class Progress {
 public:
  Progress(bool on, std::string what) : on_(on && isatty(2)), what_(std::move(what)) {}
  void show(size_t done, size_t total, size_t running, size_t failed, const std::string& extra = "") {
    if (!on_) return;
    std::fprintf(stderr, "\r  %s: %zu/%zu done, %zu running, %zu failed%s   ", what_.c_str(), done, total, running,
                 failed, extra.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%78s\r", "");
  }

 private:
  bool on_, shown_ = false;
  std::string what_;
};

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw error("cannot find this program (/proc/self/exe): " + ec.message());
  return p.string();
}

// ------------------------------------------------------------ local
std::vector<TaskResult> run_local(const std::vector<Task>& tasks, const Paths& p, const std::string& program,
                                  const std::string& flag, int jobs, bool progress, const std::string& what) {
  const size_t n = tasks.size();
  const size_t width = size_t(std::max(1, jobs > 0 ? jobs : cores()));
  std::vector<TaskResult> results(n);
  std::map<pid_t, std::pair<size_t, Clock::time_point>> running;
  size_t next = 0, done = 0, failed = 0;
  Progress bar(progress, what);
  bar.show(0, n, 0, 0);
  while (done < n) {
    while (next < n && running.size() < width) {
      running[spawn_task(program, flag, tasks[next], p)] = {next, Clock::now()};
      ++next;
    }
    bool reaped = false;
    for (auto it = running.begin(); it != running.end();) {
      int st = 0;
      const pid_t r = waitpid(it->first, &st, WNOHANG);
      if (r == 0 || (r < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      const auto [i, t0] = it->second;
      const int code = r < 0 ? 255 : exit_code(st);
      write_status(p, tasks[i].name, code, std::chrono::duration<double>(Clock::now() - t0).count());
      results[i] = evaluate(p, tasks[i], code);
      failed += !results[i].ok;
      ++done;
      reaped = true;
      it = running.erase(it);
    }
    bar.show(done, n, running.size(), failed);
    if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return results;
}

// ------------------------------------------------------------ slurm
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Array indices of the job that Slurm still has queued or running; nullopt
// when squeue could not tell (controller unreachable).
std::optional<std::set<size_t>> squeue_active(const std::string& job) {
  std::string out, err;
  const int rc = capture({"squeue", "-h", "-r", "-j", job, "-o", "%K %T"}, &out, &err);
  std::set<size_t> active;
  if (rc != 0) {
    if (err.find("Invalid job id") != std::string::npos) return active;  // long gone
    return std::nullopt;
  }
  std::istringstream in(out);
  std::string idx, state;
  while (in >> idx >> state) {
    try {
      active.insert(std::stoul(idx));
    } catch (const std::exception&) {}
  }
  return active;
}

// What Slurm says about array task `idx` that left the queue: sacct when
// accounting is on, else scontrol while the controller remembers the job.
std::string slurm_state(const std::string& job, size_t idx) {
  const std::string id = job + "_" + std::to_string(idx);
  std::string out;
  if (on_path("sacct") && capture({"sacct", "-n", "-P", "-X", "-j", id, "-o", "State,ExitCode"}, &out) == 0) {
    const std::string l = last_line(out);
    if (!l.empty()) {
      auto bar = l.find('|');
      return "Slurm state " + l.substr(0, bar) + (bar == std::string::npos ? "" : ", exit " + l.substr(bar + 1));
    }
  }
  out.clear();
  if (capture({"scontrol", "-o", "show", "job", id}, &out) == 0) {
    auto field = [&](const std::string& k) {
      const auto p = out.find(" " + k + "=");
      if (p == std::string::npos) return std::string();
      const auto b = p + k.size() + 2;
      return out.substr(b, out.find(' ', b) - b);
    };
    const std::string st = field("JobState"), ex = field("ExitCode");
    if (!st.empty()) return "Slurm state " + st + (ex.empty() ? "" : ", exit " + ex);
  }
  return "Slurm no longer knows it";
}

std::string submit(const Paths& p, size_t n, const std::string& program, const std::string& kind,
                   const SlurmOptions& s) {
  if (!on_path("sbatch")) throw error("--slurm: sbatch not found on PATH (install slurm-client, or run with --jobs N)");
  std::ostringstream sh;
  sh << "#!/bin/sh\n"
     << "# Generated by bitfusion: Slurm array task i runs task i of tasks.json in this folder.\n"
     << "# Resubmit by hand with: sbatch " << shell_quote(p.script().string()) << "\n"
     << "#SBATCH --job-name=bitfusion-" << kind << "\n"
     << "#SBATCH --array=0-" << (n - 1) << "\n"
     << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"
     << "#SBATCH --output=" << (p.dir / "logs" / "slurm-%A_%a.out").string() << "\n"
     << "#SBATCH --chdir=" << p.dir.string() << "\n";
  if (!s.partition.empty()) sh << "#SBATCH --partition=" << s.partition << "\n";
  for (const auto& o : s.sbatch) sh << "#SBATCH " << o << "\n";
  sh << "exec " << shell_quote(program) << " _job " << shell_quote(p.dir.string()) << " \"$SLURM_ARRAY_TASK_ID\"\n";
  {
    std::ofstream f(p.script());
    if (!(f << sh.str())) throw error("cannot write " + p.script().string());
  }
  fs::permissions(p.script(), fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  std::string out, err;
  const int rc = capture({"sbatch", "--parsable", p.script().string()}, &out, &err);
  if (rc != 0) {
    const std::string why = last_line(err.empty() ? out : err);
    throw error("sbatch refused the job (" + (why.empty() ? "exit " + std::to_string(rc) : why) + ")");
  }
  std::string id = last_line(out);
  id = id.substr(0, id.find(';'));
  if (id.empty() || !std::all_of(id.begin(), id.end(), ::isdigit))
    throw error("sbatch printed no job id ('" + last_line(out) + "')");
  return id;
}

// Waits for the tasks of a Slurm job (or, with no job id, just reads what is
// there). wait = false: one scan; tasks Slurm still runs are an error.
std::vector<TaskResult> wait_for(const std::vector<Task>& tasks, const Paths& p, const std::string& job, bool wait,
                                 double timeout_s, double poll_s, bool progress, const std::string& what) {
  const size_t n = tasks.size();
  std::vector<TaskResult> results(n);
  std::vector<bool> done(n, false);
  std::vector<int> lost(n, 0);
  size_t ndone = 0, failed = 0;
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  Progress bar(progress && wait, what);
  auto finish = [&](size_t i, TaskResult r) {
    results[i] = std::move(r);
    done[i] = true;
    ++ndone;
    failed += !results[i].ok;
  };
  auto scan = [&] {
    for (size_t i = 0; i < n; ++i)
      if (!done[i])
        if (auto code = status_code(p, tasks[i].name)) finish(i, evaluate(p, tasks[i], *code));
  };
  std::string note;
  for (unsigned round = 0;; ++round) {
    scan();
    if (ndone == n) break;
    const bool ask = job.empty() ? false : (!wait || round % 4 == 0);
    std::optional<std::set<size_t>> active;
    if (ask) {
      active = squeue_active(job);
      note = active ? "" : " (squeue does not answer)";
    }
    if (job.empty() || active) {
      scan();  // a task may have ended between the scan and squeue
      for (size_t i = 0; i < n; ++i) {
        if (done[i] || (active && active->count(i))) continue;
        // Neither a status file nor in the queue: give a finishing task
        // one more round (file systems of clusters lag), then fail it.
        if (job.empty() || ++lost[i] >= 2 || !wait) {
          TaskResult r;
          r.name = tasks[i].name, r.label = tasks[i].label;
          r.error = job.empty() ? "never ran (no status file in " + p.dir.string() + "/status)"
                                : "left the Slurm queue without a result (" + slurm_state(job, i) + "; see " +
                                      (p.dir / "logs").string() + "/slurm-" + job + "_" + std::to_string(i) + ".out)";
          finish(i, std::move(r));
        }
      }
      if (ndone == n) break;
    }
    if (!wait) {
      const size_t left = n - ndone;
      throw error("Slurm job " + job + ": " + std::to_string(left) + " of " + std::to_string(n) + " tasks " +
                  (active ? "are still queued or running" : "have no result yet and squeue does not answer") +
                  "; run `bitfusion collect " + p.dir.string() + "` again when they are done (or add --wait)");
    }
    if (Clock::now() > deadline)
      throw error("Slurm job " + job + ": " + std::to_string(n - ndone) + " of " + std::to_string(n) +
                  " tasks not done after " + std::to_string(int(timeout_s)) +
                  " s; they keep running: `bitfusion collect " + p.dir.string() + "` merges them later");
    bar.show(ndone, n, 0, failed, ", Slurm job " + job + note);
    std::this_thread::sleep_for(std::chrono::duration<double>(poll_s));
  }
  return results;
}

std::map<std::string, Merger>& mergers() {
  static std::map<std::string, Merger> m;
  return m;
}

}  // namespace

// ------------------------------------------------------------ public
int cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

void write_result(const std::string& path, const json& j) {
  const fs::path p(path);
  const fs::path tmp = p.parent_path() / ("." + p.filename().string() + ".tmp" + std::to_string(getpid()));
  {
    std::ofstream f(tmp);
    if (!(f << j.dump(1) << "\n") || !f.flush()) throw error("cannot write '" + tmp.string() + "'");
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) throw error("cannot write '" + path + "': " + ec.message());
}

bool on_path(const std::string& prog) {
  if (prog.find('/') != std::string::npos) return access(prog.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream in(path ? path : "/usr/bin:/bin");
  std::string d;
  while (std::getline(in, d, ':')) {
    const std::string f = (d.empty() ? "." : d) + "/" + prog;
    struct stat st;
    if (stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(f.c_str(), X_OK) == 0) return true;
  }
  return false;
}

int capture(const std::vector<std::string>& argv, std::string* out, std::string* err) {
  if (argv.empty()) return 127;
  int po[2], pe[2];
  if (pipe(po) != 0) return 127;
  if (pipe(pe) != 0) {
    close(po[0]), close(po[1]);
    return 127;
  }
  std::vector<std::string> a = argv;
  std::vector<char*> cargv;
  for (auto& s : a) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, po[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
  posix_spawn_file_actions_addclose(&fa, po[0]);
  posix_spawn_file_actions_addclose(&fa, pe[0]);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(po[1]), close(pe[1]);
  if (rc != 0) {
    close(po[0]), close(pe[0]);
    return 127;
  }
  // Read both pipes without blocking on one while the other fills.
  std::string o, e;
  fcntl(po[0], F_SETFL, O_NONBLOCK);
  fcntl(pe[0], F_SETFL, O_NONBLOCK);
  bool open_o = true, open_e = true;
  char buf[4096];
  while (open_o || open_e) {
    bool got = false;
    for (auto [fd, s, open] : {std::tuple{po[0], &o, &open_o}, std::tuple{pe[0], &e, &open_e}}) {
      if (!*open) continue;
      const ssize_t k = read(fd, buf, sizeof buf);
      if (k > 0)
        s->append(buf, size_t(k)), got = true;
      else if (k == 0 || (errno != EAGAIN && errno != EINTR))
        *open = false;
    }
    if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  close(po[0]), close(pe[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  if (out) *out = std::move(o);
  if (err) *err = std::move(e);
  return exit_code(st);
}

size_t Outcome::failed() const {
  return size_t(std::count_if(results.begin(), results.end(), [](const TaskResult& r) { return !r.ok; }));
}

std::vector<const TaskResult*> Outcome::ok() const {
  std::vector<const TaskResult*> v;
  for (const auto& r : results)
    if (r.ok) v.push_back(&r);
  return v;
}

std::string Outcome::failure_line() const {
  const size_t nf = failed();
  if (nf == 0) return "";
  const TaskResult* first = nullptr;
  for (const auto& r : results)
    if (!r.ok) {
      first = &r;
      break;
    }
  std::string s =
      "task " + first->name + (first->label.empty() ? "" : " (" + first->label + ")") + " failed: " + first->error;
  if (nf > 1) s += "; " + std::to_string(nf - 1) + " more failed";
  s += " (" + std::to_string(results.size() - nf) + " of " + std::to_string(results.size()) + " results kept; " +
       (fs::path(workdir) / "failed.txt").string() + ", logs in " + (fs::path(workdir) / "logs").string() + ")";
  return s;
}

Outcome run(const Batch& batch, const Options& opt) {
  if (batch.tasks.empty()) throw error("nothing to run (no tasks)");
  std::set<std::string> names;
  for (const auto& t : batch.tasks) {
    if (!valid_name(t.name)) throw error("bad task name '" + t.name + "' (letters, digits, _ - . only)");
    if (!names.insert(t.name).second) throw error("task name '" + t.name + "' given twice");
  }
  if (opt.slurm.enabled && !on_path("sbatch"))
    throw error("--slurm: sbatch not found on PATH (install slurm-client, or run with --jobs N)");
  const Paths p{prepare_dir(opt.workdir)};
  // The program's path as tasks.json records it (for `_job`), and the one
  // the local executor spawns: /proc/self/exe, this very binary.
  const std::string program = opt.program.empty() ? self_exe() : opt.program;
  const std::string spawned = opt.program.empty() ? "/proc/self/exe" : opt.program;
  if (opt.slurm.enabled && program.find(" (deleted)") != std::string::npos)
    throw error("this program was replaced on disk while running (" + program + "); start it again");
  // Stale files of earlier runs with the same task names.
  std::error_code ec;
  for (const auto& t : batch.tasks)
    for (const auto& f : {p.result(t.name), p.status(t.name), p.out(t.name), p.err(t.name)}) fs::remove(f, ec);
  json manifest = {{"kind", batch.kind},
                   {"params", batch.params},
                   {"tasks", batch.tasks.size()},
                   {"executor", opt.slurm.enabled ? "slurm" : "local"},
                   {"created", long(std::time(nullptr))}};
  write_result(p.tasks().string(), tasks_json(batch, program, opt.result_flag));
  write_result(p.manifest().string(), manifest);

  Outcome o;
  o.workdir = p.dir.string(), o.kind = batch.kind, o.params = batch.params;
  if (!opt.slurm.enabled) {
    o.results = run_local(batch.tasks, p, spawned, opt.result_flag, opt.jobs, opt.progress, batch.kind);
  } else {
    o.job_id = submit(p, batch.tasks.size(), program, batch.kind, opt.slurm);
    manifest["job_id"] = o.job_id;
    write_result(p.manifest().string(), manifest);
    if (opt.slurm.no_wait) {
      o.submitted = true;
      return o;
    }
    o.results =
        wait_for(batch.tasks, p, o.job_id, true, opt.slurm.timeout_s, opt.slurm.poll_s, opt.progress, batch.kind);
  }
  write_failed_list(p, o.results);
  return o;
}

Outcome collect(const std::string& workdir, bool wait, double timeout_s, bool progress) {
  std::error_code ec;
  Paths p{fs::absolute(workdir, ec).lexically_normal()};
  if (!p.dir.has_filename()) p.dir = p.dir.parent_path();
  const auto manifest = read_json(p.manifest());
  if (!manifest) {
    if (!fs::exists(p.manifest()))
      throw error("'" + workdir + "' has no manifest.json (not a work directory of a bitfusion run)");
    throw error("'" + p.manifest().string() + "' is not valid JSON");
  }
  const auto tj = read_json(p.tasks());
  if (!tj) throw error("'" + p.tasks().string() + "' is missing or not valid JSON");
  std::vector<Task> tasks;
  try {
    tasks = tasks_from(*tj);
  } catch (const std::exception& e) {
    throw error("'" + p.tasks().string() + "': " + e.what());
  }
  Outcome o;
  o.workdir = p.dir.string();
  o.kind = manifest->value("kind", std::string());
  o.params = manifest->value("params", json::object());
  o.job_id = manifest->value("job_id", std::string());
  o.results = wait_for(tasks, p, o.job_id, wait, timeout_s, 1.0, progress, o.kind);
  write_failed_list(p, o.results);
  return o;
}

int run_one(const std::string& workdir, size_t index) {
  std::error_code ec;
  const Paths p{fs::absolute(workdir, ec).lexically_normal()};
  const auto tj = read_json(p.tasks());
  if (!tj) throw error("'" + p.tasks().string() + "' is missing or not valid JSON");
  const auto tasks = tasks_from(*tj);
  if (index >= tasks.size())
    throw error("task index " + std::to_string(index) + " out of range (" + std::to_string(tasks.size()) + " tasks)");
  const Task& t = tasks[index];
  const auto t0 = Clock::now();
  const pid_t pid =
      spawn_task(tj->at("program").get<std::string>(), tj->value("result_flag", std::string("--json")), t, p);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  const int code = exit_code(st);
  write_status(p, t.name, code, std::chrono::duration<double>(Clock::now() - t0).count());
  return code;
}

void register_merger(const std::string& kind, Merger m) { mergers()[kind] = std::move(m); }

const Merger* find_merger(const std::string& kind) {
  auto it = mergers().find(kind);
  return it == mergers().end() ? nullptr : &it->second;
}

}  // namespace bf::jobs
