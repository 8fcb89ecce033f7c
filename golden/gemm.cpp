#include "golden/gemm.hpp"

#include <stdexcept>

namespace bf {

namespace {
int32_t wrap32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v)); }
}  // namespace

Matrix random_matrix(int rows, int cols, const Operand& o, std::mt19937& rng) {
  Matrix m(rows, cols);
  const int64_t lo = o.bits == 1 ? (o.is_signed ? -1 : 0) : min_value(o);
  const int64_t hi = o.bits == 1 ? (o.is_signed ? 0 : 1) : max_value(o);
  std::uniform_int_distribution<int64_t> d(lo, hi);
  for (auto& x : m.v) x = d(rng);
  return m;
}

void check_fits(const Matrix& m, const Operand& o, const std::string& what) {
  if (!valid_bits(o.bits)) throw std::runtime_error(what + ": invalid width " + std::to_string(o.bits));
  for (int64_t x : m.v)
    if (!fits(x, o)) throw std::runtime_error(what + ": value " + std::to_string(x) + " does not fit " + describe(o));
}

std::vector<int32_t> gemm_ref(const Matrix& a, const Operand& at, const Matrix& w, const Operand& wt) {
  if (a.cols != w.rows) throw std::runtime_error("gemm: inner dimensions differ");
  check_fits(a, at, "gemm activations");
  check_fits(w, wt, "gemm weights");
  std::vector<int32_t> o(static_cast<size_t>(a.rows) * w.cols);
  for (int p = 0; p < a.rows; ++p)
    for (int c = 0; c < w.cols; ++c) {
      uint64_t acc = 0;  // modulo 2^64, truncated to 32 bits below
      for (int k = 0; k < a.cols; ++k) acc += static_cast<uint64_t>(a.at(p, k) * w.at(k, c));
      o[static_cast<size_t>(p) * w.cols + c] = wrap32(static_cast<int64_t>(acc));
    }
  return o;
}

std::vector<TemporalPass> temporal_passes(const Operand& a, const Operand& w) {
  const std::vector<int> ah = a.bits == 16 ? std::vector<int>{0, 1} : std::vector<int>{-1};
  const std::vector<int> wh = w.bits == 16 ? std::vector<int>{0, 1} : std::vector<int>{-1};
  std::vector<TemporalPass> out;
  for (int x : ah)
    for (int y : wh) {
      TemporalPass p;
      p.a_half = x;
      p.w_half = y;
      p.a = x < 0 ? Operand{hw_bits(a.bits), a.is_signed} : Operand{8, x == 1 && a.is_signed};
      p.w = y < 0 ? Operand{hw_bits(w.bits), w.is_signed} : Operand{8, y == 1 && w.is_signed};
      p.shift = 8 * ((x == 1) + (y == 1));
      out.push_back(p);
    }
  return out;
}

int64_t operand_half(int64_t v, const Operand& o, int half) {
  if (half < 0) return v;
  if (o.bits != 16) throw std::runtime_error("operand_half: operand is not 16 bits");
  if (half == 0) return v & 0xff;
  return o.is_signed ? (v >> 8) : ((v >> 8) & 0xff);  // arithmetic shift for signed
}

Matrix matrix_half(const Matrix& m, const Operand& o, int half) {
  Matrix r = m;
  for (auto& x : r.v) x = operand_half(x, o, half);
  return r;
}

std::vector<int32_t> gemm_temporal(const Matrix& a, const Operand& at, const Matrix& w, const Operand& wt) {
  check_fits(a, at, "gemm activations");
  check_fits(w, wt, "gemm weights");
  std::vector<uint32_t> acc(static_cast<size_t>(a.rows) * w.cols, 0);
  for (const auto& pass : temporal_passes(at, wt)) {
    const auto part = gemm_ref(matrix_half(a, at, pass.a_half), pass.a, matrix_half(w, wt, pass.w_half), pass.w);
    for (size_t i = 0; i < acc.size(); ++i) acc[i] += static_cast<uint32_t>(part[i]) << pass.shift;
  }
  return std::vector<int32_t>(acc.begin(), acc.end());
}

std::vector<int32_t> conv_ref(const ConvShape& s, const std::vector<int64_t>& in, const Operand& at,
                              const std::vector<int64_t>& wgt, const Operand& wt) {
  if (in.size() != static_cast<size_t>(s.batch) * s.h * s.w * s.c_in)
    throw std::runtime_error("conv: input size does not match the shape");
  if (wgt.size() != static_cast<size_t>(s.kh) * s.kw * s.c_in * s.c_out)
    throw std::runtime_error("conv: weight size does not match the shape");
  for (int64_t x : in)
    if (!fits(x, at)) throw std::runtime_error("conv: activation does not fit " + describe(at));
  for (int64_t x : wgt)
    if (!fits(x, wt)) throw std::runtime_error("conv: weight does not fit " + describe(wt));
  std::vector<int32_t> out(static_cast<size_t>(s.batch) * s.oh() * s.ow() * s.c_out);
  for (int b = 0; b < s.batch; ++b)
    for (int oy = 0; oy < s.oh(); ++oy)
      for (int ox = 0; ox < s.ow(); ++ox)
        for (int oc = 0; oc < s.c_out; ++oc) {
          uint64_t acc = 0;
          for (int ky = 0; ky < s.kh; ++ky)
            for (int kx = 0; kx < s.kw; ++kx) {
              const int y = oy * s.stride + ky - s.pad, x = ox * s.stride + kx - s.pad;
              if (y < 0 || y >= s.h || x < 0 || x >= s.w) continue;
              for (int ic = 0; ic < s.c_in; ++ic) {
                const int64_t av = in[((static_cast<size_t>(b) * s.h + y) * s.w + x) * s.c_in + ic];
                const int64_t wv = wgt[((static_cast<size_t>(ky) * s.kw + kx) * s.c_in + ic) * s.c_out + oc];
                acc += static_cast<uint64_t>(av * wv);
              }
            }
          out[((static_cast<size_t>(b) * s.oh() + oy) * s.ow() + ox) * s.c_out + oc] =
              wrap32(static_cast<int64_t>(acc));
        }
  return out;
}

Matrix im2col(const ConvShape& s, const std::vector<int64_t>& in) {
  Matrix m(s.gemm_p(), s.gemm_k());
  int p = 0;
  for (int b = 0; b < s.batch; ++b)
    for (int oy = 0; oy < s.oh(); ++oy)
      for (int ox = 0; ox < s.ow(); ++ox, ++p)
        for (int ky = 0; ky < s.kh; ++ky)
          for (int kx = 0; kx < s.kw; ++kx) {
            const int y = oy * s.stride + ky - s.pad, x = ox * s.stride + kx - s.pad;
            for (int ic = 0; ic < s.c_in; ++ic) {
              const int k = (ky * s.kw + kx) * s.c_in + ic;
              m.at(p, k) = (y < 0 || y >= s.h || x < 0 || x >= s.w)
                               ? 0
                               : in[((static_cast<size_t>(b) * s.h + y) * s.w + x) * s.c_in + ic];
            }
          }
  return m;
}

Matrix conv_weight_matrix(const ConvShape& s, const std::vector<int64_t>& wgt) {
  Matrix m(s.gemm_k(), s.c_out);
  for (int k = 0; k < s.gemm_k(); ++k)
    for (int oc = 0; oc < s.c_out; ++oc) m.at(k, oc) = wgt[static_cast<size_t>(k) * s.c_out + oc];
  return m;
}

uint64_t gemm_steps(int rows, int cols, int p, int k, int c, const Operand& a, const Operand& w) {
  const int lanes = 64 / (hw_bits(a.bits) * hw_bits(w.bits));
  const uint64_t kc = (static_cast<uint64_t>(k) + rows * lanes - 1) / (rows * lanes);
  const uint64_t ct = (static_cast<uint64_t>(c) + cols - 1) / cols;
  return static_cast<uint64_t>(p) * kc * ct;
}

}  // namespace bf
