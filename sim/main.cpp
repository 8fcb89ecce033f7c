// bitfusion: the command-line front end of the Bit Fusion RTL and models.
//
// The error contract: bad input ends with one line "bitfusion: error: ..."
// on stderr and exit status 2, whoever finds it (a command, a parser in
// golden/ or model/, or CLI11 itself: unknown flag, bad number, missing
// subcommand or option). --help and --version exit 0. A command's own
// failure verdict (a mismatch against golden) exits 1.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>

#include "golden/text.hpp"
#include "sim/commands.hpp"

namespace bf::cli {
std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
}  // namespace bf::cli

namespace {

int error_exit(const std::string& message) {
  // One line whatever the message holds (control characters escaped);
  // long enough for any path, short enough for a terminal.
  std::fprintf(stderr, "bitfusion: error: %s\n", bf::printable(message, 2000).c_str());
  return 2;
}

// The subcommand being parsed when CLI11 stopped, for the --help hint.
std::string help_hint(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return " (see 'bitfusion " + sub->get_name() + " --help')";
  return " (see 'bitfusion --help')";
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) makes writes fail with EFBIG, which the
  // output code reports and cleans up, instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"bitfusion: simulate, check and model the Bit Fusion accelerator"};
  app.require_subcommand(1);
  auto& cmds = bf::cli::registry();
  std::sort(cmds.begin(), cmds.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (auto& c : cmds) c.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's verdict (1: mismatch against golden)
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --help-all, --version
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      std::string known;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
        known += (known.empty() ? "" : ", ") + sub->get_name();
      return error_exit("unknown command " + bf::in_quotes(argv[1]) + " (commands: " + known + ")");
    }
    return error_exit(e.what() + help_hint(app));
  } catch (const std::exception& e) {
    return error_exit(e.what());
  }
  // Output lost on stdout (a full disk, a closed pipe) is an error too.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return error_exit("cannot write the standard output");
  return 0;
}
