// Golden model of one Fusion Unit cycle.
//
// Two independent formulations that tests check against each other and
// against the RTL:
//   fu_reference  plain integers: unpack the lanes, multiply, sum.
//   fu_bitlevel   the hardware's decomposition: route 2-bit slices to the
//                 16 BitBricks, sign-extend, multiply, shift-add in two
//                 levels with the RTL's finite adder widths.
// Lane packing (docs/packing.md): lane k of a b-bit operand is bits
// [k*b +: b] of its 32-bit port.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "golden/precision.hpp"

namespace bf {

// Precision pair of one Fusion Unit cycle (spatial widths 2, 4 or 8).
struct FuMode {
  int act_bits = 8;
  int wgt_bits = 8;
  bool act_signed = true;
  bool wgt_signed = true;

  Operand act() const { return {act_bits, act_signed}; }
  Operand wgt() const { return {wgt_bits, wgt_signed}; }
  // Products summed per cycle: 64 / (A * W).
  int lanes() const { return 64 / (hw_bits(act_bits) * hw_bits(wgt_bits)); }
};

// All 9 width pairs x 4 signedness combinations, in a fixed order.
std::vector<FuMode> all_fu_modes();

// Dense packing of `vals` (lane k at bits [k*bits +: bits]).
uint32_t pack_lanes(const std::vector<int64_t>& vals, int bits);
// Inverse of pack_lanes for `lanes` lanes.
std::vector<int64_t> unpack_lanes(uint32_t word, int bits, bool is_signed, int lanes);

// Plain reference: sum over lanes of act_k * wgt_k.
int64_t fu_reference(const FuMode& m, uint32_t act_word, uint32_t wgt_word);

// One BitBrick: 2-bit x 2-bit with per-operand sign control, 6-bit result.
int bitbrick(unsigned a2, bool a_signed, unsigned b2, bool b_signed);

// Bit position in the dense word of brick n's slice (the routing table of
// rtl/bf_spread.sv, derived here from the brick numbering in docs/packing.md).
int spread_pos(int brick, int act_bits, int wgt_bits, bool is_weight);

// Adder widths of the signed reference tree. The RTL (rtl/fu/bf_fu_core.sv)
// adds biased unsigned brick terms in 6/8/12/16 bits and subtracts the
// mode's total bias once in the 17-bit sum; both are exact.
constexpr int kPairBits = 7;    // two bricks
constexpr int kGroupBits = 9;   // four bricks (level 1)
constexpr int kHalfBits = 13;   // two groups
constexpr int kFuSumBits = 17;  // the Fusion Unit sum

// Exact (untruncated) values of every adder node of one cycle.
struct FuNodeSums {
  std::array<int64_t, 8> pair{};
  std::array<int64_t, 4> group{};
  std::array<int64_t, 2> half{};
};

// Bit-level model: same result as fu_reference, computed the RTL's way,
// with the RTL's finite adder widths. `nodes`, if given, receives the exact
// node values (used to check that those widths suffice).
int64_t fu_bitlevel(const FuMode& m, uint32_t act_word, uint32_t wgt_word, FuNodeSums* nodes = nullptr);

}  // namespace bf
