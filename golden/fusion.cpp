#include "golden/fusion.hpp"

#include <cstdio>

namespace bf {

std::string describe(const Operand& o) { return (o.is_signed ? "s" : "u") + std::to_string(o.bits); }

std::vector<FuMode> all_fu_modes() {
  std::vector<FuMode> out;
  for (int a : {2, 4, 8})
    for (int w : {2, 4, 8})
      for (int s = 0; s < 4; ++s) out.push_back({a, w, (s & 2) != 0, (s & 1) != 0});
  return out;
}

uint32_t pack_lanes(const std::vector<int64_t>& vals, int bits) {
  uint64_t word = 0;
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  for (size_t k = 0; k < vals.size(); ++k) word |= (static_cast<uint64_t>(vals[k]) & mask) << (k * bits);
  return static_cast<uint32_t>(word);
}

std::vector<int64_t> unpack_lanes(uint32_t word, int bits, bool is_signed, int lanes) {
  std::vector<int64_t> out(lanes);
  for (int k = 0; k < lanes; ++k) out[k] = extend(word >> (k * bits), bits, is_signed);
  return out;
}

int64_t fu_reference(const FuMode& m, uint32_t act_word, uint32_t wgt_word) {
  const int a = hw_bits(m.act_bits), w = hw_bits(m.wgt_bits), n = m.lanes();
  const auto av = unpack_lanes(act_word, a, m.act_signed, n);
  const auto wv = unpack_lanes(wgt_word, w, m.wgt_signed, n);
  int64_t sum = 0;
  for (int k = 0; k < n; ++k) sum += av[k] * wv[k];
  return sum;
}

int bitbrick(unsigned a2, bool a_signed, unsigned b2, bool b_signed) {
  const int a = static_cast<int>(extend(a2 & 3u, 2, a_signed));
  const int b = static_cast<int>(extend(b2 & 3u, 2, b_signed));
  return a * b;  // in [-6, 9]: always fits 6 bits signed
}

namespace {
int bit(int v, int k) { return (v >> k) & 1; }

// Which brick-number bits index slices for this precision pair.
bool is_slice_bit(int k, int a, int w) {
  return (k == 0 && a >= 4) || (k == 2 && a == 8) || (k == 1 && w >= 4) || (k == 3 && w == 8);
}
}  // namespace

int spread_pos(int n, int act_bits, int wgt_bits, bool is_weight) {
  const int a = hw_bits(act_bits), w = hw_bits(wgt_bits);
  int lane = 0, nl = 0;
  for (int k : {1, 3, 2, 0}) {  // lane bits, least significant first
    if (!is_slice_bit(k, a, w)) lane |= bit(n, k) << nl++;
  }
  const int ie = (a >= 4 ? bit(n, 0) : 0) | (a == 8 ? bit(n, 2) << 1 : 0);
  const int je = (w >= 4 ? bit(n, 1) : 0) | (w == 8 ? bit(n, 3) << 1 : 0);
  return is_weight ? lane * w + 2 * je : lane * a + 2 * ie;
}

int64_t fu_bitlevel(const FuMode& m, uint32_t act_word, uint32_t wgt_word, FuNodeSums* nodes) {
  const int a = hw_bits(m.act_bits), w = hw_bits(m.wgt_bits);
  const auto wrap = [](int64_t v, int bits) { return extend(static_cast<uint64_t>(v), bits, true); };
  int64_t grp[4];
  for (int g = 0; g < 4; ++g) {
    int64_t prod[4];
    for (int j = 0; j < 4; ++j) {
      const int n = 4 * g + j;
      const unsigned as = (act_word >> spread_pos(n, a, w, false)) & 3u;
      const unsigned ws = (wgt_word >> spread_pos(n, a, w, true)) & 3u;
      // A slice is signed only when it is its operand's top slice.
      const bool a_top = (a < 4 || bit(n, 0)) && (a < 8 || bit(n, 2));
      const bool w_top = (w < 4 || bit(n, 1)) && (w < 8 || bit(n, 3));
      prod[j] = bitbrick(as, m.act_signed && a_top, ws, m.wgt_signed && w_top);
    }
    // Level 1: bricks j, j+1 differ in the activation half (shift 2 when
    // A >= 4); the two pairs differ in the weight half (shift 2 when W >= 4).
    const int ka = a >= 4 ? 4 : 1, kw = w >= 4 ? 4 : 1;
    const int64_t pair0 = prod[0] + prod[1] * ka, pair1 = prod[2] + prod[3] * ka;
    const int64_t g_full = pair0 + pair1 * kw;
    if (nodes) {
      nodes->pair[2 * g] = pair0;
      nodes->pair[2 * g + 1] = pair1;
      nodes->group[g] = g_full;
    }
    grp[g] = wrap(wrap(pair0, kPairBits) + wrap(pair1, kPairBits) * kw, kGroupBits);
  }
  // Level 2: groups g, g+1 differ in the activation half (shift 4 when A = 8),
  // the two halves in the weight half (shift 4 when W = 8).
  const int ka = a == 8 ? 16 : 1, kw = w == 8 ? 16 : 1;
  const int64_t half0 = wrap(grp[0] + grp[1] * ka, kHalfBits);
  const int64_t half1 = wrap(grp[2] + grp[3] * ka, kHalfBits);
  if (nodes) nodes->half[0] = grp[0] + grp[1] * ka, nodes->half[1] = grp[2] + grp[3] * ka;
  return wrap(half0 + half1 * kw, kFuSumBits);
}

}  // namespace bf
