// `bitfusion asm` and `bitfusion disasm`: text <-> binary Bit Fusion
// programs (docs/isa.md). Binary files are raw little-endian 32-bit words.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "golden/isa.hpp"
#include "sim/commands.hpp"

namespace {

struct AsmOptions {
  std::string in, out;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw bf::cli::UserError("cannot read '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void do_asm(const AsmOptions& o) {
  std::vector<uint32_t> words;
  try {
    words = bf::isa::assemble(read_text(o.in));
  } catch (const bf::isa::AsmError& e) {
    throw bf::cli::UserError(o.in + ": " + e.what());
  }
  try {
    bf::isa::write_program(o.out, words);
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  std::printf("%s: %zu instructions -> %s\n", o.in.c_str(), words.size(), o.out.c_str());
}

void do_disasm(const AsmOptions& o) {
  std::string text;
  try {
    text = bf::isa::disassemble(bf::isa::read_program(o.in));
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(o.in + ": " + e.what());
  }
  if (o.out.empty() || o.out == "-") {
    std::fputs(text.c_str(), stdout);
    return;
  }
  std::ofstream out(o.out);
  out << text;
  if (!out) throw bf::cli::UserError("cannot write '" + o.out + "'");
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
