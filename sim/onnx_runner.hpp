// Runs an imported quantized network (frontend/qnet.hpp) image batch by
// image batch: the host ops in integers (fe::run_op), every conv / fc op
// on a device backend (the Verilated RTL or the golden machine) through
// the compiler (frontend/device_map.hpp), each device output checked
// against the integer reference of that op (fe::device_op_ref). What
// `bitfusion run --onnx` prints is built from the result.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "frontend/qnet.hpp"
#include "golden/config.hpp"
#include "sim/backend.hpp"

namespace bf::cli {

struct OnnxRunOptions {
  Backend backend = Backend::Golden;
  ArrayConfig cfg;
  int batch = 16;             // images per device run (the compiler's batch)
  bool check = true;          // compare every device output with fe::device_op_ref
  bool keep_tensors = false;  // keep every integer tensor of every image (OnnxRunResult::tensors)
  Lowering lowering = Lowering::Auto;
  // Called after every batch with the images done so far.
  std::function<void(int done, int total)> on_batch;
  // Called now and then inside a long RTL layer (simulated cycles).
  std::function<void(const std::string& op, uint64_t cycles)> on_cycles;
};

// One op of the network, summed over every batch.
struct OnnxOpStats {
  int op = -1;                       // index in QNet::ops
  bool device = false;               // conv / fc on the device; otherwise the host ran it
  Lowering form = Lowering::Direct;  // how the host lowered it (first batch)
  bool host_pad = false;             // the host padded its input (uneven padding)
  int runs = 0;                      // device runs (batches)
  int mismatched_runs = 0;           // runs whose output differs from fe::device_op_ref
  uint64_t mismatched_values = 0;
  uint64_t cycles = 0;  // rtl: device cycles; golden: tile-engine steps
  uint64_t macs = 0;
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  double energy_pj = 0;     // the rtl-mode model's energy of the same programs
  double ideal_cycles = 0;  // macs / peak MACs per cycle at the layer's widths
  double wall_seconds = 0;
  std::string tiling;  // the compiler's summary (first batch)
  double utilization() const { return cycles ? ideal_cycles / double(cycles) : 0.0; }
};

struct OnnxRunResult {
  int images = 0;
  std::vector<float> output;          // the network output, images x per-image values
  std::vector<int64_t> output_shape;  // with the batch
  std::vector<OnnxOpStats> ops;       // one per QNet::ops entry
  // keep_tensors: per tensor id, every image's integers (float tensors empty).
  std::vector<std::vector<int64_t>> tensors;
  uint64_t cycles = 0, macs = 0, dram_read_bytes = 0, dram_write_bytes = 0;
  double energy_pj = 0, wall_seconds = 0;
  int mismatched_runs = 0;
  bool bit_exact() const { return mismatched_runs == 0; }
};

// `x` holds `images` float inputs of the network's input tensor (NCHW).
// Throws UserError when a layer cannot be mapped or compiled for the
// configuration, std::runtime_error when a backend fails.
OnnxRunResult run_onnx(const fe::QNet& net, const std::vector<float>& x, int images, const OnnxRunOptions& opt);

// The top-1 class of image i of an (N, classes...) output.
std::vector<int64_t> top1(const OnnxRunResult& r);

}  // namespace bf::cli
