// One compiled layer on bf::Machine and on the RTL device (run_both), and
// every comparison of the two (check_outcome). Shared by the tests of
// tests/ctrl.
#pragma once
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <random>
#include <vector>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/machine.hpp"
#include "tb/ctrl/device.hpp"
#include "tests/layer_gen.hpp"

namespace bf::test_util {

struct Outcome {
  CompiledLayer c;
  MachineResult m;
  tb::DeviceResult d;
  std::vector<uint32_t> mdram, ddram;
  std::vector<int64_t> want, got;
};

// Runs a program on an RTL model (tb::run_device or tb::detail::run_model<M>).
using DeviceRunner = std::function<tb::DeviceResult(const ArrayConfig&, const std::vector<uint32_t>&,
                                                    std::vector<uint32_t>&, const tb::DeviceOptions&)>;

// `tweak` may change the device options (DRAM stress, reset, plusargs);
// `device` replaces the configuration's own model (default tb::run_device).
inline Outcome run_both(const LayerDesc& l, const ArrayConfig& cfg, std::mt19937& rng, const CompileOptions& opt = {},
                        const std::vector<RequantParams>& ch = {},
                        const std::function<void(tb::DeviceOptions&)>& tweak = {}, const DeviceRunner& device = {}) {
  Outcome o{compile(l, cfg, opt), {}, {}, {}, {}, {}, {}};
  const auto in = random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
  const auto w = random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt);
  std::vector<int64_t> bias;
  if (l.bias) {
    std::uniform_int_distribution<int64_t> d(-5000, 5000);
    for (int k = 0; k < l.out_c; ++k) bias.push_back(d(rng));
  }
  std::vector<uint32_t> img(o.c.dram_words, 0u);
  put_input(o.c, in, img);
  put_weights(o.c, w, img);
  if (l.bias) put_bias(o.c, bias, img);
  if (l.channel_requant) put_requant(o.c, ch, img);
  Machine m(cfg, o.c.dram_words);
  m.dram() = img;
  o.m = m.run(o.c.program());
  o.mdram = m.dram();
  o.ddram = img;
  tb::DeviceOptions dopt;
  dopt.watchdog = 2000 + 40 * (o.m.stats.array_cycles + o.m.stats.dram_read_beats + o.m.stats.dram_write_beats +
                               o.m.stats.instructions + 8 * o.m.stats.steps + 4 * o.m.stats.tile_cmds);
  if (const char* t = std::getenv("BF_TRACE")) dopt.trace = t;
  if (tweak) tweak(dopt);
  o.d = device ? device(cfg, o.c.program(), o.ddram, dopt) : tb::run_device(cfg, o.c.program(), o.ddram, dopt);
  o.want = direct_conv(l, in, w, bias, ch);
  o.got = get_output(o.c, o.ddram);
  return o;
}

// Every comparison of one run: output vs the direct convolution, the whole
// DRAM image vs the machine, array steps, and the memory traffic.
inline void check_outcome(const Outcome& o) {
  ASSERT_TRUE(o.m.ok()) << o.m.message;
  ASSERT_TRUE(o.d.ok()) << o.d.message << "\n" << o.c.listing();
  ASSERT_EQ(o.got, o.want) << o.c.listing();
  ASSERT_EQ(o.ddram, o.mdram) << "memory image differs from bf::Machine";
  EXPECT_EQ(o.d.array_steps, o.m.stats.array_cycles);
  EXPECT_EQ(o.d.tile_cmds, o.m.stats.tile_cmds);
  EXPECT_EQ(o.d.read_beats - o.d.fetch_beats, o.m.stats.dram_read_beats);
  EXPECT_EQ(o.d.write_beats, o.m.stats.dram_write_beats);
  EXPECT_EQ(o.d.write_payload_bytes, o.m.stats.dram_write_bytes);
  EXPECT_EQ(o.d.array_steps, o.c.expect_array_cycles);  // the compiler's prediction
  // The array and the memory port each do at most one step / beat a cycle.
  EXPECT_GE(o.d.cycles, o.d.array_steps);
  EXPECT_GE(o.d.cycles, o.d.read_beats + o.d.write_beats);
}

}  // namespace bf::test_util
