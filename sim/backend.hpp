// Runs one compiled layer on a backend: the golden functional machine
// (bf::Machine) or the Verilated RTL (controller + array).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "golden/compiler.hpp"

namespace bf::cli {

enum class Backend { Golden, Rtl };
Backend parse_backend(const std::string& name);  // throws UserError
const char* backend_name(Backend b);
// "rtl" when this build has the Verilated device (BF_RTL_CTRL, the default),
// "golden" otherwise.
const char* default_backend_name();

struct TraceOptions {
  std::string fst;  // empty: no trace
  uint64_t from = 0, to = std::numeric_limits<uint64_t>::max();
};

struct LayerRun {
  std::vector<int64_t> y;            // NCHW output
  Lowering form = Lowering::Direct;  // how the host lowered the layer (golden/compiler.hpp)
  std::string summary;               // the compiler's tiling summary (with the lowering)
  uint64_t cycles = 0;               // rtl: device cycles start..done; golden: tile-engine steps
  uint64_t array_steps = 0;          // tile-engine steps (one pixel x N*L x M)
  uint64_t macs = 0;                 // useful multiply-accumulates
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  double utilization = 0;  // macs / (cycles * peak MACs per cycle)
  double wall_seconds = 0;
};

// Peak multiply-accumulates per cycle of the array at the layer's widths
// (16-bit operands count as their temporal passes).
double peak_macs_per_cycle(const CompiledLayer& c);

using bf::Lowering;  // golden/compiler.hpp: compile_lowered chooses the program and the host's lowering

// What the host writes into DRAM for one layer.
struct LayerOperands {
  const std::vector<int64_t>& x;                        // NCHW input (the layer's act range)
  const std::vector<int64_t>& w;                        // OIHW weights
  const std::vector<int64_t>& bias;                     // per output channel (used when the layer has a bias)
  const std::vector<RequantParams>* requant = nullptr;  // per output channel (channel_requant layers)
  int64_t pad_value = 0;                                // the value of the padding (the input's zero point)
};

// Compiles `l` for `cfg` (with the lowering) and runs it. Throws UserError
// when the layer cannot be compiled. `progress(cycles)` is called now and
// then on long RTL runs.
LayerRun run_layer(const LayerDesc& l, const ArrayConfig& cfg, const std::vector<int64_t>& x_nchw,
                   const std::vector<int64_t>& w_oihw, const std::vector<int64_t>& bias, Backend backend,
                   Lowering lowering = Lowering::Auto, const TraceOptions& trace = {},
                   const std::function<void(uint64_t)>& progress = {});
LayerRun run_layer(const LayerDesc& l, const ArrayConfig& cfg, const LayerOperands& in, Backend backend,
                   Lowering lowering = Lowering::Auto, const TraceOptions& trace = {},
                   const std::function<void(uint64_t)>& progress = {});

// The two halves of run_layer: the compiler's plan (throws UserError when
// the layer does not compile; no data needed, so commands call it before
// reading or allocating tensors) and the run of that plan.
LoweredLayer plan_layer(const LayerDesc& l, const ArrayConfig& cfg, Lowering lowering = Lowering::Auto);
LayerRun run_planned(const LayerDesc& l, const LoweredLayer& plan, const LayerOperands& in, Backend backend,
                     const TraceOptions& trace = {}, const std::function<void(uint64_t)>& progress = {});

// Writes a compiled layer's operands into its DRAM image.
void put_operands(const CompiledLayer& c, const LayerOperands& in, std::vector<uint32_t>& dram);

}  // namespace bf::cli
