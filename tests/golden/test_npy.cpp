// .npy reading checked against files built byte by byte from the format
// specification (NEP 1), and every malformed-input case.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "golden/npy.hpp"

using bf::NpyArray;

namespace {

std::string tmp_path(const std::string& name) { return ::testing::TempDir() + "bf_npy_" + name + ".npy"; }

// A version-1.0 file exactly as the spec lays it out.
std::string make_npy(const std::string& name, const std::string& dict, const std::string& payload,
                     const char* magic = "\x93NUMPY\x01\x00") {
  std::string hdr = dict;
  while ((10 + hdr.size() + 1) % 64) hdr.push_back(' ');
  hdr.push_back('\n');
  std::string bytes(magic, 8);
  bytes.push_back(char(hdr.size() & 0xff));
  bytes.push_back(char(hdr.size() >> 8));
  bytes += hdr + payload;
  const auto path = tmp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    bf::read_npy(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Npy, ReadsInt16ShapeAndValuesFromSpecBytes) {
  // int16 little-endian: 1, -2, 300, -32768, 32767, 0
  const std::string payload("\x01\x00\xfe\xff\x2c\x01\x00\x80\xff\x7f\x00\x00", 12);
  const auto p = make_npy("i2", "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }", payload);
  const NpyArray a = bf::read_npy(p);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a.data, (std::vector<int64_t>{1, -2, 300, -32768, 32767, 0}));
}

TEST(Npy, ReadsUint8AndInt8AndOneDimensionalShape) {
  const auto pu =
      make_npy("u1", "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", std::string("\x00\x7f\xff", 3));
  EXPECT_EQ(bf::read_npy(pu).data, (std::vector<int64_t>{0, 127, 255}));
  const auto pi =
      make_npy("i1", "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", std::string("\x00\x7f\xff", 3));
  EXPECT_EQ(bf::read_npy(pi).data, (std::vector<int64_t>{0, 127, -1}));
}

TEST(Npy, WriteThenReadRoundTrip) {
  NpyArray a;
  a.shape = {2, 1, 3};
  a.data = {0, -1, 2147483647, -2147483648LL, 5, 6};
  const auto p = tmp_path("rt");
  bf::write_npy(p, a);
  const NpyArray b = bf::read_npy(p);
  EXPECT_EQ(b.shape, a.shape);
  EXPECT_EQ(b.data, a.data);
  // Header is padded so the data starts on a 64-byte boundary (spec).
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ((bytes.size() - 6 * 4) % 64, 0u);
}

TEST(Npy, RejectsWritingValuesOutsideInt32) {
  NpyArray a;
  a.shape = {1};
  a.data = {int64_t(1) << 40};
  EXPECT_THROW(bf::write_npy(tmp_path("big"), a), std::runtime_error);
}

TEST(Npy, EveryMalformedInputGetsANamedError) {
  EXPECT_NE(error_of("/nonexistent/x.npy").find("cannot open"), std::string::npos);
  {
    const auto p = tmp_path("garbage");
    std::ofstream(p) << "hello world, not numpy";
    EXPECT_NE(error_of(p).find("bad magic"), std::string::npos);
  }
  EXPECT_NE(error_of(make_npy("f4", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')))
                .find("floating point"),
            std::string::npos);
  EXPECT_NE(error_of(make_npy("be", "{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0')))
                .find("big-endian"),
            std::string::npos);
  EXPECT_NE(error_of(make_npy("fo", "{'descr': '<i4', 'fortran_order': True, 'shape': (1,), }", std::string(4, '\0')))
                .find("Fortran"),
            std::string::npos);
  EXPECT_NE(error_of(make_npy("tr", "{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }", std::string(6, '\0')))
                .find("truncated"),
            std::string::npos);
  EXPECT_NE(error_of(make_npy("obj", "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')))
                .find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(error_of(make_npy("ver", "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", std::string(4, '\0'),
                              "\x93NUMPY\x09\x00"))
                .find("version"),
            std::string::npos);
}
