// bf_ctrl_regs: the block registers (docs/isa.md, "Registers"), the RTL
// twin of bf::BlockRegs (golden/block_regs.hpp): what each configuration
// and body instruction of a block writes.
//
//   apply_i applies instr_i, which the sequencer has found legal and in
//   block order: `setup` latches its fields and returns every other
//   register to its reset value; loop, gen-addr-lo/hi, rd-buf, wr-buf write
//   their register; ld-mem, st-mem, compute fill their body slot;
//   block-end changes nothing; requant writes the output stage (wb_o).
//   check_o is the status instr_i would raise if applied now (a body slot
//   given twice, or requant in a raw-output block: StatusBadBlock; an
//   ld-mem run that is not a multiple of its buffer's bank count:
//   StatusBadRun), StatusDone when it may be applied.
//   count_o are the count registers with their edge values applied for
//   the tile loops' current "last" flags (at_last_i): entry k at
//   [17k +: 17], e0..e5 = 0..5, groups = CountGroup, stream s dim d =
//   CountDim0 + 4s + d (bf::BlockRegs::Count::get).
//
// Parameters:
//   Rows, Cols  array size (bank counts of the ld-mem run check)
// Latency: registers change on the clock edge after apply_i; count_o is
//   combinational from the registers and at_last_i.
module bf_ctrl_regs `BF_IMPORT #(
  parameter int Rows = 2,
  parameter int Cols = 2
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   apply_i,
  input  logic [31:0]                            instr_i,
  input  logic [bf_pkg::TileLoops-1:0]           at_last_i,
  output logic [2:0]                             check_o,
  output `BF_T(setup_t)                          setup_o,
  output `BF_T(wb_cfg_t)                         wb_o,         // the output stage of the store
  output logic [bf_pkg::TileLoops*17-1:0]        tile_m1_o,    // tile loop t: count - 1 at [17t +: 17]
  output logic [bf_pkg::NumCounts*17-1:0]        count_o,
  output logic [4*32-1:0]                        dram_base_o,  // stream s at [32s +: 32]
  output logic [4*32-1:0]                        dram_plane_o,
  output logic [4*bf_pkg::TileLoops*32-1:0]      dram_tile_o,  // stream s, tile loop t at [32(8s+t) +: 32]
  output logic [4*bf_pkg::Dims*32-1:0]           dram_dim_o,   // stream s, dim d at [32(4s+d) +: 32]
  output logic [3*bf_pkg::EngLoops*16-1:0]       rd_eng_o,     // buffer b, level l at [16(6b+l) +: 16]
  output logic [3*16-1:0]                        rd_grp_o,     // buffer b at [16b +: 16]
  output logic [3*16-1:0]                        rd_plane_o,
  output logic [3*16-1:0]                        rd_base_o,
  output logic [bf_pkg::TileLoops*16-1:0]        rd_tile_o,    // ENG[ibuf].tile[t] at [16t +: 16]
  output logic [4*bf_pkg::Dims*16-1:0]           wr_dim_o,     // stream s, dim d at [16(4s+d) +: 16]
  output logic [4*16-1:0]                        wr_grp_o,     // stream s at [16s +: 16]
  output logic [4*16-1:0]                        wr_base_o,
  output logic [3:0]                             ld_present_o, // body slots by stream
  output logic [4*5-1:0]                         ld_level_o,   // stream s at [5s +: 5]
  output logic [4*17-1:0]                        ld_run_o,     // stream s at [17s +: 17]
  output logic                                   st_present_o,
  output logic [4:0]                             st_level_o,
  output logic [16:0]                            st_run_o,
  output logic                                   compute_o,
  output logic [2:0]                             n_red_o
);
  localparam int NT = bf_pkg::TileLoops, NC = bf_pkg::NumCounts;
  localparam int LnI = $clog2(Rows), LnW = $clog2(Rows * Cols), LnO = $clog2(Cols);

  // Reset values (also what `setup` leaves behind).
  localparam logic [16:0] CountReset = 17'd1;

  // ------------------------------------------------------------ fields
  logic [3:0]  op;
  logic [6:0]  spec;
  logic [4:0]  id;
  logic [15:0] imm;
  logic [1:0]  s;
  logic [16:0] n1;  // imm + 1: counts and run lengths
  assign op   = instr_i[31:28];
  assign spec = instr_i[27:21];
  assign id   = instr_i[20:16];
  assign imm  = instr_i[15:0];
  assign s    = spec[1:0];
  assign n1   = 17'(imm) + 17'd1;

  // Count register written by `loop` with an id >= 8.
  logic [4:0] ck;
  assign ck = (id == bf_pkg::IdGroup) ? 5'(bf_pkg::CountGroup)
            : (id >= bf_pkg::IdDim0)  ? 5'(bf_pkg::CountDim0) + {1'b0, s, 2'b00} + (id - bf_pkg::IdDim0)
            : id - bf_pkg::IdEng0;

  // ------------------------------------------------------------ registers
  // Each register is a flop with its reset value and a next value computed
  // in an always_comb (defaults first: hold; `setup` resets; its own
  // instruction writes it). The values are kept in the flat output vectors.
  logic do_setup;
  assign do_setup = apply_i && op == bf_pkg::OpSetup;
  // Index of the register the instruction writes, per register file.
  logic [4:0] rd_idx, wr_idx, tile_idx, dim_idx;
  assign rd_idx   = 5'(s) * 5'd6 + (id - bf_pkg::IdEng0);
  assign wr_idx   = {1'b0, s, 2'b00} + (id - bf_pkg::IdDim0);
  assign tile_idx = {s, 3'b000} + id;
  assign dim_idx  = wr_idx;
  logic is_gen, is_tile_id, is_eng_id, is_dim_id;
  assign is_gen     = apply_i && (op == bf_pkg::OpGenAddrLo || op == bf_pkg::OpGenAddrHi);
  assign is_tile_id = id < 5'(NT);
  assign is_eng_id  = id >= bf_pkg::IdEng0 && id < bf_pkg::IdGroup;
  assign is_dim_id  = id >= bf_pkg::IdDim0 && id < bf_pkg::IdDim0 + 5'(bf_pkg::Dims);

  // A 32-bit DRAM register written by gen-addr-lo (bits 15:0, clears
  // 31:16) or gen-addr-hi (bits 31:16).
  function automatic logic [31:0] gen_value(input logic [15:0] old_lo, input logic [3:0] o, input logic [15:0] v);
    gen_value = (o == bf_pkg::OpGenAddrLo) ? {16'd0, v} : {v, old_lo};
  endfunction

  // Setup fields.
  `BF_T(setup_t) setup_q, setup_d;
  always_comb begin
    setup_d = setup_q;
    if (do_setup) begin
      setup_d.act_prec   = spec[6:5];
      setup_d.act_signed = spec[4];
      setup_d.wgt_prec   = spec[3:2];
      setup_d.wgt_signed = spec[1];
      setup_d.requant    = imm[15];
      setup_d.out_prec   = imm[14:13];
      setup_d.relu       = imm[12];
      setup_d.bias       = imm[11];
      setup_d.shift      = imm[10:6];
      setup_d.obuf_whole = imm[2];
      setup_d.ibuf_whole = imm[1];
      setup_d.wbuf_whole = imm[0];
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) setup_q <= {bf_pkg::Prec8, 1'b0, bf_pkg::Prec8, 1'b0, 1'b0, bf_pkg::Prec8, 1'b0, 1'b0, 5'd0, 3'b000};
    else         setup_q <= setup_d;
  end
  assign setup_o = setup_q;

  // Tile loop counts (count - 1), by `loop t<k>`.
  for (genvar t = 0; t < NT; t++) begin : g_tile_m1
    logic [16:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (apply_i && op == bf_pkg::OpLoop && id == 5'(t)) d = 17'(imm);
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign tile_m1_o[17*t +: 17] = q;
  end

  // Count registers with their edge values (`loop eL n [last=tK]`,
  // `loop grp ...`, `loop <s>.dD ...`).
  for (genvar k = 0; k < NC; k++) begin : g_count
    logic [16:0] full_q, full_d, edge_q, edge_d;
    logic [2:0]  loop_q, loop_d;
    logic        has_q, has_d, we;
    assign we = apply_i && op == bf_pkg::OpLoop && !is_tile_id && ck == 5'(k);
    always_comb begin
      full_d = full_q; edge_d = edge_q; loop_d = loop_q; has_d = has_q;
      if (do_setup) begin
        full_d = CountReset; edge_d = CountReset; loop_d = '0; has_d = 1'b0;
      end else if (we && spec[6]) begin  // edge value, while tile loop spec[5:3] is on its last index
        edge_d = n1; loop_d = spec[5:3]; has_d = 1'b1;
      end else if (we) begin
        full_d = n1;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        full_q <= CountReset; edge_q <= CountReset; loop_q <= '0; has_q <= 1'b0;
      end else begin
        full_q <= full_d; edge_q <= edge_d; loop_q <= loop_d; has_q <= has_d;
      end
    end
    assign count_o[17*k +: 17] = (has_q && at_last_i[loop_q]) ? edge_q : full_q;
  end

  // DRAM address generators (gen-addr-lo/hi): base and plane per stream,
  // tile strides per stream and tile loop, dim strides per stream and dim.
  for (genvar i = 0; i < 4; i++) begin : g_dram
    logic [31:0] base_q, base_d, plane_q, plane_d;
    always_comb begin
      base_d = base_q; plane_d = plane_q;
      if (do_setup) begin
        base_d = '0; plane_d = '0;
      end else if (is_gen && s == 2'(i) && id == bf_pkg::IdBase) begin
        base_d = gen_value(base_q[15:0], op, imm);
      end else if (is_gen && s == 2'(i) && id == bf_pkg::IdPlane) begin
        plane_d = gen_value(plane_q[15:0], op, imm);
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin base_q <= '0; plane_q <= '0; end
      else         begin base_q <= base_d; plane_q <= plane_d; end
    end
    assign dram_base_o[32*i +: 32]  = base_q;
    assign dram_plane_o[32*i +: 32] = plane_q;
  end
  for (genvar i = 0; i < 4 * NT; i++) begin : g_dram_tile
    logic [31:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (is_gen && is_tile_id && tile_idx == 5'(i)) d = gen_value(q[15:0], op, imm);
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign dram_tile_o[32*i +: 32] = q;
  end
  for (genvar i = 0; i < 4 * bf_pkg::Dims; i++) begin : g_dram_dim
    logic [31:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (is_gen && is_dim_id && dim_idx == 5'(i)) d = gen_value(q[15:0], op, imm);
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign dram_dim_o[32*i +: 32] = q;
  end

  // Tile-engine addressing (rd-buf): level strides, group and plane
  // strides and base per buffer.
  for (genvar i = 0; i < 3 * bf_pkg::EngLoops; i++) begin : g_rd_eng
    logic [15:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (apply_i && op == bf_pkg::OpRdBuf && is_eng_id && rd_idx == 5'(i)) d = imm;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign rd_eng_o[16*i +: 16] = q;
  end
  for (genvar i = 0; i < 3; i++) begin : g_rd
    logic [15:0] grp_q, grp_d, plane_q, plane_d, base_q, base_d;
    logic        we;
    assign we = apply_i && op == bf_pkg::OpRdBuf && s == 2'(i);
    always_comb begin
      grp_d = grp_q; plane_d = plane_q; base_d = base_q;
      if (do_setup) begin
        grp_d = '0; plane_d = '0; base_d = '0;
      end else if (we && id == bf_pkg::IdGroup) begin
        grp_d = imm;
      end else if (we && id == bf_pkg::IdPlane) begin
        plane_d = imm;
      end else if (we && id == bf_pkg::IdBase) begin
        base_d = imm;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin grp_q <= '0; plane_q <= '0; base_q <= '0; end
      else         begin grp_q <= grp_d; plane_q <= plane_d; base_q <= base_d; end
    end
    assign rd_grp_o[16*i +: 16]   = grp_q;
    assign rd_plane_o[16*i +: 16] = plane_q;
    assign rd_base_o[16*i +: 16]  = base_q;
  end
  // rd-buf ibuf tK: the IBUF tile-loop offsets (a resident input's ic
  // tiles; the decoder allows tK for the ibuf only).
  for (genvar i = 0; i < NT; i++) begin : g_rd_tile
    logic [15:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (apply_i && op == bf_pkg::OpRdBuf && is_tile_id && id == 5'(i)) d = imm;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign rd_tile_o[16*i +: 16] = q;
  end

  // Buffer side of the memory streams (wr-buf): dim row strides, group
  // stride and base per stream.
  for (genvar i = 0; i < 4 * bf_pkg::Dims; i++) begin : g_wr_dim
    logic [15:0] q, d;
    always_comb begin
      d = q;
      if (do_setup) d = '0;
      else if (apply_i && op == bf_pkg::OpWrBuf && is_dim_id && wr_idx == 5'(i)) d = imm;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) q <= '0;
      else         q <= d;
    end
    assign wr_dim_o[16*i +: 16] = q;
  end
  for (genvar i = 0; i < 4; i++) begin : g_wr
    logic [15:0] grp_q, grp_d, base_q, base_d;
    logic        we;
    assign we = apply_i && op == bf_pkg::OpWrBuf && s == 2'(i);
    always_comb begin
      grp_d = grp_q; base_d = base_q;
      if (do_setup) begin
        grp_d = '0; base_d = '0;
      end else if (we && id == bf_pkg::IdGroup) begin
        grp_d = imm;
      end else if (we && id == bf_pkg::IdBase) begin
        base_d = imm;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin grp_q <= '0; base_q <= '0; end
      else         begin grp_q <= grp_d; base_q <= base_d; end
    end
    assign wr_grp_o[16*i +: 16]  = grp_q;
    assign wr_base_o[16*i +: 16] = base_q;
  end

  // Body slots: one ld-mem per stream, one st-mem, one compute.
  for (genvar i = 0; i < 4; i++) begin : g_ld
    logic        present_q, present_d;
    logic [4:0]  level_q, level_d;
    logic [16:0] run_q, run_d;
    always_comb begin
      present_d = present_q; level_d = level_q; run_d = run_q;
      if (do_setup) begin
        present_d = 1'b0; level_d = '0; run_d = '0;
      end else if (apply_i && op == bf_pkg::OpLdMem && s == 2'(i)) begin
        present_d = 1'b1; level_d = id; run_d = n1;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin present_q <= 1'b0; level_q <= '0; run_q <= '0; end
      else         begin present_q <= present_d; level_q <= level_d; run_q <= run_d; end
    end
    assign ld_present_o[i]      = present_q;
    assign ld_level_o[5*i +: 5] = level_q;
    assign ld_run_o[17*i +: 17] = run_q;
  end
  logic        st_present_q, st_present_d, compute_q, compute_d;
  logic [4:0]  st_level_q, st_level_d;
  logic [16:0] st_run_q, st_run_d;
  logic [2:0]  n_red_q, n_red_d;
  always_comb begin
    st_present_d = st_present_q; st_level_d = st_level_q; st_run_d = st_run_q;
    compute_d = compute_q; n_red_d = n_red_q;
    if (do_setup) begin
      st_present_d = 1'b0; st_level_d = '0; st_run_d = '0; compute_d = 1'b0; n_red_d = '0;
    end else if (apply_i && op == bf_pkg::OpStMem) begin
      st_present_d = 1'b1; st_level_d = id; st_run_d = n1;
    end else if (apply_i && op == bf_pkg::OpCompute) begin
      compute_d = 1'b1; n_red_d = spec[2:0];
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_present_q <= 1'b0; st_level_q <= '0; st_run_q <= '0; compute_q <= 1'b0; n_red_q <= '0;
    end else begin
      st_present_q <= st_present_d; st_level_q <= st_level_d; st_run_q <= st_run_d;
      compute_q <= compute_d; n_red_q <= n_red_d;
    end
  end
  assign st_present_o = st_present_q;
  assign st_level_o   = st_level_q;
  assign st_run_o     = st_run_q;
  assign compute_o    = compute_q;
  assign n_red_o      = n_red_q;

  // The output stage (requant): setup leaves the plain floor shift.
  logic [15:0] rq_mult_q, rq_mult_d;
  logic [5:0]  rq_shift_q, rq_shift_d;
  logic        rq_round_q, rq_round_d, rq_chan_q, rq_chan_d;
  logic [16:0] rq_zero_q, rq_zero_d, rq_lo_q, rq_lo_d, rq_hi_q, rq_hi_d;
  logic [16:0] value17, range_lo, range_hi;
  logic [4:0]  out_bits;
  logic        setup_relu;
  assign value17    = {spec[0], imm};
  assign out_bits   = 5'd2 << imm[14:13];
  assign setup_relu = imm[12];
  // The range of the output width: unsigned with relu, else signed.
  assign range_lo = setup_relu ? 17'd0 : -(17'd1 << (out_bits - 5'd1));
  assign range_hi = setup_relu ? (17'd1 << out_bits) - 17'd1 : (17'd1 << (out_bits - 5'd1)) - 17'd1;
  always_comb begin
    rq_mult_d = rq_mult_q; rq_shift_d = rq_shift_q; rq_round_d = rq_round_q; rq_chan_d = rq_chan_q;
    rq_zero_d = rq_zero_q; rq_lo_d = rq_lo_q; rq_hi_d = rq_hi_q;
    if (do_setup) begin
      rq_mult_d = 16'd1; rq_shift_d = {1'b0, imm[10:6]}; rq_round_d = 1'b0; rq_chan_d = 1'b0;
      rq_zero_d = '0; rq_lo_d = range_lo; rq_hi_d = range_hi;
    end else if (apply_i && op == bf_pkg::OpRequant) begin
      unique case (id)
        bf_pkg::RqMult: begin
          rq_chan_d = spec[0];
          if (!spec[0]) rq_mult_d = imm;
        end
        bf_pkg::RqShift: begin rq_shift_d = imm[5:0]; rq_round_d = imm[6]; end
        bf_pkg::RqZero:  rq_zero_d = value17;
        bf_pkg::RqLo:    rq_lo_d = value17;
        bf_pkg::RqHi:    rq_hi_d = value17;
        default: ;
      endcase
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rq_mult_q <= 16'd1; rq_shift_q <= '0; rq_round_q <= 1'b0; rq_chan_q <= 1'b0;
      rq_zero_q <= '0; rq_lo_q <= '0; rq_hi_q <= '0;
    end else begin
      rq_mult_q <= rq_mult_d; rq_shift_q <= rq_shift_d; rq_round_q <= rq_round_d; rq_chan_q <= rq_chan_d;
      rq_zero_q <= rq_zero_d; rq_lo_q <= rq_lo_d; rq_hi_q <= rq_hi_d;
    end
  end
  assign wb_o.requant  = setup_q.requant;
  assign wb_o.out_prec = setup_q.out_prec;
  assign wb_o.bias     = setup_q.bias;
  assign wb_o.channel  = rq_chan_q;
  assign wb_o.mult     = rq_mult_q;
  assign wb_o.shift    = rq_shift_q;
  assign wb_o.round    = rq_round_q;
  assign wb_o.zero     = rq_zero_q;
  assign wb_o.lo       = rq_lo_q;
  assign wb_o.hi       = rq_hi_q;

  // ------------------------------------------------------------ checks
  // ld-mem run must be a multiple of the target's bank count.
  logic [4:0] ld_lnb;
  logic       bad_run;
  assign ld_lnb  = (s == bf_pkg::StreamIbuf) ? 5'(LnI) : (s == bf_pkg::StreamWbuf) ? 5'(LnW) : 5'(LnO);
  assign bad_run = (n1 & ((17'd1 << ld_lnb) - 17'd1)) != 17'd0;
  always_comb begin
    unique case (op)
      bf_pkg::OpLdMem:   check_o = ld_present_o[s] ? bf_pkg::StatusBadBlock
                                 : bad_run ? bf_pkg::StatusBadRun : bf_pkg::StatusDone;
      bf_pkg::OpStMem:   check_o = st_present_q ? bf_pkg::StatusBadBlock : bf_pkg::StatusDone;
      bf_pkg::OpCompute: check_o = compute_q ? bf_pkg::StatusBadBlock : bf_pkg::StatusDone;
      bf_pkg::OpRequant: check_o = !setup_q.requant ? bf_pkg::StatusBadBlock : bf_pkg::StatusDone;
      default:           check_o = bf_pkg::StatusDone;
    endcase
  end

endmodule
