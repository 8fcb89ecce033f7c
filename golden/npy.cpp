#include "golden/npy.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace bf {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

// Finds the value text of 'key' in the header dict.
std::string dict_value(const std::string& path, const std::string& hdr, const std::string& key) {
  const std::string k = "'" + key + "'";
  auto p = hdr.find(k);
  if (p == std::string::npos) fail(path, "npy header has no " + k);
  p = hdr.find(':', p + k.size());
  if (p == std::string::npos) fail(path, "malformed npy header");
  ++p;
  while (p < hdr.size() && hdr[p] == ' ') ++p;
  if (p >= hdr.size()) fail(path, "malformed npy header");
  if (hdr[p] == '\'') {
    const auto e = hdr.find('\'', p + 1);
    if (e == std::string::npos) fail(path, "malformed npy header");
    return hdr.substr(p + 1, e - p - 1);
  }
  if (hdr[p] == '(') {
    const auto e = hdr.find(')', p);
    if (e == std::string::npos) fail(path, "malformed npy header");
    return hdr.substr(p + 1, e - p - 1);
  }
  auto e = hdr.find_first_of(",}", p);
  if (e == std::string::npos) fail(path, "malformed npy header");
  return hdr.substr(p, e - p);
}

}  // namespace

int64_t NpyArray::size() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string NpyArray::shape_str() const {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  const std::vector<unsigned char> buf((std::istreambuf_iterator<char>(in)), {});
  if (buf.size() < 10 || std::memcmp(buf.data(), "\x93NUMPY", 6) != 0)
    fail(path, "not a .npy file (bad magic)");
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
  const std::string hdr(buf.begin() + off, buf.begin() + off + hlen);
  const std::string descr = dict_value(path, hdr, "descr");
  const std::string fortran = dict_value(path, hdr, "fortran_order");
  const std::string shape_txt = dict_value(path, hdr, "shape");
  if (fortran.find("True") != std::string::npos) fail(path, "Fortran-order arrays are not supported");
  if (descr.size() < 3) fail(path, "unsupported dtype '" + descr + "'");
  const char order = descr[0], kind = descr[1];
  int width = 0;
  try {
    width = std::stoi(descr.substr(2));
  } catch (const std::exception&) {
    fail(path, "unsupported dtype '" + descr + "'");
  }
  if (order == '>' && width > 1) fail(path, "big-endian dtype '" + descr + "' is not supported");
  if (kind == 'f' || kind == 'c')
    fail(path, "dtype '" + descr + "' is floating point; integers are required");
  if (!((kind == 'i' || kind == 'u') && (width == 1 || width == 2 || width == 4 || width == 8)) &&
      !(kind == 'b' && width == 1))
    fail(path, "unsupported dtype '" + descr + "'; integers are required");

  NpyArray a;
  std::stringstream ss(shape_txt);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    const auto b = tok.find_first_not_of(" ");
    if (b == std::string::npos) continue;
    try {
      const long long d = std::stoll(tok.substr(b));
      if (d < 0) throw std::out_of_range("negative");
      a.shape.push_back(d);
    } catch (const std::exception&) {
      fail(path, "malformed shape '(" + shape_txt + ")'");
    }
  }
  const int64_t n = a.size();
  const size_t data_off = off + hlen;
  if (n < 0 || (buf.size() - data_off) / size_t(width) < size_t(n))
    fail(path, "truncated data: shape " + a.shape_str() + " needs " + std::to_string(n * width) +
                   " bytes, file has " + std::to_string(buf.size() - data_off));
  a.data.resize(n);
  const unsigned char* p = buf.data() + data_off;
  for (int64_t i = 0; i < n; ++i, p += width) {
    uint64_t raw = 0;
    for (int b = 0; b < width; ++b) raw |= uint64_t(p[b]) << (8 * b);
    int64_t v;
    if (kind == 'u' || kind == 'b') {
      if (raw > uint64_t(std::numeric_limits<int64_t>::max()))
        fail(path, "value " + std::to_string(raw) + " at index " + std::to_string(i) + " exceeds int64");
      v = int64_t(raw);
    } else if (width == 8) {
      v = int64_t(raw);
    } else {
      const uint64_t sign = uint64_t{1} << (8 * width - 1);
      v = (raw & sign) ? int64_t(raw) - int64_t(sign << 1) : int64_t(raw);
    }
    a.data[i] = v;
  }
  return a;
}

void write_npy(const std::string& path, const NpyArray& a, bool int64) {
  if (int64_t(a.data.size()) != a.size())
    fail(path, "internal: data size does not match shape " + a.shape_str());
  const int width = int64 ? 8 : 4;
  std::string hdr = std::string("{'descr': '<i") + (int64 ? "8" : "4") +
                    "', 'fortran_order': False, 'shape': " + a.shape_str() + ", }";
  const size_t total = 10 + hdr.size() + 1;
  hdr.append((64 - total % 64) % 64, ' ');
  hdr.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out) fail(path, "cannot write file");
  out.write("\x93NUMPY\x01\x00", 8);
  const unsigned char len[2] = {static_cast<unsigned char>(hdr.size() & 0xff),
                                static_cast<unsigned char>(hdr.size() >> 8)};
  out.write(reinterpret_cast<const char*>(len), 2);
  out.write(hdr.data(), std::streamsize(hdr.size()));
  for (size_t i = 0; i < a.data.size(); ++i) {
    const int64_t v = a.data[i];
    if (!int64 && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()))
      fail(path, "value " + std::to_string(v) + " does not fit int32");
    unsigned char b[8];
    for (int k = 0; k < width; ++k) b[k] = static_cast<unsigned char>(uint64_t(v) >> (8 * k));
    out.write(reinterpret_cast<const char*>(b), width);
  }
  if (!out) fail(path, "write failed");
}

}  // namespace bf
