// Maps a convolution (batch 1, operands of at most 8 bits) directly onto
// the tile command's loop nest, without im2col: the zero-padded input tile
// sits in the IBUF and the loop strides implement the sliding window.
//
//   IBUF bank r, operand word (y * Wp + x) * ICc + icc   (padded input, Wp = w + 2 pad)
//   WBUF bank r*M+c, operand word (ky * kw + kx) * ICc + icc
//   OBUF bank c, word oy * OW + ox
//   row r, lane l of chunk icc holds input channel icc*N*L + r*L + l
// Loop nest (level: count; IBUF / WBUF / OBUF stride), n_red = 3:
//   1 oy: OH; stride*Wp*ICc / 0 / OW     2 ox: OW; stride*ICc / 0 / 1
//   3 ky: kh; Wp*ICc / kw*ICc / 0        4 kx: kw; ICc / ICc / 0
//   5 icc: ICc; 1 / 1 / 0
// One tile command per block of M output channels; the whole input and one
// block of weights must fit half of their buffers (checked).
#pragma once
#include <stdexcept>
#include <vector>

#include "golden/gemm.hpp"
#include "tb/array/gemm_mapper.hpp"

namespace bf::tb {

inline GemmPlan plan_conv(const ArrayGeom& g, const ConvShape& s, const std::vector<int64_t>& in, const Operand& at,
                          const std::vector<int64_t>& wgt, const Operand& wt) {
  if (s.batch != 1) throw std::runtime_error("plan_conv: batch must be 1");
  if (at.bits > 8 || wt.bits > 8) throw std::runtime_error("plan_conv: operands of at most 8 bits");
  const int N = g.rows, M = g.cols, A = hw_bits(at.bits), W = hw_bits(wt.bits);
  const int L = 64 / (A * W), act_bits = 64 / W, wgt_bits = 64 / A;
  const int icc = (s.c_in + N * L - 1) / (N * L);
  const int hp = s.h + 2 * s.pad, wp = s.w + 2 * s.pad, OH = s.oh(), OW = s.ow();
  if (hp * wp * icc > g.ibuf_depth / 2 * (32 / act_bits)) throw std::runtime_error("plan_conv: input too big");
  if (s.kh * s.kw * icc > g.wbuf_depth / 2 * (32 / wgt_bits)) throw std::runtime_error("plan_conv: kernel too big");
  if (OH * OW > g.obuf_depth / 2) throw std::runtime_error("plan_conv: output too big");

  GemmPlan plan;
  plan.p = OH * OW;
  plan.c = s.c_out;
  plan.useful_macs = static_cast<uint64_t>(plan.p) * s.gemm_k() * s.c_out;
  const int CT = (s.c_out + M - 1) / M;
  for (int ct = 0; ct < CT; ++ct) {
    const int c0 = ct * M, half = ct % 2;
    Job j;
    if (ct == 0) {
      BankImage im(N, act_bits);
      for (int y = 0; y < hp; ++y)
        for (int x = 0; x < wp; ++x)
          for (int q = 0; q < icc; ++q)
            for (int r = 0; r < N; ++r) {
              std::vector<int64_t> lanes(L, 0);
              const int yy = y - s.pad, xx = x - s.pad;
              for (int l = 0; l < L; ++l) {
                const int ic = q * N * L + r * L + l;
                if (ic < s.c_in && yy >= 0 && yy < s.h && xx >= 0 && xx < s.w)
                  lanes[l] = in[(static_cast<size_t>(yy) * s.w + xx) * s.c_in + ic];
              }
              im.put(r, (y * wp + x) * icc + q, pack_lanes(lanes, A));
            }
      j.writes[kIbuf] = im.writes(g.gi, 0);
    }
    BankImage im(N * M, wgt_bits);
    for (int ky = 0; ky < s.kh; ++ky)
      for (int kx = 0; kx < s.kw; ++kx)
        for (int q = 0; q < icc; ++q)
          for (int r = 0; r < N; ++r)
            for (int c = 0; c < M; ++c) {
              std::vector<int64_t> lanes(L, 0);
              for (int l = 0; l < L; ++l) {
                const int ic = q * N * L + r * L + l;
                if (ic < s.c_in && c0 + c < s.c_out)
                  lanes[l] = wgt[((static_cast<size_t>(ky) * s.kw + kx) * s.c_in + ic) * s.c_out + c0 + c];
              }
              im.put(r * M + c, (ky * s.kw + kx) * icc + q, pack_lanes(lanes, W));
            }
    j.writes[kWbuf] = im.writes(g.gw, half * g.wbuf_depth / 2);
    j.load_after = ct >= 2 ? ct - 2 : -1;
    j.issue_after_drain = ct >= 2 ? ct - 2 : -1;
    TileCmd& cmd = j.cmd;
    cmd.a_bits = A;
    cmd.w_bits = W;
    cmd.a_signed = at.is_signed;
    cmd.w_signed = wt.is_signed;
    cmd.n_red = 3;
    cmd.ibuf_base = 0;
    cmd.wbuf_base = half * g.wbuf_depth / 2 * (32 / wgt_bits);
    cmd.obuf_base = half * g.obuf_depth / 2;
    cmd.loops[1] = {static_cast<uint32_t>(OH), s.stride * wp * icc, 0, OW};
    cmd.loops[2] = {static_cast<uint32_t>(OW), s.stride * icc, 0, 1};
    cmd.loops[3] = {static_cast<uint32_t>(s.kh), wp * icc, s.kw * icc, 0};
    cmd.loops[4] = {static_cast<uint32_t>(s.kw), icc, icc, 0};
    cmd.loops[5] = {static_cast<uint32_t>(icc), 1, 1, 0};
    plan.steps += cmd.steps();
    for (int p = 0; p < OH * OW; ++p)
      for (int gr = 0; gr < M / g.gd && c0 + gr * g.gd < s.c_out; ++gr) {
        j.drains.push_back({gr, half * g.obuf_depth / 2 + p});
        for (int jj = 0; jj < g.gd; ++jj) {
          const int c = c0 + gr * g.gd + jj;
          j.drain_dest.push_back(c < s.c_out ? static_cast<int64_t>(p) * s.c_out + c : -1);
        }
      }
    plan.jobs.push_back(std::move(j));
  }
  return plan;
}

}  // namespace bf::tb
