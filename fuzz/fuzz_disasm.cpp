// Fuzz target: program words (golden/isa.cpp: decode_program, check,
// disassemble).
//
// Bytes are decoded as a program file; a legal program must disassemble to
// text that assembles back to the same words; an illegal one gets a
// one-line message naming the word.
#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "golden/isa.hpp"

namespace bf::fuzz {

void disassembler(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<uint32_t> words;
  try {
    words = isa::decode_program(bytes, "fuzz.bin");
  } catch (const std::runtime_error& e) {
    check_message(e.what());
    require(size % 4 != 0, "decode_program rejected a whole number of words");
    return;
  }
  require(isa::encode_program(words) == bytes, "encode_program(decode_program(b)) != b");
  bool legal = true;
  for (const uint32_t w : words) {
    const isa::Instr i = isa::Instr::decode(w);
    require(i.encode() == w, "decode/encode of one word differs");
    const bool ok = isa::check(i).empty();
    require(ok == (isa::check_class(i) == 0), "check and check_class disagree");
    legal = legal && ok;
  }
  std::string text;
  try {
    text = isa::disassemble(words);
  } catch (const std::runtime_error& e) {
    check_message(e.what());
    require(!legal, "a legal program was rejected: " + std::string(e.what()));
    return;
  }
  require(legal, "an illegal program was disassembled");
  try {
    require(isa::assemble(text) == words, "assemble(disassemble(words)) != words");
  } catch (const isa::AsmError& e) {
    throw ContractViolation(std::string("the disassembly does not assemble: ") + e.what());
  }
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::disassembler)
