// Fuzz target: the ONNX importer (frontend/onnx_import.cpp), on the bytes
// of a model (import_onnx_bytes; import_onnx_file only reads the file).
//
// A model either imports or fails with the one-line std::runtime_error of
// the contract. An imported QNet must be well formed: tensor and op
// indices in range and ops in topological order, every shape positive (the
// batch may be symbolic) with a per-image size that fits int64, integer
// tensors with a positive finite scale and a type that holds their range,
// device ops with operand widths of 1, 2, 4, 8 or 16 bits, a consistent
// geometry and parameter vectors of the right sizes, MACs that add up
// without overflow; what `bitfusion import` prints (print_network) must be
// printable; a small network must run on the integer reference.
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "frontend/onnx_import.hpp"
#include "frontend/qnet_ref.hpp"
#include "fuzz/fuzz_check.hpp"

namespace bf::fuzz {
namespace {

bool device_width(const Operand& o) { return o.bits == 1 || o.bits == 2 || o.bits == 4 || o.bits == 8 || o.bits == 16; }

std::string op_id(const fe::Op& op, size_t k) {
  return "op " + std::to_string(k) + " (" + fe::op_kind_name(op.kind) + ")";
}

// Per-image elements of a tensor, or -1 when the product overflows.
int64_t checked_per_image(const fe::Tensor& t) {
  int64_t n = 1;
  for (size_t i = 1; i < t.shape.size(); ++i)
    if (__builtin_mul_overflow(n, t.shape[i], &n)) return -1;
  return n;
}

void check_tensor(const fe::Tensor& t, size_t id) {
  const std::string w = "tensor " + std::to_string(id);
  require(!t.shape.empty(), w + " has no shape");
  require(t.shape[0] > 0 || t.shape[0] == fe::kSymbolicBatch, w + ": batch " + std::to_string(t.shape[0]));
  for (size_t i = 1; i < t.shape.size(); ++i)
    require(t.shape[i] > 0, w + ": dimension " + std::to_string(i) + " is " + std::to_string(t.shape[i]));
  require(checked_per_image(t) > 0, w + ": per-image size overflows");
  if (t.is_float) return;
  const fe::Quant& q = t.q;
  require(!q.scale.empty(), w + ": no scale");
  for (double s : q.scale) require(std::isfinite(s) && s > 0, w + ": scale not positive and finite");
  require(q.scale.size() == 1 || int64_t(q.scale.size()) == t.channels(), w + ": scale count is not 1 or the channels");
  const Operand& ty = q.type;
  require(device_width(ty) || (ty.bits == 32 && ty.is_signed), w + ": type " + fe::operand_str(ty));
  require(q.qmin <= q.qmax, w + ": empty range");
  const int64_t lo = std::min(q.qmin, q.zero_point), hi = std::max(q.qmax, q.zero_point);
  require(lo >= fe::operand_min(ty) && hi <= fe::operand_max(ty),
          w + ": range and zero point do not fit its type " + fe::operand_str(ty));
}

void check_device_op(const fe::QNet& net, const fe::Op& op, const std::string& w) {
  const fe::DeviceLayer& d = op.dev;
  const fe::Geometry& g = d.g;
  require(device_width(d.act) && device_width(d.wgt),
          w + ": widths " + fe::operand_str(d.act) + " x " + fe::operand_str(d.wgt));
  for (int v : {g.in_c, g.in_h, g.in_w, g.out_c, g.out_h, g.out_w, g.kernel_h, g.kernel_w, g.stride_h, g.stride_w})
    require(v > 0, w + ": a geometry value is " + std::to_string(v));
  for (int v : {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}) require(v >= 0, w + ": negative padding");
  const size_t oc = size_t(g.out_c);
  uint64_t weights = 0;
  require(
      !__builtin_mul_overflow(uint64_t(g.out_c), uint64_t(g.kernel_size()), &weights) && d.weights.size() == weights,
      w + ": weight count is not out_c * in_c * kernel");
  require(d.weight_sums.size() == oc && d.bias.size() == oc && d.bias_dev.size() == oc,
          w + ": weight sums / bias sizes differ from out_c");
  for (int64_t v : d.weights)
    require(v >= fe::operand_min(d.wgt) && v <= fe::operand_max(d.wgt), w + ": a weight outside its width");
  for (int64_t v : d.bias_dev) require(v >= INT32_MIN && v <= INT32_MAX, w + ": device bias outside int32");
  if (!d.raw) {
    require(d.requant.size() == (d.per_channel ? oc : 1), w + ": requantization count");
    require(d.out_lo <= d.out_hi, w + ": empty output range");
  }
  const fe::Tensor& in = net.tensors[size_t(op.inputs.at(0))];
  const fe::Tensor& out = net.tensors[size_t(op.output)];
  require(!in.is_float && in.q.type.bits == d.act.bits && in.q.type.is_signed == d.act.is_signed,
          w + ": act differs from the input tensor's type");
  require(out.per_image() == int64_t(g.out_c) * g.out_h * g.out_w,
          w + ": output tensor size differs from the geometry");
}

// Small enough to run on the reference in a fuzz iteration.
bool small(const fe::QNet& net) {
  for (const auto& t : net.tensors)
    if (t.per_image() > 4096) return false;
  return net.device_macs_per_image() <= 200000;
}

void check_net(const fe::QNet& net) {
  const size_t nt = net.tensors.size();
  require(net.input >= 0 && size_t(net.input) < nt && net.output >= 0 && size_t(net.output) < nt,
          "input / output index out of range");
  require(net.tensors[size_t(net.input)].is_float, "the network input is not float");
  for (size_t t = 0; t < nt; ++t) check_tensor(net.tensors[t], t);
  std::vector<bool> ready(nt, false);
  ready[size_t(net.input)] = true;
  uint64_t macs = 0;
  for (size_t k = 0; k < net.ops.size(); ++k) {
    const fe::Op& op = net.ops[k];
    const std::string w = op_id(op, k);
    require(!op.inputs.empty(), w + " has no inputs");
    for (int i : op.inputs)
      require(i >= 0 && size_t(i) < nt && ready[size_t(i)], w + ": an input out of range or not computed yet");
    require(op.output >= 0 && size_t(op.output) < nt && !ready[size_t(op.output)],
            w + ": output out of range or written twice");
    ready[size_t(op.output)] = true;
    if (op.on_device()) {
      check_device_op(net, op, w);
      uint64_t m = 0;
      require(!__builtin_mul_overflow(uint64_t(op.dev.g.out_c) * uint64_t(op.dev.g.out_h) * uint64_t(op.dev.g.out_w),
                                      uint64_t(op.dev.g.kernel_size()), &m) &&
                  m == op.dev.macs_per_image(),
              w + ": MACs overflow");
      require(!__builtin_add_overflow(macs, m, &macs), "device MACs overflow");
    }
    (void)fe::requant_text(net, op);
  }
  require(ready[size_t(net.output)], "the network output is never computed");
  require(macs == net.device_macs_per_image(), "device MACs do not add up");
  static std::FILE* null = std::fopen("/dev/null", "w");
  if (null) fe::print_network(net, null);
}

}  // namespace

void onnx(const uint8_t* data, size_t size) {
  fe::QNet net;
  try {
    net = fe::import_onnx_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
  } catch (const std::runtime_error& e) {
    check_message(e.what());
    return;
  }
  check_net(net);
  if (small(net)) {
    // What imported runs: a std::runtime_error here is one of its stated
    // limits (e.g. a 32-bit overflow it reports), anything else a finding.
    try {
      const int64_t per = net.tensors[size_t(net.input)].per_image();
      (void)fe::run_reference(net, std::vector<float>(size_t(per), 0.5f), 1);
    } catch (const std::runtime_error& e) {
      check_message(e.what());
    }
  }
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::onnx)
