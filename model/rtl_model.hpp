// `rtl` mode: what this project's compiler and RTL actually do.
//
// A conv or fc layer is compiled with bf::compile (golden/compiler) for the
// named configuration, and the model walks the resulting instruction block
// step by step, the way bf_top runs it (docs/controller.md): instruction
// fetch through the memory port, the sequencer's per-step states, one load
// at a time in the load unit (requests, DRAM latency, response FIFO
// credits, gearbox), the IBUF/WBUF half hazards on tile-command counts, the
// tile commands streaming into the array (S steps each, done S + N + M + 4
// cycles after acceptance), the store unit waiting for its commands and
// then writing back through the OBUF drain port, and the memory port shared
// by loads and stores. It is event-level: each load, tile command and store
// is one event with a closed-form duration; nothing is simulated per cycle
// and the array is never simulated. docs/perf-model.md ("rtl mode") lists
// what is approximated and the measured error against the RTL.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "model/design.hpp"
#include "model/network.hpp"
#include "model/paper_model.hpp"

namespace bf::model {

struct RtlLayerStats {
  uint64_t cycles = 0;          // predicted device cycles, start to done
  uint64_t fetch_cycles = 0;    // instruction fetch and decode before the block runs
  uint64_t array_steps = 0;     // tile-engine steps (= CompiledLayer::expect_array_cycles)
  uint64_t tile_cmds = 0, steps = 0;  // tile commands; controller steps (tile-loop iterations)
  uint64_t loads = 0, stores = 0;
  uint64_t read_beats = 0, write_beats = 0, fetch_beats = 0;  // memory-port beats (read_beats excludes fetch)
  uint64_t read_bytes = 0, write_bytes = 0;  // payload bytes (words moved x 4)
  // Buffer bank accesses in bits (32-bit bank words; see docs/perf-model.md).
  uint64_t ibuf_rd = 0, ibuf_wr = 0, wbuf_rd = 0, wbuf_wr = 0, obuf_rd = 0, obuf_wr = 0;
  uint64_t dram_rd_bits = 0, dram_wr_bits = 0;  // beats on the port x beat width (fetch included)
  // As paper-mode LayerStats: compute_cycles = array steps, stall_cycles =
  // cycles - array steps, buffer and DRAM traffic in bits by namespace.
  LayerStats as_layer_stats() const;
};

// Options of the timing model (the defaults are the RTL's).
struct RtlModelOptions {
  int dram_latency = -1;   // -1: the configuration's dram_latency
  int rsp_depth = -1;      // -1: the configuration's rsp_depth (bf_top RspDepth, beats)

};

// Predicts the RTL's run of an already compiled layer (the program
// CompiledLayer::program() as tb/ctrl's run_device runs it).
RtlLayerStats rtl_layer_stats(const CompiledLayer& c, const RtlModelOptions& opt = {});

// How a network layer is handed to the device, as `bitfusion run` does it
// (sim/cmd_run.cpp): activations from the previous compute layer's output
// width, output requantized to the next compute layer's activation width
// (raw int32 after the last), ReLU from the file, no bias; a convolution
// with few input channels runs as a host im2col 1x1 layer when that takes
// fewer array steps (golden/compiler.hpp compile_lowered, as the CLI).
struct RtlLayerPlan {
  LayerDesc desc;      // as described by the network
  bool im2col = false; // lowered to a 1x1 convolution on the host
  CompiledLayer compiled;
};
// Throws std::runtime_error (one line naming the layer) when the compiler
// cannot map the layer.
LayerDesc rtl_layer_desc(const Network& net, size_t layer_index, int batch);
RtlLayerPlan rtl_plan(const LayerDesc& desc, const ArrayConfig& cfg);
RtlLayerPlan rtl_plan(const Network& net, size_t layer_index, int batch, const ArrayConfig& cfg);

struct RtlLayerResult {
  const Layer* layer = nullptr;
  RtlLayerPlan plan;
  RtlLayerStats rtl;
  LayerStats stats;         // the same figures in paper-mode form (printing, energy)
  int64_t macs = 0;         // for the whole batch
  double ideal_cycles = 0;  // macs / peak MACs per cycle
};

struct RtlNetworkResult {
  std::string network;
  int batch = 0;
  std::vector<RtlLayerResult> layers;
  LayerStats total;
  RtlLayerStats rtl_total;
  int64_t macs = 0;
  double ideal_cycles = 0;
};

// Every conv and fc layer of `net` at `batch` on configuration `cfg`
// (identical layers are compiled and modelled once).
RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, int batch,
                         const RtlModelOptions& opt = {});
// The same with the device layers given: descs[k] is how the k-th conv /
// fc layer of `net` runs (an imported network's layers, with their own
// output stages; frontend/device_map.hpp).
RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, const std::vector<LayerDesc>& descs,
                         const RtlModelOptions& opt = {});

}  // namespace bf::model
