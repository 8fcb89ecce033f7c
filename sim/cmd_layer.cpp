// `bitfusion conv` and `bitfusion fc`: one layer from .npy files, on the RTL
// or the golden machine, through the compiler.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/file_io.hpp"
#include "golden/layer_ref.hpp"
#include "golden/npy.hpp"
#include "golden/text.hpp"
#include "sim/backend.hpp"
#include "sim/commands.hpp"
#include "sim/options.hpp"

namespace bf::cli {
namespace {

struct LayerOptions {
  bool is_fc = false;
  std::string input, weights, bias, out, report, trace;
  int act_bits = 0, wgt_bits = 0, stride = 1, pad = 0, shift = 0, out_bits = 0;
  bool act_unsigned = false, wgt_unsigned = false, relu = false, check = false;
  uint64_t trace_from = 0, trace_to = std::numeric_limits<uint64_t>::max();
  ConfigOptions config;
  std::string backend = default_backend_name(), lowering = "auto";
};

void check_range(const NpyArray& a, const Operand& t, const std::string& what, const std::string& file) {
  for (size_t i = 0; i < a.data.size(); ++i)
    if (!fits(a.data[i], t))
      throw UserError(file + ": " + what + " value " + std::to_string(a.data[i]) + " at flat index " +
                      std::to_string(i) + " is outside the " + describe(t) + " range [" + std::to_string(min_value(t)) +
                      ", " + std::to_string(max_value(t)) + "]");
}

template <class F>
auto user_errors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

// The layer sizes the CLI accepts (the network files' limits,
// model/network.cpp): the compiler's int arithmetic has room to spare.
constexpr int64_t kMaxBatch = 1024, kMaxInChannels = int64_t(1) << 24, kMaxOutChannels = int64_t(1) << 20;
constexpr int64_t kMaxSize = int64_t(1) << 16, kMaxKernel = 64, kMaxStride = 64, kMaxPad = 1023;

void check_dim(const std::string& file, const NpyHeader& h, size_t axis, const char* what, int64_t hi) {
  const int64_t v = h.shape[axis];
  if (v < 1) throw UserError(file + ": empty dimension in shape " + h.shape_str());
  if (v > hi)
    throw UserError(file + ": " + what + " " + std::to_string(v) + " (shape " + h.shape_str() +
                    ") is more than the supported " + std::to_string(hi));
}

// Reads the data of a file whose header was checked; the shape must not
// have changed in between.
NpyArray read_checked(const std::string& path, const NpyHeader& h) {
  NpyArray a = user_errors([&] { return read_npy(path); });
  if (a.shape != h.shape) throw UserError(path + ": file changed while it was read");
  return a;
}

int run(const LayerOptions& o) {
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  check_bits("--act-bits", o.act_bits);
  check_bits("--wgt-bits", o.wgt_bits);
  if (o.out_bits != 0) check_bits("--out-bits", o.out_bits);
  if (o.out_bits == 0 && (o.shift != 0 || o.relu))
    throw UserError("--shift and --relu apply to requantized outputs: give --out-bits too");
  if (o.shift < 0 || o.shift > 31) throw UserError("--shift " + std::to_string(o.shift) + " is outside [0, 31]");
  if (o.stride < 1 || o.stride > kMaxStride)
    throw UserError("--stride " + std::to_string(o.stride) + " is outside [1, " + std::to_string(kMaxStride) + "]");
  if (o.pad < 0 || o.pad > kMaxPad)
    throw UserError("--pad " + std::to_string(o.pad) + " is outside [0, " + std::to_string(kMaxPad) + "]");
  const Lowering lowering =
      o.lowering == "auto"     ? Lowering::Auto
      : o.lowering == "direct" ? Lowering::Direct
      : o.lowering == "im2col" ? Lowering::Im2col
      : o.lowering == "im2col-w"
          ? Lowering::Im2colW
          : throw UserError("--lowering " + in_quotes(o.lowering) + ": use auto, direct, im2col or im2col-w");
  if (backend == Backend::Golden && !o.trace.empty())
    throw UserError("--trace needs --backend rtl (the golden backend has no waveform)");

  // Every output path before any work: a bad one fails now, not after the run.
  user_errors([&] {
    check_output_path(o.out, "--out");
    if (!o.report.empty()) check_output_path(o.report, "--report");
    if (!o.trace.empty()) check_output_path(o.trace, "--trace");
  });
  if (o.report == o.out) throw UserError("--report and --out name the same file '" + o.out + "'");

  // Headers first: rank, shape and dtype are checked before any data is
  // read, and the compiler's limits before any tensor is allocated.
  const NpyHeader hx = user_errors([&] { return read_npy_header(o.input); });
  const NpyHeader hw = user_errors([&] { return read_npy_header(o.weights); });
  const char* what = o.is_fc ? "fc" : "conv";
  LayerDesc l;
  if (o.is_fc) {
    if (hx.shape.size() != 2) throw UserError(o.input + ": fc input must be (batch, in), got " + hx.shape_str());
    if (hw.shape.size() != 2) throw UserError(o.weights + ": fc weights must be (out, in), got " + hw.shape_str());
    check_dim(o.input, hx, 0, "batch", kMaxBatch);
    check_dim(o.input, hx, 1, "input features", kMaxInChannels);
    check_dim(o.weights, hw, 0, "output features", kMaxOutChannels);
    if (hw.shape[1] != hx.shape[1])
      throw UserError("fc: weights " + hw.shape_str() + " do not match input " + hx.shape_str() + " (in features " +
                      std::to_string(hx.shape[1]) + ")");
    l = make_fc(int(hx.shape[0]), int(hx.shape[1]), int(hw.shape[0]));
  } else {
    if (hx.shape.size() != 4) throw UserError(o.input + ": conv input must be NCHW (rank 4), got " + hx.shape_str());
    if (hw.shape.size() != 4)
      throw UserError(o.weights + ": conv weights must be OIHW (rank 4), got " + hw.shape_str());
    check_dim(o.input, hx, 0, "batch", kMaxBatch);
    check_dim(o.input, hx, 1, "input channels", kMaxInChannels);
    check_dim(o.input, hx, 2, "height", kMaxSize);
    check_dim(o.input, hx, 3, "width", kMaxSize);
    check_dim(o.weights, hw, 0, "output channels", kMaxOutChannels);
    check_dim(o.weights, hw, 2, "kernel height", kMaxKernel);
    check_dim(o.weights, hw, 3, "kernel width", kMaxKernel);
    if (hw.shape[1] != hx.shape[1])
      throw UserError("conv: weights " + hw.shape_str() + " expect " + std::to_string(hw.shape[1]) +
                      " input channels, input " + hx.shape_str() + " has " + std::to_string(hx.shape[1]));
    if (hx.shape[1] * hw.shape[2] * hw.shape[3] > kMaxInChannels)
      throw UserError("conv: " + std::to_string(hx.shape[1]) + " input channels times a " +
                      std::to_string(hw.shape[2]) + "x" + std::to_string(hw.shape[3]) + " kernel is more than " +
                      std::to_string(kMaxInChannels) + " products per output");
    l = make_conv(int(hx.shape[0]), int(hx.shape[1]), int(hw.shape[0]), int(hx.shape[2]), int(hx.shape[3]),
                  int(hw.shape[2]), o.stride, o.pad);
    l.kernel_w = int(hw.shape[3]);
    if (l.out_h() < 1 || l.out_w() < 1)
      throw UserError("conv: kernel " + std::to_string(hw.shape[2]) + "x" + std::to_string(hw.shape[3]) +
                      " with padding " + std::to_string(o.pad) + " does not fit the " + std::to_string(hx.shape[2]) +
                      "x" + std::to_string(hx.shape[3]) + " input");
  }
  l.name = what;
  l.act = {o.act_bits, !o.act_unsigned};
  l.wgt = {o.wgt_bits, !o.wgt_unsigned};
  NpyHeader hb;
  if (!o.bias.empty()) {
    hb = user_errors([&] { return read_npy_header(o.bias); });
    if (hb.shape.size() != 1 || hb.shape[0] != l.out_c)
      throw UserError(o.bias + ": bias must have shape (" + std::to_string(l.out_c) + ",), got " + hb.shape_str());
    l.bias = true;
  }
  l.out_bits = o.out_bits;
  l.relu = o.relu;
  l.shift = o.shift;
  const LoweredLayer plan = plan_layer(l, cfg, lowering);

  const NpyArray x = read_checked(o.input, hx), w = read_checked(o.weights, hw);
  check_range(x, l.act, "input", o.input);
  check_range(w, l.wgt, "weight", o.weights);
  std::vector<int64_t> bias;
  if (l.bias) {
    const NpyArray b = read_checked(o.bias, hb);
    check_range(b, Operand{32, true}, "bias", o.bias);
    bias = b.data;
  }

  TraceOptions tr{o.trace, o.trace_from, o.trace_to};
  const bool tty = isatty(2) != 0;  // progress line only on a terminal
  auto progress = [&](uint64_t cyc) {
    if (tty) std::fprintf(stderr, "\r  %s: %llu cycles simulated...", what, (unsigned long long)cyc);
  };
  const LayerRun r = run_planned(l, plan, LayerOperands{x.data, w.data, bias}, backend, tr, progress);
  if (tty && backend == Backend::Rtl) std::fprintf(stderr, "\r%60s\r", "");

  NpyArray y;
  if (o.is_fc)
    y.shape = {l.batch, l.out_c};
  else
    y.shape = {l.batch, l.out_c, l.out_h(), l.out_w()};
  y.data = r.y;
  bool checked = false, match = true;
  if (o.check) {
    ConvParams p{l.batch, l.in_c, l.in_h, l.in_w, l.out_c, l.kernel_h, l.kernel_w, l.stride, l.pad};
    match = conv_layer_ref(p, x.data, w.data, bias, {l.out_bits, l.relu, l.shift}) == r.y;
    checked = true;
  }
  // Both outputs are written and checked before either is put in place.
  user_errors([&] {
    OutputFile out(o.out);
    out.write(npy_bytes(y, false, o.out));
    out.finish();
    std::unique_ptr<OutputFile> rep;
    if (!o.report.empty()) {
      nlohmann::json j = {{"layer", what},
                          {"backend", backend_name(backend)},
                          {"config", cfg.name},
                          {"macs", r.macs},
                          {"cycles", r.cycles},
                          {"model_cycles", plan.compiled.expect_cycles},
                          {"array_steps", r.array_steps},
                          {"utilization", r.utilization},
                          {"dram_read_bytes", r.dram_read_bytes},
                          {"dram_write_bytes", r.dram_write_bytes},
                          {"wall_seconds", r.wall_seconds},
                          {"output_shape", y.shape},
                          {"host_lowering", lowering_name(r.form)}};
      if (checked) j["matches_golden"] = match;
      rep = std::make_unique<OutputFile>(o.report);
      rep->write(j.dump(2) + "\n");
      rep->finish();
    }
    out.commit();
    if (rep) rep->commit();
  });
  std::fprintf(stderr, "%s: %s backend, config %s, %s\n", what, backend_name(backend), cfg.name.c_str(),
               r.summary.c_str());
  // The golden backend's cycles are its array steps; the rtl-mode timing
  // model's prediction of bf_top's cycles is printed beside them either way.
  std::printf(
      "%s %s: %llu MACs, %llu cycles (rtl-mode model %llu), utilization %.1f%%, DRAM read %llu B, write %llu B, "
      "%.2f s%s\n",
      what, backend_name(backend), (unsigned long long)r.macs, (unsigned long long)r.cycles,
      (unsigned long long)plan.compiled.expect_cycles, 100.0 * r.utilization, (unsigned long long)r.dram_read_bytes,
      (unsigned long long)r.dram_write_bytes, r.wall_seconds,
      checked ? (match ? ", matches golden" : ", MISMATCH against golden") : "");
  return match ? 0 : 1;
}

void add_layer_command(CLI::App& app, bool is_fc) {
  auto o = std::make_shared<LayerOptions>();
  o->is_fc = is_fc;
  auto* s = app.add_subcommand(is_fc ? "fc" : "conv", is_fc ? "Run one fully connected layer from .npy files"
                                                            : "Run one convolution layer from .npy files");
  s->add_option("--input", o->input, is_fc ? "Input (batch, in) .npy" : "Input NCHW .npy")->required();
  s->add_option("--weights", o->weights, is_fc ? "Weights (out, in) .npy" : "Weights OIHW .npy")->required();
  s->add_option("--act-bits", o->act_bits, "Activation width: 1, 2, 4, 8 or 16")->required();
  s->add_option("--wgt-bits", o->wgt_bits, "Weight width: 1, 2, 4, 8 or 16")->required();
  s->add_flag("--act-unsigned", o->act_unsigned, "Activations are unsigned");
  s->add_flag("--wgt-unsigned", o->wgt_unsigned, "Weights are unsigned");
  if (!is_fc) {
    s->add_option("--stride", o->stride, "Stride");
    s->add_option("--pad", o->pad, "Zero padding on every side");
  }
  s->add_option("--bias", o->bias, "Bias .npy, one int32 per output channel");
  s->add_flag("--relu", o->relu, "ReLU in the write-back (with --out-bits)");
  s->add_option("--shift", o->shift, "Arithmetic right shift in the write-back (with --out-bits)");
  s->add_option("--out-bits", o->out_bits, "Requantize outputs to this width (default: raw int32)");
  s->add_option("--backend", o->backend, "rtl (Verilated RTL) or golden (functional machine)")->capture_default_str();
  if (!is_fc)
    s->add_option(
         "--lowering", o->lowering,
         "auto, direct, im2col or im2col-w (host lowering; auto picks the form with the fewest predicted cycles)")
        ->capture_default_str();
  add_config_options(*s, o->config);
  s->add_option("--out", o->out, "Output .npy")->required();
  s->add_option("--report", o->report, "Write the figures as JSON");
  s->add_flag("--check", o->check, "Compare the output with the direct golden layer");
  s->add_option("--trace", o->trace, "FST waveform of the RTL run (and a .gtkw next to it)");
  s->add_option("--trace-from", o->trace_from, "First traced cycle");
  s->add_option("--trace-to", o->trace_to, "Last traced cycle");
  s->callback([o] {
    const int rc = run(*o);
    if (rc) throw CLI::RuntimeError(rc);
  });
}

const CommandRegistrar reg_conv(20, [](CLI::App& app) { add_layer_command(app, false); });
const CommandRegistrar reg_fc(21, [](CLI::App& app) { add_layer_command(app, true); });

}  // namespace
}  // namespace bf::cli
