// Named accelerator configurations: the one source of truth.
//
// Every configuration lives in configs/<name>.json. The RTL build reads the
// same files (cmake/BfConfig.cmake turns them into Verilator -G parameters),
// and so do the harness, the compiler, the performance model and the CLI.
#pragma once
#include <string>
#include <vector>

namespace bf {

// The values come only from configs/*.json (load_config); every key is
// required there, so nothing here repeats a configuration's numbers.
struct ArrayConfig {
  std::string name;
  std::string description;
  int rows = 0;          // N: Fusion Unit rows (reduction dimension)
  int cols = 0;          // M: Fusion Unit columns (one output channel each)
  int wbuf_kb = 0;       // weight buffer, N*M banks in all
  int ibuf_kb = 0;       // input buffer, N banks
  int obuf_kb = 0;       // output buffer, M banks of 32-bit words
  int dram_bits = 0;     // memory port width, bits per cycle
  int dram_latency = 0;  // cycles from request to first response beat
  int rsp_depth = 0;     // load response FIFO depth in beats (bf_top RspDepth)
  int freq_mhz = 0;      // clock used to turn cycles into time

  int fus() const { return rows * cols; }
};

// Keys that `set` accepts, in documentation order.
const std::vector<std::string>& config_keys();

// Loads `name_or_file`: a path to a .json file, or the name of a file in
// the configuration directory (configs/ in the source tree, or $BF_CONFIG_DIR).
// Throws std::runtime_error with a one-line message on any problem.
ArrayConfig load_config(const std::string& name_or_file);

// Parses the text of a configuration file (`origin` names it in messages):
// strict JSON (golden/json_strict.hpp), every key known and present once,
// every value of its type and in its range. Throws std::runtime_error.
ArrayConfig parse_config(const std::string& text, const std::string& origin);

// Applies "key=value"; throws std::runtime_error naming unknown keys or
// out-of-range values.
void set_config_value(ArrayConfig& cfg, const std::string& assignment);

// Checks every field's range; throws std::runtime_error naming the field.
void validate(const ArrayConfig& cfg);

// Names of the configurations shipped in the configuration directory.
std::vector<std::string> list_configs();
std::string config_dir();

}  // namespace bf
