#include "golden/compiler/emit.hpp"

#include <algorithm>
#include <vector>

namespace bf::compiler {

using namespace isa;

namespace {

class Emitter {
 public:
  Emitter(const Geometry& g, const Tiling& t, const Layout& y, const LayerDesc& l)
      : g_(g), t_(t), y_(y), l_(l), nest_(t.order + (t.nk > 1 ? "k" : "") + (t.ni > 1 ? "i" : "")) {}

  std::vector<Instr> run() {
    setup();
    tile_loops();
    ibuf_stream();
    wbuf_stream();
    bias_stream();
    store_stream();
    engine();
    body();
    return std::move(blk_);
  }

 private:
  // ---- the tile-loop nest: loop ids outermost first, k and i innermost.
  int id_of(char ch) const { return int(nest_.find(ch)); }  // -1 when absent
  int count_of(char ch) const {
    return ch == 'b' ? t_.nb : ch == 'h' ? t_.nh : ch == 'w' ? t_.nw : ch == 'o' ? t_.no : ch == 'k' ? t_.nk : t_.ni;
  }
  // The innermost tile loop among `deps` (a body slot's level), or the block.
  int level_of(const std::string& deps) const {
    int lv = -1;
    for (char ch : deps) lv = std::max(lv, id_of(ch));
    return lv < 0 ? kIdBase : lv;
  }

  // ---- field writers.
  uint16_t check16(int64_t v, const char* what) const {
    if (v < 0 || v >= kAddrLimit)
      layer_error(l_, std::string(what) + " " + std::to_string(v) + " does not fit 16 bits");
    return uint16_t(v);
  }
  void gen(int s, int target, uint64_t v) {  // DRAM address/stride: lo (and hi) halves; 0 is the reset value
    if (v > 0xffffffffull) layer_error(l_, "DRAM address or stride " + std::to_string(v) + " does not fit 32 bits");
    if (v == 0) return;
    blk_.push_back(make_gen_lo(s, target, uint16_t(v & 0xffff)));
    if (v >> 16) blk_.push_back(make_gen_hi(s, target, uint16_t(v >> 16)));
  }
  void rd(int b, int target, int64_t v) {
    if (v) blk_.push_back(make_rd_buf(b, target, check16(v, "buffer stride")));
  }
  void wr(int s, int target, int64_t v) {
    if (v) blk_.push_back(make_wr_buf(s, target, check16(v, "buffer stride")));
  }
  // A count, shorter in the last tile of loop `ch` when `dimsize` does not
  // split evenly (dimsize < 0: never).
  void count(int id, int full, int dimsize, char ch, int stream = 0) {
    if (full > 65536) layer_error(l_, "count " + std::to_string(full) + " exceeds 65536");
    if (full != 1) blk_.push_back(make_loop(id, uint32_t(full), stream));
    const int lid = id_of(ch);
    if (lid < 0 || dimsize < 0) return;
    const int lastv = dimsize - (count_of(ch) - 1) * full;
    if (lastv != full) blk_.push_back(make_loop_edge(id, uint32_t(lastv), lid, stream));
  }

  // ---- parts.
  void setup() {
    SetupFields su;
    su.act_bits = g_.act_hw_bits, su.act_signed = l_.act.is_signed;
    su.wgt_bits = g_.wgt_hw_bits, su.wgt_signed = l_.wgt.is_signed;
    su.requant = g_.requant, su.out_bits = g_.requant ? g_.out_bits : 8, su.relu = l_.relu, su.bias = l_.bias;
    su.shift = l_.shift <= 31 ? l_.shift : 0;
    su.ibuf_whole = t_.ibuf_whole, su.wbuf_whole = t_.wbuf_whole, su.obuf_whole = t_.obuf_whole;
    blk_.push_back(make_setup(su));
    if (!g_.requant) return;
    // The output stage beyond the plain floor shift.
    if (l_.channel_requant)
      blk_.push_back(make_requant_channel());
    else if (l_.mult != 1)
      blk_.push_back(make_requant_mult(l_.mult));
    if (!l_.channel_requant && (l_.round || l_.shift > 31)) blk_.push_back(make_requant_shift(l_.shift, l_.round));
    if (l_.zero_point) blk_.push_back(make_requant_value(kRqZero, l_.zero_point));
    if (l_.clamp) {
      const int b = g_.out_bits;
      const int lo = l_.relu ? 0 : -(1 << (b - 1)), hi = l_.relu ? (1 << b) - 1 : (1 << (b - 1)) - 1;
      if (l_.clamp_lo != lo) blk_.push_back(make_requant_value(kRqLo, l_.clamp_lo));
      if (l_.clamp_hi != hi) blk_.push_back(make_requant_value(kRqHi, l_.clamp_hi));
    }
  }

  void tile_loops() {
    for (size_t k = 0; k < nest_.size(); ++k) blk_.push_back(make_loop(int(k), uint32_t(count_of(nest_[k]))));
  }

  // A memory-stream dim: its count (and the count in the last tile of
  // `edge_loop` when that differs), DRAM stride and buffer-row stride.
  struct Dim {
    int64_t count = 1, last = 1;
    char edge_loop = 'x';
    uint64_t dram = 0;
    int64_t rows = 0;
  };
  // Run coalescing: while the innermost dim continues the run in DRAM and
  // in the buffer rows (DRAM stride = run, rows = run / banks) and has no
  // edge count, it becomes part of the run: fewer, longer runs, so fewer
  // partial beats on the memory port. Runs stay within 65536 words.
  static void coalesce(int64_t& run, int banks, std::vector<Dim>& dims) {
    while (!dims.empty()) {
      const Dim& d = dims.front();
      const bool edge = d.edge_loop != 'x' && d.last != d.count;
      if (d.count == 1) {
        dims.erase(dims.begin());
        continue;
      }
      if (edge || d.dram != uint64_t(run) || d.rows * banks != run || run * d.count > 65536) break;
      run *= d.count;
      dims.erase(dims.begin());
    }
  }
  // The dims of `stream` after coalescing, as loop / gen-addr / wr-buf.
  void emit_dims(int stream, const std::vector<Dim>& dims) {
    for (size_t k = 0; k < dims.size(); ++k) {
      const Dim& d = dims[k];
      const int id = kDim0 + int(k);
      if (d.count > 65536) layer_error(l_, "count " + std::to_string(d.count) + " exceeds 65536");
      if (d.count != 1) blk_.push_back(make_loop(id, uint32_t(d.count), stream));
      if (d.edge_loop != 'x' && id_of(d.edge_loop) >= 0 && d.last != d.count)
        blk_.push_back(make_loop_edge(id, uint32_t(d.last), id_of(d.edge_loop), stream));
      gen(stream, id, d.dram);
      wr(stream, id, d.rows);
    }
  }

  // IBUF stream: dims plane, x, y, b; one run = tj word-groups of N words
  // (coalesced with the dims it continues).
  void ibuf_stream() {
    const int S = g_.stride, KW = g_.kernel_w;
    const int64_t tih = int64_t(t_.toh - 1) * S + t_.tkh, tiw = int64_t(t_.tow - 1) * S + KW;
    const int lastoh = g_.out_h - (t_.nh - 1) * t_.toh, lastow = g_.out_w - (t_.nw - 1) * t_.tow;
    const int64_t tih_last = int64_t(lastoh - 1) * S + t_.tkh, tiw_last = int64_t(lastow - 1) * S + KW;
    const uint64_t pxw = y_.input.pixel_words();
    const uint64_t row_words = uint64_t(g_.padded_w) * pxw;
    gen(kIbuf, kIdBase, y_.input.base);
    if (id_of('b') >= 0) gen(kIbuf, id_of('b'), uint64_t(t_.tb) * g_.padded_h * row_words);
    if (id_of('h') >= 0) gen(kIbuf, id_of('h'), uint64_t(t_.toh) * S * row_words);
    if (id_of('w') >= 0) gen(kIbuf, id_of('w'), uint64_t(t_.tow) * S * pxw);
    if (id_of('k') >= 0) gen(kIbuf, id_of('k'), uint64_t(t_.tkh) * row_words);
    if (id_of('i') >= 0 && !t_.ibuf_resident) gen(kIbuf, id_of('i'), uint64_t(t_.tj) * g_.rows);
    const int64_t ti = ibuf_words_per_px();
    const int64_t irow_px = int64_t(g_.act_planes) * ti;  // buffer rows per pixel
    const int lastb = g_.batch - (t_.nb - 1) * t_.tb;
    std::vector<Dim> dims = {
        {g_.act_planes, g_.act_planes, 'x', y_.input.plane_words(), ti},
        {tiw, tiw_last, 'w', pxw, irow_px},
        {tih, tih_last, 'h', row_words, tiw * irow_px},
        {t_.tb, lastb, 'b', uint64_t(g_.padded_h) * row_words, tih * tiw * irow_px},
    };
    ibuf_run_ = ti * g_.rows;
    coalesce(ibuf_run_, g_.rows, dims);
    emit_dims(kIbuf, dims);
  }

  // WBUF stream: rows of N*M words (one run: the tile's rows are contiguous).
  void wbuf_stream() {
    const uint64_t tile = y_.weight_tile_words;
    gen(kWbuf, kIdBase, y_.weight_base);
    if (id_of('o') >= 0) gen(kWbuf, id_of('o'), tile * t_.nk * t_.ni);
    if (id_of('k') >= 0) gen(kWbuf, id_of('k'), tile * t_.ni);
    if (id_of('i') >= 0) gen(kWbuf, id_of('i'), tile);
    std::vector<Dim> dims = {{t_.wbuf_words, t_.wbuf_words, 'x', uint64_t(g_.rows) * g_.cols, 1}};
    wbuf_run_ = int64_t(g_.rows) * g_.cols;
    coalesce(wbuf_run_, g_.rows * g_.cols, dims);
    emit_dims(kWbuf, dims);
  }

  // Bias stream: the oc tile's bias words, then its per-channel requant
  // parameter words, into the OBUF rows after the output tile.
  void bias_stream() {
    if (!g_.param_rows) return;
    const int toc = t_.groups * g_.cols;
    gen(kBias, kIdBase, y_.bias_base);
    if (id_of('o') >= 0) gen(kBias, id_of('o'), uint64_t(toc) * g_.param_rows);
    wr(kBias, kIdBase, int64_t(t_.groups) * tile_pixels());
  }

  // OBUF store: dims x, y, b; one run = the tile's channels of one pixel.
  void store_stream() {
    const ActLayout& out = y_.output;
    const int toc = t_.groups * g_.cols;
    const uint64_t pxo = out.pixel_words();
    const uint64_t ostart = (uint64_t(l_.out_pad) * out.width + l_.out_pad) * pxo;
    gen(kObuf, kIdBase, out.base + ostart);
    if (id_of('b') >= 0) gen(kObuf, id_of('b'), uint64_t(t_.tb) * out.height * out.width * pxo);
    if (id_of('h') >= 0) gen(kObuf, id_of('h'), uint64_t(t_.toh) * out.width * pxo);
    if (id_of('w') >= 0) gen(kObuf, id_of('w'), uint64_t(t_.tow) * pxo);
    if (id_of('o') >= 0) gen(kObuf, id_of('o'), uint64_t(toc) / g_.out_per_word);
    gen(kObuf, kIdPlane, g_.out_planes == 2 ? out.plane_words() : 0);
    count(kDim0 + 0, t_.tow, g_.out_w, 'w', kObuf);
    gen(kObuf, kDim0 + 0, pxo);
    wr(kObuf, kDim0 + 0, 1);
    count(kDim0 + 1, t_.toh, g_.out_h, 'h', kObuf);
    gen(kObuf, kDim0 + 1, uint64_t(out.width) * pxo);
    wr(kObuf, kDim0 + 1, t_.tow);
    count(kDim0 + 2, t_.tb, g_.batch, 'b', kObuf);
    gen(kObuf, kDim0 + 2, uint64_t(out.height) * out.width * pxo);
    wr(kObuf, kDim0 + 2, int64_t(t_.toh) * t_.tow);
    wr(kObuf, kIdGroup, tile_pixels());
  }

  // Tile engine: (b, oh, ow | kh, kw, kc), per group and 16-bit plane.
  void engine() {
    const int S = g_.stride, KW = g_.kernel_w;
    const int64_t tih = int64_t(t_.toh - 1) * S + t_.tkh, tiw = int64_t(t_.tow - 1) * S + KW;
    const int64_t ti = ibuf_words_per_px();
    const int64_t ipx = int64_t(g_.act_planes) * ti * g_.act_opwords_per_word;  // IBUF operand words per pixel
    const int64_t kwt = round_up(t_.kc, g_.wgt_opwords_per_word);  // WBUF operand words per kernel position
    count(kEngLoop0 + 0, t_.tb, g_.batch, 'b');
    count(kEngLoop0 + 1, t_.toh, g_.out_h, 'h');
    count(kEngLoop0 + 2, t_.tow, g_.out_w, 'w');
    count(kEngLoop0 + 3, t_.tkh, -1, 'x');
    count(kEngLoop0 + 4, KW, -1, 'x');
    count(kEngLoop0 + 5, t_.kc, -1, 'x');
    count(kIdGroup, t_.groups, -1, 'x');
    rd(kIbuf, kEngLoop0 + 0, tih * tiw * ipx);
    rd(kIbuf, kEngLoop0 + 1, S * tiw * ipx);
    rd(kIbuf, kEngLoop0 + 2, S * ipx);
    rd(kIbuf, kEngLoop0 + 3, tiw * ipx);
    rd(kIbuf, kEngLoop0 + 4, ipx);
    rd(kIbuf, kEngLoop0 + 5, 1);
    rd(kIbuf, kIdPlane, g_.act_planes == 2 ? ti * g_.act_opwords_per_word : 0);
    // A resident input: ic tile j starts j * tj word groups into each pixel.
    if (t_.ibuf_resident) rd(kIbuf, id_of('i'), int64_t(t_.tj) * g_.act_opwords_per_word);
    rd(kWbuf, kEngLoop0 + 3, KW * kwt);
    rd(kWbuf, kEngLoop0 + 4, kwt);
    rd(kWbuf, kEngLoop0 + 5, 1);
    rd(kWbuf, kIdGroup, int64_t(t_.tkh) * KW * kwt);
    rd(kWbuf, kIdPlane, g_.wgt_planes == 2 ? int64_t(t_.groups) * t_.tkh * KW * kwt : 0);
    rd(kObuf, kEngLoop0 + 0, int64_t(t_.toh) * t_.tow);
    rd(kObuf, kEngLoop0 + 1, t_.tow);
    rd(kObuf, kEngLoop0 + 2, 1);
    rd(kObuf, kIdGroup, tile_pixels());
  }

  // Body: loads at the levels of the loops their tiles depend on, the
  // compute, the store once per output tile.
  void body() {
    const int toc = t_.groups * g_.cols;
    const int out_level = level_of("bhwo");
    blk_.push_back(make_ld(kIbuf, level_of(t_.ibuf_resident ? "bhwk" : "bhwki"), uint32_t(ibuf_run_)));
    blk_.push_back(make_ld(kWbuf, level_of("oki"), uint32_t(wbuf_run_)));
    if (g_.param_rows) blk_.push_back(make_ld(kBias, out_level, uint32_t(toc) * g_.param_rows));
    blk_.push_back(make_compute(3));
    const int run = t_.no == 1 ? cdiv(toc, g_.out_per_word) : toc / g_.out_per_word;
    if (run > 65536 || ibuf_words_per_px() * g_.rows > 65536 || int64_t(g_.rows) * g_.cols > 65536 ||
        int64_t(toc) * g_.param_rows > 65536)
      layer_error(l_, "a memory run exceeds 65536 words");
    blk_.push_back(make_st(out_level, uint32_t(run)));
    blk_.push_back(make_block_end(true));
  }

  int64_t tile_pixels() const { return int64_t(t_.tb) * t_.toh * t_.tow; }
  // IBUF word groups per pixel and plane: the ic tile's, or every ic tile's
  // for a resident input.
  int64_t ibuf_words_per_px() const { return int64_t(t_.tj) * (t_.ibuf_resident ? t_.ni : 1); }

  const Geometry& g_;
  const Tiling& t_;
  const Layout& y_;
  const LayerDesc& l_;
  const std::string nest_;
  std::vector<Instr> blk_;
  int64_t ibuf_run_ = 0, wbuf_run_ = 0;  // words per load run after coalescing
};

}  // namespace

std::vector<Instr> emit_block(const Geometry& g, const Tiling& t, const Layout& y, const LayerDesc& l) {
  return Emitter(g, t, y, l).run();
}

}  // namespace bf::compiler
