#include "model/design.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace bf::model {
namespace {

// Dynamic power in nW at 500 MHz of the authors' synthesized systolic
// arrays (hsharma35/bitfusion, results/systolic_array_synth.csv), for the
// two operand ranges the model uses: Bit Fusion (8-bit max, 2-bit min) and
// a fixed 8-bit array.
struct SynthRow {
  int n, m;
  double bf_8_2_nw, fixed_8_8_nw;
};
constexpr SynthRow kSynth[] = {
    {1, 1, 279960, 148845},    {2, 1, 503845, 241967},   {4, 1, 969800, 436426},    {8, 1, 1888400, 823779},
    {16, 1, 3758300, 1627200}, {1, 2, 542883, 291312},   {2, 2, 977400, 468882},    {4, 2, 1869700, 832550},
    {8, 2, 3711700, 1588700},  {1, 4, 1046700, 567794},  {2, 4, 1888200, 911498},   {4, 4, 3673500, 1627500},
    {1, 8, 2057400, 1120489},  {2, 8, 3757400, 1835800}, {1, 16, 4049800, 2222600},
};
constexpr double kSynthFreqHz = 500000000.0;

// CACTI 45 nm per-access energies of one SRAM bank with 4-byte words, from
// the authors' sram/cacti_sweep.csv: {bank bytes, read-write port, read nJ,
// write nJ}. Single-port banks hold weights and inputs; OBUF banks have a
// read-write port.
struct CactiRow {
  double bytes;
  int rw_port;
  double read_nj, write_nj;
};
constexpr CactiRow kCacti[] = {
    {128, 0, 0.0006837010000000001, 0.000925317},
    {1024, 0, 0.00113324, 0.00329596},
    {2048, 0, 0.00190318, 0.00363853},
    {4096, 0, 0.00342953, 0.00431011},
    {8192, 0, 0.00639163, 0.00556268},
    {16384, 0, 0.009981700000000001, 0.0084209},
    {512, 1, 0.00106097, 0.00233869},
    {4096, 1, 0.00398324, 0.00505131},
};

// Energy per access of a bank: the table entry if there is one, else
// linear interpolation in log2(size) between the two nearest entries with
// the same port type (extrapolation from the two end entries).
std::pair<double, double> cacti(double bytes, int rw_port) {
  std::vector<CactiRow> rows;
  for (const auto& r : kCacti)
    if (r.rw_port == rw_port) rows.push_back(r);
  for (const auto& r : rows)
    if (r.bytes == bytes) return {r.read_nj, r.write_nj};
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.bytes < b.bytes; });
  size_t hi = 1;
  while (hi + 1 < rows.size() && rows[hi].bytes < bytes) ++hi;
  const auto& a = rows[hi - 1];
  const auto& b = rows[hi];
  const double t = (std::log2(bytes) - std::log2(a.bytes)) / (std::log2(b.bytes) - std::log2(a.bytes));
  auto lerp = [t](double x, double y) { return std::max(x + t * (y - x), 0.25 * std::min(x, y)); };
  return {lerp(a.read_nj, b.read_nj), lerp(a.write_nj, b.write_nj)};
}

Rate mul(Rate a, Rate b) { return {a.num * b.num, a.den * b.den}; }

// Per-operand factor of a spatially fused multiplier spanning [pmin, pmax]
// bits; wider operands than pmax run temporally (x/pmax passes).
Rate operand_factor(int bits, int pmax, int pmin) {
  if (bits <= pmax) return {pmax / std::max(bits, pmin), 1};
  return {1, bits / pmax};
}

Design base(const ArrayConfig& cfg) {
  Design d;
  d.rows = cfg.rows;
  d.cols = cfg.cols;
  d.wbuf_bytes = int64_t(cfg.wbuf_kb) * 1024;
  d.ibuf_bytes = int64_t(cfg.ibuf_kb) * 1024;
  d.obuf_bytes = int64_t(cfg.obuf_kb) * 1024;
  d.dram_bits = cfg.dram_bits;
  d.freq_mhz = cfg.freq_mhz;
  return d;
}

}  // namespace

EnergyCost authors_energy(int rows, int cols, int pmax, int pmin, int64_t wbuf_bytes, int64_t ibuf_bytes,
                          int64_t obuf_bytes) {
  EnergyCost e;
  // Core: the exact N x M synthesis if the table has it, else the 4x4 array
  // scaled by N*M/16 (as the authors' simulator does).
  const SynthRow* row = nullptr;
  for (const auto& r : kSynth)
    if (r.n == rows && r.m == cols) row = &r;
  const bool exact = row != nullptr;
  if (!exact)
    for (const auto& r : kSynth)
      if (r.n == 4 && r.m == 4) row = &r;
  const bool fixed = pmin == pmax;
  const double p = fixed ? row->fixed_8_8_nw : row->bf_8_2_nw;
  const double dyn_nw = exact ? p : p * double(rows * cols) / 16.;
  e.core_nj_per_cycle = dyn_nw / kSynthFreqHz;

  // SRAM: N*M WBUF banks, N IBUF banks, M OBUF banks of 32-bit words
  // (pmax*pmax/pmin bits in the authors' code; 32 for Bit Fusion; the
  // baselines use the same buffers).
  const int word = 32;
  auto bank_bytes = [word](int64_t bytes, int64_t banks) {
    const int64_t words = (bytes * 8 + banks * word - 1) / (banks * word);
    return double(words * word / 8);
  };
  auto w = cacti(bank_bytes(wbuf_bytes, int64_t(rows) * cols), 0);
  auto i = cacti(bank_bytes(ibuf_bytes, rows), 0);
  auto o = cacti(bank_bytes(obuf_bytes, cols), 1);
  e.wbuf_rd = w.first / word;
  e.wbuf_wr = w.second / word;
  e.ibuf_rd = i.first / word;
  e.ibuf_wr = i.second / word;
  e.obuf_rd = o.first / word;
  e.obuf_wr = o.second / word;
  return e;
}

Rate Design::rate(int a, int w) const {
  switch (kind) {
    case DesignKind::BitFusion: return mul(operand_factor(a, 8, 2), operand_factor(w, 8, 2));
    case DesignKind::Fixed8: return mul(operand_factor(a, 8, 8), operand_factor(w, 8, 8));
    case DesignKind::Stripes: {
      // 16 lanes, one activation bit per lane per cycle: 16 products every
      // max(a,1) cycles; weights up to 16 bits in parallel.
      return {16, std::max(a, 1)};
    }
  }
  return {1, 1};
}

int Design::act_store_bits(int a) const {
  switch (kind) {
    case DesignKind::BitFusion: return a;
    case DesignKind::Fixed8: return std::max(a, 8);
    case DesignKind::Stripes: return 16;
  }
  return a;
}

int Design::wgt_store_bits(int w) const {
  switch (kind) {
    case DesignKind::BitFusion: return w;
    case DesignKind::Fixed8: return std::max(w, 8);
    case DesignKind::Stripes: return 16;
  }
  return w;
}

double Design::peak_macs(int a, int w) const {
  const Rate r = rate(a, w);
  return double(rows) * cols * double(r.num) / double(r.den);
}

Design bitfusion_design(const ArrayConfig& cfg) {
  Design d = base(cfg);
  d.kind = DesignKind::BitFusion;
  d.name = "Bit Fusion";
  d.energy = authors_energy(d.rows, d.cols, 8, 2, d.wbuf_bytes, d.ibuf_bytes, d.obuf_bytes);
  return d;
}

Design fixed8_design(const ArrayConfig& cfg) {
  Design d = base(cfg);
  d.kind = DesignKind::Fixed8;
  d.name = "Fixed 8-bit";
  d.energy = authors_energy(d.rows, d.cols, 8, 8, d.wbuf_bytes, d.ibuf_bytes, d.obuf_bytes);
  return d;
}

Design stripes_design(const ArrayConfig& cfg) {
  Design d = base(cfg);
  d.kind = DesignKind::Stripes;
  d.name = "Stripes";
  // A 16-lane SIP handles 16 x 16 = 256 bit-products per cycle, four times a
  // Fusion Unit's 16 BitBricks x 4: iso-area means a quarter of the units.
  d.cols = std::max(1, cfg.cols / 4);
  // Iso-area and the same clock: the core energy per cycle of the Bit
  // Fusion array it replaces.
  d.energy = authors_energy(cfg.rows, cfg.cols, 8, 2, d.wbuf_bytes, d.ibuf_bytes, d.obuf_bytes);
  return d;
}

}  // namespace bf::model
