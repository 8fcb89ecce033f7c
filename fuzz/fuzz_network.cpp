// Fuzz target: network files (model/network.cpp, parse_network).
//
// An accepted network must have consistent shapes (every size >= 1,
// padding >= 0, inputs above each layer) and MAC counts that fit 64 bits.
#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "model/network.hpp"

namespace bf::fuzz {

void network(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  model::Network net;
  try {
    net = model::parse_network(text, "fuzz.json");
  } catch (const std::runtime_error& e) {
    check_message(e.what());
    return;
  }
  require(!net.layers.empty(), "a network without layers was accepted");
  require(net.input.c >= 1 && net.input.h >= 1 && net.input.w >= 1, "empty network input accepted");
  int64_t total = 0;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    const model::Layer& l = net.layers[i];
    require(l.out.c >= 1 && l.out.h >= 1 && l.out.w >= 1, "layer '" + l.name + "' has an empty output");
    require(l.in.c >= 1 && l.in.h >= 1 && l.in.w >= 1, "layer '" + l.name + "' has an empty input");
    require(l.macs() >= 0, "negative MACs");
    total += l.macs();
    if (l.type == model::LayerType::Conv || l.type == model::LayerType::MaxPool)
      require(l.pad_before() >= 0, "negative padding");
    for (const auto& in : l.inputs) {
      const model::Layer* p = net.find(in);
      require(in == "input" || (p && p < &l), "layer '" + l.name + "' reads a layer that is not above it");
    }
    require(net.find(l.name) == &l, "duplicate layer name accepted");
  }
  require(net.macs() == total, "Network::macs differs from the sum of the layers");
}

}  // namespace bf::fuzz

BF_FUZZ_TARGET(bf::fuzz::network)
