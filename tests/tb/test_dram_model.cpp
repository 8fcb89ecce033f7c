// The DRAM model against closed-form timing and byte counts.
#include <gtest/gtest.h>

#include <algorithm>
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

// Stress mode: responses stay in order and complete, each at least the
// base latency after its request; ready() drops in bursts; the same seed
// gives the same schedule, another seed another one; reset_port drops the
// reads in flight.
namespace {
std::vector<int> stress_schedule(uint64_t seed, int* stalls, int* max_gap) {
  DramModel m(64, 4, 1 << 16);
  bf::tb::DramStress st;
  st.on = true;
  st.seed = seed;
  st.extra_latency = 9;
  st.stall_pct = 20;
  st.stall_max = 5;
  st.rsp_pause_pct = 5;
  st.rsp_pause_max = 6;
  m.set_stress(st);
  for (uint64_t a = 0; a < 200; ++a) m.write_bytes(a * 8, &a, sizeof a);
  std::vector<int> got;  // response order (the beat's first word)
  std::vector<uint32_t> r(2);
  uint64_t next = 0, now = 0;
  std::vector<uint64_t> issued_at;
  *stalls = 0;
  *max_gap = 0;
  while (got.size() < 200) {
    const bool want = next < 200;
    const bool rdy = m.ready();
    *stalls += want && !rdy;
    if (m.cycle(want, false, next, nullptr, r.data())) {
      got.push_back(int(r[0]));
      const int gap = int(now - issued_at[got.size() - 1]);
      EXPECT_GE(gap, 4);
      *max_gap = std::max(*max_gap, gap);
    }
    if (want && rdy) issued_at.push_back(now), ++next;
    ++now;
    if (now > 100000) break;
  }
  return got;
}
}  // namespace

TEST(DramModel, StressKeepsOrderAndIsSeeded) {
  int stalls = 0, gap = 0, stalls2 = 0, gap2 = 0;
  const auto a = stress_schedule(3, &stalls, &gap);
  ASSERT_EQ(a.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(a[size_t(i)], i);
  EXPECT_GT(stalls, 10);  // back-pressure happened
  EXPECT_GT(gap, 4 + 9);  // late responses (extra latency plus pauses, queued)
  const auto b = stress_schedule(3, &stalls2, &gap2);
  EXPECT_EQ(stalls, stalls2);
  EXPECT_EQ(gap, gap2);
  stress_schedule(4, &stalls2, &gap2);
  EXPECT_NE(stalls, stalls2);
}

TEST(DramModel, ResetPortDropsReadsInFlight) {
  DramModel m(64, 5, 4096);
  std::vector<uint32_t> r(2);
  m.cycle(true, false, 1, nullptr, r.data());
  m.cycle(true, false, 2, nullptr, r.data());
  EXPECT_FALSE(m.idle());
  m.reset_port();
  EXPECT_TRUE(m.idle());
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(m.cycle(false, false, 0, nullptr, r.data()));
}
