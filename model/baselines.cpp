#include "model/baselines.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#ifndef BF_MODEL_DATA_DIR
#define BF_MODEL_DATA_DIR "model/data"
#endif

namespace bf::model {

std::string model_data_dir() {
  if (const char* env = std::getenv("BF_MODEL_DATA_DIR")) return env;
  return BF_MODEL_DATA_DIR;
}

std::map<std::string, EyerissBench> load_eyeriss(const std::string& path_in) {
  const std::string path = path_in.empty() ? model_data_dir() + "/eyeriss_results.csv" : path_in;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read Eyeriss data '" + path + "'");
  std::map<std::string, EyerissBench> out;
  std::string line;
  int lineno = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      if (line.rfind("Benchmark,Layer,ALU,DRAM,Buffer,Array,RF,", 0) != 0)
        throw std::runtime_error(path + ":" + std::to_string(lineno) + ": unexpected header");
      header = true;
      continue;
    }
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    if (f.size() != 8) throw std::runtime_error(path + ":" + std::to_string(lineno) + ": expected 8 fields");
    double v[6];
    for (int i = 0; i < 6; ++i) {
      try {
        v[i] = std::stod(f[2 + i]);
      } catch (const std::exception&) {
        throw std::runtime_error(path + ":" + std::to_string(lineno) + ": '" + f[2 + i] + "' is not a number");
      }
    }
    auto& b = out[f[0]];
    b.name = f[0];
    const double parts[5] = {v[0], v[1] * kEyerissDramScale, v[2], v[3], v[4]};
    for (int i = 0; i < 5; ++i) b.energy_parts_nj[i] += parts[i] * kEyerissPjPerUnit * 1e-3;
    // The authors sum the five components, then convert (same result up to
    // rounding; kept in their order).
    b.energy_nj += (v[0] + v[1] * kEyerissDramScale + v[2] + v[3] + v[4]) * kEyerissPjPerUnit * 1e-3;
    b.cycles += v[5];
  }
  if (!header) throw std::runtime_error(path + ": no data");
  return out;
}

const std::vector<PaperBench>& paper_benchmarks() {
  static const std::vector<PaperBench> v = {
      {"alexnet", "AlexNet", 1.87, 1.56}, {"svhn", "SVHN", 8.57, 10.57}, {"cifar10", "CIFAR10", 13.41, 14.77},
      {"lenet5", "LeNet-5", 2.72, 4.30},  {"vgg7", "VGG-7", 7.66, 9.87}, {"resnet18", "RESNET-18", 1.95, 1.85},
      {"rnn", "RNN", 2.66, 5.14},         {"lstm", "LSTM", 2.43, 4.78},
  };
  return v;
}

Gain gain(const RunCost& bf, const RunCost& base) {
  if (bf.seconds <= 0 || bf.energy_pj <= 0) throw std::runtime_error("gain: Bit Fusion cost must be positive");
  return {base.seconds / bf.seconds, base.energy_pj / bf.energy_pj};
}

double geomean(const std::vector<double>& v) {
  if (v.empty()) throw std::runtime_error("geomean of nothing");
  double s = 0;
  for (double x : v) {
    if (!(x > 0)) throw std::runtime_error("geomean of a non-positive value");
    s += std::log(x);
  }
  return std::exp(s / double(v.size()));
}

}  // namespace bf::model
