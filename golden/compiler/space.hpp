// The space of tilings of a layer (docs/isa.md, "Compiler"): tile sizes of
// the batch (b), output rows (h), output columns (w), output-channel groups
// (o), kernel rows (k) and input-channel word groups (i) whose tile fits
// the buffers, and the orders of the tile loops. A search walks
// the space and asks the cost function (cost.hpp) which candidate is
// better; neither knows about the other.
#pragma once
#include <string>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/compiler/geometry.hpp"

namespace bf::compiler {

// Tile sizes worth trying for a dimension of size d (largest first): every
// size up to 64, beyond it the sizes that split d evenly into k tiles and
// the powers of two; `forced` (CompileOptions) narrows it to one size.
std::vector<int> tile_sizes(int d, int forced, const char* what, const LayerDesc& l);

// Calls f(const Tiling&) for every tiling whose tile fits the buffers (half
// of each, or the whole IBUF / WBUF / OBUF as below; 16-bit buffer
// addresses), sizes and buffer words filled in,
// order empty; in a fixed order (kernel-row tiles, ic tiles, oc groups,
// batch, rows, columns; largest first). An IBUF or WBUF tile may instead
// fill the whole buffer (Tiling::ibuf_whole, wbuf_whole): loaded once per
// block it waits for nothing; loaded again (per b/h/w tile for the input,
// per o/k/i tile for the weights) each load waits for the tile commands
// before it, with no overlap. The output tile may fill the whole OBUF (Tiling::obuf_whole;
// CompileOptions::owhole forces it on or off). With ic tiles (ni > 1) and one kernel-row tile, the input
// tile may also be resident (Tiling::ibuf_resident: every ic tile of the
// b/h/w tile in the IBUF, in half of it or in the whole buffer, then
// reloaded per b/h/w tile after the tile commands before it), an extra
// candidate after the plain one.
template <class F>
void for_each_tiling(const Geometry& g, const LayerDesc& l, const CompileOptions& opt, F&& f);

// The orders of the tile loops with more than one tile (a permutation of
// those of "bhwo"; the reduction loops k, i always follow, innermost), or
// the forced order's restriction to them; empty when the forced order does
// not name exactly these loops.
std::vector<std::string> loop_orders(const Tiling& t, const CompileOptions& opt);

// ---------------------------------------------------------------- implementation

template <class F>
void for_each_tiling(const Geometry& g, const LayerDesc& l, const CompileOptions& opt, F&& f) {
  const auto tj_c = tile_sizes(g.word_groups, opt.tj, "tj", l);
  const auto g_c = tile_sizes(g.oc_groups, opt.groups, "groups", l);
  const auto tb_c = tile_sizes(g.batch, opt.tb, "tb", l);
  const auto th_c = tile_sizes(g.out_h, opt.toh, "toh", l);
  const auto tw_c = tile_sizes(g.out_w, opt.tow, "tow", l);
  std::vector<int> tk_c;
  for (int d = g.kernel_h; d >= 1; --d)
    if (g.kernel_h % d == 0 && (!opt.tkh || opt.tkh == d)) tk_c.push_back(d);
  if (tk_c.empty()) layer_error(l, "forced tkh " + std::to_string(opt.tkh) + " does not divide the kernel height");
  const int P = g.act_opwords_per_word, Pw = g.wgt_opwords_per_word;
  for (int tkh : tk_c)
    for (int tj : tj_c) {
      const int ni = cdiv(g.word_groups, tj), nk = g.kernel_h / tkh;
      const int kc = ni == 1 ? g.chunks_one_tile : tj * P;
      const int64_t wrows_g = int64_t(g.wgt_planes) * tkh * g.kernel_w * round_up(kc, Pw) / Pw;
      for (int G : g_c) {
        const int no = cdiv(g.oc_groups, G), toc = G * g.cols;
        if (no > 1 && toc % g.out_per_word) continue;  // oc tiles must start on a word
        const int64_t wrows = G * wrows_g;
        // A weight tile over half the WBUF fills the whole buffer (whole=w);
        // loaded more than once, each load waits for the tile commands
        // before it (compile() ranks such candidates apart).
        if (wrows > g.wbuf_half * 2 || wrows * Pw > kAddrLimit) continue;
        for (int tb : tb_c)
          for (int toh : th_c)
            for (int tow : tw_c) {
              const int64_t tih = int64_t(toh - 1) * g.stride + tkh, tiw = int64_t(tow - 1) * g.stride + g.kernel_w;
              const int64_t irows = tb * tih * tiw * g.act_planes * tj;
              // A resident input: every ic tile in the IBUF at once.
              const int64_t irows_res = irows * ni;
              // It may fill the whole IBUF even when it is reloaded per b/h/w
              // tile: that load then waits for the tile commands before it
              // (the half-free flags; no overlap), which the oc and ic steps
              // reading the tile amortize.
              const bool res_ok = opt.resident != 0 && nk == 1 && ni > 1 && irows_res <= 2 * int64_t(g.ibuf_half) &&
                                  irows_res * P <= kAddrLimit && int64_t(tj) * ni * g.rows <= 65536;
              // A plain input tile over half the IBUF fills the whole of it too.
              const bool plain_ok = opt.resident != 1 && irows <= g.ibuf_half * 2 && irows * P <= kAddrLimit;
              if (!plain_ok && !res_ok) continue;
              const int64_t tp = int64_t(tb) * toh * tow;
              const int64_t orows = G * tp + int64_t(G) * g.param_rows;
              // The whole OBUF (obuf_whole) holds twice a half's rows.
              if (orows > g.obuf_half * (opt.owhole != 0 ? 2 : 1) || orows > kAddrLimit) continue;
              Tiling t;
              t.tb = tb, t.toh = toh, t.tow = tow, t.groups = G, t.tkh = tkh, t.tj = tj, t.kc = kc;
              t.nb = cdiv(g.batch, tb), t.nh = cdiv(g.out_h, toh), t.nw = cdiv(g.out_w, tow);
              t.no = no, t.nk = nk, t.ni = ni;
              t.wbuf_words = int(wrows), t.obuf_words = int(orows);
              t.wbuf_whole = wrows > g.wbuf_half;
              t.obuf_whole = opt.owhole == 1 || orows > g.obuf_half;
              t.order.clear();
              if (plain_ok) {
                t.ibuf_words = int(irows), t.ibuf_whole = irows > g.ibuf_half, t.ibuf_resident = false;
                f(static_cast<const Tiling&>(t));
              }
              if (res_ok) {
                t.ibuf_words = int(irows_res), t.ibuf_whole = irows_res > g.ibuf_half, t.ibuf_resident = true;
                f(static_cast<const Tiling&>(t));
              }
            }
      }
    }
}

}  // namespace bf::compiler
