// Golden matrix multiply, convolution lowered to it, and the temporal
// decomposition of 16-bit operands.
//
// Arithmetic contract (the RTL does exactly the same, docs/array.md):
//   O[p][c] = sum_k A[p][k] * W[k][c]   modulo 2^32, as int32 two's complement.
// Products are exact; only the 32-bit accumulation wraps. Operands are
// 1, 2, 4, 8 or 16 bits, signed or unsigned (1-bit runs as 2-bit).
//
// 16-bit operands are temporal, as in the paper: a 16-bit value v is
// v = hi * 256 + lo with lo = v & 255 (always unsigned) and hi = v >> 8
// (signed iff v is). A GEMM with a 16-bit operand is the sum of 2 (one
// 16-bit operand) or 4 (16 x 16) passes of 8-bit GEMMs on the halves,
// each shifted left by 8 * (number of high halves in the pass).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/precision.hpp"

namespace bf {

// Dense row-major integer matrix.
struct Matrix {
  int rows = 0;
  int cols = 0;
  std::vector<int64_t> v;

  Matrix() = default;
  Matrix(int r, int c) : rows(r), cols(c), v(static_cast<size_t>(r) * c, 0) {}
  int64_t& at(int r, int c) { return v[static_cast<size_t>(r) * cols + c]; }
  int64_t at(int r, int c) const { return v[static_cast<size_t>(r) * cols + c]; }
};

// Random matrix with every value in the range of `o`.
Matrix random_matrix(int rows, int cols, const Operand& o, std::mt19937& rng);

// Throws std::runtime_error if a value does not fit `o`.
void check_fits(const Matrix& m, const Operand& o, const std::string& what);

// O = A * W with 32-bit wrap-around; result rows x cols = A.rows x W.cols,
// row-major. Checks the operands against their types.
std::vector<int32_t> gemm_ref(const Matrix& a, const Operand& at, const Matrix& w, const Operand& wt);

// One pass of the temporal decomposition.
struct TemporalPass {
  int a_half = -1;  // -1: the whole operand (<= 8 bits), 0: low byte, 1: high byte
  int w_half = -1;
  Operand a;  // the spatial operand type the pass runs at (<= 8 bits)
  Operand w;
  int shift = 0;  // 0, 8 or 16: the pass result is shifted left by this
};

// The passes for an operand pair: 1 (both <= 8 bits), 2 (one 16-bit) or 4.
std::vector<TemporalPass> temporal_passes(const Operand& a, const Operand& w);

// Half `half` (see TemporalPass) of value v of type o.
int64_t operand_half(int64_t v, const Operand& o, int half);
// The matrix of halves.
Matrix matrix_half(const Matrix& m, const Operand& o, int half);

// The same product computed pass by pass with 8-bit-or-narrower GEMMs, each
// wrapped to 32 bits, shifted and summed modulo 2^32 (the hardware's way).
std::vector<int32_t> gemm_temporal(const Matrix& a, const Operand& at, const Matrix& w, const Operand& wt);

// Convolution, NHWC activations, weights [kh][kw][c_in][c_out], zero padding.
struct ConvShape {
  int batch = 1, h = 1, w = 1, c_in = 1;
  int kh = 1, kw = 1, c_out = 1;
  int stride = 1, pad = 0;
  int oh() const { return (h + 2 * pad - kh) / stride + 1; }
  int ow() const { return (w + 2 * pad - kw) / stride + 1; }
  int gemm_p() const { return batch * oh() * ow(); }  // output pixels
  int gemm_k() const { return kh * kw * c_in; }       // reduction length
};

// Direct convolution (six nested loops), 32-bit wrap-around; output NHWC.
std::vector<int32_t> conv_ref(const ConvShape& s, const std::vector<int64_t>& in, const Operand& at,
                              const std::vector<int64_t>& wgt, const Operand& wt);
// im2col: P x K matrix, row p = (b, oy, ox), column k = (ky * kw + kx) * c_in + ic.
Matrix im2col(const ConvShape& s, const std::vector<int64_t>& in);
// Weights as the K x c_out GEMM operand matching im2col.
Matrix conv_weight_matrix(const ConvShape& s, const std::vector<int64_t>& wgt);

// Array cycles of one spatial pass on an N-row array for a P x K x C GEMM,
// without fill/drain: P * ceil(K / (N * L)) * ceil(C / M), L = 64/(A*W).
uint64_t gemm_steps(int rows, int cols, int p, int k, int c, const Operand& a, const Operand& w);

}  // namespace bf
