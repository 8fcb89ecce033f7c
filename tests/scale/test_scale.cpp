// Running at scale: the job runner's local executor (sim/jobs.hpp) driving
// the real `bitfusion` program, and `bitfusion sweep` end to end: its
// points against `bitfusion perf`, its files, and its bad input (one line
// `bitfusion: error: ...`, exit status 2).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../cli_run.hpp"
#include "sim/jobs.hpp"

namespace fs = std::filesystem;

namespace {

using Result = bft::CliResult;
using bft::run_cli;

std::string tmp(const std::string& name) {
  const fs::path d = fs::path(::testing::TempDir()) / "bf_scale";
  fs::create_directories(d);
  return (d / name).string();
}

// Exit status 2, one line on stderr containing `needle`.
void expect_error(const std::string& args, const std::string& needle, const std::string& env = "") {
  bft::expect_one_line_error(run_cli(args, env), args, needle);
}

using Csv = std::vector<std::map<std::string, std::string>>;

Csv read_csv(const std::string& file) {
  std::ifstream f(file);
  std::string line;
  std::vector<std::string> head;
  Csv rows;
  auto cells = [](const std::string& l) {
    std::vector<std::string> v;
    std::stringstream s(l);
    std::string c;
    while (std::getline(s, c, ',')) v.push_back(c);
    if (!l.empty() && l.back() == ',') v.push_back("");
    return v;
  };
  if (!std::getline(f, line)) return rows;
  head = cells(line);
  while (std::getline(f, line)) {
    const auto v = cells(line);
    std::map<std::string, std::string> m;
    for (size_t i = 0; i < head.size() && i < v.size(); ++i) m[head[i]] = v[i];
    rows.push_back(m);
  }
  return rows;
}

bf::jobs::Task point(const std::string& name, const std::string& net, const std::string& config,
                     const std::string& mode) {
  return {name,
          net + " " + config + " " + mode,
          {"_sweep-point", "--net", net, "--config", config, "--mode", mode, "--batch", "4"}};
}

}  // namespace

// The local executor runs every task as a process of the program, merges
// their JSON results in task order, names a failing task in one line and
// keeps the others; collect() reads the same results back.
TEST(JobRunner, LocalMergesResultsNamesAFailedTaskKeepsTheOthers) {
  const std::string work = tmp("runner");
  fs::remove_all(work);
  bf::jobs::Batch b;
  b.kind = "test";
  b.params = {{"what", "unit test"}};
  b.tasks = {point("a", "lenet5", "bf16x32", "paper"), point("b", "lenet5", "bf8x8", "paper"),
             point("bad", "nosuchnet", "bf16x32", "paper"), point("c", "svhn", "bf16x32", "rtl"),
             point("d", "lenet5", "bf4x8", "rtl")};
  bf::jobs::Options o;
  o.workdir = work;
  o.program = BF_CLI;
  o.jobs = 3;
  o.progress = false;
  const bf::jobs::Outcome out = bf::jobs::run(b, o);
  ASSERT_EQ(out.results.size(), 5u);
  EXPECT_EQ(out.failed(), 1u);
  EXPECT_EQ(out.ok().size(), 4u);
  for (size_t i = 0; i < 5; ++i) {
    const auto& r = out.results[i];
    EXPECT_EQ(r.name, b.tasks[i].name);  // task order, whatever finished first
    if (r.name == "bad") {
      EXPECT_FALSE(r.ok);
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_NE(r.error.find("unknown network 'nosuchnet'"), std::string::npos) << r.error;
    } else {
      ASSERT_TRUE(r.ok) << r.name << ": " << r.error;
      EXPECT_EQ(r.exit_code, 0);
      EXPECT_GT(r.json.at("cycles").get<long long>(), 0);
      EXPECT_EQ(r.json.at("batch").get<int>(), 4);
      EXPECT_TRUE(fs::exists(fs::path(work) / "results" / (r.name + ".json")));
    }
  }
  EXPECT_EQ(out.results[1].json.at("values").at("rows").get<int>(), 8);
  EXPECT_EQ(out.results[3].json.at("mode").get<std::string>(), "rtl");
  const std::string line = out.failure_line();
  EXPECT_NE(line.find("task bad (nosuchnet bf16x32 paper) failed: unknown network 'nosuchnet'"), std::string::npos)
      << line;
  EXPECT_NE(line.find("4 of 5 results kept"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  std::ifstream failed(fs::path(work) / "failed.txt");
  std::string f((std::istreambuf_iterator<char>(failed)), {});
  EXPECT_EQ(f.rfind("bad\t", 0), 0u) << f;

  // collect(): the same results from the work directory alone.
  const bf::jobs::Outcome again = bf::jobs::collect(work, false, 1, false);
  EXPECT_EQ(again.kind, "test");
  EXPECT_EQ(again.params, b.params);
  ASSERT_EQ(again.results.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(again.results[i].ok, out.results[i].ok);
    EXPECT_EQ(again.results[i].json, out.results[i].json);
  }
}

TEST(JobRunner, BadInput) {
  bf::jobs::Batch b;
  b.kind = "test";
  b.tasks = {point("a", "lenet5", "bf16x32", "paper")};
  bf::jobs::Options o;
  o.program = BF_CLI;
  o.progress = false;
  // A work directory below a regular file cannot be created, even by root.
  { std::ofstream(tmp("a_file")) << "x"; }
  o.workdir = tmp("a_file") + "/work";
  try {
    bf::jobs::run(b, o);
    ADD_FAILURE() << "no error for an unwritable work directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("work directory"), std::string::npos) << e.what();
  }
  o.workdir = tmp("bad_names");
  b.tasks.push_back(point("a", "lenet5", "bf8x8", "paper"));
  EXPECT_THROW(bf::jobs::run(b, o), std::runtime_error);  // duplicate name
  b.tasks = {point("a/b", "lenet5", "bf8x8", "paper")};
  EXPECT_THROW(bf::jobs::run(b, o), std::runtime_error);  // not a file name
  b.tasks.clear();
  EXPECT_THROW(bf::jobs::run(b, o), std::runtime_error);  // nothing to run
  EXPECT_THROW(bf::jobs::collect(tmp("no_such_workdir"), false), std::runtime_error);
}

TEST(JobRunner, CaptureRunsWithoutAShell) {
  std::string out, err;
  EXPECT_EQ(bf::jobs::capture({BF_CLI, "_job"}, &out, &err), 2);  // missing arguments: a usage error
  EXPECT_EQ(bf::jobs::capture({"sh", "-c", "echo 'a b'; echo e >&2; exit 3"}, &out, &err), 3);
  EXPECT_EQ(out, "a b\n");
  EXPECT_EQ(err, "e\n");
  EXPECT_EQ(bf::jobs::capture({"/no/such/program"}, &out), 127);
  EXPECT_TRUE(bf::jobs::on_path("sh"));
  EXPECT_FALSE(bf::jobs::on_path("no-such-program-bf"));
}

// Every point of a sweep is what `bitfusion perf` prints for it (the sum of
// its per-layer rows), in both modes; the cross product has every
// combination; the table and charts are written.
TEST(Sweep, PointsEqualPerfAndEveryCombinationIsThere) {
  const std::string out = tmp("sweep");
  fs::remove_all(out);
  const Result r = run_cli(
      "sweep --nets lenet5,rnn --configs bf16x32 --set rows=8,16 --set cols=16,32 "
      "--mode paper,rtl --batch 4 --jobs 2 --out " +
      out);
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("sweep: 16 points"), std::string::npos) << r.out;
  const Csv rows = read_csv(out + "/sweep.csv");
  ASSERT_EQ(rows.size(), 16u);
  std::map<std::string, int> combos;
  for (const auto& row : rows) {
    ++combos[row.at("net") + " " + row.at("mode") + " " + row.at("rows") + "x" + row.at("cols")];
    EXPECT_EQ(row.at("batch"), "4");
    EXPECT_EQ(row.at("wbuf_kb"), "64");
    EXPECT_EQ(row.at("area_um2"), "");  // no --synth
    EXPECT_TRUE(row.at("pareto_energy") == "0" || row.at("pareto_energy") == "1");
  }
  EXPECT_EQ(combos.size(), 16u);
  // Against perf --csv, on a few points.
  for (const auto& row : rows) {
    if (row.at("rows") != "8" || row.at("cols") != "32") continue;
    const Result p = run_cli("perf --csv --net " + row.at("net") + " --mode " + row.at("mode") +
                             " --batch 4 --set rows=8 --set cols=32");
    ASSERT_EQ(p.code, 0) << p.err;
    const std::string f = tmp("perf.csv");
    std::ofstream(f) << p.out;
    long long cycles = 0, rd = 0, wr = 0;
    double energy = 0;
    for (const auto& l : read_csv(f)) {
      cycles += std::stoll(l.at("cycles"));
      rd += std::stoll(l.at("dram_read_bits"));
      wr += std::stoll(l.at("dram_write_bits"));
      energy += std::stod(l.at("energy_pj"));
    }
    EXPECT_EQ(std::stoll(row.at("cycles")), cycles) << row.at("net") << " " << row.at("mode");
    EXPECT_EQ(std::stoll(row.at("dram_read_bits")), rd);
    EXPECT_EQ(std::stoll(row.at("dram_write_bits")), wr);
    EXPECT_NEAR(std::stod(row.at("energy_pj")), energy, 1e-6 * energy + 1);
  }
  EXPECT_TRUE(fs::exists(out + "/pareto_energy.dat"));
  if (bf::jobs::on_path("gnuplot")) {
    EXPECT_TRUE(fs::exists(out + "/pareto_energy.png"));
  }
  EXPECT_NE(r.out.find("area vs cycles needs --synth"), std::string::npos);
  // collect re-merges the same table from the work directory.
  const std::string before = [&] {
    std::ifstream f(out + "/sweep.csv");
    return std::string((std::istreambuf_iterator<char>(f)), {});
  }();
  fs::remove(out + "/sweep.csv");
  const Result c = run_cli("collect " + out);
  ASSERT_EQ(c.code, 0) << c.err;
  std::ifstream f(out + "/sweep.csv");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(f)), {}), before);
}

// A point that fails when it runs (the rtl-mode compiler cannot map a
// layer) is named in one line; the other points are in sweep.csv.
TEST(Sweep, AFailingPointIsNamedAndTheOthersAreKept) {
  const std::string out = tmp("sweep_fail");
  fs::remove_all(out);
  // cols=512 with 1 KB of OBUF: 2 words a bank, too small for LeNet-5's
  // first output tile (the compiler says so); the other three points fit.
  const Result r = run_cli(
      "sweep --nets lenet5 --configs bf16x32 --set cols=32,512 --set obuf_kb=16,1 "
      "--mode rtl --no-plot --jobs 2 --out " +
      out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("bitfusion: error: task p0000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("task p00003 (LeNet-5 rtl b16 bf16x32 cols=512 obuf_kb=1) failed: LeNet-5: layer 'conv0': "
                       "the smallest tile does not fit"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(3 of 4 results kept"), std::string::npos) << r.err;
  const Csv rows = read_csv(out + "/sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].at("cols") + "/" + rows[0].at("obuf_kb"), "32/16");
  EXPECT_EQ(rows[1].at("cols") + "/" + rows[1].at("obuf_kb"), "32/1");
  EXPECT_EQ(rows[2].at("cols") + "/" + rows[2].at("obuf_kb"), "512/16");
  EXPECT_NE(r.out.find("sweep: 4 points (local, 1 failed)"), std::string::npos) << r.out;
}

TEST(Sweep, BadInputGetsOneLineAndExitStatus2) {
  const std::string o = " --out " + tmp("bad_sweep");
  const std::string base = "sweep --nets lenet5 --mode paper" + o;
  expect_error(base + " --set colz=1,2", "unknown config key 'colz'");
  expect_error(base + " --set rows=8,x", "'x' is not an integer");
  expect_error(base + " --set rows=8,128", "outside [1, 64]");
  expect_error(base + " --set rows=8,3", "point bf16x32 rows=3: config 'bf16x32': rows = 3 is not a power of two");
  expect_error(base + " --set rows=", "empty cross product");
  expect_error(base + " --set rows=8 --set rows=16", "--set rows given twice");
  expect_error(base + " --set rows=8,8", "value 8 given twice");
  expect_error(base + " --set rows", "expected key=value");
  expect_error("sweep --nets nosuchnet" + o, "unknown network 'nosuchnet'");
  expect_error("sweep --nets lenet5 --configs bf16x32,nosuchcfg" + o, "unknown config 'nosuchcfg'");
  expect_error("sweep --nets lenet5,lenet5" + o, "'lenet5' given twice");
  expect_error("sweep --nets lenet5 --mode fast" + o, "--mode 'fast': expected rtl or paper");
  expect_error(base + " --synth --set rows=16 --set ibuf_kb=3", "the RTL needs a power-of-two IBUF bank depth");
  expect_error(base + " --no-wait", "--no-wait needs --slurm");
  expect_error(base + " --partition p", "--partition needs --slurm");
  expect_error(base + " --slurm --jobs 2", "--jobs applies to local runs");
  expect_error(base + " --slurm", "sbatch not found on PATH", "PATH=/nonexistent");
  { std::ofstream(tmp("plain_file")) << "x"; }
  expect_error("sweep --nets lenet5 --mode paper --out " + tmp("plain_file") + "/out", "cannot create");
  expect_error(base + " --workdir " + tmp("plain_file") + "/work", "work directory");
  expect_error("collect " + tmp("no_such_dir"), "no manifest.json");
}

namespace {

nlohmann::json read_json_file(const std::string& file) {
  std::ifstream f(file);
  nlohmann::json j;
  f >> j;
  return j;
}

// A run report without its wall-clock times (the only figures that differ
// between two runs of the same network).
nlohmann::json without_times(nlohmann::json j) {
  j.erase("wall_seconds");
  for (auto& l : j["layers"]) l.erase("wall_seconds");
  return j;
}

// The table rows of `bitfusion run` without the wall-time column.
std::vector<std::string> table_rows(const std::string& out) {
  std::vector<std::string> rows;
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("conv", 0) != 0 && l.rfind("fc", 0) != 0 && l.rfind("pool", 0) != 0) continue;
    std::istringstream w(l);
    std::vector<std::string> f;
    for (std::string x; w >> x;) f.push_back(x);
    if (f.size() >= 10 && f[4] != "host") f.erase(f.begin() + 9);  // wall s
    std::string s;
    for (const auto& x : f) s += x + " ";
    rows.push_back(s);
  }
  return rows;
}

}  // namespace

// `run --jobs N`: every conv/fc layer in its own process, from the golden
// model's bit-exact input to that layer; the merged table and report equal
// the in-process (serial) run's, figure for figure.
TEST(RunJobs, ParallelLayersEqualTheSerialRun) {
  const std::string serial = tmp("run_serial.json"), par = tmp("run_par.json"), work = tmp("run_work");
  fs::remove_all(work);
  const Result s = run_cli("run --net lenet5 --backend golden --batch 2 --seed 3 --quiet --report " + serial);
  ASSERT_EQ(s.code, 0) << s.err << s.out;
  const Result p = run_cli("run --net lenet5 --backend golden --batch 2 --seed 3 --quiet --jobs 2 --workdir " + work +
                           " --report " + par);
  ASSERT_EQ(p.code, 0) << p.err << p.out;
  EXPECT_EQ(p.err, "");
  const nlohmann::json a = read_json_file(serial), b = read_json_file(par);
  ASSERT_EQ(a["layers"].size(), 4u);
  EXPECT_EQ(without_times(a), without_times(b));
  EXPECT_EQ(table_rows(s.out), table_rows(p.out));
  EXPECT_EQ(table_rows(p.out).size(), 6u) << p.out;
  EXPECT_NE(p.out.find("every layer bit-exact against golden"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("layers: 4 tasks (local processes)"), std::string::npos) << p.out;
  EXPECT_EQ(s.out.substr(0, s.out.find('\n')), p.out.substr(0, p.out.find('\n')));  // same header
  // Four layer tasks in the work directory; `collect` merges them again.
  for (const char* t : {"l000", "l002", "l004", "l005"})
    EXPECT_TRUE(fs::exists(fs::path(work) / "results" / (std::string(t) + ".json"))) << t;
  fs::remove(par);
  const Result c = run_cli("collect " + work);
  ASSERT_EQ(c.code, 0) << c.err << c.out;
  EXPECT_EQ(table_rows(c.out), table_rows(p.out));
  EXPECT_EQ(without_times(read_json_file(par)), without_times(a));
}

// A layer task that fails is named in one line (exit status 2), with the
// compiler's reason, the same one the serial run stops with; the table
// marks the failed layers and the totals say so.
// A layer the compiler cannot map fails before any task starts (run
// compiles every layer first, in both modes), with the same one line as
// the serial run; a task that fails while running is named by the job
// runner (JobRunner.LocalMergesResultsNamesAFailedTaskKeepsTheOthers).
TEST(RunJobs, AnUnmappableLayerIsNamedBeforeAnyTask) {
  // 1 KB of OBUF over 512 columns is 2 words a bank: no layer's smallest
  // tile fits half of it (the compiler says so for each).
  const std::string cfg = " --set cols=512 --set obuf_kb=1";
  const Result r =
      run_cli("run --net lenet5 --backend golden --batch 1 --quiet --jobs 2 --workdir " + tmp("run_fail") + cfg);
  EXPECT_EQ(r.code, 2) << r.err << r.out;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("layer 'conv0': the smallest tile does not fit"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("every layer bit-exact"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(tmp("run_fail") + "/manifest.json"));  // no task was started
  const Result s = run_cli("run --net lenet5 --backend golden --batch 1 --quiet" + cfg);
  EXPECT_EQ(s.code, 2);
  EXPECT_EQ(s.err, r.err);
}

TEST(RunJobs, BadInputGetsOneLineAndExitStatus2) {
  const std::string base = "run --net lenet5 --backend golden --quiet";
  { std::ofstream(tmp("plain_file2")) << "x"; }
  expect_error(base + " --jobs 2 --workdir " + tmp("plain_file2") + "/work", "work directory");
  expect_error(base + " --slurm", "sbatch not found on PATH", "PATH=/nonexistent");
  expect_error(base + " --workdir " + tmp("w"), "--workdir needs --jobs N or --slurm");
  expect_error(base + " --no-wait", "--no-wait needs --slurm");
  expect_error(base + " --slurm --jobs 2", "--jobs applies to local runs");
  expect_error("run --net nosuchnet --backend golden --jobs 2", "unknown network 'nosuchnet'");
}

// The Pareto flags of sweep.csv, recomputed here from the rows themselves:
// a point is on the energy front of its group exactly when no other point
// of the group has fewer-or-equal cycles and energy with one of them fewer.
TEST(Sweep, ParetoFlagsAreTheNonDominatedPoints) {
  const std::string out = tmp("sweep_pareto");
  fs::remove_all(out);
  const Result r = run_cli(
      "sweep --nets lenet5 --configs bf16x32 --set rows=4,8,16,32 --set cols=8,16,32 "
      "--set wbuf_kb=32,64 --mode paper --batch 1 --jobs 2 --no-plot --out " +
      out);
  ASSERT_EQ(r.code, 0) << r.err;
  const Csv rows = read_csv(out + "/sweep.csv");
  ASSERT_EQ(rows.size(), 24u);
  size_t on_front = 0;
  for (const auto& a : rows) {
    const long long ca = std::stoll(a.at("cycles"));
    const double ea = std::stod(a.at("energy_pj"));
    bool dominated = false;
    for (const auto& b : rows) {
      const long long cb = std::stoll(b.at("cycles"));
      const double eb = std::stod(b.at("energy_pj"));
      if (cb <= ca && eb <= ea && (cb < ca || eb < ea)) dominated = true;
    }
    EXPECT_EQ(a.at("pareto_energy"), dominated ? "0" : "1") << a.at("shape");
    on_front += !dominated;
  }
  EXPECT_GE(on_front, 1u);
  EXPECT_LT(on_front, rows.size());
}
