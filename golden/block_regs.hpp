// The block registers of the controller (docs/isa.md, "Registers") and
// their decoder: what each register-writing instruction of a block (setup,
// loop, gen-addr-lo/hi, rd-buf, wr-buf, ld-mem, st-mem, compute) stores.
//
// One decoder, used by the functional executor (golden/machine.cpp, which
// checks the block structure before applying each instruction) and by the
// performance model's rtl mode (model/rtl_model.cpp, which decodes a block
// the compiler produced). The walks of a running block are golden/walk.hpp.
#pragma once
#include <cstdint>

#include "golden/isa.hpp"

namespace bf {

struct BlockRegs {
  // A count register with an optional edge value (docs/isa.md, "Edge
  // counts"): `edge` replaces `full` on the last iteration of tile loop
  // `edge_loop`.
  struct Count {
    uint32_t full = 1, edge = 1;
    int edge_loop = -1;
    // `last[t]`: tile loop t is on its last iteration.
    uint32_t get(const bool* last) const { return edge_loop >= 0 && last[edge_loop] ? edge : full; }
  };
  // A body slot: ld-mem (one per stream) or st-mem.
  struct Slot {
    bool present = false;
    int level = isa::kIdBase;  // tile loop it runs under (kIdBase: once per block)
    uint32_t run = 0;          // DRAM words per run
  };

  isa::SetupFields setup;
  uint32_t tile_count[isa::kTileLoops];                // all 1 after reset
  Count eng[isa::kEngLoops], grp, dim[4][isa::kDims];  // dim: by stream
  // gen-addr: DRAM address generator of each stream.
  uint32_t dram_base[4] = {}, dram_tile[4][isa::kTileLoops] = {}, dram_dim[4][isa::kDims] = {}, dram_plane[4] = {};
  // rd-buf: tile-engine strides by buffer (0 ibuf, 1 obuf, 2 wbuf).
  uint32_t rd_eng[3][isa::kEngLoops] = {}, rd_grp[3] = {}, rd_plane[3] = {}, rd_base[3] = {};
  // rd-buf ibuf tK: IBUF operand words added to the tile commands' base per
  // index of tile loop K (ENG[ibuf].tile[K]; a resident input's ic tiles).
  uint32_t rd_tile[isa::kTileLoops] = {};
  // wr-buf: buffer-row strides of each stream's memory walk.
  uint32_t wr_dim[4][isa::kDims] = {}, wr_grp[4] = {}, wr_base[4] = {};
  Slot ld[4], st;  // ld: by stream (ibuf, wbuf, bias used)
  bool compute = false;
  int n_red = 0;
  // requant: the output stage (golden/requant.hpp). setup leaves mult 1,
  // the setup shift, no rounding, zero point 0 and the clamp range of the
  // output width (unsigned with relu) - the plain floor-shift output.
  uint32_t rq_mult = 1;
  int rq_shift = 0;
  bool rq_round = false;
  bool rq_channel = false;  // mult/shift/round from per-channel parameter rows
  int32_t rq_zero = 0, rq_lo = 0, rq_hi = 0;

  BlockRegs();
  // The state a setup instruction leaves: every register at its reset
  // value, the setup fields `s`.
  void reset(const isa::SetupFields& s = {});
  // Applies one instruction that has already been checked (isa::check_class
  // == 0) and found legal in the block: setup resets the registers (as
  // reset()), the configuration and body instructions write theirs;
  // block-end changes nothing. A body slot given twice keeps the last one.
  void apply(const isa::Instr& in);
};

}  // namespace bf
