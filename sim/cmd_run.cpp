// `bitfusion run`: a whole network, every conv/fc layer on the device
// (RTL or golden machine) through the compiler, pooling on the host, each
// layer checked against the direct golden layer. --net runs a network file
// on random data; --onnx an imported quantized model on its own images
// (sim/cmd_run_onnx.cpp).
//
// In-process by default (each layer's input is the device's output of the
// layer before). With --jobs N or --slurm, every conv/fc layer of a --net
// network is a task of the job runner (sim/jobs.hpp): the task recomputes
// the golden model's bit-exact input to its layer (same seed, same random
// weights, same output calibration), runs the layer on the device and
// checks it; with --onnx, each task runs a slice of whole image batches.
// The tasks' results are merged into the same table, totals and --report as
// an in-process run (`bitfusion collect DIR` merges a `--slurm --no-wait`
// run).
//
// Hidden task commands:
//   _run-onnx-slice --onnx M --input X --first F --images N --batch B --backend X --config C [--set k=v ...] --json OUT
//   _run-layer --net N --batch B --seed S --backend X --config C [--set k=v ...] --layer I --json OUT
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>

#include <nlohmann/json.hpp>

#include "golden/compiler.hpp"
#include "golden/file_io.hpp"
#include "golden/layer_ref.hpp"
#include "model/network.hpp"
#include "model/rtl_model.hpp"
#include "sim/backend.hpp"
#include "sim/cmd_run_onnx.hpp"
#include "sim/commands.hpp"
#include "sim/jobs.hpp"
#include "sim/jobs_cli.hpp"
#include "sim/options.hpp"

namespace bf::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct RunOptions {
  std::string net, backend = default_backend_name(), report;
  int batch = 0;  // 0: 1 with --net, 16 with --onnx
  // --onnx: an imported quantized model on its own data (sim/cmd_run_onnx.hpp)
  std::string onnx, input, labels, out, dump;
  int first = 0, images = 0;
  bool no_check = false;
  uint32_t seed = 1;
  ConfigOptions config;
  bool quiet = false;
  JobCliOptions jobs;
  int layer = -1;    // _run-layer: the layer index
  std::string json;  // _run-layer: the result file
};

struct Tensor {
  std::vector<int64_t> v;  // NCHW
  int n = 0, c = 0, h = 0, w = 0;
  Operand type;
};

std::vector<int64_t> random_values(size_t n, const Operand& t, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> d(min_value(t), max_value(t));
  std::vector<int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// The smallest right shift that brings the largest raw output into the
// range of `bits` (host-side calibration on the golden layer).
int calibrate_shift(const std::vector<int64_t>& raw, int bits, bool relu) {
  int64_t peak = 1;
  for (auto v : raw) peak = std::max<int64_t>(peak, relu ? v : (v < 0 ? -v : v));
  const int64_t limit = (int64_t{1} << (hw_bits(bits) - (relu ? 0 : 1))) - 1;
  int s = 0;
  while ((peak >> s) > limit && s < 31) ++s;
  return s;
}

model::Network load_net(const RunOptions& o, const ArrayConfig& cfg) {
  if (o.batch < 1 || o.batch > 1024) throw UserError("--batch must be in 1..1024");
  for (const auto& [flag, v] : {std::pair<const char*, const std::string*>{"--input", &o.input},
                                {"--labels", &o.labels},
                                {"--out", &o.out},
                                {"--dump", &o.dump}})
    if (!v->empty()) throw UserError(std::string(flag) + " needs --onnx (a --net network runs on random data)");
  // The report path before any work: a bad one fails now, not after the run.
  if (!o.report.empty()) {
    try {
      check_output_path(o.report, "--report");
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  }
  model::Network net;
  try {
    net = model::load_network(o.net);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  for (const auto& l : net.layers)
    if (l.type != model::LayerType::Conv && l.type != model::LayerType::Fc && l.type != model::LayerType::MaxPool)
      throw UserError(net.file + ": layer '" + l.name + "' is a " + model::to_string(l.type) +
                      " layer; `bitfusion run` handles sequential conv/fc/maxpool networks");
  // Every conv/fc layer through the compiler before any tensor is
  // allocated: a network too large for the configuration fails here, as
  // `bitfusion perf` does, not after gigabytes of random inputs.
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].is_compute()) continue;
    try {
      model::rtl_plan(net, i, o.batch, cfg);
    } catch (const std::runtime_error& e) {
      throw UserError(net.file + ": " + e.what());
    }
  }
  return net;
}

// First layer input: random values in its activation range.
Tensor first_input(const model::Network& net, int batch, std::mt19937& rng) {
  const model::Layer* first = nullptr;
  for (const auto& l : net.layers)
    if (l.is_compute()) {
      first = &l;
      break;
    }
  if (!first) throw UserError(net.file + ": no conv or fc layer");
  Tensor cur{{}, batch, net.input.c, net.input.h, net.input.w, {first->act_bits, first->act_signed}};
  cur.v = random_values(size_t(cur.n) * cur.c * cur.h * cur.w, cur.type, rng);
  return cur;
}

Tensor maxpool(const model::Layer& l, const Tensor& cur) {
  if (l.pad_before() != 0 || cur.h < l.kernel || cur.w < l.kernel)
    throw UserError("layer '" + l.name + "': only VALID max pooling is supported");
  return {maxpool_ref(cur.v, cur.n, cur.c, cur.h, cur.w, l.kernel, l.stride),
          cur.n,
          cur.c,
          (cur.h - l.kernel) / l.stride + 1,
          (cur.w - l.kernel) / l.stride + 1,
          cur.type};
}

std::string pool_shape(const Tensor& out) {
  return std::to_string(out.c) + "x" + std::to_string(out.h) + "x" + std::to_string(out.w);
}

// One conv/fc layer ready to run: its description, random weights (drawn
// from `rng` in network order), output stage calibrated on the golden layer.
struct LayerPlan {
  LayerDesc d;
  ConvParams p;
  OutputStage stage;
  std::vector<int64_t> w;
  const model::Layer* next = nullptr;
};

LayerPlan plan_layer(const model::Network& net, size_t i, const Tensor& cur, int batch, std::mt19937& rng) {
  const model::Layer& l = net.layers[i];
  LayerPlan pl;
  // The next compute layer's activation width is this layer's output width.
  for (size_t j = i + 1; j < net.layers.size(); ++j)
    if (net.layers[j].is_compute()) {
      pl.next = &net.layers[j];
      break;
    }
  LayerDesc& d = pl.d;
  if (l.type == model::LayerType::Fc) {
    d = make_fc(batch, cur.c * cur.h * cur.w, l.out_features);
  } else {
    const int pad = l.pad_before();
    d = make_conv(batch, cur.c, l.out_channels, cur.h, cur.w, l.kernel, l.stride, pad);
    if (d.out_h() != l.out.h || d.out_w() != l.out.w)
      throw UserError("layer '" + l.name + "': asymmetric SAME padding is not supported");
  }
  d.name = l.name;
  d.act = cur.type;
  d.wgt = {l.wgt_bits, l.wgt_signed};
  pl.w = random_values(size_t(d.out_c) * d.in_c * d.kernel_h * d.kernel_w, d.wgt, rng);
  pl.p = ConvParams{d.batch, d.in_c, d.in_h, d.in_w, d.out_c, d.kernel_h, d.kernel_w, d.stride, d.pad};
  if (pl.next) {
    pl.stage.out_bits = pl.next->act_bits;
    pl.stage.relu = l.relu;
    pl.stage.shift = calibrate_shift(conv_layer_ref(pl.p, cur.v, pl.w, {}, {}), pl.next->act_bits, l.relu);
  }
  d.out_bits = pl.stage.out_bits;
  d.relu = pl.stage.relu;
  d.shift = pl.stage.shift;
  return pl;
}

Tensor layer_output(const model::Layer& l, const LayerPlan& pl, std::vector<int64_t> y) {
  const LayerDesc& d = pl.d;
  Tensor out{std::move(y), d.batch,   d.out_c,
             d.out_h(),    d.out_w(), pl.next ? Operand{pl.next->act_bits, !pl.stage.relu} : Operand{32, true}};
  if (l.type == model::LayerType::Fc) out.h = out.w = 1;
  return out;
}

// Runs a planned layer on the device and checks it against the golden
// layer: the table row as JSON (the --report entry plus what the table
// prints) and the device's output.
json run_planned(const model::Layer& l, const LayerPlan& pl, const Tensor& cur, const ArrayConfig& cfg, Backend backend,
                 bool quiet, std::vector<int64_t>* y) {
  const LayerDesc& d = pl.d;
  const bool tty = !quiet && isatty(2) != 0;  // progress line only on a terminal
  auto progress = [&](uint64_t cyc) {
    if (tty) std::fprintf(stderr, "\r  %s: %llu cycles simulated...", l.name.c_str(), (unsigned long long)cyc);
  };
  const LayerRun r = run_layer(d, cfg, cur.v, pl.w, {}, backend, Lowering::Auto, {}, progress);
  if (tty && backend == Backend::Rtl) std::fprintf(stderr, "\r%60s\r", "");
  const std::vector<int64_t> want = conv_layer_ref(pl.p, cur.v, pl.w, {}, pl.stage);
  const bool ok = r.y == want;
  if (y) *y = r.y;
  return {{"name", l.name},
          {"cycles", r.cycles},
          {"macs", r.macs},
          {"utilization", r.utilization},
          {"dram_read_bytes", r.dram_read_bytes},
          {"dram_write_bytes", r.dram_write_bytes},
          {"wall_seconds", r.wall_seconds},
          {"shift", pl.stage.shift},
          {"host_lowering", lowering_name(r.form)},
          {"bit_exact", ok},
          // for the table (not in --report)
          {"type", l.type == model::LayerType::Fc ? "fc" : "conv"},
          {"shape", std::to_string(d.out_c) + "x" + std::to_string(d.out_h()) + "x" + std::to_string(d.out_w())},
          {"aw", std::to_string(d.act.bits) + "x" + std::to_string(d.wgt.bits)}};
}

void print_header(const std::string& network, int batch, uint32_t seed, const std::string& backend,
                  const std::string& config, int rows, int cols, int mhz) {
  std::printf("%s: batch %d, seed %u, %s backend, config %s (%dx%d, %d MHz)\n", network.c_str(), batch, seed,
              backend.c_str(), config.c_str(), rows, cols, mhz);
  std::printf("%-8s %-7s %-18s %-7s %10s %11s %6s %10s %10s %8s  %s\n", "layer", "type", "output", "AxW", "cycles",
              "MACs", "util", "DRAM rd B", "DRAM wr B", "wall s", "check");
}

void print_pool_row(const std::string& name, const std::string& shape) {
  std::printf("%-8s %-7s %-18s %-7s %10s %11s %6s %10s %10s %8s  %s\n", name.c_str(), "maxpool", shape.c_str(), "-",
              "host", "-", "-", "-", "-", "-", "-");
}

void print_row(const json& r) {
  const bool ok = r["bit_exact"].get<bool>();
  std::printf("%-8s %-7s %-18s %-7s %10llu %11llu %5.1f%% %10llu %10llu %8.2f  %s\n",
              r["name"].get<std::string>().c_str(), r["type"].get<std::string>().c_str(),
              r["shape"].get<std::string>().c_str(), r["aw"].get<std::string>().c_str(),
              r["cycles"].get<unsigned long long>(), r["macs"].get<unsigned long long>(),
              100 * r["utilization"].get<double>(), r["dram_read_bytes"].get<unsigned long long>(),
              r["dram_write_bytes"].get<unsigned long long>(), r["wall_seconds"].get<double>(),
              !ok ? "MISMATCH"
              : r["host_lowering"].get<std::string>() == "direct"
                  ? "bit-exact"
                  : ("bit-exact (" + r["host_lowering"].get<std::string>() + ")").c_str());
  std::fflush(stdout);
}

// Totals line and --report; returns the number of mismatching layers.
int finish(const json& head, const std::vector<json>& rows, double wall, const std::string& report,
           size_t failed_tasks = 0) {
  uint64_t total_cycles = 0, total_macs = 0, total_rd = 0, total_wr = 0;
  double total_wall = 0;
  int failures = 0;
  json layers_json = json::array();
  for (const auto& r : rows) {
    total_cycles += r["cycles"].get<uint64_t>();
    total_macs += r["macs"].get<uint64_t>();
    total_rd += r["dram_read_bytes"].get<uint64_t>();
    total_wr += r["dram_write_bytes"].get<uint64_t>();
    total_wall += r["wall_seconds"].get<double>();
    failures += !r["bit_exact"].get<bool>();
    json j = r;
    for (const char* k : {"type", "shape", "aw", "kind", "index"}) j.erase(k);
    layers_json.push_back(j);
  }
  const int mhz = head["freq_mhz"].get<int>();
  std::printf(
      "total: %llu cycles (%.3f ms at %d MHz), %llu MACs, DRAM read %llu B, write %llu B; "
      "device time %.2f s, wall %.2f s; %s\n",
      (unsigned long long)total_cycles, total_cycles / (mhz * 1e3), mhz, (unsigned long long)total_macs,
      (unsigned long long)total_rd, (unsigned long long)total_wr, total_wall, wall,
      failed_tasks ? (std::to_string(failed_tasks) + " layer task(s) FAILED" +
                      (failures ? ", MISMATCH" : ", the others bit-exact against golden"))
                         .c_str()
      : failures ? "MISMATCH"
                 : "every layer bit-exact against golden");
  if (!report.empty()) {
    json j = {{"network", head["network"]}, {"batch", head["batch"]},      {"seed", head["seed"]},
              {"backend", head["backend"]}, {"config", head["config"]},    {"total_cycles", total_cycles},
              {"total_macs", total_macs},   {"dram_read_bytes", total_rd}, {"dram_write_bytes", total_wr},
              {"wall_seconds", wall},       {"layers", layers_json}};
    try {
      write_file(report, j.dump(2) + "\n");
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  }
  return failures;
}

json head_of(const model::Network& net, const RunOptions& o, Backend backend, const ArrayConfig& cfg) {
  return {{"network", net.name}, {"batch", o.batch}, {"seed", o.seed},   {"backend", backend_name(backend)},
          {"config", cfg.name},  {"rows", cfg.rows}, {"cols", cfg.cols}, {"freq_mhz", cfg.freq_mhz}};
}

int run(const RunOptions& o) {
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  const model::Network net = load_net(o, cfg);
  std::mt19937 rng(o.seed);
  const json head = head_of(net, o, backend, cfg);
  print_header(net.name, o.batch, o.seed, backend_name(backend), cfg.name, cfg.rows, cfg.cols, cfg.freq_mhz);
  Tensor cur = first_input(net, o.batch, rng);
  std::vector<json> rows;
  const auto t_start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const model::Layer& l = net.layers[i];
    if (l.type == model::LayerType::MaxPool) {
      cur = maxpool(l, cur);
      print_pool_row(l.name, pool_shape(cur));
      continue;
    }
    const LayerPlan pl = plan_layer(net, i, cur, o.batch, rng);
    std::vector<int64_t> y;
    rows.push_back(run_planned(l, pl, cur, cfg, backend, o.quiet, &y));
    print_row(rows.back());
    cur = layer_output(l, pl, std::move(y));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return finish(head, rows, wall, o.report) ? 1 : 0;
}

// ------------------------------------------------------------ parallel
// `_run-layer`: the golden chain up to layer `o.layer` (its bit-exact
// input), then that layer on the device.
json run_one_layer(const RunOptions& o) {
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  const model::Network net = load_net(o, cfg);
  if (o.layer < 0 || size_t(o.layer) >= net.layers.size() || !net.layers[size_t(o.layer)].is_compute())
    throw UserError("--layer " + std::to_string(o.layer) + ": not a conv or fc layer of " + net.name);
  std::mt19937 rng(o.seed);
  Tensor cur = first_input(net, o.batch, rng);
  for (size_t i = 0;; ++i) {
    const model::Layer& l = net.layers[i];
    if (l.type == model::LayerType::MaxPool) {
      cur = maxpool(l, cur);
      continue;
    }
    const LayerPlan pl = plan_layer(net, i, cur, o.batch, rng);
    if (i == size_t(o.layer)) {
      json r = run_planned(l, pl, cur, cfg, backend, true, nullptr);
      r["kind"] = "run-layer";
      r["index"] = i;
      return r;
    }
    cur = layer_output(l, pl, conv_layer_ref(pl.p, cur.v, pl.w, {}, pl.stage));
  }
}

// Table, totals and report from the layer tasks' results (also what
// `bitfusion collect` runs for a run's work directory). wall < 0: unknown.
void merge_run(const jobs::Outcome& out, double wall) {
  const json& P = out.params;
  const json& head = P.at("head");
  print_header(head["network"].get<std::string>(), head["batch"].get<int>(), head["seed"].get<uint32_t>(),
               head["backend"].get<std::string>(), head["config"].get<std::string>(), head["rows"].get<int>(),
               head["cols"].get<int>(), head["freq_mhz"].get<int>());
  std::map<std::string, const jobs::TaskResult*> by_task;
  for (const auto& r : out.results) by_task[r.name] = &r;
  std::vector<json> rows;
  for (const auto& l : P.at("layers")) {
    if (l.contains("pool")) {
      print_pool_row(l["name"].get<std::string>(), l["pool"].get<std::string>());
      continue;
    }
    const auto it = by_task.find(l["task"].get<std::string>());
    if (it == by_task.end() || !it->second->ok) {
      std::printf("%-8s %-7s %-18s %-7s %10s %11s %6s %10s %10s %8s  %s\n", l["name"].get<std::string>().c_str(),
                  l["type"].get<std::string>().c_str(), "-", "-", "-", "-", "-", "-", "-", "-",
                  ("FAILED (task " + l["task"].get<std::string>() + ")").c_str());
      continue;
    }
    rows.push_back(it->second->json);
    print_row(rows.back());
  }
  if (wall < 0) {
    // collect: the tasks' own times (first start to last end is not recorded).
    wall = 0;
    for (const auto& r : rows) wall += r["wall_seconds"].get<double>();
  }
  const int mismatches = finish(head, rows, wall, P.value("report", std::string()), out.failed());
  std::printf("layers: %zu tasks (%s), work directory %s%s\n", out.results.size(), ran_on(out).c_str(),
              out.workdir.c_str(), P.value("temporary", false) && !out.failed() ? " (temporary, removed)" : "");
  const std::string fail = out.failure_line();
  if (!fail.empty()) throw UserError(fail);
  if (mismatches) throw CLI::RuntimeError(1);
}

int run_parallel(const RunOptions& o) {
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  const model::Network net = load_net(o, cfg);
  std::string workdir = o.jobs.workdir;
  bool temporary = false;
  if (workdir.empty()) workdir = make_workdir(o.jobs.slurm, "bitfusion-run", temporary);
  const jobs::Options jopt = job_options(o.jobs, workdir);

  // The golden chain on the host: validates the network and names the
  // layer tasks (each task recomputes its own input the same way).
  std::mt19937 rng(o.seed);
  Tensor cur = first_input(net, o.batch, rng);
  jobs::Batch batch;
  batch.kind = "run";
  json layers = json::array();
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const model::Layer& l = net.layers[i];
    if (l.type == model::LayerType::MaxPool) {
      cur = maxpool(l, cur);
      layers.push_back({{"name", l.name}, {"pool", pool_shape(cur)}});
      continue;
    }
    const LayerPlan pl = plan_layer(net, i, cur, o.batch, rng);
    char name[32];
    std::snprintf(name, sizeof name, "l%03zu", i);
    std::vector<std::string> args{
        "_run-layer",           "--net",     portable(o.net),       "--batch",  std::to_string(o.batch),  "--seed",
        std::to_string(o.seed), "--backend", backend_name(backend), "--config", portable(o.config.config)};
    for (const auto& s : o.config.sets) args.insert(args.end(), {"--set", s});
    args.insert(args.end(), {"--layer", std::to_string(i)});
    batch.tasks.push_back({name, net.name + " layer " + l.name, args});
    layers.push_back({{"name", l.name}, {"task", name}, {"type", l.type == model::LayerType::Fc ? "fc" : "conv"}});
    if (i + 1 < net.layers.size()) cur = layer_output(l, pl, conv_layer_ref(pl.p, cur.v, pl.w, {}, pl.stage));
  }
  batch.params = {{"head", head_of(net, o, backend, cfg)},
                  {"layers", layers},
                  {"report", o.report.empty() ? std::string() : fs::absolute(o.report).lexically_normal().string()},
                  {"temporary", temporary}};
  jobs::Outcome res;
  double wall = 0;
  if (!run_batch(batch, jopt, std::to_string(batch.tasks.size()) + " layer tasks of " + net.name, res, wall)) return 0;
  merge_run(res, wall);
  remove_temporary(res.workdir, temporary);
  return 0;
}

void add_run_options(CLI::App& s, RunOptions& o) {
  s.add_option("--net", o.net, "Network name (networks/) or .json file: random weights and inputs");
  s.add_option("--seed", o.seed, "--net: seed of the random weights and inputs")->capture_default_str();
  s.add_option("--backend", o.backend, "rtl (Verilated RTL) or golden (functional machine)")->capture_default_str();
  add_config_options(s, o.config);
}

const CommandRegistrar reg(30, [](CLI::App& app) {
  jobs::register_merger("run", [](const jobs::Outcome& out) { merge_run(out, -1); });  // for `bitfusion collect`
  auto o = std::make_shared<RunOptions>();
  auto* s = app.add_subcommand("run", "Run a whole network layer by layer on the device, checked against golden");
  add_run_options(*s, *o);
  auto* onnx = s->add_option("--onnx", o->onnx, "A quantized ONNX model (QDQ, opset 13) on the images of --input");
  s->get_option("--net")->excludes(onnx);
  s->add_option("--input", o->input, "--onnx: float32 input images, NCHW .npy (N, C, H, W) or (N, features)");
  s->add_option("--labels", o->labels, "--onnx: int labels .npy, shape (N,): print the top-1 accuracy");
  s->add_option("--out", o->out, "--onnx: write the network's float32 output (N, classes) as .npy");
  s->add_option("--dump", o->dump, "--onnx: write every integer tensor as DIR/<tensor>.npy with DIR/index.json");
  s->add_option("--first", o->first, "--onnx: index of the first image of --input to run (default 0)");
  s->add_option("--images", o->images, "--onnx: run N images (default: all from --first on)");
  s->add_flag("--no-check", o->no_check, "--onnx: skip the per-layer comparison with the integer reference");
  auto* batch = s->add_option("--batch", o->batch, "Images per device run (default: 1 with --net, 16 with --onnx)");
  s->add_option("--report", o->report, "Write the figures as JSON");
  s->add_flag("--quiet", o->quiet, "No progress lines");
  add_job_options(*s, o->jobs);
  s->callback([o, batch] {
    if (batch->count() && o->batch < 1) throw UserError("--batch must be at least 1");
    if (o->net.empty() && o->onnx.empty()) throw UserError("run needs --net NAME or --onnx MODEL.onnx");
    const bool parallel = o->jobs.jobs >= 0 || o->jobs.slurm;  // --jobs given (alone: the cores)
    if (!o->onnx.empty()) {
      if (o->input.empty()) throw UserError("--onnx needs --input X.npy (the float32 images)");
      OnnxCliOptions c{o->onnx,    o->input,  o->labels,
                       o->out,     o->report, o->dump,
                       o->backend, o->config, o->batch ? o->batch : 16,
                       o->first,   o->images, o->quiet,
                       o->no_check};
      if (!parallel) job_options(o->jobs, "");  // --partition, --no-wait ... without --slurm: one line
      if (!parallel && !o->jobs.workdir.empty()) throw UserError("--workdir needs --jobs N or --slurm");
      const int rc = parallel ? run_onnx_parallel(c, o->jobs) : run_onnx_cli(c);
      if (rc) throw CLI::RuntimeError(rc);
      return;
    }
    if (!o->batch) o->batch = 1;
    if (!parallel && !o->jobs.workdir.empty()) throw UserError("--workdir needs --jobs N or --slurm");
    if (!parallel) job_options(o->jobs, "");  // --partition, --no-wait ... without --slurm: one line
    const int rc = parallel ? run_parallel(*o) : run(*o);
    if (rc) throw CLI::RuntimeError(rc);
  });

  register_onnx_merger();  // `bitfusion collect` of a parallel --onnx run
  auto so = std::make_shared<OnnxCliOptions>();
  auto sj = std::make_shared<std::string>();
  auto* sl = app.add_subcommand("_run-onnx-slice", "Images of `run --onnx --jobs/--slurm` (a task of the job runner)");
  sl->group("");
  sl->add_option("--onnx", so->onnx)->required();
  sl->add_option("--input", so->input)->required();
  sl->add_option("--first", so->first)->required();
  sl->add_option("--images", so->images)->required();
  sl->add_option("--batch", so->batch)->required();
  sl->add_option("--backend", so->backend)->required();
  sl->add_flag("--no-check", so->no_check);
  add_config_options(*sl, so->config);
  sl->add_option("--json", *sj)->required();
  sl->callback([so, sj] {
    so->quiet = true;
    const int rc = run_onnx_slice(*so, *sj);
    if (rc) throw CLI::RuntimeError(rc);
  });

  auto lo = std::make_shared<RunOptions>();
  auto* t = app.add_subcommand("_run-layer", "One layer of `run --jobs/--slurm` (a task of the job runner)");
  t->group("");
  add_run_options(*t, *lo);
  t->add_option("--batch", lo->batch, "Images per batch")->capture_default_str();
  t->add_option("--layer", lo->layer)->required();
  t->add_option("--json", lo->json)->required();
  t->callback([lo] {
    const json j = run_one_layer(*lo);
    try {
      jobs::write_result(lo->json, j);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  });
});

}  // namespace
}  // namespace bf::cli
