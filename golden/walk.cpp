#include "golden/walk.hpp"

namespace bf {

using namespace isa;

bool TileWalk::deeper_all(int level, bool want_last) const {
  const int from = level == kIdBase ? 0 : level + 1;
  for (int t = from; t < kTileLoops; ++t)
    if (want_last ? !last_[t] : idx_[t] != 0) return false;
  return true;
}

uint32_t TileWalk::tile_addr(int stream) const {
  uint32_t a = b_.dram_base[stream];
  for (int t = 0; t < kTileLoops; ++t) a += idx_[t] * b_.dram_tile[stream][t];
  return a;
}

bool TileWalk::next() {
  int t = kTileLoops - 1;
  for (; t >= 0; --t) {
    if (++idx_[t] < b_.tile_count[t]) break;
    idx_[t] = 0;
  }
  update();
  return t >= 0;
}

void TileWalk::update() {
  for (int t = 0; t < kTileLoops; ++t) last_[t] = idx_[t] + 1 >= b_.tile_count[t];
}

}  // namespace bf
