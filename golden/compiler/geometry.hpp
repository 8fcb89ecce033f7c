// Everything the compiler derives from a layer and an array configuration
// before it tiles: sizes, operand packing, reduction chunks, output words.
// docs/isa.md ("DRAM layouts", "Reduction order") defines the packing.
#pragma once
#include <cstdint>
#include <string>

#include "golden/compiler.hpp"

namespace bf::compiler {

[[noreturn]] void layer_error(const LayerDesc& l, const std::string& msg);

inline int cdiv(int64_t a, int64_t b) { return int((a + b - 1) / b); }
inline int64_t round_up(int64_t a, int64_t b) { return (a + b - 1) / b * b; }

struct Geometry {
  // Array and buffers.
  int rows = 0, cols = 0;                           // N, M
  int ibuf_half = 0, wbuf_half = 0, obuf_half = 0;  // 32-bit words per bank and half
  // Layer.
  int batch = 0, in_c = 0, out_c = 0;
  int kernel_h = 0, kernel_w = 0, stride = 0;
  int out_h = 0, out_w = 0;
  int padded_h = 0, padded_w = 0;  // input with its halo
  bool bias = false;
  bool channel_requant = false;  // per-channel requant parameter rows
  int param_rows = 0;            // OBUF rows per channel group after the tile (bias, params)
  // Operands: spatial widths (16-bit runs as two 8-bit planes).
  int act_hw_bits = 0, wgt_hw_bits = 0;  // 2, 4, 8, 16 as declared (1 -> 2)
  int act_bits = 0, wgt_bits = 0;        // spatial widths 2, 4, 8
  int act_planes = 1, wgt_planes = 1;    // 2 for a 16-bit operand
  int lanes = 0;                         // L = 64 / (A * W) products per FU and cycle
  int act_per_word = 0;                  // activation elements per 32-bit IBUF word (32 / A)
  int act_opwords_per_word = 0;          // activation operand words per IBUF word (W / 2)
  int wgt_opwords_per_word = 0;          // weight operand words per WBUF word (A / 2)
  int channel_group = 0;                 // input channels per group of N IBUF words (N * 32 / A)
  int word_groups = 0;                   // such groups covering the input channels
  int chunks_one_tile = 0;               // reduction chunks per kernel position with one ic tile
  int ilv_start = -1;                    // first interleaved input channel (ActLayout::ilv_start), or -1
  int oc_groups = 0;                     // groups of M output channels
  // Output.
  bool requant = false;
  int out_bits = 32;     // 2, 4, 8, 16, or 32 (raw int32)
  int out_planes = 1;    // 2 for a 16-bit output
  int out_per_word = 1;  // output channels per 32-bit word (8 bits per plane at 16)
};

// Validates the layer (one-line errors naming it) and derives its geometry.
Geometry make_geometry(const LayerDesc& layer, const ArrayConfig& cfg);

// Limit of 16-bit buffer strides and bases.
constexpr int64_t kAddrLimit = 65536;

}  // namespace bf::compiler
