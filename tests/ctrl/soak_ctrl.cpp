// Soak (make soak; not in make test): random compiled layers on the bf2x2
// RTL until a cycle budget is spent, each under a random DRAM stress
// setting (random extra latency, back-pressure, response bursts) and some
// with a reset in the middle followed by a rerun from the start. Every
// layer must finish (no watchdog: no deadlock), fire no RTL assertion, and
// be bit-exact: the output against the direct convolution and the whole
// memory image against bf::Machine. Progress goes to stderr; the seed is
// printed first, so a failure is reproduced with --seed S (and the layer
// index it names).
//
//   soak_ctrl [--cycles N] [--seed S] [--config bf2x2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/machine.hpp"
#include "tb/ctrl/device.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;

int main(int argc, char** argv) {
  uint64_t budget = 10'000'000, seed = 0;
  std::string config = "bf2x2";
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cycles" && i + 1 < argc)
      budget = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--seed" && i + 1 < argc)
      seed = std::strtoull(argv[++i], nullptr, 10), have_seed = true;
    else if (a == "--config" && i + 1 < argc)
      config = argv[++i];
    else {
      std::fprintf(stderr, "usage: soak_ctrl [--cycles N] [--seed S] [--config NAME]\n");
      return 2;
    }
  }
  if (!have_seed) seed = uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000007ull;
  const ArrayConfig cfg = load_config(config);
  std::printf("soak: %s, seed %llu, budget %llu cycles\n", config.c_str(), (unsigned long long)seed,
              (unsigned long long)budget);
  std::fflush(stdout);
  std::mt19937 rng(uint32_t(seed ^ (seed >> 32)));
  auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  uint64_t cycles = 0, harness_cycles = 0, stalls = 0, layers = 0, resets = 0, stressed = 0, skipped = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double last_report = 0;
  while (harness_cycles < budget) {
    const uint64_t index = layers + skipped;
    LayerDesc l =
        test_util::random_layer(rng, test_util::kWidths[U(0, 4)], test_util::kWidths[U(0, 4)], {40, 24, 9, 12});
    const auto ch = test_util::random_requant(rng, l);
    CompileOptions copt;
    if (U(0, 1)) copt.toh = U(1, l.out_h());
    CompiledLayer c;
    try {
      c = compile(l, cfg, copt);
    } catch (const std::runtime_error&) {
      ++skipped;
      continue;
    }
    const auto in = test_util::random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
    const auto w = test_util::random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt);
    std::vector<int64_t> bias;
    if (l.bias)
      for (int k = 0; k < l.out_c; ++k) bias.push_back(U(-5000, 5000));
    std::vector<uint32_t> img(c.dram_words, 0u);
    put_input(c, in, img);
    put_weights(c, w, img);
    if (l.bias) put_bias(c, bias, img);
    if (l.channel_requant) put_requant(c, ch, img);
    Machine m(cfg, c.dram_words);
    m.dram() = img;
    const MachineResult mr = m.run(c.program());
    tb::DeviceOptions opt;
    opt.watchdog = 2000 + 400 * (mr.stats.array_cycles + mr.stats.dram_read_beats + mr.stats.dram_write_beats +
                                 mr.stats.instructions + 8 * mr.stats.steps + 4 * mr.stats.tile_cmds);
    if (U(0, 3)) {  // three layers in four under stress
      tb::DramStress& s = opt.dram_stress;
      s.on = true;
      s.seed = rng();
      s.extra_latency = U(0, 40);
      s.stall_pct = U(0, 50);
      s.stall_max = U(1, 16);
      s.rsp_pause_pct = U(0, 10);
      s.rsp_pause_max = U(1, 20);
      ++stressed;
    }
    if (U(0, 4) == 0) opt.reset_at = uint64_t(U(1, int(std::min<uint64_t>(mr.stats.array_cycles + 50, 1u << 30))));
    std::vector<uint32_t> dram = img;
    const tb::DeviceResult r = tb::run_device(cfg, c.program(), dram, opt);
    std::string bad;
    if (!mr.ok())
      bad = "machine: " + mr.message;
    else if (r.watchdog)
      bad = "deadlock: " + r.message;
    else if (!r.ok())
      bad = r.message;
    else if (get_output(c, dram) != test_util::direct_conv(l, in, w, bias, ch))
      bad = "output differs from the direct convolution";
    else if (dram != m.dram())
      bad = "memory image differs from bf::Machine";
    if (!bad.empty()) {
      std::printf(
          "soak: FAILED at layer %llu (seed %llu): %s\n  layer %s\n  stress %d (extra %d stall %d%%x%d pause %d%%x%d), "
          "reset_at %llu\n",
          (unsigned long long)index, (unsigned long long)seed, bad.c_str(), test_util::describe_layer(l).c_str(),
          int(opt.dram_stress.on), opt.dram_stress.extra_latency, opt.dram_stress.stall_pct, opt.dram_stress.stall_max,
          opt.dram_stress.rsp_pause_pct, opt.dram_stress.rsp_pause_max, (unsigned long long)opt.reset_at);
      return 1;
    }
    ++layers;
    resets += r.reset_done;
    cycles += r.cycles;
    harness_cycles += r.total_cycles;
    stalls += r.stall_cycles;
    if (elapsed() - last_report >= 10) {
      last_report = elapsed();
      std::fprintf(stderr, "soak: %llu layers, %llu cycles (%.0f%%), %.0f s\n", (unsigned long long)layers,
                   (unsigned long long)harness_cycles, 100.0 * double(harness_cycles) / double(budget), last_report);
    }
  }
  std::printf(
      "soak: PASSED, seed %llu: %llu layers (%llu under DRAM stress, %llu reset mid-layer and rerun, "
      "%llu too big skipped), %llu device cycles (%llu harness cycles incl. interrupted runs), %llu "
      "back-pressure cycles, %.0f s\n",
      (unsigned long long)seed, (unsigned long long)layers, (unsigned long long)stressed, (unsigned long long)resets,
      (unsigned long long)skipped, (unsigned long long)cycles, (unsigned long long)harness_cycles,
      (unsigned long long)stalls, elapsed());
  return 0;
}
