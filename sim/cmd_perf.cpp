// `bitfusion perf`: the performance and energy model on a network, per
// layer and in total (table, or CSV with --csv).
#include <cstdio>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

#include "frontend/device_map.hpp"
#include "frontend/onnx_import.hpp"
#include "golden/config.hpp"
#include "model/network.hpp"
#include "model/paper_model.hpp"
#include "model/roofline.hpp"
#include "model/rtl_model.hpp"
#include "sim/commands.hpp"
#include "sim/options.hpp"

namespace {

using namespace bf::model;

struct Options {
  std::string net, onnx, config = "bf16x32", mode = "rtl";
  std::vector<std::string> sets;
  int batch = 0;
  int as_bits = 0;  // --as-bits: every device layer at this operand width (a fixed-width baseline)
  bool csv = false;
};

// An imported network as the model's network (its conv / fc layers, in
// order) and the device layers they run as (frontend/device_map.hpp).
struct Imported {
  Network net;
  std::vector<bf::LayerDesc> descs;
};

Imported from_onnx(const Options& o, int batch) {
  bf::fe::QNet q;
  try {
    q = bf::fe::import_onnx_file(o.onnx);
  } catch (const std::runtime_error& e) {
    throw bf::cli::UserError(e.what());
  }
  Imported im;
  const std::string file = o.onnx.substr(o.onnx.rfind('/') + 1);
  im.net.name = file.substr(0, file.rfind('.'));
  im.net.file = o.onnx;
  const auto& in = q.tensors.at(size_t(q.input)).shape;
  im.net.input = {int(in.size() > 1 ? in[1] : 1), int(in.size() > 2 ? in[2] : 1), int(in.size() > 3 ? in[3] : 1)};
  im.net.batch = batch;
  int quantized_input = -1;
  for (const auto& op : q.ops)
    if (op.kind == bf::fe::OpKind::Quantize) quantized_input = op.output;
  for (const auto& op : q.ops) {
    if (!op.on_device()) continue;
    bf::fe::DeviceMapping m;
    try {
      m = bf::fe::map_device_op(op, batch);
    } catch (const std::runtime_error& e) {
      throw bf::cli::UserError(o.onnx + ": " + e.what());
    }
    bf::LayerDesc d = m.desc;
    if (o.as_bits) {
      d.act.bits = d.wgt.bits = o.as_bits;
      if (d.out_bits) {
        d.out_bits = o.as_bits;
        d.clamp = false, d.zero_point = 0;
      }
    }
    const auto& g = op.dev.g;
    Layer l;
    l.name = op.name;
    l.type = op.kind == bf::fe::OpKind::Fc ? LayerType::Fc : LayerType::Conv;
    l.act_bits = d.act.bits, l.wgt_bits = d.wgt.bits;
    l.act_signed = d.act.is_signed, l.wgt_signed = d.wgt.is_signed;
    l.relu = d.relu;
    l.in = {g.in_c, g.in_h, g.in_w};
    l.out = {g.out_c, g.out_h, g.out_w};
    l.out_channels = l.out_features = g.out_c;
    l.kernel = g.kernel_h, l.stride = g.stride_h;
    l.pad_mode = PadMode::Explicit, l.pad = g.pad_top;
    l.reads_input = op.inputs.at(0) == quantized_input;
    if (o.mode == "paper" && g.kernel_h != g.kernel_w)
      throw bf::cli::UserError(o.onnx + ": node '" + op.name + "' has a " + std::to_string(g.kernel_h) + "x" +
                               std::to_string(g.kernel_w) + " kernel; the paper model needs square kernels");
    im.net.layers.push_back(l);
    im.descs.push_back(d);
  }
  return im;
}

// One printed row: a conv/fc layer (or the total) in either mode.
struct Row {
  const Layer* layer = nullptr;
  LayerStats stats;
  int64_t macs = 0;
  double ideal_cycles = 0;
  Roofline roof;       // the layer's lower bound (model/roofline.hpp)
  std::string tiling;  // paper: tile sizes and order; rtl: the compiler's tiling
};

struct Result {
  std::string network;
  int batch = 0;
  std::vector<Row> rows;
  Row total;
  double total_bound = 0;  // sum of the layers' roofline bounds
};

double mbit(int64_t bits) { return double(bits) / 1e6; }

Result from_paper(const NetworkResult& r, const Design& d) {
  Result o;
  o.network = r.network, o.batch = r.batch;
  for (const auto& lr : r.layers) {
    const auto& t = lr.stats.tiling;
    o.rows.push_back({lr.layer, lr.stats, lr.macs, lr.ideal_cycles, paper_roofline(d, *lr.layer, r.batch),
                      std::to_string(t.b) + "," + std::to_string(t.ow) + "," + std::to_string(t.oh) + "," +
                          std::to_string(t.ic) + "," + std::to_string(t.oc) + " " + t.order_string()});
  }
  o.total = {nullptr, r.total, r.macs, r.ideal_cycles, {}, ""};
  return o;
}

Result from_rtl(const RtlNetworkResult& r, const Design& d) {
  Result o;
  o.network = r.network, o.batch = r.batch;
  for (const auto& lr : r.layers) {
    const auto& t = lr.plan.compiled.tiling;
    const int M = lr.plan.compiled.cfg.cols;
    std::string s = (lr.plan.form != bf::Lowering::Direct ? std::string(bf::lowering_name(lr.plan.form)) + " " : "") +
                    std::string("b") + std::to_string(t.tb) + " h" + std::to_string(t.toh) + " w" +
                    std::to_string(t.tow) + " oc" + std::to_string(t.groups * M) + " kh" + std::to_string(t.tkh) +
                    " icw" + std::to_string(t.tj) + " order " + t.order + (t.nk > 1 ? "k" : "") +
                    (t.ni > 1 ? "i" : "") + (t.ibuf_resident ? " ires" : "") + (t.obuf_whole ? " owh" : "");
    o.rows.push_back({lr.layer, lr.stats, lr.macs, lr.ideal_cycles, rtl_roofline(d, lr.plan.desc), s});
  }
  o.total = {nullptr, r.total, r.macs, r.ideal_cycles, {}, ""};
  return o;
}

// The total's bound: the sum of the layers' bounds (and of their parts).
void sum_bounds(Result& r) {
  double bound = 0;
  Roofline& t = r.total.roof;
  for (const auto& row : r.rows) {
    bound += row.roof.bound();
    t.compute_cycles += row.roof.compute_cycles;
    t.dram_cycles += row.roof.dram_cycles;
    t.compulsory_bits += row.roof.compulsory_bits;
  }
  r.total_bound = bound;
}

void print_csv(const Result& r, const Design& d) {
  std::printf(
      "network,layer,type,act_bits,wgt_bits,cycles,stall_cycles,compute_cycles,macs,utilization,"
      "ibuf_read_bits,ibuf_write_bits,wbuf_read_bits,wbuf_write_bits,obuf_read_bits,obuf_write_bits,"
      "dram_read_bits,dram_write_bits,energy_core_pj,energy_wbuf_pj,energy_ibuf_pj,energy_obuf_pj,"
      "energy_dram_pj,energy_pj,time_us,bound_cycles,bound_compute_cycles,bound_dram_cycles,cycles_over_bound\n");
  for (const auto& lr : r.rows) {
    const auto& s = lr.stats;
    const auto e = s.energy_pj_parts(d.energy);
    std::printf(
        "%s,%s,%s,%d,%d,%lld,%lld,%lld,%lld,%.6f,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,"
        "%.6f,%.0f,%.0f,%.0f,%.4f\n",
        r.network.c_str(), lr.layer->name.c_str(), to_string(lr.layer->type), lr.layer->act_bits, lr.layer->wgt_bits,
        (long long)s.cycles, (long long)s.stall_cycles, (long long)s.compute_cycles, (long long)lr.macs,
        lr.ideal_cycles / double(s.cycles), (long long)s.reads[kAct], (long long)s.writes[kAct],
        (long long)s.reads[kWgt], (long long)s.writes[kWgt], (long long)s.reads[kOut], (long long)s.writes[kOut],
        (long long)s.reads[kDram], (long long)s.writes[kDram], e[0], e[1], e[2], e[3], e[4],
        s.energy_nj(d.energy) * 1e3, double(s.cycles) / d.freq_mhz, lr.roof.bound(), lr.roof.compute_cycles,
        lr.roof.dram_cycles, double(s.cycles) / lr.roof.bound());
  }
}

void print_table(const Result& r, const Design& d, const bf::ArrayConfig& cfg, const Network& net, bool rtl) {
  std::printf("%s (%s), batch %d, mode %s\n", r.network.c_str(), net.file.c_str(), r.batch,
              rtl ? "rtl (this project's compiler and RTL controller)" : "paper (the authors' model)");
  std::printf("config %s: %dx%d FUs, %d/%d/%d KB WBUF/IBUF/OBUF, %d DRAM bits/cycle, latency %d, %d MHz\n",
              cfg.name.c_str(), cfg.rows, cfg.cols, cfg.wbuf_kb, cfg.ibuf_kb, cfg.obuf_kb, cfg.dram_bits,
              cfg.dram_latency, cfg.freq_mhz);
  std::printf("%-12s %-5s %12s %11s %10s %6s %12s %7s %9s %9s %9s %9s %11s %9s  %s\n", "layer", "AxW", "cycles",
              "stalls", "MMACs", "util", "bound", "x bound", "SRAM rd", "SRAM wr", "DRAM rd", "DRAM wr", "energy uJ",
              "time us", rtl ? "compiler tiling" : "tiling (b,ow,oh,ic,oc) order");
  std::printf("%-12s %-5s %12s %11s %10s %6s %12s %7s %9s %9s %9s %9s %11s %9s\n", "", "", "", "", "", "", "(C/M)", "",
              "Mbit", "Mbit", "Mbit", "Mbit", "", "");
  auto line = [&](const std::string& name, const std::string& axw, const Row& lr, double bound, const char* lim) {
    const auto& s = lr.stats;
    std::printf("%-12s %-5s %12lld %11lld %10.2f %5.1f%% %10.0f %s %6.2fx %9.2f %9.2f %9.2f %9.2f %11.3f %9.1f  %s\n",
                name.c_str(), axw.c_str(), (long long)s.cycles, (long long)s.stall_cycles, double(lr.macs) / 1e6,
                100 * lr.ideal_cycles / double(s.cycles), bound, lim, double(s.cycles) / bound,
                mbit(s.reads[kAct] + s.reads[kWgt] + s.reads[kOut]),
                mbit(s.writes[kAct] + s.writes[kWgt] + s.writes[kOut]), mbit(s.reads[kDram]), mbit(s.writes[kDram]),
                s.energy_nj(d.energy) / 1e3, double(s.cycles) / d.freq_mhz, lr.tiling.c_str());
  };
  for (const auto& lr : r.rows)
    line(lr.layer->name, std::to_string(lr.layer->act_bits) + "x" + std::to_string(lr.layer->wgt_bits), lr,
         lr.roof.bound(), lr.roof.memory_bound() ? "M" : "C");
  line("total", "", r.total, r.total_bound, " ");
  const auto& s = r.total.stats;
  const auto e = s.energy_pj_parts(d.energy);
  const double tot = s.energy_nj(d.energy) * 1e3;
  std::printf("buffers (Mbit)  IBUF rd %.2f wr %.2f | WBUF rd %.2f wr %.2f | OBUF rd %.2f wr %.2f\n",
              mbit(s.reads[kAct]), mbit(s.writes[kAct]), mbit(s.reads[kWgt]), mbit(s.writes[kWgt]), mbit(s.reads[kOut]),
              mbit(s.writes[kOut]));
  std::printf("energy (uJ)     core %.3f | WBUF %.3f | IBUF %.3f | OBUF %.3f | DRAM %.3f | total %.3f\n", e[0] / 1e6,
              e[1] / 1e6, e[2] / 1e6, e[3] / 1e6, e[4] / 1e6, tot / 1e6);
  std::printf("time            %.3f ms per batch at %d MHz, %.1f frames/s\n", double(s.cycles) / d.freq_mhz / 1e3,
              d.freq_mhz, r.batch / (double(s.cycles) / (d.freq_mhz * 1e6)));
  std::printf(
      "(bound = roofline: max(MACs / peak MACs per cycle, compulsory DRAM bits / %d), C compute-bound,\n"
      " M memory-bound; total = sum of the layers' bounds; docs/perf-model.md, \"Roofline\")\n",
      d.dram_bits);
  if (rtl)
    std::printf(
        "(stalls = cycles the array is not stepping: fetch, loads, fill/drain, write-back; buffer\n"
        " traffic in 32-bit bank words; pooling, concat and add layers are not modelled)\n");
  else
    std::printf("(pooling, concat and add layers are not modelled, as in the authors' model)\n");
}

void run(const Options& o) {
  if (o.mode != "paper" && o.mode != "rtl") throw bf::cli::UserError("--mode '" + o.mode + "': expected paper or rtl");
  bf::ArrayConfig cfg = bf::load_config(o.config);
  for (const auto& s : o.sets) bf::set_config_value(cfg, s);
  bf::validate(cfg);
  if (o.net.empty() == o.onnx.empty()) throw bf::cli::UserError("perf needs --net NAME or --onnx MODEL.onnx");
  if (o.as_bits && o.onnx.empty()) throw bf::cli::UserError("--as-bits needs --onnx");
  if (o.as_bits) bf::cli::check_bits("--as-bits", o.as_bits);
  Imported im;
  if (!o.onnx.empty()) im = from_onnx(o, o.batch > 0 ? o.batch : 1);
  const Network net = o.onnx.empty() ? load_network(o.net) : im.net;
  const int batch = o.batch > 0 ? o.batch : net.batch;
  const Design d = bitfusion_design(cfg);
  const bool rtl = o.mode == "rtl";
  Result r;
  if (rtl) {
    try {
      r = from_rtl(o.onnx.empty() ? rtl_run(cfg, net, batch) : rtl_run(cfg, net, im.descs), d);
    } catch (const std::runtime_error& e) {
      throw bf::cli::UserError(net.name + ": " + e.what());
    }
  } else {
    r = from_paper(paper_run(d, net, batch), d);
  }
  if (r.rows.empty()) throw bf::cli::UserError("network '" + net.name + "' has no conv or fc layer");
  sum_bounds(r);
  if (o.csv)
    print_csv(r, d);
  else
    print_table(r, d, cfg, net, rtl);
}

const bf::cli::CommandRegistrar reg(40, [](CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("perf", "Performance and energy model of a network, per layer and in total");
  auto* net = sub->add_option("--net", o->net, "Network name (networks/NAME.json) or file");
  auto* onnx = sub->add_option("--onnx", o->onnx, "A quantized ONNX model: its conv / fc layers at their own widths");
  net->excludes(onnx);
  sub->add_option("--as-bits", o->as_bits,
                  "--onnx: model every device layer at this operand width instead "
                  "(the fixed-width baseline, e.g. 8)");
  sub->add_option("--config", o->config, "Configuration name or file")->capture_default_str();
  sub->add_option("--set", o->sets, "Override a configuration key: key=value (repeatable)");
  sub->add_option("--mode", o->mode, "rtl (this project's compiler and RTL) or paper (the authors' model)")
      ->capture_default_str();
  sub->add_option("--batch", o->batch, "Batch size (default: the network file's; 1 with --onnx)")
      ->check(CLI::Range(1, 1 << 20));
  sub->add_flag("--csv", o->csv, "CSV: a header line, then one row per layer");
  sub->callback([o] { run(*o); });
});

}  // namespace
