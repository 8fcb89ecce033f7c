// `bitfusion asm` and `bitfusion disasm`: text <-> binary Bit Fusion
// programs (docs/isa.md). Binary files are raw little-endian 32-bit words.
// Outputs are written atomically (golden/file_io.hpp).
#include <cstdio>

#include "golden/file_io.hpp"
#include "golden/isa.hpp"
#include "sim/commands.hpp"

namespace {

struct AsmOptions {
  std::string in, out;
};

// Assembly sources larger than this are refused (a program is 4 bytes an
// instruction; compiled layers are a few hundred instructions).
constexpr size_t kMaxSourceBytes = size_t(64) << 20;

void do_asm(const AsmOptions& o) {
  try {
    bf::check_output_path(o.out, "output");
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  std::vector<uint32_t> words;
  try {
    words = bf::isa::assemble(bf::read_file(o.in, kMaxSourceBytes));
  } catch (const bf::isa::AsmError& e) {
    throw bf::cli::UserError(o.in + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  if (words.empty()) throw bf::cli::UserError(o.in + ": no instructions (only blank lines and comments)");
  try {
    bf::isa::write_program(o.out, words);
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  std::printf("%s: %zu instructions -> %s\n", o.in.c_str(), words.size(), o.out.c_str());
}

void do_disasm(const AsmOptions& o) {
  const bool to_stdout = o.out.empty() || o.out == "-";
  std::vector<uint32_t> words;
  try {
    if (!to_stdout) bf::check_output_path(o.out, "output");
    words = bf::isa::read_program(o.in);  // its messages name the file
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  std::string text;
  try {
    text = bf::isa::disassemble(words);
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(o.in + ": " + e.what());
  }
  if (to_stdout) {
    std::fputs(text.c_str(), stdout);
    return;
  }
  try {
    bf::write_file(o.out, text);
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
}

const bf::cli::CommandRegistrar reg(40, [](CLI::App& app) {
  auto a = std::make_shared<AsmOptions>();
  auto* as = app.add_subcommand("asm", "Assemble a Bit Fusion program (text -> little-endian 32-bit words)");
  as->add_option("input", a->in, "Assembly file (one instruction per line, '#' comments)")->required();
  as->add_option("-o,--output", a->out, "Binary program file")->required();
  as->callback([a] { do_asm(*a); });

  auto d = std::make_shared<AsmOptions>();
  auto* ds = app.add_subcommand("disasm", "Disassemble a binary Bit Fusion program");
  ds->add_option("input", d->in, "Binary program file")->required();
  ds->add_option("-o,--output", d->out, "Text output (default: stdout)");
  ds->callback([d] { do_disasm(*d); });
});

}  // namespace
