#include "sim/cmd_run_onnx.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "frontend/onnx_import.hpp"
#include "golden/npy.hpp"
#include "golden/file_io.hpp"
#include "golden/npy_float.hpp"
#include "sim/jobs.hpp"
#include "sim/jobs_cli.hpp"
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
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (ok)
      s += c;
    else if (!in_run)
      s += '_';
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
    index.push_back({{"tensor", ten.name},
                     {"file", f},
                     {"shape", a.shape},
                     {"scale", ten.q.scale},
                     {"zero_point", ten.q.zero_point},
                     {"qmin", ten.q.qmin},
                     {"qmax", ten.q.qmax},
                     {"type", fe::operand_str(ten.q.type)}});
  }
  NpyFloat out{r.output_shape, r.output};
  write_out(dir + "/output.npy", npy_float_bytes(out, dir + "/output.npy"));
  write_out(dir + "/index.json", nlohmann::json({{"output", "output.npy"}, {"tensors", index}}).dump(1) + "\n");
}

// What a run needs, checked before anything runs or is written.
struct Prepared {
  Backend backend = Backend::Golden;
  ArrayConfig cfg;
  fe::QNet net;
  NpyFloat x;                   // load_images: the n images from o.first on
  int n = 0;                    // images to run
  std::vector<int64_t> labels;  // the n labels (--labels)
};

Prepared prepare(const OnnxCliOptions& o, bool load_images) {
  Prepared P;
  P.backend = parse_backend(o.backend);
  P.cfg = o.config.load();
  if (o.batch < 1 || o.batch > 4096) throw UserError("--batch must be in 1..4096");
  if (o.images < 0) throw UserError("--images must be positive");
  // Output paths before any work: a bad one fails now, not after the run.
  try {
    if (!o.out.empty()) check_output_path(o.out, "--out");
    if (!o.report.empty()) check_output_path(o.report, "--report");
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  try {
    P.net = fe::import_onnx_file(o.onnx);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  NpyFloat& x = P.x;
  try {
    x = read_npy_float(o.input);  // (without load_images only its shape is used)
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  const fe::Tensor& in_t = P.net.tensors.at(size_t(P.net.input));
  std::string want = "(N";
  for (size_t k = 1; k < in_t.shape.size(); ++k) want += ", " + std::to_string(in_t.shape[k]);
  want += ")";
  bool shape_ok = x.shape.size() == in_t.shape.size() && !x.shape.empty() && x.shape[0] >= 1;
  for (size_t k = 1; shape_ok && k < in_t.shape.size(); ++k) shape_ok = x.shape[k] == in_t.shape[k];
  if (!shape_ok)
    throw UserError(o.input + ": shape " + x.shape_str() + " does not match the model's input '" + in_t.name + "' " +
                    want);
  const int available = int(x.shape[0]);
  if (o.first < 0 || o.first >= available)
    throw UserError("--first " + std::to_string(o.first) + ": " + o.input + " holds " + std::to_string(available) +
                    " images (0.." + std::to_string(available - 1) + ")");
  P.n = o.images ? o.images : available - o.first;
  if (o.first + P.n > available)
    throw UserError("--images " + std::to_string(o.images) + " from --first " + std::to_string(o.first) + ": " +
                    o.input + " holds " + std::to_string(available));
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
    P.labels.assign(y.data.begin() + o.first, y.data.begin() + o.first + P.n);
  }
  if (!o.out.empty() && fs::is_directory(o.out)) throw UserError("--out '" + o.out + "' is a directory");
  if (load_images) {
    const size_t per = size_t(in_t.per_image());
    x.data.erase(x.data.begin(), x.data.begin() + long(size_t(o.first) * per));
    x.data.resize(size_t(P.n) * per);
  }
  return P;
}

void print_head(const OnnxCliOptions& o, const Prepared& P) {
  std::printf("%s: %d images (%d..%d) in batches of %d, %s backend, config %s (%dx%d, %d MHz)\n", o.onnx.c_str(), P.n,
              o.first, o.first + P.n - 1, std::min(o.batch, P.n), backend_name(P.backend), P.cfg.name.c_str(),
              P.cfg.rows, P.cfg.cols, P.cfg.freq_mhz);
  std::fflush(stdout);
}

// The per-op table, the totals and the accuracy; --out, --dump and
// --report. Returns 0, or 1 when a device layer differed.
int finish(const OnnxCliOptions& o, const Prepared& P, const OnnxRunResult& r) {
  const fe::QNet& net = P.net;
  const Backend backend = P.backend;
  const ArrayConfig& cfg = P.cfg;
  const int n = P.n;
  std::printf("%-24s %-15s %-12s %-10s %12s %12s %6s %11s %11s %10s  %s\n", "op", "kind", "output", "widths", "cycles",
              "MACs", "util", "DRAM rd B", "DRAM wr B", "energy uJ", "runs on / check");
  nlohmann::json ops = nlohmann::json::array();
  for (const OnnxOpStats& s : r.ops) {
    const fe::Op& op = net.ops[size_t(s.op)];
    const fe::Tensor& out = net.tensors[size_t(op.output)];
    std::string name = op.name.size() > 24 ? "..." + op.name.substr(op.name.size() - 21) : op.name;
    nlohmann::json j = {{"name", op.name},
                        {"kind", fe::op_kind_name(op.kind)},
                        {"output", shape_text(out)},
                        {"widths", fe::widths_text(net, op)},
                        {"device", s.device}};
    if (!s.device) {
      std::printf("%-24s %-15s %-12s %-10s %12s %12s %6s %11s %11s %10s  %s\n", name.c_str(), fe::op_text(op).c_str(),
                  shape_text(out).c_str(), fe::widths_text(net, op).c_str(), "-", "-", "-", "-", "-", "-", "host");
      ops.push_back(j);
      continue;
    }
    const std::string check = o.no_check          ? "not checked"
                              : s.mismatched_runs ? "MISMATCH (" + std::to_string(s.mismatched_values) + " values)"
                                                  : "bit-exact";
    std::string where = std::string(backend_name(backend)) +
                        (s.form != Lowering::Direct ? " " + std::string(lowering_name(s.form)) : "") +
                        (s.host_pad ? " host-pad" : "");
    std::printf("%-24s %-15s %-12s %-10s %12llu %12llu %5.1f%% %11llu %11llu %10.3f  %s / %s\n", name.c_str(),
                fe::op_text(op).c_str(), shape_text(out).c_str(), fe::widths_text(net, op).c_str(),
                (unsigned long long)s.cycles, (unsigned long long)s.macs, 100 * s.utilization(),
                (unsigned long long)s.dram_read_bytes, (unsigned long long)s.dram_write_bytes, s.energy_pj / 1e6,
                where.c_str(), check.c_str());
    j.update({{"cycles", s.cycles},
              {"macs", s.macs},
              {"utilization", s.utilization()},
              {"dram_read_bytes", s.dram_read_bytes},
              {"dram_write_bytes", s.dram_write_bytes},
              {"energy_uj", s.energy_pj / 1e6},
              {"runs", s.runs},
              {"host_lowering", lowering_name(s.form)},
              {"host_pad", s.host_pad},
              {"mismatched_values", s.mismatched_values},
              {"bit_exact", o.no_check ? nlohmann::json() : nlohmann::json(s.mismatched_runs == 0)},
              {"wall_seconds", s.wall_seconds},
              {"tiling", s.tiling}});
    ops.push_back(j);
  }
  const double ms = double(r.cycles) / (cfg.freq_mhz * 1e3);
  std::printf(
      "total: %llu cycles (%.3f ms at %d MHz, %.0f cycles/image), %llu MACs, DRAM read %llu B, "
      "write %llu B, energy %.3f uJ (model); wall %.2f s; %s\n",
      (unsigned long long)r.cycles, ms, cfg.freq_mhz, double(r.cycles) / n, (unsigned long long)r.macs,
      (unsigned long long)r.dram_read_bytes, (unsigned long long)r.dram_write_bytes, r.energy_pj / 1e6, r.wall_seconds,
      o.no_check      ? "device layers not checked"
      : r.bit_exact() ? "every device layer bit-exact against the integer reference"
                      : "MISMATCH against the integer reference");
  nlohmann::json report = {{"model", o.onnx},
                           {"input", o.input},
                           {"first", o.first},
                           {"images", n},
                           {"batch", o.batch},
                           {"backend", backend_name(backend)},
                           {"config", cfg.name},
                           {"total_cycles", r.cycles},
                           {"cycles_per_image", double(r.cycles) / n},
                           {"total_macs", r.macs},
                           {"dram_read_bytes", r.dram_read_bytes},
                           {"dram_write_bytes", r.dram_write_bytes},
                           {"energy_uj", r.energy_pj / 1e6},
                           {"wall_seconds", r.wall_seconds},
                           {"ops", ops}};
  if (!o.no_check) report["bit_exact"] = r.bit_exact();
  const std::vector<int64_t> pred = top1(r);
  if (!P.labels.empty()) {
    int correct = 0;
    for (int i = 0; i < n; ++i) correct += pred[size_t(i)] == P.labels[size_t(i)];
    std::printf("accuracy: %.2f%% top-1 (%d/%d images)\n", 100.0 * correct / n, correct, n);
    report["accuracy"] = double(correct) / n;
    report["correct"] = correct;
  }
  if (!o.out.empty()) {
    NpyFloat out{r.output_shape, r.output};
    write_out(o.out, npy_float_bytes(out, o.out));
  }
  if (!o.dump.empty()) write_dump(o.dump, net, r);
  if (!o.report.empty()) write_out(o.report, report.dump(2) + "\n");
  return r.bit_exact() ? 0 : 1;
}

OnnxRunResult run_prepared(const OnnxCliOptions& o, const Prepared& P) {
  const bool tty = !o.quiet && isatty(2) != 0;
  OnnxRunOptions ro;
  ro.backend = P.backend;
  ro.cfg = P.cfg;
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
    if (tty && P.backend == Backend::Rtl)
      ro.on_cycles = [](const std::string& op, uint64_t c) {
        std::fprintf(stderr, "\r%60s\r  %s: %llu cycles simulated...", "", op.c_str(), (unsigned long long)c);
      };
  }
  return run_onnx(P.net, P.x.data, P.n, ro);
}

// A slice's result for the job runner: everything OnnxRunResult needs to be
// rebuilt exactly (the output floats in <path>.npy, written first).
nlohmann::json slice_json(const OnnxRunResult& r) {
  nlohmann::json ops = nlohmann::json::array();
  for (const OnnxOpStats& s : r.ops)
    ops.push_back({{"op", s.op},
                   {"device", s.device},
                   {"form", int(s.form)},
                   {"host_pad", s.host_pad},
                   {"runs", s.runs},
                   {"mismatched_runs", s.mismatched_runs},
                   {"mismatched_values", s.mismatched_values},
                   {"cycles", s.cycles},
                   {"macs", s.macs},
                   {"dram_read_bytes", s.dram_read_bytes},
                   {"dram_write_bytes", s.dram_write_bytes},
                   {"energy_pj", s.energy_pj},
                   {"ideal_cycles", s.ideal_cycles},
                   {"wall_seconds", s.wall_seconds},
                   {"tiling", s.tiling}});
  return {{"images", r.images},
          {"output_shape", r.output_shape},
          {"ops", ops},
          {"cycles", r.cycles},
          {"macs", r.macs},
          {"dram_read_bytes", r.dram_read_bytes},
          {"dram_write_bytes", r.dram_write_bytes},
          {"energy_pj", r.energy_pj},
          {"wall_seconds", r.wall_seconds},
          {"mismatched_runs", r.mismatched_runs}};
}

// Adds slice `j` (its outputs in `npy`) to `r`, in image order.
void add_slice(OnnxRunResult& r, const nlohmann::json& j, const std::string& npy) {
  const NpyFloat out = read_npy_float(npy);
  if (out.shape != j.at("output_shape").get<std::vector<int64_t>>())
    throw std::runtime_error(npy + ": shape " + out.shape_str() + " differs from its result file");
  const auto& ops = j.at("ops");
  if (r.ops.empty()) {
    r.ops.resize(ops.size());
    r.output_shape = out.shape;
    r.output_shape[0] = 0;
  }
  if (r.ops.size() != ops.size()) throw std::runtime_error("slices of different networks");
  for (size_t k = 0; k < ops.size(); ++k) {
    const auto& o = ops[k];
    OnnxOpStats& s = r.ops[k];
    s.op = o.at("op").get<int>();
    s.device = o.at("device").get<bool>();
    if (s.runs == 0) {  // the first slice's lowering and tiling, as one process reports the first batch's
      s.form = Lowering(o.at("form").get<int>());
      s.host_pad = o.at("host_pad").get<bool>();
      s.tiling = o.at("tiling").get<std::string>();
    }
    s.runs += o.at("runs").get<int>();
    s.mismatched_runs += o.at("mismatched_runs").get<int>();
    s.mismatched_values += o.at("mismatched_values").get<uint64_t>();
    s.cycles += o.at("cycles").get<uint64_t>();
    s.macs += o.at("macs").get<uint64_t>();
    s.dram_read_bytes += o.at("dram_read_bytes").get<uint64_t>();
    s.dram_write_bytes += o.at("dram_write_bytes").get<uint64_t>();
    s.energy_pj += o.at("energy_pj").get<double>();
    s.ideal_cycles += o.at("ideal_cycles").get<double>();
    s.wall_seconds += o.at("wall_seconds").get<double>();
  }
  r.images += j.at("images").get<int>();
  r.output_shape[0] += out.shape.at(0);
  r.output.insert(r.output.end(), out.data.begin(), out.data.end());
  r.cycles += j.at("cycles").get<uint64_t>();
  r.macs += j.at("macs").get<uint64_t>();
  r.dram_read_bytes += j.at("dram_read_bytes").get<uint64_t>();
  r.dram_write_bytes += j.at("dram_write_bytes").get<uint64_t>();
  r.energy_pj += j.at("energy_pj").get<double>();
  r.wall_seconds += j.at("wall_seconds").get<double>();
  r.mismatched_runs += j.at("mismatched_runs").get<int>();
}

nlohmann::json options_json(const OnnxCliOptions& o) {
  auto abs = [](const std::string& p) { return p.empty() ? p : fs::absolute(p).lexically_normal().string(); };
  return {{"onnx", o.onnx},
          {"onnx_abs", abs(o.onnx)},
          {"input", o.input},
          {"input_abs", abs(o.input)},
          {"labels", o.labels},
          {"labels_abs", abs(o.labels)},
          {"out", abs(o.out)},
          {"report", abs(o.report)},
          {"backend", o.backend},
          {"config", o.config.config},
          {"config_abs", portable(o.config.config)},
          {"sets", o.config.sets},
          {"batch", o.batch},
          {"first", o.first},
          {"images", o.images},
          {"no_check", o.no_check}};
}

OnnxCliOptions options_from(const nlohmann::json& p) {
  OnnxCliOptions o;
  o.onnx = p.at("onnx_abs").get<std::string>();
  o.input = p.at("input_abs").get<std::string>();
  o.labels = p.at("labels_abs").get<std::string>();
  o.out = p.at("out").get<std::string>();
  o.report = p.at("report").get<std::string>();
  o.backend = p.at("backend").get<std::string>();
  o.config.config = p.at("config_abs").get<std::string>();
  o.config.sets = p.at("sets").get<std::vector<std::string>>();
  o.batch = p.at("batch").get<int>();
  o.first = p.at("first").get<int>();
  o.images = p.at("images").get<int>();
  o.no_check = p.at("no_check").get<bool>();
  o.quiet = true;
  return o;
}

// The merge of a parallel run (and of `bitfusion collect`): the same table,
// totals, accuracy and files as one process. wall < 0: the slices' summed
// times (collect).
void merge_onnx(const jobs::Outcome& out, double wall) {
  const nlohmann::json& p = out.params;
  OnnxCliOptions o = options_from(p.at("options"));
  Prepared P = prepare(o, false);
  o.onnx = p.at("options").at("onnx").get<std::string>();  // as the user wrote them, for the table
  o.input = p.at("options").at("input").get<std::string>();
  const std::string fail = out.failure_line();
  if (!fail.empty()) throw UserError(fail);
  print_head(o, P);
  OnnxRunResult r;
  try {
    for (const jobs::TaskResult& t : out.results) add_slice(r, t.json, t.json.at("output_file").get<std::string>());
  } catch (const std::exception& e) {
    throw UserError(out.workdir + ": " + e.what());
  }
  if (r.images != P.n)
    throw UserError(out.workdir + ": the slices hold " + std::to_string(r.images) + " images, not " +
                    std::to_string(P.n));
  if (wall >= 0) r.wall_seconds = wall;
  const int rc = finish(o, P, r);
  std::printf("images: %zu slices (%s), work directory %s%s\n", out.results.size(), ran_on(out).c_str(),
              out.workdir.c_str(), p.value("temporary", false) ? " (temporary, removed)" : "");
  if (rc) throw CLI::RuntimeError(rc);
}

}  // namespace

int run_onnx_cli(const OnnxCliOptions& o) {
  const Prepared P = prepare(o, true);
  print_head(o, P);
  return finish(o, P, run_prepared(o, P));
}

int run_onnx_slice(const OnnxCliOptions& o, const std::string& json_path) {
  const Prepared P = prepare(o, true);
  const OnnxRunResult r = run_prepared(o, P);
  const std::string npy = json_path + ".npy";
  write_out(npy, npy_float_bytes(NpyFloat{r.output_shape, r.output}, npy));
  nlohmann::json j = slice_json(r);
  j["output_file"] = fs::absolute(npy).lexically_normal().string();
  try {
    jobs::write_result(json_path, j);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  return 0;
}

int run_onnx_parallel(const OnnxCliOptions& o, const JobCliOptions& jo) {
  if (!o.dump.empty()) throw UserError("--dump runs in one process (without --jobs / --slurm)");
  const Prepared P = prepare(o, false);
  std::string workdir = jo.workdir;
  bool temporary = false;
  if (workdir.empty()) workdir = make_workdir(jo.slurm, "bitfusion-onnx", temporary);
  const jobs::Options jopt = job_options(jo, workdir);
  // Slices of whole batches, so the device runs are those of one process.
  const int batches = (P.n + o.batch - 1) / o.batch;
  int slices = jo.slurm ? batches : (jo.jobs > 0 ? jo.jobs : jobs::cores());
  slices = std::max(1, std::min(slices, batches));
  jobs::Batch batch;
  batch.kind = "run-onnx";
  const nlohmann::json opts = options_json(o);
  for (int k = 0; k < slices; ++k) {
    const int b0 = int(int64_t(k) * batches / slices), b1 = int(int64_t(k + 1) * batches / slices);
    const int first = o.first + b0 * o.batch, count = std::min(P.n, b1 * o.batch) - b0 * o.batch;
    std::vector<std::string> args{"_run-onnx-slice",
                                  "--onnx",
                                  opts["onnx_abs"],
                                  "--input",
                                  opts["input_abs"],
                                  "--first",
                                  std::to_string(first),
                                  "--images",
                                  std::to_string(count),
                                  "--batch",
                                  std::to_string(o.batch),
                                  "--backend",
                                  o.backend,
                                  "--config",
                                  opts["config_abs"]};
    for (const auto& s : o.config.sets) args.insert(args.end(), {"--set", s});
    if (o.no_check) args.push_back("--no-check");
    char name[32];
    std::snprintf(name, sizeof name, "s%03d", k);
    batch.tasks.push_back({name, "images " + std::to_string(first) + ".." + std::to_string(first + count - 1), args});
  }
  batch.params = {{"options", opts}, {"temporary", temporary}};
  jobs::Outcome res;
  double wall = 0;
  const std::string what = std::to_string(batch.tasks.size()) + " slices of " + std::to_string(P.n) + " images";
  if (!run_batch(batch, jopt, what, res, wall)) return 0;
  merge_onnx(res, wall);
  remove_temporary(res.workdir, temporary);
  return 0;
}

void register_onnx_merger() {
  jobs::register_merger("run-onnx", [](const jobs::Outcome& out) { merge_onnx(out, -1); });
}

}  // namespace bf::cli
