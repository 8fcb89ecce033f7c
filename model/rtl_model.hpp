// `rtl` mode: what this project's compiler and RTL actually do.
//
// A conv or fc layer is compiled with bf::compile_lowered (golden/compiler)
// for the named configuration, as the CLI's backends do, and the timing
// model of golden/timing.hpp predicts its run on bf_top (event-level, the
// controller's units and the shared memory port; docs/perf-model.md, "rtl
// mode", lists what is approximated and the measured error against the
// RTL). This file adds the network level and the paper-mode LayerStats
// form (printing, energy).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/timing.hpp"
#include "model/design.hpp"
#include "model/network.hpp"
#include "model/paper_model.hpp"

namespace bf::model {

// The timing model's figures (golden/timing.hpp) with the conversion to
// paper-mode LayerStats (printing, energy).
struct RtlLayerStats : TimingStats {
  // As paper-mode LayerStats: compute_cycles = array steps, stall_cycles =
  // cycles - array steps, buffer and DRAM traffic in bits by namespace.
  LayerStats as_layer_stats() const;
};

// Options of the timing model (the defaults are the RTL's).
using RtlModelOptions = TimingOptions;

// Predicts the RTL's run of an already compiled layer (the program
// CompiledLayer::program() as tb/ctrl's run_device runs it).
RtlLayerStats rtl_layer_stats(const CompiledLayer& c, const RtlModelOptions& opt = {});

// How a network layer is handed to the device, as `bitfusion run` does it
// (sim/cmd_run.cpp): activations from the previous compute layer's output
// width, output requantized to the next compute layer's activation width
// (raw int32 after the last), ReLU from the file, no bias; a convolution
// with few input channels runs as a host im2col 1x1 layer when that takes
// fewer predicted cycles (golden/compiler.hpp compile_lowered, as the CLI).
struct RtlLayerPlan {
  LayerDesc desc;                    // as described by the network
  Lowering form = Lowering::Direct;  // how the host lowers it (compile_lowered)
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
RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, int batch, const RtlModelOptions& opt = {});
// The same with the device layers given: descs[k] is how the k-th conv /
// fc layer of `net` runs (an imported network's layers, with their own
// output stages; frontend/device_map.hpp).
RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, const std::vector<LayerDesc>& descs,
                         const RtlModelOptions& opt = {});

}  // namespace bf::model
