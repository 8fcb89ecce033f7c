// `bitfusion import M.onnx [--json FILE]`: imports a quantized ONNX model
// (frontend/onnx_import.hpp) and prints the mapped network, one row per op:
// where it runs, its shapes, operand widths, MACs and requantization.
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frontend/onnx_import.hpp"
#include "sim/commands.hpp"

namespace {

using namespace bf::fe;
using nlohmann::json;

struct Options {
  std::string model, json_path;
};

std::string fmt(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string rq_text(const bf::RequantParams& r) {
  return std::to_string(r.mult) + ">>" + std::to_string(r.shift);
}

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
    case OpKind::Requantize:
      return rq_text(op.by_count.at(0)) + " z" + std::to_string(out.q.zero_point);
    case OpKind::AveragePool:
    case OpKind::GlobalAveragePool:
      for (size_t k = op.by_count.size(); k-- > 1;)
        if (op.by_count[k].mult != 1 || op.by_count[k].shift != 0) return "sum/" + std::to_string(k) + ": " + rq_text(op.by_count[k]);
      return "-";
    case OpKind::Add:
      return std::to_string(op.add.mult_a) + "," + std::to_string(op.add.mult_b) + ">>" + std::to_string(op.add.shift);
    default:
      return "-";
  }
}

json tensor_json(const Tensor& t) {
  json j = {{"name", t.name}, {"shape", t.shape}, {"type", type_text(t)}};
  if (!t.is_float) {
    j["scale"] = t.q.scale;
    j["zero_point"] = t.q.zero_point;
    j["range"] = {t.q.qmin, t.q.qmax};
  }
  return j;
}

json op_json(const QNet& n, const Op& op) {
  json j = {{"name", op.name}, {"op", op_kind_name(op.kind)}, {"runs", op.on_device() ? "device" : "host"}};
  j["inputs"] = json::array();
  for (int i : op.inputs) j["inputs"].push_back(n.tensors[size_t(i)].name);
  j["output"] = n.tensors[size_t(op.output)].name;
  if (op.on_device()) {
    const auto& d = op.dev;
    const auto& g = d.g;
    j["act"] = operand_str(d.act);
    j["wgt"] = operand_str(d.wgt);
    j["macs_per_image"] = d.macs_per_image();
    j["geometry"] = {{"in_c", g.in_c}, {"in_h", g.in_h}, {"in_w", g.in_w}, {"out_c", g.out_c}, {"out_h", g.out_h},
                     {"out_w", g.out_w}, {"kernel", {g.kernel_h, g.kernel_w}}, {"stride", {g.stride_h, g.stride_w}},
                     {"pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}}};
    j["in_zero_point"] = d.in_zero_point;
    j["requant"] = d.raw ? "raw" : d.per_channel ? "per-channel" : "per-layer";
    if (!d.raw) {
      j["requant_params"] = json::array();
      for (const auto& r : d.requant) j["requant_params"].push_back({{"mult", r.mult}, {"shift", r.shift}, {"round", r.round}});
      j["out_zero_point"] = d.out_zero_point;
      j["out_range"] = {d.out_lo, d.out_hi};
    }
    j["real_scale"] = d.real_scale;
  } else {
    j["requant"] = requant_text(n, op);
  }
  return j;
}

void do_import(const Options& o) {
  QNet net;
  try {
    net = import_onnx_file(o.model);
  } catch (const std::exception& e) {
    throw bf::cli::UserError(e.what());
  }
  const Tensor& in = net.tensors[size_t(net.input)];
  const Tensor& out = net.tensors[size_t(net.output)];
  std::printf("%s: opset %d, %s; input %s %s (%s), output %s %s (%s)\n", net.source.c_str(), net.opset,
              net.producer.empty() ? "unknown producer" : net.producer.c_str(), in.name.c_str(), in.shape_str().c_str(),
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
    for (size_t k = 0; k < op.inputs.size(); ++k) shapes += (k ? "," : "") + net.tensors[size_t(op.inputs[k])].shape_str();
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
    std::printf("%s\n", line.c_str());
  }
  std::printf("total: %zu ops (%d on the device), %llu MACs per image on the device\n", net.ops.size(), dev,
              static_cast<unsigned long long>(net.device_macs_per_image()));

  if (!o.json_path.empty()) {
    json j = {{"source", net.source}, {"opset", net.opset}, {"producer", net.producer},
              {"input", tensor_json(in)}, {"output", tensor_json(out)},
              {"device_macs_per_image", net.device_macs_per_image()}};
    j["tensors"] = json::array();
    for (const auto& t : net.tensors) j["tensors"].push_back(tensor_json(t));
    j["ops"] = json::array();
    for (const auto& op : net.ops) j["ops"].push_back(op_json(net, op));
    std::ofstream f(o.json_path);
    f << j.dump(2) << "\n";
    if (!f) throw bf::cli::UserError("cannot write '" + o.json_path + "'");
  }
}

const bf::cli::CommandRegistrar reg(45, [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* c = app.add_subcommand("import", "Import a quantized (QDQ) ONNX model and print the mapped network");
  c->add_option("model", o->model, "ONNX model (opset 13+, QuantizeLinear / DequantizeLinear)")->required();
  c->add_option("--json", o->json_path, "Also write the mapped network as JSON");
  c->callback([o] { do_import(*o); });
});

}  // namespace
