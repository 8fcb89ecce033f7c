// bitfusion: the command-line front end of the Bit Fusion RTL and models.
#include <algorithm>
#include <cstdio>
#include <exception>

#include "sim/commands.hpp"

namespace bf::cli {
std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
}  // namespace bf::cli

int main(int argc, char** argv) {
  CLI::App app{"bitfusion: simulate, check and model the Bit Fusion accelerator"};
  app.require_subcommand(1);
  auto& cmds = bf::cli::registry();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& c : cmds) c.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bitfusion: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
