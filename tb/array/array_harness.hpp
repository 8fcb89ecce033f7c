// ArrayHarness<Model>: drives a Verilated bf_array_top.
//
// The harness runs a list of Jobs. A job is what the controller of the
// accelerator does for one tile: write buffer words (IBUF / WBUF / OBUF
// write ports, one aligned group of banks per port per cycle), issue one
// tile command, and after the tile's done pulse read words out of the OBUF
// (drain). Jobs overlap as they would on the chip: the loads of a later job
// run while earlier tiles compute (double buffering), commands stream back
// to back, drains run while later tiles compute. Ordering is in job order
// per activity, plus two explicit dependencies per job:
//   load_after         its loads start only after that job's done pulse
//                      (the buffer half it overwrites is no longer read);
//   issue_after_drain  its command waits until that job's drains finished
//                      (the OBUF half it writes has been read out).
// Every event is time-stamped (edge numbers of Dut::cycle()).
#pragma once
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "tb/array/ports.hpp"
#include "tb/dut.hpp"

namespace bf::tb {

// Geometry of one configuration, computed from the configuration exactly as
// docs/architecture.md ("Buffers") defines it.
struct ArrayGeom {
  int rows = 0, cols = 0;
  int ibuf_depth = 0, wbuf_depth = 0, obuf_depth = 0;  // 32-bit words per bank
  int gi = 1, gw = 1, go = 1;                          // banks per write group
  int gd = 1;                                          // OBUF banks per drain read (bf_pkg::drain_group)

  static ArrayGeom from(const ArrayConfig& c) {
    ArrayGeom g;
    g.rows = c.rows;
    g.cols = c.cols;
    g.ibuf_depth = c.ibuf_kb * 256 / c.rows;
    g.wbuf_depth = c.wbuf_kb * 256 / (c.rows * c.cols);
    g.obuf_depth = c.obuf_kb * 256 / c.cols;
    int dg = 1;
    while (32 * dg < c.dram_bits) dg *= 2;
    g.gi = std::min(dg, c.rows);
    g.gw = std::min(dg, c.rows * c.cols);
    g.go = std::min(dg, c.cols);
    g.gd = std::min(16, c.cols);
    return g;
  }
  // Tile latency (docs/array.md): accept -> done = steps + rows + cols + 3.
  uint64_t tile_latency(uint64_t steps) const { return steps + rows + cols + 3; }
};

enum BufId { kIbuf = 0, kWbuf = 1, kObuf = 2 };

struct Loop {
  uint32_t count = 1;
  int32_t ibuf_stride = 0, wbuf_stride = 0, obuf_stride = 0;
};

// One tile command (the fields of the cmd_* ports; widths in bits 2/4/8).
struct TileCmd {
  static constexpr int kLoops = 6;
  int a_bits = 8, w_bits = 8;
  bool a_signed = true, w_signed = true;
  int shift = 0;          // 0, 8 or 16
  bool obuf_acc = false;  // accumulate into OBUF (else overwrite)
  int n_red = 1;          // innermost reduction levels
  uint32_t ibuf_base = 0, wbuf_base = 0, obuf_base = 0;
  std::array<Loop, kLoops> loops{};  // [0] outermost

  uint64_t steps() const {
    uint64_t s = 1;
    for (const auto& l : loops) s *= l.count;
    return s;
  }
};

struct BufWrite {
  int group = 0;
  int addr = 0;
  std::vector<uint32_t> data;    // one word per bank of the group
  uint64_t mask = ~uint64_t{0};  // bit j: write bank j of the group (bit 63 repeats)
};

struct Job {
  std::array<std::vector<BufWrite>, 3> writes;  // per BufId
  TileCmd cmd;
  std::vector<std::pair<int, int>> drains;  // (group, addr) OBUF reads
  std::vector<int64_t> drain_dest;          // per drained word: output index or -1
  int load_after = -1;
  int issue_after_drain = -1;
  // Filled by run():
  uint64_t t_load_end = 0;   // edge of the last write
  uint64_t t_valid = 0;      // first edge that sampled cmd_valid
  uint64_t t_accept = 0;     // edge of the command handshake
  uint64_t t_done = 0;       // edge that raised done_o
  uint64_t t_drain_end = 0;  // edge that returned the last drained word
};

template <class Model>
class ArrayHarness {
 public:
  explicit ArrayHarness(const ArrayConfig& cfg, const std::string& name = "array")
      : geom_(ArrayGeom::from(cfg)), dut_(name) {
    idle_inputs();
    dut_.reset();
  }

  const ArrayGeom& geom() const { return geom_; }
  Dut<Model>& dut() { return dut_; }

  // Runs `jobs` to completion. `out` receives the drained words at their
  // drain_dest indices. Throws if nothing finishes within `max_cycles`.
  void run(std::vector<Job>& jobs, std::vector<uint32_t>& out, uint64_t max_cycles = 50000000) {
    const size_t n = jobs.size();
    size_t li = 0, ci = 0, di = 0, done_count = 0;
    std::array<size_t, 3> wi{0, 0, 0};
    size_t dpos = 0, dgot = 0;
    std::vector<bool> done(n, false), drained(n, false);
    const uint64_t start = dut_.cycle();
    while (di < n) {
      if (dut_.cycle() - start > max_cycles) throw std::runtime_error("array harness: timeout");
      idle_inputs();
      // Loads of job li.
      std::array<bool, 3> drive{false, false, false};
      bool loads_ok = li < n && (jobs[li].load_after < 0 || done[jobs[li].load_after]);
      if (loads_ok) {
        bool all = true;
        for (int b = 0; b < 3; ++b)
          if (wi[b] < jobs[li].writes[b].size()) {
            drive_write(b, jobs[li].writes[b][wi[b]]);
            drive[b] = true;
            all = false;
          }
        if (all) {  // nothing (left) to write: the job's loads are complete
          jobs[li].t_load_end = dut_.cycle();
          ++li;
          wi = {0, 0, 0};
          continue;  // same cycle, next job
        }
      }
      // Command of job ci.
      bool cmd = ci < li && (jobs[ci].issue_after_drain < 0 || drained[jobs[ci].issue_after_drain]);
      if (cmd) drive_cmd(jobs[ci].cmd);
      // Drain of job di.
      bool rd = false;
      if (di < n && done[di] && dpos < jobs[di].drains.size()) {
        dut_->obuf_rd_valid_i = 1;
        dut_->obuf_rd_group_i = jobs[di].drains[dpos].first;
        dut_->obuf_rd_addr_i = jobs[di].drains[dpos].second;
        rd = true;
      }
      dut_.eval();
      const bool cmd_hs = cmd && dut_->cmd_ready_o;
      const bool w_hs[3] = {drive[0], drive[1], drive[2] && dut_->obuf_wr_ready_o};
      const bool rd_hs = rd && dut_->obuf_rd_ready_o;
      dut_.tick();
      const uint64_t e = dut_.cycle();
      if (cmd && jobs[ci].t_valid == 0) jobs[ci].t_valid = e;
      if (cmd_hs) jobs[ci++].t_accept = e;
      for (int b = 0; b < 3; ++b)
        if (w_hs[b]) ++wi[b];
      if (loads_ok && wi[0] >= jobs[li].writes[0].size() && wi[1] >= jobs[li].writes[1].size() &&
          wi[2] >= jobs[li].writes[2].size()) {
        jobs[li].t_load_end = e;
        ++li;
        wi = {0, 0, 0};
      }
      if (rd_hs) ++dpos;
      if (dut_->done_o) {
        if (done_count >= n) throw std::runtime_error("array harness: unexpected done pulse");
        jobs[done_count].t_done = e;
        done[done_count++] = true;
      }
      if (dut_->obuf_rd_rvalid_o) {
        const Job& j = jobs[di];
        for (int k = 0; k < geom_.gd; ++k) {
          const int64_t dst = j.drain_dest[dgot * geom_.gd + k];
          if (dst >= 0) out.at(static_cast<size_t>(dst)) = get_word(dut_->obuf_rd_data_o, k);
        }
        ++dgot;
      }
      // A job is drained when all its reads returned.
      while (di < n && done[di] && dgot == jobs[di].drains.size()) {
        jobs[di].t_drain_end = e;
        drained[di++] = true;
        dpos = dgot = 0;
      }
    }
    idle_inputs();
  }

  // Ticks until busy_o falls (at most `max` cycles).
  void drain_pipeline(int max = 100000) {
    for (int i = 0; i < max && dut_->busy_o; ++i) dut_.tick();
  }

 private:
  void idle_inputs() {
    dut_->cmd_valid_i = 0;
    dut_->ibuf_wr_valid_i = 0;
    dut_->wbuf_wr_valid_i = 0;
    dut_->obuf_wr_valid_i = 0;
    dut_->obuf_rd_valid_i = 0;
  }

  static unsigned prec(int bits) { return bits <= 2 ? 0u : bits == 4 ? 1u : 2u; }

  void drive_cmd(const TileCmd& c) {
    dut_->cmd_valid_i = 1;
    dut_->cmd_prec_a_i = prec(c.a_bits);
    dut_->cmd_prec_w_i = prec(c.w_bits);
    dut_->cmd_a_signed_i = c.a_signed;
    dut_->cmd_w_signed_i = c.w_signed;
    dut_->cmd_shift_i = c.shift / 8;
    dut_->cmd_obuf_acc_i = c.obuf_acc;
    dut_->cmd_n_red_i = c.n_red;
    dut_->cmd_ibuf_base_i = c.ibuf_base;
    dut_->cmd_wbuf_base_i = c.wbuf_base;
    dut_->cmd_obuf_base_i = c.obuf_base;
    for (int l = 0; l < TileCmd::kLoops; ++l) {
      set_bits(dut_->cmd_count_i, 16 * l, 16, c.loops[l].count);
      set_bits(dut_->cmd_ibuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].ibuf_stride));
      set_bits(dut_->cmd_wbuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].wbuf_stride));
      set_bits(dut_->cmd_obuf_stride_i, 16 * l, 16, static_cast<uint32_t>(c.loops[l].obuf_stride));
    }
  }

  void drive_write(int b, const BufWrite& w) {
    const int g = b == kIbuf ? geom_.gi : b == kWbuf ? geom_.gw : geom_.go;
    if (static_cast<int>(w.data.size()) != g) throw std::runtime_error("array harness: bad group size");
    const uint64_t mask = w.mask;
    if (b == kIbuf) {
      dut_->ibuf_wr_valid_i = 1;
      dut_->ibuf_wr_group_i = w.group;
      dut_->ibuf_wr_addr_i = w.addr;
      set_bits(dut_->ibuf_wr_mask_i, 0, g, mask);
      for (int j = 0; j < g; ++j) set_word(dut_->ibuf_wr_data_i, j, w.data[j]);
    } else if (b == kWbuf) {
      dut_->wbuf_wr_valid_i = 1;
      dut_->wbuf_wr_group_i = w.group;
      dut_->wbuf_wr_addr_i = w.addr;
      set_bits(dut_->wbuf_wr_mask_i, 0, g, mask);
      for (int j = 0; j < g; ++j) set_word(dut_->wbuf_wr_data_i, j, w.data[j]);
    } else {
      dut_->obuf_wr_valid_i = 1;
      dut_->obuf_wr_group_i = w.group;
      dut_->obuf_wr_addr_i = w.addr;
      set_bits(dut_->obuf_wr_mask_i, 0, g, mask);
      for (int j = 0; j < g; ++j) set_word(dut_->obuf_wr_data_i, j, w.data[j]);
    }
  }

  ArrayGeom geom_;
  Dut<Model> dut_;
};

}  // namespace bf::tb
