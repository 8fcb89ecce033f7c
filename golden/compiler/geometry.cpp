#include "golden/compiler/geometry.hpp"

#include <algorithm>
#include <stdexcept>

#include "golden/machine.hpp"
#include "golden/precision.hpp"
#include "golden/requant.hpp"

namespace bf::compiler {

void layer_error(const LayerDesc& l, const std::string& msg) {
  throw std::runtime_error("layer '" + l.name + "': " + msg);
}

Geometry make_geometry(const LayerDesc& l, const ArrayConfig& cfg) {
  validate(cfg);
  if (!valid_bits(l.act.bits))
    layer_error(l, "unsupported activation width " + std::to_string(l.act.bits) + " (1, 2, 4, 8, 16)");
  if (!valid_bits(l.wgt.bits))
    layer_error(l, "unsupported weight width " + std::to_string(l.wgt.bits) + " (1, 2, 4, 8, 16)");
  if (l.out_bits != 0 && !valid_bits(l.out_bits))
    layer_error(l, "unsupported output width " + std::to_string(l.out_bits) + " (0 = raw int32, 1, 2, 4, 8, 16)");
  if (l.batch < 1 || l.in_c < 1 || l.out_c < 1 || l.in_h < 1 || l.in_w < 1 || l.kernel_h < 1 || l.kernel_w < 1 ||
      l.stride < 1 || l.pad < 0 || l.out_pad < 0)
    layer_error(l, "batch, channels, sizes, kernel and stride must be >= 1, padding >= 0");
  if (l.kernel_h > l.in_h + 2 * l.pad || l.kernel_w > l.in_w + 2 * l.pad)
    layer_error(l, "kernel " + std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) +
                       " is larger than the padded input");
  if (l.shift < 0) layer_error(l, "shift " + std::to_string(l.shift) + " is negative");
  if (l.out_bits == 0 && (l.relu || l.shift || l.mult != 1 || l.round || l.zero_point || l.clamp || l.channel_requant))
    layer_error(l, "relu, shift and the requantization parameters need a requantized output (out_bits > 0)");
  if (l.mult < 1 || l.mult > 65535) layer_error(l, "mult " + std::to_string(l.mult) + " is outside [1, 65535]");
  if (l.shift > kRequantMaxShift) layer_error(l, "shift " + std::to_string(l.shift) + " is outside [0, 47]");
  if (l.shift > 31 && l.mult == 1 && !l.round && !l.channel_requant)
    layer_error(l, "shift " + std::to_string(l.shift) + " is outside [0, 31]");
  if (l.zero_point < -65536 || l.zero_point > 65535)
    layer_error(l, "zero point " + std::to_string(l.zero_point) + " is outside [-65536, 65535]");
  if (l.clamp && (l.clamp_lo > l.clamp_hi || l.clamp_lo < -65536 || l.clamp_hi > 65535))
    layer_error(l, "clamp [" + std::to_string(l.clamp_lo) + ", " + std::to_string(l.clamp_hi) +
                       "] is empty or outside [-65536, 65535]");

  const BufferGeometry bg = BufferGeometry::of(cfg);
  Geometry g;
  g.rows = cfg.rows, g.cols = cfg.cols;
  g.ibuf_half = bg.ibuf_half(), g.wbuf_half = bg.wbuf_half(), g.obuf_half = bg.obuf_half();
  g.batch = l.batch, g.in_c = l.in_c, g.out_c = l.out_c;
  g.kernel_h = l.kernel_h, g.kernel_w = l.kernel_w, g.stride = l.stride;
  g.out_h = l.out_h(), g.out_w = l.out_w();
  g.padded_h = l.in_h + 2 * l.pad, g.padded_w = l.in_w + 2 * l.pad;
  g.bias = l.bias;
  g.channel_requant = l.channel_requant;
  g.param_rows = (l.bias ? 1 : 0) + (l.channel_requant ? 1 : 0);
  g.act_hw_bits = hw_bits(l.act.bits), g.wgt_hw_bits = hw_bits(l.wgt.bits);
  g.act_planes = g.act_hw_bits == 16 ? 2 : 1, g.wgt_planes = g.wgt_hw_bits == 16 ? 2 : 1;
  g.act_bits = g.act_hw_bits == 16 ? 8 : g.act_hw_bits, g.wgt_bits = g.wgt_hw_bits == 16 ? 8 : g.wgt_hw_bits;
  g.lanes = 64 / (g.act_bits * g.wgt_bits);
  g.act_per_word = 32 / g.act_bits;
  g.act_opwords_per_word = g.wgt_bits / 2;
  g.wgt_opwords_per_word = g.act_bits / 2;
  g.channel_group = g.rows * g.act_per_word;
  g.word_groups = cdiv(g.in_c, g.channel_group);
  if (l.in_cpad) {
    if (l.in_cpad < g.in_c || l.in_cpad % g.channel_group)
      layer_error(l, "in_cpad " + std::to_string(l.in_cpad) + " must be >= in_c and a multiple of " +
                         std::to_string(g.channel_group));
    g.word_groups = l.in_cpad / g.channel_group;
  }
  {
    // With one input-channel tile the last word group may need fewer
    // chunks: only as many as its channels fill lanes.
    const int jl = (g.in_c - 1) / g.channel_group;
    const int64_t rest = g.in_c - int64_t(jl) * g.channel_group;  // channels of the last word group
    // Interleaved (host-written input): spread over the rows first, they
    // need cdiv(rest, rows * lanes) chunks instead of cdiv(rest, lanes).
    const bool ilv = l.in_interleave && !l.in_cpad && rest < g.channel_group;
    g.ilv_start = ilv ? jl * g.channel_group : -1;
    g.chunks_one_tile = jl * g.act_opwords_per_word +
                        std::min(g.act_opwords_per_word, cdiv(rest, int64_t(g.lanes) * (ilv ? g.rows : 1)));
  }
  g.oc_groups = cdiv(g.out_c, g.cols);
  g.requant = l.out_bits != 0;
  g.out_bits = g.requant ? hw_bits(l.out_bits) : 32;
  g.out_planes = g.out_bits == 16 ? 2 : 1;
  g.out_per_word = 32 / (g.out_bits == 16 ? 8 : g.out_bits);
  return g;
}

}  // namespace bf::compiler
