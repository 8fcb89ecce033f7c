#include "golden/compiler/layout.hpp"

namespace bf::compiler {

Layout plan_layout(const Geometry& g, const Tiling& t, const LayerDesc& l) {
  auto align = [](uint64_t w) { return (w + 63) / 64 * 64; };
  Layout y;
  const int toc = t.groups * g.cols;

  // Input: NHWC with the halo stored, channels padded to the ic tiles.
  ActLayout& in = y.input;
  in.base = 0;
  in.batch = g.batch, in.height = g.padded_h, in.width = g.padded_w, in.halo = l.pad;
  in.channels = g.in_c, in.cpad = t.ni * t.tj * g.channel_group;
  in.bits = g.act_hw_bits, in.is_signed = l.act.is_signed;
  in.ilv_start = g.ilv_start, in.ilv_rows = g.rows, in.ilv_lanes = g.lanes;

  // Weights: one tile after the other (oc tile, kernel-row tile, ic tile).
  y.weight_tile_words = uint64_t(t.wbuf_words) * g.rows * g.cols;
  y.weight_base = align(in.words());
  y.weight_words = y.weight_tile_words * t.no * t.nk * t.ni;

  // Bias and per-channel requant parameters: per oc tile, its bias words
  // then its parameter words (one int32 each per output channel).
  y.bias_base = align(y.weight_base + y.weight_words);
  y.bias_words = uint64_t(t.no) * toc * uint64_t(g.param_rows);

  // Output: NHWC with the next layer's halo, channels padded to whole
  // words (and to the next layer's channel groups when requantized).
  ActLayout& out = y.output;
  out.base = align(y.bias_base + y.bias_words);
  out.batch = g.batch, out.height = g.out_h + 2 * l.out_pad, out.width = g.out_w + 2 * l.out_pad;
  out.halo = l.out_pad;
  out.channels = g.out_c, out.bits = g.out_bits, out.is_signed = !l.relu;
  const int64_t need =
      g.requant ? round_up(int64_t(t.no) * toc, int64_t(g.rows) * g.out_per_word) : int64_t(t.no) * toc;
  if (l.out_cpad) {
    if (l.out_cpad < need || (g.requant && l.out_cpad % (g.rows * g.out_per_word)))
      layer_error(l, "out_cpad " + std::to_string(l.out_cpad) + " must be >= " + std::to_string(need) +
                         (g.requant ? " and a multiple of " + std::to_string(g.rows * g.out_per_word) : std::string()));
    out.cpad = l.out_cpad;
  } else {
    out.cpad = int(need);
  }
  y.dram_words = align(out.base + out.words());
  return y;
}

}  // namespace bf::compiler
