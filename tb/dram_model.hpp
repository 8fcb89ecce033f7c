// DramModel: a cycle-level model of the DRAM behind the accelerator's
// memory port, with configurable beat width and latency, counting the bytes
// moved. Independent of Verilator: the harness copies the DUT's port
// signals in and out once per cycle.
//
// Protocol (one beat per request, in order):
//   request:  req_valid, req_we, req_addr (beat index), req_wdata, and
//             for writes an optional strobe (bit j of wstrb[j / 32] enables
//             32-bit word j of the beat; nullptr = all words); the model
//             accepts it in the cycle where ready() was true.
//   response: for every accepted read, one beat of rdata comes back exactly
//             `latency` cycles later (rsp_valid for one cycle; the device
//             must be able to take it). Writes have no response.
// A request outside the memory sets `error()` (and is otherwise ignored:
// reads return zeros), so a harness can stop a run that went astray.
#pragma once
#include <cstdint>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::tb {

class DramModel {
 public:
  DramModel(int beat_bits, int latency, uint64_t bytes, int max_outstanding = 1 << 16)
      : words_per_beat_(beat_bits / 32), latency_(latency), max_outstanding_(max_outstanding) {
    if (beat_bits <= 0 || beat_bits % 32)
      throw std::invalid_argument("DramModel: beat width must be a positive multiple of 32");
    if (latency < 0) throw std::invalid_argument("DramModel: negative latency");
    bytes_ = bytes;
    mem_.assign((bytes + 3) / 4 + words_per_beat_, 0u);
    beats_ = (bytes * 8 + beat_bits - 1) / beat_bits;
  }

  int beat_bits() const { return 32 * words_per_beat_; }
  int words_per_beat() const { return words_per_beat_; }
  uint64_t beats() const { return beats_; }

  // Whether a request would be accepted this cycle.
  bool ready() const { return int(pending_.size()) < max_outstanding_; }

  // Advances one cycle. `wdata` holds words_per_beat() words when writing,
  // `wstrb` (optional) one enable bit per word, packed 32 to a uint32_t.
  // Returns true and fills `rdata` when a read response is due this cycle.
  bool cycle(bool req_valid, bool req_we, uint64_t req_addr, const uint32_t* wdata, uint32_t* rdata,
             const uint32_t* wstrb = nullptr) {
    ++now_;
    bool rsp = false;
    if (!pending_.empty() && pending_.front().due <= now_) {
      const uint64_t a = pending_.front().addr;
      pending_.pop_front();
      if (a < beats_)
        std::memcpy(rdata, &mem_[a * words_per_beat_], 4 * words_per_beat_);
      else
        std::memset(rdata, 0, 4 * words_per_beat_);
      rsp = true;
    }
    if (req_valid && ready()) {
      if (req_addr >= beats_) {
        error_ = true;
        error_msg_ = "DRAM access to beat " + std::to_string(req_addr) + " beyond " + std::to_string(beats_) + " beats";
      }
      if (req_we) {
        for (int j = 0; j < words_per_beat_; ++j) {
          if (wstrb && !((wstrb[j / 32] >> (j % 32)) & 1u)) continue;
          if (req_addr < beats_) mem_[req_addr * words_per_beat_ + j] = wdata[j];
          payload_bytes_written_ += 4;
        }
        bytes_written_ += 4 * words_per_beat_;
        ++writes_;
      } else {
        pending_.push_back({req_addr, now_ + uint64_t(latency_ > 0 ? latency_ : 1)});
        bytes_read_ += 4 * words_per_beat_;
        ++reads_;
      }
    }
    return rsp;
  }

  // Host (backdoor) access, in bytes, for loading inputs and reading results.
  void write_bytes(uint64_t byte_addr, const void* src, size_t n) {
    check_range(byte_addr, n);
    std::memcpy(reinterpret_cast<uint8_t*>(mem_.data()) + byte_addr, src, n);
  }
  void read_bytes(uint64_t byte_addr, void* dst, size_t n) const {
    check_range(byte_addr, n);
    std::memcpy(dst, reinterpret_cast<const uint8_t*>(mem_.data()) + byte_addr, n);
  }
  uint32_t word(uint64_t word_addr) const { return mem_.at(word_addr); }
  void set_word(uint64_t word_addr, uint32_t v) { mem_.at(word_addr) = v; }

  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }                  // whole beats
  uint64_t payload_bytes_written() const { return payload_bytes_written_; }  // strobed words
  uint64_t reads() const { return reads_; }
  uint64_t writes() const { return writes_; }
  bool idle() const { return pending_.empty(); }
  bool error() const { return error_; }
  const std::string& error_message() const { return error_msg_; }

 private:
  void check_range(uint64_t byte_addr, size_t n) const {
    if (byte_addr + n > bytes_)
      throw std::out_of_range("DramModel: host access [" + std::to_string(byte_addr) + ", +" + std::to_string(n) +
                              ") outside memory");
  }

  struct Pending {
    uint64_t addr, due;
  };
  int words_per_beat_;
  int latency_;
  int max_outstanding_;
  uint64_t beats_ = 0, bytes_ = 0;
  std::vector<uint32_t> mem_;
  std::deque<Pending> pending_;
  uint64_t now_ = 0, bytes_read_ = 0, bytes_written_ = 0, payload_bytes_written_ = 0, reads_ = 0, writes_ = 0;
  bool error_ = false;
  std::string error_msg_;
};

}  // namespace bf::tb
