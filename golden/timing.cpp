// The event-level timing model of bf_top running a compiled block
// (golden/timing.hpp). Moved here from model/rtl_model.cpp so that the
// compiler can rank its candidate programs by predicted cycles.
#include "golden/timing.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "golden/block_regs.hpp"
#include "golden/isa.hpp"
#include "golden/machine.hpp"
#include "golden/precision.hpp"
#include "golden/walk.hpp"

namespace bf {

using namespace bf::isa;

namespace {

// ------------------------------------------------------------ the block
// The block registers a compiled block sets (golden/block_regs.hpp),
// decoded from the instruction words the controller fetches.
struct Block {
  BlockRegs regs;
  size_t words = 0;  // instructions up to and including block-end
};

Block decode_block(const std::vector<Instr>& prog) {
  Block b;
  for (const Instr& in : prog) {
    ++b.words;
    if (in.op == Op::BlockEnd) return b;
    b.regs.apply(in);
  }
  throw std::runtime_error("timing model: the compiled block has no block-end");
}

uint64_t beats_of(uint64_t addr, uint64_t n, uint64_t wpb) { return (addr + n + wpb - 1) / wpb - addr / wpb; }

// The memory walk of one load or store at a step, summed over its runs
// (golden/walk.hpp for_each_run): beats, runs, and (stores) walker cycles.
struct RunSums {
  uint64_t beats = 0, runs = 0;
  int64_t cyc = 0;
  uint64_t reads = 0;  // (stores) OBUF reads of one run
};

// Memo of RunSums for one block. A run's beats (and a store run's beat
// assembler flush) depend on its DRAM address only through the address
// modulo the words per beat, so the sums at a step depend only on the
// stream, its tile address modulo the words per beat, its dim counts (the
// edge values) and, for a store, the channels of its output tile; the
// timing model walks tens of thousands of steps with a handful of such
// keys. A walk whose addresses would wrap around 32 bits (where the
// modulo argument fails) is not memoized.
class RunMemo {
 public:
  struct Key {
    int stream = 0;
    uint32_t residue = 0, nch = 0;
    uint32_t cnt[isa::kDims] = {};
    bool operator==(const Key& o) const {
      static_assert(isa::kDims == 4, "the comparison below lists every dim");
      return stream == o.stream && residue == o.residue && nch == o.nch && cnt[0] == o.cnt[0] && cnt[1] == o.cnt[1] &&
             cnt[2] == o.cnt[2] && cnt[3] == o.cnt[3];
    }
  };
  // `walk` computes the sums directly; `span` is the largest offset the
  // walk adds to its tile address (every run's words, every plane).
  explicit RunMemo(bool on) : on_(on) {}
  template <class Walk>
  RunSums get(const Key& k, uint64_t base, uint64_t span, Walk&& walk) {
    if (!on_ || base + span >= (uint64_t(1) << 32)) return walk();
    for (const auto& e : entries_)
      if (e.first == k) return e.second;
    const RunSums v = walk();
    if (entries_.size() < kMaxEntries) entries_.emplace_back(k, v);
    return v;
  }

 private:
  static constexpr size_t kMaxEntries = 64;
  bool on_;
  std::vector<std::pair<Key, RunSums>> entries_;
};

int ilog2(int v) {
  int r = 0;
  while ((1 << r) < v) ++r;
  return r;
}

// ------------------------------------------------------------ timing constants
// Cycle offsets of bf_top's units (docs/controller.md, rtl/ctrl/*.sv); the
// comments give where each comes from.
// A store's beats reach the memory port this many cycles after its walk
// (OBUF reads, then the write-back stages and the beat assembler of
// bf_ctrl_store): the window in which it shares the port with a load is
// that much later than the walk. Calibrated against the RTL (PerfRtl: 4
// gives -1.12 .. +0.90 % over its layers; 0 had a small-store layer at
// +2.34 %, 8 others at -4.05 %).
constexpr int64_t kStorePortLag = 4;
constexpr int64_t kCheckCycles = 8;  // SCheck: ck 0..7, right after SLoad (the loads land meanwhile)
// Load unit: request k at s+1+k, response L later, appended to the gearbox
// one cycle after, emitted the cycle after that; busy falls the cycle after
// the last emit. The walker takes the next load the cycle after its last
// request (ready_o), while the beats before still land.
constexpr int64_t kLoadTail = 3;
// Store unit: the walker starts the cycle after the done count is reached;
// the last word leaves the FIFO 8 cycles after its read (stage B, the six
// write-back stages, packing), the beat is sent the cycle after, busy falls
// the cycle after the send.
constexpr int64_t kStoreTail = 10;
constexpr int64_t kDoneOffset = 5;  // tdone_q visible at h + S + N + M + 5
constexpr int kStepQueue = 2;       // bf_ctrl_issue StepQueue

}  // namespace

TimingStats predict_timing(const CompiledLayer& c, const TimingOptions& opt) {
  const ArrayConfig& cfg = c.cfg;
  const Block blk = decode_block(c.block);
  const BlockRegs& b = blk.regs;
  TimingStats r;
  const int N = cfg.rows, M = cfg.cols;
  const int64_t L = opt.dram_latency >= 0 ? opt.dram_latency : cfg.dram_latency;
  const int64_t Lr = L > 0 ? L : 1;  // the DRAM model answers after at least one cycle
  const int64_t rsp_depth = opt.rsp_depth > 0 ? opt.rsp_depth : cfg.rsp_depth;
  const uint64_t wpb = uint64_t(cfg.dram_bits) / 32;
  const BufferGeometry bg = BufferGeometry::of(cfg);
  const int grp_of[4] = {bg.ibuf_group(), bg.obuf_group(), bg.wbuf_group(), bg.obuf_group()};

  // ---------------------------------------------------------- fetch
  // One beat per DramBits/32 instructions (the program starts on a beat):
  // a miss costs the request cycle plus the latency, every instruction one
  // cycle; block-end moves to SBStart, then the first SStep.
  const uint64_t prog = blk.words;
  const uint64_t misses = (prog + wpb - 1) / wpb;
  r.fetch_beats = misses;
  r.fetch_cycles = misses * uint64_t(Lr + 1) + prog;
  int64_t now = int64_t(r.fetch_cycles) + 1;  // the first SStep

  // ---------------------------------------------------------- unit state
  int64_t ld_idle = 0;                 // first cycle the load unit is not busy (every load landed)
  int64_t ld_walk = 0;                 // first cycle the load unit's walker takes a new load
  std::vector<int64_t> pops;           // cycle each queued step leaves the step queue (its last command accepted)
  int64_t last_accept = -1;            // cycle the engine's last command was accepted
  int64_t st_idle = 0;                 // first cycle the store unit is not busy
  int64_t st_walk0 = 0, st_walk1 = 0;  // the running store's walk [start, end)
  double st_beat_rate = 0;             // its memory beats per cycle while walking
  int64_t arr_ready = 0;               // first cycle the array accepts a command
  int64_t acc_until = 0;               // end of the last accumulating command's OBUF read window
  // OBUF halves: the store before the last one handed over finishes
  // (st_prev_idle: the commands of an output tile wait for it, the last
  // reader of their half), and the pending slot is free from st_slot_free.
  int64_t st_prev_idle = 0, st_slot_free = 0;
  int64_t pst_walk0 = 0, pst_walk1 = 0;  // that store's walk [start, end)
  double pst_beat_rate = 0;              // and its beats per cycle
  // A cycle count the store before the last one lost: it ends later, and
  // so does the last one when it waits behind it in the pending slot.
  auto prev_store_lost = [&](int64_t lost) {
    if (lost <= 0) return;
    if (st_walk0 > st_prev_idle) {
      st_walk0 += lost;
      st_walk1 += lost;
      st_idle += lost;
      if (st_slot_free > 0) st_slot_free += lost;
    }
    pst_walk1 += lost;
    st_prev_idle += lost;
  };
  // A load of `req` beats from cycle a sharing the port with a store that
  // walks [w0, w1) at `rate` beats per cycle: b0 beats go before the store
  // walks, then both run for `both` cycles, the load taking ql and the
  // store ps of its own rate (the arbiter alternates while both request).
  struct PortShare {
    double b0 = 0, both = 0, ql = 1, ps = 1;
  };
  auto share_port = [](int64_t a, int64_t req, int64_t w0, int64_t w1, double rate) {
    PortShare p;
    p.b0 = double(std::clamp<int64_t>(w0 - a, 0, req));
    const double rest = double(req) - p.b0, left = double(w1 - std::max(a, w0));
    if (rest > 0 && left > 0) {
      const double share = std::min(rate, 0.5);
      p.ql = 1.0 - share, p.ps = share / rate;
      p.both = std::min(rest / p.ql, left / p.ps);
    }
    return p;
  };
  // A whole-OBUF step whose commands wait for the running store (gate_k,
  // from gate_idle + 1): a load that slows that store later moves them.
  int64_t gate_idle = -1;
  size_t gate_k = 0;
  const int64_t dg = BufferGeometry::drain_group(M);  // columns a store read waits for
  int64_t last_done = 0;                              // done count of every command issued so far visible
  int64_t need_i[2] = {0, 0}, need_w[2] = {0, 0};     // half free from this cycle on
  // IBUF / WBUF halves in use (both start at 1; a whole-buffer stream stays
  // on 0, and its load waits for the readers of that same buffer).
  const bool iwhole = b.setup.ibuf_whole, wwhole = b.setup.wbuf_whole;
  int hi = iwhole ? 0 : 1, hw = wwhole ? 0 : 1;
  // A whole OBUF: an output tile's bias load and every step's commands wait
  // for the store handed over before them (the one of the previous output
  // tile) to finish; the commands see its done count one cycle later.
  const bool owhole = b.setup.obuf_whole;

  const SetupFields& su = b.setup;
  const int out_level = b.st.present ? b.st.level : kIdBase;
  // Store packing (bf_ctrl_store): field bits, channels per word, channels
  // per OBUF read, words per read (at most the largest power of two <=
  // min(drain group, words per beat)).
  const bool two_planes = su.requant && su.out_bits == 16;
  const int lpb = !su.requant ? 5 : two_planes ? 3 : ilog2(su.out_bits);
  const int lg_dg = ilog2(BufferGeometry::drain_group(M));
  const int lg_mm = ilog2(BufferGeometry::store_words_max(M, cfg.dram_bits));
  const int le = 5 - lpb, ls = std::min(le + lg_mm, lg_dg), subs = 1 << (le - std::min(le, ls));
  const int reads_per_chunk = 1 + (su.bias ? 1 : 0) + (su.requant && b.rq_channel ? 1 : 0);
  const int E = 1 << le, S = 1 << ls, WPR = ls > le ? 1 << (ls - le) : 1;

  TileWalk tiles(b);
  RunMemo memo(opt.memo_runs);
  // The run sums of `stream`'s walk at this step (runs of `run` words,
  // `planes` planes, `nch` channels for a store), memoized by their key;
  // `walk` computes them directly.
  auto run_sums = [&](int stream, uint32_t nch, uint32_t run, int planes, auto&& walk) {
    RunMemo::Key k;
    k.stream = stream;
    k.nch = nch;
    const uint32_t base = tiles.tile_addr(stream);
    k.residue = uint32_t(base % wpb);
    // The largest offset the runs add to the tile address.
    uint64_t span = run + uint64_t(planes - 1) * b.dram_plane[stream];
    for (int d = 0; d < isa::kDims; ++d) {
      k.cnt[d] = b.dim[stream][d].get(tiles.last());
      span += uint64_t(k.cnt[d] - 1) * b.dram_dim[stream][d];
    }
    return memo.get(k, base, span, walk);
  };

  for (;;) {
    ++r.steps;
    // SStep.
    int64_t t = now + 1;
    // SLoad: ibuf, wbuf, bias, one cycle each plus the wait for the load
    // unit and (IBUF/WBUF) for the half's last reader; wbuf goes first when,
    // at SStep (cycle now), the IBUF half the ibuf load overwrites is still
    // read and the WBUF half is free (the half free flags: free from need on).
    const bool wfirst = opt.wbuf_first && need_i[iwhole ? hi : hi ^ 1] > now && need_w[wwhole ? hw : hw ^ 1] <= now;
    static constexpr int kSlotOrder[2][3] = {{kIbuf, kWbuf, kBias}, {kWbuf, kIbuf, kBias}};
    for (int s : kSlotOrder[wfirst ? 1 : 0]) {
      const auto& slot = b.ld[s];
      if (!slot.present || !tiles.deeper_all(slot.level, false)) {
        ++t;
        continue;
      }
      int64_t start = std::max(t, ld_walk);
      if (s == kIbuf) {
        if (!iwhole) hi ^= 1;
        start = std::max(start, need_i[hi]);
      }
      if (s == kWbuf) {
        if (!wwhole) hw ^= 1;
        start = std::max(start, need_w[hw]);
      }
      if (s == kBias) start = std::max(start, owhole ? st_idle : st_slot_free);
      // Beats of every run (a beat shared by two runs is read twice).
      const RunSums sums = run_sums(s, 0, slot.run, 1, [&] {
        RunSums v;
        for_each_run(b, s, tiles, [&](uint32_t da, uint32_t) {
          v.beats += beats_of(da, slot.run, wpb);
          ++v.runs;
          return true;
        });
        return v;
      });
      const uint64_t beats = sums.beats, words = sums.runs * slot.run;
      // Requests: one per cycle, at most RspDepth in flight, sharing the
      // port with a store that walks meanwhile. The arbiter alternates when
      // both request: while both run, the store sends min(rate, 1/2) beats
      // per cycle (rate: its beats per cycle alone) and the load the rest;
      // the load's requests take the longer, and the store's walk ends
      // later by the cycles it was held below its rate.
      int64_t req = int64_t(beats);
      // (OBUF halves: first the store before the last one while it still
      // walks; the last one may wait behind it in the pending slot.)
      int64_t pre = 0;  // cycles of requests before the last store's turn
      if (!owhole && pst_beat_rate > 0 && pst_walk1 > start + 1) {
        const PortShare p =
            share_port(start + 1, req, pst_walk0 + kStorePortLag, pst_walk1 + kStorePortLag, pst_beat_rate);
        if (p.both > 0) {
          const int64_t served = std::min<int64_t>(req, int64_t(p.b0 + p.both * p.ql + 0.5));
          pre = int64_t(p.b0 + p.both + 0.5);
          req -= served;
          prev_store_lost(int64_t(p.both * (1.0 - p.ps) + 0.5));
        }
      }
      if (st_beat_rate > 0 && req > 0) {
        const PortShare p =
            share_port(start + 1 + pre, req, st_walk0 + kStorePortLag, st_walk1 + kStorePortLag, st_beat_rate);
        if (p.both > 0) {
          const double rest = double(req) - p.b0;
          req = int64_t(p.b0 + p.both + (rest - p.both * p.ql) + 0.5);
          const int64_t lost = int64_t(p.both * (1.0 - p.ps) + 0.5);
          st_walk1 += lost;
          if (lost > 0 && gate_idle == st_idle) {
            arr_ready += lost;
            last_accept += lost;
            last_done += lost;
            acc_until += lost;
            for (size_t j = gate_k; j < pops.size(); ++j) pops[j] += lost;
            for (int64_t* n : {&need_i[0], &need_i[1], &need_w[0], &need_w[1]})
              if (*n > gate_idle) *n += lost;
            gate_idle += lost;
          }
          st_idle += lost;
        }
      }
      req += pre;
      if (Lr + 2 > rsp_depth) req = std::max<int64_t>(req, int64_t(beats) * (Lr + 2) / rsp_depth);
      // Gearbox: one group of G words per cycle.
      const int64_t emits = int64_t(words / uint64_t(grp_of[s]));
      // Requests stream once the walker is free; the gearbox takes the
      // beats in order, so a load lands after its own latency and after
      // the one before it.
      ld_idle = std::max(start + Lr + kLoadTail + std::max(req, emits), ld_idle + emits);
      ld_walk = start + 1 + req;
      ++r.loads;
      r.read_beats += beats;
      r.read_bytes += 4 * words;
      if (s == kIbuf)
        r.ibuf_wr += 32 * words;
      else if (s == kWbuf)
        r.wbuf_wr += 32 * words;
      else
        r.obuf_wr += 32 * words;
      t = start + 1;
    }
    // SCheck (8 cycles) and SIssue; the step is queued while its loads
    // may still land.
    if (b.compute) {
      const int64_t z = t + kCheckCycles;  // SIssue
      const bool first = tiles.deeper_all(out_level, false);
      const int halves[3] = {hi, 0, hw};  // the OBUF half does not change the timing
      // Queue the step once a slot is free (the step kStepQueue places ahead
      // has left); its first command follows the cycle after, or after the
      // previous step's last command, and not before the cycle the landed
      // count reaches the step's loads (busy falls that cycle too: every
      // load dispatched so far has landed, they land in order).
      const size_t k = pops.size();
      int64_t e = z;
      if (k >= size_t(kStepQueue)) e = std::max(e, pops[k - kStepQueue] + 1);
      int64_t v = std::max({e + 1, last_accept + 1, ld_idle});
      if (owhole && r.stores > 0) {
        if (st_idle + 1 >= std::max(v, arr_ready)) {
          gate_idle = st_idle;
          gate_k = k;
        }
        v = std::max(v, st_idle + 1);
      } else {
        v = std::max(v, st_prev_idle + 1);
      }
      uint64_t cmds = 0, acc_outs = 0;
      for_each_tile_cmd(b, tiles, halves, first, [&](const TileCmd& c) {
        const uint64_t steps = c.steps(), outs = c.outputs();
        const int64_t h = std::max(v, arr_ready);  // accepted
        // An accumulating command reads the OBUF once per output and
        // column, and the array has priority on the OBUF ports: a store
        // draining meanwhile loses those cycles. The columns of a drain
        // group (dg of them) read one cycle apart, so each output blocks
        // the group for dg cycles: the command blocks the store's reads for
        // outs * dg / steps of the cycles (at most all), from the first
        // outputs (past the N rows) to dg + 2 cycles after its last step
        // has passed them; where back-to-back commands' windows overlap it
        // is counted once. The window's ends are calibrated against the RTL
        // (half a reduction after the first step, +2 at the end: the
        // layers of Ctrl.ResidentInput, Ctrl.WholeBufferStreams, PerfRtl).
        if (c.accumulate) {
          const int64_t red = int64_t(steps / std::max<uint64_t>(outs, 1));  // steps per output
          const int64_t from = std::max(h + N + 1 + red / 2, acc_until), to = h + N + int64_t(steps) + dg + 2;
          acc_until = to;
          const double dens = std::min(1.0, double(outs) * double(dg) / double(steps));
          if (!owhole && pst_beat_rate > 0) {  // the store before the last one (OBUF halves)
            const int64_t ovp = std::min(to, st_prev_idle) - std::max(from, pst_walk0);
            if (ovp > 0) prev_store_lost(int64_t(double(ovp) * dens + 0.5));
          }
          const int64_t ov = std::min(to, st_idle) - std::max(from, st_walk0);
          if (ov > 0) {
            const int64_t lost = int64_t(double(ov) * dens + 0.5);
            st_idle += lost;
            st_walk1 += lost;
          }
        }
        arr_ready = h + int64_t(steps);
        last_done = arr_ready + N + M + kDoneOffset;
        last_accept = h;
        v = h + 1;
        ++cmds;
        r.array_steps += steps;
        r.ibuf_rd += steps * N * 32;
        r.wbuf_rd += steps * uint64_t(N) * M * 32;
        // OBUF: one write per output and column; a read too when accumulating.
        r.obuf_wr += outs * M * 32;
        if (c.accumulate) acc_outs += outs;
        return true;
      });
      pops.push_back(last_accept);
      need_i[hi] = last_done;
      need_w[hw] = last_done;
      r.tile_cmds += cmds;
      r.obuf_rd += acc_outs * M * 32;
      t = e + 1;
    }
    // SStore: hand the store over once the previous one is finished (whole
    // OBUF), or (halves) once the pending slot is free: the store starts
    // when the unit is idle, and the sequencer goes on meanwhile.
    if (b.st.present && tiles.deeper_all(b.st.level, true)) {
      const int64_t x = owhole ? std::max(t, st_idle) : std::max(t, st_slot_free);
      const int64_t go = std::max(x, st_idle);  // the store unit starts it
      if (!owhole) st_slot_free = go > x ? go + 1 : 0;
      st_prev_idle = st_idle;
      pst_walk0 = st_walk0, pst_walk1 = st_walk1, pst_beat_rate = st_beat_rate;
      const int64_t walk = std::max(go + 1, last_done) + 1;
      const uint32_t nch = b.grp.get(tiles.last()) * uint32_t(M);
      const uint32_t run = b.st.run;
      // Walker cycles of one run: a first cycle, then per read of WPR
      // words `subs` OBUF reads (each preceded by a bias and a parameter
      // read when those are on and the channels exist).
      const uint64_t nent = (run + WPR - 1) / WPR;  // reads of WPR words (entries of the read FIFO)
      const int planes = two_planes ? 2 : 1;
      const RunSums sums = run_sums(kObuf, nch, run, planes, [&] {
        RunSums v;
        uint64_t wcyc = 1;
        for (uint64_t w = 0; w < nent; ++w)
          for (int k = 0; k < subs; ++k) {
            const bool in = w * WPR * E + uint64_t(k) * S < nch;
            wcyc += in ? reads_per_chunk : 1;
            v.reads += in ? reads_per_chunk : 0;
          }
        for_each_run(b, kObuf, tiles, [&](uint32_t da, uint32_t) {
          for (int p = 0; p < planes; ++p) {
            const uint64_t a0 = da + uint32_t(p) * b.dram_plane[kObuf];
            // The beat assembler: one read's words per cycle, plus one
            // cycle when the run's last read spills into a beat of its own.
            const uint64_t wl = (nent - 1) * WPR;
            const bool flush = (a0 + wl) % wpb + (run - wl) > wpb;
            v.cyc += std::max<int64_t>(int64_t(wcyc), int64_t(nent + (flush ? 1 : 0)));
            v.beats += beats_of(a0, run, wpb);
            ++v.runs;
          }
          return true;
        });
        return v;
      });
      const int64_t cyc = sums.cyc;
      const uint64_t sbeats = sums.beats, sruns = sums.runs, reads = sums.reads;
      st_walk0 = walk;
      st_walk1 = walk + cyc;
      st_beat_rate = cyc > 0 ? double(sbeats) / double(cyc) : 0;
      st_idle = walk + cyc + kStoreTail - 1;
      ++r.stores;
      r.write_beats += sbeats;
      r.write_bytes += 4ull * run * sruns;
      r.obuf_rd += sruns * reads * uint64_t(BufferGeometry::drain_group(M)) * 32;
      t = x;
    }
    // SStore (one cycle) and SAdv.
    now = t + 2;
    // `now` never decreases and the run ends at least 2 cycles after it.
    if (opt.stop_above > 0 && uint64_t(now + 2) > opt.stop_above) {
      r.stopped = true;
      r.cycles = uint64_t(now + 2);
      return r;
    }
    if (!tiles.next()) break;
  }
  // SBEnd: every unit idle and every command done; then SHalt.
  const int64_t end = std::max({now, ld_idle, st_idle, last_done});
  r.cycles = uint64_t(end + 2);
  r.dram_rd_bits = (r.read_beats + r.fetch_beats) * uint64_t(cfg.dram_bits);
  r.dram_wr_bits = r.write_beats * uint64_t(cfg.dram_bits);
  return r;
}

}  // namespace bf
