#include "model/rtl_model.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace bf::model {

LayerStats RtlLayerStats::as_layer_stats() const {
  LayerStats s;
  s.cycles = int64_t(cycles);
  s.compute_cycles = int64_t(array_steps);
  s.stall_cycles = int64_t(cycles) - int64_t(array_steps);
  s.reads[kAct] = int64_t(ibuf_rd), s.writes[kAct] = int64_t(ibuf_wr);
  s.reads[kWgt] = int64_t(wbuf_rd), s.writes[kWgt] = int64_t(wbuf_wr);
  s.reads[kOut] = int64_t(obuf_rd), s.writes[kOut] = int64_t(obuf_wr);
  s.reads[kDram] = int64_t(dram_rd_bits), s.writes[kDram] = int64_t(dram_wr_bits);
  return s;
}

RtlLayerStats rtl_layer_stats(const CompiledLayer& c, const RtlModelOptions& opt) {
  RtlLayerStats r;
  static_cast<TimingStats&>(r) = predict_timing(c, opt);
  return r;
}

// ------------------------------------------------------------ networks

LayerDesc rtl_layer_desc(const Network& net, size_t li, int batch) {
  const Layer& l = net.layers.at(li);
  if (!l.is_compute()) throw std::runtime_error("layer '" + l.name + "' is not a conv or fc layer");
  const Layer* next = nullptr;
  for (size_t j = li + 1; j < net.layers.size(); ++j)
    if (net.layers[j].is_compute()) {
      next = &net.layers[j];
      break;
    }
  LayerDesc d;
  if (l.type == LayerType::Fc) {
    d = make_fc(batch, int(l.in.size()), l.out_features);
  } else {
    const int pb = l.pad_before();
    d = make_conv(batch, l.in.c, l.out_channels, l.in.h, l.in.w, l.kernel, l.stride, pb);
    // TensorFlow SAME padding with one more row/column after than before:
    // the compiler pads symmetrically, so the extra zero row/column is
    // modelled as part of the stored input.
    if (d.out_h() != l.out.h) d.in_h += 1;
    if (d.out_w() != l.out.w) d.in_w += 1;
    if (d.out_h() != l.out.h || d.out_w() != l.out.w)
      throw std::runtime_error("layer '" + l.name + "': padding the compiler cannot express");
  }
  d.name = l.name;
  d.act = {l.act_bits, l.act_signed};
  d.wgt = {l.wgt_bits, l.wgt_signed};
  if (next) {
    d.out_bits = next->act_bits;
    d.relu = l.relu;
  }
  return d;
}

RtlLayerPlan rtl_plan(const Network& net, size_t li, int batch, const ArrayConfig& cfg) {
  return rtl_plan(rtl_layer_desc(net, li, batch), cfg);
}

RtlLayerPlan rtl_plan(const LayerDesc& d, const ArrayConfig& cfg) {
  RtlLayerPlan p;
  p.desc = d;
  LoweredLayer l = compile_lowered(d, cfg);  // as the CLI's backends do
  p.form = l.form;
  p.compiled = std::move(l.compiled);
  return p;
}

RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, int batch, const RtlModelOptions& opt) {
  std::vector<LayerDesc> descs;
  for (size_t i = 0; i < net.layers.size(); ++i)
    if (net.layers[i].is_compute()) descs.push_back(rtl_layer_desc(net, i, batch));
  return rtl_run(cfg, net, descs, opt);
}

RtlNetworkResult rtl_run(const ArrayConfig& cfg, const Network& net, const std::vector<LayerDesc>& descs,
                         const RtlModelOptions& opt) {
  RtlNetworkResult r;
  r.network = net.name;
  r.batch = descs.empty() ? 0 : descs[0].batch;
  const Design d = bitfusion_design(cfg);
  // Identical layers (same description and output stage) are modelled once.
  using Key = std::tuple<int, int, int, int, int, int, int, int, int, int, int, bool, int, bool, bool, bool>;
  std::map<Key, std::pair<RtlLayerPlan, RtlLayerStats>> cache;
  size_t k = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (!l.is_compute()) continue;
    if (k >= descs.size()) throw std::runtime_error("rtl_run: fewer layer descriptions than conv/fc layers");
    const LayerDesc& ld = descs[k++];
    const Key key{ld.batch,    ld.in_c,          ld.out_c,    ld.in_h,           ld.in_w,     ld.kernel_h,
                  ld.stride,   ld.pad,           ld.act.bits, ld.wgt.bits,       ld.out_bits, ld.relu,
                  ld.kernel_w, ld.act.is_signed, ld.bias,     ld.channel_requant};
    auto it = cache.find(key);
    if (it == cache.end()) {
      RtlLayerPlan plan = rtl_plan(ld, cfg);
      const RtlLayerStats s = rtl_layer_stats(plan.compiled, opt);
      it = cache.emplace(key, std::make_pair(std::move(plan), s)).first;
    }
    RtlLayerResult lr;
    lr.layer = &l;
    lr.plan = it->second.first;
    lr.rtl = it->second.second;
    lr.stats = lr.rtl.as_layer_stats();
    lr.macs = int64_t(ld.macs());
    lr.ideal_cycles = double(lr.macs) / d.peak_macs(ld.act.bits, ld.wgt.bits);
    r.total += lr.stats;
    r.macs += lr.macs;
    r.ideal_cycles += lr.ideal_cycles;
    const RtlLayerStats& s = lr.rtl;
    RtlLayerStats& t = r.rtl_total;
    t.cycles += s.cycles, t.fetch_cycles += s.fetch_cycles, t.array_steps += s.array_steps;
    t.tile_cmds += s.tile_cmds, t.steps += s.steps, t.loads += s.loads, t.stores += s.stores;
    t.read_beats += s.read_beats, t.write_beats += s.write_beats, t.fetch_beats += s.fetch_beats;
    t.read_bytes += s.read_bytes, t.write_bytes += s.write_bytes;
    t.ibuf_rd += s.ibuf_rd, t.ibuf_wr += s.ibuf_wr, t.wbuf_rd += s.wbuf_rd, t.wbuf_wr += s.wbuf_wr;
    t.obuf_rd += s.obuf_rd, t.obuf_wr += s.obuf_wr, t.dram_rd_bits += s.dram_rd_bits, t.dram_wr_bits += s.dram_wr_bits;
    r.layers.push_back(std::move(lr));
  }
  return r;
}

}  // namespace bf::model
