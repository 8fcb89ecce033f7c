// The code emitter: one instruction block (docs/isa.md) for a tiled layer,
// one emitter per part: the setup, the tile loops, each memory stream
// (IBUF loads, WBUF loads, bias loads, the OBUF store), the tile engine,
// the body.
#pragma once
#include <vector>

#include "golden/compiler.hpp"
#include "golden/compiler/geometry.hpp"
#include "golden/compiler/layout.hpp"
#include "golden/isa.hpp"

namespace bf::compiler {

// Throws (one line naming the layer) when a stride, count or run does not
// fit its field.
std::vector<isa::Instr> emit_block(const Geometry& g, const Tiling& t, const Layout& y, const LayerDesc& l);

}  // namespace bf::compiler
