// Fuzz target: the .npy reader (golden/npy.cpp), in memory and from a file.
//
// Both paths (parse_npy on the bytes, read_npy_header/read_npy on a memfd
// holding them) must agree: the same verdict and the same array. A success
// must be self-consistent (element count = product of the shape) and
// survive a write/read round trip.
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "golden/npy.hpp"

namespace bf::fuzz {
namespace {

struct Outcome {
  bool ok = false;
  NpyArray a;
};

template <class F>
Outcome attempt(F&& f) {
  Outcome o;
  try {
    o.a = f();
    o.ok = true;
  } catch (const std::runtime_error& e) {
    check_message(e.what());
  }
  return o;
}

}  // namespace

void npy(const uint8_t* data, size_t size) {
  const Outcome mem = attempt([&] { return parse_npy(data, size, "fuzz.npy"); });
  if (mem.ok) {
    require(uint64_t(mem.a.size()) == mem.a.data.size(), "element count differs from the shape");
    const std::string bytes = npy_bytes(mem.a, true);
    const NpyArray back = parse_npy(bytes.data(), bytes.size(), "round trip");
    require(back.shape == mem.a.shape && back.data == mem.a.data, "write/read round trip differs");
  }
  // The file path: a memory file read through /proc/self/fd.
  const int fd = memfd_create("fuzz.npy", MFD_CLOEXEC);
  if (fd < 0) return;
  size_t done = 0;
  while (done < size) {
    const ssize_t n = write(fd, data + done, size - done);
    if (n <= 0) break;
    done += size_t(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (done == size) {
    const Outcome head = attempt([&] {
      const NpyHeader h = read_npy_header(path);
      NpyArray a;
      a.shape = h.shape;
      return a;
    });
    const Outcome file = attempt([&] { return read_npy(path); });
    require(file.ok == mem.ok, std::string("read_npy ") + (file.ok ? "accepts" : "rejects") + " what parse_npy " +
                                   (mem.ok ? "accepts" : "rejects"));
    if (file.ok) {
      require(file.a.shape == mem.a.shape && file.a.data == mem.a.data, "read_npy and parse_npy differ");
      require(head.ok && head.a.shape == file.a.shape, "read_npy_header disagrees with read_npy");
    }
  }
  close(fd);
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::npy)
