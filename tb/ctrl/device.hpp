// The RTL device runner: runs a Bit Fusion program on the Verilated bf_top
// (controller + array) of a named configuration, against the DRAM model.
//
//   bf::tb::DeviceOptions opt;            // watchdog, trace, progress
//   std::vector<uint32_t> dram(c.dram_words);
//   bf::put_input(c, in, dram); bf::put_weights(c, w, dram); ...
//   bf::tb::DeviceResult r = bf::tb::run_device(cfg, c.program(), dram, opt);
//   if (!r.ok()) ... r.message ...;        // status, watchdog
//   auto out = bf::get_output(c, dram);     // dram holds the final memory
//
// Memory map: the data image (`dram`, word 0 up) followed by the program at
// the next beat boundary. The device may load and store only inside the
// data image (mem_words = dram.size(), as bf::Machine(cfg, dram.size())),
// and fetches only the program (prog_words = program.size()).
//
// Link bf_device_small (bf2x2, bf4x8, bf8x8) or bf_device (also bf16x32).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "golden/config.hpp"

namespace bf::tb {

struct DeviceOptions {
  // Cycle watchdog: the run stops with watchdog = true if the device is
  // still busy after this many cycles. 0 = 100 million.
  uint64_t watchdog = 0;
  int dram_latency = -1;  // cycles; -1 = the configuration's dram_latency
  // FST trace of cycles [trace_from, trace_to]; "" = none. A GTKWave save
  // file with the useful signals grouped is written next to it (.gtkw).
  std::string trace;
  uint64_t trace_from = 0, trace_to = std::numeric_limits<uint64_t>::max();
  // Called every progress_every cycles with the cycle number (long runs).
  std::function<void(uint64_t cycle)> progress;
  uint64_t progress_every = uint64_t{1} << 20;
};

struct DeviceResult {
  int status = 0;            // device status: 0 done, else bf::MachineStatus code (docs/isa.md)
  uint64_t pc = 0;           // instruction index of the failure (or of the last block-end)
  bool watchdog = false;     // stopped by the watchdog (status is then meaningless)
  std::string message;       // one line when !ok()
  uint64_t cycles = 0;       // device cycles from start to done
  uint64_t tile_cmds = 0;    // tile commands issued
  uint64_t array_steps = 0;  // array steps (bf::MachineStats::array_cycles)
  // Memory port: beats and bytes on the bus (fetch included), and the
  // payload bytes written (strobed words), and the instruction fetch beats.
  uint64_t read_beats = 0, write_beats = 0, fetch_beats = 0;
  uint64_t read_bytes = 0, write_bytes = 0, write_payload_bytes = 0;
  double sim_seconds = 0;  // host time of the simulation loop
  bool ok() const { return status == 0 && !watchdog; }
};

// Whether this build holds a Verilated bf_top for the configuration.
bool device_available(const std::string& config_name);
std::vector<std::string> device_configs();
// Why `cfg` cannot run on this build's RTL ("" when it can): no model for
// its name, or sizes other than those the model was built with (only
// dram_latency and freq_mhz may differ from the configuration file).
std::string device_mismatch(const ArrayConfig& cfg);

// Runs `program` with `dram` as the data image; `dram` holds the final
// memory afterwards. Throws std::runtime_error with device_mismatch(cfg)
// if the configuration cannot run on this build's RTL.
DeviceResult run_device(const ArrayConfig& cfg, const std::vector<uint32_t>& program, std::vector<uint32_t>& dram,
                        const DeviceOptions& opt = {});

}  // namespace bf::tb
