// Maps a GEMM (and, through the tile command's loop nest, a convolution)
// onto the array as a list of harness Jobs: data layout in the buffers,
// tiling to half buffers (double buffering), tile commands, temporal
// passes for 16-bit operands, and the drains that read the result back.
//
// Layout (docs/array.md, "Mapping a GEMM"): L = 64/(A*W) lanes per FU,
// reduction chunk kc covers k = kc*N*L + r*L + l (row r, lane l).
//   IBUF bank r, operand word  plane*Pt*Kt + p*Kt + kc   (activation row p)
//   WBUF bank r*M+c, operand word  plane*Kt + kc          (output channel c)
//   OBUF bank c, word  p                                  (pixel p)
// Tile command: level 4 = pixels (count Pt; IBUF stride Kt, OBUF stride 1),
// level 5 = reduction chunks (count Kt; IBUF and WBUF stride 1), n_red = 1.
// Out-of-range k, p or c are zero-padded / ignored.
#pragma once
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "golden/fusion.hpp"
#include "golden/gemm.hpp"
#include "tb/array/array_harness.hpp"

namespace bf::tb {

struct GemmPlan {
  std::vector<Job> jobs;
  int p = 0, c = 0;          // output shape
  uint64_t useful_macs = 0;  // P*K*C
  uint64_t steps = 0;        // sum of tile steps
  int passes = 1;
};

// Images of `banks` buffer banks holding operand words of `op_bits` bits,
// 32/op_bits per 32-bit buffer word, lowest first.
class BankImage {
 public:
  BankImage(int banks, int op_bits)
      : op_bits_(op_bits), per_word_(32 / op_bits), banks_(banks), data_(static_cast<size_t>(banks)) {}

  void put(int bank, int op_addr, uint32_t op) {
    const size_t w = static_cast<size_t>(op_addr / per_word_);
    auto& v = data_[static_cast<size_t>(bank)];
    if (v.size() <= w) v.resize(w + 1, 0);
    const int sh = (op_addr % per_word_) * op_bits_;
    const uint32_t mask = op_bits_ == 32 ? ~0u : ((1u << op_bits_) - 1) << sh;
    v[w] = (v[w] & ~mask) | ((op << sh) & mask);
  }

  // Group writes of every word written so far, at buffer word offset `base`.
  std::vector<BufWrite> writes(int group_size, int base) const {
    std::vector<BufWrite> out;
    size_t words = 0;
    for (const auto& v : data_) words = std::max(words, v.size());
    for (size_t a = 0; a < words; ++a)
      for (int g = 0; g < banks_ / group_size; ++g) {
        BufWrite w;
        w.group = g;
        w.addr = base + static_cast<int>(a);
        w.data.resize(static_cast<size_t>(group_size));
        for (int j = 0; j < group_size; ++j) {
          const auto& v = data_[static_cast<size_t>(g * group_size + j)];
          w.data[j] = a < v.size() ? v[a] : 0;
        }
        out.push_back(std::move(w));
      }
    return out;
  }

 private:
  int op_bits_, per_word_, banks_;
  std::vector<std::vector<uint32_t>> data_;
};

// Plans A (P x K, type at) times W (K x C, type wt) on geometry g.
inline GemmPlan plan_gemm(const ArrayGeom& g, const Matrix& a, const Operand& at, const Matrix& w, const Operand& wt) {
  const int N = g.rows, M = g.cols, P = a.rows, K = a.cols, C = w.cols;
  if (w.rows != K) throw std::runtime_error("plan_gemm: inner dimensions differ");
  const auto passes = temporal_passes(at, wt);
  const int A = passes[0].a.bits, W = passes[0].w.bits;  // spatial widths (same for all passes)
  const int L = 64 / (A * W), act_bits = 64 / W, wgt_bits = 64 / A;
  const int opa = 32 / act_bits, opw = 32 / wgt_bits;
  const int na = at.bits == 16 ? 2 : 1, nw = wt.bits == 16 ? 2 : 1;
  const int kc_total = std::max(1, (K + N * L - 1) / (N * L));
  const int ih = g.ibuf_depth / 2 * opa, wh = g.wbuf_depth / 2 * opw, oh = g.obuf_depth / 2;
  int kt_len = std::min(kc_total, std::max(1, wh / nw));
  kt_len = std::min(kt_len, std::max(1, ih / na));
  const int KT = (kc_total + kt_len - 1) / kt_len;
  const int pt_len = std::max(1, std::min({P, oh, ih / (kt_len * na)}));
  const int PT = (P + pt_len - 1) / pt_len, CT = (C + M - 1) / M;

  GemmPlan plan;
  plan.p = P;
  plan.c = C;
  plan.passes = static_cast<int>(passes.size());
  plan.useful_macs = static_cast<uint64_t>(P) * K * C;

  // Half-buffer bookkeeping: which data tile each half holds, last job using it.
  struct Half {
    long tag = -1;
    int last_user = -1;
  };
  Half ih_[2], wh_[2];
  int oh_last[2] = {-1, -1};
  int ihalf = 1, whalf = 1, ohalf = 1;

  auto half_of = [&](Half* hs, int& cur, long tag, bool& load) {
    if (hs[cur].tag == tag) {
      load = false;
      return cur;
    }
    cur ^= 1;
    load = true;
    return cur;
  };

  for (int pt = 0; pt < PT; ++pt) {
    const int p0 = pt * pt_len, pn = std::min(pt_len, P - p0);
    for (int ct = 0; ct < CT; ++ct) {
      const int c0 = ct * M;
      ohalf ^= 1;
      const int block_first = static_cast<int>(plan.jobs.size());
      const int drain_dep = oh_last[ohalf];
      for (int kt = 0; kt < KT; ++kt) {
        const int kc0 = kt * kt_len, kn = std::min(kt_len, kc_total - kc0);
        bool load_i = false, load_w = false;
        const int hi = half_of(ih_, ihalf, static_cast<long>(pt) * KT + kt, load_i);
        const int hw = half_of(wh_, whalf, static_cast<long>(ct) * KT + kt, load_w);
        Job first;
        int dep = -1;
        if (load_i) {
          dep = std::max(dep, ih_[hi].last_user);
          ih_[hi].tag = static_cast<long>(pt) * KT + kt;
          BankImage im(N, act_bits);
          for (int q = 0; q < na; ++q)
            for (int p = 0; p < pn; ++p)
              for (int kc = 0; kc < kn; ++kc)
                for (int r = 0; r < N; ++r) {
                  std::vector<int64_t> lanes(L, 0);
                  for (int l = 0; l < L; ++l) {
                    const int k = (kc0 + kc) * N * L + r * L + l;
                    if (k < K) lanes[l] = operand_half(a.at(p0 + p, k), at, na == 2 ? q : -1);
                  }
                  im.put(r, q * pn * kn + p * kn + kc, pack_lanes(lanes, A));
                }
          first.writes[kIbuf] = im.writes(g.gi, hi * g.ibuf_depth / 2);
        }
        if (load_w) {
          dep = std::max(dep, wh_[hw].last_user);
          wh_[hw].tag = static_cast<long>(ct) * KT + kt;
          BankImage im(N * M, wgt_bits);
          for (int q = 0; q < nw; ++q)
            for (int kc = 0; kc < kn; ++kc)
              for (int r = 0; r < N; ++r)
                for (int c = 0; c < M; ++c) {
                  std::vector<int64_t> lanes(L, 0);
                  for (int l = 0; l < L; ++l) {
                    const int k = (kc0 + kc) * N * L + r * L + l;
                    if (k < K && c0 + c < C) lanes[l] = operand_half(w.at(k, c0 + c), wt, nw == 2 ? q : -1);
                  }
                  im.put(r * M + c, q * kn + kc, pack_lanes(lanes, W));
                }
          first.writes[kWbuf] = im.writes(g.gw, hw * g.wbuf_depth / 2);
        }
        for (size_t pi = 0; pi < passes.size(); ++pi) {
          const auto& ps = passes[pi];
          Job j = pi == 0 ? std::move(first) : Job{};
          if (pi == 0) j.load_after = dep;
          j.issue_after_drain = drain_dep;
          TileCmd& cmd = j.cmd;
          cmd.a_bits = ps.a.bits;
          cmd.w_bits = ps.w.bits;
          cmd.a_signed = ps.a.is_signed;
          cmd.w_signed = ps.w.is_signed;
          cmd.shift = ps.shift;
          cmd.obuf_acc = !(kt == 0 && pi == 0);
          cmd.n_red = 1;
          cmd.ibuf_base = hi * g.ibuf_depth / 2 * opa + std::max(ps.a_half, 0) * pn * kn;
          cmd.wbuf_base = hw * g.wbuf_depth / 2 * opw + std::max(ps.w_half, 0) * kn;
          cmd.obuf_base = ohalf * g.obuf_depth / 2;
          cmd.loops[4] = {static_cast<uint32_t>(pn), kn, 0, 1};
          cmd.loops[5] = {static_cast<uint32_t>(kn), 1, 1, 0};
          plan.steps += cmd.steps();
          const int idx = static_cast<int>(plan.jobs.size());
          ih_[hi].last_user = idx;
          wh_[hw].last_user = idx;
          plan.jobs.push_back(std::move(j));
        }
      }
      // Drain the block after its last job.
      Job& last = plan.jobs.back();
      for (int p = 0; p < pn; ++p)
        for (int gr = 0; gr < M / g.gd; ++gr) {
          if (c0 + gr * g.gd >= C) break;
          last.drains.push_back({gr, ohalf * g.obuf_depth / 2 + p});
          for (int jj = 0; jj < g.gd; ++jj) {
            const int c = c0 + gr * g.gd + jj;
            last.drain_dest.push_back(c < C ? static_cast<int64_t>(p0 + p) * C + c : -1);
          }
        }
      oh_last[ohalf] = static_cast<int>(plan.jobs.size()) - 1;
      (void)block_first;
    }
  }
  return plan;
}

}  // namespace bf::tb

namespace bf::tb {

// Weight-stationary plan: the whole weight matrix (all channel tiles, all
// 16-bit planes) is loaded into the WBUF once and stays; pixel tiles of the
// activations stream through the two IBUF halves, each reused by every
// channel tile (one tile command per channel tile and temporal pass);
// outputs of a pixel tile go to one OBUF half (channel tile ct at word
// ct*Pt + p) and are drained while the next pixel tile computes.
// Throws if the weights or one pixel do not fit.
inline GemmPlan plan_gemm_resident(const ArrayGeom& g, const Matrix& a, const Operand& at, const Matrix& w,
                                   const Operand& wt, int max_pt = 1 << 30) {
  const int N = g.rows, M = g.cols, P = a.rows, K = a.cols, C = w.cols;
  if (w.rows != K) throw std::runtime_error("plan_gemm_resident: inner dimensions differ");
  const auto passes = temporal_passes(at, wt);
  const int A = passes[0].a.bits, W = passes[0].w.bits;
  const int L = 64 / (A * W), act_bits = 64 / W, wgt_bits = 64 / A;
  const int opa = 32 / act_bits, opw = 32 / wgt_bits;
  const int na = at.bits == 16 ? 2 : 1, nw = wt.bits == 16 ? 2 : 1;
  const int kc = std::max(1, (K + N * L - 1) / (N * L)), CT = (C + M - 1) / M;
  if (kc * CT * nw > g.wbuf_depth * opw) throw std::runtime_error("plan_gemm_resident: weights do not fit");
  const int pt_len = std::min({P, max_pt, g.obuf_depth / 2 / CT, g.ibuf_depth / 2 * opa / (kc * na)});
  if (pt_len < 1) throw std::runtime_error("plan_gemm_resident: a pixel tile does not fit");
  const int PT = (P + pt_len - 1) / pt_len;

  GemmPlan plan;
  plan.p = P;
  plan.c = C;
  plan.passes = static_cast<int>(passes.size());
  plan.useful_macs = static_cast<uint64_t>(P) * K * C;

  // WBUF bank r*M+c: plane q, channel tile ct, chunk k at q*CT*kc + ct*kc + k.
  BankImage wim(N * M, wgt_bits);
  for (int q = 0; q < nw; ++q)
    for (int ct = 0; ct < CT; ++ct)
      for (int k = 0; k < kc; ++k)
        for (int r = 0; r < N; ++r)
          for (int c = 0; c < M; ++c) {
            std::vector<int64_t> lanes(L, 0);
            for (int l = 0; l < L; ++l) {
              const int kk = k * N * L + r * L + l, ch = ct * M + c;
              if (kk < K && ch < C) lanes[l] = operand_half(w.at(kk, ch), wt, nw == 2 ? q : -1);
            }
            wim.put(r * M + c, (q * CT + ct) * kc + k, pack_lanes(lanes, W));
          }

  std::vector<int> block_last;
  for (int pt = 0; pt < PT; ++pt) {
    const int p0 = pt * pt_len, pn = std::min(pt_len, P - p0), half = pt % 2;
    const int dep = pt >= 2 ? block_last[pt - 2] : -1;
    BankImage iim(N, act_bits);
    for (int q = 0; q < na; ++q)
      for (int p = 0; p < pn; ++p)
        for (int k = 0; k < kc; ++k)
          for (int r = 0; r < N; ++r) {
            std::vector<int64_t> lanes(L, 0);
            for (int l = 0; l < L; ++l) {
              const int kk = k * N * L + r * L + l;
              if (kk < K) lanes[l] = operand_half(a.at(p0 + p, kk), at, na == 2 ? q : -1);
            }
            iim.put(r, (q * pn + p) * kc + k, pack_lanes(lanes, A));
          }
    for (int ct = 0; ct < CT; ++ct)
      for (size_t pi = 0; pi < passes.size(); ++pi) {
        const auto& ps = passes[pi];
        Job j;
        if (ct == 0 && pi == 0) {
          j.writes[kIbuf] = iim.writes(g.gi, half * g.ibuf_depth / 2);
          if (pt == 0) j.writes[kWbuf] = wim.writes(g.gw, 0);
          j.load_after = dep;
        }
        j.issue_after_drain = dep;
        TileCmd& cmd = j.cmd;
        cmd.a_bits = ps.a.bits;
        cmd.w_bits = ps.w.bits;
        cmd.a_signed = ps.a.is_signed;
        cmd.w_signed = ps.w.is_signed;
        cmd.shift = ps.shift;
        cmd.obuf_acc = pi != 0;
        cmd.n_red = 1;
        cmd.ibuf_base = half * g.ibuf_depth / 2 * opa + std::max(ps.a_half, 0) * pn * kc;
        cmd.wbuf_base = (std::max(ps.w_half, 0) * CT + ct) * kc;
        cmd.obuf_base = half * g.obuf_depth / 2 + ct * pn;
        cmd.loops[4] = {static_cast<uint32_t>(pn), kc, 0, 1};
        cmd.loops[5] = {static_cast<uint32_t>(kc), 1, 1, 0};
        plan.steps += cmd.steps();
        plan.jobs.push_back(std::move(j));
      }
    Job& last = plan.jobs.back();
    for (int ct = 0; ct < CT; ++ct)
      for (int p = 0; p < pn; ++p)
        for (int gr = 0; gr < M / g.gd && ct * M + gr * g.gd < C; ++gr) {
          last.drains.push_back({gr, half * g.obuf_depth / 2 + ct * pn + p});
          for (int jj = 0; jj < g.gd; ++jj) {
            const int c = ct * M + gr * g.gd + jj;
            last.drain_dest.push_back(c < C ? static_cast<int64_t>(p0 + p) * C + c : -1);
          }
        }
    block_last.push_back(static_cast<int>(plan.jobs.size()) - 1);
  }
  return plan;
}

}  // namespace bf::tb
