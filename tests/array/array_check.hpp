// Shared checks of the array tests: run a planned GEMM on the Verilated
// array and compare with the golden model, tile timing with the closed-form
// latency of docs/array.md.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/gemm.hpp"
#include "tb/array/array_harness.hpp"
#include "tb/array/gemm_mapper.hpp"

namespace bf::test {

// Checks every tile of a finished run against the timing contract:
//   done - accept == steps + rows + cols + 3              (latency)
//   accept(j+1) == max(valid(j+1), accept(j) + steps(j))  (no bubbles)
inline void expect_tile_timing(const tb::ArrayGeom& g, const std::vector<tb::Job>& jobs) {
  for (size_t j = 0; j < jobs.size(); ++j) {
    const auto& jb = jobs[j];
    EXPECT_EQ(jb.t_done - jb.t_accept, g.tile_latency(jb.cmd.steps())) << "tile " << j;
    if (j > 0) {
      const uint64_t free_at = jobs[j - 1].t_accept + jobs[j - 1].cmd.steps();
      EXPECT_EQ(jb.t_accept, std::max(jb.t_valid, free_at)) << "tile " << j;
    }
  }
}

// Runs A*W on a fresh array of configuration `cfg`; returns the number of
// mismatching outputs (0 expected) and checks the tile timing.
template <class Model>
int run_gemm_case(const ArrayConfig& cfg, int p, int k, int c, const Operand& at, const Operand& wt, uint32_t seed,
                  tb::GemmPlan* plan_out = nullptr) {
  std::mt19937 rng(seed);
  const Matrix a = random_matrix(p, k, at, rng);
  const Matrix w = random_matrix(k, c, wt, rng);
  const auto want = gemm_ref(a, at, w, wt);
  tb::ArrayHarness<Model> h(cfg);
  auto plan = tb::plan_gemm(h.geom(), a, at, w, wt);
  std::vector<uint32_t> out(static_cast<size_t>(p) * c, 0xdeadbeefu);
  h.run(plan.jobs, out);
  int bad = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (static_cast<int32_t>(out[i]) != want[i]) {
      if (bad < 5)
        ADD_FAILURE() << "output " << i / c << "," << i % c << ": rtl " << static_cast<int32_t>(out[i]) << ", golden "
                      << want[i];
      ++bad;
    }
  }
  expect_tile_timing(h.geom(), plan.jobs);
  if (plan_out) *plan_out = std::move(plan);
  return bad;
}

// 25 steps of one tile, each its own output (n_red = 0), all accumulating
// into OBUF word 5 of both columns (OBUF stride 0) over a preloaded bias:
// every read-modify-write hits the address written in the cycle before.
// Returns the number of wrong columns (0 expected).
template <class Model>
int accumulate_same_word_case(const ArrayConfig& cfg) {
  tb::ArrayHarness<Model> h(cfg);
  const auto& g = h.geom();
  std::mt19937 rng(77);
  SCOPED_TRACE("seed 77");
  const int P = 25;
  const Operand at{8, true}, wt{8, true};
  const Matrix a = random_matrix(P, 2, at, rng), w = random_matrix(2, 2, wt, rng);
  tb::Job j;
  tb::BankImage ib(2, 8), wb(4, 8);
  for (int p = 0; p < P; ++p)
    for (int r = 0; r < 2; ++r) ib.put(r, p, pack_lanes({a.at(p, r)}, 8));
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) wb.put(r * 2 + c, 0, pack_lanes({w.at(r, c)}, 8));
  j.writes[tb::kIbuf] = ib.writes(g.gi, 0);
  j.writes[tb::kWbuf] = wb.writes(g.gw, 0);
  const uint32_t bias[2] = {0x7ffffff0u, 0x12345678u};
  j.writes[tb::kObuf].push_back({0, 5, {bias[0], bias[1]}, ~uint64_t{0}});
  j.cmd.a_bits = j.cmd.w_bits = 8;
  j.cmd.obuf_acc = true;
  j.cmd.n_red = 0;
  j.cmd.obuf_base = 5;
  j.cmd.loops[5] = {static_cast<uint32_t>(P), 1, 0, 0};
  j.drains = {{0, 5}};
  j.drain_dest = {0, 1};
  std::vector<tb::Job> jobs{std::move(j)};
  std::vector<uint32_t> out(2, 0);
  h.run(jobs, out);
  const auto prod = gemm_ref(a, at, w, wt);  // P x 2
  int bad = 0;
  for (int c = 0; c < 2; ++c) {
    uint32_t want = bias[c];
    for (int p = 0; p < P; ++p) want += static_cast<uint32_t>(prod[p * 2 + c]);
    if (out[c] != want) ++bad;
  }
  expect_tile_timing(g, jobs);
  return bad;
}

}  // namespace bf::test
