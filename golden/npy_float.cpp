#include "golden/npy_float.hpp"

#include "golden/file_io.hpp"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace bf {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

// The value text of 'key' in the header dict ('...' strings and (...) tuples unwrapped).
std::string field(const std::string& path, const std::string& hdr, const std::string& key) {
  const std::string k = "'" + key + "'";
  size_t p = hdr.find(k);
  if (p == std::string::npos) fail(path, "npy header has no " + k);
  p = hdr.find(':', p + k.size());
  if (p == std::string::npos) fail(path, "malformed npy header");
  p = hdr.find_first_not_of(' ', p + 1);
  if (p == std::string::npos) fail(path, "malformed npy header");
  const char open = hdr[p];
  const char close = open == '\'' ? '\'' : open == '(' ? ')' : 0;
  const size_t e = close ? hdr.find(close, p + 1) : hdr.find_first_of(",}", p);
  if (e == std::string::npos) fail(path, "malformed npy header");
  return close ? hdr.substr(p + 1, e - p - 1) : hdr.substr(p, e - p);
}

}  // namespace

int64_t NpyFloat::size() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string NpyFloat::shape_str() const {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

NpyFloat read_npy_float(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  const std::vector<unsigned char> buf((std::istreambuf_iterator<char>(in)), {});
  if (buf.size() < 10 || std::memcmp(buf.data(), "\x93NUMPY", 6) != 0) fail(path, "not a .npy file (bad magic)");
  const int major = buf[6];
  size_t hlen = 0, off = 0;
  if (major == 1) {
    hlen = buf[8] | (size_t(buf[9]) << 8);
    off = 10;
  } else if (major == 2 || major == 3) {
    if (buf.size() < 12) fail(path, "truncated npy header");
    hlen = buf[8] | (size_t(buf[9]) << 8) | (size_t(buf[10]) << 16) | (size_t(buf[11]) << 24);
    off = 12;
  } else {
    fail(path, "unsupported npy format version " + std::to_string(major));
  }
  if (buf.size() < off + hlen) fail(path, "truncated npy header");
  const std::string hdr(buf.begin() + long(off), buf.begin() + long(off + hlen));
  const std::string descr = field(path, hdr, "descr");
  if (field(path, hdr, "fortran_order").find("True") != std::string::npos)
    fail(path, "Fortran-order arrays are not supported");
  if (descr != "<f4" && descr != "<f8") fail(path, "dtype '" + descr + "' is not float32 or float64 (little-endian)");
  const size_t width = descr == "<f4" ? 4 : 8;
  NpyFloat a;
  std::stringstream ss(field(path, hdr, "shape"));
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    const auto b = tok.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    size_t used = 0;
    long long d = -1;
    try {
      d = std::stoll(tok.substr(b), &used);
    } catch (const std::exception&) {}
    if (d < 0 || d > (int64_t{1} << 40) || tok.find_first_not_of(' ', b + used) != std::string::npos)
      fail(path, "malformed shape '(" + field(path, hdr, "shape") + ")'");
    a.shape.push_back(d);
  }
  const int64_t n = a.size();
  const size_t data_off = off + hlen;
  if ((buf.size() - data_off) / width < size_t(n))
    fail(path, "truncated data: shape " + a.shape_str() + " needs " + std::to_string(uint64_t(n) * width) +
                   " bytes, the file has " + std::to_string(buf.size() - data_off));
  a.data.resize(size_t(n));
  const unsigned char* p = buf.data() + data_off;
  for (int64_t i = 0; i < n; ++i, p += width) {
    double v;
    if (width == 4) {
      float f;
      std::memcpy(&f, p, 4);
      v = f;
    } else {
      std::memcpy(&v, p, 8);
    }
    if (!std::isfinite(v)) fail(path, "value at index " + std::to_string(i) + " is not finite");
    a.data[size_t(i)] = float(v);
  }
  return a;
}

std::string npy_float_bytes(const NpyFloat& a, const std::string& origin) {
  if (int64_t(a.data.size()) != a.size()) fail(origin, "internal: data size does not match shape " + a.shape_str());
  std::string hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': " + a.shape_str() + ", }";
  const size_t total = 10 + hdr.size() + 1;
  hdr.append((64 - total % 64) % 64, ' ');
  hdr.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(char(hdr.size() & 0xff));
  out.push_back(char(hdr.size() >> 8));
  out += hdr;
  out.append(reinterpret_cast<const char*>(a.data.data()), a.data.size() * 4);
  return out;
}

void write_npy_float(const std::string& path, const NpyFloat& a) { write_file(path, npy_float_bytes(a, path)); }

}  // namespace bf
