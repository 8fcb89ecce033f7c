// The three walks of a running block (docs/isa.md, "Running a block"),
// written once and used by the functional machine (golden/machine.cpp)
// and the controller timing model (golden/timing.cpp):
//
//   TileWalk       the tile-loop nest: one step per index combination of
//                  tile loops t0..t7, their first / last flags, each
//                  stream's DRAM address at the step (bf_ctrl_walk in RTL);
//   for_each_run   the 4-dimension memory walk of one load or store: one
//                  run per index vector of the stream's dims (i0
//                  innermost), its DRAM address and first buffer row
//                  (bf_ctrl_load / bf_ctrl_store);
//   for_each_tile_cmd  the tile commands of one step: one per (group g,
//                  activation plane sa, weight plane sw) (bf_ctrl_issue).
#pragma once
#include <cstdint>

#include "golden/block_regs.hpp"
#include "golden/isa.hpp"

namespace bf {

// One tile command of the array's tile engine (docs/isa.md, "Tile command").
struct TileCmd {
  int act_bits = 8, wgt_bits = 8;  // spatial widths 2, 4, 8
  bool act_signed = true, wgt_signed = true;
  int psum_shift = 0;                        // 0, 8 or 16
  bool accumulate = false;                   // false: OBUF = acc << shift; true: OBUF += acc << shift
  int ihalf = 0, whalf = 0, ohalf = 0;       // buffer halves
  bool iwhole = false, wwhole = false;       // the whole IBUF / WBUF (setup whole=): half 0, twice the range
  bool owhole = false;                       // the whole OBUF likewise
  uint32_t ibase = 0, wbase = 0, obase = 0;  // operand-word addresses within the half
  int levels = 6;                            // loop nest, level 0 outermost
  uint32_t count[6] = {1, 1, 1, 1, 1, 1};
  uint32_t istride[6] = {}, wstride[6] = {}, ostride[6] = {};
  int n_red = 0;            // innermost n_red levels are summed in the column accumulators
  uint64_t steps() const {  // array steps (tile-engine iterations)
    uint64_t s = 1;
    for (int l = 0; l < levels; ++l) s *= count[l];
    return s;
  }
  uint64_t outputs() const {  // OBUF words written per column (outer iterations)
    uint64_t s = 1;
    for (int l = 0; l < levels - n_red; ++l) s *= count[l];
    return s;
  }
};

// The walk of a block's tile-loop nest: the index vector of the current
// step (t0 outermost, t7 innermost) and which loops are on their last
// iteration.
class TileWalk {
 public:
  explicit TileWalk(const BlockRegs& b) : b_(b) { update(); }
  const uint32_t* idx() const { return idx_; }
  // last()[t]: tile loop t is on its last iteration (for Count::get).
  const bool* last() const { return last_; }
  // Every tile loop deeper than `level` (all of them for kIdBase) is on
  // its last iteration (want_last) or its first one (!want_last).
  bool deeper_all(int level, bool want_last) const;
  // DRAM address of `stream`'s first run at this step.
  uint32_t tile_addr(int stream) const;
  // Moves to the next step (innermost loop first); false after the last.
  bool next();

 private:
  void update();
  const BlockRegs& b_;
  uint32_t idx_[isa::kTileLoops] = {};
  bool last_[isa::kTileLoops] = {};
};

// The runs of `stream`'s memory walk at the step `walk` is on: f(dram,
// row) for every index vector (i3, i2, i1, i0) of its four dims (counts
// with their edge values), i0 innermost; dram = tile address + sum_d i_d *
// dram_dim[d], row = wr_base + sum_d i_d * wr_dim[d] (32-bit wrap-around).
// f returns false to stop the walk early (an error); for_each_run then
// returns false.
template <class F>
bool for_each_run(const BlockRegs& b, int stream, const TileWalk& walk, F&& f) {
  uint32_t cnt[isa::kDims];
  for (int d = 0; d < isa::kDims; ++d) cnt[d] = b.dim[stream][d].get(walk.last());
  const uint32_t base = walk.tile_addr(stream);
  uint32_t i[isa::kDims] = {};
  for (;;) {
    uint32_t da = base, row = b.wr_base[stream];
    for (int d = 0; d < isa::kDims; ++d) da += i[d] * b.dram_dim[stream][d], row += i[d] * b.wr_dim[stream][d];
    if (!f(da, row)) return false;
    int d = 0;
    for (; d < isa::kDims; ++d) {
      if (++i[d] < cnt[d]) break;
      i[d] = 0;
    }
    if (d == isa::kDims) return true;
  }
}

// The tile commands of the step `walk` is on, in issue order (g outer,
// then sa, then sw): f(const TileCmd&) for each; halves[] = the IBUF,
// OBUF, WBUF halves in use (indexed by isa::Stream), `first` = the step
// starts its output tile (every loop deeper than the store's level at 0).
// f returns false to stop early; for_each_tile_cmd then returns false.
template <class F>
bool for_each_tile_cmd(const BlockRegs& b, const TileWalk& walk, const int halves[3], bool first, F&& f) {
  const isa::SetupFields& su = b.setup;
  const int pa = su.act_bits == 16 ? 2 : 1, pw = su.wgt_bits == 16 ? 2 : 1;
  const uint32_t groups = b.grp.get(walk.last());
  uint32_t itile = 0;  // the IBUF tile-loop offset, sum_t idx[t] * ENG[ibuf].tile[t]
  for (int k = 0; k < isa::kTileLoops; ++k) itile += walk.idx()[k] * b.rd_tile[k];
  for (uint32_t g = 0; g < groups; ++g)
    for (int sa = 0; sa < pa; ++sa)
      for (int sw = 0; sw < pw; ++sw) {
        TileCmd t;
        t.act_bits = pa == 2 ? 8 : su.act_bits;
        t.wgt_bits = pw == 2 ? 8 : su.wgt_bits;
        t.act_signed = su.act_signed && (pa == 1 || sa == 1);
        t.wgt_signed = su.wgt_signed && (pw == 1 || sw == 1);
        t.psum_shift = 8 * (sa + sw);
        t.accumulate = !(first && sa == 0 && sw == 0);
        t.ihalf = halves[isa::kIbuf], t.whalf = halves[isa::kWbuf], t.ohalf = halves[isa::kObuf];
        t.iwhole = b.setup.ibuf_whole, t.wwhole = b.setup.wbuf_whole, t.owhole = b.setup.obuf_whole;
        t.ibase = b.rd_base[0] + itile + sa * b.rd_plane[0] + g * b.rd_grp[0];
        t.obase = b.rd_base[1] + g * b.rd_grp[1];
        t.wbase = b.rd_base[2] + sw * b.rd_plane[2] + g * b.rd_grp[2];
        t.levels = isa::kEngLoops;
        for (int l = 0; l < isa::kEngLoops; ++l) {
          t.count[l] = b.eng[l].get(walk.last());
          t.istride[l] = b.rd_eng[0][l];
          t.ostride[l] = b.rd_eng[1][l];
          t.wstride[l] = b.rd_eng[2][l];
        }
        t.n_red = b.n_red;
        if (!f(t)) return false;
      }
  return true;
}

}  // namespace bf
