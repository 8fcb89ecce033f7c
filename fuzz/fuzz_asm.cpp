// Fuzz target: the assembler (golden/isa.cpp, assemble).
//
// Whatever it accepts must be legal words that disassemble and assemble
// back to the same words; whatever it rejects gets a one-line AsmError.
#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "golden/isa.hpp"

namespace bf::fuzz {

void assembler(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<uint32_t> words;
  try {
    words = isa::assemble(text);
  } catch (const isa::AsmError& e) {
    check_message(e.what());
    require(e.line >= 1, "AsmError without a line number");
    return;
  } catch (const std::runtime_error& e) {
    throw ContractViolation(std::string("assemble threw a runtime_error that is not an AsmError: ") + e.what());
  }
  for (const uint32_t w : words) require(isa::check(isa::Instr::decode(w)).empty(), "assembled an illegal word");
  std::string listing;
  try {
    listing = isa::disassemble(words);
  } catch (const std::exception& e) {
    throw ContractViolation(std::string("cannot disassemble what was assembled: ") + e.what());
  }
  try {
    require(isa::assemble(listing) == words, "assemble(disassemble(words)) != words");
  } catch (const isa::AsmError& e) {
    throw ContractViolation(std::string("cannot assemble the disassembly: ") + e.what());
  }
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::assembler)
