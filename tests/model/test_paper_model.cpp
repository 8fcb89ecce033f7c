// Paper mode against independent figures: the per-network totals and layers
// published in the reference doc (section 6), every row of the authors' own
// per-layer results for three configurations, and closed-form counts.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "golden/config.hpp"
#include "model/paper_model.hpp"

namespace bf::model {
namespace {

ArrayConfig config(const std::vector<std::string>& sets = {}) {
  ArrayConfig c = load_config(std::string(BF_TEST_CONFIG_DIR) + "/bf16x32.json");
  for (const auto& s : sets) set_config_value(c, s);
  validate(c);
  return c;
}

Network net(const std::string& name) { return load_network(std::string(BF_TEST_NETWORK_DIR) + "/" + name + ".json"); }

struct Published {
  const char* file;
  int64_t cycles, stalls;
};

// Reference doc section 6: batch 16, 16x32, 192 bits per cycle, 64/32/16 KB.
TEST(PaperModel, PublishedNetworkTotals) {
  const Published pub[] = {
      {"alexnet", 37666491, 6793243}, {"resnet18", 49079982, 9541294}, {"cifar10", 3293704, 1522120},
      {"vgg7", 2822491, 1790299},     {"svhn", 1317523, 537171},       {"lenet5", 410352, 185040},
      {"rnn", 394583, 263511},        {"lstm", 337175, 231383},
  };
  const Design d = bitfusion_design(config());
  for (const auto& p : pub) {
    SCOPED_TRACE(p.file);
    const Network n = net(p.file);
    EXPECT_EQ(n.batch, 16);
    const auto r = paper_run(d, n, n.batch);
    EXPECT_EQ(r.total.cycles, p.cycles);
    EXPECT_EQ(r.total.stall_cycles, p.stalls);
  }
}

TEST(PaperModel, PublishedLayers) {
  struct L {
    const char* file;
    const char* layer;
    int64_t cycles, stalls;
  };
  const L pub[] = {
      {"lenet5", "conv1", 205635, 835}, {"alexnet", "conv2_a", 5018849, 1249}, {"cifar10", "conv1", 799062, 209238}};
  const Design d = bitfusion_design(config());
  for (const auto& p : pub) {
    SCOPED_TRACE(std::string(p.file) + " " + p.layer);
    const Network n = net(p.file);
    const Layer* l = n.find(p.layer);
    ASSERT_NE(l, nullptr);
    const auto s = paper_optimize(d, paper_problem(*l, 16));
    EXPECT_EQ(s.cycles, p.cycles);
    EXPECT_EQ(s.stall_cycles, p.stalls);
  }
}

// Every row of the authors' results file (tests/model/data, transcribed with
// its citation): cycles, stalls and all eight traffic counts, for 16x32 at
// 192 and 4096 bits per cycle and 16x256 with 512/256/128 KB.
TEST(PaperModel, AuthorsPerLayerResultsAllColumns) {
  const std::map<std::string, std::string> files = {
      {"AlexNet", "alexnet"}, {"SVHN", "svhn"},          {"CIFAR10", "cifar10"}, {"LeNet-5", "lenet5"},
      {"VGG-7", "vgg7"},      {"RESNET-18", "resnet18"}, {"RNN", "rnn"},         {"LSTM", "lstm"}};
  std::ifstream in(std::string(BF_TEST_DATA_DIR) + "/authors_sim_sweep.csv");
  ASSERT_TRUE(in);
  std::map<std::string, Network> nets;
  std::string line;
  bool header = false;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      header = true;
      continue;
    }
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 21u) << line;
    SCOPED_TRACE(line);
    // Layer "module4/conv4_1_b/Convolution" -> "conv4_1_b".
    std::string lname = f[5].substr(0, f[5].rfind('/'));
    lname = lname.substr(lname.rfind('/') == std::string::npos ? 0 : lname.rfind('/') + 1);
    const std::string file = files.at(f[4]);
    if (!nets.count(file)) nets.emplace(file, net(file));
    const Network& n = nets.at(file);
    const Layer* l = n.find(lname);
    ASSERT_NE(l, nullptr);
    const Design d = bitfusion_design(config({"rows=" + f[0], "cols=" + f[1], "dram_bits=" + f[16],
                                              "wbuf_kb=" + std::to_string(std::stoll(f[17]) / 1024),
                                              "obuf_kb=" + std::to_string(std::stoll(f[18]) / 1024),
                                              "ibuf_kb=" + std::to_string(std::stoll(f[19]) / 1024)}));
    const auto s = paper_optimize(d, paper_problem(*l, std::stoi(f[20])));
    EXPECT_EQ(s.cycles, std::stoll(f[6]));
    EXPECT_EQ(s.stall_cycles, std::stoll(f[7]));
    EXPECT_EQ(s.reads[kWgt], std::stoll(f[8]));
    EXPECT_EQ(s.writes[kWgt], std::stoll(f[9]));
    EXPECT_EQ(s.reads[kOut], std::stoll(f[10]));
    EXPECT_EQ(s.writes[kOut], std::stoll(f[11]));
    EXPECT_EQ(s.reads[kAct], std::stoll(f[12]));
    EXPECT_EQ(s.writes[kAct], std::stoll(f[13]));
    EXPECT_EQ(s.reads[kDram], std::stoll(f[14]));
    EXPECT_EQ(s.writes[kDram], std::stoll(f[15]));
    ++rows;
  }
  EXPECT_EQ(rows, 183);
}

// A small fc layer that fits in one tile: one compute pass, and the stalls
// are the first fill plus the last write-back over the DRAM width.
// Weights are padded to whole row passes (N * products per cycle lanes).
TEST(PaperModel, ClosedFormSingleTileFc) {
  struct Case {
    int64_t ic, oc, bits, pf;
    int dram;
  };
  const Case cases[] = {{64, 32, 2, 16, 192}, {100, 20, 8, 1, 64}, {48, 64, 4, 4, 128}};
  for (const auto& c : cases) {
    SCOPED_TRACE("ic " + std::to_string(c.ic) + " oc " + std::to_string(c.oc) + " bits " + std::to_string(c.bits));
    const Design d = bitfusion_design(config({"dram_bits=" + std::to_string(c.dram)}));
    ConvProblem p;
    p.IC = c.ic;
    p.OC = c.oc;
    p.act_bits = p.wgt_bits = int(c.bits);
    const int64_t lanes = 16 * c.pf;
    const int64_t passes = (c.ic + lanes - 1) / lanes;
    const int64_t compute = ((c.oc + 31) / 32) * passes;
    const int64_t wgt = passes * lanes * c.oc * c.bits, act = c.ic * c.bits;
    const int64_t out = ((c.oc + 31) / 32) * 32 * 32;
    const int64_t stalls = (wgt + act + out + c.dram - 1) / c.dram + (out + c.dram - 1) / c.dram;
    Tiling t;  // the whole layer as one tile
    t.ic = c.ic;
    t.oc = c.oc;
    t.order = {0, 1, 2, 3, 4};
    LayerStats s;
    ASSERT_TRUE(paper_tile_stats(d, p, t, s));
    EXPECT_EQ(s.compute_cycles, compute);
    EXPECT_EQ(s.stall_cycles, stalls);
    EXPECT_EQ(s.cycles, compute + stalls);
    EXPECT_EQ(s.reads[kDram], wgt + act + out);
    EXPECT_EQ(s.writes[kDram], out);
    // The search can only do better.
    EXPECT_LE(paper_optimize(d, p).cycles, s.cycles);
  }
}

// A conv layer with im2col (first layer) and one without, compute cycles
// of the whole layer when no loop needs tiling: b*oh*ow*ceil(oc/M)*
// ceil(k*k*ic/(N*pf)) and b*ceil(oc/M)*oh*ow*k*k*ceil(ic/(N*pf)).
TEST(PaperModel, ClosedFormComputeCycles) {
  const Design d = bitfusion_design(config({"wbuf_kb=4096", "ibuf_kb=4096", "obuf_kb=4096", "dram_bits=8192"}));
  ConvProblem p;
  p.K = 3;
  p.OH = p.OW = 4;
  p.IC = 40;
  p.OC = 40;
  p.B = 2;
  p.act_bits = 8;
  p.wgt_bits = 4;  // 2 products per cycle: 32 lanes
  Tiling t;        // the whole layer as one tile
  t.b = 2;
  t.ow = t.oh = 4;
  t.ic = 40;
  t.oc = 40;
  t.order = {4, 3, 2, 1, 0};
  LayerStats s;
  p.im2col = true;
  ASSERT_TRUE(paper_tile_stats(d, p, t, s));
  EXPECT_EQ(s.compute_cycles, 2 * 4 * 4 * 2 * ((9 * 40 + 31) / 32));
  p.im2col = false;
  ASSERT_TRUE(paper_tile_stats(d, p, t, s));
  EXPECT_EQ(s.compute_cycles, 2 * 2 * 4 * 4 * 9 * ((40 + 31) / 32));
  // Edge tiles count as full tiles: OH = OW = 3 with 2x2 tiles is 4 tiles of 4 pixels.
  p.OH = p.OW = 3;
  t.ow = t.oh = 2;
  t.now = t.noh = 2;
  ASSERT_TRUE(paper_tile_stats(d, p, t, s));
  EXPECT_EQ(s.compute_cycles, 2 * 2 * (2 * 2) * 4 * 9 * ((40 + 31) / 32));
}

TEST(PaperModel, EnergyCostsMatchTheAuthorsPrintout) {
  // The authors' notebook prints, for 16x32 and 64/32/16 KB: core 235.104
  // pJ/cycle; WBUF 0.021/0.029, IBUF 0.059/0.114, OBUF 0.033/0.073 pJ/bit.
  const EnergyCost e = bitfusion_design(config()).energy;
  EXPECT_NEAR(e.core_nj_per_cycle * 1e3, 235.104, 1e-9);
  EXPECT_NEAR(e.wbuf_rd * 1e3, 0.021, 0.0005);
  EXPECT_NEAR(e.wbuf_wr * 1e3, 0.029, 0.0005);
  EXPECT_NEAR(e.ibuf_rd * 1e3, 0.059, 0.0005);
  EXPECT_NEAR(e.ibuf_wr * 1e3, 0.114, 0.0005);
  EXPECT_NEAR(e.obuf_rd * 1e3, 0.033, 0.0005);
  EXPECT_NEAR(e.obuf_wr * 1e3, 0.073, 0.0005);
  EXPECT_DOUBLE_EQ(e.dram * 1e3, 15.0);
}

TEST(PaperModel, RatesOfTheDesigns) {
  const auto bf = bitfusion_design(config());
  const auto f8 = fixed8_design(config());
  const auto st = stripes_design(config());
  auto r = [](Rate x) { return double(x.num) / double(x.den); };
  EXPECT_EQ(r(bf.rate(8, 8)), 1);
  EXPECT_EQ(r(bf.rate(4, 8)), 2);
  EXPECT_EQ(r(bf.rate(2, 8)), 4);
  EXPECT_EQ(r(bf.rate(4, 2)), 8);
  EXPECT_EQ(r(bf.rate(1, 2)), 16);
  EXPECT_EQ(r(bf.rate(16, 16)), 0.25);
  EXPECT_EQ(r(bf.rate(16, 2)), 2);
  EXPECT_EQ(r(f8.rate(2, 2)), 1);
  EXPECT_EQ(r(f8.rate(16, 8)), 0.5);
  EXPECT_EQ(r(st.rate(1, 8)), 16);
  EXPECT_EQ(r(st.rate(4, 16)), 4);
  EXPECT_EQ(st.cols, 8);
}

TEST(PaperModel, SixteenBitLayerRunsTemporally) {
  // 16x16 runs at a quarter of the 8x8 rate: four times the compute cycles
  // of the same layer at 8x8 (both fit in one tile).
  const Design d = bitfusion_design(config({"wbuf_kb=4096", "ibuf_kb=4096", "obuf_kb=4096"}));
  ConvProblem p;
  p.IC = 256;
  p.OC = 64;
  p.act_bits = p.wgt_bits = 8;
  Tiling t;
  t.ic = 256;
  t.oc = 64;
  t.order = {0, 1, 2, 3, 4};
  LayerStats a, b;
  ASSERT_TRUE(paper_tile_stats(d, p, t, a));
  p.act_bits = p.wgt_bits = 16;
  ASSERT_TRUE(paper_tile_stats(d, p, t, b));
  EXPECT_EQ(a.compute_cycles, 2 * (256 / 16));
  EXPECT_EQ(b.compute_cycles, 4 * a.compute_cycles);
}

}  // namespace
}  // namespace bf::model
