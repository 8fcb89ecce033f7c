#include "golden/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "golden/text.hpp"

namespace bf {
namespace {

// Paths are echoed whole (they are the user's own), control characters escaped.
std::string show(const std::string& path) { return printable(path, 4096); }

std::string reason(int err) { return std::strerror(err); }

[[noreturn]] void fail_path(const std::string& path, const std::string& what) {
  throw std::runtime_error(show(path) + ": " + what);
}

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Device, FIFO or procfs names: written in place, never replaced.
bool is_special_name(const std::string& path) { return path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0; }

// The destination a symbolic link points to (the link itself is kept).
std::string resolve_link(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* r = realpath(path.c_str(), nullptr)) {
      std::string out(r);
      std::free(r);
      return out;
    }
  }
  return path;
}

mode_t new_file_mode() {
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

}  // namespace

std::string read_file(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_path(path, "cannot open (" + reason(errno) + ")");
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    fail_path(path, "cannot open (" + reason(e) + ")");
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    fail_path(path, "is a directory, not a file");
  }
  if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > max_bytes) {
    ::close(fd);
    fail_path(path, "larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string out;
  if (S_ISREG(st.st_mode)) out.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      fail_path(path, "read error (" + reason(e) + ")");
    }
    if (n == 0) break;
    if (out.size() + size_t(n) > max_bytes) {
      ::close(fd);
      fail_path(path, "larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return out;
}

void check_output_path(const std::string& path, const std::string& what) {
  if (path.empty()) throw std::runtime_error(what + ": empty file name");
  const std::string p = resolve_link(path);
  if (p.back() == '/') fail_path(path, what + " names a directory, not a file");
  struct stat st;
  if (stat(p.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail_path(path, what + " is a directory, not a file");
    if (!S_ISREG(st.st_mode) || is_special_name(p)) {
      if (access(p.c_str(), W_OK) != 0) fail_path(path, "cannot write " + what + " (" + reason(errno) + ")");
      return;
    }
  } else if (errno != ENOENT) {
    fail_path(path, "cannot write " + what + " (" + reason(errno) + ")");
  }
  const std::string dir = folder_of(p);
  if (stat(dir.c_str(), &st) != 0)
    fail_path(path, "cannot write " + what + ": directory '" + show(dir) + "' does not exist");
  if (!S_ISDIR(st.st_mode)) fail_path(path, "cannot write " + what + ": '" + show(dir) + "' is not a directory");
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    fail_path(path, "cannot write " + what + " in directory '" + show(dir) + "' (" + reason(errno) + ")");
}

OutputFile::OutputFile(const std::string& path) : path_(path), target_(resolve_link(path)) {
  if (path.empty()) throw std::runtime_error("output: empty file name");
  if (target_.back() == '/') fail_path(path, "names a directory, not a file");
  struct stat st;
  mode_t mode = new_file_mode();
  if (stat(target_.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail_path(path, "is a directory, not a file");
    if (!S_ISREG(st.st_mode) || is_special_name(target_)) {
      fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd_ < 0) fail_path(path, "cannot write (" + reason(errno) + ")");
      return;
    }
    mode = st.st_mode & 07777;
  }
  // The temporary name: ".<name>.XXXXXX" in the same folder (same file
  // system, so the rename is atomic); long names are cut to fit NAME_MAX.
  temp_ = folder_of(target_) + "/." + base_of(target_).substr(0, 200) + ".XXXXXX";
  fd_ = mkostemp(&temp_[0], O_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    temp_.clear();
    if (e == ENOENT || e == ENOTDIR)
      fail_path(path, "cannot write: directory '" + show(folder_of(target_)) + "' does not exist");
    fail_path(path, "cannot write (" + reason(e) + ")");
  }
  if (fchmod(fd_, mode) != 0) fail("cannot set the mode", errno);
}

OutputFile::~OutputFile() {
  if (!committed_) discard();
}

void OutputFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) ::unlink(temp_.c_str());
  temp_.clear();
}

void OutputFile::fail(const std::string& what, int err) {
  discard();
  fail_path(path_, what + " (" + reason(err) + ")");
}

void OutputFile::write(const void* data, size_t size) {
  if (fd_ < 0 || finished_) throw std::logic_error("OutputFile::write after finish");
  buf_.append(static_cast<const char*>(data), size);
  if (buf_.size() >= (size_t(1) << 20)) flush_buffer();
}

void OutputFile::flush_buffer() {
  size_t done = 0;
  while (done < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write failed", errno);
    if (n == 0) fail("write failed", EIO);
    done += size_t(n);
  }
  buf_.clear();
}

void OutputFile::finish() {
  if (finished_) return;
  if (fd_ < 0) throw std::logic_error("OutputFile::finish after a failure");
  flush_buffer();
  if (!temp_.empty() && fsync(fd_) != 0) fail("write failed", errno);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) fail("write failed", errno);
  finished_ = true;
}

void OutputFile::commit() {
  finish();
  if (!temp_.empty() && std::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot replace the file", errno);
  temp_.clear();
  committed_ = true;
}

void write_file(const std::string& path, std::string_view bytes) {
  OutputFile f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace bf
