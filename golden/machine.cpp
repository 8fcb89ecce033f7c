#include "golden/machine.hpp"

#include <algorithm>

#include "golden/block_regs.hpp"
#include "golden/precision.hpp"
#include "golden/requant.hpp"

namespace bf {

using namespace isa;

const char* status_name(MachineStatus s) {
  switch (s) {
    case MachineStatus::Done: return "done";
    case MachineStatus::IllegalOpcode: return "illegal opcode";
    case MachineStatus::BadField: return "bad field";
    case MachineStatus::BufferAddress: return "buffer address out of range";
    case MachineStatus::DramAddress: return "DRAM address out of range";
    case MachineStatus::BadBlock: return "bad block structure";
    case MachineStatus::BadRun: return "bad run length";
    case MachineStatus::ProgramEnd: return "program end without block-end last";
  }
  return "?";
}

int BufferGeometry::dram_group(int dram_bits) {
  int g = 1;
  while (32 * g < dram_bits) g *= 2;
  return g;
}

BufferGeometry BufferGeometry::of(const ArrayConfig& cfg) {
  BufferGeometry g;
  g.dram_bits = cfg.dram_bits;
  g.rows = cfg.rows;
  g.cols = cfg.cols;
  g.ibuf_depth = int(int64_t(cfg.ibuf_kb) * 1024 / 4 / cfg.rows);
  g.wbuf_depth = int(int64_t(cfg.wbuf_kb) * 1024 / 4 / (int64_t(cfg.rows) * cfg.cols));
  g.obuf_depth = int(int64_t(cfg.obuf_kb) * 1024 / 4 / cfg.cols);
  return g;
}

int64_t write_back(uint32_t acc, uint32_t bias, uint32_t param, const BlockRegs& b) {
  const int32_t sum = int32_t(acc + (b.setup.bias ? bias : 0u));  // 32-bit wrap-around
  if (!b.setup.requant) return sum;
  RequantParams p;
  if (b.rq_channel) {
    p.mult = param & 0xffffu, p.shift = int((param >> 16) & 63), p.round = (param >> 22) & 1;
    if (p.shift > kRqMaxShift) p.shift = kRqMaxShift;
  } else {
    p.mult = b.rq_mult, p.shift = b.rq_shift, p.round = b.rq_round;
  }
  return requantize(sum, p, b.rq_zero, b.rq_lo, b.rq_hi);
}

int64_t write_back(uint32_t acc, uint32_t bias, const SetupFields& s) {
  BlockRegs b;
  b.reset(s);
  return write_back(acc, bias, 0u, b);
}

Machine::Machine(const ArrayConfig& cfg, uint64_t dram_words)
    : cfg_(cfg), geo_(BufferGeometry::of(cfg)), dram_(dram_words, 0u) {
  ibuf_.assign(size_t(geo_.rows) * geo_.ibuf_depth, 0u);
  wbuf_.assign(size_t(geo_.rows) * geo_.cols * geo_.wbuf_depth, 0u);
  obuf_.assign(size_t(geo_.cols) * geo_.obuf_depth, 0u);
}

bool Machine::run_tile(const TileCmd& t, std::string* err, uint64_t* cycles) {
  const int N = geo_.rows, M = geo_.cols;
  const int A = t.act_bits, W = t.wgt_bits, L = 64 / (A * W);
  // Operand words: activation 64/W bits (W/2 per buffer word), weight 64/A bits.
  const int ia_bits = 64 / W, wa_bits = 64 / A, ip = W / 2, wp = A / 2;
  const uint64_t ilim = uint64_t(geo_.ibuf_half()) * (t.iwhole ? 2 : 1) * ip,
                 wlim = uint64_t(geo_.wbuf_half()) * (t.wwhole ? 2 : 1) * wp,
                 olim = uint64_t(geo_.obuf_half()) * (t.owhole ? 2 : 1);
  const int lv = t.levels;
  for (int l = 0; l < lv; ++l)
    if (t.count[l] == 0) {
      if (err) *err = "tile engine: level " + std::to_string(l) + " has count 0";
      return false;
    }
  const int n_outer = lv - t.n_red;
  auto opword = [](uint32_t word, int sub, int bits) {
    return bits == 32 ? word : (word >> (sub * bits)) & ((1u << bits) - 1);
  };
  std::vector<int64_t> alanes(size_t(N) * L), acc(M);
  std::vector<uint32_t> idx(lv, 0);
  uint64_t n_cycles = 0;
  for (;;) {
    // One outer iteration: the reduction levels run to completion.
    std::fill(acc.begin(), acc.end(), 0);
    for (int l = n_outer; l < lv; ++l) idx[l] = 0;
    for (;;) {
      uint64_t ia = t.ibase, wa = t.wbase;
      for (int l = 0; l < lv; ++l) ia += uint64_t(idx[l]) * t.istride[l], wa += uint64_t(idx[l]) * t.wstride[l];
      ia &= 0xffffffffu, wa &= 0xffffffffu;
      if (ia >= ilim || wa >= wlim) {
        if (err)
          *err = "tile engine: " + std::string(ia >= ilim ? "IBUF" : "WBUF") + " operand word " +
                 std::to_string(ia >= ilim ? ia : wa) + " outside the " +
                 ((ia >= ilim ? t.iwhole : t.wwhole) ? "buffer (" : "half (") +
                 std::to_string(ia >= ilim ? ilim : wlim) + " operand words)";
        return false;
      }
      const int iaddr = int(t.ihalf * geo_.ibuf_half() + ia / ip), isub = int(ia % ip);
      const int waddr = int(t.whalf * geo_.wbuf_half() + wa / wp), wsub = int(wa % wp);
      for (int r = 0; r < N; ++r) {
        const uint32_t aw = opword(ibuf(r, iaddr), isub, ia_bits);
        for (int l = 0; l < L; ++l) alanes[size_t(r) * L + l] = extend(aw >> (l * A), A, t.act_signed);
      }
      for (int c = 0; c < M; ++c) {
        int64_t s = 0;
        for (int r = 0; r < N; ++r) {
          const uint32_t ww = opword(wbuf(r * M + c, waddr), wsub, wa_bits);
          const int64_t* al = &alanes[size_t(r) * L];
          for (int l = 0; l < L; ++l) s += al[l] * extend(ww >> (l * W), W, t.wgt_signed);
        }
        acc[c] = int64_t(uint32_t(acc[c] + s));  // 32-bit column accumulator
      }
      ++n_cycles;
      int l = lv - 1;
      for (; l >= n_outer; --l) {
        if (++idx[l] < t.count[l]) break;
        idx[l] = 0;
      }
      if (l < n_outer) break;
    }
    uint64_t oa = t.obase;
    for (int l = 0; l < n_outer; ++l) oa += uint64_t(idx[l]) * t.ostride[l];
    oa &= 0xffffffffu;
    if (oa >= olim) {
      if (err)
        *err = "tile engine: OBUF word " + std::to_string(oa) + " outside the " + (t.owhole ? "buffer (" : "half (") +
               std::to_string(olim) + " words)";
      return false;
    }
    const int oaddr = int(t.ohalf * geo_.obuf_half() + oa);
    for (int c = 0; c < M; ++c) {
      const uint32_t v = uint32_t(acc[c]) << t.psum_shift;
      obuf(c, oaddr) = t.accumulate ? obuf(c, oaddr) + v : v;
    }
    int l = n_outer - 1;
    for (; l >= 0; --l) {
      if (++idx[l] < t.count[l]) break;
      idx[l] = 0;
    }
    if (l < 0) break;
  }
  if (cycles) *cycles += n_cycles;
  return true;
}

MachineResult Machine::run(const std::vector<uint32_t>& prog) {
  MachineResult res;
  auto& st = res.stats;
  const int N = geo_.rows, M = geo_.cols;
  const uint32_t wpb = uint32_t(cfg_.dram_bits / 32);
  BlockRegs b;
  bool in_block = false;
  uint64_t pc = 0;

  auto fail = [&](MachineStatus s, const std::string& m) {
    res.status = s;
    res.message = "pc " + std::to_string(pc) + ": " + m;
    res.pc = pc;
    return res;
  };
  auto beats = [&](uint64_t addr, uint64_t n) { return (addr + n + wpb - 1) / wpb - addr / wpb; };

  for (;; ++pc) {
    if (pc >= prog.size()) return fail(MachineStatus::ProgramEnd, "fetch beyond the program end");
    const Instr in = Instr::decode(prog[pc]);
    ++st.instructions;
    const int cls = check_class(in);
    if (cls == 1) return fail(MachineStatus::IllegalOpcode, check(in));
    if (cls == 2) return fail(MachineStatus::BadField, check(in));
    if (!in_block && in.op != Op::Setup)
      return fail(MachineStatus::BadBlock, std::string(mnemonic(in.op)) + " outside a block (expected setup)");
    const int s = in.spec & 3;
    switch (in.op) {
      case Op::Setup:
        if (in_block) return fail(MachineStatus::BadBlock, "setup inside a block (missing block-end)");
        b.apply(in);  // resets the registers
        in_block = true;
        break;
      case Op::Requant:
        if (!b.setup.requant) return fail(MachineStatus::BadBlock, "requant in a block with a raw output");
        b.apply(in);
        break;
      case Op::Loop:
      case Op::GenAddrLo:
      case Op::GenAddrHi:
      case Op::RdBuf:
      case Op::WrBuf: b.apply(in); break;
      case Op::LdMem:
      case Op::StMem: {
        const auto& slot = in.op == Op::StMem ? b.st : b.ld[s];
        if (slot.present)
          return fail(MachineStatus::BadBlock, std::string(mnemonic(in.op)) + " " +
                                                   (s == kIbuf   ? "ibuf"
                                                    : s == kWbuf ? "wbuf"
                                                    : s == kBias ? "bias"
                                                                 : "obuf") +
                                                   " given twice in one block");
        const uint32_t run = uint32_t(in.imm) + 1;
        const int nb = s == kIbuf ? N : s == kWbuf ? N * M : M;
        if (in.op == Op::LdMem && run % nb)
          return fail(MachineStatus::BadRun, "ld-mem run " + std::to_string(run) + " is not a multiple of the " +
                                                 std::to_string(nb) + " banks");
        b.apply(in);
        break;
      }
      case Op::Compute:
        if (b.compute) return fail(MachineStatus::BadBlock, "compute given twice in one block");
        b.apply(in);
        break;
      case Op::BlockEnd: {
        // ---------------------------------------------------- run the nest
        ++st.blocks;
        const SetupFields& su = b.setup;
        TileWalk walk(b);
        // Halves of ibuf, obuf, wbuf: toggled before each use; a whole-buffer
        // stream (setup whole=) stays on "half" 0 with twice the depth.
        int half[3] = {1, 1, 1};
        const bool whole[3] = {su.ibuf_whole, su.obuf_whole, su.wbuf_whole};
        for (int s : {int(kIbuf), int(kObuf), int(kWbuf)})
          if (whole[s]) half[s] = 0;
        const uint64_t ohdepth = uint64_t(geo_.obuf_half()) * (whole[kObuf] ? 2 : 1);
        const int out_level = b.st.present ? b.st.level : kIdBase;
        for (;;) {
          ++st.steps;
          if (walk.deeper_all(out_level, false) && !whole[kObuf]) half[kObuf] ^= 1;
          // Loads, in the order ibuf, wbuf, bias.
          for (int ls : {int(kIbuf), int(kWbuf), int(kBias)}) {
            const auto& slot = b.ld[ls];
            if (!slot.present || !walk.deeper_all(slot.level, false)) continue;
            const int nb = ls == kIbuf ? N : ls == kWbuf ? N * M : M;
            const bool lwhole = whole[ls == kBias ? int(kObuf) : ls];  // the bias rows live in the OBUF
            const int hdepth = (ls == kIbuf   ? geo_.ibuf_half()
                                : ls == kWbuf ? geo_.wbuf_half()
                                              : geo_.obuf_half()) *
                               (lwhole ? 2 : 1);
            int h;
            if (ls == kBias) {
              h = half[kObuf];
            } else {
              if (!whole[ls]) half[ls] ^= 1;
              h = half[ls];
            }
            bool ok = true;
            for_each_run(b, ls, walk, [&](uint32_t da, uint32_t row) {
              if (uint64_t(da) + slot.run > dram_.size()) {
                fail(MachineStatus::DramAddress, "ld-mem reads DRAM words [" + std::to_string(da) + ", +" +
                                                     std::to_string(slot.run) + ") beyond " +
                                                     std::to_string(dram_.size()));
                return ok = false;
              }
              if (uint64_t(row) + slot.run / nb > uint64_t(hdepth)) {
                fail(MachineStatus::BufferAddress, "ld-mem writes buffer rows [" + std::to_string(row) + ", +" +
                                                       std::to_string(slot.run / nb) + ") beyond the " +
                                                       (lwhole ? "buffer (" : "half (") + std::to_string(hdepth) + ")");
                return ok = false;
              }
              for (uint32_t k = 0; k < slot.run; ++k) {
                const int bank = int(k % nb), a = int(h * hdepth + row + k / nb);
                const uint32_t v = dram_[da + k];
                if (ls == kIbuf)
                  ibuf(bank, a) = v;
                else if (ls == kWbuf)
                  wbuf(bank, a) = v;
                else
                  obuf(bank, a) = v;
              }
              st.dram_read_bytes += 4ull * slot.run;
              st.dram_read_beats += beats(da, slot.run);
              return true;
            });
            if (!ok) return res;
          }
          // Compute: one tile command per (group, act plane, weight plane).
          if (b.compute) {
            const bool first = walk.deeper_all(out_level, false);
            std::string err;
            const bool ok = for_each_tile_cmd(b, walk, half, first, [&](const TileCmd& t) {
              ++st.tile_cmds;
              return run_tile(t, &err, &st.array_cycles);
            });
            if (!ok) return fail(MachineStatus::BufferAddress, err);
          }
          // Store through the write-back unit.
          if (b.st.present && walk.deeper_all(b.st.level, true)) {
            const int planes = su.requant && su.out_bits == 16 ? 2 : 1;
            const int pbits = !su.requant ? 32 : planes == 2 ? 8 : su.out_bits;
            const int E = 32 / pbits;
            const uint32_t groups = b.grp.get(walk.last()), nch = groups * uint32_t(M);
            const int oh = half[kObuf] * geo_.obuf_half();
            bool ok = true;
            for_each_run(b, kObuf, walk, [&](uint32_t da, uint32_t pa) {
              for (int p = 0; p < planes; ++p) {
                const uint32_t dp = da + p * b.dram_plane[kObuf];
                if (uint64_t(dp) + b.st.run > dram_.size()) {
                  fail(MachineStatus::DramAddress, "st-mem writes DRAM words [" + std::to_string(dp) + ", +" +
                                                       std::to_string(b.st.run) + ") beyond " +
                                                       std::to_string(dram_.size()));
                  return ok = false;
                }
                for (uint32_t w = 0; w < b.st.run; ++w) {
                  uint32_t word = 0;
                  for (int e = 0; e < E; ++e) {
                    const uint32_t ch = w * E + e;
                    if (ch >= nch) continue;
                    const uint32_t g = ch / M, c = ch % M;
                    const uint64_t oa = uint64_t(pa) + uint64_t(g) * b.wr_grp[kObuf];
                    // Bias rows, then per-channel parameter rows, after the tile.
                    const uint64_t ba = uint64_t(b.wr_base[kBias]) + g;
                    const uint64_t pa_row = ba + (su.bias ? groups : 0u);
                    const uint64_t half = ohdepth;
                    const bool use_p = su.requant && b.rq_channel;
                    if (oa >= half || (su.bias && ba >= half) || (use_p && pa_row >= half)) {
                      const uint64_t bad_row = oa >= half ? oa : (su.bias && ba >= half) ? ba : pa_row;
                      fail(MachineStatus::BufferAddress, "st-mem reads OBUF word " + std::to_string(bad_row) +
                                                             " beyond the " + (whole[kObuf] ? "buffer (" : "half (") +
                                                             std::to_string(half) + ")");
                      return ok = false;
                    }
                    const uint32_t acc = obuf(int(c), int(oh + oa));
                    const uint32_t bias = su.bias ? obuf(int(c), int(oh + ba)) : 0u;
                    const uint32_t param = use_p ? obuf(int(c), int(oh + pa_row)) : 0u;
                    const int64_t v = write_back(acc, bias, param, b);
                    const uint32_t field = planes == 2 ? uint32_t(uint64_t(v) >> (8 * p)) : uint32_t(v);
                    word |= pbits == 32 ? field : (field & ((1u << pbits) - 1)) << (e * pbits);
                  }
                  dram_[dp + w] = word;
                }
                st.dram_write_bytes += 4ull * b.st.run;
                st.dram_write_beats += beats(dp, b.st.run);
              }
              return true;
            });
            if (!ok) return res;
          }
          // Advance the tile loops (innermost first).
          if (!walk.next()) break;
        }
        in_block = false;
        if (in.spec & 1) {
          res.pc = pc;
          return res;
        }
        break;
      }
    }
  }
}

}  // namespace bf
