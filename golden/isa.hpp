// The Bit Fusion instruction set: encoding, validation, assembler and
// disassembler. docs/isa.md is the specification; this file follows it.
//
// Every instruction is one 32-bit word (DnnWeaver2 shape):
//   [31:28] opcode  [27:21] op_spec (7 bits)  [20:16] loop id (5 bits)  [15:0] imm
// A program is a sequence of blocks, one block per layer:
//   setup, configuration (loop, gen-addr-lo/hi, rd-buf, wr-buf), body
//   (ld-mem, compute, st-mem), block-end.
// Program files are raw little-endian 32-bit words, no header.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::isa {

enum class Op : uint8_t {
  Setup = 0,
  LdMem = 1,
  StMem = 2,
  RdBuf = 3,
  WrBuf = 4,
  GenAddrHi = 5,
  GenAddrLo = 6,
  Loop = 7,
  BlockEnd = 8,
  Compute = 9,
  Requant = 10,
};
constexpr int kNumOps = 11;  // opcodes 11..15 are illegal

// Targets of `requant` (the loop-id field).
enum RequantTarget : uint8_t { kRqMult = 0, kRqShift = 1, kRqZero = 2, kRqLo = 3, kRqHi = 4 };
constexpr int kRqMaxShift = 47;
// A per-channel parameter word (loaded by the bias stream after the bias
// rows): [15:0] multiplier, [21:16] shift, [22] round half up.
inline uint32_t requant_param_word(uint32_t mult, int shift, bool round) {
  return (mult & 0xffffu) | (uint32_t(shift & 63) << 16) | (uint32_t(round) << 22);
}

// Stream / buffer ids (op_spec[1:0] of ld-mem, st-mem, gen-addr, rd-buf, wr-buf).
enum Stream : uint8_t { kIbuf = 0, kObuf = 1, kWbuf = 2, kBias = 3 };

// Loop id space (the 5-bit field).
constexpr int kTileLoops = 8;  // 0..7: controller tile loops, 0 outermost
constexpr int kEngLoop0 = 8;   // 8..13: tile-engine levels 0..5, 0 outermost
constexpr int kEngLoops = 6;
constexpr int kIdGroup = 14;  // output-channel groups of a compute step
constexpr int kIdPlane = 15;  // 16-bit plane stride
constexpr int kDim0 = 16;     // 16..19: memory-stream dims 0..3 (0 innermost)
constexpr int kDims = 4;
constexpr int kIdBase = 31;  // base address / "whole block" level

// Precision codes (setup): log2(bits) - 1.
inline int prec_code_of(int bits) { return bits <= 2 ? 0 : bits == 4 ? 1 : bits == 8 ? 2 : 3; }
inline int bits_of_code(int code) { return 2 << code; }

struct Instr {
  Op op = Op::Setup;
  uint8_t spec = 0;  // 7 bits
  uint8_t loop = 0;  // 5 bits
  uint16_t imm = 0;  // 16 bits

  uint32_t encode() const {
    return (uint32_t(op) << 28) | (uint32_t(spec & 0x7f) << 21) | (uint32_t(loop & 0x1f) << 16) | imm;
  }
  static Instr decode(uint32_t w) {
    Instr i;
    i.op = static_cast<Op>(w >> 28);
    i.spec = (w >> 21) & 0x7f;
    i.loop = (w >> 16) & 0x1f;
    i.imm = w & 0xffff;
    return i;
  }
  bool operator==(const Instr& o) const { return encode() == o.encode(); }
};

// Setup fields, decoded.
struct SetupFields {
  int act_bits = 8, wgt_bits = 8;  // 2, 4, 8, 16
  bool act_signed = true, wgt_signed = true;
  bool requant = false;  // false: raw int32 output (acc + bias)
  int out_bits = 8;      // 2, 4, 8, 16 (requant only)
  bool relu = false;     // requant only; out is unsigned when relu, signed otherwise
  bool bias = false;
  int shift = 0;  // 0..31, requant only
  // Whole-buffer streams: the IBUF / WBUF is not split into two halves
  // that loads and tile commands alternate between; every load and command
  // of the stream uses the whole buffer (a load waits for every command
  // that reads it). For a stream the block loads once (docs/isa.md).
  bool ibuf_whole = false, wbuf_whole = false;
  // Whole OBUF: every output tile (and its bias rows) uses the whole OBUF;
  // an output tile's bias load and tile commands wait until the previous
  // output tile's store has finished reading it (docs/isa.md).
  bool obuf_whole = false;
};
Instr make_setup(const SetupFields& s);
SetupFields setup_fields(const Instr& i);

// Constructors for the other instructions (fields as in docs/isa.md).
Instr make_ld(int stream, int level, uint32_t run_words);
Instr make_st(int level, uint32_t run_words);
Instr make_loop(int id, uint32_t count, int stream = 0);
Instr make_loop_edge(int id, uint32_t count, int edge_loop, int stream = 0);
Instr make_gen_lo(int stream, int target, uint16_t v);
Instr make_gen_hi(int stream, int target, uint16_t v);
Instr make_rd_buf(int buf, int target, uint16_t v);
Instr make_wr_buf(int stream, int target, uint16_t v);
Instr make_compute(int n_red);
Instr make_block_end(bool last);
// requant: mult (1..65535; channel = per-channel parameter rows instead),
// shift (0..47, round half up), zero point / clamp lo / clamp hi
// (-65536..65535).
Instr make_requant_mult(uint32_t mult);
Instr make_requant_channel();
Instr make_requant_shift(int shift, bool round);
Instr make_requant_value(int target, int32_t v);  // kRqZero, kRqLo, kRqHi
// The 17-bit signed value of a zp / lo / hi requant instruction.
inline int32_t requant_value(const Instr& i) {
  const int32_t v = int32_t(i.imm) | (int32_t(i.spec & 1) << 16);
  return (v & 0x10000) ? v - 0x20000 : v;
}

// Empty string if the word is a legal instruction, else a one-line reason
// ("illegal opcode 12", "ld-mem: stream 1 is not loadable", ...).
std::string check(const Instr& i);
// The error class of check(): 1 illegal opcode, 2 bad field, 0 legal.
int check_class(const Instr& i);

// Canonical text of one legal instruction (throws std::invalid_argument if illegal).
std::string disassemble(const Instr& i);
// Text of a whole program, one instruction per line.
std::string disassemble(const std::vector<uint32_t>& words);

// Thrown by the assembler: what() is "line N: message".
struct AsmError : std::runtime_error {
  int line;
  AsmError(int l, const std::string& m) : std::runtime_error("line " + std::to_string(l) + ": " + m), line(l) {}
};
// Assembles one line (no comment); throws std::invalid_argument with the message.
Instr assemble_line(const std::string& text);
// Assembles a program; '#' starts a comment, blank lines are skipped.
std::vector<uint32_t> assemble(const std::string& text);

// Program files: raw little-endian 32-bit words. read_program throws
// std::runtime_error naming the file (unreadable, a directory, larger than
// kMaxProgramBytes, a size not a multiple of 4); write_program writes
// atomically (golden/file_io.hpp) and throws on any write error.
constexpr size_t kMaxProgramBytes = size_t(1) << 28;
std::vector<uint32_t> read_program(const std::string& path);
void write_program(const std::string& path, const std::vector<uint32_t>& words);
// The same on bytes in memory (`origin` names them in messages).
std::vector<uint32_t> decode_program(const std::string& bytes, const std::string& origin);
std::string encode_program(const std::vector<uint32_t>& words);

const char* mnemonic(Op op);

}  // namespace bf::isa
