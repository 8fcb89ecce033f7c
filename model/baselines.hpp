// Baselines and the comparison table of `bitfusion bench`.
//
// Eyeriss: the per-layer cycles and energy the Bit Fusion authors used
// (model/data/eyeriss_results.csv, with its citation), converted the way
// their notebook does. Stripes and a fixed 8-bit array: model/design.hpp.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace bf::model {

struct EyerissBench {
  std::string name;
  double cycles = 0;                            // batch of 16, summed over all layers (pooling included)
  double energy_nj = 0;                         // with the authors' conversion
  double energy_parts_nj[5] = {0, 0, 0, 0, 0};  // ALU, DRAM (scaled), Buffer, Array, RF
};

constexpr double kEyerissMhz = 500.0;           // the clock the authors assume for Eyeriss
constexpr double kEyerissPjPerUnit = 16 * 0.2;  // pJ per 16-bit MAC unit
constexpr double kEyerissDramScale = 0.15;

// Loads and sums the Eyeriss data by benchmark; `path` empty = the copy in
// model/data. Throws std::runtime_error naming the file and line.
std::map<std::string, EyerissBench> load_eyeriss(const std::string& path = "");
std::string model_data_dir();

// The eight benchmarks of the paper's evaluation, with its figures.
struct PaperBench {
  const char* file;                        // networks/<file>.json
  const char* eyeriss;                     // benchmark name in the Eyeriss data
  double speedup_eyeriss, energy_eyeriss;  // paper section 7 (Bit Fusion over Eyeriss)
};
const std::vector<PaperBench>& paper_benchmarks();
constexpr double kPaperGeoSpeedupEyeriss = 3.9, kPaperGeoEnergyEyeriss = 5.1;
constexpr double kPaperGeoSpeedupStripes = 2.6, kPaperGeoEnergyStripes = 3.9;

// Time and energy of one platform on one benchmark.
struct RunCost {
  double seconds = 0;
  double energy_pj = 0;
};

// Bit Fusion over a baseline: speedup (baseline time / Bit Fusion time) and
// energy reduction (baseline energy / Bit Fusion energy).
struct Gain {
  double speedup = 0, energy = 0;
};
Gain gain(const RunCost& bitfusion, const RunCost& baseline);
double geomean(const std::vector<double>& v);

}  // namespace bf::model
