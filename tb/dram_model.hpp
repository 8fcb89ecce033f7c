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
//
// Stress (set_stress, seeded; off by default, the model is then exactly
// the fixed-latency one above): per read response a random extra latency
// of 0..extra_latency cycles (responses stay in order, so a late one holds
// back those behind it, which then come back to back); random
// back-pressure: with a chance of stall_pct % per cycle, ready() drops for
// 1..stall_max cycles; random response pauses: with a chance of
// rsp_pause_pct % per cycle no response comes for 1..rsp_pause_max cycles,
// then the ones due come in a burst, one per cycle.
#pragma once
#include <cstdint>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::tb {

struct DramStress {
  bool on = false;
  uint64_t seed = 1;
  int extra_latency = 0;  // cycles, 0..extra_latency added per read response
  int stall_pct = 0;      // percent chance per cycle of a back-pressure burst
  int stall_max = 1;      // its length: 1..stall_max cycles of ready low
  int rsp_pause_pct = 0;  // percent chance per cycle of a response pause
  int rsp_pause_max = 1;  // its length: 1..rsp_pause_max cycles
};

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

  void set_stress(const DramStress& st) {
    if (st.on && (st.extra_latency < 0 || st.stall_pct < 0 || st.stall_pct > 100 || st.stall_max < 1 ||
                  st.rsp_pause_pct < 0 || st.rsp_pause_pct > 100 || st.rsp_pause_max < 1))
      throw std::invalid_argument("DramModel: bad stress parameters");
    stress_ = st;
    rng_ = st.seed ? st.seed : 1;
  }

  // Whether a request would be accepted this cycle.
  bool ready() const { return int(pending_.size()) < max_outstanding_ && stall_left_ == 0; }

  // The port side of a reset of the device: reads in flight are dropped
  // (their responses never come), stalls end. Memory contents stay.
  void reset_port() {
    pending_.clear();
    stall_left_ = pause_left_ = 0;
  }
  // Zeroes the traffic counters (a harness that reruns a program counts
  // the rerun only).
  void clear_counters() {
    bytes_read_ = bytes_written_ = payload_bytes_written_ = reads_ = writes_ = stall_cycles_ = 0;
  }

  // Advances one cycle. `wdata` holds words_per_beat() words when writing,
  // `wstrb` (optional) one enable bit per word, packed 32 to a uint32_t.
  // Returns true and fills `rdata` when a read response is due this cycle.
  bool cycle(bool req_valid, bool req_we, uint64_t req_addr, const uint32_t* wdata, uint32_t* rdata,
             const uint32_t* wstrb = nullptr) {
    ++now_;
    bool rsp = false;
    if (pause_left_ > 0) {
      --pause_left_;
    } else if (!pending_.empty() && pending_.front().due <= now_) {
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
        uint64_t extra = 0;
        if (stress_.on && stress_.extra_latency > 0) extra = rand() % uint64_t(stress_.extra_latency + 1);
        pending_.push_back({req_addr, now_ + uint64_t(latency_ > 0 ? latency_ : 1) + extra});
        bytes_read_ += 4 * words_per_beat_;
        ++reads_;
      }
    }
    if (stress_.on) {  // the next cycle's back-pressure and response pauses
      if (stall_left_ > 0)
        --stall_left_;
      else if (int(rand() % 100) < stress_.stall_pct)
        stall_left_ = 1 + int(rand() % uint64_t(stress_.stall_max));
      if (pause_left_ == 0 && int(rand() % 100) < stress_.rsp_pause_pct)
        pause_left_ = 1 + int(rand() % uint64_t(stress_.rsp_pause_max));
      if (stall_left_) ++stall_cycles_;
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
  uint64_t stall_cycles() const { return stall_cycles_; }  // cycles with ready() low by stress
  bool idle() const { return pending_.empty(); }
  bool error() const { return error_; }
  const std::string& error_message() const { return error_msg_; }

 private:
  void check_range(uint64_t byte_addr, size_t n) const {
    if (byte_addr + n > bytes_)
      throw std::out_of_range("DramModel: host access [" + std::to_string(byte_addr) + ", +" + std::to_string(n) +
                              ") outside memory");
  }

  uint64_t rand() {  // splitmix64: the same sequence on every platform
    uint64_t z = (rng_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
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
  DramStress stress_;
  uint64_t rng_ = 1, stall_cycles_ = 0;
  int stall_left_ = 0, pause_left_ = 0;
};

}  // namespace bf::tb
