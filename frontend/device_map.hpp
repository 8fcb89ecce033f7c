// How an imported conv / fc op (fe::DeviceLayer) becomes a device layer:
// the bf::LayerDesc the compiler maps onto the array, and what the host
// does around it. One definition used by `bitfusion run --onnx` (on the
// RTL or the golden machine) and `bitfusion perf --onnx` (the models).
//
//   geometry   kernel_h x kernel_w, one stride (the device's stride is
//              square: different strides are refused), padding by the
//              compiler when the four pads are equal; otherwise the host
//              pads the input (pre_pad) and the layer runs unpadded
//   padding    with the input's zero point (DeviceLayer::in_zero_point),
//              which the host writes into the DRAM halo (put_input's
//              pad value) or into the pre-padded input
//   operands   act = the input tensor's width, wgt = the weights' (q - z)
//   output     bias = bias_dev (the zero points folded in); raw int32
//              (out_bits 0), or the fixed-point output stage of
//              golden/requant.hpp: per-layer mult/shift/round or one per
//              output channel (channel_requant, put_requant), the output's
//              zero point and integer range as the clamp; the output is
//              stored unsigned when its type is (relu flag)
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "frontend/qnet.hpp"
#include "golden/compiler.hpp"

namespace bf::fe {

struct DeviceMapping {
  LayerDesc desc;                          // for bf::compile_lowered, batch images
  std::array<int, 4> pre_pad{0, 0, 0, 0};  // host padding top, left, bottom, right (pad value: pad_value)
  int64_t pad_value = 0;                   // the input's zero point
  bool host_pads() const { return pre_pad[0] || pre_pad[1] || pre_pad[2] || pre_pad[3]; }
};

// Throws std::runtime_error with a one-line message naming the op when the
// device cannot run it (different strides; a width, zero point or clamp
// outside what the write-back unit holds).
DeviceMapping map_device_op(const Op& op, int batch);

// The layer's device input from the op's integer input (batch images,
// NCHW / (N, C)): pre-padded when the mapping says so, else as it is.
std::vector<int64_t> device_input(const DeviceMapping& m, const Op& op, const std::vector<int64_t>& x, int batch);

}  // namespace bf::fe
