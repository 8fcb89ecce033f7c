// `bitfusion sweep`: the performance model over a cross product of
// networks x configurations x --set value lists (x modes x batches), each
// point a task of the job runner (sim/jobs.hpp: local processes or one Slurm
// job array); with --synth, also the synthesis flow once per distinct array
// shape. Writes OUT/sweep.csv (one row per point) and the Pareto fronts
// (area vs cycles, energy vs cycles; gnuplot PNGs). docs/scale.md.
//
// Hidden task commands (what the runner runs):
//   _sweep-point --net N --config C [--set k=v ...] --mode M --batch B --json OUT
//   _synth-shape --config-json FILE --dir DIR --json OUT
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/config.hpp"
#include "model/network.hpp"
#include "model/paper_model.hpp"
#include "model/rtl_model.hpp"
#include "sim/commands.hpp"
#include "sim/jobs.hpp"
#include "sim/jobs_cli.hpp"

#ifndef BF_SOURCE_DIR
#define BF_SOURCE_DIR "."
#endif

namespace bf::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ------------------------------------------------------------ configuration
int config_value(const ArrayConfig& c, const std::string& k) {
  const std::pair<const char*, int ArrayConfig::*> fields[] = {{"rows", &ArrayConfig::rows},
                                                               {"cols", &ArrayConfig::cols},
                                                               {"wbuf_kb", &ArrayConfig::wbuf_kb},
                                                               {"ibuf_kb", &ArrayConfig::ibuf_kb},
                                                               {"obuf_kb", &ArrayConfig::obuf_kb},
                                                               {"dram_bits", &ArrayConfig::dram_bits},
                                                               {"dram_latency", &ArrayConfig::dram_latency},
                                                               {"rsp_depth", &ArrayConfig::rsp_depth},
                                                               {"freq_mhz", &ArrayConfig::freq_mhz}};
  for (const auto& [name, ptr] : fields)
    if (k == name) return c.*ptr;
  throw std::logic_error("config_value: unknown key " + k);
}

// The array block's shape: what the synthesis of bf_array_top depends on
// (synth/flow.py, shape_name in synth/ppa/common.py, names its block
// array_<shape> the same way).
std::string shape_of(const ArrayConfig& c) {
  return "r" + std::to_string(c.rows) + "c" + std::to_string(c.cols) + "_w" + std::to_string(c.wbuf_kb) + "i" +
         std::to_string(c.ibuf_kb) + "o" + std::to_string(c.obuf_kb) + "_d" + std::to_string(c.dram_bits);
}

// Why bf_array_top cannot be elaborated for `c` ("" if it can): the
// parameter checks of rtl/array/bf_array_top.sv.
std::string rtl_unbuildable(const ArrayConfig& c) {
  const struct {
    const char* name;
    long kb, banks, max_depth;
  } bufs[] = {{"IBUF", c.ibuf_kb, c.rows, 16384},
              {"WBUF", c.wbuf_kb, long(c.rows) * c.cols, 16384},
              {"OBUF", c.obuf_kb, c.cols, 65536}};
  for (const auto& b : bufs) {
    const long words = b.kb * 256, depth = words / b.banks;
    if (depth < 2 || depth * b.banks != words || (depth & (depth - 1)) != 0)
      return std::string("the RTL needs a power-of-two ") + b.name + " bank depth >= 2 (" + std::to_string(b.kb) +
             " KB over " + std::to_string(b.banks) + " banks)";
    if (depth > b.max_depth) return std::string(b.name) + " banks too deep for the RTL's 16-bit addresses";
  }
  return "";
}

ArrayConfig make_config(const std::string& name, const std::vector<std::string>& sets) {
  ArrayConfig c = load_config(name);
  for (const auto& s : sets) set_config_value(c, s);
  validate(c);
  return c;
}

// A network or configuration argument as a task gets it: files as absolute
// paths (Slurm tasks run in the work directory).
std::string portable(const std::string& name_or_file) {
  const bool is_file = name_or_file.find('/') != std::string::npos || fs::path(name_or_file).extension() == ".json";
  return is_file ? fs::absolute(name_or_file).lexically_normal().string() : name_or_file;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) v.push_back(cur);
  if (!s.empty() && s.back() == sep) v.push_back("");
  return v;
}

// ------------------------------------------------------------ _sweep-point
struct PointOptions {
  std::string net, config = "bf16x32", mode = "rtl", json;
  std::vector<std::string> sets;
  int batch = 0;
};

json evaluate_point(const PointOptions& o) {
  using namespace bf::model;
  if (o.mode != "rtl" && o.mode != "paper") throw UserError("--mode '" + o.mode + "': expected rtl or paper");
  ArrayConfig cfg;
  Network net;
  try {
    cfg = make_config(o.config, o.sets);
    net = load_network(o.net);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  const int batch = o.batch > 0 ? o.batch : net.batch;
  const Design d = bitfusion_design(cfg);
  LayerStats total;
  int64_t macs = 0;
  double ideal = 0;
  size_t layers = 0;
  if (o.mode == "rtl") {
    RtlNetworkResult r;
    try {
      r = rtl_run(cfg, net, batch);
    } catch (const std::runtime_error& e) {
      throw UserError(net.name + ": " + e.what());
    }
    total = r.total, macs = r.macs, ideal = r.ideal_cycles, layers = r.layers.size();
  } else {
    const NetworkResult r = paper_run(d, net, batch);
    total = r.total, macs = r.macs, ideal = r.ideal_cycles, layers = r.layers.size();
  }
  if (layers == 0 || total.cycles <= 0) throw UserError("network '" + net.name + "' has no conv or fc layer");
  json values = json::object();
  for (const auto& k : config_keys()) values[k] = config_value(cfg, k);
  json sets = json::array();  // the swept keys, in --set order
  for (const auto& s : o.sets) {
    const std::string key = s.substr(0, s.find('='));
    sets.push_back(key + "=" + std::to_string(config_value(cfg, key)));
  }
  return {{"kind", "sweep-point"},
          {"net", o.net},
          {"network", net.name},
          {"config", o.config},
          {"config_name", cfg.name},
          {"sets", sets},
          {"values", values},
          {"shape", shape_of(cfg)},
          {"batch", batch},
          {"mode", o.mode},
          {"layers", layers},
          {"cycles", total.cycles},
          {"stall_cycles", total.stall_cycles},
          {"time_us", double(total.cycles) / cfg.freq_mhz},
          {"energy_pj", total.energy_nj(d.energy) * 1e3},
          {"utilization", ideal / double(total.cycles)},
          {"macs", macs},
          {"dram_read_bits", total.reads[kDram]},
          {"dram_write_bits", total.writes[kDram]}};
}

// ------------------------------------------------------------ _synth-shape
std::string source_dir() {
  if (const char* e = std::getenv("BF_SOURCE_DIR")) return e;
  return BF_SOURCE_DIR;
}

// Synthesizes bf_array_top for one configuration file (synth/run.sh
// --config FILE --blocks array, output in DIR) and reports the block's
// area and fmax.
json synth_shape(const std::string& config_json, const std::string& dir) {
  ArrayConfig cfg;
  try {
    cfg = load_config(config_json);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  const std::string why = rtl_unbuildable(cfg);
  if (!why.empty()) throw UserError(shape_of(cfg) + ": " + why);
  const std::string run_sh = source_dir() + "/synth/run.sh";
  if (!fs::exists(run_sh)) throw UserError("synthesis flow not found: " + run_sh + " (set BF_SOURCE_DIR)");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create '" + dir + "': " + ec.message());
  ::setenv("SYNTH_OUT", dir.c_str(), 1);
  std::string out, err;
  const int rc = jobs::capture({"bash", run_sh, "--config", config_json, "--blocks", "array"}, &out, &err);
  std::ofstream(fs::path(dir) / "flow.log") << out << err;
  if (rc != 0) {
    std::string last;
    std::istringstream in(err.empty() ? out : err);
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) last = l;
    throw UserError("synthesis of " + shape_of(cfg) + " failed (exit " + std::to_string(rc) + "): " + last);
  }
  std::ifstream f(fs::path(dir) / "ppa.json");
  json ppa;
  try {
    f >> ppa;
  } catch (const std::exception&) {
    throw UserError("synthesis of " + shape_of(cfg) + ": no readable " + dir + "/ppa.json");
  }
  const std::string block = "array_" + shape_of(cfg);
  if (!ppa.contains("blocks") || !ppa["blocks"].contains(block))
    throw UserError("synthesis of " + shape_of(cfg) + ": block " + block + " not in " + dir + "/ppa.json");
  const json& b = ppa["blocks"][block];
  if (b.contains("skipped"))
    throw UserError("synthesis of " + shape_of(cfg) + " skipped: " + b["skipped"].get<std::string>());
  const double logic = b.at("area_um2").get<double>(), sram = b.value("sram_area_um2", 0.0);
  return {{"kind", "synth-shape"},
          {"shape", shape_of(cfg)},
          {"block", block},
          {"area_um2", logic + sram},
          {"logic_area_um2", logic},
          {"sram_area_um2", sram},
          {"fmax_mhz", b.value("fmax_mhz", json())},
          {"wns_ns", b.value("wns_ns", json())},
          {"clock_mhz", ppa.value("clock_mhz", json())},
          {"cells", b.value("cells", 0)},
          {"synth_seconds", b.value("synth_seconds", 0.0)}};
}

// ------------------------------------------------------------ merging
struct Row {
  json p;         // the point's result
  const json* s;  // its shape's synthesis result, or null
  bool front_energy = false, front_area = false;
};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string set_label(const json& p) {
  std::string s;
  for (const auto& kv : p["sets"]) s += (s.empty() ? "" : " ") + kv.get<std::string>();
  return s.empty() ? "-" : s;
}

std::string group_of(const json& p) {
  return p["network"].get<std::string>() + " " + p["mode"].get<std::string>() + " b" +
         std::to_string(p["batch"].get<int>());
}

// Marks the points no other point of the same group beats in both cycles
// and the second metric (lower is better in both).
template <class Get>
void mark_front(std::vector<Row>& rows, Get metric, bool Row::*flag) {
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < rows.size(); ++i)
    if (metric(rows[i]) > 0) groups[group_of(rows[i].p)].push_back(i);
  for (auto& [g, idx] : groups)
    for (size_t i : idx) {
      const double ci = rows[i].p["cycles"].get<double>(), mi = metric(rows[i]);
      bool dominated = false;
      for (size_t j : idx) {
        const double cj = rows[j].p["cycles"].get<double>(), mj = metric(rows[j]);
        if (cj <= ci && mj <= mi && (cj < ci || mj < mi)) {
          dominated = true;
          break;
        }
      }
      rows[i].*flag = !dominated;
    }
}

double area_of(const Row& r) { return r.s ? (*r.s)["area_um2"].get<double>() : 0; }
double energy_of(const Row& r) { return r.p["energy_pj"].get<double>(); }

void write_csv(const fs::path& file, const std::vector<Row>& rows) {
  std::ofstream f(file);
  f << "network,net,batch,mode,config";
  for (const auto& k : config_keys()) f << "," << k;
  f << ",shape,cycles,stall_cycles,time_us,energy_pj,utilization,macs,dram_read_bits,dram_write_bits,"
       "area_um2,logic_area_um2,sram_area_um2,fmax_mhz,pareto_energy,pareto_area\n";
  for (const auto& r : rows) {
    const json& p = r.p;
    f << csv_field(p["network"].get<std::string>()) << "," << csv_field(p["net"].get<std::string>()) << ","
      << p["batch"].get<int>() << "," << p["mode"].get<std::string>() << ","
      << csv_field(p["config"].get<std::string>());
    for (const auto& k : config_keys()) f << "," << p["values"][k].get<int>();
    f << "," << p["shape"].get<std::string>() << "," << p["cycles"].get<long long>() << ","
      << p["stall_cycles"].get<long long>() << "," << fmt("%.6f", p["time_us"].get<double>()) << ","
      << fmt("%.3f", p["energy_pj"].get<double>()) << "," << fmt("%.6f", p["utilization"].get<double>()) << ","
      << p["macs"].get<long long>() << "," << p["dram_read_bits"].get<long long>() << ","
      << p["dram_write_bits"].get<long long>() << ",";
    if (r.s) {
      const json& s = *r.s;
      f << fmt("%.1f", s["area_um2"].get<double>()) << "," << fmt("%.1f", s["logic_area_um2"].get<double>()) << ","
        << fmt("%.1f", s["sram_area_um2"].get<double>()) << ","
        << (s["fmax_mhz"].is_number() ? fmt("%.1f", s["fmax_mhz"].get<double>()) : std::string());
    } else {
      f << ",,,";
    }
    f << "," << int(r.front_energy) << "," << (r.s ? std::to_string(int(r.front_area)) : std::string()) << "\n";
  }
}

std::string gp_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

// Data files and PNGs of one Pareto chart (cycles vs `metric`); returns the
// PNG written, or "" with a note printed.
std::string plot(const fs::path& out, const std::string& name, const std::string& title, const std::string& ylabel,
                 double scale, const std::vector<Row>& rows, double (*metric)(const Row&), bool Row::*flag) {
  std::map<std::string, std::vector<const Row*>> groups;
  for (const auto& r : rows)
    if (metric(r) > 0) groups[group_of(r.p)].push_back(&r);
  if (groups.empty()) return "";
  const fs::path dat = out / (name + ".dat"), gp = out / (name + ".gp"), png = out / (name + ".png");
  {
    std::ofstream f(dat);
    f << "# " << title << ": per group (index), every point, then (index+1) its Pareto front\n"
      << "# cycles " << ylabel << "\n";
    for (const auto& [g, v] : groups) {
      f << "# " << g << ": all points\n";
      for (const Row* r : v) f << r->p["cycles"].get<long long>() << " " << metric(*r) * scale << "\n";
      f << "\n\n# " << g << ": Pareto front\n";
      std::vector<const Row*> front;
      for (const Row* r : v)
        if (r->*flag) front.push_back(r);
      std::sort(front.begin(), front.end(),
                [](const Row* a, const Row* b) { return a->p["cycles"].get<double>() < b->p["cycles"].get<double>(); });
      for (const Row* r : front) f << r->p["cycles"].get<long long>() << " " << metric(*r) * scale << "\n";
      f << "\n\n";
    }
  }
  {
    std::ofstream f(gp);
    f << "set terminal pngcairo size 1000,640 font 'Sans,10'\n"
      << "set output " << gp_quote(png.string()) << "\n"
      << "set title " << gp_quote(title) << "\n"
      << "set logscale xy\nset grid\nset xlabel 'cycles (log)'\nset ylabel " << gp_quote(ylabel + " (log)") << "\n"
      << "set key outside right top\nplot ";
    int i = 0;
    for (const auto& [g, v] : groups) {
      (void)v;
      f << (i ? ", \\\n     " : "") << gp_quote(dat.string()) << " index " << 2 * i
        << " using 1:2 with points pt 7 ps 0.6 lc " << (i + 1) << " notitle, " << gp_quote(dat.string()) << " index "
        << 2 * i + 1 << " using 1:2 with linespoints pt 7 ps 1.1 lw 2 lc " << (i + 1) << " title " << gp_quote(g);
      ++i;
    }
    f << "\n";
  }
  if (!jobs::on_path("gnuplot")) {
    std::printf("chart: gnuplot not found; data in %s (install gnuplot to draw %s)\n", dat.c_str(), png.c_str());
    return "";
  }
  std::string o, e;
  if (jobs::capture({"gnuplot", gp.string()}, &o, &e) != 0) {
    std::printf("chart: gnuplot failed on %s\n", gp.c_str());
    return "";
  }
  return png.string();
}

void merge(const jobs::Outcome& out) {
  const fs::path dir = out.params.at("out").get<std::string>();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create '" + dir.string() + "': " + ec.message());
  std::map<std::string, json> synth;
  std::vector<Row> rows;
  for (const auto* r : out.ok()) {
    const std::string kind = r->json.value("kind", std::string());
    if (kind == "synth-shape") synth[r->json["shape"].get<std::string>()] = r->json;
  }
  for (const auto* r : out.ok())
    if (r->json.value("kind", std::string()) == "sweep-point") {
      auto it = synth.find(r->json["shape"].get<std::string>());
      rows.push_back({r->json, it == synth.end() ? nullptr : &it->second});
    }
  mark_front(rows, energy_of, &Row::front_energy);
  mark_front(rows, area_of, &Row::front_area);
  write_csv(dir / "sweep.csv", rows);

  // Table.
  const size_t npoints = out.params.value("points", size_t(0));
  std::printf("sweep: %zu points", npoints);
  if (out.params.value("synth", false)) std::printf(", %zu array shapes synthesized", synth.size());
  std::printf(" (%s%s)\n", out.job_id.empty() ? "local" : ("Slurm job " + out.job_id).c_str(),
              out.failed() ? (", " + std::to_string(out.failed()) + " failed").c_str() : "");
  std::printf("%-10s %-5s %5s %-9s %-28s %12s %11s %6s %9s %9s %9s %8s  %s\n", "network", "mode", "batch", "config",
              "set", "cycles", "energy uJ", "util", "DRAM rd", "DRAM wr", "area mm2", "fmax", "Pareto");
  std::printf("%-10s %-5s %5s %-9s %-28s %12s %11s %6s %9s %9s %9s %8s\n", "", "", "", "", "", "", "", "", "Mbit",
              "Mbit", "", "MHz");
  for (const auto& r : rows) {
    const json& p = r.p;
    std::string front;
    if (r.front_energy) front += "E";
    if (r.front_area) front += "A";
    std::printf("%-10s %-5s %5d %-9s %-28s %12lld %11.3f %5.1f%% %9.3f %9.3f %9s %8s  %s\n",
                p["network"].get<std::string>().c_str(), p["mode"].get<std::string>().c_str(), p["batch"].get<int>(),
                p["config_name"].get<std::string>().c_str(), set_label(p).c_str(), p["cycles"].get<long long>(),
                p["energy_pj"].get<double>() / 1e6, 100 * p["utilization"].get<double>(),
                p["dram_read_bits"].get<double>() / 1e6, p["dram_write_bits"].get<double>() / 1e6,
                r.s ? fmt("%.3f", area_of(r) / 1e6).c_str() : "-",
                r.s && (*r.s)["fmax_mhz"].is_number() ? fmt("%.1f", (*r.s)["fmax_mhz"].get<double>()).c_str() : "-",
                front.c_str());
  }
  std::printf(
      "(Pareto: E = on the energy-vs-cycles front, A = on the area-vs-cycles front, per network, mode "
      "and batch; area = logic + SRAM macros of bf_array_top)\n");
  std::printf("table: %s\n", (dir / "sweep.csv").c_str());
  if (!out.params.value("plot", true)) {
  } else if (rows.empty()) {
    std::printf("charts: no point to plot\n");
  } else {
    const std::string e = plot(dir, "pareto_energy", "Energy vs cycles: every point, Pareto front per group",
                               "energy (uJ)", 1e-6, rows, energy_of, &Row::front_energy);
    if (!e.empty()) std::printf("chart: %s\n", e.c_str());
    if (!synth.empty()) {
      const std::string a = plot(dir, "pareto_area", "Area vs cycles: every point, Pareto front per group",
                                 "area of bf_array_top, logic + SRAM (mm^2)", 1e-6, rows, area_of, &Row::front_area);
      if (!a.empty()) std::printf("chart: %s\n", a.c_str());
    } else {
      std::printf("chart: area vs cycles needs --synth (no synthesized area)\n");
    }
  }
  const std::string fail = out.failure_line();
  if (!fail.empty()) throw UserError(fail);
}

// ------------------------------------------------------------ sweep
struct SweepOptions {
  std::vector<std::string> nets, configs{"bf16x32"}, sets, modes{"rtl"};
  std::vector<int> batches;
  bool synth = false, no_plot = false;
  std::string out;
  JobCliOptions jobs;
};

struct Axis {
  std::string key;
  std::vector<std::string> values;
};

std::vector<Axis> parse_axes(const std::vector<std::string>& sets) {
  std::vector<Axis> axes;
  const auto& keys = config_keys();
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw UserError("--set '" + s + "': expected key=value[,value...]");
    Axis a{s.substr(0, eq), {}};
    if (std::find(keys.begin(), keys.end(), a.key) == keys.end()) {
      std::string known;
      for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
      throw UserError("--set: unknown config key '" + a.key + "' (known: " + known + ")");
    }
    for (const auto& x : axes)
      if (x.key == a.key) throw UserError("--set " + a.key + " given twice (give one list: " + a.key + "=v1,v2,...)");
    const std::string list = s.substr(eq + 1);
    if (list.empty()) throw UserError("empty cross product: --set " + a.key + "= has no values");
    std::set<long> seen;
    for (const auto& v : split(list, ',')) {
      if (v.empty()) throw UserError("--set " + s + ": empty value in the list");
      ArrayConfig scratch;
      try {
        set_config_value(scratch, a.key + "=" + v);
      } catch (const std::runtime_error& e) {
        throw UserError(std::string("--set: ") + e.what());
      }
      if (!seen.insert(config_value(scratch, a.key)).second)
        throw UserError("--set " + a.key + ": value " + v + " given twice");
      a.values.push_back(v);
    }
    axes.push_back(std::move(a));
  }
  return axes;
}

void check_list(const std::vector<std::string>& v, const std::string& flag) {
  if (v.empty()) throw UserError("empty cross product: " + flag + " has no values");
  std::set<std::string> seen;
  for (const auto& x : v) {
    if (x.empty()) throw UserError(flag + ": empty name in the list");
    if (!seen.insert(x).second) throw UserError(flag + ": '" + x + "' given twice");
  }
}

void sweep(const SweepOptions& o) {
  check_list(o.nets, "--nets");
  check_list(o.configs, "--configs");
  check_list(o.modes, "--mode");
  for (const auto& m : o.modes)
    if (m != "rtl" && m != "paper") throw UserError("--mode '" + m + "': expected rtl or paper");
  {
    std::set<int> seen;
    for (int b : o.batches)
      if (!seen.insert(b).second) throw UserError("--batch: " + std::to_string(b) + " given twice");
  }
  const std::vector<Axis> axes = parse_axes(o.sets);
  const jobs::Options jopt = job_options(o.jobs, (fs::path(o.out) / "jobs").string());

  struct Net {
    std::string arg, name;
    int batch;
  };
  std::vector<Net> nets;
  for (const auto& n : o.nets) {
    try {
      const model::Network net = model::load_network(n);
      nets.push_back({portable(n), net.name, net.batch});
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  }
  // Configurations x the --set cross product (first --set outermost).
  struct Point {
    std::string config;             // as the tasks get it
    std::vector<std::string> sets;  // key=value
    std::string label;
    ArrayConfig cfg;
  };
  std::vector<Point> cfgs;
  for (const auto& c : o.configs) {
    try {
      load_config(c);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
    std::vector<size_t> at(axes.size(), 0);
    for (;;) {
      Point p{portable(c), {}, c, {}};
      for (size_t i = 0; i < axes.size(); ++i) {
        p.sets.push_back(axes[i].key + "=" + axes[i].values[at[i]]);
        p.label += " " + p.sets.back();
      }
      try {
        p.cfg = make_config(c, p.sets);
      } catch (const std::runtime_error& e) {
        throw UserError("point " + p.label + ": " + e.what());
      }
      if (o.synth) {
        const std::string why = rtl_unbuildable(p.cfg);
        if (!why.empty()) throw UserError("point " + p.label + ": " + why + " (needed by --synth)");
      }
      cfgs.push_back(std::move(p));
      size_t i = axes.size();
      while (i > 0 && ++at[i - 1] == axes[i - 1].values.size()) at[--i] = 0;
      if (i == 0) break;
    }
  }

  jobs::Batch batch;
  batch.kind = "sweep";
  const fs::path out = fs::absolute(o.out).lexically_normal();
  const fs::path work = fs::absolute(jopt.workdir).lexically_normal();
  {
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec || !fs::is_directory(out))
      throw UserError("cannot create the output folder '" + o.out + "'" + (ec ? ": " + ec.message() : ""));
  }
  // Synthesis first: the long tasks start early.
  std::set<std::string> shapes;
  if (o.synth) {
    std::error_code ec;
    fs::create_directories(work / "synth", ec);
    if (ec) throw UserError("work directory '" + work.string() + "' is not writable: " + ec.message());
    for (const auto& p : cfgs) {
      const std::string shape = shape_of(p.cfg);
      if (!shapes.insert(shape).second) continue;
      const fs::path cj = work / "synth" / ("array_" + shape + ".json");
      json c = {{"name", "array_" + shape}, {"description", "bf_array_top shape of a sweep"}};
      for (const auto& k : config_keys()) c[k] = config_value(p.cfg, k);
      try {
        jobs::write_result(cj.string(), c);
      } catch (const std::runtime_error& e) {
        throw UserError(e.what());
      }
      batch.tasks.push_back(
          {"synth_" + shape,
           "synthesis of bf_array_top " + shape,
           {"_synth-shape", "--config-json", cj.string(), "--dir", (work / "synth" / shape).string()}});
    }
  }
  size_t npoints = 0;
  for (const auto& n : nets)
    for (const auto& m : o.modes)
      for (int b : o.batches.empty() ? std::vector<int>{n.batch} : o.batches)
        for (const auto& p : cfgs) {
          char name[32];
          std::snprintf(name, sizeof name, "p%05zu", npoints++);
          std::vector<std::string> args{"_sweep-point", "--net", n.arg, "--config", p.config};
          for (const auto& s : p.sets) args.insert(args.end(), {"--set", s});
          args.insert(args.end(), {"--mode", m, "--batch", std::to_string(b)});
          batch.tasks.push_back({name, n.name + " " + m + " b" + std::to_string(b) + " " + p.label, args});
        }
  batch.params = {{"out", out.string()}, {"points", npoints},    {"synth", o.synth}, {"plot", !o.no_plot},
                  {"nets", o.nets},      {"configs", o.configs}, {"sets", o.sets},   {"modes", o.modes}};

  jobs::Outcome res;
  double wall = 0;
  const std::string what = std::to_string(batch.tasks.size()) + " tasks (" + std::to_string(npoints) + " points" +
                           (o.synth ? ", " + std::to_string(shapes.size()) + " syntheses" : std::string()) + ")";
  if (!run_batch(batch, jopt, what, res, wall)) return;
  merge(res);
}

const CommandRegistrar reg(45, [](CLI::App& app) {
  jobs::register_merger("sweep", merge);  // for `bitfusion collect`
  auto o = std::make_shared<SweepOptions>();
  auto* s =
      app.add_subcommand("sweep", "Performance model (and synthesis) over networks x configurations x --set lists");
  s->add_option("--nets", o->nets, "Networks, comma-separated (names or .json files)")->required()->delimiter(',');
  s->add_option("--configs", o->configs, "Configurations, comma-separated")->delimiter(',')->capture_default_str();
  s->add_option("--set", o->sets, "One axis: key=v1,v2,... (repeatable; every combination is a point)");
  s->add_option("--batch", o->batches, "Batch sizes, comma-separated (default: each network file's)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1 << 20));
  s->add_option("--mode", o->modes, "rtl and/or paper, comma-separated")->delimiter(',')->capture_default_str();
  s->add_flag("--synth", o->synth, "Also synthesize bf_array_top once per distinct array shape (area, fmax)");
  s->add_option("--out", o->out, "Output folder: sweep.csv, pareto_*.png (and jobs/, the work directory)")->required();
  s->add_flag("--no-plot", o->no_plot, "No charts");
  add_job_options(*s, o->jobs);
  s->callback([o] { sweep(*o); });

  auto po = std::make_shared<PointOptions>();
  auto* p = app.add_subcommand("_sweep-point", "One point of a sweep (a task of the job runner)");
  p->group("");
  p->add_option("--net", po->net)->required();
  p->add_option("--config", po->config);
  p->add_option("--set", po->sets);
  p->add_option("--mode", po->mode);
  p->add_option("--batch", po->batch);
  p->add_option("--json", po->json)->required();
  p->callback([po] {
    const json j = evaluate_point(*po);
    try {
      jobs::write_result(po->json, j);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  });

  auto so = std::make_shared<std::array<std::string, 3>>();
  auto* y = app.add_subcommand("_synth-shape", "Synthesis of bf_array_top for one configuration (a task)");
  y->group("");
  y->add_option("--config-json", (*so)[0])->required();
  y->add_option("--dir", (*so)[1])->required();
  y->add_option("--json", (*so)[2])->required();
  y->callback([so] {
    const json j = synth_shape((*so)[0], (*so)[1]);
    try {
      jobs::write_result((*so)[2], j);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  });
});

}  // namespace
}  // namespace bf::cli
