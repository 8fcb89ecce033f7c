// Reading and writing NumPy .npy files of floating-point values (the
// float32 inputs and outputs of an imported network; integers are in
// golden/npy.hpp).
//
// Reads format versions 1.0-3.0, C order, little-endian <f4 or <f8 (f8 is
// converted to float). Every problem (unreadable file, bad magic, truncated
// data, an integer or big-endian dtype, Fortran order, NaN or infinity)
// throws std::runtime_error with a one-line message naming the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bf {

struct NpyFloat {
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major (C order)
  int64_t size() const;
  std::string shape_str() const;  // e.g. "(16, 1, 8, 8)"
};

NpyFloat read_npy_float(const std::string& path);

// The bytes of `a` as a version 1.0 <f4 .npy file; write_npy_float writes
// them atomically (golden/file_io.hpp write_file: nothing is left behind on
// a failure).
std::string npy_float_bytes(const NpyFloat& a, const std::string& origin = "npy");
void write_npy_float(const std::string& path, const NpyFloat& a);

}  // namespace bf
