// Options shared by several `bitfusion` subcommands.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/precision.hpp"
#include "sim/commands.hpp"

namespace bf::cli {

// --config NAME|FILE and repeatable --set key=value.
struct ConfigOptions {
  std::string config = "bf16x32";
  std::vector<std::string> sets;

  ArrayConfig load() const {
    try {
      ArrayConfig c = load_config(config);
      for (const auto& s : sets) set_config_value(c, s);
      validate(c);
      return c;
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
  }
};

inline void add_config_options(CLI::App& app, ConfigOptions& o) {
  app.add_option("--config", o.config, "Configuration name (configs/) or .json file")->capture_default_str();
  app.add_option(
      "--set", o.sets, "Override a configuration key, key=value (repeatable): " + [] {
        std::string k;
        for (const auto& s : config_keys()) k += (k.empty() ? "" : ", ") + s;
        return k;
      }());
}

inline void check_bits(const std::string& flag, int bits) {
  if (!valid_bits(bits))
    throw UserError(flag + " " + std::to_string(bits) + " is not supported (use 1, 2, 4, 8 or 16)");
}

}  // namespace bf::cli
