// The performance model's `rtl` mode (model/rtl_model.*) against the RTL:
// compiled layers run on the Verilated bf_top (tb/ctrl run_device), and the
// model's predicted cycle count must be within 2 % of the measured one.
// The exact counts (array steps, tile commands, read/write beats, payload
// bytes) must be equal. Layers: LeNet-5's four layers as `bitfusion perf`
// plans them (networks/lenet5.json, batch 1), and cut-down conv and fc
// layers of the other benchmarks, on bf8x8, bf4x8 and bf2x2.
//
// BF_PERF_RTL_VERBOSE=1 prints a line per layer (docs/results.md quotes
// them); BF_PERF_RTL_TRACE=LABEL writes an FST waveform of that layer's run
// (LABEL.fst in the working directory).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/machine.hpp"
#include "golden/timing.hpp"
#include "model/network.hpp"
#include "model/rtl_model.hpp"
#include "tb/ctrl/device.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;
using bf::test_util::random_values;

namespace {

bool verbose() { return std::getenv("BF_PERF_RTL_VERBOSE") != nullptr; }

// Runs `c` on the RTL with random data and compares it with the model.
// Returns |model - RTL| / RTL.
double check_layer(const CompiledLayer& c, const std::string& label, unsigned seed, int latency = -1,
                   uint64_t* rtl_cycles = nullptr) {
  SCOPED_TRACE(label + " (" + test_util::describe_layer(c.layer) + ") on " + c.cfg.name + ", seed " +
               std::to_string(seed) + ", latency " + std::to_string(latency) + ": " + c.summary());
  std::mt19937 rng(seed);
  const LayerDesc& l = c.layer;
  std::vector<uint32_t> dram(c.dram_words, 0u);
  put_input(c, random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act), dram);
  put_weights(c, random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt), dram);
  if (l.bias) put_bias(c, random_values(rng, size_t(l.out_c), {16, true}), dram);
  tb::DeviceOptions dopt;
  dopt.dram_latency = latency;
  if (const char* tr = std::getenv("BF_PERF_RTL_TRACE"); tr && label == tr) dopt.trace = label + ".fst";
  const tb::DeviceResult dev = tb::run_device(c.cfg, c.program(), dram, dopt);
  EXPECT_TRUE(dev.ok()) << dev.message;
  if (rtl_cycles) *rtl_cycles = dev.cycles;
  model::RtlModelOptions mopt;
  mopt.dram_latency = latency;
  const model::RtlLayerStats m = model::rtl_layer_stats(c, mopt);
  // Exact figures.
  EXPECT_EQ(m.array_steps, dev.array_steps);
  EXPECT_EQ(m.tile_cmds, dev.tile_cmds);
  EXPECT_EQ(m.read_beats + m.fetch_beats, dev.read_beats);
  EXPECT_EQ(m.fetch_beats, dev.fetch_beats);
  EXPECT_EQ(m.write_beats, dev.write_beats);
  EXPECT_EQ(m.write_bytes, dev.write_payload_bytes);
  // The cycle count within 2 %.
  const double err = (double(m.cycles) - double(dev.cycles)) / double(dev.cycles);
  EXPECT_LE(std::fabs(err), 0.02) << "model " << m.cycles << " cycles, RTL " << dev.cycles;
  if (verbose())
    std::printf("%-24s %-6s %4d %9llu %9llu %+7.3f%%  steps %llu, %llu tile steps, %.2f s\n", label.c_str(),
                c.cfg.name.c_str(), latency < 0 ? c.cfg.dram_latency : latency, (unsigned long long)dev.cycles,
                (unsigned long long)m.cycles, 100 * err, (unsigned long long)m.steps,
                (unsigned long long)dev.array_steps, dev.sim_seconds);
  return err;
}

// Names `d` and sets its quantization: unsigned a-bit activations, signed
// w-bit weights, output requantized to out_bits with ReLU and shift 4
// (out_bits 0: raw int32 output).
LayerDesc quantized(LayerDesc d, const std::string& name, int a, int w, int out_bits) {
  d.name = name;
  d.act = {a, false};
  d.wgt = {w, true};
  d.out_bits = out_bits;
  d.relu = out_bits != 0;
  d.shift = out_bits ? 4 : 0;
  return d;
}

LayerDesc conv(const std::string& name, int in_c, int out_c, int hw, int k, int s, int p, int a, int w, int out_bits) {
  return quantized(make_conv(1, in_c, out_c, hw, hw, k, s, p), name, a, w, out_bits);
}

LayerDesc fc(const std::string& name, int batch, int in, int out, int a, int w, int out_bits) {
  return quantized(make_fc(batch, in, out), name, a, w, out_bits);
}

}  // namespace

// LeNet-5's conv and fc layers (networks/lenet5.json, batch 1), planned as
// `bitfusion perf --mode rtl` plans them, on bf8x8.
TEST(PerfRtl, LeNet5LayersOnBf8x8) {
  const ArrayConfig cfg = load_config("bf8x8");
  const model::Network net = model::load_network("lenet5");
  unsigned seed = 100;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    if (!net.layers[i].is_compute()) continue;
    const model::RtlLayerPlan p = model::rtl_plan(net, i, 1, cfg);
    check_layer(p.compiled,
                "lenet5." + net.layers[i].name +
                    (p.form != Lowering::Direct ? std::string(" (") + lowering_name(p.form) + ")" : std::string()),
                seed++);
  }
}

// Cut-down layers of the other benchmarks: channels and spatial sizes
// reduced so that each runs in a few seconds on the RTL.
TEST(PerfRtl, CutDownBenchmarkLayers) {
  struct Case {
    const char* cfg;
    LayerDesc l;
  };
  const std::vector<Case> cases = {
      // VGG-7 / CIFAR-10 3x3 convolutions (2-bit), SVHN (8-bit x 1-bit, 1 runs as 2).
      {"bf8x8", conv("vgg7.conv3x3", 32, 32, 10, 3, 1, 1, 2, 2, 2)},
      {"bf8x8", conv("cifar10.conv3x3", 24, 16, 12, 3, 1, 1, 2, 2, 2)},
      {"bf8x8", conv("svhn.conv3x3", 16, 16, 10, 3, 1, 1, 8, 1, 1)},
      // AlexNet: 5x5 (8-bit), 11x11 stride 4 first layer cut down.
      {"bf8x8", conv("alexnet.conv5x5", 16, 16, 9, 5, 1, 2, 8, 8, 8)},
      {"bf8x8", conv("alexnet.conv11s4", 3, 16, 23, 11, 4, 0, 8, 8, 8)},
      // ResNet-18: 1x1 stride 2 and 3x3 (4-bit), 7x7 stride 2 (8-bit).
      {"bf8x8", conv("resnet18.conv1x1s2", 32, 32, 14, 1, 2, 0, 4, 4, 4)},
      {"bf8x8", conv("resnet18.conv3x3", 32, 32, 8, 3, 1, 1, 4, 4, 4)},
      // Larger ones: many output tiles, stores overlapping the next tiles.
      {"bf8x8", conv("vgg7.conv3x3.big", 64, 64, 16, 3, 1, 1, 2, 2, 2)},
      {"bf8x8", conv("resnet18.conv3x3.big", 64, 64, 14, 3, 1, 1, 4, 4, 4)},
      {"bf8x8", fc("alexnet.fc.big", 4, 1024, 256, 8, 8, 8)},
      // RNN / LSTM: fc layers (4-bit), batch 4.
      {"bf8x8", fc("rnn.fc", 4, 256, 128, 4, 4, 4)},
      {"bf8x8", fc("lstm.fc", 4, 192, 256, 4, 4, 0)},
      // 16-bit operands (temporal passes) and raw outputs on the small arrays.
      {"bf4x8", conv("alexnet.conv3x3.16b", 12, 16, 8, 3, 1, 1, 16, 8, 16)},
      {"bf4x8", conv("vgg7.conv3x3", 16, 16, 8, 3, 1, 1, 2, 2, 2)},
      {"bf4x8", fc("lstm.fc", 2, 96, 64, 4, 4, 4)},
      {"bf2x2", conv("lenet5.conv5x5", 4, 6, 12, 5, 1, 2, 2, 2, 2)},
      {"bf2x2", conv("resnet18.conv3x3.16b", 4, 4, 6, 3, 1, 1, 8, 16, 0)},
      {"bf2x2", fc("rnn.fc", 2, 64, 16, 4, 4, 4)},
  };
  unsigned seed = 200;
  for (const auto& k : cases) {
    const ArrayConfig cfg = load_config(k.cfg);
    check_layer(compile(k.l, cfg), k.l.name, seed++);
  }
}

// The RNN / LSTM mapping on bf16x32 (input resident in the IBUF across the
// ic tiles, `rd-buf ibuf tK`; weights streamed per (oc, ic) tile), cut
// down to a batch of 4 and fewer features on bf8x8, forced so that the
// cross-check covers it whatever the search picks for these sizes.
TEST(PerfRtl, ResidentInputFcLayers) {
  const ArrayConfig cfg = load_config("bf8x8");
  CompileOptions opt;
  opt.resident = 1;
  unsigned seed = 300;
  for (const LayerDesc& l : {fc("rnn.fc.resident", 4, 512, 256, 4, 4, 4), fc("lstm.fc.resident", 4, 384, 128, 4, 4, 0),
                             fc("alexnet.fc.resident", 2, 512, 128, 8, 8, 8)}) {
    const CompiledLayer c = compile(l, cfg, opt);
    ASSERT_TRUE(c.tiling.ibuf_resident && c.tiling.ni > 1 && c.tiling.no > 1) << c.summary();
    check_layer(c, l.name, seed++);
  }
}

// Whole OBUF (setup whole=o: output tiles of up to the whole OBUF, each
// waiting for the previous tile's store): cut-down AlexNet fc layers (batch
// 16 as in the benchmark: an output tile of 16 pixels per channel) and a
// 13x13 conv3 on bf8x8, forced so that the cross-check covers the mode
// whatever the search picks for these sizes; every layer has several
// output tiles, each bigger than half of the OBUF.
TEST(PerfRtl, WholeObufLayers) {
  const ArrayConfig cfg = load_config("bf8x8");
  const int ohalf = BufferGeometry::of(cfg).obuf_half();
  CompileOptions opt;
  opt.owhole = 1;
  unsigned seed = 400;
  for (const LayerDesc& l :
       {fc("alexnet.fc.whole_obuf", 16, 512, 192, 4, 4, 4), fc("alexnet.fc3.whole_obuf", 16, 256, 200, 8, 8, 0),
        conv("alexnet.conv3.whole_obuf", 16, 24, 13, 3, 1, 1, 4, 4, 4)}) {
    const CompiledLayer c = compile(l, cfg, opt);
    const Tiling& t = c.tiling;
    ASSERT_TRUE(t.obuf_whole && t.obuf_words > ohalf && int64_t(t.nb) * t.nh * t.nw * t.no > 1) << c.summary();
    check_layer(c, l.name, seed++);
  }
}

// A step's weight load goes ahead of its IBUF load when the IBUF half is
// still read and the WBUF half is free (bf_ctrl_seq wfirst_q): a 2-bit 3x3
// conv, 64 -> 128 channels on 8x8 pixels, host im2col-w, whose tiling keeps
// an output-channel group's weights over several spatial tiles, so each
// group change loads weights while the IBUF half is busy. The RTL is
// within 2 % of the model with the reordered slots (check_layer) and
// clearly faster than the same model with the fixed ibuf, wbuf, bias order.
TEST(PerfRtl, WeightLoadAheadOfABusyIbufHalf) {
  const ArrayConfig cfg = load_config("bf8x8");
  const LayerDesc l = conv("wfirst.conv3x3", 64, 128, 8, 3, 1, 1, 2, 2, 2);
  const CompiledLayer c = compile(lowered_layer(l, Lowering::Im2colW), cfg);
  TimingOptions fixed;
  fixed.wbuf_first = false;
  const uint64_t reordered = predict_timing(c).cycles, in_order = predict_timing(c, fixed).cycles;
  ASSERT_GT(double(in_order), 1.10 * double(reordered)) << c.summary();
  uint64_t rtl = 0;
  check_layer(c, l.name, 500, -1, &rtl);
  EXPECT_GT(double(in_order), 1.07 * double(rtl)) << "RTL " << rtl << " cycles, fixed-order model " << in_order;
}

// Random small layers (kernels 1..5, strides 1..3, padding 0..2, odd channel
// counts, batch 1..2, fc layers, every width of 1/2/4/8/16, raw or
// requantized, bias or not, DRAM latencies 1..60) on the three small
// arrays: small layers are dominated by the fixed costs the model has to
// get right (fetch, check, fill/drain, write-back).
TEST(PerfRtl, RandomSmallLayers) {
  const unsigned seed = 4242;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int widths[] = {1, 2, 4, 8, 16};
  int n = 0;
  double worst = 0;
  for (const char* name : {"bf2x2", "bf4x8", "bf8x8"}) {
    const ArrayConfig cfg = load_config(name);
    for (int k = 0; k < 12; ++k) {
      LayerDesc l;
      if (pick(0, 3) == 0) {
        l = make_fc(pick(1, 2), pick(1, 80), pick(1, 40));
      } else {
        const int ks = pick(1, 5), hw = pick(ks, 12);
        l = make_conv(pick(1, 2), pick(1, 24), pick(1, 24), hw, hw, ks, pick(1, 3), pick(0, std::min(2, ks - 1)));
      }
      l.name = std::string(name) + ".random" + std::to_string(k);
      l.act = {widths[pick(0, 4)], pick(0, 1) == 1};
      l.wgt = {widths[pick(0, 4)], pick(0, 1) == 1};
      l.bias = pick(0, 1) == 1;
      if (pick(0, 2) != 0) {
        l.out_bits = widths[pick(0, 4)];
        l.relu = pick(0, 1) == 1;
        l.shift = pick(0, 8);
      }
      const int latency = std::array<int, 4>{1, 8, 17, 60}[size_t(pick(0, 3))];
      CompiledLayer c;
      try {
        c = compile(l, cfg);
      } catch (const std::runtime_error&) {
        continue;  // the smallest tile does not fit these tiny buffers
      }
      worst = std::max(worst, std::fabs(check_layer(c, l.name, seed + unsigned(k), latency)));
      ++n;
    }
  }
  EXPECT_GE(n, 24);
  if (verbose()) std::printf("%d random layers, largest |error| %.3f%%\n", n, 100 * worst);
}
