// Subcommand registry of the `bitfusion` program.
//
// Each sim/cmd_*.cpp file registers its subcommands with a static
// CommandRegistrar; main.cpp builds the CLI11 app from the registry. Adding
// a command never touches main.cpp.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace bf::cli {

struct Command {
  int order;                             // position in --help
  std::function<void(CLI::App&)> setup;  // adds the subcommand to the app
};

std::vector<Command>& registry();

struct CommandRegistrar {
  CommandRegistrar(int order, std::function<void(CLI::App&)> setup) { registry().push_back({order, std::move(setup)}); }
};

// Thrown by commands for a one-line user error (exit code 2).
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bf::cli
