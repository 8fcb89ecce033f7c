#include "golden/isa.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <sstream>

#include "golden/file_io.hpp"
#include "golden/text.hpp"

namespace bf::isa {
namespace {

const char* const kMnemonics[kNumOps] = {"setup",       "ld-mem", "st-mem",    "rd-buf",  "wr-buf", "gen-addr-hi",
                                         "gen-addr-lo", "loop",   "block-end", "compute", "requant"};
const char* const kRqNames[5] = {"mult", "shift", "zp", "lo", "hi"};
const char* const kStreamNames[4] = {"ibuf", "obuf", "wbuf", "bias"};

std::string tile_name(int t) { return "t" + std::to_string(t); }

// Level field of ld-mem / st-mem: a tile loop or the whole block.
bool valid_level(int l) { return l < kTileLoops || l == kIdBase; }
std::string level_name(int l) { return l == kIdBase ? "block" : tile_name(l); }

bool is_dim(int l) { return l >= kDim0 && l < kDim0 + kDims; }
bool is_eng(int l) { return l >= kEngLoop0 && l < kEngLoop0 + kEngLoops; }

// gen-addr targets: t0..t7, d0..d3, plane, base.
bool valid_gen_target(int l) { return l < kTileLoops || is_dim(l) || l == kIdPlane || l == kIdBase; }
// rd-buf targets: e0..e5, grp, plane, base; t0..t7 (the tile-loop offset
// of a resident input) for the ibuf only.
bool valid_rd_target(int l) { return l < kTileLoops || is_eng(l) || l == kIdGroup || l == kIdPlane || l == kIdBase; }
// wr-buf targets: d0..d3, grp, base.
bool valid_wr_target(int l) { return is_dim(l) || l == kIdGroup || l == kIdBase; }

std::string target_name(int l) {
  if (l < kTileLoops) return tile_name(l);
  if (is_eng(l)) return "e" + std::to_string(l - kEngLoop0);
  if (l == kIdGroup) return "grp";
  if (l == kIdPlane) return "plane";
  if (is_dim(l)) return "d" + std::to_string(l - kDim0);
  if (l == kIdBase) return "base";
  return "?" + std::to_string(l);
}

std::string bad(const std::string& m) { return m; }

}  // namespace

const char* mnemonic(Op op) {
  const int k = int(op);
  return k < kNumOps ? kMnemonics[k] : "illegal";
}

Instr make_setup(const SetupFields& s) {
  Instr i;
  i.op = Op::Setup;
  i.spec = uint8_t((prec_code_of(s.act_bits) << 5) | (s.act_signed << 4) | (prec_code_of(s.wgt_bits) << 2) |
                   (s.wgt_signed << 1));
  if (s.requant)
    i.imm = uint16_t((1u << 15) | (prec_code_of(s.out_bits) << 13) | (unsigned(s.relu) << 12) |
                     (unsigned(s.bias) << 11) | ((s.shift & 31) << 6));
  else
    i.imm = uint16_t(unsigned(s.bias) << 11);
  i.imm = uint16_t(i.imm | (unsigned(s.obuf_whole) << 2) | (unsigned(s.ibuf_whole) << 1) | unsigned(s.wbuf_whole));
  return i;
}

SetupFields setup_fields(const Instr& i) {
  SetupFields s;
  s.act_bits = bits_of_code((i.spec >> 5) & 3);
  s.act_signed = (i.spec >> 4) & 1;
  s.wgt_bits = bits_of_code((i.spec >> 2) & 3);
  s.wgt_signed = (i.spec >> 1) & 1;
  s.requant = (i.imm >> 15) & 1;
  s.out_bits = bits_of_code((i.imm >> 13) & 3);
  s.relu = (i.imm >> 12) & 1;
  s.bias = (i.imm >> 11) & 1;
  s.shift = (i.imm >> 6) & 31;
  s.obuf_whole = (i.imm >> 2) & 1;
  s.ibuf_whole = (i.imm >> 1) & 1;
  s.wbuf_whole = i.imm & 1;
  return s;
}

Instr make_ld(int stream, int level, uint32_t run) {
  return {Op::LdMem, uint8_t(stream), uint8_t(level), uint16_t(run - 1)};
}
Instr make_st(int level, uint32_t run) { return {Op::StMem, uint8_t(kObuf), uint8_t(level), uint16_t(run - 1)}; }
Instr make_loop(int id, uint32_t count, int stream) {
  return {Op::Loop, uint8_t(is_dim(id) ? stream : 0), uint8_t(id), uint16_t(count - 1)};
}
Instr make_loop_edge(int id, uint32_t count, int edge_loop, int stream) {
  return {Op::Loop, uint8_t(0x40 | (edge_loop << 3) | (is_dim(id) ? stream : 0)), uint8_t(id), uint16_t(count - 1)};
}
Instr make_gen_lo(int s, int t, uint16_t v) { return {Op::GenAddrLo, uint8_t(s), uint8_t(t), v}; }
Instr make_gen_hi(int s, int t, uint16_t v) { return {Op::GenAddrHi, uint8_t(s), uint8_t(t), v}; }
Instr make_rd_buf(int b, int t, uint16_t v) { return {Op::RdBuf, uint8_t(b), uint8_t(t), v}; }
Instr make_wr_buf(int s, int t, uint16_t v) { return {Op::WrBuf, uint8_t(s), uint8_t(t), v}; }
Instr make_compute(int n_red) { return {Op::Compute, uint8_t(n_red), 0, 0}; }
Instr make_block_end(bool last) { return {Op::BlockEnd, uint8_t(last ? 1 : 0), 0, 0}; }
Instr make_requant_mult(uint32_t mult) { return {Op::Requant, 0, uint8_t(kRqMult), uint16_t(mult)}; }
Instr make_requant_channel() { return {Op::Requant, 1, uint8_t(kRqMult), 0}; }
Instr make_requant_shift(int shift, bool round) {
  return {Op::Requant, 0, uint8_t(kRqShift), uint16_t((shift & 63) | (round ? 0x40 : 0))};
}
Instr make_requant_value(int target, int32_t v) {
  return {Op::Requant, uint8_t((v >> 16) & 1), uint8_t(target), uint16_t(v & 0xffff)};
}

std::string check(const Instr& i) {
  const int op = int(i.op);
  if (op >= kNumOps) return "illegal opcode " + std::to_string(op);
  const std::string m = kMnemonics[op];
  const int s = i.spec & 3;
  switch (i.op) {
    case Op::Setup:
      if (i.spec & 1) return bad(m + ": reserved op_spec bit 0 is set");
      if (i.loop) return bad(m + ": loop field must be 0");
      if (i.imm & 0x38) return bad(m + ": reserved imm bits 5:3 are set");
      if (!(i.imm >> 15) && (i.imm & 0x77c0)) return bad(m + ": out-bits, relu and shift must be 0 for raw output");
      return "";
    case Op::LdMem:
      if (i.spec >> 2) return bad(m + ": reserved op_spec bits are set");
      if (s == kObuf) return bad(m + ": stream obuf is not loadable");
      if (!valid_level(i.loop)) return bad(m + ": level " + std::to_string(i.loop) + " is not a tile loop");
      return "";
    case Op::StMem:
      if (i.spec != kObuf) return bad(m + ": stream must be obuf");
      if (!valid_level(i.loop)) return bad(m + ": level " + std::to_string(i.loop) + " is not a tile loop");
      return "";
    case Op::RdBuf:
      if (i.spec >> 2) return bad(m + ": reserved op_spec bits are set");
      if (s == kBias) return bad(m + ": buffer bias is not read by the array");
      if (!valid_rd_target(i.loop))
        return bad(m + ": target " + std::to_string(i.loop) + " is not t0..t7, e0..e5, grp, plane or base");
      if (i.loop < kTileLoops && s != kIbuf) return bad(m + ": tile-loop offsets t0..t7 are for the ibuf only");
      return "";
    case Op::WrBuf:
      if (i.spec >> 2) return bad(m + ": reserved op_spec bits are set");
      if (!valid_wr_target(i.loop))
        return bad(m + ": target " + std::to_string(i.loop) + " is not d0..d3, grp or base");
      return "";
    case Op::GenAddrHi:
    case Op::GenAddrLo:
      if (i.spec >> 2) return bad(m + ": reserved op_spec bits are set");
      if (!valid_gen_target(i.loop))
        return bad(m + ": target " + std::to_string(i.loop) + " is not t0..t7, d0..d3, plane or base");
      return "";
    case Op::Loop: {
      const bool edge = i.spec & 0x40;
      if (i.spec & 4) return bad(m + ": reserved op_spec bit 2 is set");
      if (i.loop < kTileLoops) {
        if (i.spec) return bad(m + ": a tile loop takes no stream or edge count");
        return "";
      }
      if (is_eng(i.loop) || i.loop == kIdGroup) {
        if (s) return bad(m + ": stream must be 0 for " + target_name(i.loop));
      } else if (!is_dim(i.loop)) {
        return bad(m + ": loop id " + std::to_string(i.loop) + " is reserved");
      }
      if (!edge && ((i.spec >> 3) & 7)) return bad(m + ": edge loop given without the edge flag");
      return "";
    }
    case Op::BlockEnd:
      if (i.spec >> 1 || i.loop || i.imm) return bad(m + ": reserved fields are set");
      return "";
    case Op::Compute:
      if (i.spec > kEngLoops) return bad(m + ": n_red " + std::to_string(i.spec) + " exceeds 6");
      if (i.loop || i.imm) return bad(m + ": reserved fields are set");
      return "";
    case Op::Requant:
      if (i.spec >> 1) return bad(m + ": reserved op_spec bits are set");
      switch (i.loop) {
        case kRqMult:
          if ((i.spec & 1) && i.imm) return bad(m + ": mult channel takes no value");
          if (!(i.spec & 1) && !i.imm) return bad(m + ": mult 0 (use 1..65535)");
          return "";
        case kRqShift:
          if (i.spec) return bad(m + ": reserved op_spec bit 0 is set");
          if (i.imm >> 7) return bad(m + ": reserved imm bits 15:7 are set");
          if ((i.imm & 63) > kRqMaxShift) return bad(m + ": shift " + std::to_string(i.imm & 63) + " exceeds 47");
          return "";
        case kRqZero:
        case kRqLo:
        case kRqHi: return "";
        default: return bad(m + ": target " + std::to_string(i.loop) + " is not mult, shift, zp, lo or hi");
      }
  }
  return "illegal opcode";
}

int check_class(const Instr& i) {
  if (int(i.op) >= kNumOps) return 1;
  return check(i).empty() ? 0 : 2;
}

// ---------------------------------------------------------------- disassembler

namespace {
std::string operand_name(const SetupFields& s, bool act) {
  const bool sg = act ? s.act_signed : s.wgt_signed;
  return std::string(sg ? "s" : "u") + std::to_string(act ? s.act_bits : s.wgt_bits);
}
}  // namespace

std::string disassemble(const Instr& i) {
  const std::string err = check(i);
  if (!err.empty()) throw std::invalid_argument(err);
  std::ostringstream o;
  o << kMnemonics[int(i.op)];
  const int s = i.spec & 3;
  switch (i.op) {
    case Op::Setup: {
      const auto f = setup_fields(i);
      o << " a=" << operand_name(f, true) << " w=" << operand_name(f, false);
      if (f.requant)
        o << " out=" << f.out_bits << " relu=" << f.relu << " shift=" << f.shift << " bias=" << f.bias;
      else
        o << " out=raw bias=" << f.bias;
      if (f.ibuf_whole || f.wbuf_whole || f.obuf_whole)
        o << " whole=" << (f.ibuf_whole ? "i" : "") << (f.obuf_whole ? "o" : "") << (f.wbuf_whole ? "w" : "");
      break;
    }
    case Op::LdMem:
    case Op::StMem: o << " " << kStreamNames[s] << " " << level_name(i.loop) << " " << (uint32_t(i.imm) + 1); break;
    case Op::RdBuf:
    case Op::WrBuf:
    case Op::GenAddrHi:
    case Op::GenAddrLo: o << " " << kStreamNames[s] << " " << target_name(i.loop) << " " << i.imm; break;
    case Op::Loop:
      o << " ";
      if (is_dim(i.loop)) o << kStreamNames[s] << ".";
      o << target_name(i.loop) << " " << (uint32_t(i.imm) + 1);
      if (i.spec & 0x40) o << " last=" << tile_name((i.spec >> 3) & 7);
      break;
    case Op::BlockEnd:
      if (i.spec & 1) o << " last";
      break;
    case Op::Compute: o << " red=" << int(i.spec); break;
    case Op::Requant:
      o << " " << kRqNames[i.loop];
      if (i.loop == kRqMult)
        o << " " << ((i.spec & 1) ? std::string("channel") : std::to_string(i.imm));
      else if (i.loop == kRqShift)
        o << " " << (i.imm & 63) << ((i.imm & 0x40) ? " round" : "");
      else
        o << " " << requant_value(i);
      break;
  }
  return o.str();
}

std::string disassemble(const std::vector<uint32_t>& words) {
  std::string out;
  for (size_t k = 0; k < words.size(); ++k) {
    const Instr i = Instr::decode(words[k]);
    const std::string err = check(i);
    if (!err.empty()) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "0x%08x", words[k]);
      throw std::runtime_error("word " + std::to_string(k) + " (" + hex + "): " + err);
    }
    out += disassemble(i);
    out += '\n';
  }
  return out;
}

// ---------------------------------------------------------------- assembler

namespace {

[[noreturn]] void fail(const std::string& m) { throw std::invalid_argument(m); }

uint64_t parse_num(const std::string& tok, const std::string& what, uint64_t lo, uint64_t hi) {
  if (tok.empty() || tok[0] == '-' || tok[0] == '+')
    fail(what + " " + in_quotes(tok) + " is not a non-negative integer");
  size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(tok, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != tok.size()) fail(what + " " + in_quotes(tok) + " is not a non-negative integer");
  if (v < lo || v > hi)
    fail(what + " " + printable(tok) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

int parse_stream(const std::string& tok) {
  for (int k = 0; k < 4; ++k)
    if (tok == kStreamNames[k]) return k;
  fail("unknown stream " + in_quotes(tok) + " (ibuf, obuf, wbuf, bias)");
}

int parse_tile(const std::string& tok) {
  if (tok.size() == 2 && tok[0] == 't' && tok[1] >= '0' && tok[1] < '0' + kTileLoops) return tok[1] - '0';
  fail(in_quotes(tok) + " is not a tile loop t0..t7");
}

// Target names: t0..t7, e0..e5, grp, plane, d0..d3, base.
int parse_target(const std::string& tok) {
  if (tok == "grp") return kIdGroup;
  if (tok == "plane") return kIdPlane;
  if (tok == "base") return kIdBase;
  if (tok.size() == 2 && tok[1] >= '0' && tok[1] <= '9') {
    const int n = tok[1] - '0';
    if (tok[0] == 't' && n < kTileLoops) return n;
    if (tok[0] == 'e' && n < kEngLoops) return kEngLoop0 + n;
    if (tok[0] == 'd' && n < kDims) return kDim0 + n;
  }
  fail("unknown target " + in_quotes(tok));
}

// "s8" / "u4" (1 accepted, runs as 2).
void parse_operand(const std::string& key, const std::string& v, int& bits, bool& sg) {
  if (v.size() < 2 || (v[0] != 's' && v[0] != 'u')) fail(key + "=" + in_quotes(v) + ": expected s<bits> or u<bits>");
  sg = v[0] == 's';
  const std::string b = v.substr(1);
  if (b != "1" && b != "2" && b != "4" && b != "8" && b != "16")
    fail(key + "=" + in_quotes(v) + ": width must be 1, 2, 4, 8 or 16");
  bits = std::stoi(b) < 2 ? 2 : std::stoi(b);
}

void want_args(const std::vector<std::string>& t, size_t lo, size_t hi, const std::string& usage) {
  const size_t n = t.size() - 1;
  if (n < lo) fail(printable(t[0]) + ": missing operand (usage: " + usage + ")");
  if (n > hi) fail(printable(t[0]) + ": too many operands (usage: " + usage + ")");
}

}  // namespace

Instr assemble_line(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> t;
  for (std::string w; in >> w;) t.push_back(w);
  if (t.empty()) fail("empty instruction");
  const std::string& m = t[0];
  Instr i;
  if (m == "setup") {
    const std::string usage = "setup a=s8 w=s8 out=8|raw [relu=0|1] [shift=N] [bias=0|1] [whole=i|o|w|io|iw|ow|iow]";
    want_args(t, 3, 7, usage);
    SetupFields f;
    bool have_a = false, have_w = false, have_out = false, have_relu = false, have_shift = false;
    std::vector<std::string> seen;
    for (size_t k = 1; k < t.size(); ++k) {
      const auto eq = t[k].find('=');
      if (eq == std::string::npos) fail("setup: operand " + in_quotes(t[k]) + " is not key=value");
      const std::string key = t[k].substr(0, eq), v = t[k].substr(eq + 1);
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        fail("setup: key " + in_quotes(key) + " is given twice");
      seen.push_back(key);
      if (key == "a") {
        parse_operand(key, v, f.act_bits, f.act_signed), have_a = true;
      } else if (key == "w") {
        parse_operand(key, v, f.wgt_bits, f.wgt_signed), have_w = true;
      } else if (key == "out") {
        have_out = true;
        if (v == "raw") {
          f.requant = false;
        } else {
          f.requant = true;
          f.out_bits = int(parse_num(v, "out", 1, 16));
          if (f.out_bits != 1 && f.out_bits != 2 && f.out_bits != 4 && f.out_bits != 8 && f.out_bits != 16)
            fail("setup: out=" + printable(v) + ": width must be 1, 2, 4, 8, 16 or raw");
          if (f.out_bits < 2) f.out_bits = 2;
        }
      } else if (key == "relu") {
        f.relu = parse_num(v, "relu", 0, 1), have_relu = true;
      } else if (key == "shift") {
        f.shift = int(parse_num(v, "shift", 0, 31)), have_shift = true;
      } else if (key == "bias") {
        f.bias = parse_num(v, "bias", 0, 1);
      } else if (key == "whole") {
        // Letters i, o, w, each at most once, in that order.
        static const char* const kWhole[] = {"i", "o", "w", "io", "iw", "ow", "iow"};
        if (std::find(std::begin(kWhole), std::end(kWhole), v) == std::end(kWhole))
          fail("setup: whole=" + printable(v) + ": use i, o, w or a combination in that order (io, iw, ow, iow)");
        f.ibuf_whole = v.find('i') != std::string::npos;
        f.obuf_whole = v.find('o') != std::string::npos;
        f.wbuf_whole = v.find('w') != std::string::npos;
      } else {
        fail("setup: unknown key " + in_quotes(key));
      }
    }
    if (!have_a || !have_w || !have_out) fail("setup: missing operand (usage: " + usage + ")");
    if (!f.requant && ((have_relu && f.relu) || (have_shift && f.shift)))
      fail("setup: relu and shift need a requantized output (out=<bits>)");
    return make_setup(f);
  }
  if (m == "ld-mem" || m == "st-mem") {
    want_args(t, 3, 3, m + " <stream> <t0..t7|block> <words>");
    const int s = parse_stream(t[1]);
    if (m == "ld-mem" && s == kObuf) fail("ld-mem: stream obuf is not loadable");
    if (m == "st-mem" && s != kObuf) fail("st-mem: stream must be obuf");
    const int level = t[2] == "block" ? kIdBase : parse_tile(t[2]);
    const uint32_t run = uint32_t(parse_num(t[3], "run length", 1, 65536));
    return m == "ld-mem" ? make_ld(s, level, run) : make_st(level, run);
  }
  if (m == "gen-addr-lo" || m == "gen-addr-hi" || m == "rd-buf" || m == "wr-buf") {
    want_args(t, 3, 3, m + " <stream> <target> <value>");
    const int s = parse_stream(t[1]);
    const int tg = parse_target(t[2]);
    const uint16_t v = uint16_t(parse_num(t[3], "value", 0, 65535));
    if (m == "gen-addr-lo")
      i = make_gen_lo(s, tg, v);
    else if (m == "gen-addr-hi")
      i = make_gen_hi(s, tg, v);
    else if (m == "rd-buf")
      i = make_rd_buf(s, tg, v);
    else
      i = make_wr_buf(s, tg, v);
    const std::string err = check(i);
    if (!err.empty()) fail(err);
    return i;
  }
  if (m == "loop") {
    want_args(t, 2, 3, "loop <t0..t7|e0..e5|grp|<stream>.d0..d3> <count> [last=tK]");
    int stream = 0, id;
    const auto dot = t[1].find('.');
    if (dot != std::string::npos) {
      stream = parse_stream(t[1].substr(0, dot));
      id = parse_target(t[1].substr(dot + 1));
      if (!is_dim(id)) fail("loop: " + in_quotes(t[1]) + " is not a stream dim <stream>.d0..d3");
    } else {
      id = parse_target(t[1]);
      if (is_dim(id)) fail("loop: stream dim " + in_quotes(t[1]) + " needs a stream, e.g. ibuf." + t[1]);
      if (id == kIdPlane || id == kIdBase) fail("loop: " + in_quotes(t[1]) + " is not a loop");
    }
    const uint32_t count = uint32_t(parse_num(t[2], "count", 1, 65536));
    if (t.size() == 4) {
      if (t[3].rfind("last=", 0) != 0) fail("loop: expected last=tK, got " + in_quotes(t[3]));
      if (id < kTileLoops) fail("loop: a tile loop has no edge count");
      return make_loop_edge(id, count, parse_tile(t[3].substr(5)), stream);
    }
    return make_loop(id, count, stream);
  }
  if (m == "compute") {
    want_args(t, 1, 1, "compute red=<0..6>");
    if (t[1].rfind("red=", 0) != 0) fail("compute: expected red=<0..6>, got " + in_quotes(t[1]));
    return make_compute(int(parse_num(t[1].substr(4), "red", 0, kEngLoops)));
  }
  if (m == "requant") {
    const std::string usage = "requant mult <1..65535>|channel | shift <0..47> [round] | zp|lo|hi <-65536..65535>";
    want_args(t, 2, 3, usage);
    if (t[1] == "mult") {
      want_args(t, 2, 2, usage);
      if (t[2] == "channel") return make_requant_channel();
      return make_requant_mult(uint32_t(parse_num(t[2], "mult", 1, 65535)));
    }
    if (t[1] == "shift") {
      if (t.size() == 4 && t[3] != "round") fail("requant: unexpected operand '" + t[3] + "' (round)");
      return make_requant_shift(int(parse_num(t[2], "shift", 0, kRqMaxShift)), t.size() == 4);
    }
    for (int k : {int(kRqZero), int(kRqLo), int(kRqHi)})
      if (t[1] == kRqNames[k]) {
        want_args(t, 2, 2, usage);
        const bool neg = !t[2].empty() && t[2][0] == '-';
        const int64_t v = int64_t(parse_num(neg ? t[2].substr(1) : t[2], t[1], 0, neg ? 65536 : 65535));
        return make_requant_value(k, int32_t(neg ? -v : v));
      }
    fail("requant: unknown target '" + t[1] + "' (mult, shift, zp, lo, hi)");
  }
  if (m == "block-end") {
    want_args(t, 0, 1, "block-end [last]");
    if (t.size() == 2 && t[1] != "last") fail("block-end: unexpected operand " + in_quotes(t[1]));
    return make_block_end(t.size() == 2);
  }
  fail("unknown mnemonic " + in_quotes(m));
}

std::vector<uint32_t> assemble(const std::string& text) {
  std::vector<uint32_t> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      out.push_back(assemble_line(line).encode());
    } catch (const std::invalid_argument& e) {
      throw AsmError(n, e.what());
    }
  }
  return out;
}

std::vector<uint32_t> decode_program(const std::string& bytes, const std::string& origin) {
  if (bytes.size() % 4)
    throw std::runtime_error("program file " + in_quotes(origin, 4096) + " has " + std::to_string(bytes.size()) +
                             " bytes, not a multiple of 4");
  std::vector<uint32_t> w(bytes.size() / 4);
  for (size_t k = 0; k < w.size(); ++k)
    w[k] = uint32_t(uint8_t(bytes[4 * k])) | uint32_t(uint8_t(bytes[4 * k + 1])) << 8 |
           uint32_t(uint8_t(bytes[4 * k + 2])) << 16 | uint32_t(uint8_t(bytes[4 * k + 3])) << 24;
  return w;
}

std::string encode_program(const std::vector<uint32_t>& words) {
  std::string out;
  out.reserve(words.size() * 4);
  for (uint32_t w : words)
    for (int b = 0; b < 4; ++b) out.push_back(char((w >> (8 * b)) & 0xff));
  return out;
}

std::vector<uint32_t> read_program(const std::string& path) {
  return decode_program(read_file(path, kMaxProgramBytes), path);
}

void write_program(const std::string& path, const std::vector<uint32_t>& words) {
  write_file(path, encode_program(words));
}

}  // namespace bf::isa
