#include "golden/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

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

long parse_int(const std::string& key, const std::string& text) {
  size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw std::runtime_error("config key '" + key + "': '" + text + "' is not an integer");
  return v;
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
      throw std::runtime_error("config '" + cfg.name + "': " + f.key + " = " + std::to_string(v) +
                               " is outside [" + std::to_string(f.lo) + ", " +
                               std::to_string(f.hi) + "]");
  }
  for (const auto* key : {"rows", "cols", "rsp_depth"}) {
    const int v = std::string(key) == "rows" ? cfg.rows : std::string(key) == "cols" ? cfg.cols : cfg.rsp_depth;
    if ((v & (v - 1)) != 0)
      throw std::runtime_error("config '" + cfg.name + "': " + key + " = " + std::to_string(v) +
                               " is not a power of two");
  }
  if (cfg.dram_bits % 32 != 0)
    throw std::runtime_error("config '" + cfg.name + "': dram_bits = " +
                             std::to_string(cfg.dram_bits) + " is not a multiple of 32");
}

void set_config_value(ArrayConfig& cfg, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::runtime_error("--set '" + assignment + "': expected key=value");
  const std::string key = assignment.substr(0, eq), val = assignment.substr(eq + 1);
  const Field* f = find_field(key);
  if (!f) {
    std::string known;
    for (const auto& k : config_keys()) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("unknown config key '" + key + "' (known: " + known + ")");
  }
  const long v = parse_int(key, val);
  if (v < f->lo || v > f->hi)
    throw std::runtime_error("config key '" + key + "' = " + val + " is outside [" +
                             std::to_string(f->lo) + ", " + std::to_string(f->hi) + "]");
  cfg.*(f->ptr) = static_cast<int>(v);
}

ArrayConfig load_config(const std::string& name_or_file) {
  namespace fs = std::filesystem;
  fs::path path(name_or_file);
  const bool looks_like_file = name_or_file.find('/') != std::string::npos ||
                               path.extension() == ".json";
  if (!looks_like_file) path = fs::path(config_dir()) / (name_or_file + ".json");
  std::ifstream in(path);
  if (!in) {
    if (looks_like_file) throw std::runtime_error("cannot read config file '" + path.string() + "'");
    std::string known;
    for (const auto& k : list_configs()) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("unknown config '" + name_or_file + "' (known: " + known + ")");
  }
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw std::runtime_error("config file '" + path.string() + "' is not valid JSON");
  }
  if (!j.is_object()) throw std::runtime_error("config file '" + path.string() + "' is not a JSON object");
  ArrayConfig cfg;
  cfg.name = path.stem().string();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key == "name") {
      cfg.name = it->get<std::string>();
    } else if (key == "description") {
      cfg.description = it->get<std::string>();
    } else if (const Field* f = find_field(key)) {
      if (!it->is_number_integer())
        throw std::runtime_error("config file '" + path.string() + "': " + key + " must be an integer");
      cfg.*(f->ptr) = it->get<int>();
    } else {
      throw std::runtime_error("config file '" + path.string() + "': unknown key '" + key + "'");
    }
  }
  for (const auto& f : kFields)
    if (!j.contains(f.key))
      throw std::runtime_error("config file '" + path.string() + "': missing key '" + f.key + "'");
  validate(cfg);
  return cfg;
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
