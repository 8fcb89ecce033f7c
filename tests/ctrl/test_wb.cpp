// bf_ctrl_wb (the write-back pipeline of one output channel) against the
// golden bf::write_back (golden/requant.hpp through the block registers):
// every plain configuration (raw/requantized, output width, ReLU, bias,
// shift 0..31) with the values around every clamp threshold, then random
// fixed-point output stages (16-bit multiplier, shift 0..47, rounding,
// zero point, clamp range, per-channel parameter words). Inputs stream one
// per cycle; each result is compared six cycles later (the latency).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "Vbf_ctrl_wb.h"
#include "golden/isa.hpp"
#include "golden/machine.hpp"

namespace {

constexpr int kLatency = 6;

// bf_pkg::wb_cfg_t, packed MSB first as declared: requant, out_prec[1:0],
// bias, channel, mult[15:0], shift[5:0], round, zero[16:0], lo[16:0], hi[16:0].
struct Cfg {
  bool requant = false, bias = false, channel = false, round = false;
  int out_prec = 2;
  uint32_t mult = 1;
  int shift = 0;
  int32_t zero = 0, lo = 0, hi = 0;
};

void put_bits(VlWide<3>& w, int lsb, int n, uint64_t v) {
  for (int i = 0; i < n; ++i) {
    const int b = lsb + i;
    const uint32_t bit = uint32_t((v >> i) & 1);
    w[b / 32] = (w[b / 32] & ~(1u << (b % 32))) | (bit << (b % 32));
  }
}

void drive(Vbf_ctrl_wb& m, const Cfg& c) {
  VlWide<3> w;
  w[0] = w[1] = w[2] = 0;
  put_bits(w, 0, 17, uint32_t(c.hi) & 0x1ffff);
  put_bits(w, 17, 17, uint32_t(c.lo) & 0x1ffff);
  put_bits(w, 34, 17, uint32_t(c.zero) & 0x1ffff);
  put_bits(w, 51, 1, c.round);
  put_bits(w, 52, 6, uint32_t(c.shift));
  put_bits(w, 58, 16, c.mult);
  put_bits(w, 74, 1, c.channel);
  put_bits(w, 75, 1, c.bias);
  put_bits(w, 76, 2, uint32_t(c.out_prec));
  put_bits(w, 78, 1, c.requant);
  m.cfg_i = w;
}

// The block registers the golden side reads for the same configuration.
bf::BlockRegs regs_of(const Cfg& c) {
  bf::BlockRegs b;
  b.setup.requant = c.requant;
  b.setup.bias = c.bias;
  b.setup.out_bits = 2 << c.out_prec;
  b.rq_mult = c.mult, b.rq_shift = c.shift, b.rq_round = c.round, b.rq_channel = c.channel;
  b.rq_zero = c.zero, b.rq_lo = c.lo, b.rq_hi = c.hi;
  return b;
}

struct In {
  uint32_t acc, bias, param;
};

// Streams the inputs through the pipeline (configuration held) and checks
// every output against bf::write_back. Returns the number checked.
uint64_t run(Vbf_ctrl_wb& m, const Cfg& c, const std::vector<In>& ins) {
  const bf::BlockRegs b = regs_of(c);
  drive(m, c);
  std::deque<uint32_t> want;
  uint64_t checked = 0;
  for (size_t k = 0; k < ins.size() + kLatency; ++k) {
    if (k < ins.size()) {
      m.acc_i = ins[k].acc, m.bias_i = ins[k].bias, m.param_i = ins[k].param;
      want.push_back(uint32_t(bf::write_back(ins[k].acc, ins[k].bias, ins[k].param, b)));
    }
    m.clk_i = 0;
    m.eval();
    m.clk_i = 1;
    m.eval();
    if (k + 1 >= kLatency && !want.empty()) {
      EXPECT_EQ(m.out_o, want.front()) << "input " << (k + 1 - kLatency) << " requant=" << c.requant
                                       << " bits=" << (2 << c.out_prec) << " mult=" << c.mult << " shift=" << c.shift
                                       << " round=" << c.round << " zero=" << c.zero << " lo=" << c.lo << " hi=" << c.hi
                                       << " channel=" << c.channel;
      want.pop_front();
      ++checked;
    }
  }
  return checked;
}

// Sums just inside and outside every clamp threshold: (t << shift) + d.
std::vector<uint32_t> edge_sums(int bits, int shift) {
  std::vector<uint32_t> v = {0u, 1u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0x80000001u};
  const int64_t b = bits;
  for (int64_t t : {int64_t{0}, (int64_t{1} << b) - 1, int64_t{1} << b, (int64_t{1} << (b - 1)) - 1,
                    int64_t{1} << (b - 1), -(int64_t{1} << (b - 1)), -(int64_t{1} << (b - 1)) - 1, int64_t{-1}}) {
    for (int64_t d : {-2, -1, 0, 1, 2}) {
      const int64_t base = t * (int64_t{1} << shift);
      v.push_back(static_cast<uint32_t>(base + d));
      v.push_back(static_cast<uint32_t>(base + d * (int64_t{1} << shift)));
    }
  }
  return v;
}

TEST(CtrlWb, PlainFloorShiftMatchesGolden) {
  Vbf_ctrl_wb m;
  std::mt19937 rng(7);
  auto r32 = [&] { return uint32_t(rng()); };
  SCOPED_TRACE("seed 7");
  uint64_t checked = 0;
  for (int requant = 0; requant < 2; ++requant)
    for (int prec = 0; prec < 4; ++prec)
      for (int relu = 0; relu < 2; ++relu)
        for (int bias = 0; bias < 2; ++bias)
          for (int shift = 0; shift < 32; ++shift) {
            const int bits = 2 << prec;
            Cfg c;
            c.requant = requant, c.out_prec = prec, c.bias = bias, c.shift = shift;
            c.lo = relu ? 0 : -(1 << (bits - 1));
            c.hi = relu ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
            std::vector<In> ins;
            for (uint32_t acc : edge_sums(bits, shift))
              ins.push_back({acc, bias ? r32() >> (r32() % 32) : r32(), r32()});
            for (int i = 0; i < 64; ++i) ins.push_back({r32(), r32(), r32()});
            for (int i = 0; i < 64; ++i) ins.push_back({uint32_t(int32_t(r32() % 4096) - 2048), r32() % 512, r32()});
            checked += run(m, c, ins);
          }
  // 2 * 4 * 2 * 2 * 32 configurations, each with 6 + 80 + 128 inputs.
  EXPECT_EQ(checked, 2ull * 4 * 2 * 2 * 32 * (6 + 80 + 128));
}

TEST(CtrlWb, FixedPointStagesMatchGolden) {
  Vbf_ctrl_wb m;
  std::mt19937 rng(11);
  auto r32 = [&] { return uint32_t(rng()); };
  SCOPED_TRACE("seed 11");
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  uint64_t checked = 0;
  for (int k = 0; k < 3000; ++k) {
    Cfg c;
    c.requant = true;
    c.out_prec = U(0, 3);
    c.bias = U(0, 1);
    c.channel = U(0, 2) == 0;
    c.mult = uint32_t(U(1, 65535));
    c.shift = U(0, 47);
    c.round = U(0, 1);
    const int bits = 2 << c.out_prec;
    const bool relu = U(0, 1);
    const int lo = relu ? 0 : -(1 << (bits - 1)), hi = relu ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
    c.zero = U(-65536, 65535) >> U(0, 16);
    c.lo = U(lo, (lo + hi) / 2);
    c.hi = U(c.lo, hi);
    if (U(0, 9) == 0) c.lo = -65536, c.hi = 65535;  // the widest clamp
    std::vector<In> ins;
    for (int i = 0; i < 32; ++i) {
      const uint32_t param = bf::isa::requant_param_word(uint32_t(U(0, 65535)), U(0, 63), U(0, 1));
      ins.push_back({r32() >> U(0, 31), r32() >> U(0, 31), param | (uint32_t(r32()) << 23)});  // junk high bits
    }
    checked += run(m, c, ins);
  }
  EXPECT_EQ(checked, 3000ull * 32);
}

}  // namespace
