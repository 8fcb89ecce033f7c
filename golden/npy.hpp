// Reading and writing NumPy .npy files of integers.
//
// Accepts format versions 1.0, 2.0 and 3.0, C order, little-endian (or
// byte-order-free) integer dtypes: i1 i2 i4 i8 u1 u2 u4 u8 and b1. The
// header is parsed strictly as the Python dict literal the format
// specifies: exactly the keys 'descr', 'fortran_order' and 'shape', each
// once; descr a known dtype string and nothing more ('<i4xyz' is an error);
// fortran_order True or False; shape a tuple of non-negative integers whose
// element count and byte size fit 64 bits. The data must be exactly
// count * itemsize bytes (a shorter file is truncated, a longer one has
// trailing bytes). Every problem (unreadable file, bad magic, malformed
// header, float or big-endian dtype, Fortran order, wrong size, values
// outside int64) throws std::runtime_error with a one-line message naming
// the file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bf {

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<int64_t> data;  // row-major (C order)
  // Product of the dimensions; throws std::overflow_error if it does not fit
  // int64 (never for an array read by read_npy).
  int64_t size() const;
  std::string shape_str() const;  // e.g. "(1, 3, 32, 32)"
};

// What the header says, read without touching the data: commands check
// rank, shape and dtype on it before reading (and allocating) anything.
struct NpyHeader {
  std::vector<int64_t> shape;
  char kind = 'i';           // 'i', 'u' or 'b'
  int itemsize = 4;          // bytes per element: 1, 2, 4 or 8
  uint64_t count = 1;        // elements (product of shape)
  uint64_t data_offset = 0;  // bytes before the data
  uint64_t data_bytes = 0;   // count * itemsize
  std::string descr;         // as written, e.g. "<i4"
  std::string shape_str() const;
};

NpyHeader read_npy_header(const std::string& path);
NpyArray read_npy(const std::string& path);
// The same parser on bytes in memory; `origin` names them in messages.
NpyArray parse_npy(const void* bytes, size_t size, const std::string& origin);

// The bytes of `a` as an .npy file with dtype <i4 (values must fit int32)
// or <i8; throws std::runtime_error naming `origin` otherwise.
std::string npy_bytes(const NpyArray& a, bool int64 = false, const std::string& origin = "npy");
// Writes npy_bytes(a) atomically (golden/file_io.hpp): on any failure no
// file is left at `path` and std::runtime_error names it.
void write_npy(const std::string& path, const NpyArray& a, bool int64 = false);

}  // namespace bf
