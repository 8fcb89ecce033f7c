#include "golden/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "golden/file_io.hpp"
#include "golden/json_strict.hpp"
#include "golden/text.hpp"

#ifndef BF_CONFIG_DIR
#define BF_CONFIG_DIR "configs"
#endif

namespace bf {
namespace {

struct Field {
  const char* key;
  int ArrayConfig::*ptr;
  long lo, hi;
  const char* help;
};

const Field kFields[] = {
    {"rows", &ArrayConfig::rows, 1, 64, "Fusion Unit rows"},
    {"cols", &ArrayConfig::cols, 1, 512, "Fusion Unit columns"},
    {"wbuf_kb", &ArrayConfig::wbuf_kb, 1, 65536, "weight buffer KB"},
    {"ibuf_kb", &ArrayConfig::ibuf_kb, 1, 65536, "input buffer KB"},
    {"obuf_kb", &ArrayConfig::obuf_kb, 1, 65536, "output buffer KB"},
    {"dram_bits", &ArrayConfig::dram_bits, 32, 8192, "DRAM bits per cycle"},
    {"dram_latency", &ArrayConfig::dram_latency, 0, 100000, "DRAM latency, cycles"},
    {"rsp_depth", &ArrayConfig::rsp_depth, 2, 4096, "load response FIFO depth, beats"},
    {"freq_mhz", &ArrayConfig::freq_mhz, 1, 10000, "clock, MHz"},
};

const Field* find_field(const std::string& key) {
  for (const auto& f : kFields)
    if (key == f.key) return &f;
  return nullptr;
}

// A decimal integer, optionally negative; values beyond 64 bits saturate
// (the caller's range check then names them).
long long parse_int(const std::string& key, const std::string& text) {
  const size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == start || text.find_first_not_of("0123456789", start) != std::string::npos)
    throw std::runtime_error("config key '" + key + "': " + in_quotes(text) + " is not an integer");
  long long v = 0;
  for (size_t i = start; i < text.size(); ++i)
    if (v < (1LL << 40)) v = v * 10 + (text[i] - '0');
  return start ? -v : v;
}

}  // namespace

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& f : kFields) k.emplace_back(f.key);
    return k;
  }();
  return keys;
}

std::string config_dir() {
  if (const char* env = std::getenv("BF_CONFIG_DIR")) return env;
  return BF_CONFIG_DIR;
}

void validate(const ArrayConfig& cfg) {
  for (const auto& f : kFields) {
    const long v = cfg.*(f.ptr);
    if (v < f.lo || v > f.hi)
      throw std::runtime_error("config '" + cfg.name + "': " + f.key + " = " + std::to_string(v) + " is outside [" +
                               std::to_string(f.lo) + ", " + std::to_string(f.hi) + "]");
  }
  for (const auto* key : {"rows", "cols", "rsp_depth"}) {
    const int v = std::string(key) == "rows" ? cfg.rows : std::string(key) == "cols" ? cfg.cols : cfg.rsp_depth;
    if ((v & (v - 1)) != 0)
      throw std::runtime_error("config '" + cfg.name + "': " + key + " = " + std::to_string(v) +
                               " is not a power of two");
  }
  if (cfg.dram_bits % 32 != 0)
    throw std::runtime_error("config '" + cfg.name + "': dram_bits = " + std::to_string(cfg.dram_bits) +
                             " is not a multiple of 32");
}

void set_config_value(ArrayConfig& cfg, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::runtime_error("--set " + in_quotes(assignment) + ": expected key=value");
  const std::string key = assignment.substr(0, eq), val = assignment.substr(eq + 1);
  const Field* f = find_field(key);
  if (!f) {
    std::string known;
    for (const auto& k : config_keys()) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("unknown config key " + in_quotes(key) + " (known: " + known + ")");
  }
  const long long v = parse_int(key, val);
  if (v < f->lo || v > f->hi)
    throw std::runtime_error("config key '" + key + "' = " + printable(val) + " is outside [" + std::to_string(f->lo) +
                             ", " + std::to_string(f->hi) + "]");
  cfg.*(f->ptr) = static_cast<int>(v);
}

ArrayConfig parse_config(const std::string& text, const std::string& origin) {
  const std::string where = "config file '" + printable(origin, 4096) + "'";
  const nlohmann::json j = parse_json_strict(text, where);
  if (!j.is_object()) throw std::runtime_error(where + " is not a JSON object");
  ArrayConfig cfg;
  cfg.name = std::filesystem::path(origin).stem().string();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "name" || key == "description") {
      if (!it->is_string())
        throw std::runtime_error(where + ": '" + key + "' must be a string, not " + json_brief(*it));
      (key == "name" ? cfg.name : cfg.description) = it->get<std::string>();
    } else if (const Field* f = find_field(key)) {
      int64_t v = 0;
      const JsonInt r = json_int(*it, f->lo, f->hi, v);
      if (r != JsonInt::Ok) throw std::runtime_error(where + ": " + json_int_error(r, *it, f->lo, f->hi, key));
      cfg.*(f->ptr) = static_cast<int>(v);
    } else {
      throw std::runtime_error(where + ": unknown key " + in_quotes(key));
    }
  }
  for (const auto& f : kFields)
    if (!j.contains(f.key)) throw std::runtime_error(where + ": missing key '" + f.key + "'");
  if (cfg.name.empty() || cfg.name.size() > 255 || cfg.name.find_first_of("\n\r\t") != std::string::npos)
    throw std::runtime_error(where + ": 'name' must be 1 to 255 characters on one line");
  validate(cfg);
  return cfg;
}

ArrayConfig load_config(const std::string& name_or_file) {
  namespace fs = std::filesystem;
  fs::path path(name_or_file);
  const bool looks_like_file = name_or_file.find('/') != std::string::npos || path.extension() == ".json";
  if (!looks_like_file) path = fs::path(config_dir()) / (name_or_file + ".json");
  std::error_code ec;
  if (!looks_like_file && !fs::exists(path, ec)) {
    std::string known;
    for (const auto& k : list_configs()) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("unknown config " + in_quotes(name_or_file) + " (known: " + known + ")");
  }
  std::string text;
  try {
    text = read_file(path.string(), size_t(1) << 20);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("config file: ") + e.what());
  }
  return parse_config(text, path.string());
}

std::vector<std::string> list_configs() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(config_dir(), ec))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace bf
