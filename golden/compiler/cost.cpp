#include "golden/compiler/cost.hpp"

#include <algorithm>

namespace bf::compiler {

Cost cost_of(const Geometry& g, const Tiling& t, const std::string& order) {
  Cost c;
  const int toc = t.groups * g.cols;
  const bool red_tiled = t.ni > 1 || t.nk > 1;
  // One pass over the input: every tile's rows and columns with its halo,
  // per kernel-row tile and ic tile.
  const uint64_t sum_h = uint64_t(g.out_h) * g.stride + uint64_t(t.nh) * t.tkh - uint64_t(t.nh) * g.stride;
  const uint64_t sum_w = uint64_t(g.out_w) * g.stride + uint64_t(t.nw) * (g.kernel_w - g.stride);
  const uint64_t in_once = uint64_t(g.batch) * sum_h * sum_w * g.act_planes * t.tj * g.rows * t.ni * t.nk * 4;
  const uint64_t w_once = uint64_t(t.no) * t.nk * t.ni * uint64_t(t.wbuf_words) * g.rows * g.cols * 4;
  // Reloads: the input once per oc tile when o is outside the deepest of
  // b/h/w (or reduction tiles exist and the input is not resident); the weights once per b/h/w tile
  // outside the o loop (every step when reduction tiles exist).
  // Position of each loop in the order (-1: absent; found once, the search
  // calls this for every candidate).
  int at_b = -1, at_h = -1, at_w = -1, at_o = -1;
  for (size_t i = 0; i < order.size(); ++i) {
    const int k = int(i);
    switch (order[i]) {
      case 'b': at_b = k; break;
      case 'h': at_h = k; break;
      case 'w': at_w = k; break;
      case 'o': at_o = k; break;
      default: break;
    }
  }
  const auto pos = [&](char ch) { return ch == 'b' ? at_b : ch == 'h' ? at_h : ch == 'w' ? at_w : at_o; };
  uint64_t f_in = 1, f_w = 1;
  if (t.no > 1) {
    const int deepest = std::max({at_b, at_h, at_w});
    // A resident input tile holds every ic tile: it is loaded once per b/h/w
    // tile, again per oc tile only when o is outside the deepest of them.
    if (t.ibuf_resident ? pos('o') < deepest : (red_tiled || pos('o') < deepest)) f_in = uint64_t(t.no);
  }
  const int w_level = red_tiled ? 99 : (t.no > 1 ? pos('o') : -1);
  for (const char ch : {'b', 'h', 'w'}) {
    const int p = pos(ch);
    if (p >= 0 && p < w_level) f_w *= uint64_t(ch == 'b' ? t.nb : ch == 'h' ? t.nh : t.nw);
  }
  c.input_bytes = in_once * f_in;
  c.weight_bytes = w_once * f_w;
  c.bias_bytes = uint64_t(t.nb) * t.nh * t.nw * t.no * toc * 4 * uint64_t(g.param_rows);
  const int run = t.no == 1 ? cdiv(toc, g.out_per_word) : toc / g.out_per_word;
  c.output_bytes = uint64_t(g.batch) * g.out_h * g.out_w * t.no * run * g.out_planes * 4;
  c.steps = uint64_t(t.nb) * t.nh * t.nw * t.no * t.nk * t.ni;
  return c;
}

bool better(const Cost& a, const Cost& b) {
  if (a.total_bytes() != b.total_bytes()) return a.total_bytes() < b.total_bytes();
  return a.steps < b.steps;
}

}  // namespace bf::compiler
