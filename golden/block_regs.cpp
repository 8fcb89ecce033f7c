#include "golden/block_regs.hpp"

#include <algorithm>
#include <iterator>

namespace bf {

using namespace isa;

BlockRegs::BlockRegs() { std::fill(std::begin(tile_count), std::end(tile_count), 1u); }

void BlockRegs::reset(const SetupFields& s) {
  *this = BlockRegs();
  setup = s;
  rq_shift = s.shift;
  if (s.requant) {
    const int b = s.out_bits;
    rq_lo = s.relu ? 0 : -(1 << (b - 1));
    rq_hi = s.relu ? (1 << b) - 1 : (1 << (b - 1)) - 1;
  }
}

void BlockRegs::apply(const Instr& in) {
  const int s = in.spec & 3;
  switch (in.op) {
    case Op::Setup: reset(setup_fields(in)); break;
    case Op::Loop: {
      const uint32_t n = uint32_t(in.imm) + 1;
      Count* c = nullptr;
      if (in.loop < kTileLoops)
        tile_count[in.loop] = n;
      else if (in.loop == kIdGroup)
        c = &grp;
      else if (in.loop >= kDim0)
        c = &dim[s][in.loop - kDim0];
      else
        c = &eng[in.loop - kEngLoop0];
      if (c && (in.spec & 0x40))
        c->edge = n, c->edge_loop = (in.spec >> 3) & 7;
      else if (c)
        c->full = n;
      break;
    }
    case Op::GenAddrLo:
    case Op::GenAddrHi: {
      uint32_t* r;
      if (in.loop < kTileLoops)
        r = &dram_tile[s][in.loop];
      else if (in.loop == kIdPlane)
        r = &dram_plane[s];
      else if (in.loop == kIdBase)
        r = &dram_base[s];
      else
        r = &dram_dim[s][in.loop - kDim0];
      *r = in.op == Op::GenAddrLo ? in.imm : ((*r & 0xffffu) | (uint32_t(in.imm) << 16));
      break;
    }
    case Op::RdBuf:  // buffer id 0 ibuf, 1 obuf, 2 wbuf indexes rd_* directly
      if (in.loop == kIdGroup)
        rd_grp[s] = in.imm;
      else if (in.loop == kIdPlane)
        rd_plane[s] = in.imm;
      else if (in.loop == kIdBase)
        rd_base[s] = in.imm;
      else if (in.loop < kTileLoops)
        rd_tile[in.loop] = in.imm;  // ibuf only (isa::check)
      else
        rd_eng[s][in.loop - kEngLoop0] = in.imm;
      break;
    case Op::WrBuf:
      if (in.loop == kIdGroup)
        wr_grp[s] = in.imm;
      else if (in.loop == kIdBase)
        wr_base[s] = in.imm;
      else
        wr_dim[s][in.loop - kDim0] = in.imm;
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
    case Op::Requant:
      if (in.loop == kRqMult) {
        rq_channel = in.spec & 1;
        if (!rq_channel) rq_mult = in.imm;
      } else if (in.loop == kRqShift) {
        rq_shift = in.imm & 63;
        rq_round = (in.imm >> 6) & 1;
      } else if (in.loop == kRqZero) {
        rq_zero = requant_value(in);
      } else if (in.loop == kRqLo) {
        rq_lo = requant_value(in);
      } else if (in.loop == kRqHi) {
        rq_hi = requant_value(in);
      }
      break;
    case Op::BlockEnd: break;
  }
}

}  // namespace bf
