// The integer reference executor of a QNet: the golden model of an
// imported network. Conv / fc by direct loops over (q - z) with zero
// padding, the folded bias and bf::requantize (golden/requant.hpp); host
// ops in fixed point (docs/onnx.md, "Integer semantics"). The device path
// must match device_op_ref bit for bit on every conv / fc output.
#pragma once
#include <cstdint>
#include <vector>

#include "frontend/qnet.hpp"

namespace bf::fe {

struct RefResult {
  int batch = 0;
  std::vector<std::vector<int64_t>> q;  // per tensor id: integer values, batch-major, NCHW / (N, C)
  std::vector<std::vector<float>> f;    // per tensor id: float values (the input and the output)
  std::vector<float> output;            // network output as float (dequantized if it is an integer tensor)
  std::vector<int64_t> output_shape;    // network output shape, with the batch
};

// Runs the network on a float input of `batch` images (batch * per_image
// values of the input tensor). Throws std::runtime_error on a size mismatch.
RefResult run_reference(const QNet& net, const std::vector<float>& input, int batch);

// Runs it from the quantized input: the output of the network's (single)
// Quantize op, integers in that tensor's range.
RefResult run_reference_quantized(const QNet& net, const std::vector<int64_t>& q_input, int batch);

// Op by op, as a device runner does: start_run sizes the state for
// `batch` images (set state.f[net.input] before running the ops),
// finish_run fills output / output_shape.
RefResult start_run(const QNet& net, int batch);
void finish_run(const QNet& net, RefResult& state);

// One op on the tensors already in `state` (state.batch set, the op's
// inputs computed); writes its output into state.q / state.f.
void run_op(const QNet& net, const Op& op, RefResult& state);

// A conv / fc op on its integer input (batch images, NCHW / (N, C)):
//   acc = sum_k w[c][k] * (q_in[k] - z_in)      (zero padding)
//   sum = int32(acc + bias_dev[c] + z_in * sum_k w[c][k])
//       = what the device computes: sum_k w * q_in (padded with z_in) + bias_dev
//   out = raw ? sum : bf::requantize(sum, requant[c], z_out, lo, hi)
std::vector<int64_t> device_op_ref(const Op& op, const std::vector<int64_t>& in, int batch);

}  // namespace bf::fe
