// Fuzz target: configuration files and --set assignments
// (golden/config.cpp: parse_config, set_config_value, validate).
//
// The whole input is parsed as a configuration file; then each of its
// lines is applied as a --set assignment to a valid configuration. An
// accepted file or assignment must leave a configuration that validates
// and whose fields are in their documented ranges.
#include <algorithm>
#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "golden/config.hpp"

namespace bf::fuzz {

namespace {
ArrayConfig base() {
  ArrayConfig c;
  c.name = "fuzz";
  c.rows = 2, c.cols = 2, c.wbuf_kb = 1, c.ibuf_kb = 1, c.obuf_kb = 1;
  c.dram_bits = 64, c.dram_latency = 4, c.rsp_depth = 64, c.freq_mhz = 500;
  return c;
}

void check_ranges(const ArrayConfig& c) {
  require(c.rows >= 1 && c.rows <= 64 && c.cols >= 1 && c.cols <= 512, "rows/cols outside their range");
  require(c.dram_bits >= 32 && c.dram_bits <= 8192 && c.freq_mhz >= 1, "dram_bits/freq_mhz outside their range");
}
}  // namespace

void config(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ArrayConfig c = parse_config(text, "fuzz.json");
    check_ranges(c);
    try {
      validate(c);
    } catch (const std::runtime_error& e) {
      throw ContractViolation(std::string("parse_config accepted an invalid configuration: ") + e.what());
    }
  } catch (const std::runtime_error& e) {
    check_message(e.what());
  }
  size_t start = 0;
  int lines = 0;
  while (start <= text.size() && lines++ < 64) {
    const size_t end = std::min(text.find('\n', start), text.size());
    ArrayConfig c = base();
    try {
      set_config_value(c, text.substr(start, end - start));
      check_ranges(c);
    } catch (const std::runtime_error& e) {
      check_message(e.what());
    }
    start = end + 1;
  }
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::config)
