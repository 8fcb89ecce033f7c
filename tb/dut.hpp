// Dut<Model>: the reusable Verilator 5 harness for every RTL top level.
//
// One fresh VerilatedContext and model per instance (never file-scope
// statics). Clock `clk_i` and active-low reset `rst_ni` are driven here;
// inputs are set by the caller between ticks, away from the sampling edge.
// Tracing is FST, opened on request, recording only the cycle window
// [from, to] so a failing case gives a small waveform GTKWave opens directly.
// Time runs in picoseconds at the clock set by set_clock_mhz (default
// 500 MHz: a cycle is 2,000 ps), so the waveform shows real time.
#pragma once
#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::tb {

template <class Model>
class Dut {
 public:
  explicit Dut(const std::string& name = "dut") : Dut(name, {}) {}
  // args: command-line arguments for the context (plusargs), applied
  // before the model is constructed, so that "+verilator+rand+reset+2
  // +verilator+seed+N" decide the initial value of every variable of a
  // model built with --x-initial unique (tests/ctrl/test_ctrl_xprop.cpp).
  Dut(const std::string& name, const std::vector<std::string>& args) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->traceEverOn(true);
    ctx_->randReset(0);  // registers start at 0, not random: deterministic runs
    // Always (even empty): a model that reads a plusarg aborts without it.
    std::vector<const char*> argv{"bf_dut"};
    for (const auto& a : args) argv.push_back(a.c_str());
    ctx_->commandArgs(int(argv.size()), argv.data());
    model_ = std::make_unique<Model>(ctx_.get(), name.c_str());
  }
  ~Dut() {
    close_trace();
    model_->final();
  }
  // Finishes the FST file (it is complete only after this).
  void close_trace() {
    if (trace_) trace_->close();
    trace_.reset();
  }
  Dut(const Dut&) = delete;
  Dut& operator=(const Dut&) = delete;

  Model* operator->() { return model_.get(); }
  Model& model() { return *model_; }
  VerilatedContext& context() { return *ctx_; }
  uint64_t cycle() const { return cycle_; }

  // Records cycles [from, to] to an FST file.
  void open_trace(const std::string& path, uint64_t from = 0, uint64_t to = std::numeric_limits<uint64_t>::max(),
                  int depth = 99) {
    trace_ = std::make_unique<VerilatedFstC>();
    model_->trace(trace_.get(), depth);
    trace_->open(path.c_str());
    if (!trace_->isOpen()) throw std::runtime_error("cannot write FST trace '" + path + "'");
    trace_from_ = from;
    trace_to_ = to;
  }

  // The clock frequency the trace's time axis follows.
  void set_clock_mhz(int mhz) {
    half_period_ps_ = mhz > 0 ? uint64_t(500000 / mhz) : 1000;
    if (half_period_ps_ == 0) half_period_ps_ = 1;
  }
  uint64_t period_ps() const { return 2 * half_period_ps_; }
  uint64_t time_ps() const { return ctx_->time(); }

  // Evaluates combinational logic without a clock edge.
  void eval() { model_->eval(); }

  // One full clock cycle: falling edge, then the rising edge that samples.
  void tick() {
    model_->clk_i = 0;
    model_->eval();
    dump();
    ctx_->timeInc(half_period_ps_);
    model_->clk_i = 1;
    model_->eval();
    dump();
    ctx_->timeInc(half_period_ps_);
    ++cycle_;
  }

  // Holds reset for `cycles` cycles, then releases it.
  void reset(int cycles = 2) {
    // A falling edge of rst_ni before the first clock edge: the
    // asynchronous resets (always_ff @(... or negedge rst_ni)) act at once,
    // as a level-sensitive reset does in silicon, whatever value rst_ni
    // started with (random with --x-initial unique). Without it a model
    // whose rst_ni started at 0 saw no edge and kept its random state until
    // the first clock edge, where the assertions read it.
    model_->rst_ni = 1;
    model_->eval();
    model_->rst_ni = 0;
    model_->eval();
    for (int i = 0; i < cycles; ++i) tick();
    model_->rst_ni = 1;
    model_->eval();
  }

 private:
  void dump() {
    if (trace_ && cycle_ >= trace_from_ && cycle_ <= trace_to_) trace_->dump(ctx_->time());
  }

  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<VerilatedFstC> trace_;
  uint64_t trace_from_ = 0, trace_to_ = 0, cycle_ = 0;
  uint64_t half_period_ps_ = 1000;
};

}  // namespace bf::tb
