#include "sim/cmd_run_onnx.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "frontend/onnx_import.hpp"
#include "golden/npy.hpp"
#include "golden/file_io.hpp"
#include "golden/npy_float.hpp"
#include "sim/onnx_runner.hpp"

namespace bf::cli {

namespace {

namespace fs = std::filesystem;

// golden/file_io's atomic write; its one-line errors as UserError.
void write_out(const std::string& path, const std::string& bytes) {
  try {
    write_file(path, bytes);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

// As the numpy reference names its dumps (tests/onnx_ref/qdq_reference.py).
std::string sanitize(const std::string& name) {
  // Every run of characters outside [A-Za-z0-9_.-] becomes one '_' (the
  // regex [^A-Za-z0-9_.-]+ of the reference; no std::regex: gcc 12 warns
  // inside <regex> under -fsanitize=address at -O2).
  std::string s;
  bool in_run = false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (ok) s += c;
    else if (!in_run) s += '_';
    in_run = !ok;
  }
  const auto b = s.find_first_not_of("_."), e = s.find_last_not_of("_.");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  return s.empty() ? "tensor" : s;
}

std::string shape_text(const fe::Tensor& t) { return t.shape_str(); }

void write_dump(const std::string& dir, const fe::QNet& net, const OnnxRunResult& r) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw UserError("cannot create --dump directory '" + dir + "': " + ec.message());
  nlohmann::json index = nlohmann::json::array();
  std::set<std::string> used{"index", "output"};
  for (size_t t = 0; t < net.tensors.size(); ++t) {
    const fe::Tensor& ten = net.tensors[t];
    if (ten.is_float) continue;
    std::string base = sanitize(ten.name), f = base;
    for (int k = 2; used.count(f); ++k) f = base + "_" + std::to_string(k);
    used.insert(f);
    f += ".npy";
    NpyArray a;
    a.shape = ten.shape;
    a.shape[0] = r.images;
    a.data = r.tensors[t];
    write_out(dir + "/" + f, npy_bytes(a, true, dir + "/" + f));
    index.push_back({{"tensor", ten.name}, {"file", f}, {"shape", a.shape},
                     {"scale", ten.q.scale}, {"zero_point", ten.q.zero_point},
                     {"qmin", ten.q.qmin}, {"qmax", ten.q.qmax}, {"type", fe::operand_str(ten.q.type)}});
  }
  NpyFloat out{r.output_shape, r.output};
  write_out(dir + "/output.npy", npy_float_bytes(out, dir + "/output.npy"));
  write_out(dir + "/index.json", nlohmann::json({{"output", "output.npy"}, {"tensors", index}}).dump(1) + "\n");
}

}  // namespace

int run_onnx_cli(const OnnxCliOptions& o) {
  // Everything is checked before anything runs or is written.
  const Backend backend = parse_backend(o.backend);
  const ArrayConfig cfg = o.config.load();
  if (o.batch < 1 || o.batch > 4096) throw UserError("--batch must be in 1..4096");
  if (o.images < 0) throw UserError("--images must be positive");
  // Output paths before any work: a bad one fails now, not after the run.
  try {
    if (!o.out.empty()) check_output_path(o.out, "--out");
    if (!o.report.empty()) check_output_path(o.report, "--report");
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  fe::QNet net;
  try {
    net = fe::import_onnx_file(o.onnx);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  NpyFloat x;
  try {
    x = read_npy_float(o.input);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  const fe::Tensor& in_t = net.tensors.at(size_t(net.input));
  std::string want = "(N";
  for (size_t k = 1; k < in_t.shape.size(); ++k) want += ", " + std::to_string(in_t.shape[k]);
  want += ")";
  bool shape_ok = x.shape.size() == in_t.shape.size() && !x.shape.empty() && x.shape[0] >= 1;
  for (size_t k = 1; shape_ok && k < in_t.shape.size(); ++k) shape_ok = x.shape[k] == in_t.shape[k];
  if (!shape_ok)
    throw UserError(o.input + ": shape " + x.shape_str() + " does not match the model's input '" + in_t.name + "' " + want);
  const int available = int(x.shape[0]);
  if (o.first < 0 || o.first >= available)
    throw UserError("--first " + std::to_string(o.first) + ": " + o.input + " holds " + std::to_string(available) +
                    " images (0.." + std::to_string(available - 1) + ")");
  const int n = o.images ? o.images : available - o.first;
  if (o.first + n > available)
    throw UserError("--images " + std::to_string(o.images) + " from --first " + std::to_string(o.first) + ": " +
                    o.input + " holds " + std::to_string(available));
  std::vector<int64_t> labels;
  if (!o.labels.empty()) {
    NpyArray y;
    try {
      y = read_npy(o.labels);
    } catch (const std::runtime_error& e) {
      throw UserError(e.what());
    }
    if (y.shape.size() != 1 || y.shape[0] != available)
      throw UserError(o.labels + ": shape " + y.shape_str() + " does not match the " + std::to_string(available) +
                      " images of " + o.input + " (expected (" + std::to_string(available) + ",))");
    labels.assign(y.data.begin() + o.first, y.data.begin() + o.first + n);
  }
  if (!o.out.empty() && fs::is_directory(o.out)) throw UserError("--out '" + o.out + "' is a directory");
  const size_t per = size_t(in_t.per_image());
  x.data.erase(x.data.begin(), x.data.begin() + long(size_t(o.first) * per));
  x.data.resize(size_t(n) * per);

  const bool tty = !o.quiet && isatty(2) != 0;
  OnnxRunOptions ro;
  ro.backend = backend;
  ro.cfg = cfg;
  ro.batch = o.batch;
  ro.check = !o.no_check;
  ro.keep_tensors = !o.dump.empty();
  if (!o.quiet) {
    ro.on_batch = [&, last = -1](int done, int total) mutable {
      const int pct = int(100LL * done / total);
      if (tty) {
        std::fprintf(stderr, "\r%60s\r  %d/%d images", "", done, total);
        if (done == total) std::fprintf(stderr, "\r%60s\r", "");
      } else if (pct / 10 != last / 10 || done == total) {
        std::fprintf(stderr, "  %d/%d images\n", done, total);
      }
      last = pct;
    };
    if (tty && backend == Backend::Rtl)
      ro.on_cycles = [](const std::string& op, uint64_t c) {
        std::fprintf(stderr, "\r%60s\r  %s: %llu cycles simulated...", "", op.c_str(), (unsigned long long)c);
      };
  }
  std::printf("%s: %d images (%d..%d) in batches of %d, %s backend, config %s (%dx%d, %d MHz)\n", o.onnx.c_str(), n,
              o.first, o.first + n - 1, std::min(o.batch, n), backend_name(backend), cfg.name.c_str(), cfg.rows, cfg.cols, cfg.freq_mhz);
  std::fflush(stdout);
  const OnnxRunResult r = run_onnx(net, x.data, n, ro);

  std::printf("%-24s %-15s %-12s %-10s %12s %12s %6s %11s %11s %10s  %s\n", "op", "kind", "output", "widths",
              "cycles", "MACs", "util", "DRAM rd B", "DRAM wr B", "energy uJ", "runs on / check");
  nlohmann::json ops = nlohmann::json::array();
  for (const OnnxOpStats& s : r.ops) {
    const fe::Op& op = net.ops[size_t(s.op)];
    const fe::Tensor& out = net.tensors[size_t(op.output)];
    std::string name = op.name.size() > 24 ? "..." + op.name.substr(op.name.size() - 21) : op.name;
    nlohmann::json j = {{"name", op.name}, {"kind", fe::op_kind_name(op.kind)}, {"output", shape_text(out)},
                        {"widths", fe::widths_text(net, op)}, {"device", s.device}};
    if (!s.device) {
      std::printf("%-24s %-15s %-12s %-10s %12s %12s %6s %11s %11s %10s  %s\n", name.c_str(), fe::op_text(op).c_str(),
                  shape_text(out).c_str(), fe::widths_text(net, op).c_str(), "-", "-", "-", "-", "-", "-", "host");
      ops.push_back(j);
      continue;
    }
    const std::string check = o.no_check ? "not checked"
                              : s.mismatched_runs ? "MISMATCH (" + std::to_string(s.mismatched_values) + " values)"
                                                  : "bit-exact";
    std::string where = std::string(backend_name(backend)) + (s.form != Lowering::Direct ? " " + std::string(lowering_name(s.form)) : "") + (s.host_pad ? " host-pad" : "");
    std::printf("%-24s %-15s %-12s %-10s %12llu %12llu %5.1f%% %11llu %11llu %10.3f  %s / %s\n", name.c_str(),
                fe::op_text(op).c_str(), shape_text(out).c_str(), fe::widths_text(net, op).c_str(),
                (unsigned long long)s.cycles, (unsigned long long)s.macs, 100 * s.utilization(),
                (unsigned long long)s.dram_read_bytes, (unsigned long long)s.dram_write_bytes, s.energy_pj / 1e6,
                where.c_str(), check.c_str());
    j.update({{"cycles", s.cycles}, {"macs", s.macs}, {"utilization", s.utilization()},
              {"dram_read_bytes", s.dram_read_bytes}, {"dram_write_bytes", s.dram_write_bytes},
              {"energy_uj", s.energy_pj / 1e6}, {"runs", s.runs}, {"host_lowering", lowering_name(s.form)},
              {"host_pad", s.host_pad}, {"mismatched_values", s.mismatched_values},
              {"bit_exact", o.no_check ? nlohmann::json() : nlohmann::json(s.mismatched_runs == 0)},
              {"wall_seconds", s.wall_seconds}, {"tiling", s.tiling}});
    ops.push_back(j);
  }
  const double ms = double(r.cycles) / (cfg.freq_mhz * 1e3);
  std::printf("total: %llu cycles (%.3f ms at %d MHz, %.0f cycles/image), %llu MACs, DRAM read %llu B, "
              "write %llu B, energy %.3f uJ (model); wall %.2f s; %s\n",
              (unsigned long long)r.cycles, ms, cfg.freq_mhz, double(r.cycles) / n, (unsigned long long)r.macs,
              (unsigned long long)r.dram_read_bytes, (unsigned long long)r.dram_write_bytes, r.energy_pj / 1e6,
              r.wall_seconds,
              o.no_check ? "device layers not checked"
              : r.bit_exact() ? "every device layer bit-exact against the integer reference"
                              : "MISMATCH against the integer reference");
  nlohmann::json report = {{"model", o.onnx}, {"input", o.input}, {"first", o.first}, {"images", n}, {"batch", o.batch},
                           {"backend", backend_name(backend)}, {"config", cfg.name},
                           {"total_cycles", r.cycles}, {"cycles_per_image", double(r.cycles) / n},
                           {"total_macs", r.macs}, {"dram_read_bytes", r.dram_read_bytes},
                           {"dram_write_bytes", r.dram_write_bytes}, {"energy_uj", r.energy_pj / 1e6},
                           {"wall_seconds", r.wall_seconds}, {"ops", ops}};
  if (!o.no_check) report["bit_exact"] = r.bit_exact();
  const std::vector<int64_t> pred = top1(r);
  if (!labels.empty()) {
    int correct = 0;
    for (int i = 0; i < n; ++i) correct += pred[size_t(i)] == labels[size_t(i)];
    std::printf("accuracy: %.2f%% top-1 (%d/%d images)\n", 100.0 * correct / n, correct, n);
    report["accuracy"] = double(correct) / n;
    report["correct"] = correct;
  }
  if (!o.out.empty()) {
    NpyFloat out{r.output_shape, r.output};
    write_out(o.out, npy_float_bytes(out, o.out));
  }
  if (!o.dump.empty()) write_dump(o.dump, net, r);
  if (!o.report.empty())
    write_out(o.report, report.dump(2) + "\n");
  return r.bit_exact() ? 0 : 1;
}

}  // namespace bf::cli
