// bf_pkg: the shared vocabulary of the Bit Fusion RTL. Every opcode, status
// code, stream / buffer id, register id, width and bank-group rule is
// written here once; the C++ side (golden/isa.hpp, golden/machine.hpp)
// holds the same values, and tests/ctrl/test_pkg.cpp checks that the two
// cannot drift (it reads these values out of a Verilated probe module).
//
// Tool notes (measured, Verilator 5.006 / Yosys 0.23 / Icarus 11):
//   * Yosys has no `import`: refer to items as bf_pkg::Name.
//   * Enum values are used as constants on plain `logic` vectors
//     (Icarus 11 cannot declare variables of a package enum type, and
//     neither Icarus nor Yosys casts to one).
//   * Package struct types are named `BF_T(name) and a module that uses
//     them opens with `BF_IMPORT: Yosys resolves them only as
//     bf_pkg::name, Icarus only through `import bf_pkg::*` (a scoped
//     struct type crashes it). Struct members are flat vectors (Yosys has
//     no multi-dimensional packed arrays); a field with one entry per
//     stream / dim / level is a vector of entries, entry i at [W*i +: W].
//     Icarus reads members whole or by constant part-select only, so a
//     module copies a member into a local vector before indexing it with
//     a variable, and assigns members whole.
`ifndef BF_PKG_SV
`define BF_PKG_SV
`ifdef __ICARUS__
`define BF_T(name) name
`define BF_IMPORT import bf_pkg::*;
`else
`define BF_T(name) bf_pkg::name
`define BF_IMPORT
`endif

// Waiver: the package is a vocabulary, and no one module uses every item
// (Verilator reports the unused ones of each module's lint run otherwise).
/* verilator lint_off UNUSEDPARAM */
package bf_pkg;
  // ------------------------------------------------------------ precisions
  // Operand precision codes (setup op_spec, tile commands): log2(bits) - 1.
  typedef enum logic [1:0] {
    Prec2  = 2'd0,  // 2-bit lanes (also 1-bit layers)
    Prec4  = 2'd1,  // 4-bit lanes
    Prec8  = 2'd2,  // 8-bit lanes
    Prec16 = 2'd3   // 16-bit operands: temporal, as two 8-bit planes (the
                    // controller only; the array treats code 3 as reserved)
  } prec_e;

  // ------------------------------------------------------------ instructions
  // One 32-bit word: [31:28] opcode, [27:21] op_spec, [20:16] id, [15:0] imm.
  typedef enum logic [3:0] {
    OpSetup     = 4'd0,
    OpLdMem     = 4'd1,
    OpStMem     = 4'd2,
    OpRdBuf     = 4'd3,
    OpWrBuf     = 4'd4,
    OpGenAddrHi = 4'd5,
    OpGenAddrLo = 4'd6,
    OpLoop      = 4'd7,
    OpBlockEnd  = 4'd8,
    OpCompute   = 4'd9,
    OpRequant   = 4'd10
  } op_e;
  localparam int NumOps = 11;  // opcodes 11..15 are illegal

  // Targets of `requant` (the id field): the output stage of golden/requant.hpp.
  typedef enum logic [4:0] {
    RqMult  = 5'd0,  // imm: multiplier 1..65535; op_spec[0]: per-channel parameter rows instead
    RqShift = 5'd1,  // imm[5:0]: shift 0..47, imm[6]: round half up
    RqZero  = 5'd2,  // {op_spec[0], imm}: 17-bit signed zero point
    RqLo    = 5'd3,  // 17-bit signed clamp low
    RqHi    = 5'd4   // 17-bit signed clamp high
  } rq_target_e;
  localparam int RqMaxShift = 47;

  // Device status (status_o; bf::MachineStatus).
  typedef enum logic [2:0] {
    StatusDone          = 3'd0,
    StatusIllegalOpcode = 3'd1,
    StatusBadField      = 3'd2,
    StatusBufferAddress = 3'd3,
    StatusDramAddress   = 3'd4,
    StatusBadBlock      = 3'd5,
    StatusBadRun        = 3'd6,
    StatusProgramEnd    = 3'd7
  } status_e;

  // Streams (op_spec[1:0] of ld-mem, st-mem, gen-addr, wr-buf) and the
  // buffers of rd-buf (the same codes 0..2): DnnWeaver2's buffer ids.
  typedef enum logic [1:0] {
    StreamIbuf = 2'd0,  // input activations -> IBUF
    StreamObuf = 2'd1,  // outputs: OBUF -> write-back -> DRAM
    StreamWbuf = 2'd2,  // weights -> WBUF
    StreamBias = 2'd3   // bias words -> OBUF rows
  } stream_e;
  localparam int NumStreams = 4;
  localparam int NumBufs    = 3;  // rd-buf: ibuf, obuf, wbuf

  // The id field: loop ids of `loop` and register targets.
  localparam int TileLoops = 8;           // 0..7: tile loops t0 (outermost) .. t7
  localparam int EngLoops  = 6;           // tile-engine levels e0 (outermost) .. e5
  localparam int Dims      = 4;           // memory-stream dims d0 (innermost) .. d3
  localparam logic [4:0] IdEng0  = 5'd8;  // 8..13: e0..e5
  localparam logic [4:0] IdGroup = 5'd14; // output-channel groups of a compute step
  localparam logic [4:0] IdPlane = 5'd15; // 16-bit plane stride
  localparam logic [4:0] IdDim0  = 5'd16; // 16..19: d0..d3
  localparam logic [4:0] IdBase  = 5'd31; // base address / "the whole block" level

  // Count registers of `loop` with ids >= 8 (bf_ctrl_regs): e0..e5, the
  // group count, then stream s dim d at CountDim0 + 4s + d.
  localparam int CountGroup = 6;
  localparam int CountDim0  = 7;
  localparam int NumCounts  = CountDim0 + NumStreams * Dims;  // 23

  // ------------------------------------------------------------ widths
  localparam int CountBits = 17;  // loop counts 1..65536 (imm + 1)
  localparam int BufAddrBits = 16;  // buffer addresses and strides (operand words / rows)
  localparam int EngCountBits = 16;  // tile-engine level counts (65536 passed as 0)
  localparam int DramAddrBits = 32;  // DRAM word addresses and strides

  // ------------------------------------------------------------ bank groups
  // The loader writes (and the store unit reads) aligned groups of G banks:
  // G = the smallest power of two with 32*G >= DramBits, at most the bank
  // count of the buffer (docs/architecture.md, "Buffers").
  function automatic int dram_group(input int dram_bits);
    dram_group = (dram_bits <= 32) ? 1 : (1 << $clog2((dram_bits + 31) / 32));
  endfunction
  function automatic int bank_group(input int dram_bits, input int banks);
    bank_group = (dram_group(dram_bits) < banks) ? dram_group(dram_bits) : banks;
  endfunction
  // The store unit reads (drains) the OBUF in groups of this many banks
  // (one write-back lane each): up to 32 columns all of them (one read per
  // output pixel: at 4 bits a 32-column array makes 16 outputs per cycle at
  // 128 input channels, which a 16-bank drain could not keep up with);
  // beyond 32 columns half the columns, so that the store keeps up with an
  // array whose outputs per cycle grow with its columns.
  function automatic int drain_group(input int cols);
    drain_group = (cols <= 32) ? cols : cols / 2;
  endfunction
  // Width of an index over n things (at least 1 bit).
  function automatic int index_bits(input int n);
    index_bits = (n > 1) ? $clog2(n) : 1;
  endfunction

  // ------------------------------------------------------------ descriptors
  // Setup fields of the running block (docs/isa.md, "setup").
  typedef struct packed {
    logic [1:0] act_prec;    // prec_e
    logic       act_signed;
    logic [1:0] wgt_prec;    // prec_e
    logic       wgt_signed;
    logic       requant;     // 0: raw int32 output (acc + bias)
    logic [1:0] out_prec;    // prec_e of the requantized output
    logic       relu;
    logic       bias;
    logic [4:0] shift;
    logic       obuf_whole;  // the OBUF likewise (an output tile waits for the previous one's store)
    logic       ibuf_whole;  // the IBUF is one buffer, not two halves (docs/isa.md, "setup")
    logic       wbuf_whole;  // the WBUF likewise
  } setup_t;

  // The write-back configuration a store carries (bf_ctrl_wb): the output
  // stage of golden/requant.hpp. setup leaves mult 1, its 5-bit shift, no
  // rounding, zero point 0 and the range of the output width as [lo, hi];
  // `requant` instructions change them.
  typedef struct packed {
    logic        requant;   // 0: raw int32 output (acc + bias)
    logic [1:0]  out_prec;  // prec_e of the packed output
    logic        bias;
    logic        channel;   // mult/shift/round from per-channel parameter rows
    logic [15:0] mult;
    logic [5:0]  shift;
    logic        round;
    logic [16:0] zero;      // 17-bit signed
    logic [16:0] lo;
    logic [16:0] hi;
  } wb_cfg_t;

  // One tile command to the array (bf_array_top / bf_tile_engine).
  typedef struct packed {
    logic [1:0]               prec_a;       // prec_e (2, 4, 8)
    logic [1:0]               prec_w;
    logic                     a_signed;
    logic                     w_signed;
    logic [1:0]               psum_shift;   // value << 8 * code
    logic                     obuf_acc;     // accumulate into the OBUF (else overwrite)
    logic [2:0]               n_red;        // innermost reduction levels
    logic [BufAddrBits-1:0]   ibuf_base;    // operand words, half included
    logic [BufAddrBits-1:0]   wbuf_base;
    logic [BufAddrBits-1:0]   obuf_base;
    logic [6*EngCountBits-1:0] count;       // level l at [16l +: 16]
    logic [6*BufAddrBits-1:0] ibuf_stride;  // level l at [16l +: 16]
    logic [6*BufAddrBits-1:0] wbuf_stride;
    logic [6*BufAddrBits-1:0] obuf_stride;
  } tile_cmd_t;

  // One ld-mem load (bf_ctrl_load): for every index vector of the four
  // dims, a run of `run` DRAM words from dram + sum_d i_d * ddim[d] to the
  // buffer rows from row + sum_d i_d * rdim[d] of the half.
  typedef struct packed {
    logic [1:0]                stream;  // stream_e: StreamIbuf, StreamWbuf or StreamBias
    logic                      half;
    logic                      whole;   // the rows span the whole buffer (half is 0)
    logic [DramAddrBits-1:0]   dram;
    logic [4*DramAddrBits-1:0] ddim;    // dim d at [32d +: 32]
    logic [4*CountBits-1:0]    cnt;     // dim d at [17d +: 17], 1..65536
    logic [BufAddrBits-1:0]    row;
    logic [4*BufAddrBits-1:0]  rdim;    // dim d at [16d +: 16]
    logic [CountBits-1:0]      run;     // words per run
  } ld_desc_t;

  // One st-mem store (bf_ctrl_store): for every index vector of the four
  // dims, pixel row pa + sum_d i_d * padim[d] to DRAM dram + sum_d i_d *
  // ddim[d] (+ plane for the high bytes of a 16-bit output), `run` words.
  typedef struct packed {
    logic                      half;
    logic                      whole;   // the rows span the whole OBUF (half is 0)
    logic [DramAddrBits-1:0]   dram;
    logic [4*DramAddrBits-1:0] ddim;    // dim d at [32d +: 32]
    logic [DramAddrBits-1:0]   plane;
    logic [4*CountBits-1:0]    cnt;     // dim d at [17d +: 17]
    logic [BufAddrBits-1:0]    pa;
    logic [4*BufAddrBits-1:0]  padim;   // dim d at [16d +: 16]
    logic [BufAddrBits-1:0]    grp;     // OBUF rows between channel groups
    logic [BufAddrBits-1:0]    bbase;   // bias rows (one per group)
    logic [CountBits-1:0]      groups;
    logic [CountBits-1:0]      run;
    logic [31:0]               need;    // tile commands that must be done first
    wb_cfg_t                   wb;
  } st_desc_t;

  // ------------------------------------------------------------ helpers
  // Every tile loop deeper than `level` (all of them for IdBase) has its
  // flag set in `m`: used with the loops' "last" and "first" flags.
  // (`t` is declared with the function's locals, not in the for: Icarus 11
  // mis-simulates designs with loop-scoped variables in automatic
  // functions, bench/icarus/icarus_bug.sv.)
  function automatic logic loops_below(input logic [TileLoops-1:0] m, input logic [4:0] level);
    int t;
    loops_below = 1'b1;
    for (t = 0; t < TileLoops; t++)
      if ((level == IdBase || t > 32'(level)) && !m[t]) loops_below = 1'b0;
  endfunction

  // The largest operand-address offset a tile command reaches in one
  // buffer: sum over its first `levels` engine levels of (count - 1) *
  // stride (count and stride 16 bits each, level l at [16l +: 16]). Used
  // by the simulation-only address assertions (bf_ctrl_issue, bf_top).
  function automatic logic [35:0] cmd_extent(input logic [EngLoops*16-1:0] count,
                                             input logic [EngLoops*16-1:0] stride, input int levels);
    int l;
    cmd_extent = '0;
    for (l = 0; l < EngLoops; l++)
      if (l < levels) cmd_extent = cmd_extent + (36'(count[16*l +: 16]) - 36'd1) * 36'(stride[16*l +: 16]);
  endfunction
endpackage
/* verilator lint_on UNUSEDPARAM */
`endif
