// Shared by the fuzz targets (fuzz/fuzz_*.cpp) and their corpus replay test
// (tests/fuzz/test_fuzz_corpus.cpp).
//
// Each target feeds one input to one parser and checks the project's error
// contract: the parser either succeeds, and then the result obeys the
// target's invariants (round trips, sizes), or it throws std::runtime_error
// whose message is one short line. Anything else is a finding:
//   - a sanitizer report (AddressSanitizer, UndefinedBehaviorSanitizer),
//   - any other exception (nlohmann's type_error, std::out_of_range,
//     std::bad_alloc, ...),
//   - a broken invariant or a multi-line / huge message (ContractViolation).
// Under libFuzzer every finding aborts and the input is saved; the replay
// test reports it as a test failure instead.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace bf::fuzz {

// Not a std::runtime_error: the targets' "expected error" handlers never
// catch it.
struct ContractViolation : std::exception {
  std::string msg;
  explicit ContractViolation(std::string m) : msg(std::move(m)) {}
  const char* what() const noexcept override { return msg.c_str(); }
};

inline void require(bool ok, const std::string& what) {
  if (!ok) throw ContractViolation(what);
}

// An expected error's message: one line, short (inputs echoed in messages
// are cut to a few dozen characters; origins here are short names).
inline void check_message(const std::string& m) {
  require(!m.empty(), "empty error message");
  require(m.find('\n') == std::string::npos && m.find('\r') == std::string::npos,
          "error message is not one line: " + m.substr(0, 300));
  require(m.size() <= 600, "error message of " + std::to_string(m.size()) + " characters: " + m.substr(0, 300));
}

using Target = void (*)(const uint8_t* data, size_t size);

// Runs one input; under libFuzzer a finding aborts (libFuzzer saves the input).
inline int run_or_abort(Target t, const uint8_t* data, size_t size) {
  try {
    t(data, size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "==bitfusion fuzz== contract violation: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "==bitfusion fuzz== contract violation: unknown exception\n");
    std::abort();
  }
  return 0;
}

// Parser entry points, one per fuzz target.
void npy(const uint8_t* data, size_t size);
void assembler(const uint8_t* data, size_t size);
void disassembler(const uint8_t* data, size_t size);
void network(const uint8_t* data, size_t size);
void config(const uint8_t* data, size_t size);
void onnx(const uint8_t* data, size_t size);

}  // namespace bf::fuzz

// The libFuzzer entry point of a target file (defined only in the fuzz
// binaries, BF_FUZZ_ENTRY; the replay test links the functions alone).
#ifdef BF_FUZZ_ENTRY
#define BF_FUZZ_TARGET(fn)                                                  \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    return bf::fuzz::run_or_abort(fn, data, size);                          \
  }
#else
#define BF_FUZZ_TARGET(fn)
#endif
