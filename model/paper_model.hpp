// `paper` mode: the Bit Fusion authors' published performance and energy
// model (hsharma35/bitfusion, src/optimizer/optimizer.py and
// src/simulator/), re-implemented from its description and reproducing its
// accounting, quirks included (each one is listed in docs/perf-model.md).
//
// Per conv or fc layer: loops B, OH, OW, IC, OC are tiled in powers of two
// (OW and OH alike, OC in multiples of the array width), the kernel loops
// never; every tiling and all 120 loop orders are tried and the fewest
// cycles win, ties going to the least energy. Cycles are compute cycles plus
// memory stalls from the DRAM width; no array fill or drain is counted.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/design.hpp"
#include "model/network.hpp"

namespace bf::model {

// One conv (fc: K = O = S = 1) layer as the authors' optimizer sees it.
struct ConvProblem {
  int K = 1, OH = 1, OW = 1, S = 1;
  int64_t IC = 1, OC = 1, B = 1;
  int act_bits = 8, wgt_bits = 8;
  bool im2col = false;  // first layer of a network (reads the network input)
};

enum Namespace { kAct = 0, kWgt = 1, kOut = 2, kDram = 3 };

struct Tiling {
  int64_t b = 1, ow = 1, oh = 1, ic = 1, oc = 1;       // tile sizes
  int64_t nb = 1, now = 1, noh = 1, nic = 1, noc = 1;  // tile counts
  std::array<int, 5> order{};                          // loop ids outermost first: 0 B, 1 OW, 2 OH, 3 IC, 4 OC
  std::string order_string() const;
};

struct LayerStats {
  int64_t cycles = 0;        // compute + stalls
  int64_t stall_cycles = 0;  // memory stalls
  int64_t compute_cycles = 0;
  std::array<int64_t, 4> reads{}, writes{};  // bits, by Namespace (IBUF, WBUF, OBUF, DRAM)
  Tiling tiling;

  // Energy in nJ, summed in the authors' order.
  double energy_nj(const EnergyCost& e) const;
  // Breakdown in pJ: core, WBUF, IBUF, OBUF, DRAM.
  std::array<double, 5> energy_pj_parts(const EnergyCost& e) const;
  LayerStats& operator+=(const LayerStats& o);
};

// Stats of one tiling and order; returns false if a tile overflows half a
// buffer (double buffering).
bool paper_tile_stats(const Design& d, const ConvProblem& p, const Tiling& t, LayerStats& out);

// The authors' search: the best tiling and order of a layer.
LayerStats paper_optimize(const Design& d, const ConvProblem& p);

// The problem a network layer poses in paper mode (conv or fc only).
ConvProblem paper_problem(const Layer& l, int batch);

struct LayerResult {
  const Layer* layer = nullptr;
  LayerStats stats;
  int64_t macs = 0;         // for the whole batch
  double ideal_cycles = 0;  // macs / peak MACs per cycle
};

struct NetworkResult {
  std::string network;
  int batch = 0;
  std::vector<LayerResult> layers;  // conv and fc layers in file order
  LayerStats total;
  int64_t macs = 0;
  double ideal_cycles = 0;
};

// Runs every conv and fc layer of `net` with batch `batch` through the
// paper model (identical layers are evaluated once).
NetworkResult paper_run(const Design& d, const Network& net, int batch);

}  // namespace bf::model
