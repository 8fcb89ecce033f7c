// Reading and writing NumPy .npy files of integers.
//
// Accepts format versions 1.0, 2.0 and 3.0, C order, little-endian (or
// byte-order-free) integer dtypes: i1 i2 i4 i8 u1 u2 u4 u8 and b1. Every
// problem (unreadable file, bad magic, truncated data, float or big-endian
// dtype, Fortran order, values outside int64) throws std::runtime_error with
// a one-line message naming the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bf {

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<int64_t> data;  // row-major (C order)
  int64_t size() const;
  std::string shape_str() const;  // e.g. "(1, 3, 32, 32)"
};

NpyArray read_npy(const std::string& path);

// Writes `a` with dtype <i4 (values must fit int32) or <i8.
void write_npy(const std::string& path, const NpyArray& a, bool int64 = false);

}  // namespace bf
