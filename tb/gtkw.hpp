// Waveforms a debugger can read: GTKWave save files (.gtkw) whose signal
// groups are resolved against the signals the model really traced.
//
//   resolve_groups(fst, groups)  reads the FST's hierarchy and fills each
//       signal's width from it; a name the model does not
//       have (an RTL rename) is a one-line std::runtime_error naming the
//       group and the signal, so a save file never silently loses it.
//   write_gtkw(path, fst, groups, view)  the save file: the groups (nested
//       groups as sub-groups), times in the FST's unit, opening on `view`
//       (a window of the trace, e.g. the first few hundred cycles).
#pragma once
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtkwave/fstapi.h"

namespace bf::tb {

struct WaveSignal {
  std::string path;  // hierarchical name as traced, e.g. "TOP.bf_top.u_seq.state_q"
  int width = 0;     // bits (filled by resolve_groups)
  bool is_signed = false;
};

struct WaveGroup {
  std::string name;
  std::vector<WaveSignal> signals;
  std::vector<WaveGroup> subgroups;  // shown nested under this group
};

// The time window the save file opens on, in FST time units.
struct WaveView {
  uint64_t start = 0, end = 0;  // end = 0: the whole trace
  uint64_t marker = 0;
};

// Every variable of an FST file: full dotted name -> width in bits.
inline std::map<std::string, int> fst_variables(const std::string& fst) {
  void* ctx = fstReaderOpen(fst.c_str());
  if (!ctx) throw std::runtime_error("waveform: cannot read FST file '" + fst + "'");
  std::map<std::string, int> vars;
  std::vector<std::string> scope;
  while (fstHier* h = fstReaderIterateHier(ctx)) {
    switch (h->htyp) {
      case FST_HT_SCOPE: scope.emplace_back(h->u.scope.name, h->u.scope.name_length); break;
      case FST_HT_UPSCOPE:
        if (!scope.empty()) scope.pop_back();
        break;
      case FST_HT_VAR: {
        std::string name;
        for (const auto& s : scope) name += s + ".";
        std::string leaf(h->u.var.name, h->u.var.name_length);
        const auto sp = leaf.find(' ');  // "name [7:0]" for vectors
        if (sp != std::string::npos) leaf = leaf.substr(0, sp);
        vars[name + leaf] = int(h->u.var.length);
        break;
      }
      default: break;
    }
  }
  fstReaderClose(ctx);
  return vars;
}

// Resolves every signal of `groups` against the FST file's variables.
inline std::vector<WaveGroup> resolve_groups(const std::string& fst, std::vector<WaveGroup> groups) {
  const auto vars = fst_variables(fst);
  std::vector<WaveGroup*> all;
  std::vector<WaveGroup*> stack;
  for (auto& g : groups) stack.push_back(&g);
  while (!stack.empty()) {
    WaveGroup* g = stack.back();
    stack.pop_back();
    all.push_back(g);
    for (auto& s : g->subgroups) stack.push_back(&s);
  }
  for (WaveGroup* g : all)
    for (auto& s : g->signals) {
      const auto it = vars.find(s.path);
      if (it == vars.end())
        throw std::runtime_error("waveform: group '" + g->name + "' names '" + s.path +
                                 "', which the model does not trace (renamed or removed in the RTL?)");
      s.width = it->second;
    }
  return groups;
}

namespace detail {
inline void write_group(std::ostream& out, const WaveGroup& g) {
  out << "@800200\n-" << g.name << "\n";  // open group
  for (const auto& s : g.signals) {
    // Flags: 0x28 binary for single bits, 0x22 hex, 0x424 signed decimal.
    out << (s.width <= 1 ? "@28\n" : s.is_signed ? "@424\n" : "@22\n");
    out << s.path;
    if (s.width > 1) out << "[" << s.width - 1 << ":0]";
    out << "\n";
  }
  for (const auto& sg : g.subgroups) write_group(out, sg);
  out << "@1000200\n-" << g.name << "\n";  // close group
}
}  // namespace detail

inline void write_gtkw(const std::string& path, const std::string& fst_path, const std::vector<WaveGroup>& groups,
                       const WaveView& view = {}) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write GTKWave save file '" + path + "'");
  out << "[*] GTKWave save file written by bitfusion\n";
  out << "[dumpfile] \"" << fst_path << "\"\n";
  out << "[savefile] \"" << path << "\"\n";
  out << "[timestart] " << view.start << "\n[size] 1600 900\n[signals_width] 320\n[sst_expanded] 1\n";
  if (view.end > view.start) {
    // Zoom: GTKWave shows 2^-zoom time units per pixel; fit the window in
    // the ~1200 pixels of the wave pane.
    const double per_px = double(view.end - view.start) / 1200.0;
    const double zoom = -std::log2(per_px > 0 ? per_px : 1.0);
    out << "*" << zoom << " " << view.marker
        << " -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n";
  }
  for (const auto& g : groups) detail::write_group(out, g);
  if (!out) throw std::runtime_error("write failed for '" + path + "'");
}

}  // namespace bf::tb
