#include "golden/npy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "golden/file_io.hpp"
#include "golden/text.hpp"

namespace bf {
namespace {

// Headers longer than this are refused before they are read (NumPy's own
// reader refuses more than 10,000 bytes by default).
constexpr uint64_t kMaxHeaderBytes = 1 << 20;

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw std::runtime_error(printable(origin, 4096) + ": " + what);
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << (shape.size() == 1 ? ",)" : ")");
  return s.str();
}

// Magic and version; returns the offset of the data (magic, version,
// length field and header). `p` holds the first `n` bytes of the file.
uint64_t prefix_length(const unsigned char* p, size_t n, const std::string& origin) {
  if (n < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) fail(origin, "not a .npy file (bad magic)");
  const int major = p[6], minor = p[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    fail(origin, "unsupported npy format version " + std::to_string(major) + "." + std::to_string(minor));
  if (major == 1) return 10 + (uint64_t(p[8]) | uint64_t(p[9]) << 8);
  if (n < 12) fail(origin, "truncated npy header");
  const uint64_t hlen = uint64_t(p[8]) | uint64_t(p[9]) << 8 | uint64_t(p[10]) << 16 | uint64_t(p[11]) << 24;
  if (hlen > kMaxHeaderBytes)
    fail(origin, "npy header of " + std::to_string(hlen) + " bytes is larger than " + std::to_string(kMaxHeaderBytes));
  return 12 + hlen;
}

// The header dict, a Python literal:
//   {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }
// followed by spaces and a newline. Whitespace between tokens is free;
// nothing else is accepted.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& origin) : s_(text), origin_(origin) {}

  NpyHeader parse() {
    NpyHeader h;
    bool have_descr = false, have_fortran = false, have_shape = false, fortran = false;
    expect('{', "'{'");
    while (!eat('}')) {
      const size_t at = pos_;
      const std::string key = string_literal();
      expect(':', "':'");
      bool* seen = key == "descr"           ? &have_descr
                   : key == "fortran_order" ? &have_fortran
                   : key == "shape"         ? &have_shape
                                            : nullptr;
      if (!seen) bad("unknown key " + in_quotes(key), at);
      if (*seen) bad("key " + in_quotes(key) + " given twice", at);
      *seen = true;
      if (key == "descr")
        h.descr = string_literal();
      else if (key == "fortran_order")
        fortran = boolean();
      else
        h.shape = tuple();
      if (!eat(',')) {
        expect('}', "',' or '}'");
        break;
      }
    }
    space();
    if (pos_ != s_.size()) bad("unexpected text after the header dict", pos_);
    if (!have_descr) fail(origin_, "npy header has no 'descr'");
    if (!have_fortran) fail(origin_, "npy header has no 'fortran_order'");
    if (!have_shape) fail(origin_, "npy header has no 'shape'");
    if (fortran) fail(origin_, "Fortran-order arrays are not supported");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what, size_t at) {
    fail(origin_, "malformed npy header: " + what + " at header byte " + std::to_string(at));
  }
  void space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c, const char* what) {
    if (!eat(c)) bad(std::string("expected ") + what, pos_);
  }
  std::string string_literal() {
    space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) bad("expected a quoted string", pos_);
    const char q = s_[pos_];
    const size_t start = pos_ + 1;
    const size_t end = s_.find(q, start);
    if (end == std::string::npos) bad("unterminated string", pos_);
    const std::string v = s_.substr(start, end - start);
    if (v.find_first_of("\\\n") != std::string::npos) bad("escape or newline in a string", pos_);
    pos_ = end + 1;
    return v;
  }
  bool boolean() {
    space();
    if (s_.compare(pos_, 4, "True") == 0) return pos_ += 4, true;
    if (s_.compare(pos_, 5, "False") == 0) return pos_ += 5, false;
    bad("fortran_order must be True or False", pos_);
  }
  int64_t integer() {
    space();
    const size_t start = pos_;
    uint64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (pos_ > start && s_[start] == '0') bad("leading zero in a dimension", start);
      v = v * 10 + uint64_t(s_[pos_] - '0');
      if (v > uint64_t(std::numeric_limits<int64_t>::max())) bad("dimension does not fit 64 bits", start);
      ++pos_;
    }
    if (pos_ == start) bad("expected a non-negative integer dimension", start);
    return int64_t(v);
  }
  std::vector<int64_t> tuple() {
    std::vector<int64_t> t;
    const size_t at = pos_;
    expect('(', "'(' (shape must be a tuple)");
    if (eat(')')) return t;
    for (;;) {
      t.push_back(integer());
      if (eat(',')) {
        if (eat(')')) return t;
        continue;
      }
      expect(')', "',' or ')'");
      if (t.size() == 1) bad("a one-dimensional shape needs a trailing comma, (n,)", at);
      return t;
    }
  }

  const std::string& s_;
  const std::string& origin_;
  size_t pos_ = 0;
};

// Parses the header text (between the length field and the data).
NpyHeader parse_header(const std::string& text, uint64_t data_offset, const std::string& origin) {
  NpyHeader h = HeaderParser(text, origin).parse();
  const std::string& d = h.descr;
  auto is_order = [](char c) { return c == '<' || c == '>' || c == '|' || c == '='; };
  auto all_digits = [](const std::string& s, size_t from) {
    if (from >= s.size()) return false;
    for (size_t i = from; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  const std::string shown = in_quotes(d);
  if (d.size() >= 3 && is_order(d[0]) && (d[1] == 'f' || d[1] == 'c') && all_digits(d, 2))
    fail(origin, "dtype " + shown + " is floating point; integers are required");
  if (d.size() != 3 || !is_order(d[0]) || !all_digits(d, 2))
    fail(origin, "unsupported dtype " + shown + "; integers are required");
  h.kind = d[1];
  h.itemsize = d[2] - '0';
  const int w = h.itemsize;
  if (!((h.kind == 'i' || h.kind == 'u') && (w == 1 || w == 2 || w == 4 || w == 8)) && !(h.kind == 'b' && w == 1))
    fail(origin, "unsupported dtype " + shown + "; integers are required");
  if (d[0] == '>' && w > 1) fail(origin, "big-endian dtype " + shown + " is not supported");
  uint64_t count = 1;
  for (const int64_t dim : h.shape)
    if (__builtin_mul_overflow(count, uint64_t(dim), &count) || count > uint64_t(std::numeric_limits<int64_t>::max()))
      fail(origin, "shape " + shape_text(h.shape) + " has more elements than 64 bits can count");
  h.count = count;
  if (__builtin_mul_overflow(count, uint64_t(w), &h.data_bytes))
    fail(origin, "shape " + shape_text(h.shape) + " needs more bytes than 64 bits can count");
  h.data_offset = data_offset;
  return h;
}

// Decodes `n` elements starting at element `first` from `p`.
void decode(const NpyHeader& h, const unsigned char* p, uint64_t first, uint64_t n, int64_t* out,
            const std::string& origin) {
  const int width = h.itemsize;
  for (uint64_t i = 0; i < n; ++i, p += width) {
    uint64_t raw = 0;
    for (int b = 0; b < width; ++b) raw |= uint64_t(p[b]) << (8 * b);
    int64_t v;
    if (h.kind == 'b') {
      v = raw != 0;
    } else if (h.kind == 'u') {
      if (raw > uint64_t(std::numeric_limits<int64_t>::max()))
        fail(origin, "value " + std::to_string(raw) + " at index " + std::to_string(first + i) + " exceeds int64");
      v = int64_t(raw);
    } else if (width == 8) {
      v = int64_t(raw);
    } else {
      const uint64_t sign = uint64_t{1} << (8 * width - 1);
      v = (raw & sign) ? int64_t(raw) - int64_t(sign << 1) : int64_t(raw);
    }
    out[i] = v;
  }
}

[[noreturn]] void size_mismatch(const NpyHeader& h, uint64_t have, const std::string& origin) {
  if (have < h.data_bytes)
    fail(origin, "truncated data: shape " + h.shape_str() + " needs " + std::to_string(h.data_bytes) +
                     " bytes, file has " + std::to_string(have));
  fail(origin, "trailing bytes: shape " + h.shape_str() + " needs " + std::to_string(h.data_bytes) +
                   " bytes of data, file has " + std::to_string(have));
}

// A file opened for reading, closed on scope exit.
class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail(path, std::string("cannot open file (") + std::strerror(errno) + ")");
    struct stat st;
    if (fstat(fd_, &st) != 0) fail(path, std::string("cannot open file (") + std::strerror(errno) + ")");
    if (S_ISDIR(st.st_mode)) fail(path, "is a directory, not a .npy file");
    if (S_ISREG(st.st_mode)) size_ = int64_t(st.st_size);
  }
  ~Reader() { ::close(fd_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads up to `n` bytes (fewer only at the end of the file).
  size_t read(void* buf, size_t n) {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::read(fd_, static_cast<char*>(buf) + done, n - done);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail(path_, std::string("read error (") + std::strerror(errno) + ")");
      if (r == 0) break;
      done += size_t(r);
    }
    return done;
  }

  NpyHeader header() {
    // Magic, version and the length field: 10 bytes (1.0) or 12 (2.0, 3.0).
    unsigned char pre[12];
    size_t got = read(pre, 10);
    if (got == 10 && std::memcmp(pre, "\x93NUMPY", 6) == 0 && pre[6] != 1) got += read(pre + 10, 2);
    const uint64_t off = prefix_length(pre, got, path_);
    const size_t rest = size_t(off - got);
    std::string text(rest, '\0');
    if (read(&text[0], rest) != rest) fail(path_, "truncated npy header");
    NpyHeader h = parse_header(text, off, path_);
    if (size_ >= 0 && uint64_t(size_) - off != h.data_bytes) size_mismatch(h, uint64_t(size_) - off, path_);
    return h;
  }

  NpyArray data(const NpyHeader& h) {
    NpyArray a;
    a.shape = h.shape;
    a.data.resize(size_t(h.count));
    std::vector<unsigned char> buf(size_t(1) << 20);
    const uint64_t per = buf.size() / size_t(h.itemsize);
    uint64_t done = 0;
    while (done < h.count) {
      const uint64_t n = std::min(per, h.count - done);
      const size_t bytes = size_t(n) * size_t(h.itemsize);
      const size_t got = read(buf.data(), bytes);
      if (got != bytes) size_mismatch(h, done * uint64_t(h.itemsize) + got, path_);
      decode(h, buf.data(), done, n, a.data.data() + done, path_);
      done += n;
    }
    unsigned char extra;
    if (read(&extra, 1) != 0) size_mismatch(h, h.data_bytes + 1, path_);
    return a;
  }

 private:
  std::string path_;
  int fd_ = -1;
  int64_t size_ = -1;  // regular files: size in bytes
};

}  // namespace

int64_t NpyArray::size() const {
  int64_t n = 1;
  for (auto d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) throw std::overflow_error("shape " + shape_str() + " overflows");
  return n;
}

std::string NpyArray::shape_str() const { return shape_text(shape); }
std::string NpyHeader::shape_str() const { return shape_text(shape); }

NpyHeader read_npy_header(const std::string& path) { return Reader(path).header(); }

NpyArray read_npy(const std::string& path) {
  Reader r(path);
  const NpyHeader h = r.header();
  return r.data(h);
}

NpyArray parse_npy(const void* bytes, size_t size, const std::string& origin) {
  const auto* p = static_cast<const unsigned char*>(bytes);
  const uint64_t off = prefix_length(p, size, origin);
  if (off > size) fail(origin, "truncated npy header");
  const size_t text_at = p[6] == 1 ? 10 : 12;
  const NpyHeader h = parse_header(std::string(p + text_at, p + off), off, origin);
  if (size - off != h.data_bytes) size_mismatch(h, size - off, origin);
  NpyArray a;
  a.shape = h.shape;
  a.data.resize(size_t(h.count));
  decode(h, p + off, 0, h.count, a.data.data(), origin);
  return a;
}

std::string npy_bytes(const NpyArray& a, bool int64, const std::string& origin) {
  int64_t n = 0;
  try {
    n = a.size();
  } catch (const std::overflow_error&) {
    n = -1;
  }
  if (n < 0 || uint64_t(n) != a.data.size()) fail(origin, "internal: data size does not match shape " + a.shape_str());
  const int width = int64 ? 8 : 4;
  std::string hdr = std::string("{'descr': '<i") + (int64 ? "8" : "4") +
                    "', 'fortran_order': False, 'shape': " + a.shape_str() + ", }";
  const size_t total = 10 + hdr.size() + 1;
  hdr.append((64 - total % 64) % 64, ' ');
  hdr.push_back('\n');
  if (hdr.size() > 65535) fail(origin, "shape " + a.shape_str() + " is too long for an npy header");
  std::string out;
  out.reserve(10 + hdr.size() + a.data.size() * size_t(width));
  out.append("\x93NUMPY\x01\x00", 8);
  out.push_back(char(hdr.size() & 0xff));
  out.push_back(char(hdr.size() >> 8));
  out += hdr;
  for (size_t i = 0; i < a.data.size(); ++i) {
    const int64_t v = a.data[i];
    if (!int64 && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()))
      fail(origin, "value " + std::to_string(v) + " does not fit int32");
    for (int k = 0; k < width; ++k) out.push_back(char(uint64_t(v) >> (8 * k)));
  }
  return out;
}

void write_npy(const std::string& path, const NpyArray& a, bool int64) { write_file(path, npy_bytes(a, int64, path)); }

}  // namespace bf
