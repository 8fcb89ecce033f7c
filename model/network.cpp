#include "model/network.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "golden/file_io.hpp"
#include "golden/json_strict.hpp"
#include "golden/text.hpp"

#ifndef BF_NETWORK_DIR
#define BF_NETWORK_DIR "networks"
#endif

namespace bf::model {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw std::runtime_error("network file '" + printable(origin, 4096) + "': " + what);
}

// Largest channel count (network input, conv output, concat, flattened fc input).
constexpr int64_t kMaxChannels = int64_t(1) << 24;
// Largest multiply-accumulate count per image, whole network: 4.4e12 (VGG-16
// is 1.5e10), so that MACs times any batch (<= 2^20) fits 64 bits.
constexpr int64_t kMaxMacs = int64_t(1) << 42;

struct Ctx {
  const std::string& origin;
  std::string where;  // "layer 'x'" or "input"
  [[noreturn]] void fail(const std::string& what) const { model::fail(origin, where + ": " + what); }
};

int get_int(const Ctx& c, const json& j, const char* key, int lo, int hi, int dflt, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) c.fail(std::string("missing '") + key + "'");
    return dflt;
  }
  int64_t v = 0;
  const JsonInt r = json_int(*it, lo, hi, v);
  if (r != JsonInt::Ok) c.fail(json_int_error(r, *it, lo, hi, std::string("'") + key + "'"));
  return int(v);
}

bool get_bool(const Ctx& c, const json& j, const char* key, bool dflt) {
  auto it = j.find(key);
  if (it == j.end()) return dflt;
  if (!it->is_boolean()) c.fail(std::string("'") + key + "' must be true or false");
  return it->get<bool>();
}

std::string get_str(const Ctx& c, const json& j, const char* key, const std::string& dflt, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) c.fail(std::string("missing '") + key + "'");
    return dflt;
  }
  if (!it->is_string()) c.fail(std::string("'") + key + "' must be a string, not " + json_brief(*it));
  return it->get<std::string>();
}

int get_bits(const Ctx& c, const json& j, const char* key) {
  const int v = get_int(c, j, key, 1, 16, 0, true);
  if (v != 1 && v != 2 && v != 4 && v != 8 && v != 16)
    c.fail(std::string("'") + key + "' = " + std::to_string(v) + " is not one of 1, 2, 4, 8, 16");
  return v;
}

void check_keys(const Ctx& c, const json& j, const std::set<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!allowed.count(it.key())) c.fail("unknown key " + in_quotes(it.key()));
}

LayerType parse_type(const Ctx& c, const std::string& t) {
  if (t == "conv") return LayerType::Conv;
  if (t == "fc") return LayerType::Fc;
  if (t == "maxpool") return LayerType::MaxPool;
  if (t == "concat") return LayerType::Concat;
  if (t == "add") return LayerType::Add;
  c.fail("unknown type " + in_quotes(t) + " (known: conv, fc, maxpool, concat, add)");
}

// Output size of a sliding window along one axis.
int window_out(const Ctx& c, int in, int k, int s, PadMode mode, int pad) {
  int out = 0;
  switch (mode) {
    case PadMode::Same: out = (in + s - 1) / s; break;
    case PadMode::Valid: out = in >= k ? (in - k) / s + 1 : 0; break;
    case PadMode::Explicit: out = in + 2 * pad >= k ? (in + 2 * pad - k) / s + 1 : 0; break;
  }
  if (out <= 0) c.fail("window " + std::to_string(k) + " does not fit the input size " + std::to_string(in));
  return out;
}

}  // namespace

const char* to_string(LayerType t) {
  switch (t) {
    case LayerType::Conv: return "conv";
    case LayerType::Fc: return "fc";
    case LayerType::MaxPool: return "maxpool";
    case LayerType::Concat: return "concat";
    case LayerType::Add: return "add";
  }
  return "?";
}

int64_t Layer::macs() const {
  if (type == LayerType::Conv) return int64_t(out.h) * out.w * out.c * kernel * kernel * in.c;
  if (type == LayerType::Fc) return int64_t(in.size()) * out_features;
  return 0;
}

int Layer::pad_before() const {
  if (pad_mode == PadMode::Explicit) return pad;
  if (pad_mode == PadMode::Valid) return 0;
  // TensorFlow SAME: total = max((out-1)*s + k - in, 0), the smaller half first.
  const int total = std::max((out.h - 1) * stride + kernel - in.h, 0);
  return total / 2;
}

int64_t Network::macs() const {
  int64_t m = 0;
  for (const auto& l : layers) m += l.macs();
  return m;
}

const Layer* Network::find(const std::string& n) const {
  for (const auto& l : layers)
    if (l.name == n) return &l;
  return nullptr;
}

Network parse_network(const std::string& text, const std::string& origin) {
  const json j = parse_json_strict(text, "network file '" + printable(origin, 4096) + "'");
  if (!j.is_object()) fail(origin, "not a JSON object");
  Ctx top{origin, "top level"};
  check_keys(top, j, {"name", "description", "source", "batch", "input", "layers"});

  Network net;
  net.file = origin;
  net.name = get_str(top, j, "name", std::filesystem::path(origin).stem().string(), false);
  net.description = get_str(top, j, "description", "", false);
  net.source = get_str(top, j, "source", "", false);
  net.batch = get_int(top, j, "batch", 1, 1 << 20, 16, false);

  auto in_it = j.find("input");
  if (in_it == j.end() || !in_it->is_object()) fail(origin, "missing object 'input' {channels, height, width}");
  Ctx ic{origin, "input"};
  check_keys(ic, *in_it, {"channels", "height", "width"});
  net.input.c = get_int(ic, *in_it, "channels", 1, 1 << 24, 0, true);
  net.input.h = get_int(ic, *in_it, "height", 1, 1 << 16, 0, true);
  net.input.w = get_int(ic, *in_it, "width", 1, 1 << 16, 0, true);

  auto ls = j.find("layers");
  if (ls == j.end() || !ls->is_array() || ls->empty()) fail(origin, "missing non-empty array 'layers'");

  std::map<std::string, Shape> shapes{{"input", net.input}};
  std::string prev = "input";
  size_t index = 0;
  int64_t total_macs = 0;
  for (const auto& lj : *ls) {
    ++index;
    Ctx c{origin, "layer " + std::to_string(index)};
    if (!lj.is_object()) c.fail("not a JSON object");
    Layer l;
    l.name = get_str(c, lj, "name", "", true);
    c.where = "layer " + in_quotes(l.name);
    if (l.name.empty() || l.name == "input" || l.name.size() > 255 || printable(l.name, 255) != l.name)
      c.fail("invalid layer name (1 to 255 characters, no control characters, not 'input')");
    if (shapes.count(l.name)) c.fail("duplicate layer name");
    l.type = parse_type(c, get_str(c, lj, "type", "", true));

    std::set<std::string> keys{"name", "type", "input"};
    switch (l.type) {
      case LayerType::Conv:
        keys.insert({"out_channels", "kernel", "stride", "padding", "act_bits", "wgt_bits", "act_signed", "wgt_signed",
                     "relu"});
        break;
      case LayerType::Fc:
        keys.insert({"out_features", "act_bits", "wgt_bits", "act_signed", "wgt_signed", "relu"});
        break;
      case LayerType::MaxPool: keys.insert({"kernel", "stride", "padding"}); break;
      case LayerType::Concat:
      case LayerType::Add:
        keys.erase("input");
        keys.insert("inputs");
        break;
    }
    check_keys(c, lj, keys);

    // Inputs.
    if (l.type == LayerType::Concat || l.type == LayerType::Add) {
      auto it = lj.find("inputs");
      if (it == lj.end() || !it->is_array() || it->size() < 2)
        c.fail("needs 'inputs': a list of two or more layer names");
      for (const auto& x : *it) {
        if (!x.is_string()) c.fail("'inputs' must hold layer names, not " + json_brief(x));
        l.inputs.push_back(x.get<std::string>());
      }
    } else {
      l.inputs.push_back(get_str(c, lj, "input", prev, false));
    }
    for (const auto& n : l.inputs)
      if (!shapes.count(n)) c.fail("input " + in_quotes(n) + " is not the network input or a layer above this one");
    l.in = shapes.at(l.inputs[0]);
    l.reads_input = l.inputs.size() == 1 && l.inputs[0] == "input";

    // Padding (conv, maxpool).
    auto parse_pad = [&](PadMode dflt) {
      auto it = lj.find("padding");
      l.pad_mode = dflt;
      if (it == lj.end()) return;
      if (it->is_string()) {
        const auto s = it->get<std::string>();
        if (s == "same")
          l.pad_mode = PadMode::Same;
        else if (s == "valid")
          l.pad_mode = PadMode::Valid;
        else
          c.fail("'padding' = " + in_quotes(s) + " (expected \"same\", \"valid\" or an integer)");
      } else if (int64_t p = 0; json_int(*it, 0, 1023, p) == JsonInt::Ok) {
        l.pad_mode = PadMode::Explicit;
        l.pad = int(p);
      } else {
        c.fail("'padding' must be \"same\", \"valid\" or an integer in [0, 1023]");
      }
    };

    switch (l.type) {
      case LayerType::Conv: {
        l.out_channels = get_int(c, lj, "out_channels", 1, 1 << 20, 0, true);
        l.kernel = get_int(c, lj, "kernel", 1, 64, 0, true);
        l.stride = get_int(c, lj, "stride", 1, 64, 1, false);
        parse_pad(PadMode::Same);
        l.act_bits = get_bits(c, lj, "act_bits");
        l.wgt_bits = get_bits(c, lj, "wgt_bits");
        l.out = {l.out_channels, window_out(c, l.in.h, l.kernel, l.stride, l.pad_mode, l.pad),
                 window_out(c, l.in.w, l.kernel, l.stride, l.pad_mode, l.pad)};
        break;
      }
      case LayerType::Fc: {
        l.out_features = get_int(c, lj, "out_features", 1, 1 << 24, 0, true);
        l.act_bits = get_bits(c, lj, "act_bits");
        l.wgt_bits = get_bits(c, lj, "wgt_bits");
        if (l.in.size() > kMaxChannels)
          c.fail("input " + std::to_string(l.in.c) + "x" + std::to_string(l.in.h) + "x" + std::to_string(l.in.w) +
                 " flattens to " + std::to_string(l.in.size()) + " features, more than " +
                 std::to_string(kMaxChannels));
        l.in = {int(l.in.size()), 1, 1};  // flattened
        l.out = {l.out_features, 1, 1};
        break;
      }
      case LayerType::MaxPool: {
        l.kernel = get_int(c, lj, "kernel", 1, 64, 2, false);
        l.stride = get_int(c, lj, "stride", 1, 64, l.kernel, false);
        parse_pad(PadMode::Valid);
        l.out = {l.in.c, window_out(c, l.in.h, l.kernel, l.stride, l.pad_mode, l.pad),
                 window_out(c, l.in.w, l.kernel, l.stride, l.pad_mode, l.pad)};
        break;
      }
      case LayerType::Concat: {
        l.out = l.in;
        l.out.c = 0;
        for (const auto& n : l.inputs) {
          const Shape s = shapes.at(n);
          if (s.h != l.in.h || s.w != l.in.w)
            c.fail("input " + in_quotes(n) + " is " + std::to_string(s.h) + "x" + std::to_string(s.w) + ", not " +
                   std::to_string(l.in.h) + "x" + std::to_string(l.in.w));
          if (int64_t(l.out.c) + s.c > kMaxChannels)
            c.fail("concatenation has more than " + std::to_string(kMaxChannels) + " channels");
          l.out.c += s.c;
        }
        break;
      }
      case LayerType::Add: {
        for (const auto& n : l.inputs) {
          const Shape s = shapes.at(n);
          if (s.c != l.in.c || s.h != l.in.h || s.w != l.in.w)
            c.fail("input " + in_quotes(n) + " has a different shape");
        }
        l.out = l.in;
        break;
      }
    }
    if (l.is_compute()) {
      l.act_signed = get_bool(c, lj, "act_signed", false);
      l.wgt_signed = get_bool(c, lj, "wgt_signed", true);
      l.relu = get_bool(c, lj, "relu", true);
    }
    // MACs per image, overflow-checked: Layer::macs() and Network::macs()
    // then never overflow.
    {
      int64_t m = 0;
      const bool over = l.type == LayerType::Conv
                            ? __builtin_mul_overflow(int64_t(l.out.h) * l.out.w, int64_t(l.out.c) * l.kernel, &m) ||
                                  __builtin_mul_overflow(m, int64_t(l.kernel) * l.in.c, &m)
                        : l.type == LayerType::Fc ? __builtin_mul_overflow(l.in.size(), int64_t(l.out_features), &m)
                                                  : false;
      if (over || m > kMaxMacs || total_macs + m > kMaxMacs)
        c.fail("the network has more than " + std::to_string(kMaxMacs) + " multiply-accumulates per image");
      total_macs += m;
    }
    shapes[l.name] = l.out;
    prev = l.name;
    net.layers.push_back(std::move(l));
  }
  return net;
}

std::string network_dir() {
  if (const char* env = std::getenv("BF_NETWORK_DIR")) return env;
  return BF_NETWORK_DIR;
}

std::vector<std::string> list_networks() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(network_dir(), ec))
    if (e.path().extension() == ".json") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

Network load_network(const std::string& name_or_file) {
  namespace fs = std::filesystem;
  fs::path path(name_or_file);
  const bool is_file = name_or_file.find('/') != std::string::npos || path.extension() == ".json";
  if (!is_file) path = fs::path(network_dir()) / (name_or_file + ".json");
  std::error_code ec;
  if (!is_file && !fs::exists(path, ec)) {
    std::string known;
    for (const auto& k : list_networks()) known += (known.empty() ? "" : ", ") + k;
    throw std::runtime_error("unknown network " + in_quotes(name_or_file) + " (known: " + known + ")");
  }
  std::string text;
  try {
    text = read_file(path.string(), size_t(16) << 20);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string("network file: ") + e.what());
  }
  return parse_network(text, path.string());
}

}  // namespace bf::model
