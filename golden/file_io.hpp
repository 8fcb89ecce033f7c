// Reading input files and writing output files, with every failure a
// one-line std::runtime_error naming the file.
//
// Outputs are written atomically: the bytes go to a temporary file in the
// destination's folder (".<name>.XXXXXX"), which is flushed, synced, closed
// and checked, then renamed over the destination. Any failure (a full disk,
// a file-size limit, a write error at close) removes the temporary file, so
// a failed command leaves neither a partial output nor a stale one in its
// place. A destination that exists and is not a regular file (/dev/null,
// /dev/stdout, a FIFO) is written directly, each write checked.
//
// Every command of the `bitfusion` program that writes a file goes through
// OutputFile or write_file (npy outputs, reports, programs, disassembly,
// bench data). Commands call check_output_path() on every output before
// their long work, so a bad path fails in milliseconds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bf {

// The whole content of `path` (a regular file, or a device/FIFO read to its
// end). Throws "<path>: cannot open (reason)", "<path>: is a directory",
// "<path>: read error (reason)" or "<path>: larger than <max_bytes> bytes".
std::string read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

// Throws a one-line error unless `path` can be an output file: not empty,
// not a folder, its folder exists, and a file there can be created or
// replaced. `what` names the option in the message ("--out", "report").
void check_output_path(const std::string& path, const std::string& what = "output");

class OutputFile {
 public:
  // Creates the temporary file next to `path` (or opens a device for
  // writing). Throws a one-line error naming `path`.
  explicit OutputFile(const std::string& path);
  ~OutputFile();  // removes the temporary file unless commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view s) { write(s.data(), s.size()); }
  // Flushes, syncs and closes; throws on any failure (the temporary file is
  // removed). Separate from commit() so several outputs of one command can
  // be finished first and committed together.
  void finish();
  // finish() if needed, then renames the temporary file over `path`.
  void commit();
  const std::string& path() const { return path_; }

 private:
  void flush_buffer();
  [[noreturn]] void fail(const std::string& what, int err);
  void discard();

  std::string path_;    // destination as given (messages)
  std::string target_;  // destination after resolving a symbolic link
  std::string temp_;    // temporary file; empty when writing a device directly
  std::string buf_;
  int fd_ = -1;
  bool finished_ = false, committed_ = false;
};

// OutputFile(path), write(bytes), commit().
void write_file(const std::string& path, std::string_view bytes);

}  // namespace bf
