#include "sim/onnx_runner.hpp"

#include <chrono>
#include <map>
#include <stdexcept>

#include "frontend/device_map.hpp"
#include "frontend/qnet_ref.hpp"
#include "model/design.hpp"
#include "model/rtl_model.hpp"
#include "sim/commands.hpp"

namespace bf::cli {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

OnnxRunResult run_onnx(const fe::QNet& net, const std::vector<float>& x, int images, const OnnxRunOptions& opt) {
  if (images < 1) throw UserError("no images to run");
  if (opt.batch < 1) throw UserError("the batch must be at least 1 image");
  const int64_t per_image = net.tensors.at(size_t(net.input)).per_image();
  if (x.size() != size_t(images) * size_t(per_image))
    throw std::runtime_error("run_onnx: " + std::to_string(x.size()) + " input values for " + std::to_string(images) +
                             " images of " + std::to_string(per_image));
  const auto t_start = std::chrono::steady_clock::now();
  const model::Design design = model::bitfusion_design(opt.cfg);
  OnnxRunResult r;
  r.images = images;
  r.ops.resize(net.ops.size());
  for (size_t i = 0; i < net.ops.size(); ++i) r.ops[i].op = int(i), r.ops[i].device = net.ops[i].on_device();
  if (opt.keep_tensors) r.tensors.resize(net.tensors.size());
  std::map<std::pair<size_t, int>, double> energy_pj;  // (op, batch) -> the model's energy of one run

  for (int start = 0; start < images; start += opt.batch) {
    const int b = std::min(opt.batch, images - start);
    fe::RefResult st = fe::start_run(net, b);
    st.f[size_t(net.input)].assign(x.begin() + long(start) * per_image, x.begin() + long(start + b) * per_image);
    for (size_t i = 0; i < net.ops.size(); ++i) {
      const fe::Op& op = net.ops[i];
      OnnxOpStats& s = r.ops[i];
      const auto t0 = std::chrono::steady_clock::now();
      if (!op.on_device()) {
        fe::run_op(net, op, st);
        s.wall_seconds += seconds_since(t0);
        continue;
      }
      fe::DeviceMapping m;
      try {
        m = fe::map_device_op(op, b);
      } catch (const std::runtime_error& e) {
        throw UserError(net.source + ": " + e.what());
      }
      const std::vector<int64_t>& xin = st.q[size_t(op.inputs.at(0))];
      const std::vector<int64_t> xd = fe::device_input(m, op, xin, b);
      const LayerOperands operands{xd, op.dev.weights, op.dev.bias_dev,
                                   m.desc.channel_requant ? &op.dev.requant : nullptr, m.pad_value};
      std::function<void(uint64_t)> progress;
      if (opt.on_cycles) progress = [&](uint64_t c) { opt.on_cycles(op.name, c); };
      LayerRun lr;
      try {
        lr = run_layer(m.desc, opt.cfg, operands, opt.backend, opt.lowering, {}, progress);
      } catch (const UserError& e) {
        throw UserError(net.source + ": node '" + op.name + "': " + e.what());
      }
      if (opt.check) {
        const std::vector<int64_t> want = fe::device_op_ref(op, xin, b);
        uint64_t bad = want.size() == lr.y.size() ? 0 : std::max(want.size(), lr.y.size());
        if (!bad)
          for (size_t k = 0; k < want.size(); ++k) bad += want[k] != lr.y[k];
        s.mismatched_values += bad;
        s.mismatched_runs += bad != 0;
      }
      auto e = energy_pj.find({i, b});
      if (e == energy_pj.end()) {
        const model::RtlLayerPlan plan = model::rtl_plan(m.desc, opt.cfg);
        const double pj = model::rtl_layer_stats(plan.compiled).as_layer_stats().energy_nj(design.energy) * 1e3;
        e = energy_pj.emplace(std::make_pair(i, b), pj).first;
      }
      s.energy_pj += e->second;
      if (s.runs == 0) s.tiling = lr.summary, s.form = lr.form, s.host_pad = m.host_pads();
      ++s.runs;
      s.cycles += lr.cycles;
      s.macs += lr.macs;
      s.ideal_cycles += lr.utilization * double(lr.cycles);
      s.dram_read_bytes += lr.dram_read_bytes;
      s.dram_write_bytes += lr.dram_write_bytes;
      st.q[size_t(op.output)] = std::move(lr.y);  // the device's output feeds the next op
      s.wall_seconds += seconds_since(t0);
    }
    fe::finish_run(net, st);
    r.output.insert(r.output.end(), st.output.begin(), st.output.end());
    if (r.output_shape.empty()) r.output_shape = st.output_shape;
    if (opt.keep_tensors)
      for (size_t t = 0; t < net.tensors.size(); ++t)
        r.tensors[t].insert(r.tensors[t].end(), st.q[t].begin(), st.q[t].end());
    if (opt.on_batch) opt.on_batch(start + b, images);
  }
  r.output_shape.at(0) = images;
  for (const auto& s : r.ops) {
    r.cycles += s.cycles, r.macs += s.macs, r.energy_pj += s.energy_pj;
    r.dram_read_bytes += s.dram_read_bytes, r.dram_write_bytes += s.dram_write_bytes;
    r.mismatched_runs += s.mismatched_runs;
  }
  r.wall_seconds = seconds_since(t_start);
  return r;
}

std::vector<int64_t> top1(const OnnxRunResult& r) {
  std::vector<int64_t> p;
  if (r.images < 1 || r.output.empty()) return p;
  const size_t per = r.output.size() / size_t(r.images);
  for (int i = 0; i < r.images; ++i) {
    size_t best = 0;
    for (size_t k = 1; k < per; ++k)
      if (r.output[size_t(i) * per + k] > r.output[size_t(i) * per + best]) best = k;
    p.push_back(int64_t(best));
  }
  return p;
}

}  // namespace bf::cli
