// The roofline of a conv / fc layer: the fewest cycles any schedule can
// take on a design, the larger of
//   compute  MACs / peak MACs per cycle at the layer's widths
//   memory   compulsory DRAM bits / DRAM port bits per cycle
// where the compulsory traffic is every input activation, weight and
// output moved once (plus, in rtl mode, the bias and per-channel output
// stage words the write-back reads). `bitfusion perf` prints it per layer
// and in total, with cycles / bound, so that every loss is visible.
//
// The widths of the traffic follow the mode:
//   paper  the authors' model: operands at the design's storage widths,
//          outputs as 32-bit values (as their simulator moves them);
//   rtl    this project's DRAM layouts: operands at the widths the array
//          runs (1-bit as 2), outputs at the requantized width (raw: 32).
#pragma once
#include <cstdint>

#include "golden/compiler.hpp"
#include "model/design.hpp"
#include "model/network.hpp"

namespace bf::model {

struct Roofline {
  double compute_cycles = 0;  // MACs / peak
  double dram_cycles = 0;     // compulsory bits / port bits
  int64_t compulsory_bits = 0;
  double bound() const { return compute_cycles > dram_cycles ? compute_cycles : dram_cycles; }
  bool memory_bound() const { return dram_cycles > compute_cycles; }
};
// A network's bound is the sum of its layers' bounds.

// Paper mode: a network layer at `batch`.
Roofline paper_roofline(const Design& d, const Layer& l, int batch);
// Rtl mode: the layer as the compiler receives it.
Roofline rtl_roofline(const Design& d, const LayerDesc& l);

}  // namespace bf::model
