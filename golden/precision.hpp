// Operand precisions and integer ranges shared by the golden model.
#pragma once
#include <cstdint>
#include <string>

namespace bf {

// One operand type: width in bits and signedness.
struct Operand {
  int bits = 8;  // 1, 2, 4, 8 or 16 as declared by the user
  bool is_signed = true;
};

// Width the spatial hardware runs an operand at: 1-bit layers run as 2-bit.
inline int hw_bits(int bits) { return bits < 2 ? 2 : bits; }

// True for the widths the project accepts (1, 2, 4, 8, 16).
inline bool valid_bits(int bits) { return bits == 1 || bits == 2 || bits == 4 || bits == 8 || bits == 16; }

// Precision code the RTL uses for a spatial width 2/4/8 (bf_pkg::Prec*).
inline unsigned prec_code(int bits) {
  const int b = hw_bits(bits);
  return b == 2 ? 0u : b == 4 ? 1u : 2u;
}

inline int64_t min_value(const Operand& o) {
  const int b = hw_bits(o.bits);
  return o.is_signed ? -(int64_t{1} << (b - 1)) : 0;
}
inline int64_t max_value(const Operand& o) {
  const int b = hw_bits(o.bits);
  return o.is_signed ? (int64_t{1} << (b - 1)) - 1 : (int64_t{1} << b) - 1;
}
inline bool fits(int64_t v, const Operand& o) { return v >= min_value(o) && v <= max_value(o); }

// Sign-extends (or zero-extends) the low `bits` of `raw`.
inline int64_t extend(uint64_t raw, int bits, bool is_signed) {
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  raw &= mask;
  if (is_signed && bits < 64 && (raw >> (bits - 1)) & 1u) return static_cast<int64_t>(raw | ~mask);
  return static_cast<int64_t>(raw);
}

std::string describe(const Operand& o);  // e.g. "s8", "u2"

}  // namespace bf
