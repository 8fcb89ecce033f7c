// `bitfusion fu-check`: every Fusion Unit mode on the Verilated RTL against
// the golden model, with a table of vectors, mismatches and simulation speed.
#include <chrono>
#include <cstdio>

#include "golden/fusion.hpp"
#include "sim/commands.hpp"
#ifdef BF_HAVE_VFU
#include "Vbf_fusion_unit.h"
#include "tb/fu_driver.hpp"
#endif

namespace {

struct Options {
  size_t vectors = 100000;
  uint32_t seed = 1;
};

int run(const Options& o) {
#ifndef BF_HAVE_VFU
  (void)o;
  throw bf::cli::UserError("fu-check needs the Verilated Fusion Unit; this build has none (BF_VERILATED=OFF)");
#else
  using clock = std::chrono::steady_clock;
  std::printf("Fusion Unit RTL vs golden: %zu random vectors per mode, seed %u\n", o.vectors, o.seed);
  std::printf("%-16s %10s %11s %14s\n", "mode (act x wgt)", "vectors", "mismatches", "cycles/s");
  uint64_t total = 0, bad = 0;
  for (const auto& m : bf::all_fu_modes()) {
    bf::tb::FuChecker<Vbf_fusion_unit> chk;
    const auto vs = bf::tb::fu_random(m, o.vectors, o.seed + total);
    const auto t0 = clock::now();
    const auto r = chk.run(vs);
    const double s = std::chrono::duration<double>(clock::now() - t0).count();
    const std::string name = bf::describe(m.act()) + " x " + bf::describe(m.wgt());
    std::printf("%-16s %10llu %11llu %14.3g\n", name.c_str(), (unsigned long long)r.vectors,
                (unsigned long long)r.mismatches, double(r.vectors) / s);
    if (r.mismatches) std::printf("  first mismatch: %s\n", r.first.c_str());
    total += r.vectors;
    bad += r.mismatches;
  }
  std::printf("total: %llu vectors, %llu mismatches: %s\n", (unsigned long long)total, (unsigned long long)bad,
              bad ? "FAIL" : "PASS");
  return bad ? 1 : 0;
#endif
}

const bf::cli::CommandRegistrar reg(10, [](CLI::App& app) {
  auto opts = std::make_shared<Options>();
  auto* sub = app.add_subcommand("fu-check", "Check every Fusion Unit mode on the RTL against golden");
  sub->add_option("--vectors", opts->vectors, "Random vectors per mode")->check(CLI::Range(1, 100000000));
  sub->add_option("--seed", opts->seed, "Random seed");
  sub->callback([opts] {
    const int rc = run(*opts);
    if (rc) throw CLI::RuntimeError(rc);
  });
});

}  // namespace
