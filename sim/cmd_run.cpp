// `bitfusion run`: a whole network, every conv/fc layer on the device
// (RTL or golden machine) through the compiler, pooling on the host, each
// layer checked against the direct golden layer. --net runs a network file
// on random data; --onnx an imported quantized model on its own images
// (sim/cmd_run_onnx.cpp).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
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
#include "sim/options.hpp"

namespace bf::cli {
namespace {

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

int run(const RunOptions& o) {
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  if (o.batch < 1 || o.batch > 1024) throw UserError("--batch must be in 1..1024");
  for (const auto& [flag, v] : {std::pair<const char*, const std::string*>{"--input", &o.input}, {"--labels", &o.labels},
                                {"--out", &o.out}, {"--dump", &o.dump}})
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
    if (l.type != model::LayerType::Conv && l.type != model::LayerType::Fc &&
        l.type != model::LayerType::MaxPool)
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

  std::mt19937 rng(o.seed);
  std::printf("%s: batch %d, seed %u, %s backend, config %s (%dx%d, %d MHz)\n", net.name.c_str(),
              o.batch, o.seed, backend_name(backend), cfg.name.c_str(), cfg.rows, cfg.cols, cfg.freq_mhz);
  std::printf("%-8s %-7s %-18s %-7s %10s %11s %6s %10s %10s %8s  %s\n", "layer", "type", "output", "AxW",
              "cycles", "MACs", "util", "DRAM rd B", "DRAM wr B", "wall s", "check");

  // First layer input: random values in its activation range.
  const model::Layer* first = nullptr;
  for (const auto& l : net.layers)
    if (l.is_compute()) { first = &l; break; }
  if (!first) throw UserError(net.file + ": no conv or fc layer");
  Tensor cur{{}, o.batch, net.input.c, net.input.h, net.input.w, {first->act_bits, first->act_signed}};
  cur.v = random_values(size_t(cur.n) * cur.c * cur.h * cur.w, cur.type, rng);

  uint64_t total_cycles = 0, total_macs = 0, total_rd = 0, total_wr = 0;
  double total_wall = 0;
  int failures = 0;
  nlohmann::json layers_json = nlohmann::json::array();
  const auto t_start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const model::Layer& l = net.layers[i];
    if (l.type == model::LayerType::MaxPool) {
      if (l.pad_before() != 0 || cur.h < l.kernel || cur.w < l.kernel)
        throw UserError("layer '" + l.name + "': only VALID max pooling is supported");
      Tensor out{maxpool_ref(cur.v, cur.n, cur.c, cur.h, cur.w, l.kernel, l.stride), cur.n, cur.c,
                 (cur.h - l.kernel) / l.stride + 1, (cur.w - l.kernel) / l.stride + 1, cur.type};
      std::printf("%-8s %-7s %-18s %-7s %10s %11s %6s %10s %10s %8s  %s\n", l.name.c_str(), "maxpool",
                  (std::to_string(out.c) + "x" + std::to_string(out.h) + "x" + std::to_string(out.w)).c_str(),
                  "-", "host", "-", "-", "-", "-", "-", "-");
      cur = std::move(out);
      continue;
    }
    // The next compute layer's activation width is this layer's output width.
    const model::Layer* next = nullptr;
    for (size_t j = i + 1; j < net.layers.size(); ++j)
      if (net.layers[j].is_compute()) { next = &net.layers[j]; break; }
    LayerDesc d;
    if (l.type == model::LayerType::Fc) {
      d = make_fc(o.batch, cur.c * cur.h * cur.w, l.out_features);
    } else {
      const int pad = l.pad_before();
      d = make_conv(o.batch, cur.c, l.out_channels, cur.h, cur.w, l.kernel, l.stride, pad);
      if (d.out_h() != l.out.h || d.out_w() != l.out.w)
        throw UserError("layer '" + l.name + "': asymmetric SAME padding is not supported");
    }
    d.name = l.name;
    d.act = cur.type;
    d.wgt = {l.wgt_bits, l.wgt_signed};
    const std::vector<int64_t> w = random_values(size_t(d.out_c) * d.in_c * d.kernel_h * d.kernel_w, d.wgt, rng);
    const ConvParams p{d.batch, d.in_c, d.in_h, d.in_w, d.out_c, d.kernel_h, d.kernel_w, d.stride, d.pad};
    OutputStage stage;
    if (next) {
      stage.out_bits = next->act_bits;
      stage.relu = l.relu;
      stage.shift = calibrate_shift(conv_layer_ref(p, cur.v, w, {}, {}), next->act_bits, l.relu);
    }
    d.out_bits = stage.out_bits;
    d.relu = stage.relu;
    d.shift = stage.shift;
    const bool tty = !o.quiet && isatty(2) != 0;  // progress line only on a terminal
    auto progress = [&](uint64_t cyc) {
      if (tty) std::fprintf(stderr, "\r  %s: %llu cycles simulated...", l.name.c_str(), (unsigned long long)cyc);
    };
    const LayerRun r = run_layer(d, cfg, cur.v, w, {}, backend, Lowering::Auto, {}, progress);
    if (tty && backend == Backend::Rtl) std::fprintf(stderr, "\r%60s\r", "");
    const std::vector<int64_t> want = conv_layer_ref(p, cur.v, w, {}, stage);
    const bool ok = r.y == want;
    failures += !ok;
    const std::string shape = std::to_string(d.out_c) + "x" + std::to_string(d.out_h()) + "x" +
                              std::to_string(d.out_w());
    const std::string aw = std::to_string(d.act.bits) + "x" + std::to_string(d.wgt.bits);
    std::printf("%-8s %-7s %-18s %-7s %10llu %11llu %5.1f%% %10llu %10llu %8.2f  %s\n", l.name.c_str(),
                l.type == model::LayerType::Fc ? "fc" : "conv", shape.c_str(), aw.c_str(),
                (unsigned long long)r.cycles, (unsigned long long)r.macs, 100 * r.utilization,
                (unsigned long long)r.dram_read_bytes, (unsigned long long)r.dram_write_bytes,
                r.wall_seconds, ok ? (r.form != Lowering::Direct ? "bit-exact (" + std::string(lowering_name(r.form)) + ")" : std::string("bit-exact")).c_str() : "MISMATCH");
    std::fflush(stdout);
    total_cycles += r.cycles;
    total_macs += r.macs;
    total_rd += r.dram_read_bytes;
    total_wr += r.dram_write_bytes;
    total_wall += r.wall_seconds;
    layers_json.push_back({{"name", l.name}, {"cycles", r.cycles}, {"macs", r.macs},
                           {"utilization", r.utilization}, {"dram_read_bytes", r.dram_read_bytes},
                           {"dram_write_bytes", r.dram_write_bytes}, {"wall_seconds", r.wall_seconds},
                           {"shift", stage.shift}, {"host_lowering", lowering_name(r.form)}, {"bit_exact", ok}});
    Tensor out{r.y, d.batch, d.out_c, d.out_h(), d.out_w(),
               next ? Operand{next->act_bits, !stage.relu} : Operand{32, true}};
    if (l.type == model::LayerType::Fc) out.h = out.w = 1;
    cur = std::move(out);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  std::printf("total: %llu cycles (%.3f ms at %d MHz), %llu MACs, DRAM read %llu B, write %llu B; "
              "device time %.2f s, wall %.2f s; %s\n",
              (unsigned long long)total_cycles, total_cycles / (cfg.freq_mhz * 1e3), cfg.freq_mhz,
              (unsigned long long)total_macs, (unsigned long long)total_rd, (unsigned long long)total_wr,
              total_wall, wall, failures ? "MISMATCH" : "every layer bit-exact against golden");
  if (!o.report.empty()) {
    nlohmann::json j = {{"network", net.name}, {"batch", o.batch}, {"seed", o.seed},
                        {"backend", backend_name(backend)}, {"config", cfg.name},
                        {"total_cycles", total_cycles}, {"total_macs", total_macs},
                        {"dram_read_bytes", total_rd}, {"dram_write_bytes", total_wr},
                        {"wall_seconds", wall}, {"layers", layers_json}};
    try {
      write_file(o.report, j.dump(2) + "\n");
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  }
  return failures ? 1 : 0;
}

const CommandRegistrar reg(30, [](CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* s = app.add_subcommand("run", "Run a whole network layer by layer on the device, checked against golden");
  auto* net = s->add_option("--net", o->net, "Network name (networks/) or .json file: random weights and inputs");
  auto* onnx = s->add_option("--onnx", o->onnx, "A quantized ONNX model (QDQ, opset 13) on the images of --input");
  net->excludes(onnx);
  s->add_option("--input", o->input, "--onnx: float32 input images, NCHW .npy (N, C, H, W) or (N, features)");
  s->add_option("--labels", o->labels, "--onnx: int labels .npy, shape (N,): print the top-1 accuracy");
  s->add_option("--out", o->out, "--onnx: write the network's float32 output (N, classes) as .npy");
  s->add_option("--dump", o->dump, "--onnx: write every integer tensor as DIR/<tensor>.npy with DIR/index.json");
  s->add_option("--first", o->first, "--onnx: index of the first image of --input to run (default 0)");
  s->add_option("--images", o->images, "--onnx: run N images (default: all from --first on)");
  s->add_flag("--no-check", o->no_check, "--onnx: skip the per-layer comparison with the integer reference");
  auto* batch = s->add_option("--batch", o->batch, "Images per device run (default: 1 with --net, 16 with --onnx)");
  s->add_option("--seed", o->seed, "--net: seed of the random weights and inputs")->capture_default_str();
  s->add_option("--backend", o->backend, "rtl (Verilated RTL) or golden (functional machine)")->capture_default_str();
  add_config_options(*s, o->config);
  s->add_option("--report", o->report, "Write the figures as JSON");
  s->add_flag("--quiet", o->quiet, "No progress lines");
  s->callback([o, batch] {
    if (batch->count() && o->batch < 1) throw UserError("--batch must be at least 1");
    if (o->net.empty() && o->onnx.empty()) throw UserError("run needs --net NAME or --onnx MODEL.onnx");
    if (!o->onnx.empty()) {
      if (o->input.empty()) throw UserError("--onnx needs --input X.npy (the float32 images)");
      OnnxCliOptions c{o->onnx, o->input, o->labels, o->out, o->report, o->dump, o->backend, o->config,
                       o->batch ? o->batch : 16, o->first, o->images, o->quiet, o->no_check};
      const int rc = run_onnx_cli(c);
      if (rc) throw CLI::RuntimeError(rc);
      return;
    }
    if (!o->batch) o->batch = 1;
    const int rc = run(*o);
    if (rc) throw CLI::RuntimeError(rc);
  });
});

}  // namespace
}  // namespace bf::cli
