// The accelerator designs the performance model evaluates: Bit Fusion and
// the two baselines that run in the same tiling framework (a fixed 8-bit
// array of the same size, and a Stripes-like bit-serial array). Each is
// derived from a named configuration (golden/config.hpp); no numbers from
// configs/*.json are repeated here.
#pragma once
#include <cstdint>
#include <string>

#include "golden/config.hpp"

namespace bf::model {

// Products per array row-lane per cycle as a fraction num/den: a Fusion
// Unit does num/den products per cycle for the layer's widths.
struct Rate {
  int64_t num = 1, den = 1;
};

// Energy per event, in nJ (the unit the authors' simulator computes in, so
// that tie-breaks on energy round exactly as theirs do).
struct EnergyCost {
  double core_nj_per_cycle = 0;  // whole array, per non-stall cycle
  double wbuf_rd = 0, wbuf_wr = 0, ibuf_rd = 0, ibuf_wr = 0, obuf_rd = 0, obuf_wr = 0;  // per bit
  double dram = 15e-3;                                                                  // per bit
};

enum class DesignKind { BitFusion, Fixed8, Stripes };

struct Design {
  DesignKind kind = DesignKind::BitFusion;
  std::string name;
  int rows = 16, cols = 32;
  int64_t wbuf_bytes = 0, ibuf_bytes = 0, obuf_bytes = 0;
  int dram_bits = 192;
  int freq_mhz = 500;
  EnergyCost energy;

  // Products per row-lane per cycle for an act x wgt layer.
  Rate rate(int act_bits, int wgt_bits) const;
  // Bits each operand occupies in the buffers and in DRAM.
  int act_store_bits(int act_bits) const;
  int wgt_store_bits(int wgt_bits) const;
  // MACs per cycle of the whole array at these widths (for utilization).
  double peak_macs(int act_bits, int wgt_bits) const;
};

// Bit Fusion: 2-bit BitBricks fused up to 8 bits (products per FU per
// cycle = (8/max(a,2)) * (8/max(w,2))); 16-bit operands run temporally
// (each 16-bit operand halves the rate).
Design bitfusion_design(const ArrayConfig& cfg);
// The same array with plain 8-bit multipliers: one product per PE per
// cycle for every width up to 8, half for each 16-bit operand.
Design fixed8_design(const ArrayConfig& cfg);
// Stripes-like: bit-serial activations, 16-bit parallel weights, 16 lanes
// per PE ("SIP"); iso-area with the Bit Fusion array, hence cols/4 PEs.
// Operands are stored as 16-bit values, as in Stripes.
Design stripes_design(const ArrayConfig& cfg);

// The authors' energy numbers for an array of rows x cols units whose
// operands span [pmin, pmax] bits: core energy from their synthesis table
// (results/systolic_array_synth.csv), SRAM energy per bit from their CACTI
// table (sram/cacti_sweep.csv), interpolated in log(size) where the table
// has no entry. See docs/perf-model.md.
EnergyCost authors_energy(int rows, int cols, int pmax, int pmin, int64_t wbuf_bytes, int64_t ibuf_bytes,
                          int64_t obuf_bytes);

}  // namespace bf::model
