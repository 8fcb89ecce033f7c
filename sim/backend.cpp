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

LayerRun run_golden(const CompiledLayer& c, const std::vector<int64_t>& x,
                    const std::vector<int64_t>& w, const std::vector<int64_t>& bias) {
  Machine m(c.cfg, c.dram_words);
  put_input(c, x, m.dram());
  put_weights(c, w, m.dram());
  if (c.layer.bias) put_bias(c, bias, m.dram());
  const MachineResult r = m.run(c.program());
  if (!r.ok())
    throw std::runtime_error(std::string("golden machine stopped with ") + status_name(r.status) +
                             ": " + r.message);
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
LayerRun run_rtl(const CompiledLayer& c, const std::vector<int64_t>& x,
                 const std::vector<int64_t>& w, const std::vector<int64_t>& bias,
                 const TraceOptions& trace, const std::function<void(uint64_t)>& progress);

std::vector<int64_t> im2col_nchw(const LayerDesc& l, const std::vector<int64_t>& x) {
  const int oh = l.out_h(), ow = l.out_w(), kk = l.kernel_h * l.kernel_w;
  std::vector<int64_t> out(size_t(l.batch) * l.in_c * kk * oh * ow, 0);
  size_t idx = 0;
  for (int b = 0; b < l.batch; ++b)
    for (int ic = 0; ic < l.in_c; ++ic)
      for (int ky = 0; ky < l.kernel_h; ++ky)
        for (int kx = 0; kx < l.kernel_w; ++kx)
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox, ++idx) {
              const int iy = oy * l.stride + ky - l.pad, ix = ox * l.stride + kx - l.pad;
              if (iy >= 0 && iy < l.in_h && ix >= 0 && ix < l.in_w)
                out[idx] = x[((size_t(b) * l.in_c + ic) * l.in_h + iy) * l.in_w + ix];
            }
  return out;
}

LoweredLayer plan_layer(const LayerDesc& l, const ArrayConfig& cfg, Lowering lowering) {
  try {
    return compile_lowered(l, cfg, lowering);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

LayerRun run_planned(const LayerDesc& l, const LoweredLayer& plan, const std::vector<int64_t>& x,
                     const std::vector<int64_t>& w, const std::vector<int64_t>& bias, Backend backend,
                     const TraceOptions& trace, const std::function<void(uint64_t)>& progress) {
  if (backend == Backend::Golden && !trace.fst.empty())
    throw UserError("--trace needs --backend rtl (the golden backend has no waveform)");
  const bool use_im2col = plan.im2col;
  const CompiledLayer& c = plan.compiled;

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<int64_t> xin = use_im2col ? im2col_nchw(l, x) : std::vector<int64_t>();
  const std::vector<int64_t>& xr = use_im2col ? xin : x;
  LayerRun r = backend == Backend::Golden ? run_golden(c, xr, w, bias)
                                          : run_rtl(c, xr, w, bias, trace, progress);
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.im2col = use_im2col;
  r.summary = (use_im2col ? "host im2col; " : "") + c.summary();
  r.macs = l.macs();
  if (r.cycles) r.utilization = double(r.macs) / (double(r.cycles) * peak_macs_per_cycle(c));
  return r;
}

LayerRun run_layer(const LayerDesc& l, const ArrayConfig& cfg, const std::vector<int64_t>& x,
                   const std::vector<int64_t>& w, const std::vector<int64_t>& bias, Backend backend,
                   Lowering lowering, const TraceOptions& trace,
                   const std::function<void(uint64_t)>& progress) {
  if (backend == Backend::Golden && !trace.fst.empty())
    throw UserError("--trace needs --backend rtl (the golden backend has no waveform)");
  return run_planned(l, plan_layer(l, cfg, lowering), x, w, bias, backend, trace, progress);
}

}  // namespace bf::cli
