// Array-tile drivers of bf_activity (synth/activity/activity_main.cpp): a
// GEMM streamed through the Bit Fusion tile bf_array_top at the array_4x4
// parameters of synth/blocks.json, and the same kind of GEMM through the
// fixed 8-bit baseline array bf_mac8_array (4x4).
//
// Bit Fusion tile (run_array4x4): the operands are loaded into the IBUF and
// WBUF before the recording window (layout of tb/array/gemm_mapper.hpp:
// IBUF bank r, operand word p*KC + k; WBUF bank r*M+c, operand word
// ct*KC + k); then tile commands stream back to back, one per channel tile
// ct (level 4: P pixels, level 5: KC reduction chunks of N*L elements), and
// the whole GEMM is repeated R times, accumulating into the OBUF after the
// first pass. The window starts once the array is full and ends before the
// last tile: every cycle in it has a step in flight. Afterwards the OBUF is
// drained and must equal R x gemm_ref (mod 2^32).
//
// Counts in the window (from the steps issued in it, i.e. by the engine
// cycle of each step; pipeline offsets of up to N+M+3 cycles are ignored:
// exact for the IBUF/WBUF reads, +-M for the OBUF):
//   MACs      N*M*L per step (no padding: K = KC*N*L, C = CT*M)
//   IBUF      N 32-bit reads per step (one per row bank)
//   WBUF      N*M 32-bit reads per step (one per Fusion Unit bank)
//   OBUF      M writes per step that ends a reduction, plus M reads when the
//             tile accumulates into the OBUF
//
// Baseline (run_mac8_array4x4): one 8-bit MAC per PE per cycle; activations
// skewed by row, weights by row + column, as bf_mac8_array.sv requires. The
// reduction per output is KC8 = 8*L chunks of N (the same K per output as the
// Bit Fusion run at this width pair, so the same outputs per MAC). It has
// no buffers in RTL; the counts are for the buffers such an array needs,
// holding 8-bit operands in 32-bit words: N*8 IBUF bits and N*M*8 WBUF bits
// per cycle (N/4 and N*M/4 32-bit reads), M OBUF writes per finished
// reduction. The column accumulators are checked against golden at the end
// (sum over all steps of each column, mod 2^32).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/gemm.hpp"
#include "synth/activity/workloads.hpp"
#include "tb/array/gemm_mapper.hpp"
#include "tb/array/ports.hpp"

namespace bf::act {

struct TileCounts {
  uint64_t macs = 0;
  uint64_t ibuf_rd = 0, ibuf_wr = 0, wbuf_rd = 0, wbuf_wr = 0, obuf_rd = 0, obuf_wr = 0;
  uint64_t steps = 0;
};

// array_4x4 of synth/blocks.json: the named configuration bf4x4.
inline ArrayConfig array4x4_config() { return load_config("bf4x4"); }

// Matrices A (P x K) and W (K x C) filled from the workload's operand stream
// (pair i gives A's element i and W's element i).
inline void fill_from_workload(const Workload& wl, Matrix& a, Matrix& w) {
  const size_t need = std::max(a.v.size(), w.v.size());
  if (wl.pairs.size() < need) throw std::runtime_error("workload stream too short for the GEMM");
  for (size_t i = 0; i < a.v.size(); ++i) a.v[i] = wl.pairs[i].a;
  for (size_t i = 0; i < w.v.size(); ++i) w.v[i] = wl.pairs[i].w;
}

// What both drivers share: the recording window, cycles [first, first +
// cycles) of the driven stream, where first = N + M + 8 (the array is full
// by then), and the clocking around it. `Runner` is activity_main.cpp's
// (reset done, tick(), record()).
struct Window {
  uint64_t first, cycles;
  Window(int rows, int cols, uint64_t n) : first(static_cast<uint64_t>(rows + cols + 8)), cycles(n) {}
  bool contains(uint64_t t) const { return t >= first && t < first + cycles; }
};

// Four unrecorded cycles that let the inputs set so far settle.
template <class Runner>
void settle(Runner& r) {
  for (int i = 0; i < 4; ++i) r.tick();
}

// Clocks cycle t of the stream, recorded when it is in the window; returns
// whether it was.
template <class Runner>
bool clock_cycle(Runner& r, const Window& win, uint64_t t) {
  const bool rec = win.contains(t);
  r.record(rec);
  r.tick();
  return rec;
}

template <class Runner>
TileCounts run_array4x4(Runner& r, const Workload& wl, uint64_t cycles) {
  using tb::set_bits;
  using tb::set_word;
  const tb::ArrayGeom g = tb::ArrayGeom::from(array4x4_config());
  const int N = g.rows, M = g.cols;
  const int A = hw_bits(wl.mode.act_bits), W = hw_bits(wl.mode.wgt_bits);
  const int L = 64 / (A * W), act_bits = 64 / W, wgt_bits = 64 / A;
  const int opa = 32 / act_bits, opw = 32 / wgt_bits;
  const int KC = 8;
  const int P = std::min(g.ibuf_depth * opa / KC, 16);
  const int CT = std::min({g.wbuf_depth * opw / KC, g.obuf_depth / P, 4});
  const int K = KC * N * L, C = CT * M;
  Matrix am(P, K), wm(K, C);
  fill_from_workload(wl, am, wm);

  // Buffer images.
  tb::BankImage iim(N, act_bits), wim(N * M, wgt_bits);
  for (int p = 0; p < P; ++p)
    for (int k = 0; k < KC; ++k)
      for (int row = 0; row < N; ++row) {
        std::vector<int64_t> lanes(L);
        for (int l = 0; l < L; ++l) lanes[l] = am.at(p, k * N * L + row * L + l);
        iim.put(row, p * KC + k, pack_lanes(lanes, A));
      }
  for (int ct = 0; ct < CT; ++ct)
    for (int k = 0; k < KC; ++k)
      for (int row = 0; row < N; ++row)
        for (int c = 0; c < M; ++c) {
          std::vector<int64_t> lanes(L);
          for (int l = 0; l < L; ++l) lanes[l] = wm.at(k * N * L + row * L + l, ct * M + c);
          wim.put(row * M + c, ct * KC + k, pack_lanes(lanes, W));
        }
  const auto iw = iim.writes(g.gi, 0), ww = wim.writes(g.gw, 0);

  auto idle = [&] {
    r->cmd_valid_i = 0;
    r->ibuf_wr_valid_i = 0;
    r->wbuf_wr_valid_i = 0;
    r->obuf_wr_valid_i = 0;
    r->obuf_rd_valid_i = 0;
  };
  // Loads (not recorded): one IBUF and one WBUF group write per cycle.
  for (size_t i = 0; i < std::max(iw.size(), ww.size()); ++i) {
    idle();
    if (i < iw.size()) {
      r->ibuf_wr_valid_i = 1;
      r->ibuf_wr_group_i = iw[i].group;
      r->ibuf_wr_addr_i = iw[i].addr;
      set_bits(r->ibuf_wr_mask_i, 0, g.gi, ~uint64_t{0});
      for (int j = 0; j < g.gi; ++j) set_word(r->ibuf_wr_data_i, j, iw[i].data[j]);
    }
    if (i < ww.size()) {
      r->wbuf_wr_valid_i = 1;
      r->wbuf_wr_group_i = ww[i].group;
      r->wbuf_wr_addr_i = ww[i].addr;
      set_bits(r->wbuf_wr_mask_i, 0, g.gw, ~uint64_t{0});
      for (int j = 0; j < g.gw; ++j) set_word(r->wbuf_wr_data_i, j, ww[i].data[j]);
    }
    r.tick();
  }
  idle();
  settle(r);

  // The command stream: R passes x CT tiles of P*KC steps.
  const Window win(N, M, cycles);
  const uint64_t pass_steps = static_cast<uint64_t>(P) * KC * CT;
  const int R = static_cast<int>((win.first + cycles + 2 * pass_steps - 1) / pass_steps) + 1;
  std::vector<tb::TileCmd> cmds;
  for (int rep = 0; rep < R; ++rep)
    for (int ct = 0; ct < CT; ++ct) {
      tb::TileCmd c;
      c.a_bits = wl.mode.act_bits;
      c.w_bits = wl.mode.wgt_bits;
      c.a_signed = wl.mode.act_signed;
      c.w_signed = wl.mode.wgt_signed;
      c.obuf_acc = rep > 0;
      c.wbuf_base = ct * KC;
      c.obuf_base = ct * P;
      c.loops[4] = {static_cast<uint32_t>(P), KC, 0, 1};
      c.loops[5] = {static_cast<uint32_t>(KC), 1, 1, 0};
      cmds.push_back(c);
    }
  auto prec = [](int bits) { return bits <= 2 ? 0u : bits == 4 ? 1u : 2u; };
  TileCounts n;
  size_t ci = 0, dones = 0;
  for (uint64_t t = 0; dones < cmds.size(); ++t) {
    if (t > 100 * (pass_steps * R + 1000)) throw std::runtime_error("array4x4: timeout");
    idle();
    if (ci < cmds.size()) {
      const auto& c = cmds[ci];
      r->cmd_valid_i = 1;
      r->cmd_prec_a_i = prec(c.a_bits);
      r->cmd_prec_w_i = prec(c.w_bits);
      r->cmd_a_signed_i = c.a_signed;
      r->cmd_w_signed_i = c.w_signed;
      r->cmd_shift_i = 0;
      r->cmd_obuf_acc_i = c.obuf_acc;
      r->cmd_n_red_i = 1;
      r->cmd_ibuf_base_i = c.ibuf_base;
      r->cmd_wbuf_base_i = c.wbuf_base;
      r->cmd_obuf_base_i = c.obuf_base;
      for (int l = 0; l < tb::TileCmd::kLoops; ++l) {
        set_bits(r->cmd_count_i, 16 * l, 16, c.loops[l].count);
        set_bits(r->cmd_ibuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].ibuf_stride));
        set_bits(r->cmd_wbuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].wbuf_stride));
        set_bits(r->cmd_obuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].obuf_stride));
      }
    }
    r->eval();
    const bool hs = ci < cmds.size() && r->cmd_ready_o;
    clock_cycle(r, win, t);
    if (hs) {
      // Steps of this tile occupy cycles t+1 .. t+S; count those in the window.
      const auto& c = cmds[ci];
      const uint64_t S = c.steps();
      for (uint64_t j = 0; j < S; ++j) {
        const uint64_t at = t + 1 + j;
        if (!win.contains(at)) continue;
        ++n.steps;
        n.macs += static_cast<uint64_t>(N) * M * L;
        n.ibuf_rd += N;
        n.wbuf_rd += static_cast<uint64_t>(N) * M;
        if (j % KC == KC - 1) {
          n.obuf_wr += M;
          if (c.obuf_acc) n.obuf_rd += M;
        }
      }
      ++ci;
    }
    if (r->done_o) ++dones;
  }
  r.record(false);
  if (n.steps != cycles) throw std::runtime_error("array4x4: the window is not fully busy");

  // Drain and check: OBUF bank c, word ct*P + p = R * O[p][ct*M + c].
  const auto want = gemm_ref(am, wl.mode.act(), wm, wl.mode.wgt());
  for (int ct = 0; ct < CT; ++ct)
    for (int p = 0; p < P; ++p)
      for (int gr = 0; gr < M / g.gd; ++gr) {
        idle();
        r->obuf_rd_valid_i = 1;
        r->obuf_rd_group_i = gr;
        r->obuf_rd_addr_i = ct * P + p;
        r->eval();
        if (!r->obuf_rd_ready_o) throw std::runtime_error("array4x4: OBUF read not ready while idle");
        r.tick();
        idle();
        if (!r->obuf_rd_rvalid_o) throw std::runtime_error("array4x4: no OBUF read data");
        for (int j = 0; j < g.gd; ++j) {
          const int c = ct * M + gr * g.gd + j;
          const uint32_t got = tb::get_word(r->obuf_rd_data_o, j);
          const uint32_t exp = static_cast<uint32_t>(R) * static_cast<uint32_t>(want[p * C + c]);
          if (got != exp)
            throw std::runtime_error("golden mismatch: array4x4 OBUF p=" + std::to_string(p) +
                                     " c=" + std::to_string(c) + " got " + std::to_string(got) + " want " +
                                     std::to_string(exp));
        }
        r.tick();
      }
  std::fprintf(stderr, "array4x4: GEMM P=%d K=%d C=%d, %zu tiles of %llu steps, %d passes, OBUF checked\n", P, K, C,
               cmds.size(), static_cast<unsigned long long>(P * KC), R);
  return n;
}

template <class Runner>
TileCounts run_mac8_array4x4(Runner& r, const Workload& wl, uint64_t cycles) {
  constexpr int N = 4, M = 4;
  const int L = wl.mode.lanes();
  const int KC = 8 * L, P = 16, CT = 4;
  const int K = KC * N, C = CT * M;
  Matrix am(P, K), wm(K, C);
  fill_from_workload(wl, am, wm);
  const Window win(N, M, cycles);
  const uint64_t pass_steps = static_cast<uint64_t>(P) * KC * CT;
  const uint64_t R = (win.first + cycles + pass_steps - 1) / pass_steps;
  const uint64_t total = R * pass_steps;
  auto step = [&](int64_t s, int& ct, int& p, int& k) {
    const int64_t x = s % static_cast<int64_t>(pass_steps);
    k = static_cast<int>(x % KC);
    p = static_cast<int>(x / KC % P);
    ct = static_cast<int>(x / KC / P);
  };
  r->w_signed_i = wl.mode.wgt_signed;
  for (int row = 0; row < N; ++row) tb::set_bits(r->a_signed_i, row, 1, wl.mode.act_signed);
  r->acc_en_i = 1;
  r->acc_clr_i = 0;
  settle(r);  // w_signed down the top edge
  TileCounts n;
  for (uint64_t t = 0; t < total + N + M + 8; ++t) {
    for (int row = 0; row < N; ++row) {
      const int64_t s = static_cast<int64_t>(t) - row;
      uint64_t a = 0;
      if (s >= 0 && s < static_cast<int64_t>(total)) {
        int ct, p, k;
        step(s, ct, p, k);
        a = static_cast<uint8_t>(am.at(p, k * N + row));
      }
      tb::set_bits(r->act_i, 8 * row, 8, a);
      for (int c = 0; c < M; ++c) {
        const int64_t sw = s - c;
        uint64_t w = 0;
        if (sw >= 0 && sw < static_cast<int64_t>(total)) {
          int ct, p, k;
          step(sw, ct, p, k);
          w = static_cast<uint8_t>(wm.at(k * N + row, ct * M + c));
        }
        tb::set_bits(r->wgt_i, 8 * (row * M + c), 8, w);
      }
    }
    if (clock_cycle(r, win, t)) {
      int ct, p, k;
      step(static_cast<int64_t>(t), ct, p, k);
      ++n.steps;
      n.macs += N * M;
      n.ibuf_rd += N * 8 / 32;      // N 8-bit operands = N/4 words
      n.wbuf_rd += N * M * 8 / 32;  // N*M 8-bit operands
      if (k == KC - 1) n.obuf_wr += M;
    }
  }
  r.record(false);
  // Column c accumulated every step: R * sum over ct, p of O[p][ct*M + c].
  const auto want = gemm_ref(am, wl.mode.act(), wm, wl.mode.wgt());
  for (int c = 0; c < M; ++c) {
    uint32_t exp = 0;
    for (int ct = 0; ct < CT; ++ct)
      for (int p = 0; p < P; ++p) exp += static_cast<uint32_t>(want[p * C + ct * M + c]);
    exp *= static_cast<uint32_t>(R);
    const uint32_t got = tb::get_word(r->acc_o, c);
    if (got != exp)
      throw std::runtime_error("golden mismatch: mac8_array4x4 column " + std::to_string(c) + " got " +
                               std::to_string(got) + " want " + std::to_string(exp));
  }
  std::fprintf(stderr, "mac8_array4x4: GEMM P=%d K=%d C=%d, %llu passes, accumulators checked\n", P, K, C,
               static_cast<unsigned long long>(R));
  return n;
}

}  // namespace bf::act
