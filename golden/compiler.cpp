// The layer compiler (docs/isa.md, "Compiler"), as mapping tools split it:
// the layer's geometry (compiler/geometry), the space of tilings
// (compiler/space), the cost of a tiling (compiler/cost), the DRAM layout
// (compiler/layout) and the code emitter (compiler/emit). compile() walks
// the space, asks the cost function, plans the layout of the best tiling
// and emits its block.
#include "golden/compiler.hpp"

#include <sstream>
#include <stdexcept>

#include "golden/compiler/cost.hpp"
#include "golden/compiler/emit.hpp"
#include "golden/compiler/geometry.hpp"
#include "golden/compiler/layout.hpp"
#include "golden/compiler/space.hpp"

namespace bf {

using namespace isa;
using compiler::cdiv;
using compiler::Geometry;

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

bool forced_tiling(const CompileOptions& o) {
  return o.tb || o.toh || o.tow || o.groups || o.tj || !o.order.empty();
}

// One line saying what the smallest tile needs (no tiling fits).
[[noreturn]] void no_tiling(const Geometry& g, const LayerDesc& l, const ArrayConfig& cfg, const CompileOptions& opt) {
  const int ni = g.word_groups, kc = ni == 1 ? g.chunks_one_tile : g.act_opwords_per_word;
  const int64_t wrows = int64_t(g.wgt_planes) * g.kernel_w * compiler::round_up(kc, g.wgt_opwords_per_word) /
                        g.wgt_opwords_per_word;
  const int64_t irows = int64_t(g.kernel_w) * g.act_planes;
  const int64_t orows = 1 + (l.bias ? 1 : 0);
  if (irows <= g.ibuf_half && wrows <= g.wbuf_half && orows <= g.obuf_half && g.out_per_word > 1)
    compiler::layer_error(l, "no tiling fits: output-channel tiles must be multiples of " +
                                 std::to_string(g.out_per_word) +
                                 " channels (one packed output word) and those do not fit" +
                                 (forced_tiling(opt) ? " with the forced tiling" : ""));
  std::ostringstream m;
  m << "the smallest tile does not fit half of the buffers of '" << cfg.name << "': needs IBUF " << irows
    << " words/bank (half " << g.ibuf_half << "), WBUF " << wrows << " (half " << g.wbuf_half << "), OBUF " << orows
    << " (half " << g.obuf_half << ")";
  if (forced_tiling(opt)) m << " with the forced tiling";
  compiler::layer_error(l, m.str());
}

}  // namespace

CompiledLayer compile(const LayerDesc& layer, const ArrayConfig& cfg, const CompileOptions& opt) {
  const LayerDesc& l = layer;
  const Geometry g = compiler::make_geometry(l, cfg);

  // Search: the best (tiling, order) of the space by the cost function;
  // ties keep the first candidate.
  bool have = false;
  Tiling best;
  compiler::Cost best_cost;
  compiler::for_each_tiling(g, l, opt, [&](const Tiling& t) {
    for (const auto& order : compiler::loop_orders(t, opt)) {
      const compiler::Cost c = compiler::cost_of(g, t, order);
      if (!have || compiler::better(c, best_cost)) {
        best = t;
        best.order = order;
        best_cost = c;
        have = true;
      }
    }
  });
  if (!have) no_tiling(g, l, cfg, opt);

  const compiler::Layout y = compiler::plan_layout(g, best, l);
  CompiledLayer c;
  c.layer = l;
  c.cfg = cfg;
  c.tiling = best;
  c.input = y.input;
  c.output = y.output;
  c.weight_base = y.weight_base, c.weight_words = y.weight_words;
  c.bias_base = y.bias_base, c.bias_words = y.bias_words;
  c.dram_words = y.dram_words;
  c.block = compiler::emit_block(g, best, y, l);
  c.expect_read_bytes = best_cost.read_bytes();
  c.expect_write_bytes = best_cost.output_bytes;
  c.expect_array_cycles = uint64_t(g.batch) * g.out_h * g.out_w * g.kernel_h * g.kernel_w * uint64_t(best.kc) *
                          best.ni * best.no * best.groups * g.act_planes * g.wgt_planes;
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
