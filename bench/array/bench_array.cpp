// bench_array: utilization and simulation speed of the Verilated array.
//
// For every width pair (9 spatial + 7 with a 16-bit operand) it runs a
// compute-bound GEMM with the weight-stationary plan (tb/array/gemm_mapper.hpp:
// weights resident in the WBUF, pixel tiles streaming through the IBUF
// halves, drains overlapping compute), checks the result bit-exact against
// the golden model, and prints
//   steady  = useful MACs / (peak MACs per cycle * cycles from the first
//             command accepted to the last done pulse)
//   overall = the same over the whole run, initial weight load included
//   sim     = simulated cycles per wall-clock second
// Peak MACs per cycle = rows * cols * 64/(A*W) / passes (passes = 2 or 4
// for 16-bit operands, which run temporally).
//
// Usage: bench_array [--config NAME|all] [--pixels P] [--pair AxW]
//   NAME: bf2x2, bf8x8, bf16x32, bf16x32mt (the same RTL Verilated with
//   --threads 2; only when configured with -DBF_BENCH_ARRAY_MT=ON);
//   all (default) runs every one of them.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#ifndef BF_BENCH_SMALL_ONLY
#include "Vbf_array_bf16x32.h"
#endif
#ifdef BF_BENCH_MT
#include "Vbf_array_bf16x32_mt.h"
#endif
#include "Vbf_array_bf2x2.h"
#include "Vbf_array_bf8x8.h"
#include "golden/config.hpp"
#include "golden/gemm.hpp"
#include "tb/array/array_harness.hpp"
#include "tb/array/gemm_mapper.hpp"

using namespace bf;

namespace {

template <class Model>
bool bench_config(const std::string& name, int pixels, const char* label, const std::string& only) {
  const auto cfg = load_config(name);
  const auto g = tb::ArrayGeom::from(cfg);
  std::printf("\n%s (%s): %dx%d FUs, WBUF/IBUF/OBUF %d/%d/%d KB, write group %d banks\n", name.c_str(), label, cfg.rows,
              cfg.cols, cfg.wbuf_kb, cfg.ibuf_kb, cfg.obuf_kb, g.gi);
  std::printf("%-9s %6s %6s %5s %9s %9s %9s %8s %8s %10s %s\n", "a x w", "P", "K", "C", "steps", "cycles", "MAC/cyc",
              "steady", "overall", "cycles/s", "check");
  bool all_ok = true;
  uint32_t seed = 1;
  for (int ab : {2, 4, 8, 16})
    for (int wb : {2, 4, 8, 16}) {
      const std::string pair = std::to_string(ab) + "x" + std::to_string(wb);
      if (!only.empty() && only != pair) continue;
      const Operand at{ab, true}, wt{wb, true};
      const auto passes = temporal_passes(at, wt);
      const int A = passes[0].a.bits, W = passes[0].w.bits, L = 64 / (A * W);
      const int opw = A / 2, opa = W / 2, nw = wb == 16 ? 2 : 1, na = ab == 16 ? 2 : 1;
      // Channel tiles: 4, or 2 with 16-bit weights: their two planes halve
      // the reduction per tile, the accumulate-into passes then keep the
      // OBUF read port busy and the drain needs free read cycles
      // (docs/array.md, "OBUF read port sharing").
      const int ct = wb == 16 ? 2 : 4;
      // Reduction chunks: the weights of the channel tiles fill the WBUF,
      // and an IBUF half still holds at least 8 pixels.
      const int kc = std::min(g.wbuf_depth * opw / (ct * nw), g.ibuf_depth / 2 * opa / (na * 8));
      const int k = kc * cfg.rows * L, c = ct * cfg.cols, p = pixels;
      std::mt19937 rng(seed++);
      const Matrix a = random_matrix(p, k, at, rng), w = random_matrix(k, c, wt, rng);
      tb::ArrayHarness<Model> h(cfg, "bench");
      auto plan = tb::plan_gemm_resident(g, a, at, w, wt);
      std::vector<uint32_t> out(static_cast<size_t>(p) * c, 0);
      const uint64_t c0 = h.dut().cycle();
      const auto t0 = std::chrono::steady_clock::now();
      h.run(plan.jobs, out);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const uint64_t total = h.dut().cycle() - c0;
      const uint64_t steady = plan.jobs.back().t_done - plan.jobs.front().t_accept;
      const double peak = double(cfg.rows) * cfg.cols * L / passes.size();
      const auto want = gemm_ref(a, at, w, wt);
      bool ok = true;
      for (size_t i = 0; i < out.size(); ++i) ok = ok && static_cast<int32_t>(out[i]) == want[i];
      all_ok = all_ok && ok;
      std::printf("%-9s %6d %6d %5d %9llu %9llu %9.0f %7.2f%% %7.2f%% %10.0f %s\n", pair.c_str(), p, k, c,
                  static_cast<unsigned long long>(plan.steps), static_cast<unsigned long long>(steady), peak,
                  100.0 * plan.useful_macs / (peak * steady), 100.0 * plan.useful_macs / (peak * total), total / secs,
                  ok ? "bit-exact" : "MISMATCH");
      std::fflush(stdout);
    }
  return all_ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::string which = "all";
  int pixels = 1024;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--config") && i + 1 < argc)
      which = argv[++i];
    else if (!std::strcmp(argv[i], "--pixels") && i + 1 < argc)
      pixels = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--pair") && i + 1 < argc)
      only = argv[++i];
    else {
      std::fprintf(stderr, "bench_array: error: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (pixels < 1) {
    std::fprintf(stderr, "bench_array: error: --pixels must be >= 1\n");
    return 2;
  }
  bool ok = true;
  try {
    if (which == "all" || which == "bf2x2") ok &= bench_config<Vbf_array_bf2x2>("bf2x2", pixels, "1 thread", only);
    if (which == "all" || which == "bf8x8") ok &= bench_config<Vbf_array_bf8x8>("bf8x8", pixels, "1 thread", only);
#ifndef BF_BENCH_SMALL_ONLY
    if (which == "all" || which == "bf16x32")
      ok &= bench_config<Vbf_array_bf16x32>("bf16x32", pixels, "1 thread", only);
#endif
#ifdef BF_BENCH_MT
    if (which == "all" || which == "bf16x32mt")
      ok &= bench_config<Vbf_array_bf16x32_mt>("bf16x32", pixels, "verilator --threads 2", only);
#endif
    if (which != "all" && which != "bf2x2" && which != "bf8x8" && which != "bf16x32" && which != "bf16x32mt") {
      std::fprintf(stderr, "bench_array: error: unknown configuration '%s'\n", which.c_str());
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_array: error: %s\n", e.what());
    return 2;
  }
  return ok ? 0 : 1;
}
