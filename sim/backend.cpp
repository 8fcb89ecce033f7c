#include "sim/backend.hpp"

#include <chrono>

#include "golden/machine.hpp"
#include "sim/commands.hpp"

namespace bf::cli {

Backend parse_backend(const std::string& name) {
  if (name == "golden") return Backend::Golden;
  if (name == "rtl") return Backend::Rtl;
  throw UserError("unknown backend '" + name + "' (use rtl or golden)");
}

const char* backend_name(Backend b) { return b == Backend::Golden ? "golden" : "rtl"; }

const char* default_backend_name() {
#ifdef BF_HAVE_DEVICE
  return "rtl";
#else
  return "golden";
#endif
}

double peak_macs_per_cycle(const CompiledLayer& c) {
  const int a = hw_bits(c.layer.act.bits), w = hw_bits(c.layer.wgt.bits);
  const int sa = a > 8 ? 8 : a, sw = w > 8 ? 8 : w;
  const double passes = (a > 8 ? 2 : 1) * (w > 8 ? 2 : 1);
  return double(c.cfg.rows) * c.cfg.cols * (64.0 / (sa * sw)) / passes;
}

namespace {

LayerRun run_golden(const CompiledLayer& c, const LayerOperands& in) {
  Machine m(c.cfg, c.dram_words);
  put_operands(c, in, m.dram());
  const MachineResult r = m.run(c.program());
  if (!r.ok())
    throw std::runtime_error(std::string("golden machine stopped with ") + status_name(r.status) + ": " + r.message);
  LayerRun out;
  out.y = get_output(c, m.dram());
  out.cycles = r.stats.array_cycles;
  out.array_steps = r.stats.array_cycles;
  out.dram_read_bytes = r.stats.dram_read_bytes;
  out.dram_write_bytes = r.stats.dram_write_bytes;
  return out;
}

}  // namespace

// Defined in sim/backend_rtl.cpp (the Verilated controller and array).
LayerRun run_rtl(const CompiledLayer& c, const LayerOperands& in, const TraceOptions& trace,
                 const std::function<void(uint64_t)>& progress);

void put_operands(const CompiledLayer& c, const LayerOperands& in, std::vector<uint32_t>& dram) {
  put_input(c, in.x, dram, in.pad_value);
  put_weights(c, in.w, dram);
  if (c.layer.bias) put_bias(c, in.bias, dram);
  if (c.layer.channel_requant) {
    if (!in.requant) throw std::runtime_error("layer '" + c.layer.name + "' needs per-channel output stages");
    put_requant(c, *in.requant, dram);
  }
}

LayerRun run_layer(const LayerDesc& l, const ArrayConfig& cfg, const std::vector<int64_t>& x,
                   const std::vector<int64_t>& w, const std::vector<int64_t>& bias, Backend backend, Lowering lowering,
                   const TraceOptions& trace, const std::function<void(uint64_t)>& progress) {
  return run_layer(l, cfg, LayerOperands{x, w, bias}, backend, lowering, trace, progress);
}

LoweredLayer plan_layer(const LayerDesc& l, const ArrayConfig& cfg, Lowering lowering) {
  try {
    return compile_lowered(l, cfg, lowering);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

LayerRun run_planned(const LayerDesc& l, const LoweredLayer& plan, const LayerOperands& in, Backend backend,
                     const TraceOptions& trace, const std::function<void(uint64_t)>& progress) {
  if (backend == Backend::Golden && !trace.fst.empty())
    throw UserError("--trace needs --backend rtl (the golden backend has no waveform)");
  const bool lowered = plan.form != Lowering::Direct;
  const CompiledLayer& c = plan.compiled;

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<int64_t> xin = lowered ? lower_input(l, plan.form, in.x, in.pad_value) : std::vector<int64_t>();
  const std::vector<int64_t> win = lowered ? lower_weights(l, plan.form, in.w) : std::vector<int64_t>();
  const LayerOperands ops{lowered ? xin : in.x, lowered ? win : in.w, in.bias, in.requant, in.pad_value};
  LayerRun r = backend == Backend::Golden ? run_golden(c, ops) : run_rtl(c, ops, trace, progress);
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.form = plan.form;
  r.summary = (lowered ? std::string("host ") + lowering_name(plan.form) + "; " : "") + c.summary();
  r.macs = l.macs();
  if (r.cycles) r.utilization = double(r.macs) / (double(r.cycles) * peak_macs_per_cycle(c));
  return r;
}

LayerRun run_layer(const LayerDesc& l, const ArrayConfig& cfg, const LayerOperands& in, Backend backend,
                   Lowering lowering, const TraceOptions& trace, const std::function<void(uint64_t)>& progress) {
  if (backend == Backend::Golden && !trace.fst.empty())
    throw UserError("--trace needs --backend rtl (the golden backend has no waveform)");
  return run_planned(l, plan_layer(l, cfg, lowering), in, backend, trace, progress);
}

}  // namespace bf::cli
