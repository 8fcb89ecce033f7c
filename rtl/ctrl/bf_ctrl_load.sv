// bf_ctrl_load: the load unit. Moves one `ld-mem` load (docs/isa.md,
// "Running a block", step 2) from DRAM into IBUF, WBUF or the OBUF (bias):
// for every index vector (i3, i2, i1, i0) of the four dims (i0 innermost),
// one run of `run` consecutive DRAM words from
//   dram + sum_d i_d * ddim[d]
// to the buffer rows starting at row + sum_d i_d * rdim[d] of the half:
// run word k goes to bank k mod nb, row start + k div nb (nb = Rows for
// IBUF, Rows*Cols for WBUF, Cols for the bias).
//
// Request side: the run walker issues one read request per beat the run
// touches (so a beat shared by two runs is read twice, as bf::Machine
// counts beats), with the run's first and last word offsets; it checks each
// run before its first request: DRAM words beyond mem_words -> error 4,
// rows beyond the half -> error 3. Run addresses are also kept as (beat,
// word offset): the start address and the four strides are divided by
// Words once, in the start cycle, and a run's (beat, offset) is the
// previous one's plus the stride's with a carry, so no division sits in
// the walk. Requests are limited by credits so the
// response FIFO (Depth beats) never overflows: the memory port's responses
// are always accepted.
// Write side (gearbox): the valid words of each response beat are appended
// to a word queue of DramG + Words words; whenever it holds G words (G =
// the buffer's write group, bf_array_top), the lowest G go to one aligned
// group of banks at one row. Runs are multiples of nb, so every chunk is a
// whole group and starts a group boundary.
//
// Parameters:
//   Rows, Cols      array size
//   IbufDepth, WbufDepth, ObufDepth  bank depths in 32-bit words
//   DramBits        memory port width
//   Depth           response FIFO depth in beats (power of two); sets the
//                   latency the unit hides at one beat per cycle
// Queues: per requested beat its word offset and count (bf_fifo, pushed
// with the request: Depth entries = the credits), the beats themselves
// (bf_sram_fifo: an SRAM bank, an SRAM macro in synthesis), and per run
// its first buffer row (bf_fifo).
// Latency: first buffer write 2 cycles after the first response; then up
//   to one group per cycle (one beat per cycle when G >= Words); landed_o
//   with a load's last write.
module bf_ctrl_load `BF_IMPORT #(
  parameter int Rows      = 2,
  parameter int Cols      = 2,
  parameter int IbufDepth = 128,
  parameter int WbufDepth = 64,
  parameter int ObufDepth = 128,
  parameter int DramBits  = 64,
  parameter int Depth     = 16,
  localparam int Words    = DramBits / 32,
  localparam int DramG    = bf_pkg::dram_group(DramBits),
  localparam int IbufG    = bf_pkg::bank_group(DramBits, Rows),
  localparam int WbufG    = bf_pkg::bank_group(DramBits, Rows * Cols),
  localparam int ObufG    = bf_pkg::bank_group(DramBits, Cols),
  localparam int IGw      = bf_pkg::index_bits(Rows / IbufG),
  localparam int WGw      = bf_pkg::index_bits(Rows * Cols / WbufG),
  localparam int OGw      = bf_pkg::index_bits(Cols / ObufG),
  localparam int IDw      = $clog2(IbufDepth),
  localparam int WDw      = $clog2(WbufDepth),
  localparam int ODw      = $clog2(ObufDepth)
) (
  input  logic                    clk_i,
  input  logic                    rst_ni,
  input  logic                    abort_i,       // stop issuing, drop data, drain responses
  input  logic [31:0]             mem_words_i,   // DRAM size in words
  // Load descriptor (start_i while ready_o is high; run a multiple of nb).
  // A load may start while the one before it still lands (ready_o: the
  // run walker is free); busy_o is high until every load has landed.
  // landed_o pulses in the cycle the last group of a load is written
  // (loads land in the order they started).
  input  logic                    start_i,
  input  `BF_T(ld_desc_t)         desc_i,
  output logic                    ready_o,
  output logic                    busy_o,
  output logic                    landed_o,
  output logic [2:0]              err_o,         // 0, 3 (buffer row) or 4 (DRAM address); held until start_i
  // Memory port (reads).
  output logic                    mem_req_valid_o,
  input  logic                    mem_req_ready_i,
  output logic [31:0]             mem_req_addr_o,
  input  logic                    mem_rsp_valid_i,
  input  logic [DramBits-1:0]     mem_rsp_data_i,
  // Buffer write ports of bf_array_top.
  output logic                    ibuf_wr_valid_o,
  output logic [IGw-1:0]          ibuf_wr_group_o,
  output logic [IDw-1:0]          ibuf_wr_addr_o,
  output logic [IbufG-1:0]        ibuf_wr_mask_o,
  output logic [IbufG*32-1:0]     ibuf_wr_data_o,
  output logic                    wbuf_wr_valid_o,
  output logic [WGw-1:0]          wbuf_wr_group_o,
  output logic [WDw-1:0]          wbuf_wr_addr_o,
  output logic [WbufG-1:0]        wbuf_wr_mask_o,
  output logic [WbufG*32-1:0]     wbuf_wr_data_o,
  output logic                    obuf_wr_valid_o,
  input  logic                    obuf_wr_ready_i,
  output logic [OGw-1:0]          obuf_wr_group_o,
  output logic [ODw-1:0]          obuf_wr_addr_o,
  output logic [ObufG-1:0]        obuf_wr_mask_o,
  output logic [ObufG*32-1:0]     obuf_wr_data_o
);
  localparam int Ow  = (Words > 1) ? $clog2(Words) : 1;
  localparam int Nw  = $clog2(Words + 1);
  localparam int Pw  = $clog2(Depth);
  localparam int C   = DramG + Words;         // gearbox capacity in words
  localparam int Fw  = $clog2(C + 1);
  localparam int LgI = $clog2(IbufG), LgW = $clog2(WbufG), LgO = $clog2(ObufG);
  localparam int LnI = $clog2(Rows), LnW = $clog2(Rows * Cols), LnO = $clog2(Cols);

  initial begin
    if (Rows < 1 || Cols < 1) $fatal(1, "bf_ctrl_load: bad array size");
    if (DramBits < 32 || DramBits % 32 != 0) $fatal(1, "bf_ctrl_load: DramBits must be a multiple of 32");
    if (Depth < 2 || (Depth & (Depth - 1)) != 0) $fatal(1, "bf_ctrl_load: Depth must be a power of two >= 2");
    if (IbufDepth > 65536 || WbufDepth > 65536 || ObufDepth > 65536) $fatal(1, "bf_ctrl_load: banks too deep");
  end

  // ------------------------------------------------------------ descriptor
  logic [1:0]   stream_i;
  logic         half_i, whole_i;
  logic [31:0]  dram_i;
  logic [127:0] ddim_i;
  logic [67:0]  cnt_i;
  logic [15:0]  row_i;
  logic [63:0]  rdim_i;
  logic [16:0]  run_i;
  assign stream_i = desc_i.stream;
  assign half_i   = desc_i.half;
  assign whole_i  = desc_i.whole;
  assign dram_i   = desc_i.dram;
  assign ddim_i   = desc_i.ddim;
  assign cnt_i    = desc_i.cnt;
  assign row_i    = desc_i.row;
  assign rdim_i   = desc_i.rdim;
  assign run_i    = desc_i.run;

  // ------------------------------------------------------------ run walker
  logic        walk_q, first_q, half_q, whole_q;
  logic [1:0]  stream_q;
  logic [16:0] run_q, left_q;
  logic [31:0] ddim_q [4];
  logic [31:0] da_q [4];
  // The DRAM addresses as (beat, word offset in the beat): run addresses
  // advance by adding the dims' strides in this form, so no division by
  // Words sits in the walk (only in the start cycle, on the descriptor).
  logic [31:0]   dab_q [4];
  logic [Ow-1:0] dao_q [4];
  logic [31:0]   ddb_q [4];
  logic [Ow-1:0] ddo_q [4];
  logic [15:0] rdim_q [4];
  logic [31:0] ra_q [4];
  logic [31:0] beat_q;
  logic [2:0]  err_q;

  // Stream geometry: log2 of the bank count and of the write group, the
  // depth of a half.
  function automatic logic [4:0] log_banks(input logic [1:0] st);
    log_banks = (st == bf_pkg::StreamIbuf) ? 5'(LnI) : (st == bf_pkg::StreamWbuf) ? 5'(LnW) : 5'(LnO);
  endfunction
  function automatic logic [4:0] log_group(input logic [1:0] st);
    log_group = (st == bf_pkg::StreamIbuf) ? 5'(LgI) : (st == bf_pkg::StreamWbuf) ? 5'(LgW) : 5'(LgO);
  endfunction
  logic [4:0]  lnb;          // of the load being walked
  logic [16:0] hdepth, rdepth;  // rows of a half; rows the load may write (a whole buffer: twice)
  assign lnb    = log_banks(stream_q);
  assign hdepth = (stream_q == bf_pkg::StreamIbuf) ? 17'(IbufDepth / 2)
                : (stream_q == bf_pkg::StreamWbuf) ? 17'(WbufDepth / 2) : 17'(ObufDepth / 2);
  assign rdepth = whole_q ? hdepth << 1 : hdepth;

  // Start: the descriptor's address and strides divided by Words.
  logic [31:0]   st_b [5];
  logic [Ow-1:0] st_o [5];
  bf_ctrl_divw #(.Words(Words)) u_div (.addr_i (dram_i), .beat_o (st_b[4]), .off_o (st_o[4]));
  for (genvar d = 0; d < 4; d++) begin : g_div
    bf_ctrl_divw #(.Words(Words)) u_divd (
      .addr_i (ddim_i[32*d +: 32]), .beat_o (st_b[d]), .off_o (st_o[d])
    );
  end

  logic [31:0] cur_beat;
  logic [16:0] cur_off, cur_left, avail, n;
  assign cur_beat = first_q ? dab_q[0] : beat_q;
  assign cur_off  = first_q ? 17'(dao_q[0]) : 17'd0;
  assign cur_left = first_q ? run_q : left_q;
  assign avail    = 17'(Words) - cur_off;
  assign n        = (avail < cur_left) ? avail : cur_left;

  logic e_dram, e_row, e_run;
  logic [16:0] run_rows;
  assign e_dram = {1'b0, da_q[0]} + 33'(run_q) > {1'b0, mem_words_i};
  assign run_rows = run_q >> lnb;
  assign e_row  = {2'b0, ra_q[0]} + 34'(run_rows) > 34'(rdepth);
  assign e_run  = walk_q && first_q && (e_dram || e_row);

  // Queues. Per requested beat (pushed with the request, popped when the
  // gearbox takes the beat): its first word and word count; the queue's
  // Depth entries are the credits, so the response FIFO never overflows.
  // The beats (pushed on the response). Per run: its first physical row.
  logic          meta_full, meta_empty, beat_empty, beat_take, rsp_take, run_full, run_pop;
  logic [Pw:0]   meta_used, beat_used;
  logic [Ow+Nw-1:0] meta_head;
  logic [DramBits-1:0] hbeat;
  logic [15:0]   run_row;    // the head run's first physical row, stream and length
  logic [1:0]    run_stream;
  logic [16:0]   run_len;
  logic          run_last;   // the head run is its load's last
  logic          credit, beat_full, run_empty;
  logic [Pw:0]   run_used;
`ifdef BF_MUTANT_CTRL
  // Test hook (tests/ctrl/test_ctrl_mutant.cpp; never in a real build):
  // +bf_mutant=N breaks one property the assertions below check.
  int mutant;
  initial if (!$value$plusargs("bf_mutant=%d", mutant)) mutant = 0;
  assign credit = !meta_full || mutant == 7;  // requests beyond the credits
`else
  assign credit = !meta_full;
`endif

  logic grant;
  assign mem_req_valid_o = walk_q && !abort_i && !e_run && credit && !(first_q && run_full);
  assign mem_req_addr_o  = cur_beat;
  assign grant           = mem_req_valid_o && mem_req_ready_i;

  // Index vector of the run (d0 innermost); it moves when a run's last
  // request is granted.
  logic        found, run_end;
  logic [1:0]  adv;
  assign run_end = !abort_i && !e_run && grant && n == cur_left;
  bf_ctrl_dims u_dims (
    .clk_i, .rst_ni, .start_i, .cnt_i, .step_i (run_end), .found_o (found), .adv_o (adv)
  );

  // Advance by dim adv: (beat, off) of da[adv] + ddim[adv].
  logic [Ow:0]   nx_os;
  logic          nx_c;
  logic [31:0]   nx_b;
  logic [Ow-1:0] nx_o;
  assign nx_os = {1'b0, dao_q[adv]} + {1'b0, ddo_q[adv]};
  assign nx_c  = 32'(nx_os) >= Words;
  assign nx_b  = dab_q[adv] + ddb_q[adv] + 32'(nx_c);
  assign nx_o  = Ow'(nx_c ? 32'(nx_os) - Words : 32'(nx_os));

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      walk_q <= 1'b0; first_q <= 1'b0; half_q <= 1'b0; whole_q <= 1'b0; stream_q <= 2'd0;
      run_q <= '0; left_q <= '0; beat_q <= '0; err_q <= 3'd0;
      for (int d = 0; d < 4; d++) begin
        ddim_q[d] <= '0; da_q[d] <= '0; rdim_q[d] <= '0; ra_q[d] <= '0;
        dab_q[d] <= '0; dao_q[d] <= '0; ddb_q[d] <= '0; ddo_q[d] <= '0;
      end
    end else if (start_i) begin
      walk_q <= 1'b1; first_q <= 1'b1; half_q <= half_i; whole_q <= whole_i; stream_q <= stream_i;
      run_q <= run_i; err_q <= 3'd0;
      for (int d = 0; d < 4; d++) begin
        ddim_q[d] <= ddim_i[32*d +: 32];
        da_q[d]   <= dram_i;
        dab_q[d]  <= st_b[4];
        dao_q[d]  <= st_o[4];
        ddb_q[d]  <= st_b[d];
        ddo_q[d]  <= st_o[d];
        rdim_q[d] <= rdim_i[16*d +: 16];
        ra_q[d]   <= 32'(row_i);
      end
    end else if (abort_i) begin
      walk_q <= 1'b0;
    end else if (e_run) begin
      walk_q <= 1'b0;
      err_q  <= e_dram ? 3'd4 : 3'd3;
    end else if (grant) begin
      if (n == cur_left) begin
        first_q <= 1'b1;
        if (!found) begin
          walk_q <= 1'b0;
        end else begin
          for (int d = 0; d < 4; d++) begin
            if (d <= 32'(adv)) begin
              da_q[d]  <= da_q[adv] + ddim_q[adv];
              ra_q[d]  <= ra_q[adv] + 32'(rdim_q[adv]);
              dab_q[d] <= nx_b;
              dao_q[d] <= nx_o;
            end
          end
        end
      end else begin
        first_q <= 1'b0;
        beat_q  <= cur_beat + 32'd1;
        left_q  <= cur_left - n;
      end
    end
  end

  // ------------------------------------------------------------ queues
  logic [15:0] row_phys;
`ifdef BF_MUTANT_CTRL
  assign row_phys = 16'(ra_q[0]) + (half_q || mutant == 4 ? 16'(hdepth) : 16'd0)
                  + (mutant == 4 ? 16'(hdepth) : 16'd0);  // rows one whole buffer too high
`else
  assign row_phys = 16'(ra_q[0]) + (half_q ? 16'(hdepth) : 16'd0);
`endif
  // A response is taken while requests are outstanding (always, by the
  // protocol); after an abort the queues drain one beat per cycle.
  assign rsp_take = mem_rsp_valid_i && meta_used != beat_used;
  bf_fifo #(.Depth (Depth), .Width (Ow + Nw)) u_meta (
    .clk_i, .rst_ni, .flush_i (1'b0),
    .push_i (grant), .data_i ({Ow'(cur_off), Nw'(n)}), .full_o (meta_full),
    .pop_i (beat_take), .data_o (meta_head), .empty_o (meta_empty), .usage_o (meta_used)
  );
  bf_sram_fifo #(.Depth (Depth), .Width (DramBits)) u_beats (
    .clk_i, .rst_ni, .flush_i (1'b0),
    .push_i (rsp_take), .data_i (mem_rsp_data_i), .full_o (beat_full),
    .pop_i (beat_take), .data_o (hbeat), .empty_o (beat_empty), .usage_o (beat_used)
  );
  // (The index vector moves only with a run's last request, so in its
  // first request !found marks the load's last run.)
  bf_fifo #(.Depth (Depth), .Width (16 + 2 + 17 + 1)) u_runs (
    .clk_i, .rst_ni, .flush_i (abort_i),
    .push_i (grant && first_q), .data_i ({row_phys, stream_q, run_q, !found}), .full_o (run_full),
    .pop_i (run_pop), .data_o ({run_row, run_stream, run_len, run_last}), .empty_o (run_empty),
    .usage_o (run_used)
  );

  // ------------------------------------------------------------ gearbox
  logic [31:0] gb_q [C];
  logic [31:0] gb_d [C];
  logic [Fw-1:0] fill_q, fill_d, gs, base_fill;
  logic [16:0] wj_q;
  logic        head, can_emit, can_app, emit_valid;
  logic [31:0] hw [Words];
  logic [Ow-1:0] hoff;
  logic [Nw-1:0] hn;

  assign {hoff, hn} = meta_head;
  for (genvar j = 0; j < Words; j++) begin : g_hw
    assign hw[j] = hbeat[32*j +: 32];
  end

  assign gs         = Fw'(1) << lg;  // the head run's write group
  assign head       = !beat_empty;
  assign emit_valid = !abort_i && fill_q >= gs;
  assign can_emit   = emit_valid && (run_stream != bf_pkg::StreamBias || obuf_wr_ready_i);
  assign base_fill  = fill_q - (can_emit ? gs : Fw'(0));
  assign can_app    = !abort_i && head && 32'(base_fill) + 32'(hn) <= C;
  assign fill_d     = base_fill + (can_app ? Fw'(hn) : Fw'(0));
  assign beat_take  = abort_i ? head : can_app;

  always_comb begin
    for (int i = 0; i < C; i++) begin
      gb_d[i] = gb_q[i];
      if (can_emit) gb_d[i] = (i + 32'(gs) < C) ? gb_q[i + 32'(gs)] : 32'd0;
      if (can_app && i >= 32'(base_fill) && i < 32'(base_fill) + 32'(hn))
        gb_d[i] = hw[i - 32'(base_fill) + 32'(hoff)];
    end
  end

  // Chunk position inside the run: group = j mod (nb/G), row = first + j div (nb/G).
  logic [4:0]  lgr, lg;
  logic [16:0] chunks;
  assign lg     = log_group(run_stream);
  logic [15:0] wrow;
  logic [16:0] wgrp;
  assign lgr    = log_banks(run_stream) - lg;
  assign chunks = run_len >> lg;
  assign wrow   = run_row + 16'(wj_q >> lgr);
  assign wgrp   = wj_q & ((17'd1 << lgr) - 17'd1);

  assign run_pop = !abort_i && can_emit && wj_q + 17'd1 == chunks;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fill_q <= '0; wj_q <= '0;
      for (int i = 0; i < C; i++) gb_q[i] <= '0;
    end else begin
      if (abort_i) begin
        fill_q   <= '0;
        wj_q     <= '0;
      end else begin
        fill_q <= fill_d;
        for (int i = 0; i < C; i++) gb_q[i] <= gb_d[i];
        if (can_emit) wj_q <= run_pop ? '0 : wj_q + 17'd1;
      end
    end
  end

  // Buffer write ports: the lowest G words of the queue.
  for (genvar j = 0; j < IbufG; j++) begin : g_idata
    assign ibuf_wr_data_o[32*j +: 32] = gb_q[j];
  end
  for (genvar j = 0; j < WbufG; j++) begin : g_wdata
    assign wbuf_wr_data_o[32*j +: 32] = gb_q[j];
  end
  for (genvar j = 0; j < ObufG; j++) begin : g_odata
    assign obuf_wr_data_o[32*j +: 32] = gb_q[j];
  end
  assign ibuf_wr_valid_o = emit_valid && run_stream == bf_pkg::StreamIbuf;
  assign wbuf_wr_valid_o = emit_valid && run_stream == bf_pkg::StreamWbuf;
  assign obuf_wr_valid_o = emit_valid && run_stream == bf_pkg::StreamBias;
  assign ibuf_wr_group_o = IGw'(wgrp);
  assign wbuf_wr_group_o = WGw'(wgrp);
  assign obuf_wr_group_o = OGw'(wgrp);
  assign ibuf_wr_addr_o  = IDw'(wrow);
  assign wbuf_wr_addr_o  = WDw'(wrow);
  assign obuf_wr_addr_o  = ODw'(wrow);
  assign ibuf_wr_mask_o  = '1;
  assign wbuf_wr_mask_o  = '1;
  assign obuf_wr_mask_o  = '1;

  logic unused;
  assign unused = ^{wrow, wgrp, beat_full, run_empty, run_used};

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // Assertions (docs/verification-rtl.md):
  //  - a read request is made only with a credit (a free entry of the
  //    per-beat queue), and a response never finds the beat FIFO full;
  //  - the read request is held (valid, address) until accepted, except
  //    when an abort withdraws it;
  //  - a buffer write row lies inside its bank (the ports are truncated to
  //    the bank's address width).
  logic        a_on_q, a_pend_q;  // a_on_q: out of reset (the checks' enable)
  logic [31:0] a_addr_q;
  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_on_q <= 1'b0; a_pend_q <= 1'b0; a_addr_q <= '0;
    end else begin
      a_on_q   <= 1'b1;
      a_pend_q <= mem_req_valid_o && !mem_req_ready_i;
      a_addr_q <= mem_req_addr_o;
    end
  end
  logic [16:0] a_depth;
  assign a_depth = (run_stream == bf_pkg::StreamIbuf) ? 17'(IbufDepth)
                 : (run_stream == bf_pkg::StreamWbuf) ? 17'(WbufDepth) : 17'(ObufDepth);
  always @(posedge clk_i) begin
    if (a_on_q) begin
      if (grant && meta_full)
        $error("bf_ctrl_load: read request without a credit (%0d beats outstanding, FIFO depth %0d)",
               meta_used, Depth);
      if (rsp_take && beat_full) $error("bf_ctrl_load: response FIFO overflow (depth %0d)", Depth);
      if (a_pend_q && !abort_i && (!mem_req_valid_o || mem_req_addr_o != a_addr_q))
        $error("bf_ctrl_load: read request changed or withdrawn before it was accepted");
      if (emit_valid && 17'(wrow) >= a_depth)
        $error("bf_ctrl_load: buffer write row %0d beyond the bank depth %0d (stream %0d)", wrow, a_depth,
               run_stream);
    end
  end
`endif
`endif

  assign ready_o = !walk_q;
  assign busy_o   = walk_q || !meta_empty || fill_q != '0;
  assign landed_o = run_pop && run_last;
  assign err_o    = err_q;
endmodule
