#include "golden/compiler.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "golden/machine.hpp"

namespace bf {

using namespace isa;

uint64_t LayerDesc::macs() const {
  return uint64_t(batch) * out_h() * out_w() * out_c * in_c * kernel_h * kernel_w;
}

LayerDesc make_conv(int batch, int in_c, int out_c, int h, int w, int k, int stride, int pad) {
  LayerDesc l;
  l.batch = batch, l.in_c = in_c, l.out_c = out_c, l.in_h = h, l.in_w = w;
  l.kernel_h = l.kernel_w = k, l.stride = stride, l.pad = pad;
  return l;
}

LayerDesc make_fc(int batch, int in_f, int out_f) { return make_conv(batch, in_f, out_f, 1, 1, 1, 1, 0); }

namespace {

[[noreturn]] void err(const LayerDesc& l, const std::string& m) {
  throw std::runtime_error("layer '" + l.name + "': " + m);
}

int cdiv(int64_t a, int64_t b) { return int((a + b - 1) / b); }
int64_t rup(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

// Tile sizes worth trying for a dimension of size d: ceil(d/k) for k >= 1.
std::vector<int> candidates(int d, int forced, const char* what, const LayerDesc& l) {
  if (forced) {
    if (forced < 1 || forced > d) err(l, std::string("forced ") + what + " " + std::to_string(forced) +
                                             " is outside [1, " + std::to_string(d) + "]");
    return {forced};
  }
  // Every size up to 64; beyond, the sizes that split d evenly into k
  // tiles and the powers of two.
  std::vector<int> v;
  for (int k = 1; k <= d; ++k) {
    const int t = cdiv(d, k);
    if (v.empty() || v.back() != t) v.push_back(t);
  }
  for (int t = 1; t <= d; t = t < 64 ? t + 1 : 2 * t) v.push_back(t);
  std::sort(v.rbegin(), v.rend());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Everything the compiler derives from the layer and the array.
struct Geometry {
  int N, M, B, IC, OC, KH, KW, S, OH, OW, Hp, Wp;
  int A, W, pa, pw;     // spatial widths of the planes, plane counts
  int L, Ein, P, Pw;    // lanes, act elements per word, op-words per IBUF / WBUF word
  int Jc, Kc1;          // word-groups of the input channels; chunks needed with one ic tile
  bool requant;
  int ob, po, Eout;     // output bits (32 raw), planes, elements per word
};

struct Choice {
  Tiling t;
  uint64_t in_once, w_once, bias_bytes, out_bytes, total;
  uint64_t steps;
};

}  // namespace

CompiledLayer compile(const LayerDesc& layer, const ArrayConfig& cfg, const CompileOptions& opt) {
  const LayerDesc& l = layer;
  validate(cfg);
  if (!valid_bits(l.act.bits)) err(l, "unsupported activation width " + std::to_string(l.act.bits) + " (1, 2, 4, 8, 16)");
  if (!valid_bits(l.wgt.bits)) err(l, "unsupported weight width " + std::to_string(l.wgt.bits) + " (1, 2, 4, 8, 16)");
  if (l.out_bits != 0 && !valid_bits(l.out_bits))
    err(l, "unsupported output width " + std::to_string(l.out_bits) + " (0 = raw int32, 1, 2, 4, 8, 16)");
  if (l.batch < 1 || l.in_c < 1 || l.out_c < 1 || l.in_h < 1 || l.in_w < 1 || l.kernel_h < 1 || l.kernel_w < 1 ||
      l.stride < 1 || l.pad < 0 || l.out_pad < 0)
    err(l, "batch, channels, sizes, kernel and stride must be >= 1, padding >= 0");
  if (l.kernel_h > l.in_h + 2 * l.pad || l.kernel_w > l.in_w + 2 * l.pad)
    err(l, "kernel " + std::to_string(l.kernel_h) + "x" + std::to_string(l.kernel_w) + " is larger than the padded input");
  if (l.shift < 0 || l.shift > 31) err(l, "shift " + std::to_string(l.shift) + " is outside [0, 31]");
  if (l.out_bits == 0 && (l.relu || l.shift))
    err(l, "relu and shift need a requantized output (out_bits > 0)");

  const BufferGeometry bg = BufferGeometry::of(cfg);
  Geometry g;
  g.N = cfg.rows, g.M = cfg.cols, g.B = l.batch, g.IC = l.in_c, g.OC = l.out_c;
  g.KH = l.kernel_h, g.KW = l.kernel_w, g.S = l.stride, g.OH = l.out_h(), g.OW = l.out_w();
  g.Hp = l.in_h + 2 * l.pad, g.Wp = l.in_w + 2 * l.pad;
  const int ab = hw_bits(l.act.bits), wb = hw_bits(l.wgt.bits);
  g.pa = ab == 16 ? 2 : 1, g.pw = wb == 16 ? 2 : 1;
  g.A = ab == 16 ? 8 : ab, g.W = wb == 16 ? 8 : wb;
  g.L = 64 / (g.A * g.W), g.Ein = 32 / g.A, g.P = g.W / 2, g.Pw = g.A / 2;
  const int cgrp = g.N * g.Ein;
  g.Jc = cdiv(g.IC, cgrp);
  if (l.in_cpad) {
    if (l.in_cpad < g.IC || l.in_cpad % cgrp)
      err(l, "in_cpad " + std::to_string(l.in_cpad) + " must be >= in_c and a multiple of " + std::to_string(cgrp));
    g.Jc = l.in_cpad / cgrp;
  }
  {
    const int jl = (g.IC - 1) / cgrp;
    g.Kc1 = jl * g.P + std::min(g.P, cdiv(g.IC - int64_t(jl) * cgrp, g.L));
  }
  g.requant = l.out_bits != 0;
  g.ob = g.requant ? hw_bits(l.out_bits) : 32;
  g.po = g.ob == 16 ? 2 : 1;
  g.Eout = 32 / (g.ob == 16 ? 8 : g.ob);
  const int OCg = cdiv(g.OC, g.M);
  const int ih_half = bg.ibuf_half(), wh_half = bg.wbuf_half(), oh_half = bg.obuf_half();
  const int64_t kAddrLimit = 65536;  // 16-bit buffer strides and bases

  // ------------------------------------------------------------ tiling search
  const auto tj_c = candidates(g.Jc, opt.tj, "tj", l);
  const auto g_c = candidates(OCg, opt.groups, "groups", l);
  const auto tb_c = candidates(g.B, opt.tb, "tb", l);
  const auto th_c = candidates(g.OH, opt.toh, "toh", l);
  const auto tw_c = candidates(g.OW, opt.tow, "tow", l);
  std::vector<int> tk_c;
  for (int d = g.KH; d >= 1; --d)
    if (g.KH % d == 0 && (!opt.tkh || opt.tkh == d)) tk_c.push_back(d);
  if (tk_c.empty()) err(l, "forced tkh " + std::to_string(opt.tkh) + " does not divide the kernel height");
  bool have = false;
  Choice best{};
  for (int tkh : tk_c)
  for (int tj : tj_c) {
    const int ni = cdiv(g.Jc, tj), nk = g.KH / tkh;
    const int kc = ni == 1 ? g.Kc1 : tj * g.P;
    const int kwt = int(rup(kc, g.Pw));
    const int64_t wrows_g = int64_t(g.pw) * tkh * g.KW * kwt / g.Pw;
    for (int G : g_c) {
      const int no = cdiv(OCg, G), toc = G * g.M;
      if (no > 1 && toc % g.Eout) continue;  // oc tiles must start on a word
      const int64_t wrows = G * wrows_g;
      if (wrows > wh_half || wrows * g.Pw > kAddrLimit) continue;
      for (int tb : tb_c)
        for (int toh : th_c)
          for (int tow : tw_c) {
            const int64_t tih = int64_t(toh - 1) * g.S + tkh, tiw = int64_t(tow - 1) * g.S + g.KW;
            const int64_t irows = tb * tih * tiw * g.pa * tj;
            if (irows > ih_half || irows * g.P > kAddrLimit) continue;
            const int64_t tp = int64_t(tb) * toh * tow;
            const int64_t orows = G * tp + (l.bias ? G : 0);
            if (orows > oh_half || orows > kAddrLimit) continue;
            Choice c;
            Tiling& t = c.t;
            t.tb = tb, t.toh = toh, t.tow = tow, t.groups = G, t.tkh = tkh, t.tj = tj, t.kc = kc;
            t.nb = cdiv(g.B, tb), t.nh = cdiv(g.OH, toh), t.nw = cdiv(g.OW, tow), t.no = no, t.nk = nk, t.ni = ni;
            const bool red_tiled = ni > 1 || nk > 1;
            t.ibuf_words = int(irows), t.wbuf_words = int(wrows), t.obuf_words = int(orows);
            const uint64_t sum_h = uint64_t(g.OH) * g.S + uint64_t(t.nh) * tkh - uint64_t(t.nh) * g.S;
            const uint64_t sum_w = uint64_t(g.OW) * g.S + uint64_t(t.nw) * (g.KW - g.S);
            c.in_once = uint64_t(g.B) * sum_h * sum_w * g.pa * tj * g.N * ni * nk * 4;
            c.w_once = uint64_t(no) * nk * ni * wrows * g.N * g.M * 4;
            c.bias_bytes = l.bias ? uint64_t(t.nb) * t.nh * t.nw * no * toc * 4 : 0;
            const int run = no == 1 ? cdiv(toc, g.Eout) : toc / g.Eout;
            c.out_bytes = uint64_t(g.B) * g.OH * g.OW * no * run * g.po * 4;
            c.steps = uint64_t(t.nb) * t.nh * t.nw * no * nk * ni;
            // Loop orders of the loops with more than one tile; i innermost.
            std::string present;
            for (char ch : std::string("bhwo"))
              if ((ch == 'b' && t.nb > 1) || (ch == 'h' && t.nh > 1) || (ch == 'w' && t.nw > 1) || (ch == 'o' && no > 1))
                present += ch;
            std::vector<std::string> orders;
            if (!opt.order.empty()) {
              std::string o;
              for (char ch : opt.order)
                if (present.find(ch) != std::string::npos) o += ch;
              std::string so = o, sp = present;
              std::sort(so.begin(), so.end()), std::sort(sp.begin(), sp.end());
              if (so != sp) continue;  // the forced order does not name these loops
              orders.push_back(o);
            } else {
              std::sort(present.begin(), present.end());
              do orders.push_back(present);
              while (std::next_permutation(present.begin(), present.end()));
            }
            for (const auto& ord : orders) {
              // Input reloads: o outside the deepest of b/h/w (when i is absent).
              uint64_t f_in = 1, f_w = 1;
              const auto pos = [&](char ch) { return int(ord.find(ch)); };
              if (no > 1) {
                int deepest = -1;
                for (char ch : std::string("bhw"))
                  if (ord.find(ch) != std::string::npos) deepest = std::max(deepest, pos(ch));
                if (red_tiled || pos('o') < deepest) f_in = no;
              }
              const int w_level = red_tiled ? 99 : (no > 1 ? pos('o') : -1);
              for (char ch : std::string("bhw")) {
                const int p = int(ord.find(ch));
                if (p >= 0 && p < w_level) f_w *= ch == 'b' ? t.nb : ch == 'h' ? t.nh : t.nw;
              }
              const uint64_t total = c.in_once * f_in + c.w_once * f_w + c.bias_bytes + c.out_bytes;
              const bool better = !have || total < best.total ||
                                  (total == best.total && c.steps < best.steps);
              if (better) {
                best = c;
                best.t.order = ord;
                best.total = total;
                have = true;
              }
            }
          }
    }
  }
  if (!have) {
    // Report what the smallest tile needs.
    const int ni = g.Jc, kc = ni == 1 ? g.Kc1 : g.P;
    const int64_t wrows = int64_t(g.pw) * g.KW * rup(kc, g.Pw) / g.Pw;
    const int64_t irows = int64_t(g.KW) * g.pa;
    const int64_t orows = 1 + (l.bias ? 1 : 0);
    std::ostringstream m;
    if (irows <= ih_half && wrows <= wh_half && orows <= oh_half && g.Eout > 1)
      err(l, "no tiling fits: output-channel tiles must be multiples of " + std::to_string(g.Eout) +
                 " channels (one packed output word) and those do not fit" +
                 (opt.tb || opt.toh || opt.tow || opt.groups || opt.tj || !opt.order.empty() ? " with the forced tiling" : ""));
    m << "the smallest tile does not fit half of the buffers of '" << cfg.name << "': needs IBUF " << irows
      << " words/bank (half " << ih_half << "), WBUF " << wrows << " (half " << wh_half << "), OBUF " << orows
      << " (half " << oh_half << ")";
    if (opt.tb || opt.toh || opt.tow || opt.groups || opt.tj || !opt.order.empty()) m << " with the forced tiling";
    err(l, m.str());
  }

  // ------------------------------------------------------------ layout
  CompiledLayer c;
  c.layer = l;
  c.cfg = cfg;
  Tiling& t = best.t;
  c.tiling = t;
  const int toc = t.groups * g.M;
  const int Jtot = t.ni * t.tj;
  auto align = [](uint64_t w) { return (w + 63) / 64 * 64; };

  c.input.base = 0;
  c.input.batch = g.B, c.input.height = g.Hp, c.input.width = g.Wp, c.input.halo = l.pad;
  c.input.channels = g.IC, c.input.cpad = Jtot * cgrp, c.input.bits = ab, c.input.is_signed = l.act.is_signed;

  const int64_t wrows = t.wbuf_words;
  const uint64_t tile_words = uint64_t(wrows) * g.N * g.M;
  c.weight_base = align(c.input.words());
  c.weight_words = tile_words * t.no * t.nk * t.ni;
  c.bias_base = align(c.weight_base + c.weight_words);
  c.bias_words = l.bias ? uint64_t(t.no) * toc : 0;

  ActLayout& out = c.output;
  out.base = align(c.bias_base + c.bias_words);
  out.batch = g.B, out.height = g.OH + 2 * l.out_pad, out.width = g.OW + 2 * l.out_pad, out.halo = l.out_pad;
  out.channels = g.OC, out.bits = g.ob, out.is_signed = !l.relu;
  {
    const int64_t need = g.requant ? rup(int64_t(t.no) * toc, int64_t(g.N) * g.Eout) : int64_t(t.no) * toc;
    if (l.out_cpad) {
      if (l.out_cpad < need || (g.requant && l.out_cpad % (g.N * g.Eout)))
        err(l, "out_cpad " + std::to_string(l.out_cpad) + " must be >= " + std::to_string(need) +
                   (g.requant ? " and a multiple of " + std::to_string(g.N * g.Eout) : std::string()));
      out.cpad = l.out_cpad;
    } else {
      out.cpad = int(need);
    }
  }
  c.dram_words = align(out.base + out.words());

  // ------------------------------------------------------------ the block
  auto& blk = c.block;
  SetupFields su;
  su.act_bits = ab, su.act_signed = l.act.is_signed, su.wgt_bits = wb, su.wgt_signed = l.wgt.is_signed;
  su.requant = g.requant, su.out_bits = g.requant ? g.ob : 8, su.relu = l.relu, su.bias = l.bias;
  su.shift = l.shift;
  blk.push_back(make_setup(su));

  // Tile loop ids, outermost first; i innermost when tiled.
  std::string nest = t.order + (t.nk > 1 ? "k" : "") + (t.ni > 1 ? "i" : "");
  auto id_of = [&](char ch) { return int(nest.find(ch)); };  // -1 when absent
  auto count_of = [&](char ch) {
    return ch == 'b' ? t.nb : ch == 'h' ? t.nh : ch == 'w' ? t.nw : ch == 'o' ? t.no : ch == 'k' ? t.nk : t.ni;
  };
  for (size_t k = 0; k < nest.size(); ++k) blk.push_back(make_loop(int(k), uint32_t(count_of(nest[k]))));
  auto level_of = [&](const std::string& deps) {
    int lv = -1;
    for (char ch : deps) lv = std::max(lv, id_of(ch));
    return lv < 0 ? kIdBase : lv;
  };

  auto check16 = [&](int64_t v, const char* what) {
    if (v < 0 || v >= kAddrLimit) err(l, std::string(what) + " " + std::to_string(v) + " does not fit 16 bits");
    return uint16_t(v);
  };
  auto gen = [&](int s, int target, uint64_t v) {
    if (v > 0xffffffffull) err(l, "DRAM address or stride " + std::to_string(v) + " does not fit 32 bits");
    if (v == 0) return;
    blk.push_back(make_gen_lo(s, target, uint16_t(v & 0xffff)));
    if (v >> 16) blk.push_back(make_gen_hi(s, target, uint16_t(v >> 16)));
  };
  auto rd = [&](int b, int target, int64_t v) {
    if (v) blk.push_back(make_rd_buf(b, target, check16(v, "buffer stride")));
  };
  auto wr = [&](int s, int target, int64_t v) {
    if (v) blk.push_back(make_wr_buf(s, target, check16(v, "buffer stride")));
  };
  // A count that may be shorter in the last tile of loop `ch`.
  auto count = [&](int id, int full, int dimsize, char ch, int stream = 0) {
    if (full > 65536) err(l, "count " + std::to_string(full) + " exceeds 65536");
    if (full != 1) blk.push_back(make_loop(id, uint32_t(full), stream));
    const int lid = id_of(ch);
    if (lid < 0 || dimsize < 0) return;
    const int lastv = dimsize - (count_of(ch) - 1) * full;
    if (lastv != full) blk.push_back(make_loop_edge(id, uint32_t(lastv), lid, stream));
  };
  const int64_t tih = int64_t(t.toh - 1) * g.S + t.tkh, tiw = int64_t(t.tow - 1) * g.S + g.KW;
  const int lastoh = g.OH - (t.nh - 1) * t.toh, lastow = g.OW - (t.nw - 1) * t.tow;
  const int64_t tih_last = int64_t(lastoh - 1) * g.S + t.tkh, tiw_last = int64_t(lastow - 1) * g.S + g.KW;

  // IBUF stream: dims plane, x, y, b; one run = tj word-groups of N words.
  const uint64_t pxw = c.input.pixel_words();
  gen(kIbuf, kIdBase, c.input.base);
  if (id_of('b') >= 0) gen(kIbuf, id_of('b'), uint64_t(t.tb) * g.Hp * g.Wp * pxw);
  if (id_of('h') >= 0) gen(kIbuf, id_of('h'), uint64_t(t.toh) * g.S * g.Wp * pxw);
  if (id_of('w') >= 0) gen(kIbuf, id_of('w'), uint64_t(t.tow) * g.S * pxw);
  if (id_of('k') >= 0) gen(kIbuf, id_of('k'), uint64_t(t.tkh) * g.Wp * pxw);
  if (id_of('i') >= 0) gen(kIbuf, id_of('i'), uint64_t(t.tj) * g.N);
  const int64_t irow_px = int64_t(g.pa) * t.tj;
  count(kDim0 + 0, g.pa, -1, 'x', kIbuf);
  gen(kIbuf, kDim0 + 0, c.input.plane_words());
  wr(kIbuf, kDim0 + 0, t.tj);
  blk.push_back(make_loop(kDim0 + 1, uint32_t(tiw), kIbuf));
  if (tiw_last != tiw && id_of('w') >= 0) blk.push_back(make_loop_edge(kDim0 + 1, uint32_t(tiw_last), id_of('w'), kIbuf));
  gen(kIbuf, kDim0 + 1, pxw);
  wr(kIbuf, kDim0 + 1, irow_px);
  blk.push_back(make_loop(kDim0 + 2, uint32_t(tih), kIbuf));
  if (tih_last != tih && id_of('h') >= 0) blk.push_back(make_loop_edge(kDim0 + 2, uint32_t(tih_last), id_of('h'), kIbuf));
  gen(kIbuf, kDim0 + 2, uint64_t(g.Wp) * pxw);
  wr(kIbuf, kDim0 + 2, tiw * irow_px);
  count(kDim0 + 3, t.tb, g.B, 'b', kIbuf);
  gen(kIbuf, kDim0 + 3, uint64_t(g.Hp) * g.Wp * pxw);
  wr(kIbuf, kDim0 + 3, tih * tiw * irow_px);

  // WBUF stream: one row of N*M words per run.
  gen(kWbuf, kIdBase, c.weight_base);
  if (id_of('o') >= 0) gen(kWbuf, id_of('o'), tile_words * t.nk * t.ni);
  if (id_of('k') >= 0) gen(kWbuf, id_of('k'), tile_words * t.ni);
  if (id_of('i') >= 0) gen(kWbuf, id_of('i'), tile_words);
  count(kDim0, int(wrows), -1, 'x', kWbuf);
  gen(kWbuf, kDim0, uint64_t(g.N) * g.M);
  wr(kWbuf, kDim0, 1);

  // Bias stream: toc words into the OBUF rows after the output tile.
  const int64_t tp = int64_t(t.tb) * t.toh * t.tow;
  if (l.bias) {
    gen(kBias, kIdBase, c.bias_base);
    if (id_of('o') >= 0) gen(kBias, id_of('o'), toc);
    wr(kBias, kIdBase, t.groups * tp);
  }

  // OBUF store: dims x, y, b; one run = the tile's channels of one pixel.
  const uint64_t pxo = out.pixel_words();
  const uint64_t ostart = (uint64_t(l.out_pad) * out.width + l.out_pad) * pxo;
  gen(kObuf, kIdBase, out.base + ostart);
  if (id_of('b') >= 0) gen(kObuf, id_of('b'), uint64_t(t.tb) * out.height * out.width * pxo);
  if (id_of('h') >= 0) gen(kObuf, id_of('h'), uint64_t(t.toh) * out.width * pxo);
  if (id_of('w') >= 0) gen(kObuf, id_of('w'), uint64_t(t.tow) * pxo);
  if (id_of('o') >= 0) gen(kObuf, id_of('o'), uint64_t(toc) / g.Eout);
  gen(kObuf, kIdPlane, g.po == 2 ? out.plane_words() : 0);
  count(kDim0 + 0, t.tow, g.OW, 'w', kObuf);
  gen(kObuf, kDim0 + 0, pxo);
  wr(kObuf, kDim0 + 0, 1);
  count(kDim0 + 1, t.toh, g.OH, 'h', kObuf);
  gen(kObuf, kDim0 + 1, uint64_t(out.width) * pxo);
  wr(kObuf, kDim0 + 1, t.tow);
  count(kDim0 + 2, t.tb, g.B, 'b', kObuf);
  gen(kObuf, kDim0 + 2, uint64_t(out.height) * out.width * pxo);
  wr(kObuf, kDim0 + 2, int64_t(t.toh) * t.tow);
  wr(kObuf, kIdGroup, tp);

  // Tile engine: (b, oh, ow | kh, kw, kc), per group and 16-bit plane.
  const int64_t ipx = int64_t(g.pa) * t.tj * g.P;  // IBUF operand words per pixel
  const int64_t kwt = rup(t.kc, g.Pw);
  count(kEngLoop0 + 0, t.tb, g.B, 'b');
  count(kEngLoop0 + 1, t.toh, g.OH, 'h');
  count(kEngLoop0 + 2, t.tow, g.OW, 'w');
  count(kEngLoop0 + 3, t.tkh, -1, 'x');
  count(kEngLoop0 + 4, g.KW, -1, 'x');
  count(kEngLoop0 + 5, t.kc, -1, 'x');
  count(kIdGroup, t.groups, -1, 'x');
  rd(kIbuf, kEngLoop0 + 0, tih * tiw * ipx);
  rd(kIbuf, kEngLoop0 + 1, g.S * tiw * ipx);
  rd(kIbuf, kEngLoop0 + 2, g.S * ipx);
  rd(kIbuf, kEngLoop0 + 3, tiw * ipx);
  rd(kIbuf, kEngLoop0 + 4, ipx);
  rd(kIbuf, kEngLoop0 + 5, 1);
  rd(kIbuf, kIdPlane, g.pa == 2 ? int64_t(t.tj) * g.P : 0);
  rd(kWbuf, kEngLoop0 + 3, g.KW * kwt);
  rd(kWbuf, kEngLoop0 + 4, kwt);
  rd(kWbuf, kEngLoop0 + 5, 1);
  rd(kWbuf, kIdGroup, int64_t(t.tkh) * g.KW * kwt);
  rd(kWbuf, kIdPlane, g.pw == 2 ? int64_t(t.groups) * t.tkh * g.KW * kwt : 0);
  rd(kObuf, kEngLoop0 + 0, int64_t(t.toh) * t.tow);
  rd(kObuf, kEngLoop0 + 1, t.tow);
  rd(kObuf, kEngLoop0 + 2, 1);
  rd(kObuf, kIdGroup, tp);

  // Body.
  const int out_level = level_of("bhwo");
  blk.push_back(make_ld(kIbuf, level_of("bhwki"), uint32_t(t.tj) * g.N));
  blk.push_back(make_ld(kWbuf, level_of("oki"), uint32_t(g.N) * g.M));
  if (l.bias) blk.push_back(make_ld(kBias, out_level, uint32_t(toc)));
  blk.push_back(make_compute(3));
  const int run = t.no == 1 ? cdiv(toc, g.Eout) : toc / g.Eout;
  if (run > 65536 || int64_t(t.tj) * g.N > 65536 || int64_t(g.N) * g.M > 65536 || toc > 65536)
    err(l, "a memory run exceeds 65536 words");
  blk.push_back(make_st(out_level, uint32_t(run)));
  blk.push_back(make_block_end(true));

  c.expect_read_bytes = best.total - best.out_bytes;
  c.expect_write_bytes = best.out_bytes;
  c.expect_array_cycles = uint64_t(g.B) * g.OH * g.OW * g.KH * g.KW * uint64_t(t.kc) * t.ni * t.no * t.groups *
                          g.pa * g.pw;
  return c;
}

std::vector<uint32_t> CompiledLayer::program(bool last) const {
  std::vector<uint32_t> w;
  for (const auto& i : block) w.push_back(i.encode());
  if (!last && !w.empty()) w.back() = make_block_end(false).encode();
  return w;
}

std::string CompiledLayer::listing() const {
  std::ostringstream o;
  o << "# " << layer.name << ": " << summary();
  for (const auto& i : block) o << disassemble(i) << "\n";
  return o.str();
}

std::string CompiledLayer::summary() const {
  const Tiling& t = tiling;
  std::ostringstream o;
  o << "tiles b" << t.tb << " h" << t.toh << " w" << t.tow << " oc" << t.groups * cfg.cols << " kh" << t.tkh
    << " icw" << t.tj << " (counts " << t.nb << "x" << t.nh << "x" << t.nw << "x" << t.no << "x" << t.nk << "x"
    << t.ni << ", order " << t.order << (t.nk > 1 ? "k" : "") << (t.ni > 1 ? "i" : "") << "); per-bank words IBUF " << t.ibuf_words << " WBUF " << t.wbuf_words << " OBUF "
    << t.obuf_words << "; DRAM read " << expect_read_bytes << " B, write " << expect_write_bytes << " B\n";
  return o.str();
}

// ------------------------------------------------------------ host helpers

namespace {
void set_field(std::vector<uint32_t>& dram, uint64_t word, int shift, int bits, uint64_t v) {
  const uint32_t mask = bits == 32 ? 0xffffffffu : ((1u << bits) - 1) << shift;
  dram.at(word) = (dram.at(word) & ~mask) | ((uint32_t(v) << shift) & mask);
}
uint64_t pixel_of(const ActLayout& l, int b, int y, int x) {
  return (uint64_t(b) * l.height + y + l.halo) * l.width + x + l.halo;
}
}  // namespace

void put_image(const ActLayout& l, const std::vector<int64_t>& v, std::vector<uint32_t>& dram) {
  const int H = l.height - 2 * l.halo, W = l.width - 2 * l.halo, C = l.channels;
  if (v.size() != size_t(l.batch) * C * H * W) throw std::runtime_error("put_image: wrong element count");
  const Operand op{l.bits, l.is_signed};
  for (int b = 0; b < l.batch; ++b)
    for (int c = 0; c < C; ++c)
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const int64_t e = v[((size_t(b) * C + c) * H + y) * W + x];
          if (l.bits != 32 && !fits(e, op))
            throw std::runtime_error("put_image: value " + std::to_string(e) + " outside " + describe(op));
          const uint64_t px = l.base + pixel_of(l, b, y, x) * l.pixel_words();
          const int E = l.per_word(), pb = 32 / E;
          for (int p = 0; p < l.planes(); ++p)
            set_field(dram, px + p * l.plane_words() + c / E, (c % E) * pb, pb, uint64_t(e) >> (8 * p));
        }
}

std::vector<int64_t> get_image(const ActLayout& l, const std::vector<uint32_t>& dram) {
  const int H = l.height - 2 * l.halo, W = l.width - 2 * l.halo, C = l.channels;
  std::vector<int64_t> v(size_t(l.batch) * C * H * W);
  for (int b = 0; b < l.batch; ++b)
    for (int c = 0; c < C; ++c)
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const uint64_t px = l.base + pixel_of(l, b, y, x) * l.pixel_words();
          const int E = l.per_word(), pb = 32 / E;
          uint64_t raw = 0;
          for (int p = 0; p < l.planes(); ++p)
            raw |= uint64_t((dram.at(px + p * l.plane_words() + c / E) >> ((c % E) * pb)) &
                            (pb == 32 ? 0xffffffffu : (1u << pb) - 1))
                   << (8 * p);
          v[((size_t(b) * C + c) * H + y) * W + x] = extend(raw, l.bits, l.is_signed);
        }
  return v;
}

void put_input(const CompiledLayer& c, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram) {
  put_image(c.input, nchw, dram);
}

std::vector<int64_t> get_output(const CompiledLayer& c, const std::vector<uint32_t>& dram) {
  return get_image(c.output, dram);
}

void put_weights(const CompiledLayer& cl, const std::vector<int64_t>& w, std::vector<uint32_t>& dram) {
  const LayerDesc& l = cl.layer;
  const Tiling& t = cl.tiling;
  const int N = cl.cfg.rows, M = cl.cfg.cols, KH = l.kernel_h, KW = l.kernel_w, IC = l.in_c;
  const int wb = hw_bits(l.wgt.bits), ab = hw_bits(l.act.bits);
  const int W = wb == 16 ? 8 : wb, A = ab == 16 ? 8 : ab, pw = wb == 16 ? 2 : 1;
  const int L = 64 / (A * W), Ein = 32 / A, P = W / 2, Pw = A / 2;
  const int toc = t.groups * M;
  const int64_t kwt = rup(t.kc, Pw);
  const uint64_t tile_words = uint64_t(t.wbuf_words) * N * M;
  if (w.size() != size_t(l.out_c) * IC * KH * KW) throw std::runtime_error("put_weights: wrong element count");
  for (uint64_t k = 0; k < cl.weight_words; ++k) dram.at(cl.weight_base + k) = 0;
  for (int oc = 0; oc < l.out_c; ++oc)
    for (int ic = 0; ic < IC; ++ic)
      for (int kh = 0; kh < KH; ++kh)
        for (int kw = 0; kw < KW; ++kw) {
          const int64_t v = w[((size_t(oc) * IC + ic) * KH + kh) * KW + kw];
          if (!fits(v, l.wgt))
            throw std::runtime_error("put_weights: value " + std::to_string(v) + " outside " + describe(l.wgt));
          const int ot = oc / toc, g = (oc % toc) / M, col = oc % M, kt = kh / t.tkh, khl = kh % t.tkh;
          const int j = ic / (N * Ein), r = (ic / Ein) % N, e = ic % Ein, q = e / L, ln = e % L;
          const int u = j / t.tj;
          const int64_t kcl = int64_t(j - u * t.tj) * P + q;
          for (int sw = 0; sw < pw; ++sw) {
            const int64_t a = ((int64_t(sw) * t.groups + g) * t.tkh * KW + khl * KW + kw) * kwt + kcl;
            const uint64_t word = cl.weight_base + ((uint64_t(ot) * t.nk + kt) * t.ni + u) * tile_words +
                                  uint64_t(a / Pw) * N * M + uint64_t(r) * M + col;
            set_field(dram, word, int(a % Pw) * L * W + ln * W, W, uint64_t(v) >> (8 * sw));
          }
        }
}

void put_bias(const CompiledLayer& c, const std::vector<int64_t>& bias, std::vector<uint32_t>& dram) {
  if (!c.layer.bias) throw std::runtime_error("put_bias: layer '" + c.layer.name + "' has no bias");
  if (bias.size() != size_t(c.layer.out_c)) throw std::runtime_error("put_bias: wrong element count");
  for (uint64_t k = 0; k < c.bias_words; ++k) dram.at(c.bias_base + k) = 0;
  for (size_t k = 0; k < bias.size(); ++k) dram.at(c.bias_base + k) = uint32_t(bias[k]);
}

LayerDesc im2col_layer(const LayerDesc& l) {
  LayerDesc d = l;
  d.in_c = l.in_c * l.kernel_h * l.kernel_w;
  d.in_h = l.out_h();
  d.in_w = l.out_w();
  d.kernel_h = d.kernel_w = 1;
  d.stride = 1;
  d.pad = 0;
  return d;
}

LoweredLayer compile_lowered(const LayerDesc& l, const ArrayConfig& cfg, Lowering lowering) {
  const bool can_im2col = l.kernel_h * l.kernel_w > 1 || l.stride > 1 || l.pad > 0;
  LoweredLayer direct, lowered;
  lowered.im2col = true;
  std::string direct_err, lowered_err;
  bool have_direct = false, have_lowered = false;
  if (lowering != Lowering::Im2col || !can_im2col) {
    try {
      direct.compiled = compile(l, cfg);
      have_direct = true;
    } catch (const std::runtime_error& e) {
      direct_err = e.what();
    }
  }
  if (lowering != Lowering::Direct && can_im2col) {
    try {
      lowered.compiled = compile(im2col_layer(l), cfg);
      have_lowered = true;
    } catch (const std::runtime_error& e) {
      lowered_err = e.what();
    }
  }
  bool use_im2col = false;
  if (lowering == Lowering::Im2col && can_im2col) use_im2col = true;
  else if (lowering == Lowering::Auto && have_lowered)
    use_im2col = !have_direct || lowered.compiled.expect_array_cycles < direct.compiled.expect_array_cycles;
  if (use_im2col && !have_lowered) throw std::runtime_error(lowered_err + " (host im2col)");
  if (!use_im2col && !have_direct) throw std::runtime_error(direct_err.empty() ? lowered_err : direct_err);
  return use_im2col ? std::move(lowered) : std::move(direct);
}

}  // namespace bf
