// The cost of a tiling with a loop order: the DRAM traffic the compiled
// block moves (closed form; the functional machine measures the same
// bytes) and its steps. The search (golden/compiler.cpp) ranks candidates
// with `better`; the space of candidates is golden/compiler/space.hpp.
#pragma once
#include <cstdint>
#include <string>

#include "golden/compiler.hpp"
#include "golden/compiler/geometry.hpp"

namespace bf::compiler {

struct Cost {
  uint64_t input_bytes = 0;   // input image loads (halos re-read per tile; reloads per order)
  uint64_t weight_bytes = 0;  // weight tiles (reloads per order)
  uint64_t bias_bytes = 0;    // one bias load per output tile
  uint64_t output_bytes = 0;  // the output, once
  uint64_t steps = 0;         // tile-loop iterations
  uint64_t read_bytes() const { return input_bytes + weight_bytes + bias_bytes; }
  uint64_t total_bytes() const { return read_bytes() + output_bytes; }
};

// `order`: the tile loops with more than one tile, outermost first (the
// reduction loops k, i follow innermost).
Cost cost_of(const Geometry& g, const Tiling& t, const std::string& order);

// Whether `a` is strictly better than `b`: fewer DRAM bytes, then fewer
// steps (ties keep the earlier candidate of the space's order).
bool better(const Cost& a, const Cost& b);

}  // namespace bf::compiler
