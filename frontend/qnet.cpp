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

}  // namespace bf::fe
