// bf_activity: records the switching activity of one block running one
// named workload, as a VCD file the power flow turns into per-net
// activities for OpenSTA (synth/vcd2activity.py, synth/run.sh).
//
//   bf_activity BLOCK WORKLOAD A W CYCLES SEED OUT.vcd
//     BLOCK     fu (bf_fusion_unit), mul8 (bf_mul8), temporal (bf_temporal_fu),
//               array4x4 (bf_array_top at array_4x4 of synth/blocks.json),
//               mac8_array4x4 (bf_mac8_array 4x4); see array_drivers.hpp
//     WORKLOAD  random | lenet_conv1 (synth/activity/workloads.hpp)
//     A, W      activation and weight widths (2, 4, 8)
//     CYCLES    clock cycles recorded (after reset and a short warm-up)
//
// Every result the block produces is checked against the golden model
// while recording; a mismatch is an error (exit 1). Prints:
//   cycles=<recorded cycles> macs=<multiply-accumulates in them>
// and, for the array tiles, the buffer accesses in the window (32-bit words):
//   sram ibuf_rd=.. ibuf_wr=.. wbuf_rd=.. wbuf_wr=.. obuf_rd=.. obuf_wr=..
#include <verilated.h>
#include <verilated_vcd_c.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>

#include "Vact_array4x4.h"
#include "Vact_fusion_unit.h"
#include "Vact_mac8_array4x4.h"
#include "Vbf_mul8.h"
#include "Vbf_temporal_fu.h"
#include "golden/fusion.hpp"
#include "synth/activity/array_drivers.hpp"
#include "synth/activity/workloads.hpp"

namespace {

using bf::act::Workload;

// Clocks a model and dumps the cycles inside the recording window.
template <class Model>
class Runner {
 public:
  Runner(const std::string& vcd) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->traceEverOn(true);
    ctx_->randReset(0);
    model_ = std::make_unique<Model>(ctx_.get(), "dut");
    vcd_ = std::make_unique<VerilatedVcdC>();
    model_->trace(vcd_.get(), 99);
    vcd_->open(vcd.c_str());
    model_->rst_ni = 0;
    tick();
    tick();
    model_->rst_ni = 1;
  }
  ~Runner() {
    vcd_->close();
    model_->final();
  }
  Model* operator->() { return model_.get(); }
  void tick() {
    model_->clk_i = 0;
    model_->eval();
    if (recording_) vcd_->dump(ctx_->time());
    ctx_->timeInc(1);
    model_->clk_i = 1;
    model_->eval();
    if (recording_) vcd_->dump(ctx_->time());
    ctx_->timeInc(1);
    if (recording_) ++recorded_;
  }
  void record(bool on) { recording_ = on; }
  uint64_t recorded() const { return recorded_; }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  bool recording_ = false;
  uint64_t recorded_ = 0;
};

constexpr int kWarmup = 8;

void fail(const std::string& what) { throw std::runtime_error("golden mismatch: " + what); }

// Fusion Unit: 64/(A*W) pairs per cycle.
uint64_t run_fu(const Workload& wl, uint64_t cycles, const std::string& vcd) {
  Runner<Vact_fusion_unit> r(vcd);
  const int lanes = wl.mode.lanes();
  r->prec_a_i = bf::prec_code(wl.mode.act_bits);
  r->prec_w_i = bf::prec_code(wl.mode.wgt_bits);
  r->a_signed_i = wl.mode.act_signed;
  r->w_signed_i = wl.mode.wgt_signed;
  uint64_t macs = 0;
  for (uint64_t c = 0; c < cycles + kWarmup; ++c) {
    r.record(c >= kWarmup);
    uint32_t act = 0, wgt = 0;
    bf::act::pack_fu(wl, c * lanes, act, wgt);
    r->act_i = act;
    r->wgt_i = wgt;
    const int64_t want = bf::fu_reference(wl.mode, act, wgt);
    r.tick();
    if (bf::extend(r->sum_o, bf::kFuSumBits, true) != want) fail("fusion unit, cycle " + std::to_string(c));
    if (c >= kWarmup) macs += lanes;
  }
  return macs;
}

// Fixed 8-bit multiplier: one pair per cycle, operands extended to 8 bits.
uint64_t run_mul8(const Workload& wl, uint64_t cycles, const std::string& vcd) {
  Runner<Vbf_mul8> r(vcd);
  r->a_signed_i = wl.mode.act_signed;
  r->w_signed_i = wl.mode.wgt_signed;
  uint64_t macs = 0;
  for (uint64_t c = 0; c < cycles + kWarmup; ++c) {
    r.record(c >= kWarmup);
    const auto& p = wl.pairs[c];
    r->act_i = static_cast<uint8_t>(p.a);
    r->wgt_i = static_cast<uint8_t>(p.w);
    r.tick();
    if (bf::extend(r->prod_o, 17, true) != p.a * p.w) fail("mul8, cycle " + std::to_string(c));
    if (c >= kWarmup) ++macs;
  }
  return macs;
}

// Temporal design: 16 pairs per (A/2)*(W/2) cycles.
uint64_t run_temporal(const Workload& wl, uint64_t cycles, const std::string& vcd) {
  Runner<Vbf_temporal_fu> r(vcd);
  r->prec_a_i = bf::prec_code(wl.mode.act_bits);
  r->prec_w_i = bf::prec_code(wl.mode.wgt_bits);
  r->a_signed_i = wl.mode.act_signed;
  r->w_signed_i = wl.mode.wgt_signed;
  const int per = bf::act::temporal_cycles(wl.mode);
  std::deque<int64_t> pending;
  uint64_t c = 0;
  for (size_t g = 0; c < cycles + kWarmup; ++g) {
    int64_t sum = 0;
    for (int u = 0; u < 16; ++u) sum += wl.pairs[16 * g + u].a * wl.pairs[16 * g + u].w;
    for (int k = 0; k < per; ++k, ++c) {
      r.record(c >= kWarmup);
      uint32_t act = 0, wgt = 0;
      bf::act::temporal_slices(wl, 16 * g, k, act, wgt);
      r->valid_i = 1;
      r->act_i = act;
      r->wgt_i = wgt;
      if (k == per - 1) pending.push_back(sum);
      r.tick();
      if (r->valid_o) {
        if (pending.empty() || bf::extend(r->sum_o, 21, true) != pending.front())
          fail("temporal, cycle " + std::to_string(c));
        pending.pop_front();
      }
    }
  }
  // 16 MACs per group of `per` cycles (the window need not hold whole groups).
  return cycles * 16 / per;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: bf_activity BLOCK WORKLOAD A W CYCLES SEED OUT.vcd\n");
    return 2;
  }
  try {
    const std::string block = argv[1], workload = argv[2], vcd = argv[7];
    const int a = std::stoi(argv[3]), w = std::stoi(argv[4]);
    const uint64_t cycles = std::stoull(argv[5]);
    const uint32_t seed = static_cast<uint32_t>(std::stoul(argv[6]));
    for (int b : {a, w})
      if (b != 2 && b != 4 && b != 8) throw std::runtime_error("widths must be 2, 4 or 8");
    if (cycles < 16 || cycles > 10000000) throw std::runtime_error("CYCLES must be in 16..10^7");
    // Enough pairs for the fastest consumer (16 per cycle) plus the warm-up,
    // and at least the operand matrices of the array GEMMs (array_drivers.hpp).
    const size_t n_pairs = std::max<size_t>(16 * (cycles + kWarmup + 16), 1u << 14);
    const auto wl = bf::act::make_workload(workload, a, w, n_pairs, seed);
    uint64_t macs = 0;
    bool tile = false;
    bf::act::TileCounts tc;
    if (block == "fu")
      macs = run_fu(wl, cycles, vcd);
    else if (block == "mul8")
      macs = run_mul8(wl, cycles, vcd);
    else if (block == "temporal")
      macs = run_temporal(wl, cycles, vcd);
    else if (block == "array4x4") {
      Runner<Vact_array4x4> r(vcd);
      tc = bf::act::run_array4x4(r, wl, cycles);
      tile = true;
    } else if (block == "mac8_array4x4") {
      Runner<Vact_mac8_array4x4> r(vcd);
      tc = bf::act::run_mac8_array4x4(r, wl, cycles);
      tile = true;
    } else {
      throw std::runtime_error("unknown block '" + block + "' (fu, mul8, temporal, array4x4, mac8_array4x4)");
    }
    if (tile) macs = tc.macs;
    std::printf("cycles=%llu macs=%llu\n", static_cast<unsigned long long>(cycles),
                static_cast<unsigned long long>(macs));
    if (tile)
      std::printf("sram ibuf_rd=%llu ibuf_wr=%llu wbuf_rd=%llu wbuf_wr=%llu obuf_rd=%llu obuf_wr=%llu\n",
                  static_cast<unsigned long long>(tc.ibuf_rd), static_cast<unsigned long long>(tc.ibuf_wr),
                  static_cast<unsigned long long>(tc.wbuf_rd), static_cast<unsigned long long>(tc.wbuf_wr),
                  static_cast<unsigned long long>(tc.obuf_rd), static_cast<unsigned long long>(tc.obuf_wr));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bf_activity: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
