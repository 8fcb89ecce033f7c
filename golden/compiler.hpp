// The layer compiler: a convolution or fully connected layer plus an array
// configuration -> one instruction block, the DRAM layout of its tensors
// and the tiling (docs/isa.md, "Compiler").
//
// Tiling: tile loops over batch (b), output rows (h), output columns (w),
// output channels (o) in any order, then the reduction tiles, kernel rows
// (k) and input channels (i), innermost, so partial sums never leave the
// OBUF. Every tile fits half of each buffer
// (double buffering); the loop order and tile sizes minimise the DRAM bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/isa.hpp"
#include "golden/precision.hpp"

namespace bf {

struct LayerDesc {
  std::string name = "layer";
  // Convolution geometry; an fc layer is in_h = in_w = kernel = 1 (make_fc).
  int batch = 1, in_c = 1, out_c = 1, in_h = 1, in_w = 1;
  int kernel_h = 1, kernel_w = 1, stride = 1, pad = 0;
  Operand act{8, true}, wgt{8, true};
  bool bias = false;
  // Output: out_bits 0 = raw int32 (acc + bias); else requantized to
  // out_bits (1 runs as 2): saturate(relu?((acc + bias) >> shift)).
  int out_bits = 0;
  bool relu = false;
  int shift = 0;
  // Chaining: halo and channel padding of the output image (the next
  // layer's input layout), and a minimum input channel padding.
  int out_pad = 0, out_cpad = 0, in_cpad = 0;

  // 64-bit arithmetic: no overflow for any int fields (stride >= 1).
  int out_h() const { return int((int64_t(in_h) + 2 * int64_t(pad) - kernel_h) / stride + 1); }
  int out_w() const { return int((int64_t(in_w) + 2 * int64_t(pad) - kernel_w) / stride + 1); }
  uint64_t macs() const;
};

LayerDesc make_conv(int batch, int in_c, int out_c, int h, int w, int k, int stride, int pad);
LayerDesc make_fc(int batch, int in_f, int out_f);

// An activation image in DRAM: NHWC, channels padded to `cpad`, packed
// 32/bits per 32-bit word (lowest channel in the lowest bits); 16-bit
// values as two 8-bit planes (low bytes, then high bytes) per pixel.
struct ActLayout {
  uint64_t base = 0;            // first word
  int batch = 1, height = 1, width = 1;  // stored (padded) size
  int halo = 0;                 // interior starts at (halo, halo)
  int channels = 1, cpad = 1;   // real and padded channel counts
  int bits = 8;                 // 2, 4, 8, 16 or 32 (raw int32)
  bool is_signed = true;
  int planes() const { return bits == 16 ? 2 : 1; }
  int per_word() const { return 32 / (bits == 16 ? 8 : bits); }
  uint64_t plane_words() const { return uint64_t(cpad) / per_word(); }
  uint64_t pixel_words() const { return plane_words() * planes(); }
  uint64_t words() const { return uint64_t(batch) * height * width * pixel_words(); }
};

struct Tiling {
  // Tile sizes: images, output rows, output columns, groups of M output
  // channels, kernel rows, word-groups (N words) of input channels.
  int tb = 1, toh = 1, tow = 1, groups = 1, tkh = 1, tj = 1;
  int nb = 1, nh = 1, nw = 1, no = 1, nk = 1, ni = 1;  // tile counts
  std::string order = "bhwo";  // outer -> inner among b, h, w, o; then k, i (reduction) innermost
  int kc = 1;        // reduction chunks per tile (operand words per pixel and kernel position)
  int ibuf_words = 0, wbuf_words = 0, obuf_words = 0;  // per bank, per half
};

struct CompiledLayer {
  LayerDesc layer;
  ArrayConfig cfg;
  std::vector<isa::Instr> block;  // setup .. block-end
  Tiling tiling;
  ActLayout input, output;
  uint64_t weight_base = 0, weight_words = 0;
  uint64_t bias_base = 0, bias_words = 0;
  uint64_t dram_words = 0;        // whole image: input, weights, bias, output
  uint64_t expect_read_bytes = 0, expect_write_bytes = 0;
  uint64_t expect_array_cycles = 0;

  std::vector<uint32_t> program(bool last = true) const;  // encoded words
  std::string listing() const;                            // disassembly with comments
  std::string summary() const;                            // tiling and traffic, a few lines
};

// Forced choices (tests): 0 / empty leaves the choice to the compiler.
struct CompileOptions {
  int tb = 0, toh = 0, tow = 0, groups = 0, tj = 0;
  std::string order;  // permutation of the loops with more than one tile, e.g. "ohw"
  int tkh = 0;        // kernel rows per tile (a divisor of the kernel height)
};

// Throws std::runtime_error with a one-line message on an unsupported
// layer or when the smallest tile does not fit the buffers.
CompiledLayer compile(const LayerDesc& layer, const ArrayConfig& cfg, const CompileOptions& opt = {});

// How the host hands a convolution to the device.
enum class Lowering {
  Auto,    // im2col when it takes fewer array cycles (layers with few input channels)
  Direct,  // the convolution as it is (sliding window in the IBUF)
  Im2col,  // host im2col: a 1x1 convolution over (C*KH*KW)-channel patches
};
// The 1x1 layer that runs on an im2col'd input (same output, same weights
// reshaped): in_c * kernel_h * kernel_w channels over the output's pixels.
LayerDesc im2col_layer(const LayerDesc& l);
// The layer compiled with the lowering (Auto: the one with fewer array
// steps that compiles). The CLI's backends and the rtl-mode model both use
// it, so they run and predict the same program. Throws std::runtime_error
// when neither form fits the configuration.
struct LoweredLayer {
  CompiledLayer compiled;
  bool im2col = false;
};
LoweredLayer compile_lowered(const LayerDesc& layer, const ArrayConfig& cfg, Lowering lowering = Lowering::Auto);

// Host helpers. `dram` must hold at least c.dram_words words.
// NCHW input (values in the act range), OIHW weights, bias per channel.
void put_input(const CompiledLayer& c, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram);
void put_weights(const CompiledLayer& c, const std::vector<int64_t>& oihw, std::vector<uint32_t>& dram);
void put_bias(const CompiledLayer& c, const std::vector<int64_t>& bias, std::vector<uint32_t>& dram);
// The output as NCHW (batch, out_c, out_h, out_w).
std::vector<int64_t> get_output(const CompiledLayer& c, const std::vector<uint32_t>& dram);

// Generic image helpers for an ActLayout (NCHW order, interior only).
void put_image(const ActLayout& l, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram);
std::vector<int64_t> get_image(const ActLayout& l, const std::vector<uint32_t>& dram);

}  // namespace bf
