// Speed benchmark of the performance model: every benchmark network of the
// paper through the model in both modes (paper: the authors' model; rtl:
// the compiler's program through the controller timing model), on one
// core, with the wall time printed.
//   build/bench/bf_perf_speed [config]      (default bf16x32)
#include <chrono>
#include <cstdio>
#include <exception>

#include "golden/config.hpp"
#include "model/baselines.hpp"
#include "model/paper_model.hpp"
#include "model/rtl_model.hpp"

int main(int argc, char** argv) {
  try {
    const bf::ArrayConfig cfg = bf::load_config(argc > 1 ? argv[1] : "bf16x32");
    const auto d = bf::model::bitfusion_design(cfg);
    using clock = std::chrono::steady_clock;
    long long sum = 0;
    double total_s = 0;
    std::printf("%-10s %-6s %14s %14s %9s\n", "network", "mode", "cycles", "stall_cycles", "ms");
    for (const char* mode : {"paper", "rtl"}) {
      const auto t0 = clock::now();
      for (const auto& b : bf::model::paper_benchmarks()) {
        const auto t1 = clock::now();
        const auto net = bf::model::load_network(b.file);
        long long cycles = 0, stalls = 0;
        if (mode[0] == 'p') {
          const auto r = bf::model::paper_run(d, net, net.batch);
          cycles = r.total.cycles, stalls = r.total.stall_cycles;
        } else {
          const auto r = bf::model::rtl_run(cfg, net, net.batch);
          cycles = r.total.cycles, stalls = r.total.stall_cycles;
        }
        const double ms = std::chrono::duration<double, std::milli>(clock::now() - t1).count();
        std::printf("%-10s %-6s %14lld %14lld %9.1f\n", net.name.c_str(), mode, cycles, stalls, ms);
        std::fflush(stdout);
        sum += cycles;
      }
      const double s = std::chrono::duration<double>(clock::now() - t0).count();
      total_s += s;
      std::printf("%s mode, config %s: 8 networks in %.3f s wall time (one core)\n", mode, cfg.name.c_str(), s);
    }
    std::printf("both modes, config %s: 16 runs in %.3f s wall time (one core; target < 10 s)\n", cfg.name.c_str(),
                total_s);
    return sum > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bf_perf_speed: error: %s\n", e.what());
    return 2;
  }
}
