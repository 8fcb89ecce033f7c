// The layer compiler (docs/isa.md, "Compiler"), as mapping tools split it:
// the layer's geometry (compiler/geometry), the space of tilings
// (compiler/space), the cost of a tiling (compiler/cost), the DRAM layout
// (compiler/layout) and the code emitter (compiler/emit). compile() walks
// the space, asks the cost function, plans the layout of the best tiling
// and emits its block.
#include "golden/compiler.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "golden/compiler/cost.hpp"
#include "golden/compiler/emit.hpp"
#include "golden/compiler/geometry.hpp"
#include "golden/compiler/layout.hpp"
#include "golden/compiler/space.hpp"
#include "golden/machine.hpp"
#include "golden/timing.hpp"

namespace bf {

using namespace isa;
using compiler::cdiv;
using compiler::Geometry;

uint64_t LayerDesc::macs() const { return uint64_t(batch) * out_h() * out_w() * out_c * in_c * kernel_h * kernel_w; }

LayerDesc make_conv(int batch, int in_c, int out_c, int h, int w, int k, int stride, int pad) {
  LayerDesc l;
  l.batch = batch, l.in_c = in_c, l.out_c = out_c, l.in_h = h, l.in_w = w;
  l.kernel_h = l.kernel_w = k, l.stride = stride, l.pad = pad;
  return l;
}

LayerDesc make_fc(int batch, int in_f, int out_f) { return make_conv(batch, in_f, out_f, 1, 1, 1, 1, 0); }

namespace {

bool forced_tiling(const CompileOptions& o) {
  return o.tb || o.toh || o.tow || o.groups || o.tj || !o.order.empty() || o.resident >= 0 || o.owhole >= 0;
}

// One line saying what the smallest tile needs (no tiling fits).
[[noreturn]] void no_tiling(const Geometry& g, const LayerDesc& l, const ArrayConfig& cfg, const CompileOptions& opt) {
  if (opt.resident == 1)
    compiler::layer_error(l,
                          "no tiling fits with a resident input (it needs several ic tiles, every kernel row in one "
                          "tile, and a batch/row/column tile whose input of every ic tile fits the IBUF)");
  const int ni = g.word_groups, kc = ni == 1 ? g.chunks_one_tile : g.act_opwords_per_word;
  const int64_t wrows =
      int64_t(g.wgt_planes) * g.kernel_w * compiler::round_up(kc, g.wgt_opwords_per_word) / g.wgt_opwords_per_word;
  const int64_t irows = int64_t(g.kernel_w) * g.act_planes;
  const int64_t orows = 1 + (l.bias ? 1 : 0);
  const int olim = g.obuf_half * (opt.owhole != 0 ? 2 : 1);  // the whole OBUF unless it is forced off
  const int ilim = 2 * g.ibuf_half, wlim = 2 * g.wbuf_half;  // a tile may fill the whole IBUF / WBUF
  if (irows <= ilim && wrows <= wlim && orows <= olim && g.out_per_word > 1)
    compiler::layer_error(l, "no tiling fits: output-channel tiles must be multiples of " +
                                 std::to_string(g.out_per_word) +
                                 " channels (one packed output word) and those do not fit" +
                                 (forced_tiling(opt) ? " with the forced tiling" : ""));
  std::ostringstream m;
  m << "the smallest tile does not fit the buffers of '" << cfg.name << "': needs IBUF " << irows
    << " words/bank (buffer " << ilim << "), WBUF " << wrows << " (buffer " << wlim << "), OBUF " << orows << " ("
    << (opt.owhole != 0 ? "buffer " : "half ") << olim << ")";
  if (forced_tiling(opt)) m << " with the forced tiling";
  compiler::layer_error(l, m.str());
}

}  // namespace

namespace {

// The compiled layer of one candidate: its DRAM layout and block.
CompiledLayer build(const Geometry& g, const LayerDesc& l, const ArrayConfig& cfg, const Tiling& t,
                    const compiler::Cost& cost) {
  const compiler::Layout y = compiler::plan_layout(g, t, l);
  CompiledLayer c;
  c.layer = l;
  c.cfg = cfg;
  c.tiling = t;
  c.input = y.input;
  c.output = y.output;
  c.weight_base = y.weight_base, c.weight_words = y.weight_words;
  c.bias_base = y.bias_base, c.bias_words = y.bias_words;
  c.dram_words = y.dram_words;
  c.block = compiler::emit_block(g, t, y, l);
  c.expect_read_bytes = cost.read_bytes();
  c.expect_write_bytes = cost.output_bytes;
  c.expect_array_cycles = uint64_t(g.batch) * g.out_h * g.out_w * g.kernel_h * g.kernel_w * uint64_t(t.kc) * t.ni *
                          t.no * t.groups * g.act_planes * g.wgt_planes;
  return c;
}

// Output words one store read packs: the store unit sends about one OBUF
// read's words per cycle, the words of up to min(drain group, words per
// beat) channels, rounded down to a power of two (golden/timing.cpp has
// the exact walk).
double store_words_per_read(const Geometry& g, const ArrayConfig& cfg) {
  const int mm = BufferGeometry::store_words_max(cfg.cols, cfg.dram_bits);
  return std::max(1, std::min(mm, BufferGeometry::drain_group(cfg.cols) / g.out_per_word));
}

// A closed-form estimate of a candidate's cycles, to rank the space before
// the timing model sees the best few: the array steps and the DRAM port
// cycles overlap (double-buffered halves), each step costs the
// sequencer's fixed overhead, and the first load and the last store do not
// overlap anything. With a whole OBUF the array also waits for each
// output tile's store before the next tile starts. `wpr`:
// store_words_per_read (computed once per layer; this runs per candidate).
double estimate_cycles(const Geometry& g, const ArrayConfig& cfg, const Tiling& t, const compiler::Cost& c,
                       double wpr) {
  const double array = double(g.batch) * g.out_h * g.out_w * g.kernel_h * g.kernel_w * double(t.kc) * t.ni * t.no *
                       t.groups * g.act_planes * g.wgt_planes;
  const double port = double(c.total_bytes()) * 8.0 / cfg.dram_bits;
  const double steps = double(c.steps);
  const double first = double(cfg.dram_latency) + (double(c.read_bytes()) / steps) * 8.0 / cfg.dram_bits;
  const double out_tiles = double(t.nb) * t.nh * t.nw * t.no;
  const double last = double(c.output_bytes) / out_tiles * 8.0 / cfg.dram_bits;
  const double st_words = double(c.output_bytes) / out_tiles / 4.0 / wpr;
  double wait = t.obuf_whole ? (out_tiles - 1) * (st_words + cfg.rows + cfg.cols + cfg.dram_latency) : 0.0;
  // A whole IBUF loaded more than once (a resident input per b/h/w tile):
  // each later load waits for the commands before it, the steps after it
  // for the load.
  const double in_tile = double(t.ibuf_words) * g.rows * 4.0;
  const double in_loads = t.ibuf_whole ? std::max(1.0, std::round(double(c.input_bytes) / in_tile)) : 1.0;
  wait += (in_loads - 1) * (in_tile * 8.0 / cfg.dram_bits + cfg.dram_latency + cfg.rows + cfg.cols);
  const double w_tile = double(t.wbuf_words) * g.rows * g.cols * 4.0;
  const double w_loads = t.wbuf_whole ? std::max(1.0, std::round(double(c.weight_bytes) / w_tile)) : 1.0;
  wait += (w_loads - 1) * (w_tile * 8.0 / cfg.dram_bits + cfg.dram_latency + cfg.rows + cfg.cols);
  return std::max(array + wait, port) + 12.0 * steps + first + last;
}

// How many candidates (best by estimate) the timing model compares.
constexpr size_t kTimedCandidates = 12;
// And how many of those whose IBUF or WBUF tile fills the whole buffer and
// is loaded more than once (compiler/space.hpp), ranked separately.
constexpr size_t kTimedReload = 3;
// Timed candidates this close to the fewest predicted cycles count as a
// tie, which the fewest DRAM bytes break (a tiling 0.2 % faster but with
// half as much traffic again is a bad trade in energy).
constexpr double kCycleSlack = 0.005;

}  // namespace

CompiledLayer compile(const LayerDesc& layer, const ArrayConfig& cfg, const CompileOptions& opt) {
  const LayerDesc& l = layer;
  const Geometry g = compiler::make_geometry(l, cfg);

  // Search: every (tiling, order) of the space is scored by the cost
  // function (DRAM bytes, steps) and a closed-form cycle estimate. The
  // kTimedCandidates best by estimate and the best by bytes (the choice
  // of a traffic-only mapper) are compiled and timed with the timing model
  // of bf_top (golden/timing.hpp); the fewest predicted cycles win, where
  // candidates within kCycleSlack of them tie (ties: fewer bytes, then
  // fewer cycles, then the earlier candidate of the space's order).
  struct Cand {
    Tiling t;
    compiler::Cost c;
    double est = 0;
    size_t seq = 0;
  };
  std::vector<Cand> top, top_reload;  // max-heaps on (est, seq): the worst kept candidate on top
  // The ranking: by estimate, then by the space's order.
  auto ranks_before = [](double est_a, size_t seq_a, double est_b, size_t seq_b) {
    return est_a != est_b ? est_a < est_b : seq_a < seq_b;
  };
  auto worse = [&](const Cand& a, const Cand& b) { return ranks_before(a.est, a.seq, b.est, b.seq); };
  Cand by_bytes;
  bool have = false;
  size_t seq = 0;
  const double wpr = store_words_per_read(g, cfg);
  compiler::for_each_tiling(g, l, opt, [&](const Tiling& t) {
    // A whole IBUF or WBUF loaded more than once ranks in a heap of its
    // own: its estimate is the roughest, and it must not push the others out.
    const bool i_once = t.nb * t.nh * t.nw * t.nk == 1 && (t.ibuf_resident || t.ni == 1);
    const bool w_once = t.no * t.nk * t.ni == 1;
    auto& heap = (t.ibuf_whole && !i_once) || (t.wbuf_whole && !w_once) ? top_reload : top;
    const size_t cap = &heap == &top ? kTimedCandidates : kTimedReload;
    // (A candidate is copied only when it is kept: the space is large.)
    auto make = [&](const std::string& order, const compiler::Cost& c, double est) {
      Cand k;
      k.t = t;
      k.t.order = order;
      k.c = c;
      k.est = est;
      k.seq = seq;
      return k;
    };
    for (const auto& order : compiler::loop_orders(t, opt)) {
      const compiler::Cost c = compiler::cost_of(g, t, order);
      const double est = estimate_cycles(g, cfg, t, c, wpr);
      if (!have || compiler::better(c, by_bytes.c)) by_bytes = make(order, c, est);
      have = true;
      if (heap.size() < cap) {
        heap.push_back(make(order, c, est));
        std::push_heap(heap.begin(), heap.end(), worse);
      } else if (cap > 0 && ranks_before(est, seq, heap.front().est, heap.front().seq)) {
        std::pop_heap(heap.begin(), heap.end(), worse);
        heap.back() = make(order, c, est);
        std::push_heap(heap.begin(), heap.end(), worse);
      }
      ++seq;
    }
  });
  if (!have) no_tiling(g, l, cfg, opt);
  top.insert(top.end(), top_reload.begin(), top_reload.end());
  bool in_top = false;
  for (const auto& k : top) in_top = in_top || k.seq == by_bytes.seq;
  if (!in_top) top.push_back(by_bytes);
  std::sort(top.begin(), top.end(), [](const Cand& a, const Cand& b) { return a.seq < b.seq; });

  // Timed best estimate first: a candidate whose walk passes kCycleSlack
  // above the fewest cycles so far cannot be picked, so its walk stops
  // there (its cycles are then a lower bound above the limit below).
  std::vector<CompiledLayer> built(top.size());
  std::vector<uint64_t> cycles(top.size());
  std::vector<size_t> by_est(top.size());
  for (size_t i = 0; i < top.size(); ++i) by_est[i] = i;
  std::stable_sort(by_est.begin(), by_est.end(), [&](size_t a, size_t b) { return top[a].est < top[b].est; });
  uint64_t fewest = 0;
  for (size_t i : by_est) {
    built[i] = build(g, l, cfg, top[i].t, top[i].c);
    TimingOptions topt;
    if (fewest > 0) topt.stop_above = uint64_t(double(fewest) * (1.0 + kCycleSlack));
    const TimingStats ts = predict_timing(built[i], topt);
    cycles[i] = ts.cycles;
    if (!ts.stopped) fewest = fewest == 0 ? ts.cycles : std::min(fewest, ts.cycles);
  }
  // Among the candidates within kCycleSlack of the fewest cycles, the one
  // that moves the fewest DRAM bytes (the energy), then fewer cycles.
  const double limit = double(fewest) * (1.0 + kCycleSlack);
  size_t pick = top.size();
  for (size_t i = 0; i < top.size(); ++i) {
    if (double(cycles[i]) > limit) continue;
    if (pick == top.size()) {
      pick = i;
      continue;
    }
    const uint64_t bi = top[i].c.total_bytes(), bp = top[pick].c.total_bytes();
    if (bi < bp || (bi == bp && cycles[i] < cycles[pick])) pick = i;
  }
  CompiledLayer best = std::move(built[pick]);
  best.expect_cycles = cycles[pick];
  return best;
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
  o << "tiles b" << t.tb << " h" << t.toh << " w" << t.tow << " oc" << t.groups * cfg.cols << " kh" << t.tkh << " icw"
    << t.tj << " (counts " << t.nb << "x" << t.nh << "x" << t.nw << "x" << t.no << "x" << t.nk << "x" << t.ni
    << ", order " << t.order << (t.nk > 1 ? "k" : "") << (t.ni > 1 ? "i" : "") << ")"
    << (t.ibuf_resident ? ", input resident" : "") << (t.obuf_whole ? ", whole OBUF" : "") << "; per-bank words IBUF "
    << t.ibuf_words << " WBUF " << t.wbuf_words << " OBUF " << t.obuf_words << "; DRAM read " << expect_read_bytes
    << " B, write " << expect_write_bytes << " B\n";
  return o.str();
}

const char* lowering_name(Lowering l) {
  switch (l) {
    case Lowering::Auto: return "auto";
    case Lowering::Direct: return "direct";
    case Lowering::Im2col: return "im2col";
    case Lowering::Im2colW: return "im2col-w";
  }
  return "?";
}

bool lowering_applies(const LayerDesc& l, Lowering form) {
  switch (form) {
    case Lowering::Direct: return true;
    case Lowering::Im2col: return l.kernel_h * l.kernel_w > 1 || l.stride > 1 || l.pad > 0;
    case Lowering::Im2colW: return l.stride == 1 && l.kernel_w > 1;
    case Lowering::Auto: return false;
  }
  return false;
}

LayerDesc lowered_layer(const LayerDesc& l, Lowering form) {
  LayerDesc d = l;
  if (form == Lowering::Im2col) {
    d.in_c = l.in_c * l.kernel_h * l.kernel_w;
    d.in_h = l.out_h();
    d.in_w = l.out_w();
    d.kernel_h = d.kernel_w = 1;
    d.stride = 1;
    d.pad = 0;
    d.in_interleave = true;
  } else if (form == Lowering::Im2colW) {
    d.in_c = l.in_c * l.kernel_w;
    d.in_h = l.in_h + 2 * l.pad;
    d.in_w = l.out_w();
    d.kernel_w = 1;
    d.stride = 1;
    d.pad = 0;
    d.in_interleave = true;
  }
  return d;
}

LayerDesc im2col_layer(const LayerDesc& l) { return lowered_layer(l, Lowering::Im2col); }

std::vector<int64_t> lower_input(const LayerDesc& l, Lowering form, const std::vector<int64_t>& x, int64_t pad_value) {
  if (form != Lowering::Im2col && form != Lowering::Im2colW) return x;
  if (x.size() != size_t(l.batch) * l.in_c * l.in_h * l.in_w)
    throw std::runtime_error("lower_input: wrong element count");
  const int oh = l.out_h(), ow = l.out_w(), KH = l.kernel_h, KW = l.kernel_w, H = l.in_h, W = l.in_w;
  auto at = [&](int b, int c, int y, int xx) {  // the padded input
    return (y >= 0 && y < H && xx >= 0 && xx < W) ? x[((size_t(b) * l.in_c + c) * H + y) * W + xx] : pad_value;
  };
  std::vector<int64_t> out;
  if (form == Lowering::Im2col) {
    out.reserve(size_t(l.batch) * l.in_c * KH * KW * oh * ow);
    for (int b = 0; b < l.batch; ++b)
      for (int c = 0; c < l.in_c; ++c)
        for (int ky = 0; ky < KH; ++ky)
          for (int kx = 0; kx < KW; ++kx)
            for (int oy = 0; oy < oh; ++oy)
              for (int ox = 0; ox < ow; ++ox)
                out.push_back(at(b, c, oy * l.stride + ky - l.pad, ox * l.stride + kx - l.pad));
  } else {
    const int ph = H + 2 * l.pad;
    out.reserve(size_t(l.batch) * l.in_c * KW * ph * ow);
    for (int b = 0; b < l.batch; ++b)
      for (int c = 0; c < l.in_c; ++c)
        for (int kx = 0; kx < KW; ++kx)
          for (int y = 0; y < ph; ++y)
            for (int ox = 0; ox < ow; ++ox) out.push_back(at(b, c, y - l.pad, ox + kx - l.pad));
  }
  return out;
}

std::vector<int64_t> lower_weights(const LayerDesc& l, Lowering form, const std::vector<int64_t>& w) {
  if (form != Lowering::Im2colW) return w;  // im2col's channel order is OIHW's
  const int IC = l.in_c, KH = l.kernel_h, KW = l.kernel_w;
  if (w.size() != size_t(l.out_c) * IC * KH * KW) throw std::runtime_error("lower_weights: wrong element count");
  std::vector<int64_t> out(w.size());
  for (int o = 0; o < l.out_c; ++o)
    for (int c = 0; c < IC; ++c)
      for (int ky = 0; ky < KH; ++ky)
        for (int kx = 0; kx < KW; ++kx)
          out[((size_t(o) * IC * KW + size_t(c) * KW + kx) * KH) + ky] = w[((size_t(o) * IC + c) * KH + ky) * KW + kx];
  return out;
}

LoweredLayer compile_lowered(const LayerDesc& l, const ArrayConfig& cfg, Lowering lowering) {
  const Lowering forms[] = {Lowering::Direct, Lowering::Im2col, Lowering::Im2colW};
  const bool forced = lowering != Lowering::Auto && lowering_applies(l, lowering);
  LoweredLayer best;
  bool have = false;
  std::string err;
  for (Lowering f : forms) {
    if (forced ? f != lowering : (lowering == Lowering::Auto ? !lowering_applies(l, f) : f != Lowering::Direct))
      continue;
    try {
      LoweredLayer c;
      c.form = f;
      c.compiled = compile(lowered_layer(l, f), cfg);
      if (!have || c.compiled.expect_cycles < best.compiled.expect_cycles) {
        best = std::move(c);
        have = true;
      }
    } catch (const std::runtime_error& e) {
      if (err.empty() || f == Lowering::Direct || forced)
        err = std::string(e.what()) + (f == Lowering::Direct ? "" : std::string(" (host ") + lowering_name(f) + ")");
    }
  }
  if (!have) throw std::runtime_error(err);
  return best;
}

}  // namespace bf
