#include "model/paper_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace bf::model {
namespace {

constexpr int kOutBits = 32;  // outputs and partial sums move as 32-bit values

// Which operands depend on a tiled loop (B, OW, OH, IC, OC).
constexpr bool kDep[5][3] = {
    // act   wgt    out
    {true, false, true},  // B
    {true, false, true},  // OW
    {true, false, true},  // OH
    {true, true, false},  // IC
    {false, true, true},  // OC
};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The authors' tile-size counts: int(ceil(log2(x))) + 1 with
// log2(x) = log(x)/log(2) in double precision.
int tile_steps(int64_t x) { return int(std::ceil(std::log(double(x)) / std::log(2.0))) + 1; }

// Row-lane arithmetic at rate num/den products per lane per cycle.
struct Lanes {
  int64_t lanes;  // N * num: products per den cycles
  int64_t den;
  // cycles to reduce x products on one column: ceil(x / (N * pf))
  int64_t cycles(int64_t x) const { return ceil_div(x * den, lanes); }
  // x rounded up to whole array passes: ceil(x / (N*pf)) * N * pf
  int64_t padded(int64_t x) const { return ceil_div(cycles(x) * lanes, den); }
};

Lanes lanes_of(const Design& d, const ConvProblem& p) {
  const Rate r = d.rate(p.act_bits, p.wgt_bits);
  return {int64_t(d.rows) * r.num, r.den};
}

// Everything about a tiling that does not depend on the loop order.
struct TileBase {
  int64_t w_wgt, w_act, w_out, r_out;                  // per-tile DRAM fill / write-back bits
  std::array<int64_t, 4> sram_reads{}, sram_writes{};  // inner-loop IBUF/WBUF/OBUF
  int64_t compute;
};

bool tile_base(const Design& d, const ConvProblem& p, const Tiling& t, TileBase& tb) {
  const Lanes ln = lanes_of(d, p);
  const int64_t M = d.cols, K = p.K;
  const int64_t ip = d.act_store_bits(p.act_bits), wp = d.wgt_store_bits(p.wgt_bits);
  const int64_t oc_full = ceil_div(t.oc, M) * M;

  // Quirk: the weight tile pads K*K*ic to whole row passes but not oc to
  // whole columns, with or without im2col.
  tb.w_wgt = ln.padded(K * K * t.ic) * t.oc * wp;
  if (p.im2col) {
    tb.w_act = t.ow * t.oh * K * K * t.ic * t.b * ip;
  } else {
    const int64_t iw = K + (t.ow - 1) * p.S, ih = K + (t.oh - 1) * p.S;
    tb.w_act = iw * ih * t.ic * t.b * ip;
  }
  tb.w_out = t.ow * t.oh * oc_full * t.b * kOutBits;
  tb.r_out = tb.w_out;
  // Double buffering: one tile may fill at most half of each buffer.
  if (tb.w_wgt > d.wbuf_bytes * 8 / 2 || tb.w_act > d.ibuf_bytes * 8 / 2 || tb.w_out > d.obuf_bytes * 8 / 2)
    return false;

  // Inner loops: the cheapest of input-, output- and weight-stationary
  // (by bits moved, ties to IS, then OS), counted on the unpadded tile.
  const int64_t is_loop = oc_full;
  const int64_t os_loop = p.im2col ? ln.padded(t.ic * K * K) : ln.padded(t.ic) * K * K;
  const int64_t ws_loop = t.b * t.oh * t.ow;
  const int64_t is_e = (os_loop * ws_loop) * (ip + is_loop * (wp + kOutBits));
  const int64_t os_e = (is_loop * ws_loop) * (kOutBits + os_loop * (ip + wp));
  const int64_t ws_e = (os_loop * is_loop) * (wp + ws_loop * (ip + kOutBits));
  const int64_t min_e = std::min({is_e, os_e, ws_e});
  const int64_t nt = t.nb * t.now * t.noh * t.nic * t.noc;
  const int64_t kkic = K * K * t.ic, pix = t.oh * t.ow * t.b;
  tb.sram_reads = {0, 0, 0, 0};
  tb.sram_writes = {0, 0, 0, 0};
  if (is_e == min_e) {
    tb.sram_reads[kAct] = nt * kkic * pix * ip;
    tb.sram_reads[kOut] = nt * kkic * pix * t.oc * kOutBits;
    tb.sram_writes[kOut] = nt * kkic * pix * t.oc * kOutBits;
    tb.sram_reads[kWgt] = nt * kkic * pix * t.oc * wp;
  } else if (os_e == min_e) {
    tb.sram_reads[kAct] = nt * (t.oc * pix) * kkic * ip;
    tb.sram_reads[kOut] = nt * (t.oc * pix) * kOutBits;
    tb.sram_writes[kOut] = nt * (t.oc * pix) * kOutBits;
    tb.sram_reads[kWgt] = nt * (t.oc * pix) * kkic * wp;
  } else {
    tb.sram_reads[kAct] = nt * kkic * t.oc * pix * ip;
    tb.sram_reads[kOut] = nt * kkic * t.oc * pix * kOutBits;
    tb.sram_writes[kOut] = nt * kkic * t.oc * pix * kOutBits;
    tb.sram_reads[kWgt] = nt * kkic * t.oc * wp;
  }

  // Compute cycles: every tile counts as a full tile (edge tiles included).
  int64_t per_tile;
  if (p.im2col)
    per_tile = t.b * t.oh * t.ow * ceil_div(t.oc, M) * ln.cycles(K * K * t.ic);
  else
    per_tile = t.b * ceil_div(t.oc, M) * t.ow * t.oh * K * K * ln.cycles(t.ic);
  tb.compute = nt * per_tile;
  return true;
}

// The order-dependent part: DRAM traffic with reuse across tile loops, the
// stall count, and the final stats.
void tile_finish(const Design& d, const Tiling& t, const TileBase& tb, LayerStats& s) {
  const int64_t cap[3] = {d.ibuf_bytes * 8, d.wbuf_bytes * 8, d.obuf_bytes * 8};
  int64_t writes[3] = {tb.w_act, tb.w_wgt, tb.w_out};
  int64_t max_write[3] = {tb.w_act, tb.w_wgt, tb.w_out};
  int64_t read_out = tb.r_out, max_read_out = tb.r_out;
  bool promote[3] = {true, true, true}, promote_read = true;
  const int64_t counts[5] = {t.nb, t.now, t.noh, t.nic, t.noc};

  // From the innermost tile loop outwards: a loop an operand does not
  // depend on reuses it while the grown block still fits half its buffer;
  // once it does not fit, every further loop re-fetches it.
  for (int i = 4; i >= 0; --i) {
    const int loop = t.order[i];
    const int64_t n = counts[loop];
    for (int ns = 0; ns < 3; ++ns) {
      if (promote[ns]) {
        if (kDep[loop][ns]) {
          writes[ns] *= n;
          if (double(writes[ns]) > double(cap[ns]) / 2)
            promote[ns] = false;
          else
            max_write[ns] = writes[ns];
        }
      } else {
        writes[ns] *= n;
      }
    }
    if (promote_read) {
      if (kDep[loop][kOut]) {
        read_out *= n;
        if (double(read_out) > double(cap[kOut]) / 2)
          promote_read = false;
        else
          max_read_out = writes[kOut];  // quirk: the write size (always equal)
      }
    } else {
      read_out *= n;
    }
  }

  s = LayerStats{};
  s.tiling = t;
  for (int ns = 0; ns < 3; ++ns) {
    s.writes[ns] = writes[ns];
    s.reads[kDram] += writes[ns];
  }
  s.reads[kOut] = read_out;
  s.writes[kDram] += read_out;
  for (int ns = 0; ns < 3; ++ns) {
    s.reads[ns] += tb.sram_reads[ns];
    s.writes[ns] += tb.sram_writes[ns];
  }

  // The first fill and the last write-back are never overlapped with
  // compute; everything between is hidden under compute when it fits.
  const int64_t initial = max_write[0] + max_write[1] + max_write[2];
  const int64_t final_wb = max_read_out;
  const int64_t bw = d.dram_bits;
  const int64_t latency = ceil_div(initial, bw) + ceil_div(final_wb, bw);
  const int64_t middle = s.reads[kDram] + s.writes[kDram] - initial - final_wb;
  const int64_t mem_cycles = ceil_div(middle, bw);
  s.compute_cycles = tb.compute;
  s.stall_cycles = std::max<int64_t>(0, mem_cycles - tb.compute) + latency;
  s.cycles = tb.compute + s.stall_cycles;
}

std::vector<int64_t> pow2_tiles(int64_t x, int64_t unit, int steps) {
  std::vector<int64_t> v;
  for (int k = 0; k < steps; ++k) v.push_back(std::min((int64_t(1) << k) * unit, x));
  return v;
}

}  // namespace

std::string Tiling::order_string() const {
  static const char* names[5] = {"B", "OW", "OH", "IC", "OC"};
  std::string s;
  for (int i = 0; i < 5; ++i) s += std::string(i ? "," : "") + names[order[i]];
  return s;
}

double LayerStats::energy_nj(const EnergyCost& e) const {
  double x = double(cycles - stall_cycles) * e.core_nj_per_cycle;
  x += double(reads[kWgt]) * e.wbuf_rd;
  x += double(writes[kWgt]) * e.wbuf_wr;
  x += double(reads[kAct]) * e.ibuf_rd;
  x += double(writes[kAct]) * e.ibuf_wr;
  x += double(reads[kOut]) * e.obuf_rd;
  x += double(writes[kOut]) * e.obuf_wr;
  x += double(reads[kDram]) * e.dram;
  x += double(writes[kDram]) * e.dram;
  return x;
}

std::array<double, 5> LayerStats::energy_pj_parts(const EnergyCost& e) const {
  return {1e3 * double(cycles - stall_cycles) * e.core_nj_per_cycle,
          1e3 * (double(reads[kWgt]) * e.wbuf_rd + double(writes[kWgt]) * e.wbuf_wr),
          1e3 * (double(reads[kAct]) * e.ibuf_rd + double(writes[kAct]) * e.ibuf_wr),
          1e3 * (double(reads[kOut]) * e.obuf_rd + double(writes[kOut]) * e.obuf_wr),
          1e3 * (double(reads[kDram]) + double(writes[kDram])) * e.dram};
}

LayerStats& LayerStats::operator+=(const LayerStats& o) {
  cycles += o.cycles;
  stall_cycles += o.stall_cycles;
  compute_cycles += o.compute_cycles;
  for (int i = 0; i < 4; ++i) {
    reads[i] += o.reads[i];
    writes[i] += o.writes[i];
  }
  return *this;
}

bool paper_tile_stats(const Design& d, const ConvProblem& p, const Tiling& t, LayerStats& out) {
  TileBase tb;
  if (!tile_base(d, p, t, tb)) return false;
  tile_finish(d, t, tb, out);
  return true;
}

LayerStats paper_optimize(const Design& d, const ConvProblem& p) {
  if (p.K < 1 || p.OH < 1 || p.OW < 1 || p.S < 1 || p.IC < 1 || p.OC < 1 || p.B < 1)
    throw std::runtime_error("paper model: empty layer");
  // All 120 loop orders, in lexicographic order of loop ids.
  std::vector<std::array<int, 5>> orders;
  std::array<int, 5> o{0, 1, 2, 3, 4};
  do orders.push_back(o);
  while (std::next_permutation(o.begin(), o.end()));

  const int64_t O = std::max(p.OH, p.OW);
  const auto b_tiles = pow2_tiles(p.B, 1, tile_steps(p.B));
  const auto o_tiles = pow2_tiles(O, 1, tile_steps(O));
  const auto ic_tiles = pow2_tiles(p.IC, 1, tile_steps(p.IC));
  // Quirk: with im2col OC is tiled in powers of two, not multiples of M.
  const auto oc_tiles =
      p.im2col ? pow2_tiles(p.OC, 1, tile_steps(p.OC)) : pow2_tiles(p.OC, d.cols, tile_steps(ceil_div(p.OC, d.cols)));

  // Per order, the first tiling (in the authors' loop nest b, o, ic, oc)
  // with the fewest cycles, ties to strictly less energy; then the first
  // order with the fewest cycles, ties to strictly less energy.
  std::vector<LayerStats> best(orders.size());
  std::vector<double> best_e(orders.size(), 0);
  std::vector<bool> have(orders.size(), false);
  LayerStats s;
  for (int64_t b : b_tiles)
    for (int64_t ot : o_tiles)
      for (int64_t ic : ic_tiles)
        for (int64_t oc : oc_tiles) {
          Tiling t;
          t.b = b;
          t.ow = std::min(ot, int64_t(p.OW));
          t.oh = std::min(ot, int64_t(p.OH));
          t.ic = ic;
          t.oc = oc;
          t.nb = ceil_div(p.B, b);
          t.now = ceil_div(p.OW, t.ow);
          t.noh = ceil_div(p.OH, t.oh);
          t.nic = ceil_div(p.IC, ic);
          t.noc = ceil_div(p.OC, oc);
          TileBase tb;
          if (!tile_base(d, p, t, tb)) continue;
          for (size_t k = 0; k < orders.size(); ++k) {
            t.order = orders[k];
            tile_finish(d, t, tb, s);
            if (!have[k] || s.cycles < best[k].cycles) {
              best[k] = s;
              best_e[k] = s.energy_nj(d.energy);
              have[k] = true;
            } else if (s.cycles == best[k].cycles) {
              const double e = s.energy_nj(d.energy);
              if (e < best_e[k]) {
                best[k] = s;
                best_e[k] = e;
              }
            }
          }
        }
  int pick = -1;
  for (size_t k = 0; k < orders.size(); ++k) {
    if (!have[k]) continue;
    if (pick < 0 || best[k].cycles < best[pick].cycles ||
        (best[k].cycles == best[pick].cycles && best_e[k] < best_e[pick]))
      pick = int(k);
  }
  if (pick < 0) throw std::runtime_error("paper model: no tiling fits the buffers");
  return best[pick];
}

ConvProblem paper_problem(const Layer& l, int batch) {
  ConvProblem p;
  p.B = batch;
  p.act_bits = l.act_bits;
  p.wgt_bits = l.wgt_bits;
  if (l.type == LayerType::Conv) {
    p.K = l.kernel;
    p.OH = l.out.h;
    p.OW = l.out.w;
    p.S = l.stride;
    p.IC = l.in.c;
    p.OC = l.out.c;
    p.im2col = l.reads_input;  // the authors' first-layer rule
  } else if (l.type == LayerType::Fc) {
    // Quirk: fc layers are 1x1 convolutions on a 1x1 image, never im2col.
    p.IC = l.in.c;
    p.OC = l.out_features;
  } else {
    throw std::runtime_error("paper model: layer '" + l.name + "' is not conv or fc");
  }
  return p;
}

NetworkResult paper_run(const Design& d, const Network& net, int batch) {
  NetworkResult r;
  r.network = net.name;
  r.batch = batch;
  using Key = std::tuple<int, int, int, int, int64_t, int64_t, int, int, bool>;
  std::map<Key, LayerStats> cache;
  for (const auto& l : net.layers) {
    if (!l.is_compute()) continue;
    const ConvProblem p = paper_problem(l, batch);
    const Key key{p.K, p.OH, p.OW, p.S, p.IC, p.OC, p.act_bits, p.wgt_bits, p.im2col};
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, paper_optimize(d, p)).first;
    LayerResult lr;
    lr.layer = &l;
    lr.stats = it->second;
    lr.macs = l.macs() * batch;
    lr.ideal_cycles = double(lr.macs) / d.peak_macs(l.act_bits, l.wgt_bits);
    r.total += lr.stats;
    r.macs += lr.macs;
    r.ideal_cycles += lr.ideal_cycles;
    r.layers.push_back(lr);
  }
  return r;
}

}  // namespace bf::model
