// The DRAM model against closed-form timing and byte counts.
#include <gtest/gtest.h>

#include <vector>

#include "tb/dram_model.hpp"

using bf::tb::DramModel;

TEST(DramModel, ReadReturnsWrittenBeatAfterExactlyLatencyCycles) {
  for (int latency : {1, 4, 50}) {
    DramModel m(192, latency, 4096);
    std::vector<uint32_t> w = {1, 2, 3, 4, 5, 6}, r(6, 0xdead);
    m.cycle(true, true, 7, w.data(), r.data());                // write beat 7
    EXPECT_FALSE(m.cycle(true, false, 7, nullptr, r.data()));  // read issued
    int waited = 1;
    while (!m.cycle(false, false, 0, nullptr, r.data())) ++waited;
    EXPECT_EQ(waited, latency) << "latency " << latency;
    EXPECT_EQ(r, w);
  }
}

TEST(DramModel, StreamsOneBeatPerCycleAndCountsBytes) {
  DramModel m(64, 10, 1 << 16);
  std::vector<uint32_t> r(2);
  int responses = 0, cycles = 0;
  for (int i = 0; i < 100; ++i, ++cycles) responses += m.cycle(true, false, i, nullptr, r.data());
  while (!m.idle()) responses += m.cycle(false, false, 0, nullptr, r.data()), ++cycles;
  EXPECT_EQ(responses, 100);
  EXPECT_EQ(cycles, 100 + 10);  // fill latency once, then one beat per cycle
  EXPECT_EQ(m.bytes_read(), 100u * 8);
  EXPECT_EQ(m.bytes_written(), 0u);
}

TEST(DramModel, HostAccessAndBeatLayoutAgree) {
  DramModel m(128, 2, 1024);
  const uint8_t bytes[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  m.write_bytes(16, bytes, 20);  // beat 1 starts at byte 16
  std::vector<uint32_t> r(4);
  m.cycle(true, false, 1, nullptr, r.data());
  while (!m.cycle(false, false, 0, nullptr, r.data())) {}
  EXPECT_EQ(r[0], 0x04030201u);
  EXPECT_EQ(r[3], 0x100f0e0du);
  EXPECT_THROW(m.write_bytes(1020, bytes, 20), std::out_of_range);
}

TEST(DramModel, OutOfRangeRequestSetsError) {
  DramModel m(32, 1, 64);  // 16 beats
  uint32_t r = 0;
  EXPECT_FALSE(m.error());
  m.cycle(true, false, 16, nullptr, &r);
  EXPECT_TRUE(m.error());
  EXPECT_NE(m.error_message().find("beyond 16"), std::string::npos);
}

TEST(DramModel, WriteStrobeEnablesOnlyTheMarkedWords) {
  DramModel m(192, 2, 4096);  // 6 words per beat
  const std::vector<uint32_t> a = {1, 2, 3, 4, 5, 6}, b = {11, 12, 13, 14, 15, 16};
  std::vector<uint32_t> r(6);
  m.cycle(true, true, 3, a.data(), r.data());  // no strobe: the whole beat
  const uint32_t strb = 0x25;                  // words 0, 2, 5
  m.cycle(true, true, 3, b.data(), r.data(), &strb);
  for (int j = 0; j < 6; ++j) EXPECT_EQ(m.word(3 * 6 + j), (strb >> j) & 1 ? b[j] : a[j]) << "word " << j;
  EXPECT_EQ(m.bytes_written(), 2u * 24);           // two beats on the bus
  EXPECT_EQ(m.payload_bytes_written(), 24u + 12);  // 6 + 3 words
  const uint32_t none = 0;
  m.cycle(true, true, 3, a.data(), r.data(), &none);
  EXPECT_EQ(m.word(3 * 6 + 1), 2u);  // untouched by an empty strobe
  EXPECT_EQ(m.word(3 * 6 + 2), 13u);
}

TEST(DramModel, WideStrobeUsesOneBitPerWordAcrossUint32s) {
  DramModel m(64 * 32, 1, 1 << 16);  // 64 words per beat: two strobe words
  std::vector<uint32_t> w(64), r(64);
  for (int j = 0; j < 64; ++j) w[j] = 100 + j;
  const uint32_t strb[2] = {0x0, 0x80000001u};  // words 32 and 63
  m.cycle(true, true, 0, w.data(), r.data(), strb);
  for (int j = 0; j < 64; ++j) EXPECT_EQ(m.word(j), j == 32 || j == 63 ? 100u + j : 0u) << "word " << j;
}
