// The device runner's template over one Verilated bf_top model (device.hpp
// is the API; this header is for builds that verilate bf_top with their own
// parameters, e.g. the tests' 192-bit-port bf2x2, and call run_model
// directly).
#pragma once
#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "tb/array/ports.hpp"
#include "tb/ctrl/device.hpp"
#include "tb/dram_model.hpp"
#include "tb/dut.hpp"
#include "tb/gtkw.hpp"

namespace bf::tb::detail {

// Signals worth seeing first, grouped as the data flows (hierarchy as
// Verilator traces it). Resolved against the trace after the run
// (resolve_groups): a name the RTL no longer has is an error, not a
// silently missing trace.
inline std::vector<WaveGroup> wave_groups(const ArrayConfig& cfg) {
  const std::string t = "TOP.bf_top.";
  auto sig = [&](const std::string& n) { return WaveSignal{t + n}; };
  std::vector<WaveGroup> g;
  g.push_back({"controller",
               {sig("clk_i"), sig("busy_o"), sig("done_o"), sig("status_o"), sig("u_seq.state_q"), sig("u_fetch.pc_q"),
                sig("u_seq.f_instr_i"), sig("u_seq.issued_q"), sig("u_seq.tdone_q"), sig("u_seq.hi_q"),
                sig("u_seq.hw_q"), sig("u_seq.ho_q"), sig("cycles_o")},
               {}});
  g.push_back({"memory port",
               {sig("mem_req_valid_o"), sig("mem_req_ready_i"), sig("mem_req_we_o"), sig("mem_req_addr_o"),
                sig("mem_req_wstrb_o"), sig("mem_req_wdata_o"), sig("mem_rsp_valid_i"), sig("mem_rsp_rdata_i")},
               {}});
  g.push_back({"units",
               {},
               {{"load unit (DRAM -> buffers)",
                 {sig("u_load.start_i"), sig("u_load.walk_q"), sig("u_load.stream_q"), sig("u_load.busy_o"),
                  sig("u_load.fill_q"), sig("u_load.err_o")},
                 {}},
                {"store unit (OBUF -> write-back -> DRAM)",
                 {sig("u_store.start_i"), sig("u_store.wait_q"), sig("u_store.walk_q"), sig("u_store.busy_o"),
                  sig("u_store.send_q"), sig("u_store.err_o")},
                 {}}}});
  g.push_back({"tile commands",
               {sig("u_array.cmd_valid_i"), sig("u_array.cmd_ready_o"), sig("u_array.cmd_ibuf_base_i"),
                sig("u_array.cmd_wbuf_base_i"), sig("u_array.cmd_obuf_base_i"), sig("u_array.cmd_obuf_acc_i"),
                sig("u_array.done_o"), sig("u_array.stat_steps_o")},
               {}});
  WaveGroup rows{"per-row inputs (IBUF -> row edge)", {}, {}};
  for (int r = 0; r < cfg.rows && r < 16; ++r)
    rows.signals.push_back(sig("u_array.g_row[" + std::to_string(r) + "].rdata"));
  g.push_back(rows);
  WaveGroup cols{"per-column sums (bottom of the array)", {}, {}};
  for (int c = 0; c < cfg.cols && c < 32; ++c)
    cols.signals.push_back({t + "u_array.g_col[" + std::to_string(c) + "].u_out.acc_q", 0, true});
  g.push_back(cols);
  g.push_back({"buffer ports",
               {sig("u_array.ibuf_wr_valid_i"), sig("u_array.ibuf_wr_addr_i"), sig("u_array.wbuf_wr_valid_i"),
                sig("u_array.wbuf_wr_addr_i"), sig("u_array.obuf_wr_valid_i"), sig("u_array.obuf_wr_ready_o"),
                sig("u_array.obuf_rd_valid_i"), sig("u_array.obuf_rd_ready_o"), sig("u_array.obuf_rd_addr_i")},
               {}});
  return g;
}

// The GTKWave save file of a finished trace: groups resolved against it,
// opening on the first cycles of the window.
inline void write_device_gtkw(const std::string& fst, const ArrayConfig& cfg, uint64_t from_cycle, uint64_t last_cycle,
                              uint64_t period_ps) {
  std::string gtkw = fst;
  const auto dot = gtkw.rfind('.');
  gtkw = (dot == std::string::npos ? gtkw : gtkw.substr(0, dot)) + ".gtkw";
  WaveView view;
  view.start = from_cycle * period_ps;
  const uint64_t shown = std::min<uint64_t>(last_cycle > from_cycle ? last_cycle - from_cycle : 1, 200);
  view.end = view.start + shown * period_ps;
  view.marker = view.start;
  write_gtkw(gtkw, fst, resolve_groups(fst, wave_groups(cfg)), view);
}

// Runs one program on a Verilated bf_top whose parameters are those of cfg.
template <class Model>
DeviceResult run_model(const ArrayConfig& cfg, const std::vector<uint32_t>& prog, std::vector<uint32_t>& dram,
                       const DeviceOptions& opt) {
  DeviceResult res;
  const int wpb = cfg.dram_bits / 32;
  const uint64_t data_words = dram.size();
  const uint64_t prog_base = (data_words + wpb - 1) / wpb * wpb;
  const uint64_t prog_beat = prog_base / wpb;
  const uint64_t total = prog_base + prog.size() + wpb;
  if (total >= (uint64_t{1} << 32)) throw std::runtime_error("device: memory image beyond 2^32 words");
  DramModel mem(cfg.dram_bits, opt.dram_latency >= 0 ? opt.dram_latency : cfg.dram_latency, total * 4);
  mem.set_stress(opt.dram_stress);
  if (data_words) mem.write_bytes(0, dram.data(), data_words * 4);
  if (!prog.empty()) mem.write_bytes(prog_base * 4, prog.data(), prog.size() * 4);

  Dut<Model> dut("TOP", opt.plusargs);  // trace root "TOP", as the .gtkw paths
  // An assertion ($error) stops the run instead of aborting the process.
  dut.context().fatalOnError(false);
  dut.set_clock_mhz(cfg.freq_mhz);
  // Depth 0: Verilator 5.006 uses the trace depth only to descend into
  // hierarchical child models (tb/ctrl/hier.vlt: the array rows of
  // bf16x32), whose handles do not exist before the first eval, so tracing
  // them crashes; the top's own signals (the rows' ports included) are
  // traced at any depth, and flat models ignore it.
  if (!opt.trace.empty()) dut.open_trace(opt.trace, opt.trace_from, opt.trace_to, 0);
  dut->start_i = 0;
  dut->mem_req_ready_i = 0;
  dut->mem_rsp_valid_i = 0;
  dut->start_addr_i = uint32_t(prog_base);
  dut->prog_words_i = uint32_t(prog.size());
  dut->mem_words_i = uint32_t(data_words);
  dut.reset();
  dut->start_i = 1;
  dut.tick();
  dut->start_i = 0;

  const uint64_t limit = opt.watchdog ? opt.watchdog : 100'000'000ull;
  std::vector<uint32_t> wdata(wpb), rdata(wpb), strb((wpb + 31) / 32);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t n = 0;
  for (; !dut->done_o; ++n) {
    if (dut.context().gotError()) {
      res.assertion = true;
      res.message = "RTL assertion failed in cycle " + std::to_string(n) + " (message on standard output)";
      break;
    }
    if (opt.reset_at && n == opt.reset_at && !res.reset_done) {
      // Reset in the middle of the run, then the program again from the start.
      res.reset_done = true;
      dut->start_i = 0;
      dut->mem_req_ready_i = 0;
      dut->mem_rsp_valid_i = 0;
      mem.reset_port();
      mem.clear_counters();  // the result's traffic is the rerun's
      res.fetch_beats = 0;
      dut.reset();
      dut->start_i = 1;
      dut.tick();
      dut->start_i = 0;
    }
    if (n >= limit) {
      res.watchdog = true;
      res.message = "watchdog: the device is still busy after " + std::to_string(limit) + " cycles";
      break;
    }
    dut->mem_req_ready_i = mem.ready();
    dut.eval();
    const bool valid = dut->mem_req_valid_o, we = dut->mem_req_we_o;
    const uint64_t addr = dut->mem_req_addr_o;
    if (valid && we) {
      for (int j = 0; j < wpb; ++j) wdata[j] = get_word(dut->mem_req_wdata_o, j);
      for (size_t k = 0; k < strb.size(); ++k) strb[k] = get_word(dut->mem_req_wstrb_o, int(k));
      if (wpb % 32) strb.back() &= (1u << (wpb % 32)) - 1u;
    }
    if (valid && !we && addr >= prog_beat && dut->mem_req_ready_i) ++res.fetch_beats;  // accepted only
    const bool rsp = mem.cycle(valid, we, addr, wdata.data(), rdata.data(), strb.data());
    dut->mem_rsp_valid_i = rsp;
    for (int j = 0; j < wpb; ++j) set_word(dut->mem_rsp_rdata_i, j, rsp ? rdata[j] : 0u);
    dut.tick();
    if (opt.progress && opt.progress_every && (n + 1) % opt.progress_every == 0) opt.progress(n + 1);
  }
  res.sim_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  res.total_cycles = n;
  res.stall_cycles = mem.stall_cycles();
  if (!res.assertion && dut.context().gotError()) {
    res.assertion = true;
    res.message = "RTL assertion failed in cycle " + std::to_string(n) + " (message on standard output)";
  }
  if (!res.watchdog && !res.assertion) {
    res.status = dut->status_o;
    res.pc = dut->err_pc_o;
    if (res.status)
      res.message = "device stopped with status " + std::to_string(res.status) + " at pc " + std::to_string(res.pc);
  }
  if (mem.error()) {
    res.status = res.status ? res.status : 4;
    res.message = "memory port: " + mem.error_message();
  }
  res.cycles = dut->cycles_o;
  res.tile_cmds = dut->tiles_o;
  res.array_steps = dut->steps_o;
  res.read_beats = mem.reads();
  res.write_beats = mem.writes();
  res.read_bytes = mem.bytes_read();
  res.write_bytes = mem.bytes_written();
  res.write_payload_bytes = mem.payload_bytes_written();
  if (data_words) mem.read_bytes(0, dram.data(), data_words * 4);
  if (!opt.trace.empty()) {
    dut.close_trace();
    write_device_gtkw(opt.trace, cfg, opt.trace_from, std::min<uint64_t>(dut.cycle(), opt.trace_to), dut.period_ps());
  }
  return res;
}

}  // namespace bf::tb::detail
