// bf_ctrl_issue: the tile commands of the steps (docs/isa.md, "Running a
// block", step 3): the buffer-address check of a step's commands, a queue
// of checked steps, and the issue engine that turns each queued step into
// one command per (group g, activation plane sa, weight plane sw) for the
// array. The queue decouples the sequencer from the array: the sequencer
// enqueues a step in one cycle and goes on with the next step's loads
// while the array still runs the commands of earlier steps.
//
// Check (check_i while the sequencer is in its check state, go_i when it
// may proceed): 8 cycles; a failing check waits in its last cycle until no
// load is landing (ld_busy_i low), so that a load's own error, which the
// sequencer reports first, is never hidden by the check's. Cycle ck = 0..5 adds (count_ck - 1) * stride_ck
// of each buffer to its largest address, cycle 6 the group stride, cycle
// 7 compares base + largest address (+ the plane stride of a 16-bit
// operand) with the half: check_ok_o or check_err_o (status 3) in that
// cycle. The count and the three strides of a cycle are selected one
// cycle ahead into registers, so a check cycle is one 16x16 multiply and
// an add. Only the outer (non-reduction) levels and the group move the
// OBUF address.
// Queue (enq_i while enq_ready_o): the step's counts, groups, halves, first
// flag and load need (StepQueue entries). A step is queued while its loads
// may still land: need_i is the sequencer's count of loads dispatched so
// far, landed_i its count of loads landed (8-bit, wrapping; at most a few
// loads are ever outstanding), and the head step's commands wait until
// landed_i has reached its need (or abort_i: queued steps drain after an
// error). The head step's commands also wait until the store unit has
// finished sneed_i stores (sdone_i, wrapping like the load counts): with a
// whole OBUF (setup whole=o) the count the sequencer had handed over when
// it queued the step, so an output tile never writes the OBUF before the
// previous tile's store has read it; with OBUF halves one fewer, so an
// output tile never writes the half before the store two tiles back (the
// last one to read that half) has finished. The engine takes the head step and
// keeps cmd_valid_o with the command for (g, sa, sw); on cmd_ready_i the
// next one (sw fastest, then sa, then g); after the step's last command
// the next queued step follows in the next cycle. The block registers the
// commands read (precisions, strides, bases, n_red) do not change while a
// block runs.
//
//   command: precisions (16-bit operands run as 8-bit planes), signs (the
//   low plane of a 16-bit operand is unsigned), psum shift sa + sw (x 8),
//   accumulate = !(first_i && sa == 0 && sw == 0), bases = half offset +
//   base (the IBUF's plus the step's tile-loop offset itile_i, queued
//   with the step) + plane * plane stride + g * group stride, the six levels'
//   counts and strides, n_red.
//
// Parameters:
//   IbufDepth, WbufDepth, ObufDepth  bank depths in 32-bit words (halves
//                                    are half of it)
//   StepQueue  queued steps (power of two >= 2)
// Latency: check 8 cycles after go_i rises (held); a step queued in cycle
//   t has its first command valid in t+1 (engine idle), or in the cycle
//   landed_i reaches its need (and sdone_i its store need);
//   one command per cycle the array accepts.
module bf_ctrl_issue `BF_IMPORT #(
  parameter int IbufDepth = 128,
  parameter int WbufDepth = 64,
  parameter int ObufDepth = 128,
  parameter int StepQueue = 2
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  // Sequencer.
  input  logic                                  check_i,    // in the check state
  input  logic                                  go_i,       // check may advance this cycle
  input  logic                                  ld_busy_i,  // a load is landing (a failing check waits)
  output logic                                  check_ok_o,
  output logic                                  check_err_o,
  input  logic                                  enq_i,      // queue the checked step
  output logic                                  enq_ready_o,
  // The step.
  input  `BF_T(setup_t)                         setup_i,
  input  logic [bf_pkg::EngLoops*17-1:0]        eng_count_i,  // e0..e5 at [17l +: 17]
  input  logic [16:0]                           groups_i,
  input  logic [2:0]                            n_red_i,
  input  logic [3*bf_pkg::EngLoops*16-1:0]      rd_eng_i,     // buffer b, level l at [16(6b+l) +: 16]
  input  logic [3*16-1:0]                       rd_grp_i,
  input  logic [3*16-1:0]                       rd_plane_i,
  input  logic [3*16-1:0]                       rd_base_i,
  input  logic [31:0]                           itile_i,      // IBUF tile-loop offset of the step
  input  logic                                  hi_i,         // halves: IBUF, WBUF, OBUF
  input  logic                                  hw_i,
  input  logic                                  ho_i,
  input  logic                                  first_i,      // first step of the output tile
  input  logic [7:0]                            need_i,       // loads dispatched up to this step
  input  logic [7:0]                            landed_i,     // loads landed so far
  input  logic [7:0]                            sneed_i,      // stores that must have finished first
  input  logic [7:0]                            sdone_i,      // stores finished so far
  input  logic                                  abort_i,      // drain: commands no longer wait for loads
  // Tile command.
  output logic                                  cmd_valid_o,
  input  logic                                  cmd_ready_i,
  output `BF_T(tile_cmd_t)                      cmd_o
);
  localparam int IH = IbufDepth / 2, WH = WbufDepth / 2, OH = ObufDepth / 2;
  localparam int NE = bf_pkg::EngLoops;

  initial begin
    if (IbufDepth * 4 > 65536 || WbufDepth * 4 > 65536 || ObufDepth > 65536)
      $fatal(1, "bf_ctrl_issue: banks too deep for 16-bit operand addresses");
  end

  // Local copies (variable indices below).
  logic [NE*17-1:0]    eng_count;
  logic [3*NE*16-1:0]  rd_eng;
  logic [15:0]         grp_i, grp_o, grp_w, plane_i, plane_w, base_i, base_o, base_w;
  logic [1:0]          acode, wcode, pa_eff, pw_eff;
  logic                asg, wsg;
  assign eng_count = eng_count_i;
  assign rd_eng    = rd_eng_i;
  assign grp_i     = rd_grp_i[15:0];
  assign grp_o     = rd_grp_i[31:16];
  assign grp_w     = rd_grp_i[47:32];
  assign plane_i   = rd_plane_i[15:0];
  assign plane_w   = rd_plane_i[47:32];
  assign base_i    = rd_base_i[15:0];
  assign base_o    = rd_base_i[31:16];
  assign base_w    = rd_base_i[47:32];
  assign acode     = setup_i.act_prec;
  assign wcode     = setup_i.wgt_prec;
  assign asg       = setup_i.act_signed;
  assign wsg       = setup_i.wgt_signed;
  // Spatial precisions of the commands (16-bit runs as 8-bit planes).
  assign pa_eff = (acode == bf_pkg::Prec16) ? bf_pkg::Prec8 : acode;
  assign pw_eff = (wcode == bf_pkg::Prec16) ? bf_pkg::Prec8 : wcode;


  // ------------------------------------------------------------ check
  logic [2:0]  ck_q, ck_d, ck_nx, ckl;
  logic [35:0] exti_q, exti_d, extw_q, extw_d, exto_q, exto_d;
  logic [15:0] cm1, cm1_q, si, so, sw, csi_q, cso_q, csw_q;
  logic [31:0] pi, pw, po;
  logic [35:0] maxi, maxw, maxo, ilim, wlim, olim;
  logic        at_end, out_of_range, hold_end;

  // Operands of the next check cycle (ck_nx), selected one cycle ahead.
  assign ck_nx = (check_i && go_i) ? ck_q + 3'd1 : check_i ? ck_q : 3'd0;
  assign ckl   = (ck_nx < 3'd6) ? ck_nx : 3'd0;
  assign cm1   = (ck_nx < 3'd6) ? 16'(eng_count[17*ckl +: 17] - 17'd1) : 16'(groups_i - 17'd1);
  assign si    = (ck_nx < 3'd6) ? rd_eng[16*(0*NE + 32'(ckl)) +: 16] : grp_i;
  assign so    = (ck_nx < 3'd6) ? rd_eng[16*(1*NE + 32'(ckl)) +: 16] : grp_o;
  assign sw    = (ck_nx < 3'd6) ? rd_eng[16*(2*NE + 32'(ckl)) +: 16] : grp_w;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cm1_q <= '0; csi_q <= '0; cso_q <= '0; csw_q <= '0;
    end else begin
      cm1_q <= cm1; csi_q <= si; cso_q <= so; csw_q <= sw;
    end
  end
  assign pi = 32'(cm1_q) * 32'(csi_q);
  assign po = 32'(cm1_q) * 32'(cso_q);
  assign pw = 32'(cm1_q) * 32'(csw_q);

  assign maxi = exti_q + 36'(base_i) + (acode == bf_pkg::Prec16 ? 36'(plane_i) : 36'd0);
  assign maxw = extw_q + 36'(base_w) + (wcode == bf_pkg::Prec16 ? 36'(plane_w) : 36'd0);
  assign maxo = exto_q + 36'(base_o);
  // Operand words per IBUF half (W/2 per 32-bit word), or per buffer for a
  // whole-buffer stream; likewise the WBUF.
  assign ilim = (36'(IH) << pw_eff) << (setup_i.ibuf_whole ? 1 : 0);
  assign wlim = (36'(WH) << pa_eff) << (setup_i.wbuf_whole ? 1 : 0);
  assign olim = 36'(OH) << (setup_i.obuf_whole ? 1 : 0);
  assign out_of_range = maxi >= ilim || maxw >= wlim || maxo >= olim;
  assign hold_end     = ck_q == 3'd7 && out_of_range && ld_busy_i;
  assign at_end       = check_i && go_i && ck_q == 3'd7 && !hold_end;
  assign check_ok_o   = at_end && !out_of_range;
  assign check_err_o  = at_end && out_of_range;

  always_comb begin
    ck_d = ck_q; exti_d = exti_q; extw_d = extw_q; exto_d = exto_q;
    if (!check_i) begin
      // The IBUF extent starts from the step's tile-loop offset (stable from
      // the step's first cycle on), so the compare below adds no operand.
      ck_d = '0; exti_d = 36'(itile_i); extw_d = '0; exto_d = '0;
    end else if (go_i && !hold_end) begin
      ck_d = ck_q + 3'd1;
      if (ck_q <= 3'd6) begin
        exti_d = exti_q + 36'(pi);
        extw_d = extw_q + 36'(pw);
        // The OBUF address moves with the outer levels and the group only.
        if (ck_q == 3'd6 || 32'(ck_q) < 6 - 32'(n_red_i)) exto_d = exto_q + 36'(po);
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ck_q <= '0; exti_q <= '0; extw_q <= '0; exto_q <= '0;
    end else begin
      ck_q <= ck_d; exti_q <= exti_d; extw_q <= extw_d; exto_q <= exto_d;
    end
  end

  // ------------------------------------------------------------ step queue
  // Entry: e0..e5 counts (16 bits: the array's count field), groups, the
  // step's IBUF base (ENG[ibuf].base + the tile-loop offset, below the
  // half's size once checked), the three halves, first, the load and
  // store needs.
  localparam int QW = NE * 16 + 17 + 16 + 4 + 8 + 8;
  logic [QW-1:0] q_in, q_head;
  logic          q_full, q_empty, q_pop;
  logic [$clog2(StepQueue):0] q_used;
  logic [NE*16-1:0] step_count;
  for (genvar l = 0; l < NE; l++) begin : g_qcount
    assign step_count[16*l +: 16] = eng_count[17*l +: 16];
  end
  assign q_in        = {step_count, groups_i, base_i + itile_i[15:0], hi_i, hw_i, ho_i, first_i, need_i, sneed_i};
  assign enq_ready_o = !q_full;
  bf_fifo #(.Depth (StepQueue), .Width (QW)) u_steps (
    .clk_i, .rst_ni, .flush_i (1'b0),
    .push_i (enq_i && !q_full), .data_i (q_in), .full_o (q_full),
    .pop_i (q_pop), .data_o (q_head), .empty_o (q_empty), .usage_o (q_used)
  );
  logic [NE*16-1:0] count;
  logic [16:0]      groups;
  logic [15:0]      ibase;
  logic             hi, hw, ho, first;
  logic [7:0]       need, sneed;
  logic             landed, stored;
  assign {count, groups, ibase, hi, hw, ho, first, need, sneed} = q_head;
  // A wrapping 8-bit count `done` has reached `need`: need - done is 0, or
  // negative (later ones finished too; at most a few are ever in flight).
  function automatic logic reached(input logic [7:0] need_c, input logic [7:0] done_c);
    logic [7:0] d;
    d = need_c - done_c;
    reached = d == 8'd0 || d[7];
  endfunction
  // The head step's loads have landed; likewise the stores it waits for.
  assign landed = reached(need, landed_i);
  assign stored = reached(sneed, sdone_i);

  // ------------------------------------------------------------ engine
`ifdef BF_MUTANT_CTRL
  // Test hook (tests/ctrl/test_ctrl_mutant.cpp; never in a real build):
  // +bf_mutant=5 makes every command read IBUF half 1, 8 lets commands
  // run before their step's loads have landed, 9 (with bf_ctrl_seq's) lets
  // a whole-OBUF output tile start before the previous tile's store.
  int mutant;
  initial if (!$value$plusargs("bf_mutant=%d", mutant)) mutant = 0;
`endif
  // Iterates the head step's commands; pops it with its last command.
  logic [16:0] g_q, g_d;
  logic        sa_q, sa_d, sw_q, sw_d;
  logic [15:0] gofsi_q, gofsi_d, gofsw_q, gofsw_d, gofso_q, gofso_d;
  logic        last_sw, last_sa, last_g, last_cmd, fire;
  assign last_sw  = sw_q || wcode != bf_pkg::Prec16;
  assign last_sa  = sa_q || acode != bf_pkg::Prec16;
  assign last_g   = g_q + 17'd1 == groups;
  assign last_cmd = last_sw && last_sa && last_g;
  assign fire     = cmd_valid_o && cmd_ready_i;
  assign q_pop    = fire && last_cmd;

  always_comb begin
    g_d = g_q; sa_d = sa_q; sw_d = sw_q; gofsi_d = gofsi_q; gofsw_d = gofsw_q; gofso_d = gofso_q;
    if (q_pop) begin
      g_d = '0; sa_d = 1'b0; sw_d = 1'b0; gofsi_d = '0; gofsw_d = '0; gofso_d = '0;
    end else if (fire) begin
      if (!last_sw) begin
        sw_d = 1'b1;
      end else begin
        sw_d = 1'b0;
        if (!last_sa) begin
          sa_d = 1'b1;
        end else begin
          sa_d    = 1'b0;
          g_d     = g_q + 17'd1;
          gofsi_d = gofsi_q + grp_i;
          gofso_d = gofso_q + grp_o;
          gofsw_d = gofsw_q + grp_w;
        end
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      g_q <= '0; sa_q <= 1'b0; sw_q <= 1'b0; gofsi_q <= '0; gofsw_q <= '0; gofso_q <= '0;
    end else begin
      g_q <= g_d; sa_q <= sa_d; sw_q <= sw_d; gofsi_q <= gofsi_d; gofsw_q <= gofsw_d; gofso_q <= gofso_d;
    end
  end

  // ------------------------------------------------------------ command
  logic [NE*16-1:0] istr, ostr, wstr;
  for (genvar l = 0; l < NE; l++) begin : g_lvl
    assign istr[16*l +: 16] = rd_eng[16*(0*NE + l) +: 16];
    assign ostr[16*l +: 16] = rd_eng[16*(1*NE + l) +: 16];
    assign wstr[16*l +: 16] = rd_eng[16*(2*NE + l) +: 16];
  end
`ifdef BF_MUTANT_CTRL
  // +bf_mutant=8: commands do not wait for their step's loads.
  assign cmd_valid_o      = !q_empty && (((landed || mutant == 8) && (stored || mutant == 9)) || abort_i);
`else
  // Queued steps were checked: they run even after an error.
  assign cmd_valid_o      = !q_empty && ((landed && stored) || abort_i);
`endif
  assign cmd_o.prec_a     = pa_eff;
  assign cmd_o.prec_w     = pw_eff;
  assign cmd_o.a_signed   = asg && (acode != bf_pkg::Prec16 || sa_q);
  assign cmd_o.w_signed   = wsg && (wcode != bf_pkg::Prec16 || sw_q);
  assign cmd_o.psum_shift = 2'(sa_q) + 2'(sw_q);
  assign cmd_o.obuf_acc   = !(first && !sa_q && !sw_q);
  assign cmd_o.n_red      = n_red_i;
`ifdef BF_MUTANT_CTRL
  assign cmd_o.ibuf_base  = (hi || mutant == 5 ? 16'(IH << pw_eff) : 16'd0) + ibase + (sa_q ? plane_i : 16'd0)
                          + gofsi_q;
`else
  assign cmd_o.ibuf_base  = (hi ? 16'(IH << pw_eff) : 16'd0) + ibase + (sa_q ? plane_i : 16'd0) + gofsi_q;
`endif
  assign cmd_o.wbuf_base  = (hw ? 16'(WH << pa_eff) : 16'd0) + base_w + (sw_q ? plane_w : 16'd0) + gofsw_q;
  assign cmd_o.obuf_base  = (ho ? 16'(OH) : 16'd0) + base_o + gofso_q;
  assign cmd_o.count       = count;
  assign cmd_o.ibuf_stride = istr;
  assign cmd_o.obuf_stride = ostr;
  assign cmd_o.wbuf_stride = wstr;
`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // Assertions (docs/verification-rtl.md): every tile command the array
  // takes reads, in each buffer, only the half of its step (the whole
  // buffer for a whole-buffer stream): base >= the half's offset and base +
  // sum over the levels of (count - 1) * stride (the OBUF: the outer,
  // non-reduction levels only) below the half's end. Recomputed here in
  // one cycle, independently of the 8-cycle check above. With a whole OBUF
  // no command is taken before the stores handed over ahead of its step
  // have finished (the store reads the rows the command overwrites).
  logic [35:0] a_ext [3];
  logic [35:0] a_lo [3];
  logic [35:0] a_hi [3];
  logic [35:0] a_base [3];
  always @* begin  // (not always_comb: Icarus 11 cannot sensitise its constant selects)
    a_ext[0] = bf_pkg::cmd_extent(count, istr, NE);
    a_ext[1] = bf_pkg::cmd_extent(count, ostr, NE - 32'(n_red_i));
    a_ext[2] = bf_pkg::cmd_extent(count, wstr, NE);
    a_lo[0]   = hi ? 36'(IH) << pw_eff : 36'd0;
    a_lo[1]   = ho ? 36'(OH) : 36'd0;
    a_lo[2]   = hw ? 36'(WH) << pa_eff : 36'd0;
    a_hi[0]   = a_lo[0] + ilim;
    a_hi[1]   = a_lo[1] + olim;
    a_hi[2]   = a_lo[2] + wlim;
    a_base[0] = 36'(cmd_o.ibuf_base);
    a_base[1] = 36'(cmd_o.obuf_base);
    a_base[2] = 36'(cmd_o.wbuf_base);
  end
  logic a_on_q;  // out of reset (the checks' enable; rst_ni is only an asynchronous reset)
  always @(posedge clk_i or negedge rst_ni) a_on_q <= !rst_ni ? 1'b0 : 1'b1;
  always @(posedge clk_i) begin
    if (a_on_q && fire && !abort_i && !reached(sneed, sdone_i))
      $error("bf_ctrl_issue: tile command before the store of its OBUF rows' previous output tile finished");
    if (a_on_q && fire) begin
      for (int b = 0; b < 3; b++)
        if (a_base[b] < a_lo[b] || a_base[b] + a_ext[b] >= a_hi[b])
          // buffer b: 0 IBUF, 1 OBUF, 2 WBUF
          $error("bf_ctrl_issue: tile command reads buffer %0d at [%0d, %0d], outside its half [%0d, %0d)",
                 b, a_base[b], a_base[b] + a_ext[b], a_lo[b], a_hi[b]);
    end
  end
`endif
`endif

  logic unused;
  assign unused = ^{q_used, rd_plane_i[31:16], setup_i.requant, setup_i.out_prec, setup_i.relu, setup_i.bias,
                    setup_i.shift};
endmodule
