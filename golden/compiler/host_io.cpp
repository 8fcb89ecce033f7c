// Host-side image, weight and bias helpers of a compiled layer: NCHW /
// OIHW tensors to and from the DRAM layouts (docs/isa.md, "DRAM layouts").
#include <stdexcept>

#include "golden/compiler.hpp"
#include "golden/compiler/geometry.hpp"
#include "golden/precision.hpp"

namespace bf {

using compiler::round_up;

namespace {
void set_field(std::vector<uint32_t>& dram, uint64_t word, int shift, int bits, uint64_t v) {
  const uint32_t mask = bits == 32 ? 0xffffffffu : ((1u << bits) - 1) << shift;
  dram.at(word) = (dram.at(word) & ~mask) | ((uint32_t(v) << shift) & mask);
}
uint64_t pixel_of(const ActLayout& l, int b, int y, int x) {
  return (uint64_t(b) * l.height + y + l.halo) * l.width + x + l.halo;
}
}  // namespace

void put_image(const ActLayout& l, const std::vector<int64_t>& v, std::vector<uint32_t>& dram, int64_t pad_value) {
  const int H = l.height - 2 * l.halo, W = l.width - 2 * l.halo, C = l.channels;
  if (v.size() != size_t(l.batch) * C * H * W) throw std::runtime_error("put_image: wrong element count");
  const Operand op{l.bits, l.is_signed};
  if (l.bits != 32 && !fits(pad_value, op))
    throw std::runtime_error("put_image: pad value " + std::to_string(pad_value) + " outside " + describe(op));
  const int E = l.per_word(), pb = 32 / E;
  auto put = [&](uint64_t stored_pixel, int ch, int64_t e) {
    const int c = l.slot(ch);
    const uint64_t px = l.base + stored_pixel * l.pixel_words();
    for (int p = 0; p < l.planes(); ++p)
      set_field(dram, px + p * l.plane_words() + c / E, (c % E) * pb, pb, uint64_t(e) >> (8 * p));
  };
  for (int b = 0; b < l.batch; ++b)
    for (int c = 0; c < C; ++c)
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const int64_t e = v[((size_t(b) * C + c) * H + y) * W + x];
          if (l.bits != 32 && !fits(e, op))
            throw std::runtime_error("put_image: value " + std::to_string(e) + " outside " + describe(op));
          put(pixel_of(l, b, y, x), c, e);
        }
  // The halo of the real channels holds the pad value (padded channels
  // meet zero weights; their value does not matter).
  if (l.halo > 0)
    for (int b = 0; b < l.batch; ++b)
      for (int y = 0; y < l.height; ++y)
        for (int x = 0; x < l.width; ++x) {
          if (y >= l.halo && y < l.height - l.halo && x >= l.halo && x < l.width - l.halo) continue;
          for (int c = 0; c < C; ++c) put((uint64_t(b) * l.height + y) * l.width + x, c, pad_value);
        }
}

std::vector<int64_t> get_image(const ActLayout& l, const std::vector<uint32_t>& dram) {
  const int H = l.height - 2 * l.halo, W = l.width - 2 * l.halo, C = l.channels;
  std::vector<int64_t> v(size_t(l.batch) * C * H * W);
  for (int b = 0; b < l.batch; ++b)
    for (int cc = 0; cc < C; ++cc)
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const uint64_t px = l.base + pixel_of(l, b, y, x) * l.pixel_words();
          const int E = l.per_word(), pb = 32 / E, c = l.slot(cc);
          uint64_t raw = 0;
          for (int p = 0; p < l.planes(); ++p)
            raw |= uint64_t((dram.at(px + p * l.plane_words() + c / E) >> ((c % E) * pb)) &
                            (pb == 32 ? 0xffffffffu : (1u << pb) - 1))
                   << (8 * p);
          v[((size_t(b) * C + cc) * H + y) * W + x] = extend(raw, l.bits, l.is_signed);
        }
  return v;
}

void put_input(const CompiledLayer& c, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram,
               int64_t pad_value) {
  put_image(c.input, nchw, dram, pad_value);
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
  const int64_t kwt = round_up(t.kc, Pw);
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
          const int s = cl.input.slot(ic);  // where the input stores channel ic
          const int j = s / (N * Ein), r = (s / Ein) % N, e = s % Ein, q = e / L, ln = e % L;
          const int u = j / t.tj;
          const int64_t kcl = int64_t(j - u * t.tj) * P + q;
          if (kcl >= t.kc) throw std::logic_error("put_weights: channel " + std::to_string(ic) + " beyond the chunks");
          for (int sw = 0; sw < pw; ++sw) {
            const int64_t a = ((int64_t(sw) * t.groups + g) * t.tkh * KW + khl * KW + kw) * kwt + kcl;
            const uint64_t word = cl.weight_base + ((uint64_t(ot) * t.nk + kt) * t.ni + u) * tile_words +
                                  uint64_t(a / Pw) * N * M + uint64_t(r) * M + col;
            set_field(dram, word, int(a % Pw) * L * W + ln * W, W, uint64_t(v) >> (8 * sw));
          }
        }
}

namespace {
// Word of channel k's bias (param = false) or requant parameter (true).
uint64_t channel_word(const CompiledLayer& c, int k, bool param) {
  const uint64_t toc = uint64_t(c.tiling.groups) * c.cfg.cols;
  const uint64_t rows = (c.layer.bias ? 1 : 0) + (c.layer.channel_requant ? 1 : 0);
  const uint64_t tile = uint64_t(k) / toc;
  return c.bias_base + tile * toc * rows + (param && c.layer.bias ? toc : 0) + uint64_t(k) % toc;
}
void clear_channel_words(const CompiledLayer& c, std::vector<uint32_t>& dram, bool param) {
  for (int k = 0; k < int(uint64_t(c.tiling.no) * c.tiling.groups * c.cfg.cols); ++k)
    dram.at(channel_word(c, k, param)) = 0;
}
}  // namespace

void put_bias(const CompiledLayer& c, const std::vector<int64_t>& bias, std::vector<uint32_t>& dram) {
  if (!c.layer.bias) throw std::runtime_error("put_bias: layer '" + c.layer.name + "' has no bias");
  if (bias.size() != size_t(c.layer.out_c)) throw std::runtime_error("put_bias: wrong element count");
  clear_channel_words(c, dram, false);
  for (size_t k = 0; k < bias.size(); ++k) dram.at(channel_word(c, int(k), false)) = uint32_t(bias[k]);
}

void put_requant(const CompiledLayer& c, const std::vector<RequantParams>& params, std::vector<uint32_t>& dram) {
  if (!c.layer.channel_requant)
    throw std::runtime_error("put_requant: layer '" + c.layer.name + "' has no per-channel requantization");
  if (params.size() != size_t(c.layer.out_c)) throw std::runtime_error("put_requant: wrong element count");
  clear_channel_words(c, dram, true);
  for (size_t k = 0; k < params.size(); ++k) {
    const RequantParams& p = params[k];
    if (p.mult > 65535 || p.shift < 0 || p.shift > kRequantMaxShift)
      throw std::runtime_error("put_requant: channel " + std::to_string(k) + ": mult or shift out of range");
    dram.at(channel_word(c, int(k), true)) = isa::requant_param_word(p.mult, p.shift, p.round);
  }
}

}  // namespace bf
