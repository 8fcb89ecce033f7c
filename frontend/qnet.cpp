#include "frontend/qnet.hpp"

namespace bf::fe {

int64_t Tensor::per_image() const {
  int64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

std::string Tensor::shape_str() const {
  std::string s;
  for (size_t i = 1; i < shape.size(); ++i) s += (i > 1 ? "x" : "") + std::to_string(shape[i]);
  return s.empty() ? "1" : s;
}

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::Quantize: return "quantize";
    case OpKind::Dequantize: return "dequantize";
    case OpKind::Conv: return "conv";
    case OpKind::Fc: return "fc";
    case OpKind::MaxPool: return "maxpool";
    case OpKind::AveragePool: return "avgpool";
    case OpKind::GlobalAveragePool: return "global-avgpool";
    case OpKind::Add: return "add";
    case OpKind::Concat: return "concat";
    case OpKind::Reshape: return "reshape";
    case OpKind::Requantize: return "requantize";
    case OpKind::Pad: return "pad";
  }
  return "?";
}

uint64_t QNet::device_macs_per_image() const {
  uint64_t n = 0;
  for (const auto& op : ops)
    if (op.on_device()) n += op.dev.macs_per_image();
  return n;
}

int64_t operand_min(const Operand& o) {
  if (o.bits >= 32) return INT32_MIN;
  return o.is_signed ? -(int64_t{1} << (o.bits - 1)) : 0;
}

int64_t operand_max(const Operand& o) {
  if (o.bits >= 32) return INT32_MAX;
  return o.is_signed ? (int64_t{1} << (o.bits - 1)) - 1 : (int64_t{1} << o.bits) - 1;
}

Operand narrowest_operand(int64_t lo, int64_t hi) {
  static const Operand order[] = {{1, false}, {2, false}, {2, true},  {4, false}, {4, true},
                                  {8, false}, {8, true},  {16, false}, {16, true}};
  for (const Operand& o : order)
    if (lo >= operand_min(o) && hi <= operand_max(o)) return o;
  return Operand{32, true};
}

std::string operand_str(const Operand& o) {
  if (o.bits >= 32) return "i32";
  return (o.is_signed ? "s" : "u") + std::to_string(o.bits);
}

std::string op_text(const Op& op) {
  std::string s = op_kind_name(op.kind);
  auto window = [](int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr) {
    std::string w = " " + std::to_string(kh) + "x" + std::to_string(kw);
    if (sh != 1 || sw != 1) w += "/" + (sh == sw ? std::to_string(sh) : std::to_string(sh) + "," + std::to_string(sw));
    if (pt || pl || pb || pr)
      w += (pt == pl && pl == pb && pb == pr)
               ? " p" + std::to_string(pt)
               : " p" + std::to_string(pt) + "," + std::to_string(pl) + "," + std::to_string(pb) + "," + std::to_string(pr);
    return w;
  };
  const auto& g = op.dev.g;
  const auto& p = op.pool;
  if (op.kind == OpKind::Conv)
    s += window(g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, g.pad_top, g.pad_left, g.pad_bottom, g.pad_right);
  if (op.kind == OpKind::MaxPool || op.kind == OpKind::AveragePool)
    s += window(p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.pad_top, p.pad_left, p.pad_bottom, p.pad_right);
  return s;
}

std::string type_text(const Tensor& t) { return t.is_float ? "f32" : operand_str(t.q.type); }

std::string widths_text(const QNet& n, const Op& op) {
  if (op.on_device()) return operand_str(op.dev.act) + " x " + operand_str(op.dev.wgt);
  std::string s;
  for (size_t k = 0; k < op.inputs.size(); ++k) s += (k ? "," : "") + type_text(n.tensors[size_t(op.inputs[k])]);
  return s + " -> " + type_text(n.tensors[size_t(op.output)]);
}

}  // namespace bf::fe
