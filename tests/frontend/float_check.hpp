// Compares the integer executor (frontend/qnet_ref) with the float QDQ
// semantics of the ONNX graph (qdq_eval.hpp), tensor by tensor.
//
// Every integer tensor of the IR that carries the name of an ONNX value is
// checked when the float interpreter computes that value:
//   * integer values (QuantizeLinear outputs): equal, or off by exactly 1
//     where the unrounded float x / scale lies within `eps` of a .5 tie
//     (the executor requantizes with a 16-bit fixed-point multiplier and
//     rounds half up, ONNX rounds half to even in float32). eps is a bound
//     on the fixed-point error: |x/s| * 2^-15 (multiplier), half an output
//     unit of the bias rounding (0.5 * m), 1e-4 of float32 slack;
//   * float values on a quantization grid (MaxPool, Reshape, Concat, Pad of
//     dequantized values): equal to the dequantized integers.
// The interpreter then continues from the executor's integers, so an
// accepted tie never propagates. The final output is compared with the
// executor's float output (raw conv/fc outputs: within half a unit of
// s_in * s_w, the bias rounding).
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "frontend/qnet.hpp"
#include "frontend/qnet_ref.hpp"
#include "qdq_eval.hpp"

namespace bft {

struct FloatCheck {
  int64_t compared = 0, exact = 0, ties = 0;
  int tensors = 0;
  // loose mode: integer elements that differ and the largest difference
  int64_t differing = 0, max_diff = 0;
  bf::fe::RefResult ref;
  FT float_out;
};

inline double tie_eps(const bf::fe::QNet& net, const bf::fe::Op* op, size_t i, double pre) {
  using bf::fe::OpKind;
  double eps = std::fabs(pre) * std::ldexp(1.0, -15) + 1e-4;
  if (!op) return eps;
  const bf::fe::Tensor& out = net.tensors[size_t(op->output)];
  if (op->on_device()) {
    const int64_t per = out.per_image();
    const int64_t plane = out.shape.size() == 4 ? out.shape[2] * out.shape[3] : 1;
    const size_t c = size_t((int64_t(i) % per) / plane);
    eps += 0.5 * op->dev.real_scale.at(op->dev.real_scale.size() == 1 ? 0 : c);
  }
  if (op->kind == OpKind::Add) {
    for (int k = 0; k < 2; ++k) {
      const auto& t = net.tensors[size_t(op->inputs[size_t(k)])];
      const double span = double(std::max(std::abs(t.q.qmin - t.q.zero_point), std::abs(t.q.qmax - t.q.zero_point)));
      eps += span * (t.q.scale[0] / out.q.scale[0]) * std::ldexp(1.0, -15);
    }
  }
  if (op->kind == OpKind::Quantize) eps = 1e-9;  // same float32 arithmetic and rounding on both sides
  return eps;
}

// Runs both on `input` (batch images) and checks as described above.
// loose: no assertion and no substitution; counts the integer elements
// that differ (the float interpreter then follows the graph alone, as
// PyTorch's fake-quant model does).
inline FloatCheck float_check(const onnx::ModelProto& m, const bf::fe::QNet& net, const std::vector<float>& input,
                              int batch, bool loose = false) {
  FloatCheck fc;
  fc.ref = bf::fe::run_reference(net, input, batch);
  std::map<std::string, int> by_name;
  for (size_t t = 0; t < net.tensors.size(); ++t)
    if (!net.tensors[t].is_float) by_name[net.tensors[t].name] = int(t);
  std::map<int, const bf::fe::Op*> producer;
  for (const auto& op : net.ops) producer[op.output] = &op;

  QdqEval ev(m);
  ev.hook = [&](const onnx::NodeProto& node, const std::string& name, FT& v, const std::vector<double>* pre) {
    auto it = by_name.find(name);
    if (it == by_name.end()) return;
    const int t = it->second;
    const auto& T = net.tensors[size_t(t)];
    const auto& ex = fc.ref.q[size_t(t)];
    ASSERT_EQ(ex.size(), v.v.size()) << name;
    ++fc.tensors;
    const bf::fe::Op* op = producer.count(t) ? producer[t] : nullptr;
    if (v.dtype == 1) {  // a float value on the tensor's grid
      for (size_t i = 0; i < ex.size(); ++i) {
        const double deq = double(float(double(ex[i] - T.q.zero_point) * T.q.scale[0]));
        if (loose) {
          const int64_t d = std::llround(std::fabs(deq - v.v[i]) / T.q.scale[0]);
          ++fc.compared;
          fc.differing += d != 0;
          fc.max_diff = std::max(fc.max_diff, d);
          continue;
        }
        ASSERT_NEAR(deq, v.v[i], 1e-6 * std::max(1.0, std::fabs(v.v[i])))
            << name << "[" << i << "] (" << node.op_type() << ")";
        ++fc.compared, ++fc.exact;
      }
      return;
    }
    if (loose) {
      for (size_t i = 0; i < ex.size(); ++i) {
        const int64_t d = std::llabs(ex[i] - int64_t(v.v[i]));
        ++fc.compared;
        fc.differing += d != 0;
        fc.max_diff = std::max(fc.max_diff, d);
      }
      return;
    }
    for (size_t i = 0; i < ex.size(); ++i) {
      ++fc.compared;
      if (double(ex[i]) == v.v[i]) {
        ++fc.exact;
        continue;
      }
      ASSERT_TRUE(pre != nullptr) << name << "[" << i << "]: executor " << ex[i] << ", float semantics " << v.v[i];
      const double y = (*pre)[i];
      const double dist = std::fabs(y - std::floor(y) - 0.5);
      const double eps = tie_eps(net, op, i, y);
      ASSERT_EQ(std::fabs(double(ex[i]) - v.v[i]), 1.0)
          << name << "[" << i << "]: executor " << ex[i] << ", float semantics " << v.v[i] << " (x/s = " << y << ")";
      ASSERT_LE(dist, eps) << name << "[" << i << "]: executor " << ex[i] << ", float semantics " << v.v[i]
                           << ", x/s = " << y << " is not a rounding tie";
      ++fc.ties;
      v.v[i] = double(ex[i]);  // continue from the executor's value
    }
  };
  FT x;
  x.dims = net.tensors[size_t(net.input)].shape;
  x.dims[0] = batch;
  x.v.assign(input.begin(), input.end());
  fc.float_out = ev.run(net.tensors[size_t(net.input)].name, x);
  if (::testing::Test::HasFatalFailure() || loose) return fc;

  // the final output
  EXPECT_EQ(fc.ref.output.size(), fc.float_out.v.size());
  double tol_abs = 0;
  for (const auto& op : net.ops)
    if (op.on_device() && op.dev.raw)
      for (double s : op.dev.real_scale) tol_abs = std::max(tol_abs, 0.5 * s);
  for (size_t i = 0; i < fc.ref.output.size() && i < fc.float_out.v.size(); ++i)
    EXPECT_NEAR(fc.ref.output[i], fc.float_out.v[i], tol_abs + 1e-5 * std::max(1.0, std::fabs(fc.float_out.v[i])))
        << "output[" << i << "]";
  return fc;
}

}  // namespace bft
