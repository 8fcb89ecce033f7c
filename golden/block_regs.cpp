#include "golden/block_regs.hpp"

#include <algorithm>
#include <iterator>

namespace bf {

using namespace isa;

BlockRegs::BlockRegs() { std::fill(std::begin(tile_count), std::end(tile_count), 1u); }

void BlockRegs::reset(const SetupFields& s) {
  *this = BlockRegs();
  setup = s;
}

void BlockRegs::apply(const Instr& in) {
  const int s = in.spec & 3;
  switch (in.op) {
    case Op::Setup:
      reset(setup_fields(in));
      break;
    case Op::Loop: {
      const uint32_t n = uint32_t(in.imm) + 1;
      Count* c = nullptr;
      if (in.loop < kTileLoops) tile_count[in.loop] = n;
      else if (in.loop == kIdGroup) c = &grp;
      else if (in.loop >= kDim0) c = &dim[s][in.loop - kDim0];
      else c = &eng[in.loop - kEngLoop0];
      if (c && (in.spec & 0x40)) c->edge = n, c->edge_loop = (in.spec >> 3) & 7;
      else if (c) c->full = n;
      break;
    }
    case Op::GenAddrLo:
    case Op::GenAddrHi: {
      uint32_t* r;
      if (in.loop < kTileLoops) r = &dram_tile[s][in.loop];
      else if (in.loop == kIdPlane) r = &dram_plane[s];
      else if (in.loop == kIdBase) r = &dram_base[s];
      else r = &dram_dim[s][in.loop - kDim0];
      *r = in.op == Op::GenAddrLo ? in.imm : ((*r & 0xffffu) | (uint32_t(in.imm) << 16));
      break;
    }
    case Op::RdBuf:  // buffer id 0 ibuf, 1 obuf, 2 wbuf indexes rd_* directly
      if (in.loop == kIdGroup) rd_grp[s] = in.imm;
      else if (in.loop == kIdPlane) rd_plane[s] = in.imm;
      else if (in.loop == kIdBase) rd_base[s] = in.imm;
      else rd_eng[s][in.loop - kEngLoop0] = in.imm;
      break;
    case Op::WrBuf:
      if (in.loop == kIdGroup) wr_grp[s] = in.imm;
      else if (in.loop == kIdBase) wr_base[s] = in.imm;
      else wr_dim[s][in.loop - kDim0] = in.imm;
      break;
    case Op::LdMem:
    case Op::StMem: {
      Slot& slot = in.op == Op::StMem ? st : ld[s];
      slot.present = true;
      slot.level = in.loop;
      slot.run = uint32_t(in.imm) + 1;
      break;
    }
    case Op::Compute:
      compute = true;
      n_red = in.spec;
      break;
    case Op::BlockEnd:
      break;
  }
}

bool TileWalk::deeper_all(int level, bool want_last) const {
  const int from = level == kIdBase ? 0 : level + 1;
  for (int t = from; t < kTileLoops; ++t)
    if (want_last ? !last_[t] : idx_[t] != 0) return false;
  return true;
}

uint32_t TileWalk::tile_addr(int stream) const {
  uint32_t a = b_.dram_base[stream];
  for (int t = 0; t < kTileLoops; ++t) a += idx_[t] * b_.dram_tile[stream][t];
  return a;
}

bool TileWalk::next() {
  int t = kTileLoops - 1;
  for (; t >= 0; --t) {
    if (++idx_[t] < b_.tile_count[t]) break;
    idx_[t] = 0;
  }
  update();
  return t >= 0;
}

void TileWalk::update() {
  for (int t = 0; t < kTileLoops; ++t) last_[t] = idx_[t] + 1 >= b_.tile_count[t];
}

}  // namespace bf
