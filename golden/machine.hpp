// Functional executor of Bit Fusion programs: the controller, the memory
// streams, the array's tile engine and the write-back unit, in plain C++.
//
// It runs a program against a DRAM image and bank-accurate buffer models
// exactly as docs/isa.md specifies (same buffer addressing, same tile
// command semantics, 32-bit wrap-around accumulation, same write-back), and
// counts the DRAM traffic. The RTL controller and array are compared
// against it; the compiler is proved right by it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/isa.hpp"
#include "golden/block_regs.hpp"
#include "golden/walk.hpp"

namespace bf {

// Error status the device reports (docs/isa.md, "Errors").
enum class MachineStatus : int {
  Done = 0,  // ran to a block-end with the last flag
  IllegalOpcode = 1,
  BadField = 2,
  BufferAddress = 3,  // a buffer address outside the half it belongs to
  DramAddress = 4,    // a DRAM word outside the memory
  BadBlock = 5,       // block structure: no setup first, body slot given twice
  BadRun = 6,         // ld-mem run not a multiple of the target's bank count
  ProgramEnd = 7,     // fetched past the end of the program
};
const char* status_name(MachineStatus s);

// Buffer geometry of a configuration (docs/architecture.md, "Buffers").
struct BufferGeometry {
  int rows, cols;                          // N, M
  int ibuf_depth, wbuf_depth, obuf_depth;  // 32-bit words per bank
  int dram_bits;
  int ibuf_half() const { return ibuf_depth / 2; }
  int wbuf_half() const { return wbuf_depth / 2; }
  int obuf_half() const { return obuf_depth / 2; }
  // Bank groups: the loader writes (and the store unit reads) aligned
  // groups of G banks, G = the smallest power of two with 32*G >=
  // dram_bits, at most the buffer's bank count (rtl/bf_pkg.sv, bank_group).
  static int dram_group(int dram_bits);
  int ibuf_group() const { return dram_group(dram_bits) < rows ? dram_group(dram_bits) : rows; }
  int wbuf_group() const { return dram_group(dram_bits) < rows * cols ? dram_group(dram_bits) : rows * cols; }
  int obuf_group() const { return dram_group(dram_bits) < cols ? dram_group(dram_bits) : cols; }
  // The store unit reads the OBUF in groups of this many banks (one
  // write-back lane each): up to 32 columns all of them; beyond 32 columns
  // half the columns (rtl/bf_pkg.sv, drain_group).
  static int drain_group(int cols) { return cols <= 32 ? cols : cols / 2; }
  // Words one store read packs at most (bf_ctrl_store's MM): the largest
  // power of two <= min(drain group, words per memory beat).
  static int store_words_max(int cols, int dram_bits) {
    int mm = 1;
    while (2 * mm <= std::min(drain_group(cols), dram_bits / 32)) mm *= 2;
    return mm;
  }
  static BufferGeometry of(const ArrayConfig& cfg);
};

struct MachineStats {
  uint64_t instructions = 0, blocks = 0, steps = 0, tile_cmds = 0;
  uint64_t array_cycles = 0;  // tile-engine iterations (one pixel x N*L reduction elements x M columns)
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;  // payload words x 4
  uint64_t dram_read_beats = 0, dram_write_beats = 0;  // whole beats of the memory port touched
};

struct MachineResult {
  MachineStatus status = MachineStatus::Done;
  std::string message;  // one line, empty when Done
  uint64_t pc = 0;      // word index of the instruction that failed (or of the last block-end)
  MachineStats stats;
  bool ok() const { return status == MachineStatus::Done; }
};

class Machine {
 public:
  Machine(const ArrayConfig& cfg, uint64_t dram_words);

  std::vector<uint32_t>& dram() { return dram_; }
  const std::vector<uint32_t>& dram() const { return dram_; }
  const BufferGeometry& geometry() const { return geo_; }

  // Runs the program from word 0 until a block-end with the last flag or an
  // error. The DRAM image persists across runs; the buffers are not cleared.
  MachineResult run(const std::vector<uint32_t>& program);

  // The tile engine alone (used by run(), exposed for the array's tests).
  // Returns false and sets `err` on a buffer address out of range.
  bool run_tile(const TileCmd& cmd, std::string* err, uint64_t* cycles = nullptr);

  // Raw buffer access: bank, physical 32-bit word address.
  uint32_t& ibuf(int bank, int addr) { return ibuf_[size_t(bank) * geo_.ibuf_depth + addr]; }
  uint32_t& wbuf(int bank, int addr) { return wbuf_[size_t(bank) * geo_.wbuf_depth + addr]; }
  uint32_t& obuf(int bank, int addr) { return obuf_[size_t(bank) * geo_.obuf_depth + addr]; }

 private:
  ArrayConfig cfg_;
  BufferGeometry geo_;
  std::vector<uint32_t> dram_, ibuf_, wbuf_, obuf_;
};

// The write-back function of one channel: acc + bias (32-bit wrap) for a
// raw output; for a requantized one bf::requantize (golden/requant.hpp)
// with the block's requant registers, or with the channel's parameter word
// (isa::requant_param_word) when the block has per-channel parameters.
int64_t write_back(uint32_t acc, uint32_t bias, uint32_t param, const BlockRegs& b);
// The same for a block with only its setup (no requant instruction).
int64_t write_back(uint32_t acc, uint32_t bias, const isa::SetupFields& s);

}  // namespace bf
