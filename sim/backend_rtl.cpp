// The RTL backend: runs a compiled layer on the Verilated bf_top (controller
// + array, tb/ctrl/device.hpp) of the named configuration, against the DRAM
// model. Built with the device library when the build has it (BF_RTL_CTRL,
// on by default); otherwise --backend rtl is refused with a one-line error.
#include <sstream>

#include "golden/machine.hpp"
#include "sim/backend.hpp"
#include "sim/commands.hpp"

#ifdef BF_HAVE_DEVICE
#include "tb/ctrl/device.hpp"
#endif

namespace bf::cli {

#ifdef BF_HAVE_DEVICE

LayerRun run_rtl(const CompiledLayer& c, const LayerOperands& in, const TraceOptions& trace,
                 const std::function<void(uint64_t)>& progress) {
  if (const std::string why = tb::device_mismatch(c.cfg); !why.empty())
    throw UserError(why + " (or use --backend golden)");
  std::vector<uint32_t> dram(c.dram_words, 0);
  put_operands(c, in, dram);

  tb::DeviceOptions opt;
  opt.dram_latency = c.cfg.dram_latency;
  // Watchdog: generous against the compiler's estimate (array steps plus
  // every DRAM byte at one beat per cycle, times 4, plus latency slack).
  const uint64_t beats = (c.dram_words * 32 + c.cfg.dram_bits - 1) / c.cfg.dram_bits;
  opt.watchdog = 4 * (uint64_t(c.expect_array_cycles) + 4 * beats) + 1000000;
  opt.trace = trace.fst;
  opt.trace_from = trace.from;
  opt.trace_to = trace.to;
  if (progress) {
    opt.progress = progress;
    opt.progress_every = 1u << 16;
  }
  const tb::DeviceResult r = tb::run_device(c.cfg, c.program(), dram, opt);
  if (!r.ok()) {
    std::ostringstream m;
    if (r.watchdog)
      m << "RTL device still busy after " << r.cycles << " cycles (watchdog)";
    else
      m << "RTL device stopped with " << status_name(MachineStatus(r.status)) << " at instruction " << r.pc;
    if (!r.message.empty()) m << ": " << r.message;
    throw std::runtime_error(m.str());
  }
  LayerRun out;
  out.y = get_output(c, dram);
  out.cycles = r.cycles;
  out.array_steps = r.array_steps;
  out.dram_read_bytes = r.read_bytes;
  out.dram_write_bytes = r.write_bytes;  // bus bytes, as read_bytes (fetch included)
  return out;
}

#else

LayerRun run_rtl(const CompiledLayer&, const LayerOperands&, const TraceOptions&,
                 const std::function<void(uint64_t)>&) {
  throw UserError(
      "the rtl backend is not available in this build (configured with -DBF_RTL_CTRL=OFF); "
      "use --backend golden");
}

#endif

}  // namespace bf::cli
