// Network files: the layer lists the performance model and `bitfusion run`
// read (networks/*.json; format in docs/perf-model.md, "Network files").
//
// A network is an input shape, a default batch and an ordered list of
// layers. Each layer reads the layer before it unless it names its input
// ("input" is the network input); concat and add name two or more inputs.
// Shapes are inferred in file order, so a layer may only read layers above
// it. Every problem is a std::runtime_error with a one-line message naming
// the file and the layer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bf::model {

enum class LayerType { Conv, Fc, MaxPool, Concat, Add };
const char* to_string(LayerType t);

struct Shape {
  int c = 0, h = 0, w = 0;
  int64_t size() const { return int64_t(c) * h * w; }
};

enum class PadMode { Same, Valid, Explicit };

struct Layer {
  std::string name;
  LayerType type = LayerType::Conv;
  std::vector<std::string> inputs;  // producer names; "input" = network input

  // conv / maxpool
  int out_channels = 0;
  int kernel = 1;
  int stride = 1;
  PadMode pad_mode = PadMode::Same;
  int pad = 0;  // PadMode::Explicit only
  // fc
  int out_features = 0;
  // conv / fc operands
  int act_bits = 8, wgt_bits = 8;
  bool act_signed = false, wgt_signed = true, relu = true;

  // Inferred by the loader.
  Shape in, out;             // in: the (first) input; fc: in is flattened into in.c
  bool reads_input = false;  // reads the network input directly (first layer)

  bool is_compute() const { return type == LayerType::Conv || type == LayerType::Fc; }
  // Multiply-accumulates per image.
  int64_t macs() const;
  // Padding before the first row/column (conv, maxpool).
  int pad_before() const;
};

struct Network {
  std::string name, description, source, file;
  Shape input;
  int batch = 16;
  std::vector<Layer> layers;

  int64_t macs() const;  // per image, conv and fc layers
  const Layer* find(const std::string& name) const;
};

// Loads a network by name (networks/<name>.json in the source tree or
// $BF_NETWORK_DIR) or by path (anything with a '/' or ending in .json).
Network load_network(const std::string& name_or_file);
// Parses JSON text; `origin` names the file in error messages.
Network parse_network(const std::string& text, const std::string& origin);

std::string network_dir();
std::vector<std::string> list_networks();  // file stems in network_dir()

}  // namespace bf::model
