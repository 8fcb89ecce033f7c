// Compiler + machine against an independent direct convolution, DRAM
// traffic against closed forms, and the compiler's errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/layer_ref.hpp"
#include "golden/machine.hpp"
#include "tests/layer_gen.hpp"

using namespace bf;
using bf::test_util::describe_layer;
using bf::test_util::direct_conv;
using bf::test_util::kWidths;
using bf::test_util::random_values;

namespace {

struct RunOut {
  CompiledLayer c;
  MachineResult r;
  std::vector<int64_t> got, want;
};

RunOut run_layer(const LayerDesc& l, const ArrayConfig& cfg, std::mt19937& rng, const CompileOptions& opt = {},
                 const std::vector<RequantParams>& ch = {}) {
  RunOut o{compile(l, cfg, opt), {}, {}, {}};
  const auto in = random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
  const auto w = random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt);
  std::vector<int64_t> bias;
  if (l.bias) {
    std::uniform_int_distribution<int64_t> d(-5000, 5000);
    for (int k = 0; k < l.out_c; ++k) bias.push_back(d(rng));
  }
  Machine m(cfg, o.c.dram_words);
  put_input(o.c, in, m.dram());
  put_weights(o.c, w, m.dram());
  if (l.bias) put_bias(o.c, bias, m.dram());
  if (l.channel_requant) put_requant(o.c, ch, m.dram());
  o.r = m.run(o.c.program());
  o.got = get_output(o.c, m.dram());
  o.want = direct_conv(l, in, w, bias, ch);
  return o;
}

// Random layers on one configuration; every width pair and signedness.
void random_layers(const char* cfgname, uint32_t seed, int per_pair, bool force_tiles) {
  const ArrayConfig cfg = load_config(cfgname);
  std::mt19937 rng(seed);
  int ran = 0, skipped = 0, multi = 0, edge = 0, red = 0;
  for (int ab : kWidths)
    for (int wb : kWidths)
      for (int k = 0; k < per_pair; ++k) {
        auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        LayerDesc l = test_util::random_layer(rng, ab, wb, {70, 40, 11, 20});
        const auto ch = test_util::random_requant(rng, l);
        CompileOptions opt;
        if (force_tiles && U(0, 1)) {
          opt.tb = U(1, l.batch);
          opt.toh = U(1, l.out_h());
          opt.tow = U(1, l.out_w());
          if (U(0, 1)) opt.tkh = 1;
        }
        SCOPED_TRACE(std::string(cfgname) + " seed " + std::to_string(seed) + " layer " + describe_layer(l));
        RunOut o;
        try {
          o = run_layer(l, cfg, rng, opt, ch);
        } catch (const std::runtime_error& e) {
          const std::string m = e.what();
          ASSERT_TRUE(m.find("does not fit") != std::string::npos || m.find("no tiling fits") != std::string::npos)
              << m;
          if (std::getenv("BF_VERBOSE")) std::printf("skip %s: %s\n", describe_layer(l).c_str(), e.what());
          ++skipped;
          continue;
        }
        ++ran;
        const Tiling& t = o.c.tiling;
        multi += t.nb * t.nh * t.nw * t.no * t.nk * t.ni > 1;
        edge += t.nb * t.tb != l.batch || t.nh * t.toh != l.out_h() || t.nw * t.tow != l.out_w();
        red += t.nk * t.ni > 1;
        ASSERT_TRUE(o.r.ok()) << o.r.message << "\n" << o.c.listing();
        ASSERT_EQ(o.got, o.want) << o.c.listing();
        EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes) << o.c.summary();
        EXPECT_EQ(o.r.stats.dram_write_bytes, o.c.expect_write_bytes) << o.c.summary();
        EXPECT_EQ(o.r.stats.array_cycles, o.c.expect_array_cycles) << o.c.summary();
      }
  std::printf("%s: %d layers run (%d with several tiles, %d with edge tiles, %d with reduction tiles), %d too big\n",
              cfgname, ran, multi, edge, red, skipped);
  EXPECT_GT(edge, ran / 10);
  EXPECT_GT(red, ran / 10);
  EXPECT_GT(ran, 3 * skipped);
}

}  // namespace

TEST(Compiler, RandomLayersBf2x2) { random_layers("bf2x2", 11, 8, true); }
TEST(Compiler, RandomLayersBf4x8) { random_layers("bf4x8", 12, 8, true); }
TEST(Compiler, RandomLayersBf8x8) { random_layers("bf8x8", 13, 8, true); }

TEST(Compiler, Bf16x32Layers) {
  const ArrayConfig cfg = load_config("bf16x32");
  std::mt19937 rng(14);
  SCOPED_TRACE("seed 14");
  // LeNet-5 conv1 shape at batch 1 (2x2 widths) and a small 8x8 fc.
  LayerDesc c = make_conv(1, 32, 64, 16, 16, 5, 1, 2);
  c.act = {2, false}, c.wgt = {2, true}, c.bias = true, c.out_bits = 2, c.relu = true, c.shift = 6;
  LayerDesc f = make_fc(2, 600, 40);
  f.act = {8, true}, f.wgt = {8, true};
  for (const auto& l : {c, f}) {
    SCOPED_TRACE(describe_layer(l));
    const auto o = run_layer(l, cfg, rng);
    ASSERT_TRUE(o.r.ok()) << o.r.message;
    EXPECT_EQ(o.got, o.want);
    EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes);
  }
}

// Forced loop orders and tilings produce the same result as the reference.
// Whole-buffer streams (setup whole=i / whole=w): random layers whose
// operand is loaded once per block and is bigger than half of its buffer
// run with the buffer whole, bit-exact against the direct convolution,
// with the traffic and array steps the compiler predicts.
TEST(Compiler, WholeBufferStreamsAreCorrect) {
  for (const char* cfgname : {"bf2x2", "bf4x8"}) {
    const ArrayConfig cfg = load_config(cfgname);
    std::mt19937 rng(77);
    int found[2] = {0, 0}, tries = 0;
    while ((found[0] < 12 || found[1] < 12) && ++tries < 20000) {
      const bool want_i = found[0] <= found[1];
      LayerDesc l = test_util::random_layer(rng, kWidths[tries % 5], kWidths[(tries / 5) % 5], {160, 64, 14, 40});
      const auto ch = test_util::random_requant(rng, l);
      CompileOptions opt;
      if (!test_util::whole_stream_options(l, cfg, want_i, opt)) continue;
      SCOPED_TRACE(std::string(cfgname) + " layer " + describe_layer(l) + (want_i ? " whole IBUF" : " whole WBUF"));
      const RunOut o = run_layer(l, cfg, rng, opt, ch);
      ASSERT_TRUE(want_i ? o.c.tiling.ibuf_whole : o.c.tiling.wbuf_whole);
      ASSERT_NE(o.c.listing().find(want_i ? "whole=i" : "whole="), std::string::npos) << o.c.listing();
      ASSERT_TRUE(o.r.ok()) << o.r.message << "\n" << o.c.listing();
      ASSERT_EQ(o.got, o.want) << o.c.listing();
      EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes) << o.c.summary();
      EXPECT_EQ(o.r.stats.array_cycles, o.c.expect_array_cycles) << o.c.summary();
      ++found[want_i ? 0 : 1];
    }
    std::printf("%s: %d whole-IBUF and %d whole-WBUF layers in %d tries\n", cfgname, found[0], found[1], tries);
    EXPECT_GE(found[0], 12);
    EXPECT_GE(found[1], 12);
  }
}

// Whole OBUF (setup whole=o): random layers whose output tile is bigger
// than half of the OBUF (the largest tiles the search allows with owhole
// forced on, several output tiles or one) run bit-exact against the direct
// convolution, with the traffic and array steps the compiler predicts; the
// same layers compiled with the OBUF split in halves (owhole 0) keep their
// output tiles within a half, or fail to compile when none fits.
TEST(Compiler, WholeObufIsCorrect) {
  for (const char* cfgname : {"bf2x2", "bf4x8"}) {
    const ArrayConfig cfg = load_config(cfgname);
    const int ohalf = BufferGeometry::of(cfg).obuf_half();
    std::mt19937 rng(79);
    int found = 0, multi = 0, tries = 0;
    while ((found < 12 || multi < 6) && ++tries < 20000) {
      LayerDesc l = test_util::random_layer(rng, kWidths[tries % 5], kWidths[(tries / 5) % 5], {160, 64, 14, 40});
      const auto ch = test_util::random_requant(rng, l);
      CompileOptions opt;
      opt.owhole = 1;
      CompiledLayer c;
      try {
        c = compile(l, cfg, opt);
      } catch (const std::runtime_error&) {
        continue;
      }
      if (c.tiling.obuf_words <= ohalf) continue;
      SCOPED_TRACE(std::string(cfgname) + " seed 79 layer " + describe_layer(l) + " " + c.summary());
      const RunOut o = run_layer(l, cfg, rng, opt, ch);
      ASSERT_TRUE(o.c.tiling.obuf_whole);
      ASSERT_NE(o.c.listing().find("whole="), std::string::npos) << o.c.listing();
      ASSERT_TRUE(o.r.ok()) << o.r.message << "\n" << o.c.listing();
      ASSERT_EQ(o.got, o.want) << o.c.listing();
      EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes) << o.c.summary();
      EXPECT_EQ(o.r.stats.array_cycles, o.c.expect_array_cycles) << o.c.summary();
      const Tiling& t = o.c.tiling;
      const int64_t tiles = int64_t(t.nb) * t.nh * t.nw * t.no;
      multi += tiles > 1;
      CompileOptions halves = opt;
      halves.owhole = 0;
      try {
        const Tiling h = compile(l, cfg, halves).tiling;
        EXPECT_LE(h.obuf_words, ohalf);
        EXPECT_FALSE(h.obuf_whole);
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
      }
      ++found;
    }
    std::printf("%s: %d whole-OBUF layers (%d with several output tiles) in %d tries\n", cfgname, found, multi, tries);
    EXPECT_GE(found, 12);
    EXPECT_GE(multi, 6);
  }
}

// Resident input (Tiling::ibuf_resident, `rd-buf ibuf tK`): random layers
// compiled with every ic tile kept in the IBUF run bit-exact against the
// direct convolution and read each tensor from DRAM exactly once (the
// input, weight and bias words of the layout: a closed form for fc layers
// and stride-1 convolutions), although the reduction is tiled; the
// compiler's own traffic prediction agrees.
TEST(Compiler, ResidentInputIsCorrect) {
  for (const char* cfgname : {"bf2x2", "bf4x8", "bf8x8"}) {
    const ArrayConfig cfg = load_config(cfgname);
    std::mt19937 rng(91);
    int found = 0, multi_oc = 0, single = 0, tries = 0;
    while ((found < 8 || single < 4) && ++tries < 4000) {
      LayerDesc l = test_util::random_layer(rng, kWidths[tries % 5], kWidths[(tries / 5) % 5], {400, 200, 4, 160});
      const auto ch = test_util::random_requant(rng, l);
      if (l.stride > 1) continue;  // a strided conv skips input pixels: the closed form below is for stride 1
      CompileOptions opt;
      opt.resident = 1;
      SCOPED_TRACE(std::string(cfgname) + " seed 91 layer " + describe_layer(l));
      RunOut o;
      try {
        o = run_layer(l, cfg, rng, opt, ch);
      } catch (const std::runtime_error& e) {
        ASSERT_NE(std::string(e.what()).find("no tiling fits"), std::string::npos) << e.what();
        continue;
      }
      const Tiling& t = o.c.tiling;
      ASSERT_TRUE(t.ibuf_resident && t.ni > 1) << o.c.summary();
      ASSERT_TRUE(o.r.ok()) << o.r.message << "\n" << o.c.listing();
      ASSERT_EQ(o.got, o.want) << o.c.listing();
      if (t.nb * t.nh * t.nw == 1) {  // one b/h/w tile: each tensor once
        const uint64_t once = 4 * (o.c.input.words() + o.c.weight_words + o.c.bias_words);
        EXPECT_EQ(o.r.stats.dram_read_bytes, once) << o.c.summary();
        ++single;
      }
      EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes) << o.c.summary();
      EXPECT_EQ(o.r.stats.array_cycles, o.c.expect_array_cycles) << o.c.summary();
      multi_oc += t.no > 1;
      ++found;
    }
    std::printf("%s: %d resident-input layers (%d with several oc tiles, %d with one b/h/w tile) in %d tries\n",
                cfgname, found, multi_oc, single, tries);
    EXPECT_GE(found, 8);
    EXPECT_GE(single, 4);
    EXPECT_GE(multi_oc, 2);
  }
}

TEST(Compiler, EveryLoopOrderIsCorrect) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::mt19937 rng(15);
  SCOPED_TRACE("seed 15");
  LayerDesc l = make_conv(2, 20, 6, 7, 6, 3, 1, 1);
  l.act = {4, true}, l.wgt = {2, false}, l.bias = true, l.out_bits = 8, l.shift = 2;
  std::string ord = "bhwo";
  std::sort(ord.begin(), ord.end());
  int n = 0;
  do {
    SCOPED_TRACE("order " + ord);
    const auto o = run_layer(l, cfg, rng, CompileOptions{1, 3, 4, 2, 1, ord});
    EXPECT_EQ(o.c.tiling.order, ord);
    EXPECT_GT(o.c.tiling.ni, 1);
    ASSERT_TRUE(o.r.ok()) << o.r.message;
    EXPECT_EQ(o.got, o.want);
    EXPECT_EQ(o.r.stats.dram_read_bytes, o.c.expect_read_bytes);
    ++n;
  } while (std::next_permutation(ord.begin(), ord.end()));
  EXPECT_EQ(n, 24);
}

// DRAM traffic of a layer that fits in one tile: every tensor moves once.
// bf8x8, fc 64 -> 16, s8 x s8, raw output, batch 4.
TEST(Compiler, TrafficOfASingleTileIsEachTensorOnce) {
  const ArrayConfig cfg = load_config("bf8x8");
  std::mt19937 rng(16);
  LayerDesc l = make_fc(4, 64, 16);
  l.bias = true;
  // One tile forced (the whole batch, both groups and both 32-channel word
  // groups): the compiler's own choice by predicted cycles may split the
  // batch or the input channels to overlap loads with compute.
  const auto o = run_layer(l, cfg, rng, CompileOptions{4, 1, 1, 2, 2, "", 0});
  ASSERT_TRUE(o.r.ok());
  EXPECT_EQ(o.got, o.want);
  EXPECT_EQ(o.c.tiling.nb * o.c.tiling.nh * o.c.tiling.nw * o.c.tiling.no * o.c.tiling.ni, 1);
  // Input: 4 images x 64 channels x 1 byte. Weights: 16 x 64 x 1 byte.
  // Bias: 16 x 4 bytes. Output: 4 x 16 x 4 bytes (raw int32).
  EXPECT_EQ(o.r.stats.dram_read_bytes, 4u * 64 + 16u * 64 + 16u * 4);
  EXPECT_EQ(o.r.stats.dram_write_bytes, 4u * 16 * 4);
  // 8x8 on an 8x8 array: 8 channels per cycle and column: 4 pixels x
  // 64/8 chunks x 2 groups of 8 output channels.
  EXPECT_EQ(o.r.stats.array_cycles, 4u * 8 * 2);
}

// A layer whose weights need two oc tiles and whose input fits once:
// weights once, input once (o innermost), or input twice.
// bf2x2 (WBUF half 32 words/bank), fc 512 -> 8 at 2x2: one group of 2
// channels needs 512/32 = 16 rows; 4 groups = 64 > 32 -> oc tiles.
TEST(Compiler, TrafficWithOutputChannelTiles) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::mt19937 rng(17);
  LayerDesc l = make_fc(1, 512, 8);
  l.act = {2, false}, l.wgt = {2, true}, l.out_bits = 8, l.relu = true, l.shift = 3;
  // Whole input channels forced (16 word groups of 32 channels): the
  // compiler's own choice by predicted cycles may tile them instead.
  CompileOptions opt;
  opt.tj = 16;
  const auto o = run_layer(l, cfg, rng, opt);
  ASSERT_TRUE(o.r.ok());
  EXPECT_EQ(o.got, o.want);
  EXPECT_EQ(o.c.tiling.no, 2);
  EXPECT_EQ(o.c.tiling.ni, 1);
  // Input 512 x 2 bits = 128 B once; weights 8 x 512 x 2 bits = 1024 B once.
  EXPECT_EQ(o.r.stats.dram_read_bytes, 128u + 1024u);
  // Output: 8 channels x 8 bits = 2 words per oc tile of 4 channels: 1 word each.
  EXPECT_EQ(o.r.stats.dram_write_bytes, 2u * 4);
}

// Input channel tiles re-read the input once per oc tile (closed form).
TEST(Compiler, TrafficWithInputChannelTiles) {
  const ArrayConfig cfg = load_config("bf2x2");
  std::mt19937 rng(18);
  LayerDesc l = make_fc(1, 64, 4);  // 8x8: 64 channels = 8 word-groups of 2 words
  CompileOptions opt{0, 0, 0, 1, 2, ""};
  opt.resident = 0;
  const auto o = run_layer(l, cfg, rng, opt);
  ASSERT_TRUE(o.r.ok());
  EXPECT_EQ(o.got, o.want);
  EXPECT_EQ(o.c.tiling.ni, 4);
  EXPECT_EQ(o.c.tiling.no, 2);
  // Input 64 B read once per oc tile; weights 4 x 64 B once.
  EXPECT_EQ(o.r.stats.dram_read_bytes, 2u * 64 + 256u);
  // With the input resident (rd-buf ibuf tK), once in all.
  opt.resident = 1;
  const auto r = run_layer(l, cfg, rng, opt);
  ASSERT_TRUE(r.r.ok());
  EXPECT_EQ(r.got, r.want);
  EXPECT_TRUE(r.c.tiling.ibuf_resident);
  EXPECT_EQ(r.c.tiling.ni, 4);
  EXPECT_EQ(r.c.tiling.no, 2);
  EXPECT_EQ(r.r.stats.dram_read_bytes, 64u + 256u);
}

TEST(Compiler, Errors) {
  const ArrayConfig cfg = load_config("bf2x2");
  auto msg = [&](LayerDesc l, const CompileOptions& opt = {}) {
    try {
      compile(l, cfg, opt);
    } catch (const std::runtime_error& e) {
      const std::string m = e.what();
      EXPECT_EQ(m.find('\n'), std::string::npos);
      return m;
    }
    return std::string("no error");
  };
  // 16x16 bits on bf2x2: one kernel row of 33 taps needs 2 planes x 33
  // positions x one 8-bit operand word (4 per buffer word... rounded up to
  // one word each) = 66 WBUF words per bank; the whole WBUF holds 64.
  LayerDesc big = make_conv(1, 4, 4, 40, 40, 7, 1, 3);
  big.kernel_w = 33;
  big.wgt = {16, true}, big.act = {16, true};
  big.name = "big";
  EXPECT_NE(msg(big).find("layer 'big': the smallest tile does not fit"), std::string::npos) << msg(big);
  LayerDesc l = make_conv(1, 4, 4, 8, 8, 3, 1, 1);
  l.act.bits = 3;
  EXPECT_NE(msg(l).find("unsupported activation width 3"), std::string::npos);
  l.act.bits = 8, l.wgt.bits = 32;
  EXPECT_NE(msg(l).find("unsupported weight width 32"), std::string::npos);
  l.wgt.bits = 8, l.out_bits = 5;
  EXPECT_NE(msg(l).find("unsupported output width 5"), std::string::npos);
  l.out_bits = 0, l.relu = true;
  EXPECT_NE(msg(l).find("need a requantized output"), std::string::npos);
  l.relu = false, l.kernel_h = l.kernel_w = 11;
  EXPECT_NE(msg(l).find("larger than the padded input"), std::string::npos);
  l.kernel_h = l.kernel_w = 3, l.stride = 0;
  EXPECT_NE(msg(l).find("must be >= 1"), std::string::npos);
  l.stride = 1;
  EXPECT_NE(msg(l, CompileOptions{0, 9, 0, 0, 0, ""}).find("forced toh 9 is outside [1, 8]"), std::string::npos);
  l.in_cpad = 6;
  EXPECT_NE(msg(l).find("in_cpad 6 must be"), std::string::npos);
}

// Every host lowering (golden/compiler.hpp: direct, im2col, im2col-w)
// gives the direct convolution of the original layer: the host transforms
// of the input (padding included) and of the weights, and the lowered
// layer the compiler maps.
TEST(Compiler, EveryLoweringIsCorrect) {
  std::mt19937 rng(23);
  int ran[4] = {0, 0, 0, 0};
  for (const char* cfgname : {"bf2x2", "bf4x8"}) {
    const ArrayConfig cfg = load_config(cfgname);
    for (int k = 0; k < 24; ++k) {
      auto U = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
      const int kh = U(1, 5), kw = U(1, 5), s = U(1, 2), p = U(0, std::min(kh, kw) - 1);
      LayerDesc l = make_conv(U(1, 2), U(1, 12), U(1, 9), U(kh, kh + 6), U(kw, kw + 6), 1, s, p);
      l.kernel_h = kh, l.kernel_w = kw;
      if (l.out_h() < 1 || l.out_w() < 1) continue;
      l.act = {kWidths[U(0, 3)], U(0, 1) == 1};
      l.wgt = {kWidths[U(0, 3)], true};
      const auto x = random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
      const auto w = random_values(rng, size_t(l.out_c) * l.in_c * kh * kw, l.wgt);
      const auto want = direct_conv(l, x, w, {});
      for (Lowering f : {Lowering::Direct, Lowering::Im2col, Lowering::Im2colW}) {
        if (!lowering_applies(l, f)) continue;
        SCOPED_TRACE(std::string(cfgname) + " " + lowering_name(f) + " " + describe_layer(l));
        LoweredLayer c;
        try {
          c = compile_lowered(l, cfg, f);
        } catch (const std::runtime_error& e) {
          continue;  // does not fit this configuration
        }
        ASSERT_EQ(c.form, f);
        EXPECT_EQ(c.compiled.layer.macs(), l.macs());
        Machine m(cfg, c.compiled.dram_words);
        put_input(c.compiled, lower_input(l, f, x), m.dram());
        put_weights(c.compiled, lower_weights(l, f, w), m.dram());
        ASSERT_TRUE(m.run(c.compiled.program()).ok());
        EXPECT_EQ(get_output(c.compiled, m.dram()), want);
        ++ran[int(f)];
      }
    }
  }
  EXPECT_GT(ran[int(Lowering::Direct)], 20);
  EXPECT_GT(ran[int(Lowering::Im2col)], 15);
  EXPECT_GT(ran[int(Lowering::Im2colW)], 8);
}

// Auto picks the form with the fewest predicted cycles among those that
// compile, and reports that form.
// Host im2col interleaves a partial last word group (LayerDesc::
// in_interleave): the channels of the last group are spread over the rows
// first, so with one ic tile they take cdiv(rest, rows * lanes) reduction
// chunks instead of cdiv(rest, lanes) (at most a word's chunks). A 7x7
// stride-2 conv of 3 channels (147 im2col channels; on bf4x8 at 8x8 bits a
// word group holds 16, so 9 full groups and 3 channels) at every width
// pair: the tiling's chunks equal that closed form, the array steps drop
// against the same layer without interleaving, and the device output
// (golden machine, lower_input / lower_weights) equals the direct conv.
TEST(Compiler, Im2colInterleavesThePartialWordGroup) {
  const ArrayConfig cfg = load_config("bf4x8");
  std::mt19937 rng(83);
  int fewer = 0;
  for (int a : {2, 4, 8})
    for (int wb : {2, 4, 8}) {
      LayerDesc l = make_conv(2, 3, 5, 12, 12, 7, 2, 3);
      l.act = {a, false}, l.wgt = {wb, true};
      const LayerDesc d = lowered_layer(l, Lowering::Im2col);
      ASSERT_TRUE(d.in_interleave);
      const int N = cfg.rows, L = 64 / (a * wb), Ein = 32 / a, P = wb / 2, cg = N * Ein;
      const int jl = (d.in_c - 1) / cg, rest = d.in_c - jl * cg;
      CompileOptions opt;
      opt.tj = (d.in_c + cg - 1) / cg;  // one ic tile
      SCOPED_TRACE("seed 83, " + std::to_string(a) + "x" + std::to_string(wb) + " " + describe_layer(d));
      const CompiledLayer c = compile(d, cfg, opt);
      const int want = jl * P + std::min(P, (rest + N * L - 1) / (N * L));
      EXPECT_EQ(c.tiling.kc, want);
      LayerDesc plain = d;
      plain.in_interleave = false;
      const CompiledLayer p = compile(plain, cfg, opt);
      EXPECT_EQ(p.tiling.kc, jl * P + std::min(P, (rest + L - 1) / L));
      EXPECT_LE(c.expect_array_cycles, p.expect_array_cycles);
      fewer += c.expect_array_cycles < p.expect_array_cycles;
      const auto x = random_values(rng, size_t(l.batch) * l.in_c * l.in_h * l.in_w, l.act);
      const auto w = random_values(rng, size_t(l.out_c) * l.in_c * l.kernel_h * l.kernel_w, l.wgt);
      Machine m(cfg, c.dram_words);
      put_input(c, lower_input(l, Lowering::Im2col, x), m.dram());
      put_weights(c, lower_weights(l, Lowering::Im2col, w), m.dram());
      const MachineResult r = m.run(c.program());
      ASSERT_TRUE(r.ok()) << r.message;
      EXPECT_EQ(r.stats.array_cycles, c.expect_array_cycles);
      EXPECT_EQ(get_output(c, m.dram()), direct_conv(l, x, w, {}));
    }
  EXPECT_GE(fewer, 3);  // the pairs whose rest needs fewer chunks when interleaved
}

TEST(Compiler, AutoLoweringTakesTheFewestPredictedCycles) {
  const ArrayConfig cfg = load_config("bf16x32");
  for (const LayerDesc& l0 : {make_conv(16, 48, 128, 27, 27, 5, 1, 2), make_conv(1, 3, 32, 32, 32, 5, 1, 2),
                              make_conv(4, 64, 64, 16, 16, 3, 1, 1)}) {
    LayerDesc l = l0;
    l.act = {4, false}, l.wgt = {4, true};
    const LoweredLayer a = compile_lowered(l, cfg);
    for (Lowering f : {Lowering::Direct, Lowering::Im2col, Lowering::Im2colW}) {
      if (!lowering_applies(l, f)) continue;
      const LoweredLayer c = compile_lowered(l, cfg, f);
      EXPECT_LE(a.compiled.expect_cycles, c.compiled.expect_cycles) << describe_layer(l) << " " << lowering_name(f);
    }
  }
}

// Chaining: a layer's requantized output is the next layer's input image.
TEST(Compiler, LayersChainThroughDram) {
  const ArrayConfig cfg = load_config("bf4x8");
  std::mt19937 rng(19);
  LayerDesc l2 = make_conv(2, 12, 5, 6, 6, 3, 1, 1);
  l2.act = {4, false}, l2.wgt = {4, true};
  const auto c2 = compile(l2, cfg);
  LayerDesc l1 = make_conv(2, 3, 12, 6, 6, 3, 1, 1);
  l1.act = {8, true}, l1.wgt = {4, true}, l1.out_bits = 4, l1.relu = true, l1.shift = 3;
  l1.out_pad = 1, l1.out_cpad = c2.input.cpad;
  const auto c1 = compile(l1, cfg);
  ASSERT_EQ(c1.output.pixel_words(), c2.input.pixel_words());
  ASSERT_EQ(c1.output.words(), c2.input.words());
  Machine m1(cfg, c1.dram_words);
  const auto x = random_values(rng, 2 * 3 * 36, l1.act);
  const auto w1 = random_values(rng, 12 * 3 * 9, l1.wgt);
  const auto w2 = random_values(rng, 5 * 12 * 9, l2.wgt);
  put_input(c1, x, m1.dram());
  put_weights(c1, w1, m1.dram());
  ASSERT_TRUE(m1.run(c1.program()).ok());
  Machine m2(cfg, c2.dram_words);
  std::copy(m1.dram().begin() + c1.output.base, m1.dram().begin() + c1.output.base + c1.output.words(),
            m2.dram().begin() + c2.input.base);
  put_weights(c2, w2, m2.dram());
  ASSERT_TRUE(m2.run(c2.program()).ok());
  const auto y1 = direct_conv(l1, x, w1, {});
  EXPECT_EQ(get_output(c2, m2.dram()), direct_conv(l2, y1, w2, {}));
}
