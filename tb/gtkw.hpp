// Writes a GTKWave save file (.gtkw) that opens an FST trace with the
// useful signals already grouped, so a waveform is ready to read.
#pragma once
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bf::tb {

struct WaveSignal {
  std::string path;  // hierarchical name as in the trace, e.g. "TOP.bf_top.state_q"
  int width = 1;     // bits; > 1 adds the [msb:0] suffix GTKWave expects
  bool is_signed = false;
};

struct WaveGroup {
  std::string name;
  std::vector<WaveSignal> signals;
};

inline void write_gtkw(const std::string& path, const std::string& fst_path,
                       const std::vector<WaveGroup>& groups) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write GTKWave save file '" + path + "'");
  out << "[*] GTKWave save file written by bitfusion\n";
  out << "[dumpfile] \"" << fst_path << "\"\n";
  out << "[savefile] \"" << path << "\"\n";
  out << "[timestart] 0\n[size] 1600 900\n[signals_width] 320\n[sst_expanded] 1\n";
  for (const auto& g : groups) {
    out << "@800200\n-" << g.name << "\n";  // open group
    for (const auto& s : g.signals) {
      // Flags: 0x28 binary for single bits, 0x22 hex, 0x424 signed decimal.
      out << (s.width == 1 ? "@28\n" : s.is_signed ? "@424\n" : "@22\n");
      out << s.path;
      if (s.width > 1) out << "[" << s.width - 1 << ":0]";
      out << "\n";
    }
    out << "@1000200\n-" << g.name << "\n";  // close group
  }
  if (!out) throw std::runtime_error("write failed for '" + path + "'");
}

}  // namespace bf::tb
