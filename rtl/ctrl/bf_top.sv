// bf_top: the Bit Fusion accelerator: controller + memory port + array.
// It runs a compiled program (docs/isa.md) from DRAM to DRAM.
//
//   start_i (one cycle, while busy_o is low) starts the program whose word
//   0 is at DRAM word start_addr_i and which has prog_words_i words; loads
//   and stores must stay below DRAM word mem_words_i. The device runs until
//   a `block-end last` (status 0) or an error, then drops busy_o and raises
//   done_o (held until the next start). status_o is the error code of
//   docs/isa.md (1 illegal opcode, 2 bad field, 3 buffer address, 4 DRAM
//   address, 5 bad block, 6 bad run, 7 program end), err_pc_o the index of
//   the failing instruction (of the block-end for errors while a block
//   runs), cycles_o the cycles since start, tiles_o the tile commands
//   issued, steps_o the array steps (bf::Machine's array cycles).
//
// Memory port (one beat of DramBits per request, docs/controller.md):
//   request  mem_req_valid_o / mem_req_ready_i, mem_req_we_o,
//            mem_req_addr_o (beat index = word address / (DramBits/32)),
//            mem_req_wdata_o, mem_req_wstrb_o (one bit per 32-bit word);
//            the request outputs depend on registered state only.
//   response mem_rsp_valid_i / mem_rsp_rdata_i: one beat per accepted
//            read, in order, any latency; always accepted.
// Requesters: instruction fetch, the load unit (reads) and the store unit
// (writes); load and store alternate when both request.
//
// Blocks: bf_ctrl_fetch, bf_ctrl_seq (decode, loop stack, address
// generators, step engine), bf_ctrl_load (DRAM -> IBUF/WBUF/OBUF bias, with
// the gearbox), bf_ctrl_store (OBUF -> write-back -> DRAM), bf_array_top.
//
// Parameters (a named configuration, configs/*.json, through
// cmake/BfConfig.cmake or synth/blocks.json; the defaults below are only
// the smallest legal device, so the module elaborates on its own):
//   Rows, Cols, WbufKb, IbufKb, ObufKb, DramBits  as bf_array_top
//   RspDepth  load response FIFO depth in beats (power of two; rsp_depth)
//   A build may also set them with the macros BF_TOP_ROWS, BF_TOP_COLS,
//   BF_TOP_WBUF_KB, BF_TOP_IBUF_KB, BF_TOP_OBUF_KB, BF_TOP_DRAM_BITS,
//   BF_TOP_RSP_DEPTH (the hierarchical Verilator build in tb/ctrl does,
//   since version 5.006 of the tool hands -G parameters on to the
//   hierarchical child, which rejects them).
// Latency: see docs/controller.md ("Timing").
`ifndef BF_TOP_ROWS
`define BF_TOP_ROWS 2
`endif
`ifndef BF_TOP_COLS
`define BF_TOP_COLS 2
`endif
`ifndef BF_TOP_WBUF_KB
`define BF_TOP_WBUF_KB 1
`endif
`ifndef BF_TOP_IBUF_KB
`define BF_TOP_IBUF_KB 1
`endif
`ifndef BF_TOP_OBUF_KB
`define BF_TOP_OBUF_KB 1
`endif
`ifndef BF_TOP_DRAM_BITS
`define BF_TOP_DRAM_BITS 64
`endif
`ifndef BF_TOP_RSP_DEPTH
`define BF_TOP_RSP_DEPTH 16
`endif
module bf_top `BF_IMPORT #(
  parameter int Rows     = `BF_TOP_ROWS,
  parameter int Cols     = `BF_TOP_COLS,
  parameter int WbufKb   = `BF_TOP_WBUF_KB,
  parameter int IbufKb   = `BF_TOP_IBUF_KB,
  parameter int ObufKb   = `BF_TOP_OBUF_KB,
  parameter int DramBits = `BF_TOP_DRAM_BITS,
  parameter int RspDepth = `BF_TOP_RSP_DEPTH,
  localparam int Words   = DramBits / 32
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                start_i,
  input  logic [31:0]         start_addr_i,
  input  logic [31:0]         prog_words_i,
  input  logic [31:0]         mem_words_i,
  output logic                busy_o,
  output logic                done_o,
  output logic [2:0]          status_o,
  output logic [31:0]         err_pc_o,
  output logic [63:0]         cycles_o,
  output logic [31:0]         tiles_o,
  output logic [31:0]         steps_o,
  // Memory port.
  output logic                mem_req_valid_o,
  input  logic                mem_req_ready_i,
  output logic                mem_req_we_o,
  output logic [31:0]         mem_req_addr_o,
  output logic [DramBits-1:0] mem_req_wdata_o,
  output logic [Words-1:0]    mem_req_wstrb_o,
  input  logic                mem_rsp_valid_i,
  input  logic [DramBits-1:0] mem_rsp_rdata_i
);
  localparam int IbufDepth = IbufKb * 256 / Rows;
  localparam int WbufDepth = WbufKb * 256 / (Rows * Cols);
  localparam int ObufDepth = ObufKb * 256 / Cols;
  localparam int IbufG     = bf_pkg::bank_group(DramBits, Rows);
  localparam int WbufG     = bf_pkg::bank_group(DramBits, Rows * Cols);
  localparam int ObufG     = bf_pkg::bank_group(DramBits, Cols);
  localparam int IGw       = bf_pkg::index_bits(Rows / IbufG);
  localparam int WGw       = bf_pkg::index_bits(Rows * Cols / WbufG);
  localparam int OGw       = bf_pkg::index_bits(Cols / ObufG);
  localparam int DrainG    = bf_pkg::drain_group(Cols);
  localparam int DGw       = bf_pkg::index_bits(Cols / DrainG);
  localparam int IDw       = $clog2(IbufDepth);
  localparam int WDw       = $clog2(WbufDepth);
  localparam int ODw       = $clog2(ObufDepth);

  initial begin
    if (DramBits < 32 || DramBits > 8192 || DramBits % 32 != 0)
      $fatal(1, "bf_top: DramBits must be a multiple of 32 in 32..8192");
    if (RspDepth < 2 || (RspDepth & (RspDepth - 1)) != 0)
      $fatal(1, "bf_top: RspDepth must be a power of two >= 2");
  end

  // ------------------------------------------------------------ fetch
  logic        f_req, f_take, f_valid, f_end;
  logic [31:0] f_instr, f_pc;
  logic        f_mvalid, f_mready;
  logic [31:0] f_maddr;
  bf_ctrl_fetch #(.DramBits(DramBits)) u_fetch (
    .clk_i, .rst_ni,
    .start_i (start_i && !busy_o), .start_addr_i, .prog_words_i,
    .req_i (f_req), .take_i (f_take), .valid_o (f_valid), .instr_o (f_instr), .pc_o (f_pc), .end_o (f_end),
    .mem_req_valid_o (f_mvalid), .mem_req_ready_i (f_mready), .mem_req_addr_o (f_maddr),
    .mem_rsp_valid_i, .mem_rsp_data_i (mem_rsp_rdata_i)
  );

  // ------------------------------------------------------------ sequencer
  logic                ld_start, ld_ready, ld_busy, ld_landed, st_start, st_busy, abort, arr_busy;
  `BF_T(ld_desc_t)     ld_desc;
  `BF_T(st_desc_t)     st_desc;
  `BF_T(tile_cmd_t)    cmd;
  logic [2:0]          ld_err, st_err;
  logic [31:0]         issued, tdone;
  logic [3:0]          state;
  logic                cmd_valid, cmd_ready, tile_done;

  bf_ctrl_seq #(
    .Rows (Rows), .Cols (Cols), .IbufDepth (IbufDepth), .WbufDepth (WbufDepth), .ObufDepth (ObufDepth)
  ) u_seq (
    .clk_i, .rst_ni, .start_i,
    .busy_o, .done_o, .status_o, .err_pc_o, .cycles_o, .tiles_o, .state_o (state),
    .f_req_o (f_req), .f_take_o (f_take), .f_valid_i (f_valid), .f_instr_i (f_instr), .f_pc_i (f_pc),
    .f_end_i (f_end),
    .ld_start_o (ld_start), .ld_desc_o (ld_desc), .ld_ready_i (ld_ready), .ld_busy_i (ld_busy),
    .ld_landed_i (ld_landed), .ld_err_i (ld_err),
    .st_start_o (st_start), .st_desc_o (st_desc), .st_busy_i (st_busy), .st_err_i (st_err),
    .abort_o (abort), .issued_o (issued), .tdone_o (tdone),
    .cmd_valid_o (cmd_valid), .cmd_ready_i (cmd_ready), .cmd_o (cmd), .tile_done_i (tile_done)
  );

  // ------------------------------------------------------------ load unit
  logic                 l_mvalid, l_mready;
  logic [31:0]          l_maddr;
  logic                 ibuf_wv, wbuf_wv, obuf_wv, obuf_wr_ready;
  logic [IGw-1:0]       ibuf_wg;
  logic [WGw-1:0]       wbuf_wg;
  logic [OGw-1:0]       obuf_wg;
  logic [IDw-1:0]       ibuf_wa;
  logic [WDw-1:0]       wbuf_wa;
  logic [ODw-1:0]       obuf_wa;
  logic [IbufG-1:0]     ibuf_wm;
  logic [WbufG-1:0]     wbuf_wm;
  logic [ObufG-1:0]     obuf_wm;
  logic [IbufG*32-1:0]  ibuf_wd;
  logic [WbufG*32-1:0]  wbuf_wd;
  logic [ObufG*32-1:0]  obuf_wd;

  bf_ctrl_load #(
    .Rows (Rows), .Cols (Cols), .IbufDepth (IbufDepth), .WbufDepth (WbufDepth), .ObufDepth (ObufDepth),
    .DramBits (DramBits), .Depth (RspDepth)
  ) u_load (
    .clk_i, .rst_ni, .abort_i (abort), .mem_words_i,
    .start_i (ld_start), .desc_i (ld_desc), .ready_o (ld_ready), .busy_o (ld_busy), .landed_o (ld_landed),
    .err_o (ld_err),
    .mem_req_valid_o (l_mvalid), .mem_req_ready_i (l_mready), .mem_req_addr_o (l_maddr),
    .mem_rsp_valid_i, .mem_rsp_data_i (mem_rsp_rdata_i),
    .ibuf_wr_valid_o (ibuf_wv), .ibuf_wr_group_o (ibuf_wg), .ibuf_wr_addr_o (ibuf_wa),
    .ibuf_wr_mask_o (ibuf_wm), .ibuf_wr_data_o (ibuf_wd),
    .wbuf_wr_valid_o (wbuf_wv), .wbuf_wr_group_o (wbuf_wg), .wbuf_wr_addr_o (wbuf_wa),
    .wbuf_wr_mask_o (wbuf_wm), .wbuf_wr_data_o (wbuf_wd),
    .obuf_wr_valid_o (obuf_wv), .obuf_wr_ready_i (obuf_wr_ready), .obuf_wr_group_o (obuf_wg),
    .obuf_wr_addr_o (obuf_wa), .obuf_wr_mask_o (obuf_wm), .obuf_wr_data_o (obuf_wd)
  );

  // ------------------------------------------------------------ store unit
  logic                s_mvalid, s_mready;
  logic [31:0]         s_maddr;
  logic [DramBits-1:0] s_mdata;
  logic [Words-1:0]    s_mstrb;
  logic                 obuf_rv, obuf_rready, obuf_rvalid;
  logic [DGw-1:0]       obuf_rg;
  logic [ODw-1:0]       obuf_ra;
  logic [DrainG*32-1:0] obuf_rd;
  logic                 st_reading;  // the store unit walks its runs (assertions only)

  bf_ctrl_store #(.Cols (Cols), .ObufDepth (ObufDepth), .DramBits (DramBits)) u_store (
    .clk_i, .rst_ni, .abort_i (abort), .mem_words_i,
    .start_i (st_start), .desc_i (st_desc), .issued_i (issued), .done_i (tdone), .busy_o (st_busy),
    .reading_o (st_reading), .err_o (st_err),
    .rd_valid_o (obuf_rv), .rd_ready_i (obuf_rready), .rd_group_o (obuf_rg), .rd_addr_o (obuf_ra),
    .rd_rvalid_i (obuf_rvalid), .rd_data_i (obuf_rd),
    .mem_req_valid_o (s_mvalid), .mem_req_ready_i (s_mready), .mem_req_addr_o (s_maddr),
    .mem_req_data_o (s_mdata), .mem_req_strb_o (s_mstrb)
  );

  // ------------------------------------------------------------ memory arbiter
  // Load and store alternate (turn_q: 1 = store first); fetch never runs
  // together with them. A request that waits (valid, not ready) keeps the
  // port (hold_q, hold_s_q: the requester picked): a store request that
  // arrives meanwhile does not replace it, so the port's request is stable
  // under back-pressure. (With a memory that is always ready, hold_q stays
  // low and the arbiter is the plain alternation.)
  logic turn_q, pick_s, pick_l, hold_q, hold_s_q;
  assign pick_s = s_mvalid && (hold_q ? hold_s_q : (!l_mvalid || turn_q));
  assign pick_l = l_mvalid && !pick_s;
  assign mem_req_valid_o = s_mvalid || l_mvalid || f_mvalid;
  assign mem_req_we_o    = pick_s;
`ifdef BF_MUTANT_CTRL
  // Test hook (tests/ctrl/test_ctrl_mutant.cpp; never in a real build):
  // +bf_mutant=1 flips the low bit of the address of a request that waits.
  int mutant;
  logic mut_wait_q;
  initial if (!$value$plusargs("bf_mutant=%d", mutant)) mutant = 0;
  always_ff @(posedge clk_i or negedge rst_ni) mut_wait_q <= !rst_ni ? 1'b0 : mem_req_valid_o && !mem_req_ready_i;
  assign mem_req_addr_o  = (pick_s ? s_maddr : pick_l ? l_maddr : f_maddr) ^ {31'd0, mutant == 1 && mut_wait_q};
`else
  assign mem_req_addr_o  = pick_s ? s_maddr : pick_l ? l_maddr : f_maddr;
`endif
  assign mem_req_wdata_o = s_mdata;
  assign mem_req_wstrb_o = pick_s ? s_mstrb : '0;
  assign s_mready = mem_req_ready_i && pick_s;
  assign l_mready = mem_req_ready_i && pick_l;
  assign f_mready = mem_req_ready_i && !pick_s && !pick_l;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      turn_q <= 1'b0; hold_q <= 1'b0; hold_s_q <= 1'b0;
    end else begin
      if (mem_req_ready_i && (pick_s || pick_l)) turn_q <= pick_l;
      hold_q   <= mem_req_valid_o && !mem_req_ready_i;
      hold_s_q <= pick_s;
    end
  end

  // ------------------------------------------------------------ the array
  logic [1:0]  cmd_pa, cmd_pw, cmd_shift;
  logic        cmd_as, cmd_ws, cmd_acc;
  logic [2:0]  cmd_nred;
  logic [15:0] cmd_ib, cmd_wb, cmd_ob;
  logic [6*16-1:0] cmd_cnt, cmd_is, cmd_ws_str, cmd_os;
  assign cmd_pa     = cmd.prec_a;
  assign cmd_pw     = cmd.prec_w;
  assign cmd_as     = cmd.a_signed;
  assign cmd_ws     = cmd.w_signed;
  assign cmd_shift  = cmd.psum_shift;
  assign cmd_acc    = cmd.obuf_acc;
  assign cmd_nred   = cmd.n_red;
  assign cmd_ib     = cmd.ibuf_base;
  assign cmd_wb     = cmd.wbuf_base;
  assign cmd_ob     = cmd.obuf_base;
  assign cmd_cnt    = cmd.count;
  assign cmd_is     = cmd.ibuf_stride;
  assign cmd_ws_str = cmd.wbuf_stride;
  assign cmd_os     = cmd.obuf_stride;
  bf_array_top #(
    .Rows (Rows), .Cols (Cols), .WbufKb (WbufKb), .IbufKb (IbufKb), .ObufKb (ObufKb), .DramBits (DramBits)
  ) u_array (
    .clk_i, .rst_ni,
    .cmd_valid_i (cmd_valid), .cmd_ready_o (cmd_ready), .cmd_prec_a_i (cmd_pa), .cmd_prec_w_i (cmd_pw),
    .cmd_a_signed_i (cmd_as), .cmd_w_signed_i (cmd_ws), .cmd_shift_i (cmd_shift), .cmd_obuf_acc_i (cmd_acc),
    .cmd_n_red_i (cmd_nred), .cmd_ibuf_base_i (cmd_ib), .cmd_wbuf_base_i (cmd_wb), .cmd_obuf_base_i (cmd_ob),
    .cmd_count_i (cmd_cnt), .cmd_ibuf_stride_i (cmd_is), .cmd_wbuf_stride_i (cmd_ws_str),
    .cmd_obuf_stride_i (cmd_os), .done_o (tile_done), .busy_o (arr_busy), .stat_steps_o (steps_o),
    .ibuf_wr_valid_i (ibuf_wv), .ibuf_wr_group_i (ibuf_wg), .ibuf_wr_addr_i (ibuf_wa),
    .ibuf_wr_mask_i (ibuf_wm), .ibuf_wr_data_i (ibuf_wd),
    .wbuf_wr_valid_i (wbuf_wv), .wbuf_wr_group_i (wbuf_wg), .wbuf_wr_addr_i (wbuf_wa),
    .wbuf_wr_mask_i (wbuf_wm), .wbuf_wr_data_i (wbuf_wd),
    .obuf_wr_valid_i (obuf_wv), .obuf_wr_ready_o (obuf_wr_ready), .obuf_wr_group_i (obuf_wg),
    .obuf_wr_addr_i (obuf_wa), .obuf_wr_mask_i (obuf_wm), .obuf_wr_data_i (obuf_wd),
    .obuf_rd_valid_i (obuf_rv), .obuf_rd_ready_o (obuf_rready), .obuf_rd_group_i (obuf_rg),
    .obuf_rd_addr_i (obuf_ra), .obuf_rd_rvalid_o (obuf_rvalid), .obuf_rd_data_o (obuf_rd)
  );

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // Assertions (docs/verification-rtl.md): the memory port's request is
  // held while it waits: once mem_req_valid_o is high and not accepted,
  // valid stays high and we, addr, wdata and wstrb keep their values until
  // mem_req_ready_i. One exception: an abort (an error status) withdraws a
  // load request that waits.
  logic                a_on_q, a_pend_q, a_we_q;  // a_on_q: out of reset (the checks' enable)
  logic [31:0]         a_addr_q;
  logic [DramBits-1:0] a_data_q;
  logic [Words-1:0]    a_strb_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_on_q <= 1'b0; a_pend_q <= 1'b0; a_we_q <= 1'b0; a_addr_q <= '0; a_data_q <= '0; a_strb_q <= '0;
    end else begin
      a_on_q   <= 1'b1;
      a_pend_q <= mem_req_valid_o && !mem_req_ready_i;
      a_we_q   <= mem_req_we_o;
      a_addr_q <= mem_req_addr_o;
      a_data_q <= mem_req_wdata_o;
      a_strb_q <= mem_req_wstrb_o;
    end
  end
  always @(posedge clk_i) begin
    if (a_on_q && a_pend_q && !abort) begin
      if (!mem_req_valid_o) $error("bf_top: memory request withdrawn before it was accepted");
      else if (mem_req_we_o != a_we_q || mem_req_addr_o != a_addr_q)
        $error("bf_top: memory request changed before it was accepted (we %0d -> %0d, beat %0d -> %0d)",
               a_we_q, mem_req_we_o, a_addr_q, mem_req_addr_o);
      else if (a_we_q && (mem_req_wdata_o != a_data_q || mem_req_wstrb_o != a_strb_q))
        $error("bf_top: memory write data or strobes changed before the write was accepted (beat %0d)",
               mem_req_addr_o);
    end
  end

  // A load never writes an IBUF / WBUF half that a tile command in flight
  // (taken by the array, not yet done) reads. Each command taken is
  // numbered (a_taken_q); per half, a_rd*_q holds the number of its last
  // reader, in flight while the done count is below it. The halves a
  // command reads follow from its base and extent (the sum over the levels
  // of (count - 1) * stride), so a whole-buffer read marks both. This
  // checks the sequencer's half flags and the step queue's wait for its
  // loads from the buffers' side, independently of either.
  localparam int AIH = IbufDepth / 2, AWH = WbufDepth / 2;
  logic [31:0] a_taken_q;
  logic [31:0] a_rdi_q [2];
  logic [31:0] a_rdw_q [2];
  logic [35:0] a_exti, a_extw, a_ilim, a_wlim;
  assign a_exti = bf_pkg::cmd_extent(cmd_cnt, cmd_is, 6);
  assign a_extw = bf_pkg::cmd_extent(cmd_cnt, cmd_ws_str, 6);
  assign a_ilim = 36'(AIH) << cmd_pw;
  assign a_wlim = 36'(AWH) << cmd_pa;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_taken_q <= '0;
      for (int h = 0; h < 2; h++) begin
        a_rdi_q[h] <= '0; a_rdw_q[h] <= '0;
      end
    end else if (cmd_valid && cmd_ready) begin
      a_taken_q <= a_taken_q + 32'd1;
      for (int h = 0; h < 2; h++) begin
        if ((h == 0 && 36'(cmd_ib) < a_ilim) || (h == 1 && 36'(cmd_ib) + a_exti >= a_ilim))
          a_rdi_q[h] <= a_taken_q + 32'd1;
        if ((h == 0 && 36'(cmd_wb) < a_wlim) || (h == 1 && 36'(cmd_wb) + a_extw >= a_wlim))
          a_rdw_q[h] <= a_taken_q + 32'd1;
      end
    end
  end
  logic a_wri_h, a_wrw_h;
  assign a_wri_h = 32'(ibuf_wa) >= AIH;
  assign a_wrw_h = 32'(wbuf_wa) >= AWH;
  always @(posedge clk_i) begin
    if (a_on_q && !abort) begin
      // (wrap-safe: the reader is in flight when a_rd - tdone, as a signed
      // count, is positive)
      if (ibuf_wv && $signed(a_rdi_q[a_wri_h] - tdone) > 0)
        $error("bf_top: IBUF half %0d written while tile command %0d, which reads it, is in flight",
               a_wri_h, a_rdi_q[a_wri_h]);
      if (wbuf_wv && $signed(a_rdw_q[a_wrw_h] - tdone) > 0)
        $error("bf_top: WBUF half %0d written while tile command %0d, which reads it, is in flight",
               a_wrw_h, a_rdw_q[a_wrw_h]);
    end
  end

  // With a whole OBUF (setup whole=o, st_desc.whole) the next output tile
  // writes the rows a store reads: while the store unit walks its runs
  // (reads the OBUF), no tile command is in flight in the array (taken,
  // a_taken_q, and not yet done) and no bias row is written. This checks
  // the sequencer's store counts and the step queue's store wait from the
  // store unit's side, independently of both.
  always @(posedge clk_i) begin
    if (a_on_q && !abort && st_desc.whole && st_reading) begin
      if (a_taken_q != tdone || (cmd_valid && cmd_ready))
        $error("bf_top: tile command in flight while a store reads the whole OBUF (%0d taken, %0d done)",
               a_taken_q, tdone);
      if (obuf_wv && obuf_wr_ready) $error("bf_top: bias row written while a store reads the whole OBUF");
    end
  end

  // With OBUF halves the sequencer runs ahead of a store (its pending
  // slot): while the store unit walks the runs of half h, no tile command
  // writing h is in flight or taken (a_wro_q[h]: the number of the last one
  // taken), and no bias row is written into h. Like the check above, from
  // the store unit's and the buffers' side.
  localparam int AOH = ObufDepth / 2;
  logic        a_sth_q, a_stw_q;
  logic [31:0] a_wro_q [2];
  logic        a_cmd_oh, a_bias_oh;
  assign a_cmd_oh  = 32'(cmd_ob) >= AOH;
  assign a_bias_oh = 32'(obuf_wa) >= AOH;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_sth_q <= 1'b0; a_stw_q <= 1'b0; a_wro_q[0] <= '0; a_wro_q[1] <= '0;
    end else begin
      if (st_start) begin
        a_sth_q <= st_desc.half; a_stw_q <= st_desc.whole;
      end
      if (cmd_valid && cmd_ready) a_wro_q[a_cmd_oh] <= a_taken_q + 32'd1;
    end
  end
  always @(posedge clk_i) begin
    if (a_on_q && !abort && !a_stw_q && st_reading) begin
      if ($signed(a_wro_q[a_sth_q] - tdone) > 0 || (cmd_valid && cmd_ready && a_cmd_oh == a_sth_q))
        $error("bf_top: tile command into OBUF half %0d in flight while a store reads it", a_sth_q);
      if (obuf_wv && obuf_wr_ready && a_bias_oh == a_sth_q)
        $error("bf_top: bias row written into OBUF half %0d while a store reads it", a_sth_q);
    end
  end
`endif
`endif

  logic unused;
  assign unused = ^{state, arr_busy, st_reading};
endmodule
