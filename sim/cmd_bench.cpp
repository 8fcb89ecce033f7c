// `bitfusion bench`: the paper's evaluation. Bit Fusion (paper mode) over
// Eyeriss (the authors' per-layer data, at 500 MHz as they did), over a
// Stripes-like bit-serial array at Stripes' configuration, and over a fixed
// 8-bit array of the same size, per benchmark and as a geometric mean, next
// to the paper's figures; bar charts through gnuplot.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/file_io.hpp"
#include "model/baselines.hpp"
#include "model/paper_model.hpp"
#include "model/roofline.hpp"
#include "model/rtl_model.hpp"
#include "sim/commands.hpp"

namespace {

using namespace bf::model;
namespace fs = std::filesystem;

struct Options {
  std::string config = "bf16x32", stripes_config = "bf16x32s", out, mode = "paper";
  std::vector<std::string> sets;
  bool no_plot = false;
};

struct Row {
  std::string name;
  const PaperBench* paper;
  Gain eyeriss, stripes, fixed8;
};

RunCost cost(const Design& d, const Network& n) {
  const auto r = paper_run(d, n, n.batch);
  return {double(r.total.cycles) / (d.freq_mhz * 1e6), r.total.energy_nj(d.energy) * 1e3};
}

// Rtl mode: what this project's compiler and RTL take (the rtl-mode model,
// docs/perf-model.md), every conv / fc layer at the network's widths or,
// with `as_bits`, at that width (the same hardware as a fixed-width array).
struct RtlCost {
  RunCost run;
  double cycles = 0, bound = 0;  // bound: sum of the layers' rooflines
};
RtlCost rtl_cost(const bf::ArrayConfig& cfg, const Network& n, int as_bits = 0) {
  std::vector<bf::LayerDesc> descs;
  for (size_t i = 0; i < n.layers.size(); ++i) {
    if (!n.layers[i].is_compute()) continue;
    bf::LayerDesc d = rtl_layer_desc(n, i, n.batch);
    if (as_bits) {
      d.act.bits = d.wgt.bits = as_bits;
      if (d.out_bits) d.out_bits = as_bits;
    }
    descs.push_back(d);
  }
  const Design d = bitfusion_design(cfg);
  const auto r = rtl_run(cfg, n, descs);
  RtlCost c;
  c.cycles = double(r.total.cycles);
  c.run = {c.cycles / (d.freq_mhz * 1e6), r.total.energy_nj(d.energy) * 1e3};
  for (const auto& l : r.layers) c.bound += rtl_roofline(d, l.plan.desc).bound();
  return c;
}

std::string default_out() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "build/bench" : (exe.parent_path() / "bench").string();
}

// Runs `argv` (no shell: nothing the user typed is ever parsed by one) in
// the directory `cwd`; returns its exit status, or -1 with `err` set when
// it could not start (ENOENT: not installed).
int spawn(const std::vector<std::string>& argv, const std::string& cwd, int& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  err = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return err = errno, -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The chart directory: created if missing; must be a directory.
void prepare_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw bf::cli::UserError("--out '" + dir + "' is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw bf::cli::UserError("--out '" + dir + "': cannot create the directory (" + ec.message() + ")");
  bf::check_output_path(dir + "/bench.dat", "--out");
}

void plot(const std::vector<Row>& rows, const Row& gm, const std::string& dir, const std::string& mode) {
  const std::string dat = dir + "/bench.dat";
  {
    std::ostringstream f;
    f << "# benchmark eyeriss_speedup eyeriss_energy paper_speedup paper_energy stripes_speedup stripes_energy "
         "fixed8_speedup fixed8_energy\n";
    auto line = [&](const Row& r, double ps, double pe) {
      f << '"' << r.name << "\" " << r.eyeriss.speedup << ' ' << r.eyeriss.energy << ' ' << ps << ' ' << pe << ' '
        << r.stripes.speedup << ' ' << r.stripes.energy << ' ' << r.fixed8.speedup << ' ' << r.fixed8.energy << '\n';
    };
    for (const auto& r : rows) line(r, r.paper->speedup_eyeriss, r.paper->energy_eyeriss);
    line(gm, kPaperGeoSpeedupEyeriss, kPaperGeoEnergyEyeriss);
    bf::write_file(dat, f.str());
  }
  struct Chart {
    const char* file;
    const char* title;
    const char* cols;  // plot clauses
  };
  const Chart charts[] = {
      {"bench_eyeriss.png", "Bit Fusion over Eyeriss (45 nm, 500 MHz)",
       "using 2:xtic(1) title 'speedup (model)', '' using 4 title 'speedup (paper)', "
       "'' using 3 title 'energy reduction (model)', '' using 5 title 'energy reduction (paper)'"},
      {"bench_baselines.png", "Bit Fusion over Stripes (bit-serial) and a fixed 8-bit array",
       "using 6:xtic(1) title 'speedup over Stripes', '' using 7 title 'energy reduction over Stripes', "
       "'' using 8 title 'speedup over fixed 8-bit', '' using 9 title 'energy reduction over fixed 8-bit'"},
  };
  for (const auto& c : charts) {
    // gnuplot runs in `dir` and the script names files relative to it: no
    // user text in the script either. The chart is drawn to a temporary
    // name and renamed into place when gnuplot succeeds.
    const std::string stem = fs::path(c.file).stem().string();
    const std::string gp = stem + ".gp", tmp_png = "." + std::string(c.file) + ".tmp";
    std::ostringstream f;
    f << "set terminal pngcairo size 1100,420 font 'Sans,10'\n"
      << "set output '" << tmp_png << "'\n"
      << "set title '" << c.title << " (" << mode << " mode)'\n"
      << "set style data histograms\nset style histogram clustered gap 1\n"
      << "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
      << "set logscale y 2\nset yrange [0.5:32]\nset ylabel 'times (log scale)'\n"
      << "set grid ytics\nset key outside top center horizontal\nset xtics rotate by -30\n"
      << "plot 'bench.dat' " << c.cols << "\n";
    bf::write_file(dir + "/" + gp, f.str());
    int err = 0;
    const int rc = spawn({"gnuplot", gp}, dir, err);
    const std::string tmp_path = dir + "/" + tmp_png, png = dir + "/" + c.file;
    if (rc < 0 && err == ENOENT) {
      std::printf("charts: gnuplot not found; data written to %s (install gnuplot to draw the charts)\n", dat.c_str());
      return;
    }
    if (rc != 0 || std::rename(tmp_path.c_str(), png.c_str()) != 0) {
      std::remove(tmp_path.c_str());
      if (rc < 0)
        std::printf("charts: cannot run gnuplot (%s)\n", std::strerror(err));
      else
        std::printf("charts: gnuplot failed on %s/%s\n", dir.c_str(), gp.c_str());
    } else {
      std::printf("chart: %s\n", png.c_str());
    }
  }
}

void run(const Options& o) {
  if (o.mode != "paper" && o.mode != "rtl")
    throw bf::cli::UserError("--mode '" + o.mode + "': use paper (the authors' model) or rtl (this hardware)");
  const std::string out_dir = o.out.empty() ? default_out() : o.out;
  if (!o.no_plot) {
    try {
      prepare_dir(out_dir);  // before any work: a bad --out fails now
    } catch (const std::runtime_error& e) {
      throw bf::cli::UserError(e.what());
    }
  }
  bf::ArrayConfig ce = bf::load_config(o.config);
  for (const auto& s : o.sets) bf::set_config_value(ce, s);
  bf::validate(ce);
  const bf::ArrayConfig cs = bf::load_config(o.stripes_config);
  const auto eyeriss = load_eyeriss();
  const Design bf_e = bitfusion_design(ce), f8 = fixed8_design(ce);
  const Design bf_s = bitfusion_design(cs), st = stripes_design(cs);

  const bool rtl = o.mode == "rtl";
  std::vector<Row> rows;
  struct Cycles {
    std::string name;
    double rtl, paper, bound;
  };
  std::vector<Cycles> cyc;
  for (const auto& pb : paper_benchmarks()) {
    const Network n = load_network(pb.file);
    auto it = eyeriss.find(pb.eyeriss);
    if (it == eyeriss.end()) throw std::runtime_error(std::string("no Eyeriss data for ") + pb.eyeriss);
    const RunCost ey{it->second.cycles / (kEyerissMhz * 1e6), it->second.energy_nj * 1e3};
    if (rtl) {
      RtlCost e, s, e8;
      try {
        e = rtl_cost(ce, n), s = rtl_cost(cs, n), e8 = rtl_cost(ce, n, 8);
      } catch (const std::runtime_error& err) {
        throw bf::cli::UserError(std::string(n.name) + ": " + err.what());
      }
      rows.push_back({n.name, &pb, gain(e.run, ey), gain(s.run, cost(st, n)), gain(e.run, e8.run)});
      cyc.push_back({n.name, e.cycles, double(paper_run(bf_e, n, n.batch).total.cycles), e.bound});
    } else {
      const RunCost e = cost(bf_e, n), s = cost(bf_s, n);
      rows.push_back({n.name, &pb, gain(e, ey), gain(s, cost(st, n)), gain(e, cost(f8, n))});
    }
  }
  Row gm{"geomean", nullptr, {}, {}, {}};
  auto geo = [&](auto get) {
    std::vector<double> v;
    for (const auto& r : rows) v.push_back(get(r));
    return geomean(v);
  };
  gm.eyeriss = {geo([](const Row& r) { return r.eyeriss.speedup; }),
                geo([](const Row& r) { return r.eyeriss.energy; })};
  gm.stripes = {geo([](const Row& r) { return r.stripes.speedup; }),
                geo([](const Row& r) { return r.stripes.energy; })};
  gm.fixed8 = {geo([](const Row& r) { return r.fixed8.speedup; }), geo([](const Row& r) { return r.fixed8.energy; })};

  if (rtl) {
    std::printf(
        "This hardware (rtl mode: this project's compiler and RTL, docs/perf-model.md) against the\n"
        "authors' model (paper mode) on %s, batch of each network file; bound = the sum of the\n"
        "layers' rooflines, max(MACs / peak, compulsory DRAM bits / port bits)\n\n",
        ce.name.c_str());
    std::printf("%-10s %12s %12s %8s %12s %8s\n", "benchmark", "rtl cycles", "paper cycles", "rtl/paper", "bound",
                "x bound");
    std::vector<double> ratio;
    for (const auto& c : cyc) {
      std::printf("%-10s %12.0f %12.0f %8.3f %12.0f %7.2fx\n", c.name.c_str(), c.rtl, c.paper, c.rtl / c.paper, c.bound,
                  c.rtl / c.bound);
      ratio.push_back(c.rtl / c.paper);
    }
    std::printf("%-10s %12s %12s %8.3f\n\n", "geomean", "", "", geomean(ratio));
    std::printf("Bit Fusion (rtl mode) over the baselines: speedup / energy reduction\n");
    std::printf("  vs Eyeriss: Bit Fusion on %s (rtl mode), Eyeriss = the authors' per-layer data at 500 MHz\n",
                ce.name.c_str());
    std::printf("  vs Stripes: Bit Fusion on %s (rtl mode) against Stripes %dx%d (paper-mode model; no Stripes RTL)\n",
                cs.name.c_str(), st.rows, st.cols);
    std::printf("  vs fixed 8-bit: this same %s hardware running every layer at 8 x 8 bits (rtl mode)\n",
                ce.name.c_str());
    std::printf("  (the paper's figures, in parentheses, are for its own model: `bitfusion bench --mode paper`)\n\n");
  } else {
    std::printf("Bit Fusion (paper mode) over the baselines: speedup / energy reduction, model (paper)\n");
    std::printf("  vs Eyeriss: Bit Fusion on %s, Eyeriss = the authors' per-layer data at 500 MHz\n", ce.name.c_str());
    std::printf("  vs Stripes: both on %s (Stripes: %dx%d bit-serial 16-lane units, 16-bit storage)\n", cs.name.c_str(),
                st.rows, st.cols);
    std::printf("  vs fixed 8-bit: the same %dx%d array with 8-bit multipliers, on %s\n\n", ce.rows, ce.cols,
                ce.name.c_str());
  }
  std::printf("%-10s | %-27s | %-27s | %-15s\n", "benchmark", "over Eyeriss", "over Stripes", "over fixed 8-bit");
  std::printf("%-10s | %13s %13s | %13s %13s | %7s %7s\n", "", "speedup", "energy", "speedup", "energy", "speedup",
              "energy");
  auto pr = [](double model, double paper) {
    char b[32];
    if (paper > 0)
      std::snprintf(b, sizeof b, "%5.2f (%5.2f)", model, paper);
    else
      std::snprintf(b, sizeof b, "%5.2f (  -  )", model);
    return std::string(b);
  };
  for (const auto& r : rows)
    std::printf("%-10s | %s %s | %s %s | %7.2f %7.2f\n", r.name.c_str(),
                pr(r.eyeriss.speedup, r.paper->speedup_eyeriss).c_str(),
                pr(r.eyeriss.energy, r.paper->energy_eyeriss).c_str(), pr(r.stripes.speedup, 0).c_str(),
                pr(r.stripes.energy, 0).c_str(), r.fixed8.speedup, r.fixed8.energy);
  std::printf(
      "%-10s | %s %s | %s %s | %7.2f %7.2f\n", "geomean", pr(gm.eyeriss.speedup, kPaperGeoSpeedupEyeriss).c_str(),
      pr(gm.eyeriss.energy, kPaperGeoEnergyEyeriss).c_str(), pr(gm.stripes.speedup, kPaperGeoSpeedupStripes).c_str(),
      pr(gm.stripes.energy, kPaperGeoEnergyStripes).c_str(), gm.fixed8.speedup, gm.fixed8.energy);
  std::printf("(paper figures in parentheses; the paper gives Stripes only as a geometric mean)\n");
  if (!o.no_plot) {
    try {
      plot(rows, gm, out_dir, o.mode);
    } catch (const std::runtime_error& e) {
      throw bf::cli::UserError(e.what());
    }
  }
}

const bf::cli::CommandRegistrar reg(41, [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("bench", "The paper's evaluation: Bit Fusion over Eyeriss, Stripes and fixed 8-bit");
  sub->add_option("--config", o->config, "Bit Fusion configuration for the Eyeriss and fixed 8-bit comparisons")
      ->capture_default_str();
  sub->add_option("--set", o->sets, "Override a key of --config: key=value (repeatable)");
  sub->add_option("--stripes-config", o->stripes_config, "Configuration of the Stripes comparison (both designs)")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Directory for the charts (default: <build dir>/bench)");
  sub->add_option("--mode", o->mode,
                  "paper (the authors' model, the published figures) or rtl (this project's compiler and RTL)")
      ->capture_default_str();
  sub->add_flag("--no-plot", o->no_plot, "Print the table only");
  sub->callback([o] { run(*o); });
});

}  // namespace
