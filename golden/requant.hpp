// The output stage of a conv / fc layer: how the 32-bit accumulator sum of
// a channel becomes its output integer. One definition shared by the
// golden machine (bf::write_back), the RTL write-back unit (rtl/ctrl,
// checked against it), the compiler and the ONNX import.
//
//   sum = int32(acc + bias)                              (32-bit wrap)
//   p   = int64(sum) * mult                              (mult: unsigned, 1..65535)
//   s   = round ? (p + 2^(shift-1)) >> shift : p >> shift (arithmetic; shift 0..47;
//                                                        round half up; shift 0: s = p)
//   out = clamp(zero_point + s, lo, hi)
//
// A real scale m > 0 (input scale x weight scale / output scale) is
// mult * 2^-shift with a 16-bit mult (quantize_multiplier). The plain
// "floor shift" requantization of the benchmark networks is mult 1, no
// rounding, zero point 0, [lo, hi] the range of the output width.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace bf {

struct RequantParams {
  uint32_t mult = 1;   // 1..65535
  int shift = 0;       // 0..47
  bool round = false;  // round half up instead of floor
};

constexpr int kRequantMultBits = 16;
constexpr int kRequantMaxShift = 47;

inline int64_t requant_scale(int32_t sum, const RequantParams& p) {
  const int64_t prod = int64_t(sum) * int64_t(p.mult);  // |prod| < 2^47
  if (p.shift == 0) return prod;
  const int64_t r = p.round ? (int64_t{1} << (p.shift - 1)) : 0;
  return (prod + r) >> p.shift;  // arithmetic shift (C++20 guarantees it; g++/clang do in C++17)
}

inline int64_t requantize(int32_t sum, const RequantParams& p, int64_t zero_point, int64_t lo, int64_t hi) {
  const int64_t v = zero_point + requant_scale(sum, p);
  return v < lo ? lo : v > hi ? hi : v;
}

// The 16-bit multiplier and shift closest to the real scale m:
// mult = round(m * 2^shift) with mult in [2^15, 2^16) where the shift range
// allows (m in [2^-32, 2^16)); throws std::range_error outside it.
inline RequantParams quantize_multiplier(double m, bool round = true) {
  if (!(m > 0) || m >= 65535.5)
    throw std::range_error("requantization scale " + std::to_string(m) + " is outside (0, 65535]");
  RequantParams p;
  p.round = round;
  int shift = 0;
  double v = m;
  while (v < 32768.0 && shift < kRequantMaxShift) v *= 2.0, ++shift;
  int64_t mult = int64_t(v + 0.5);
  if (mult >= 65536) mult /= 2, --shift;
  if (mult < 1) throw std::range_error("requantization scale " + std::to_string(m) + " is below 2^-47");
  p.mult = uint32_t(mult);
  p.shift = shift;
  return p;
}

}  // namespace bf
