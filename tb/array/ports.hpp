// Bit-field access to Verilated ports of any width (CData .. QData, VlWide).
#pragma once
#include <verilated.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace bf::tb {

template <class T>
inline void set_bits(T& port, int lsb, int width, uint64_t value) {
  static_assert(std::is_integral<T>::value, "integral port");
  for (int i = 0; i < width; ++i) {
    const T bit = static_cast<T>(T{1} << (lsb + i));
    if (i < 64 && ((value >> i) & 1u))
      port = static_cast<T>(port | bit);
    else
      port = static_cast<T>(port & ~bit);
  }
}
template <std::size_t N>
inline void set_bits(VlWide<N>& port, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const int b = lsb + i;
    const EData bit = EData{1} << (b % 32);
    if (i >= 64 ? ((value >> 63) & 1u) : ((value >> i) & 1u))
      port[b / 32] |= bit;
    else
      port[b / 32] &= ~bit;
  }
}

template <class T>
inline uint32_t get_word(const T& port, int i) {
  static_assert(std::is_integral<T>::value, "integral port");
  return static_cast<uint32_t>(static_cast<uint64_t>(port) >> (32 * i));
}
template <std::size_t N>
inline uint32_t get_word(const VlWide<N>& port, int i) {
  return port[i];
}

template <class T>
inline void set_word(T& port, int i, uint32_t v) {
  set_bits(port, 32 * i, 32, v);
}
template <std::size_t N>
inline void set_word(VlWide<N>& port, int i, uint32_t v) {
  port[i] = v;
}

}  // namespace bf::tb
