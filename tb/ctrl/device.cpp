// The RTL device runner (device.hpp): one template over the Verilated
// bf_top models, dispatched by configuration name. Compiled once per set of
// models (BF_DEVICE_<name> defines which are linked in).
#include "tb/ctrl/device.hpp"

#include <stdexcept>

#include "tb/ctrl/device_impl.hpp"

#ifdef BF_DEVICE_bf2x2
#include "Vbf_top_bf2x2.h"
#endif
#ifdef BF_DEVICE_bf4x8
#include "Vbf_top_bf4x8.h"
#endif
#ifdef BF_DEVICE_bf8x8
#include "Vbf_top_bf8x8.h"
#endif
#ifdef BF_DEVICE_bf16x32
#include "Vbf_top_bf16x32.h"
#endif

namespace bf::tb {

std::vector<std::string> device_configs() {
  std::vector<std::string> v;
#ifdef BF_DEVICE_bf2x2
  v.push_back("bf2x2");
#endif
#ifdef BF_DEVICE_bf4x8
  v.push_back("bf4x8");
#endif
#ifdef BF_DEVICE_bf8x8
  v.push_back("bf8x8");
#endif
#ifdef BF_DEVICE_bf16x32
  v.push_back("bf16x32");
#endif
  return v;
}

bool device_available(const std::string& name) {
  for (const auto& n : device_configs())
    if (n == name) return true;
  return false;
}

std::string device_mismatch(const ArrayConfig& cfg) {
  if (!device_available(cfg.name)) {
    std::string avail;
    for (const auto& n : device_configs()) avail += (avail.empty() ? "" : ", ") + n;
    return "no RTL model for configuration '" + cfg.name + "' (the RTL is built for: " + avail + ")";
  }
  const ArrayConfig b = load_config(cfg.name);
  if (b.rows != cfg.rows || b.cols != cfg.cols || b.wbuf_kb != cfg.wbuf_kb || b.ibuf_kb != cfg.ibuf_kb ||
      b.obuf_kb != cfg.obuf_kb || b.dram_bits != cfg.dram_bits)
    return "the RTL of '" + cfg.name +
           "' is built with its configuration file's rows, cols, buffer sizes and dram_bits; "
           "--set may change only dram_latency and freq_mhz";
  return "";
}

DeviceResult run_device(const ArrayConfig& cfg, const std::vector<uint32_t>& program, std::vector<uint32_t>& dram,
                        const DeviceOptions& opt) {
  if (const std::string why = device_mismatch(cfg); !why.empty()) throw std::runtime_error("device: " + why);
#ifdef BF_DEVICE_bf2x2
  if (cfg.name == "bf2x2") return detail::run_model<Vbf_top_bf2x2>(cfg, program, dram, opt);
#endif
#ifdef BF_DEVICE_bf4x8
  if (cfg.name == "bf4x8") return detail::run_model<Vbf_top_bf4x8>(cfg, program, dram, opt);
#endif
#ifdef BF_DEVICE_bf8x8
  if (cfg.name == "bf8x8") return detail::run_model<Vbf_top_bf8x8>(cfg, program, dram, opt);
#endif
#ifdef BF_DEVICE_bf16x32
  if (cfg.name == "bf16x32") return detail::run_model<Vbf_top_bf16x32>(cfg, program, dram, opt);
#endif
  throw std::runtime_error("device: no RTL model for configuration '" + cfg.name + "'");  // unreachable
}

}  // namespace bf::tb
