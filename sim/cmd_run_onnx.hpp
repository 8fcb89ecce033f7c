// `bitfusion run --onnx M.onnx --input X.npy ...`: an imported quantized
// network on its own data (sim/onnx_runner.hpp does the running; this
// file checks the files, prints the per-op table and the accuracy, and
// writes the outputs).
#pragma once
#include <string>

#include "sim/jobs_cli.hpp"
#include "sim/options.hpp"

namespace bf::cli {

struct OnnxCliOptions {
  std::string onnx, input, labels, out, report, dump, backend;
  ConfigOptions config;
  int batch = 16;  // images per device run
  int first = 0;   // index of the first image to run
  int images = 0;  // 0: every image from `first` on
  bool quiet = false, no_check = false;
};

// Returns the exit status: 0, or 1 when a device layer differed from the
// reference; throws UserError (exit 2) for bad files or options.
int run_onnx_cli(const OnnxCliOptions& o);

// `run --onnx ... --jobs N | --slurm`: the images in slices of whole
// batches, one task of the job runner (sim/jobs.hpp) each, merged into the
// same table, totals, accuracy, --out and --report as one process (the
// device runs are the same batches). --dump is not supported here.
int run_onnx_parallel(const OnnxCliOptions& o, const JobCliOptions& jobs);

// The hidden task `_run-onnx-slice ... --json PATH`: runs its images and
// writes the outputs to PATH.npy, then the result to PATH.
int run_onnx_slice(const OnnxCliOptions& o, const std::string& json_path);

// Registers the "run-onnx" merger for `bitfusion collect`.
void register_onnx_merger();

}  // namespace bf::cli
