#include "frontend/qnet.hpp"

#include <algorithm>
#include <cstdio>

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
  static const Operand order[] = {{1, false}, {2, false}, {2, true},   {4, false}, {4, true},
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
      w += (pt == pl && pl == pb && pb == pr) ? " p" + std::to_string(pt)
                                              : " p" + std::to_string(pt) + "," + std::to_string(pl) + "," +
                                                    std::to_string(pb) + "," + std::to_string(pr);
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

namespace {

std::string fmt(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string rq_text(const bf::RequantParams& r) { return std::to_string(r.mult) + ">>" + std::to_string(r.shift); }

}  // namespace

std::string requant_text(const QNet& n, const Op& op) {
  const Tensor& out = n.tensors[size_t(op.output)];
  switch (op.kind) {
    case OpKind::Conv:
    case OpKind::Fc: {
      const auto& d = op.dev;
      if (d.raw) return "raw (int32, host dequantizes)";
      const std::string zc = " z" + std::to_string(d.out_zero_point) + " [" + std::to_string(d.out_lo) + "," +
                             std::to_string(d.out_hi) + "]";
      if (d.per_channel) return "per-channel (" + std::to_string(d.requant.size()) + ")" + zc;
      return "per-layer " + rq_text(d.requant[0]) + zc;
    }
    case OpKind::Quantize:
      return "scale " + fmt(out.q.scale[0]) + " z" + std::to_string(out.q.zero_point) + " [" +
             std::to_string(out.q.qmin) + "," + std::to_string(out.q.qmax) + "]";
    case OpKind::Dequantize: {
      const Tensor& in = n.tensors[size_t(op.inputs[0])];
      return in.q.scale.size() > 1 ? "per-channel scale" : "scale " + fmt(in.q.scale[0]);
    }
    case OpKind::Requantize: return rq_text(op.by_count.at(0)) + " z" + std::to_string(out.q.zero_point);
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool:
      for (size_t k = op.by_count.size(); k-- > 1;)
        if (op.by_count[k].mult != 1 || op.by_count[k].shift != 0)
          return "sum/" + std::to_string(k) + ": " + rq_text(op.by_count[k]);
      return "-";
    case OpKind::Add:
      return std::to_string(op.add.mult_a) + "," + std::to_string(op.add.mult_b) + ">>" + std::to_string(op.add.shift);
    default: return "-";
  }
}

void print_network(const QNet& net, std::FILE* f) {
  const Tensor& in = net.tensors[size_t(net.input)];
  const Tensor& out = net.tensors[size_t(net.output)];
  std::fprintf(f, "%s: opset %d, %s; input %s %s (%s), output %s %s (%s)\n", net.source.c_str(), net.opset,
               net.producer.empty() ? "unknown producer" : net.producer.c_str(), in.name.c_str(),
               in.shape_str().c_str(),
               in.shape[0] == kSymbolicBatch ? "batch N" : ("batch " + std::to_string(in.shape[0])).c_str(),
               out.name.c_str(), out.shape_str().c_str(), type_text(out).c_str());

  struct Row {
    std::string c[7];
  };
  std::vector<Row> rows;
  rows.push_back({{"op", "kind", "input -> output", "widths", "MACs/image", "runs", "requantization"}});
  int dev = 0;
  for (const Op& op : net.ops) {
    std::string shapes;
    for (size_t k = 0; k < op.inputs.size(); ++k)
      shapes += (k ? "," : "") + net.tensors[size_t(op.inputs[k])].shape_str();
    shapes += " -> " + net.tensors[size_t(op.output)].shape_str();
    dev += op.on_device();
    rows.push_back({{op.name, op_text(op), shapes, widths_text(net, op),
                     op.on_device() ? std::to_string(op.dev.macs_per_image()) : "-", op.on_device() ? "device" : "host",
                     requant_text(net, op)}});
  }
  size_t w[7] = {};
  for (const auto& r : rows)
    for (int k = 0; k < 7; ++k) w[k] = std::max(w[k], r.c[k].size());
  for (const auto& r : rows) {
    std::string line;
    for (int k = 0; k < 7; ++k) {
      std::string cell = r.c[k];
      if (k < 6) cell.resize(w[k], ' ');
      if (k == 4 && &r != &rows[0]) cell = std::string(w[k] - r.c[k].size(), ' ') + r.c[k];
      line += cell + (k < 6 ? "  " : "");
    }
    std::fprintf(f, "%s\n", line.c_str());
  }
  std::fprintf(f, "total: %zu ops (%d on the device), %llu MACs per image on the device\n", net.ops.size(), dev,
               static_cast<unsigned long long>(net.device_macs_per_image()));
}

}  // namespace bf::fe
