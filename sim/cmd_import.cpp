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
    j["geometry"] = {{"in_c", g.in_c},
                     {"in_h", g.in_h},
                     {"in_w", g.in_w},
                     {"out_c", g.out_c},
                     {"out_h", g.out_h},
                     {"out_w", g.out_w},
                     {"kernel", {g.kernel_h, g.kernel_w}},
                     {"stride", {g.stride_h, g.stride_w}},
                     {"pads", {g.pad_top, g.pad_left, g.pad_bottom, g.pad_right}}};
    j["in_zero_point"] = d.in_zero_point;
    j["requant"] = d.raw ? "raw" : d.per_channel ? "per-channel" : "per-layer";
    if (!d.raw) {
      j["requant_params"] = json::array();
      for (const auto& r : d.requant)
        j["requant_params"].push_back({{"mult", r.mult}, {"shift", r.shift}, {"round", r.round}});
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
  print_network(net, stdout);

  if (!o.json_path.empty()) {
    json j = {{"source", net.source},
              {"opset", net.opset},
              {"producer", net.producer},
              {"input", tensor_json(net.tensors[size_t(net.input)])},
              {"output", tensor_json(net.tensors[size_t(net.output)])},
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
