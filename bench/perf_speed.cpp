// Speed benchmark of the performance model: every benchmark network of the
// paper through the model, on one core, with the wall time printed.
//   build/bench/bf_perf_speed [config]      (default bf16x32)
// Modes measured: paper (the only mode so far).
#include <chrono>
#include <cstdio>
#include <exception>

#include "golden/config.hpp"
#include "model/baselines.hpp"
#include "model/paper_model.hpp"

int main(int argc, char** argv) {
  try {
    const bf::ArrayConfig cfg = bf::load_config(argc > 1 ? argv[1] : "bf16x32");
    const auto d = bf::model::bitfusion_design(cfg);
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    long long sum = 0;
    std::printf("%-10s %14s %14s %8s\n", "network", "cycles", "stall_cycles", "ms");
    for (const auto& b : bf::model::paper_benchmarks()) {
      const auto t1 = clock::now();
      const auto net = bf::model::load_network(b.file);
      const auto r = bf::model::paper_run(d, net, net.batch);
      const double ms = std::chrono::duration<double, std::milli>(clock::now() - t1).count();
      std::printf("%-10s %14lld %14lld %8.1f\n", net.name.c_str(), (long long)r.total.cycles,
                  (long long)r.total.stall_cycles, ms);
      sum += r.total.cycles;
    }
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    std::printf("paper mode, config %s: 8 networks in %.3f s wall time (one core)\n", cfg.name.c_str(), s);
    return sum > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bf_perf_speed: error: %s\n", e.what());
    return 2;
  }
}
