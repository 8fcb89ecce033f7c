// The layer compiler: a convolution or fully connected layer plus an array
// configuration -> one instruction block, the DRAM layout of its tensors
// and the tiling (docs/isa.md, "Compiler").
//
// Tiling: tile loops over batch (b), output rows (h), output columns (w),
// output channels (o) in any order, then the reduction tiles, kernel rows
// (k) and input channels (i), innermost, so partial sums never leave the
// OBUF. A tile fits half of each buffer (double buffering) or a whole
// buffer (loaded without overlap); the loop order and tile sizes are chosen
// by the timing model's predicted cycles (ties: the fewest DRAM bytes).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "golden/config.hpp"
#include "golden/isa.hpp"
#include "golden/precision.hpp"
#include "golden/requant.hpp"

namespace bf {

struct LayerDesc {
  std::string name = "layer";
  // Convolution geometry; an fc layer is in_h = in_w = kernel = 1 (make_fc).
  int batch = 1, in_c = 1, out_c = 1, in_h = 1, in_w = 1;
  int kernel_h = 1, kernel_w = 1, stride = 1, pad = 0;
  Operand act{8, true}, wgt{8, true};
  bool bias = false;
  // Output: out_bits 0 = raw int32 (acc + bias); else requantized to
  // out_bits (1 runs as 2) by the output stage of golden/requant.hpp:
  //   out = clamp(zero_point + round_shift((acc + bias) * mult, shift), lo, hi)
  // The defaults are the plain floor shift saturate(relu?((acc + bias) >>
  // shift)): mult 1, no rounding, zero point 0, [lo, hi] the range of
  // out_bits (unsigned with relu).
  int out_bits = 0;
  bool relu = false;
  int shift = 0;       // 0..47 (0..31 without mult/round)
  uint32_t mult = 1;   // 1..65535
  bool round = false;  // round half up instead of floor
  int zero_point = 0;  // -65536..65535
  bool clamp = false;  // clamp_lo/clamp_hi instead of the out width's range
  int clamp_lo = 0, clamp_hi = 0;
  // Per-channel multiplier, shift and rounding (put_requant writes them;
  // mult/shift/round above are then unused).
  bool channel_requant = false;
  // Chaining: halo and channel padding of the output image (the next
  // layer's input layout), and a minimum input channel padding.
  int out_pad = 0, out_cpad = 0, in_cpad = 0;
  // The host writes the input (host im2col: lowered_layer sets it): the
  // channels of a partial last word group are spread over the array's rows
  // first (ActLayout::slot), so they need fewer reduction chunks (a 147-
  // channel 8-bit im2col input: 10 chunks instead of 12). Not for an input
  // another layer's store writes (that packs channels in order).
  bool in_interleave = false;

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
  uint64_t base = 0;                     // first word
  int batch = 1, height = 1, width = 1;  // stored (padded) size
  int halo = 0;                          // interior starts at (halo, halo)
  int channels = 1, cpad = 1;            // real and padded channel counts
  int bits = 8;                          // 2, 4, 8, 16 or 32 (raw int32)
  bool is_signed = true;
  // Interleaved last word group (LayerDesc::in_interleave): channel
  // ilv_start + i is stored at ilv_start + r * per_word() + q * ilv_lanes +
  // ln, where ln = i mod lanes, r = (i div lanes) mod rows, q = i div
  // (rows * lanes): row first, then the word's next chunk. -1: in order.
  int ilv_start = -1, ilv_rows = 1, ilv_lanes = 1;
  int slot(int c) const {  // stored channel position of channel c
    if (ilv_start < 0 || c < ilv_start) return c;
    const int i = c - ilv_start, ln = i % ilv_lanes, r = (i / ilv_lanes) % ilv_rows, q = i / (ilv_lanes * ilv_rows);
    return ilv_start + r * per_word() + q * ilv_lanes + ln;
  }
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
  int kc = 1;                  // reduction chunks per tile (operand words per pixel and kernel position)
  int ibuf_words = 0, wbuf_words = 0, obuf_words = 0;  // per bank, per half (per buffer when whole)
  // Whole-buffer streams (setup whole=): a stream loaded once per block
  // (one tile of every loop it depends on) may use the whole buffer
  // instead of half of it.
  bool ibuf_whole = false, wbuf_whole = false;
  // Whole OBUF (setup whole=o): an output tile of up to the whole OBUF
  // (bigger oc or pixel tiles: fewer input or weight re-reads); its bias
  // load and commands wait for the previous output tile's store instead of
  // overlapping it. obuf_words then counts the whole buffer.
  bool obuf_whole = false;
  // Resident input (ni > 1, one kernel-row tile): the IBUF tile holds every
  // ic tile of its b/h/w tile, loaded once per b/h/w tile (once per block
  // when there is one); the compute of ic tile j reads it j * tj word
  // groups into each pixel through the tile-loop offset ENG[ibuf].tile
  // (rd-buf ibuf tK), so the input is not re-read per oc tile when o is
  // inside the b/h/w loops. ibuf_words counts all ic tiles.
  bool ibuf_resident = false;
};

struct CompiledLayer {
  LayerDesc layer;
  ArrayConfig cfg;
  std::vector<isa::Instr> block;  // setup .. block-end
  Tiling tiling;
  ActLayout input, output;
  uint64_t weight_base = 0, weight_words = 0;
  uint64_t bias_base = 0, bias_words = 0;  // bias and per-channel parameter words
  uint64_t dram_words = 0;                 // whole image: input, weights, bias, output
  uint64_t expect_read_bytes = 0, expect_write_bytes = 0;
  uint64_t expect_array_cycles = 0;
  uint64_t expect_cycles = 0;  // bf_top's cycles as the timing model predicts them (golden/timing.hpp)

  std::vector<uint32_t> program(bool last = true) const;  // encoded words
  std::string listing() const;                            // disassembly with comments
  std::string summary() const;                            // tiling and traffic, a few lines
};

// Forced choices (tests): 0 / empty leaves the choice to the compiler.
struct CompileOptions {
  int tb = 0, toh = 0, tow = 0, groups = 0, tj = 0;
  std::string order;  // permutation of the loops with more than one tile, e.g. "ohw"
  int tkh = 0;        // kernel rows per tile (a divisor of the kernel height)
  int resident = -1;  // resident input (Tiling::ibuf_resident): -1 the search decides, 0 never, 1 only
  int owhole = -1;    // whole OBUF (Tiling::obuf_whole): -1 when the output tile needs it, 0 never, 1 always
};

// The tiling and loop order are chosen by predicted cycles (the timing
// model of bf_top, golden/timing.hpp, on the best candidates of a
// closed-form estimate; docs/isa.md, "Compiler"). Throws
// std::runtime_error with a one-line message on an unsupported layer or
// when the smallest tile does not fit the buffers.
CompiledLayer compile(const LayerDesc& layer, const ArrayConfig& cfg, const CompileOptions& opt = {});

// How the host hands a convolution to the device (docs/isa.md, "Lowering").
enum class Lowering {
  Auto,     // the form whose program is predicted to take the fewest cycles
  Direct,   // the convolution as it is (sliding window in the IBUF)
  Im2col,   // host im2col: a 1x1 convolution over (C*KH*KW)-channel patches
  Im2colW,  // host im2col along the kernel width only (stride 1): a KH x 1
            // convolution over (C*KW)-channel "wide pixels", so that layers
            // with few channels fill the array's rows without im2col's
            // KH-fold input traffic
};
const char* lowering_name(Lowering l);  // "auto", "direct", "im2col", "im2col-w"
// Whether the form applies to the layer (Direct always; Im2col when the
// kernel, stride or padding is not 1x1/1/0; Im2colW for stride 1 and a
// kernel wider than 1).
bool lowering_applies(const LayerDesc& l, Lowering form);
// The layer the device runs for a form (same output, same MACs):
//   Im2col   in_c*KH*KW channels over the output's pixels, 1x1 kernel;
//   Im2colW  in_c*KW channels, the rows padded by the host (in_h + 2 pad),
//            out_w columns, KH x 1 kernel, no padding.
LayerDesc lowered_layer(const LayerDesc& l, Lowering form);
LayerDesc im2col_layer(const LayerDesc& l);  // lowered_layer(l, Lowering::Im2col)
// The host side of a form: the NCHW input of the lowered layer from the
// layer's NCHW input (padding with `pad_value`), and its OIHW weights
// from the layer's (Im2col: the same order; Im2colW: reordered).
//   Im2col   x'[b][(c*KH+ky)*KW+kx][oy][ox] = padded x[b][c][oy*s+ky][ox*s+kx]
//   Im2colW  x'[b][c*KW+kx][y][ox] = padded x[b][c][y][ox+kx],
//            w'[o][c*KW+kx][ky][0] = w[o][c][ky][kx]
std::vector<int64_t> lower_input(const LayerDesc& l, Lowering form, const std::vector<int64_t>& x,
                                 int64_t pad_value = 0);
std::vector<int64_t> lower_weights(const LayerDesc& l, Lowering form, const std::vector<int64_t>& w);
// The layer compiled with the lowering (Auto: the applicable form with the
// fewest predicted cycles that compiles; a forced form that does not apply
// runs Direct). The CLI's backends and the rtl-mode model both use it, so
// they run and predict the same program. Throws std::runtime_error when no
// form fits the configuration.
struct LoweredLayer {
  CompiledLayer compiled;  // of lowered_layer(layer, form)
  Lowering form = Lowering::Direct;
};
LoweredLayer compile_lowered(const LayerDesc& layer, const ArrayConfig& cfg, Lowering lowering = Lowering::Auto);

// Host helpers. `dram` must hold at least c.dram_words words.
// NCHW input (values in the act range), OIHW weights, bias per channel.
// The input's halo (the layer's padding) holds `pad_value` (the input's
// zero point of an imported layer; 0 for plain zero padding).
void put_input(const CompiledLayer& c, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram,
               int64_t pad_value = 0);
void put_weights(const CompiledLayer& c, const std::vector<int64_t>& oihw, std::vector<uint32_t>& dram);
void put_bias(const CompiledLayer& c, const std::vector<int64_t>& bias, std::vector<uint32_t>& dram);
// Per-channel output stages (a layer with channel_requant), one per output channel.
void put_requant(const CompiledLayer& c, const std::vector<RequantParams>& params, std::vector<uint32_t>& dram);
// The output as NCHW (batch, out_c, out_h, out_w).
std::vector<int64_t> get_output(const CompiledLayer& c, const std::vector<uint32_t>& dram);

// Generic image helpers for an ActLayout (NCHW order, interior only).
// put_image writes the whole stored image: the interior from `nchw`, the
// halo (real channels) with `pad_value`.
void put_image(const ActLayout& l, const std::vector<int64_t>& nchw, std::vector<uint32_t>& dram,
               int64_t pad_value = 0);
std::vector<int64_t> get_image(const ActLayout& l, const std::vector<uint32_t>& dram);

}  // namespace bf
