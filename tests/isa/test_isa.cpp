// ISA: encoding against the table in docs/isa.md, assembler/disassembler
// round trips, every bad-input case, and the machine's error statuses.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "golden/compiler.hpp"
#include "golden/config.hpp"
#include "golden/isa.hpp"
#include "golden/machine.hpp"

using namespace bf;
using namespace bf::isa;

namespace {
// Field packing written out by hand from the table in docs/isa.md.
uint32_t word(unsigned op, unsigned spec, unsigned loop, unsigned imm) {
  return (op << 28) | (spec << 21) | (loop << 16) | imm;
}
}  // namespace

TEST(Isa, EveryOpcodeDisassemblesToItsDocumentedText) {
  struct Case {
    uint32_t w;
    const char* text;
  };
  const Case cases[] = {
      // setup: spec = act code<<5 | act signed<<4 | wgt code<<2 | wgt signed<<1
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 0), "setup a=s8 w=u4 out=raw bias=0"},
      {word(0, (3 << 5) | (0 << 4) | (0 << 2) | 2, 0, (1u << 15) | (1u << 13) | (1u << 12) | (1u << 11) | (7u << 6)),
       "setup a=u16 w=s2 out=4 relu=1 shift=7 bias=1"},
      // imm[2] / imm[1] / imm[0]: whole OBUF / IBUF / WBUF
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 7), "setup a=s8 w=u4 out=raw bias=0 whole=iow"},
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 4), "setup a=s8 w=u4 out=raw bias=0 whole=o"},
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 5), "setup a=s8 w=u4 out=raw bias=0 whole=ow"},
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 3), "setup a=s8 w=u4 out=raw bias=0 whole=iw"},
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 2), "setup a=s8 w=u4 out=raw bias=0 whole=i"},
      {word(0, (2 << 5) | (1 << 4) | (1 << 2) | 0, 0, 1), "setup a=s8 w=u4 out=raw bias=0 whole=w"},
      {word(1, 0, 3, 63), "ld-mem ibuf t3 64"},
      {word(1, 2, 31, 0), "ld-mem wbuf block 1"},
      {word(1, 3, 0, 31), "ld-mem bias t0 32"},
      {word(2, 1, 7, 65535), "st-mem obuf t7 65536"},
      {word(3, 0, 8, 5), "rd-buf ibuf e0 5"},
      {word(3, 2, 14, 300), "rd-buf wbuf grp 300"},
      {word(3, 1, 31, 2), "rd-buf obuf base 2"},
      {word(3, 0, 6, 40), "rd-buf ibuf t6 40"},  // ENG[ibuf].tile[6]
      {word(4, 0, 17, 9), "wr-buf ibuf d1 9"},
      {word(4, 3, 31, 64), "wr-buf bias base 64"},
      {word(5, 1, 15, 1), "gen-addr-hi obuf plane 1"},
      {word(6, 2, 4, 0xffff), "gen-addr-lo wbuf t4 65535"},
      {word(6, 0, 19, 12), "gen-addr-lo ibuf d3 12"},
      {word(7, 0, 2, 9), "loop t2 10"},
      {word(7, 0, 13, 2), "loop e5 3"},
      {word(7, 0, 14, 3), "loop grp 4"},
      {word(7, 3, 16, 0), "loop bias.d0 1"},
      {word(7, 0x40 | (5 << 3) | 1, 18, 4), "loop obuf.d2 5 last=t5"},
      {word(8, 0, 0, 0), "block-end"},
      {word(8, 1, 0, 0), "block-end last"},
      {word(9, 3, 0, 0), "compute red=3"},
      {word(10, 0, 0, 23170), "requant mult 23170"},
      {word(10, 1, 0, 0), "requant mult channel"},
      {word(10, 0, 1, 20), "requant shift 20"},
      {word(10, 0, 1, 0x40 | 47), "requant shift 47 round"},
      {word(10, 1, 2, 0xfffb), "requant zp -5"},
      {word(10, 0, 3, 0), "requant lo 0"},
      {word(10, 0, 4, 0xffff), "requant hi 65535"},
      {word(10, 1, 4, 0), "requant hi -65536"},
  };
  bool seen[kNumOps] = {};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const Instr i = Instr::decode(c.w);
    seen[int(i.op)] = true;
    EXPECT_EQ(check(i), "");
    EXPECT_EQ(disassemble(i), c.text);
    EXPECT_EQ(assemble_line(c.text).encode(), c.w);
  }
  for (int k = 0; k < kNumOps; ++k) EXPECT_TRUE(seen[k]) << "opcode " << k << " not covered";
}

TEST(Isa, RandomLegalWordsRoundTrip) {
  const uint32_t seed = 20240601;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  int legal = 0, per_op[16] = {};
  for (int k = 0; k < 200000; ++k) {
    // Random fields, each cleared half the time so that instructions with
    // reserved-zero fields (compute, block-end) come up too.
    uint32_t w = rng();
    const uint32_t r = rng();
    if (r & 1) w &= ~0xffffu;
    if (r & 2) w &= ~(0x1fu << 16);
    if (r & 4) w &= ~(0x7fu << 21);
    const Instr i = Instr::decode(w);
    if (!check(i).empty()) {
      EXPECT_THROW(disassemble(i), std::invalid_argument);
      continue;
    }
    ++legal, ++per_op[int(i.op)];
    const std::string text = disassemble(i);
    ASSERT_EQ(assemble_line(text).encode(), w) << text;
  }
  // Every opcode (0..10) must have been exercised; 11..15 never legal.
  for (int k = 0; k < 16; ++k) {
    if (k < kNumOps) {
      EXPECT_GT(per_op[k], 0) << "opcode " << k;
    } else {
      EXPECT_EQ(per_op[k], 0) << "opcode " << k;
    }
  }
  EXPECT_GT(legal, 1000);
}

TEST(Isa, CompiledProgramsRoundTripThroughText) {
  for (const char* cfgname : {"bf2x2", "bf8x8", "bf16x32"}) {
    const ArrayConfig cfg = load_config(cfgname);
    LayerDesc l = make_conv(2, 5, 6, 9, 7, 3, 2, 1);
    l.bias = true, l.out_bits = 16, l.shift = 3, l.act = {16, true}, l.wgt = {4, false};
    for (int k = 0; k < 2; ++k) {
      SCOPED_TRACE(std::string(cfgname) + " layer " + std::to_string(k));
      const auto c = compile(l, cfg);
      const auto words = c.program();
      const std::string text = disassemble(words);
      EXPECT_EQ(assemble(text), words);
      EXPECT_EQ(assemble(c.listing()), words);  // comments are skipped
      l = make_fc(3, 300, 40);
      l.out_bits = 2, l.relu = true, l.act = {2, false}, l.wgt = {2, true};
    }
  }
}

TEST(Isa, DocumentedExampleAssembles) {
  // The worked example of docs/isa.md, kept in tests/isa/example.s.
  std::ifstream in(std::string(BF_SOURCE_DIR) + "/tests/isa/example.s");
  ASSERT_TRUE(in) << "tests/isa/example.s missing";
  std::stringstream ss;
  ss << in.rdbuf();
  const auto words = assemble(ss.str());
  EXPECT_GT(words.size(), 20u);
  EXPECT_EQ(assemble(disassemble(words)), words);
  // The example is the compiler's block for the documented layer.
  LayerDesc l = make_conv(1, 3, 4, 6, 6, 3, 1, 1);
  l.name = "example";
  l.bias = true, l.relu = true, l.out_bits = 8, l.shift = 4;
  // The tiling of the example is forced (4-row output tiles, whole rows,
  // both channel groups, the whole kernel): the compiler's own choice by
  // predicted cycles may change with the timing model.
  const auto c = compile(l, load_config("bf2x2"), CompileOptions{1, 4, 6, 2, 1, "h", 3});
  EXPECT_EQ(words, c.program());
}

TEST(Isa, ProgramFilesAreLittleEndianWords) {
  const std::string path = testing::TempDir() + "/isa_prog.bin";
  const std::vector<uint32_t> w = {0x01020304u, 0x80000001u};
  write_program(path, w);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 8u);
  EXPECT_EQ(uint8_t(bytes[0]), 0x04);
  EXPECT_EQ(uint8_t(bytes[3]), 0x01);
  EXPECT_EQ(uint8_t(bytes[7]), 0x80);
  EXPECT_EQ(read_program(path), w);
  std::ofstream(path, std::ios::binary) << "abcde";
  EXPECT_THROW(read_program(path), std::runtime_error);
}

TEST(Isa, BadAssemblerInputNamesTheLine) {
  struct Case {
    const char* text;
    const char* needle;
  };
  const Case cases[] = {
      {"frobnicate t0", "unknown mnemonic 'frobnicate'"},
      {"loop t0", "missing operand"},
      {"loop t0 0", "outside [1, 65536]"},
      {"loop t0 65537", "outside [1, 65536]"},
      {"loop t8 3", "unknown target 't8'"},
      {"loop e2 3 last=t9", "not a tile loop"},
      {"loop t2 3 last=t1", "tile loop has no edge count"},
      {"loop d0 3", "needs a stream"},
      {"loop base 3", "is not a loop"},
      {"ld-mem obuf t0 4", "not loadable"},
      {"ld-mem ibuf t0", "missing operand"},
      {"ld-mem ibuf t0 4 5", "too many operands"},
      {"ld-mem ibuf t0 0", "outside [1, 65536]"},
      {"st-mem ibuf t0 4", "stream must be obuf"},
      {"gen-addr-lo ibuf t0 65536", "outside [0, 65535]"},
      {"gen-addr-lo ibuf e0 1", "is not t0..t7"},
      {"gen-addr-lo cbuf t0 1", "unknown stream 'cbuf'"},
      {"rd-buf bias e0 1", "not read by the array"},
      {"rd-buf wbuf t0 1", "for the ibuf only"},
      {"rd-buf obuf t7 1", "for the ibuf only"},
      {"rd-buf ibuf d0 1", "is not t0..t7, e0..e5"},
      {"wr-buf ibuf e0 1", "is not d0..d3"},
      {"rd-buf ibuf e0 -1", "not a non-negative integer"},
      {"rd-buf ibuf e0 12x", "not a non-negative integer"},
      {"setup a=s8 w=s8", "missing operand"},
      {"setup a=s3 w=s8 out=8", "width must be 1, 2, 4, 8 or 16"},
      {"setup a=x8 w=s8 out=8", "expected s<bits>"},
      {"setup a=s8 w=s8 out=5", "width must be 1, 2, 4, 8, 16 or raw"},
      {"setup a=s8 w=s8 out=8 shift=32", "outside [0, 31]"},
      {"setup a=s8 w=s8 out=raw relu=1", "need a requantized output"},
      {"setup a=s8 w=s8 out=8 colour=1", "unknown key"},
      {"setup a=s8 w=s8 out=8 relu", "not key=value"},
      {"setup a=s8 w=s8 out=8 whole=x", "use i, o, w or a combination"},
      {"setup a=s8 w=s8 out=8 whole=wi", "use i, o, w or a combination"},
      {"setup a=s8 w=s8 out=8 whole=oo", "use i, o, w or a combination"},
      {"setup a=s8 w=s8 out=8 whole=", "use i, o, w or a combination"},
      {"compute", "missing operand"},
      {"compute red=7", "outside [0, 6]"},
      {"compute 3", "expected red="},
      {"block-end first", "unexpected operand"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string prog = "# header comment\nsetup a=s8 w=s8 out=raw\n\n" + std::string(c.text) + "  # here\n";
    try {
      assemble(prog);
      ADD_FAILURE() << "no error";
    } catch (const AsmError& e) {
      EXPECT_EQ(e.line, 4);
      const std::string m = e.what();
      EXPECT_EQ(m.rfind("line 4: ", 0), 0u) << m;
      EXPECT_NE(m.find(c.needle), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
  }
  EXPECT_EQ(assemble("setup a=s1 w=u1 out=1 relu=1\n"), assemble("setup a=s2 w=u2 out=2 relu=1\n"));
}

TEST(Isa, DisassemblerRejectsIllegalWords) {
  EXPECT_THROW(disassemble(std::vector<uint32_t>{word(12, 0, 0, 0)}), std::runtime_error);
  EXPECT_THROW(disassemble(std::vector<uint32_t>{word(9, 7, 0, 0)}), std::runtime_error);
  EXPECT_THROW(disassemble(std::vector<uint32_t>{word(0, 1, 0, 0)}), std::runtime_error);
  try {
    disassemble(std::vector<uint32_t>{word(8, 0, 0, 0), word(15, 0, 0, 0)});
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("word 1 (0xf0000000): illegal opcode 15"), std::string::npos) << e.what();
  }
}

// The machine reports every error class with a status instead of hanging.
TEST(Machine, ErrorStatuses) {
  const ArrayConfig cfg = load_config("bf2x2");
  auto run = [&](const std::string& text, uint64_t dram = 1024) {
    Machine m(cfg, dram);
    std::vector<uint32_t> words;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("RAW ", 0) == 0)
        words.push_back(uint32_t(std::stoul(line.substr(4), nullptr, 0)));
      else if (!line.empty())
        words.push_back(assemble_line(line).encode());
    return m.run(words);
  };
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nblock-end last").status, MachineStatus::Done);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nRAW 0xb0000000").status, MachineStatus::IllegalOpcode);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nRAW 0x90e00000").status, MachineStatus::BadField);
  // setup's reserved imm bits 5:3 (bits 2:0 are whole=o|i|w)
  EXPECT_EQ(assemble("setup a=s8 w=s8 out=raw\n")[0], 0x0b400000u);
  EXPECT_EQ(run("RAW 0x0b400008\nblock-end last").status, MachineStatus::BadField);
  EXPECT_EQ(run("RAW 0x0b400020\nblock-end last").status, MachineStatus::BadField);
  EXPECT_EQ(run("RAW 0x0b400007\nblock-end last").status, MachineStatus::Done);
  EXPECT_EQ(run("loop t0 2\nblock-end last").status, MachineStatus::BadBlock);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nsetup a=s8 w=s8 out=raw").status, MachineStatus::BadBlock);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\ncompute red=0\ncompute red=0").status, MachineStatus::BadBlock);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nld-mem ibuf block 3").status, MachineStatus::BadRun);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw").status, MachineStatus::ProgramEnd);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nrequant zp 3\nblock-end last").status, MachineStatus::BadBlock);
  EXPECT_EQ(run("setup a=s8 w=s8 out=8\nrequant zp 3\nblock-end last").status, MachineStatus::Done);
  // DRAM: 1024 words; a 2-word load at 1023 overruns.
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\ngen-addr-lo ibuf base 1023\nld-mem ibuf block 2\nblock-end last").status,
            MachineStatus::DramAddress);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\ngen-addr-lo obuf base 1023\nst-mem obuf block 2\nblock-end last").status,
            MachineStatus::DramAddress);
  // IBUF half of bf2x2: 64 rows per bank; rows [63, 65) overrun.
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nwr-buf ibuf base 63\nld-mem ibuf block 4\nblock-end last").status,
            MachineStatus::BufferAddress);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nwr-buf ibuf base 62\nld-mem ibuf block 4\nblock-end last").status,
            MachineStatus::Done);
  // Tile engine: 8x8 IBUF operand words are 8 bits, 4 per word: 256 per half.
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nrd-buf ibuf base 256\ncompute red=0\nblock-end last").status,
            MachineStatus::BufferAddress);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nrd-buf ibuf base 255\ncompute red=0\nblock-end last").status,
            MachineStatus::Done);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nrd-buf obuf base 64\ncompute red=0\nblock-end last").status,
            MachineStatus::BufferAddress);
  // The IBUF tile-loop offset: the second step of t0 reads at 1 * 256.
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nloop t0 2\nrd-buf ibuf t0 256\ncompute red=0\nblock-end last").status,
            MachineStatus::BufferAddress);
  EXPECT_EQ(run("setup a=s8 w=s8 out=raw\nloop t0 2\nrd-buf ibuf t0 255\ncompute red=0\nblock-end last").status,
            MachineStatus::Done);
  const auto r = run("setup a=s8 w=s8 out=raw\nRAW 0xb0000000");
  EXPECT_EQ(r.pc, 1u);
  EXPECT_NE(r.message.find("illegal opcode 11"), std::string::npos) << r.message;
}

// The write-back function against its closed form.
TEST(Machine, WriteBackRequantizes) {
  SetupFields s;
  s.requant = true, s.out_bits = 4, s.relu = false, s.shift = 2, s.bias = true;
  EXPECT_EQ(write_back(uint32_t(-9), 0, s), -3);    // -9 >> 2 = -3 (arithmetic)
  EXPECT_EQ(write_back(uint32_t(-100), 0, s), -8);  // saturates at -8
  EXPECT_EQ(write_back(100, 4, s), 7);              // (100+4)>>2 = 26 -> 7
  s.relu = true;
  EXPECT_EQ(write_back(uint32_t(-9), 0, s), 0);
  EXPECT_EQ(write_back(40, 8, s), 12);
  EXPECT_EQ(write_back(400, 0, s), 15);
  s.requant = false;
  EXPECT_EQ(write_back(0x7fffffffu, 1, s), int32_t(0x80000000u));  // raw: 32-bit wrap
  s.bias = false;
  EXPECT_EQ(write_back(5, 1000, s), 5);
}

// The fixed-point output stage (golden/requant.hpp) through the block
// registers a requant block sets, against hand-computed values.
TEST(Machine, WriteBackFixedPointStage) {
  BlockRegs b;
  SetupFields s;
  s.requant = true, s.out_bits = 8, s.relu = false, s.bias = true;
  b.reset(s);
  b.apply(make_requant_mult(3));
  b.apply(make_requant_shift(2, true));
  b.apply(make_requant_value(kRqZero, 10));
  // (acc + bias) * 3 = 99 -> (99 + 2) >> 2 = 25 -> + 10 = 35
  EXPECT_EQ(write_back(30, 3, 0, b), 35);
  // -99: (-99 + 2) >> 2 = -25 (arithmetic, rounding half up) -> -15
  EXPECT_EQ(write_back(uint32_t(-36), 3, 0, b), -15);
  b.apply(make_requant_value(kRqHi, 20));
  EXPECT_EQ(write_back(30, 3, 0, b), 20);                 // clamped at hi
  EXPECT_EQ(write_back(uint32_t(-4000), 0, 0, b), -128);  // clamped at the s8 range
  // Per-channel words: mult 5, shift 1, no rounding.
  b.apply(make_requant_value(kRqHi, 127));
  b.apply(make_requant_channel());
  EXPECT_EQ(write_back(7, 0, requant_param_word(5, 1, false), b), 10 + 17);  // 35 >> 1 = 17, zp 10
  b.apply(make_requant_value(kRqLo, -65536));
  EXPECT_EQ(b.rq_lo, -65536);
}
