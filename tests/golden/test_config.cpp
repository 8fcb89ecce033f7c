// Named configurations: the paper's figures (reference doc, section 3) and
// the error handling of --set.
#include <gtest/gtest.h>

#include "golden/config.hpp"

using bf::ArrayConfig;

TEST(Config, PaperConfigurationsMatchThePublishedTable) {
  const ArrayConfig e = bf::load_config("bf16x32");
  EXPECT_EQ(e.rows * e.cols, 512);
  EXPECT_EQ(e.freq_mhz, 500);
  EXPECT_EQ(e.wbuf_kb, 64);
  EXPECT_EQ(e.ibuf_kb, 32);
  EXPECT_EQ(e.obuf_kb, 16);
  EXPECT_EQ(e.dram_bits, 192);
  const ArrayConfig s = bf::load_config("bf16x32s");
  EXPECT_EQ(s.freq_mhz, 980);
  EXPECT_EQ(s.wbuf_kb + s.ibuf_kb + s.obuf_kb, 384);
  EXPECT_EQ(s.dram_bits, 4096);
  const ArrayConfig g = bf::load_config("bf16x256");
  EXPECT_EQ(g.rows * g.cols, 4096);
  EXPECT_EQ(g.wbuf_kb + g.ibuf_kb + g.obuf_kb, 896);  // "896 KB SRAM"
  EXPECT_EQ(g.dram_bits, 4096);
}

TEST(Config, EveryShippedConfigurationLoads) {
  const auto names = bf::list_configs();
  EXPECT_GE(names.size(), 6u);
  for (const auto& n : names) EXPECT_NO_THROW(bf::load_config(n)) << n;
}

TEST(Config, SetAcceptsKnownKeysAndRejectsTheRest) {
  ArrayConfig c = bf::load_config("bf16x32");
  bf::set_config_value(c, "rows=8");
  bf::set_config_value(c, "dram_latency=0");
  EXPECT_EQ(c.rows, 8);
  EXPECT_EQ(c.dram_latency, 0);
  EXPECT_THROW(bf::set_config_value(c, "colz=4"), std::runtime_error);
  EXPECT_THROW(bf::set_config_value(c, "rows=abc"), std::runtime_error);
  EXPECT_THROW(bf::set_config_value(c, "rows=0"), std::runtime_error);
  EXPECT_THROW(bf::set_config_value(c, "rows"), std::runtime_error);
  c.rows = 12;
  EXPECT_THROW(bf::validate(c), std::runtime_error);  // not a power of two
  try {
    bf::set_config_value(c, "colz=4");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown config key 'colz'"), std::string::npos);
  }
}

TEST(Config, UnknownNameAndBadFileAreNamed) {
  EXPECT_THROW(bf::load_config("no_such_config"), std::runtime_error);
  EXPECT_THROW(bf::load_config("/nonexistent/file.json"), std::runtime_error);
}
