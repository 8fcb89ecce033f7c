// The DRAM layout planner (docs/isa.md, "DRAM layouts"): where the input,
// the pre-tiled weights, the bias and the output of a compiled layer live,
// one after another, each aligned to 64 words.
#pragma once
#include <cstdint>

#include "golden/compiler.hpp"
#include "golden/compiler/geometry.hpp"

namespace bf::compiler {

struct Layout {
  ActLayout input, output;
  uint64_t weight_base = 0, weight_words = 0;
  uint64_t weight_tile_words = 0;  // one weight tile (WBUF rows x N*M words)
  uint64_t bias_base = 0, bias_words = 0;
  uint64_t dram_words = 0;  // the whole image
};

// Throws (one line naming the layer) when out_cpad cannot hold the output.
Layout plan_layout(const Geometry& g, const Tiling& t, const LayerDesc& l);

}  // namespace bf::compiler
