// bench_ctrl: runs layers on the RTL device (bf_top) and prints cycles,
// array utilization, memory traffic and simulation speed, checking each
// run against bf::Machine. Not a test (figures, not pass/fail limits).
//
//   bench_ctrl [config]      default bf16x32: the LeNet-5 layer shapes
//                            (2-bit x 2-bit, batch 1), each layer on its own
#include <cstdio>
#include <random>
#include <string>

#include "golden/compiler.hpp"
#include "golden/machine.hpp"
#include "tb/ctrl/device.hpp"

using namespace bf;

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "bf16x32";
  const ArrayConfig cfg = load_config(name);
  std::vector<LayerDesc> layers;
  auto conv = [](const char* n, int ic, int oc, int hw, int k, int pad) {
    LayerDesc l = make_conv(1, ic, oc, hw, hw, k, 1, pad);
    l.name = n;
    return l;
  };
  layers.push_back(conv("conv0", 1, 32, 32, 5, 2));
  layers.push_back(conv("conv1", 32, 64, 16, 5, 2));
  LayerDesc fc1 = make_fc(1, 64 * 8 * 8, 512);
  fc1.name = "fc1";
  layers.push_back(fc1);
  LayerDesc fc2 = make_fc(1, 512, 10);
  fc2.name = "fc2";
  layers.push_back(fc2);
  std::mt19937 rng(5);
  std::printf("%-6s %10s %10s %6s %9s %9s %9s %10s %s\n", "layer", "cycles", "steps", "util", "rd beats", "wr beats",
              "instr", "cycles/s", "check");
  int bad = 0;
  for (LayerDesc l : layers) {
    l.act = {2, false};
    l.wgt = {2, true};
    l.out_bits = 2;
    l.relu = true;
    l.shift = 2;
    CompiledLayer c;
    try {
      c = compile(l, cfg);
    } catch (const std::exception& e) {
      std::printf("%-6s skipped: %s\n", l.name.c_str(), e.what());
      continue;
    }
    std::uniform_int_distribution<int> d(0, 255);
    std::vector<uint32_t> img(c.dram_words, 0u);
    std::vector<int64_t> in(size_t(l.batch) * l.in_c * l.in_h * l.in_w),
        w(size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w);
    for (auto& v : in) v = d(rng) & 3;
    for (auto& v : w) v = (d(rng) & 3) - 2;
    put_input(c, in, img);
    put_weights(c, w, img);
    Machine m(cfg, c.dram_words);
    m.dram() = img;
    const MachineResult mr = m.run(c.program());
    tb::DeviceOptions opt;
    opt.watchdog = 200'000'000;
    std::vector<uint32_t> dram = img;
    const tb::DeviceResult r = tb::run_device(cfg, c.program(), dram, opt);
    const bool ok = r.ok() && mr.ok() && dram == m.dram();
    bad += !ok;
    std::printf("%-6s %10llu %10llu %5.1f%% %9llu %9llu %9llu %10.0f %s\n", l.name.c_str(),
                (unsigned long long)r.cycles, (unsigned long long)r.array_steps,
                100.0 * double(r.array_steps) / double(r.cycles ? r.cycles : 1),
                (unsigned long long)(r.read_beats - r.fetch_beats), (unsigned long long)r.write_beats,
                (unsigned long long)mr.stats.instructions, double(r.cycles) / r.sim_seconds,
                ok ? "= machine" : ("MISMATCH " + r.message).c_str());
  }
  return bad ? 1 : 0;
}
