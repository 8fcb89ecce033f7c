// bf_ctrl_seq: the controller's sequencer: instruction decode, the block
// registers, the tile-loop stack and address generators, and the step
// engine that hands loads to bf_ctrl_load, tile commands to the array and
// stores to bf_ctrl_store (docs/isa.md, "Controller model";
// docs/controller.md).
//
// Fetch phase: one instruction per cycle from bf_ctrl_fetch, checked by
// bf_ctrl_decode; configuration instructions write the block registers
// (setup resets them); `block-end` runs the block.
// Block phase, per step (every index combination of tile loops t0..t7):
//   1. output tile start: the OBUF half flips;
//   2. loads ibuf, wbuf, bias that fire at this step, one after the other,
//      each dispatched as soon as the load unit is free and (IBUF/WBUF) no
//      tile command in flight still reads the half it overwrites;
//   3. compute: once this step's loads are in the buffers, the step's
//      largest buffer addresses are checked (7 cycles, three multipliers),
//      then one tile command per (group, act plane, weight plane);
//   4. store: handed to the store unit (which waits for the step's tile
//      commands itself) as soon as the previous store is finished.
// The sequencer does not wait for the array between steps: step n+1's
// loads overlap step n's tile commands, and a store overlaps the next
// output tile. Hazards are tracked by tile-command sequence numbers: the
// commands issued and done (done_o of the array, in order) are counted, and
// for each IBUF / WBUF half the count at its last use is kept; a half is
// free when the done count has reached it. The OBUF half an output tile
// computes into was last read by the store two tiles back, which finished
// before the previous store could start.
// block-end waits for every unit to be idle; errors abort the units, wait
// for them to drain, and halt with the status code.
//
// Parameters:
//   Rows, Cols  array size
//   IbufDepth, WbufDepth, ObufDepth  bank depths in 32-bit words
// Latency: 1 cycle per configuration instruction (plus fetch misses);
//   per step 1 cycle + 1 per load dispatch + 8 for the compute check + 1
//   per tile command (overlapped with the array) + 1 for a store dispatch.
module bf_ctrl_seq #(
  parameter int Rows      = 2,
  parameter int Cols      = 2,
  parameter int IbufDepth = 128,
  parameter int WbufDepth = 64,
  parameter int ObufDepth = 128
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,
  output logic                 busy_o,
  output logic                 done_o,
  output logic [2:0]           status_o,
  output logic [31:0]          err_pc_o,
  output logic [63:0]          cycles_o,
  output logic [31:0]          tiles_o,
  output logic [3:0]           state_o,
  // Instruction fetch.
  output logic                 f_req_o,
  output logic                 f_take_o,
  input  logic                 f_valid_i,
  input  logic [31:0]          f_instr_i,
  input  logic [31:0]          f_pc_i,
  input  logic                 f_end_i,
  // Load unit.
  output logic                 ld_start_o,
  output logic [1:0]           ld_stream_o,
  output logic                 ld_half_o,
  output logic [31:0]          ld_dram_o,
  output logic [4*32-1:0]      ld_ddim_o,
  output logic [4*17-1:0]      ld_cnt_o,
  output logic [15:0]          ld_row_o,
  output logic [4*16-1:0]      ld_rdim_o,
  output logic [16:0]          ld_run_o,
  input  logic                 ld_busy_i,
  input  logic [2:0]           ld_err_i,
  // Store unit.
  output logic                 st_start_o,
  output logic                 st_half_o,
  output logic [31:0]          st_dram_o,
  output logic [4*32-1:0]      st_ddim_o,
  output logic [31:0]          st_plane_o,
  output logic [4*17-1:0]      st_cnt_o,
  output logic [15:0]          st_pa_o,
  output logic [4*16-1:0]      st_padim_o,
  output logic [15:0]          st_grp_o,
  output logic [15:0]          st_bbase_o,
  output logic [16:0]          st_groups_o,
  output logic [16:0]          st_run_o,
  output logic [31:0]          st_need_o,
  output logic                 st_requant_o,
  output logic [1:0]           st_out_code_o,
  output logic                 st_relu_o,
  output logic                 st_bias_o,
  output logic [4:0]           st_shift_o,
  input  logic                 st_busy_i,
  input  logic [2:0]           st_err_i,
  output logic                 abort_o,
  output logic [31:0]          issued_o,
  output logic [31:0]          tdone_o,
  // Tile commands to bf_array_top.
  output logic                 cmd_valid_o,
  input  logic                 cmd_ready_i,
  output logic [1:0]           cmd_prec_a_o,
  output logic [1:0]           cmd_prec_w_o,
  output logic                 cmd_a_signed_o,
  output logic                 cmd_w_signed_o,
  output logic [1:0]           cmd_shift_o,
  output logic                 cmd_obuf_acc_o,
  output logic [2:0]           cmd_n_red_o,
  output logic [15:0]          cmd_ibuf_base_o,
  output logic [15:0]          cmd_wbuf_base_o,
  output logic [15:0]          cmd_obuf_base_o,
  output logic [6*16-1:0]      cmd_count_o,
  output logic [6*16-1:0]      cmd_ibuf_stride_o,
  output logic [6*16-1:0]      cmd_wbuf_stride_o,
  output logic [6*16-1:0]      cmd_obuf_stride_o,
  input  logic                 tile_done_i
);
  localparam int LnI = $clog2(Rows), LnW = $clog2(Rows * Cols), LnO = $clog2(Cols);
  localparam int IH = IbufDepth / 2, WH = WbufDepth / 2, OH = ObufDepth / 2;
  localparam int NC = 23;  // count registers: e0..e5, grp, dims (7 + 4*stream + d)

  initial begin
    if (Rows < 1 || Cols < 1) $fatal(1, "bf_ctrl_seq: bad array size");
    if (IbufDepth * 4 > 65536 || WbufDepth * 4 > 65536 || ObufDepth > 65536)
      $fatal(1, "bf_ctrl_seq: banks too deep for 16-bit operand addresses");
  end

  typedef enum logic [3:0] {
    SIdle, SFetch, SBStart, SStep, SLoad, SCheck, SIssue, SStore, SAdv, SBEnd, SAbort, SHalt
  } state_e;
  state_e state_q;

  // ------------------------------------------------------------ block registers
  logic [1:0]  acode_q, wcode_q, ocode_q;
  logic        asg_q, wsg_q, requant_q, relu_q, bias_q;
  logic [4:0]  shift_q;
  logic [16:0] tm1_q [8];      // tile loop count - 1 (the loop's imm)
  logic [16:0] cfull_q [NC];
  logic [16:0] cedge_q [NC];
  logic [2:0]  celoop_q [NC];
  logic        chas_q [NC];
  logic [31:0] gbase_q [4];
  logic [31:0] gplane_q [4];
  logic [31:0] gtile_q [32];   // stream*8 + tile loop
  logic [31:0] gdim_q [16];    // stream*4 + dim
  logic [15:0] reng_q [18];    // buffer*6 + level (0 ibuf, 1 obuf, 2 wbuf)
  logic [15:0] rgrp_q [3];
  logic [15:0] rplane_q [3];
  logic [15:0] rbase_q [3];
  logic [15:0] wdim_q [16];    // stream*4 + dim
  logic [15:0] wgrp_q [4];
  logic [15:0] wbase_q [4];
  logic        ldp_q [4];
  logic [4:0]  ldl_q [4];
  logic [16:0] ldr_q [4];
  logic        stp_q, cmp_q, inblk_q, last_q;
  logic [4:0]  stl_q;
  logic [16:0] str_q;
  logic [2:0]  nred_q;

  // ------------------------------------------------------------ tile loops
  logic [16:0] idx_q [8];
  logic [31:0] ta_q [32];      // per stream and level: address of the current iteration
  logic [7:0]  at_last, at_zero;
  for (genvar t = 0; t < 8; t++) begin : g_flags
    assign at_last[t] = idx_q[t] == tm1_q[t];
    assign at_zero[t] = idx_q[t] == 17'd0;
  end

  function automatic logic all_below(input logic [7:0] m, input logic [4:0] v);
    logic r;
    r = 1'b1;
    for (int t = 0; t < 8; t++)
      if ((v == 5'd31 || 32'(t) > 32'(v)) && !m[t]) r = 1'b0;
    all_below = r;
  endfunction

  // Count register k with its edge value applied.
  logic [16:0] cnt [NC];
  for (genvar k = 0; k < NC; k++) begin : g_cnt
    assign cnt[k] = (chas_q[k] && at_last[celoop_q[k]]) ? cedge_q[k] : cfull_q[k];
  end

  logic [4:0] out_level;
  assign out_level = stp_q ? stl_q : 5'd31;

  // ------------------------------------------------------------ decode
  logic [3:0]  op;
  logic [6:0]  spec;
  logic [4:0]  id;
  logic [15:0] imm;
  logic [1:0]  derr;
  logic [1:0]  s;
  logic [16:0] n1;
  bf_ctrl_decode u_dec (
    .instr_i (f_instr_i), .op_o (op), .spec_o (spec), .id_o (id), .imm_o (imm), .err_o (derr)
  );
  assign s  = spec[1:0];
  assign n1 = 17'(imm) + 17'd1;

  // Count register written by `loop` (e0..e5 -> 0..5, grp -> 6, dims -> 7 + 4*stream + d).
  logic [4:0] ck;
  assign ck = (id == 5'd14) ? 5'd6 : (id >= 5'd16) ? 5'(7 + 32'(s) * 4 + 32'(id) - 16) : id - 5'd8;

  // ld-mem run must be a multiple of the target's bank count.
  logic [4:0] ld_lnb;
  assign ld_lnb = (s == 2'd0) ? 5'(LnI) : (s == 2'd2) ? 5'(LnW) : 5'(LnO);
  logic bad_run;
  assign bad_run = (n1 & ((17'd1 << ld_lnb) - 17'd1)) != 17'd0;

  // ------------------------------------------------------------ status
  logic        busy_q, done_q;
  logic [2:0]  status_q;
  logic [31:0] errpc_q;
  logic [63:0] cycles_q;
  logic [31:0] issued_q, tdone_q;
  logic        hi_q, hw_q, ho_q, first_q;
  logic [31:0] needi_q [2];
  logic [31:0] needw_q [2];
  logic [1:0]  lsel_q;
  logic [2:0]  ck_q;
  logic [35:0] exti_q, extw_q, exto_q;
  logic [16:0] g_q;
  logic        sa_q, sw_q;
  logic [15:0] gofsi_q, gofsw_q, gofso_q;

  // Unit errors (load first).
  logic [2:0] unit_err;
  assign unit_err = (ld_err_i != 3'd0) ? ld_err_i : st_err_i;

  // Half h is free once the done count has reached need[h] (the issue
  // count of its last reader). Kept as a flag per half: cleared when a tile
  // command reads the half (need := issued + 1 > done), set in the cycle
  // the done count reaches need. Equal to the wrap-safe test
  // (issued - need) >= (issued - done), without subtractors in front of
  // the load dispatch.
  logic freei_q [2];
  logic freew_q [2];
  logic issue_fire;
  assign issue_fire = state_q == SIssue && unit_err == 3'd0 && cmd_ready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      freei_q[0] <= 1'b1; freei_q[1] <= 1'b1; freew_q[0] <= 1'b1; freew_q[1] <= 1'b1;
    end else begin
      for (int h = 0; h < 2; h++) begin
        if (issue_fire && hi_q == 1'(h)) freei_q[h] <= 1'b0;
        else if (tile_done_i && tdone_q + 32'd1 == needi_q[h]) freei_q[h] <= 1'b1;
        if (issue_fire && hw_q == 1'(h)) freew_q[h] <= 1'b0;
        else if (tile_done_i && tdone_q + 32'd1 == needw_q[h]) freew_q[h] <= 1'b1;
      end
    end
  end

  // Load stream of the current load slot: ibuf, wbuf, bias.
  logic [1:0] ls;
  logic       ld_fire, ld_ok;
  assign ls      = (lsel_q == 2'd0) ? 2'd0 : (lsel_q == 2'd1) ? 2'd2 : 2'd3;
  assign ld_fire = ldp_q[ls] && all_below(at_zero, ldl_q[ls]);
  assign ld_ok   = !ld_busy_i &&
                   (ls == 2'd0 ? freei_q[!hi_q] : ls == 2'd2 ? freew_q[!hw_q] : 1'b1);

  logic st_fire;
  assign st_fire = stp_q && all_below(at_last, stl_q);

  // The load descriptor's DRAM address and strides (divided by the load
  // unit in its start cycle) come from registers: selected one cycle ahead
  // for the next cycle's load slot (the addresses move only in SAdv, the
  // strides only in SFetch).
  logic [1:0]  lsel_nx, ls_nx;
  logic [31:0] ldram_q;
  logic [31:0] lddim_q [4];
  assign lsel_nx = (state_q == SStep) ? 2'd0 :
                   (state_q == SLoad && unit_err == 3'd0 && (!ld_fire || ld_ok) && lsel_q != 2'd2)
                   ? lsel_q + 2'd1 : lsel_q;
  assign ls_nx   = (lsel_nx == 2'd0) ? 2'd0 : (lsel_nx == 2'd1) ? 2'd2 : 2'd3;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ldram_q <= '0;
      for (int d = 0; d < 4; d++) lddim_q[d] <= '0;
    end else begin
      ldram_q <= ta_q[32'(ls_nx) * 8 + 7];
      for (int d = 0; d < 4; d++) lddim_q[d] <= gdim_q[32'(ls_nx) * 4 + d];
    end
  end


  // Spatial precisions of the tile commands (16-bit runs as 8-bit planes).
  logic [1:0] pa_eff, pw_eff;
  assign pa_eff = (acode_q == 2'd3) ? 2'd2 : acode_q;
  assign pw_eff = (wcode_q == 2'd3) ? 2'd2 : wcode_q;

  // Compute check: largest operand address of the step against the half.
  // Check cycle ck adds (count_ck - 1) * stride_ck of each buffer; the
  // count and the three strides are selected one cycle ahead (for ck_nx,
  // the check index of the next cycle) into cm1_q / csi_q / cso_q / csw_q, so
  // a check cycle is only the multiply and the add. The counts cannot
  // change in between: tile indices move in SAdv and counts in SFetch only.
  logic [2:0]  ck_nx, ckl;
  logic [15:0] cm1, cm1_q;
  logic [31:0] pi, pw, po;
  logic [35:0] maxi, maxw, maxo, ilim, wlim, olim;
  logic [15:0] si, so, sw, csi_q, cso_q, csw_q;
  assign ck_nx = (state_q == SCheck && !ld_busy_i) ? ck_q + 3'd1 :
                 (state_q == SCheck) ? ck_q : 3'd0;
  assign ckl  = (ck_nx < 3'd6) ? ck_nx : 3'd0;
  assign cm1  = (ck_nx < 3'd6) ? 16'(cnt[5'(ckl)] - 17'd1) : 16'(cnt[6] - 17'd1);
  assign si   = (ck_nx < 3'd6) ? reng_q[5'(ckl)] : rgrp_q[0];
  assign so   = (ck_nx < 3'd6) ? reng_q[5'(ckl) + 5'd6] : rgrp_q[1];
  assign sw   = (ck_nx < 3'd6) ? reng_q[5'(ckl) + 5'd12] : rgrp_q[2];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cm1_q <= '0; csi_q <= '0; cso_q <= '0; csw_q <= '0;
    end else begin
      cm1_q <= cm1; csi_q <= si; cso_q <= so; csw_q <= sw;
    end
  end
  assign pi   = 32'(cm1_q) * 32'(csi_q);
  assign po   = 32'(cm1_q) * 32'(cso_q);
  assign pw   = 32'(cm1_q) * 32'(csw_q);
  assign maxi = exti_q + 36'(rbase_q[0]) + (acode_q == 2'd3 ? 36'(rplane_q[0]) : 36'd0);
  assign maxw = extw_q + 36'(rbase_q[2]) + (wcode_q == 2'd3 ? 36'(rplane_q[2]) : 36'd0);
  assign maxo = exto_q + 36'(rbase_q[1]);
  assign ilim = 36'(IH) << pw_eff;
  assign wlim = 36'(WH) << pa_eff;
  assign olim = 36'(OH);

  // Tile command iteration: g, sa, sw.
  logic last_sw, last_sa, last_g, last_cmd;
  assign last_sw  = sw_q || wcode_q != 2'd3;
  assign last_sa  = sa_q || acode_q != 2'd3;
  assign last_g   = g_q + 17'd1 == cnt[6];
  assign last_cmd = last_sw && last_sa && last_g;

  // Innermost tile loop that can advance; registered (SAdv uses the value
  // of the SStore cycle before it: the tile indices move only in SAdv).
  logic       t_found, t_found_q;
  logic [2:0] t_adv, t_adv_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      t_found_q <= 1'b0; t_adv_q <= '0;
    end else begin
      t_found_q <= t_found; t_adv_q <= t_adv;
    end
  end
  always_comb begin
    t_found = 1'b0;
    t_adv   = 3'd0;
    for (int t = 7; t >= 0; t--) begin
      if (!t_found && !at_last[t]) begin
        t_found = 1'b1;
        t_adv   = 3'(t);
      end
    end
  end

  // ------------------------------------------------------------ FSM
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      busy_q <= 1'b0; done_q <= 1'b0; status_q <= 3'd0; errpc_q <= '0;
      cycles_q <= '0; issued_q <= '0; tdone_q <= '0;
      hi_q <= 1'b1; hw_q <= 1'b1; ho_q <= 1'b1; first_q <= 1'b0;
      needi_q[0] <= '0; needi_q[1] <= '0; needw_q[0] <= '0; needw_q[1] <= '0;
      lsel_q <= '0; ck_q <= '0; exti_q <= '0; extw_q <= '0; exto_q <= '0;
      g_q <= '0; sa_q <= 1'b0; sw_q <= 1'b0; gofsi_q <= '0; gofsw_q <= '0; gofso_q <= '0;
      acode_q <= 2'd2; wcode_q <= 2'd2; ocode_q <= 2'd2; asg_q <= 1'b0; wsg_q <= 1'b0;
      requant_q <= 1'b0; relu_q <= 1'b0; bias_q <= 1'b0; shift_q <= '0;
      stp_q <= 1'b0; cmp_q <= 1'b0; inblk_q <= 1'b0; last_q <= 1'b0; stl_q <= '0; str_q <= '0; nred_q <= '0;
      for (int t = 0; t < 8; t++) begin tm1_q[t] <= '0; idx_q[t] <= '0; end
      for (int k = 0; k < NC; k++) begin
        cfull_q[k] <= 17'd1; cedge_q[k] <= 17'd1; celoop_q[k] <= '0; chas_q[k] <= 1'b0;
      end
      for (int i = 0; i < 4; i++) begin
        gbase_q[i] <= '0; gplane_q[i] <= '0; wgrp_q[i] <= '0; wbase_q[i] <= '0;
        ldp_q[i] <= 1'b0; ldl_q[i] <= '0; ldr_q[i] <= '0;
      end
      for (int i = 0; i < 32; i++) begin gtile_q[i] <= '0; ta_q[i] <= '0; end
      for (int i = 0; i < 16; i++) begin gdim_q[i] <= '0; wdim_q[i] <= '0; end
      for (int i = 0; i < 18; i++) reng_q[i] <= '0;
      for (int i = 0; i < 3; i++) begin rgrp_q[i] <= '0; rplane_q[i] <= '0; rbase_q[i] <= '0; end
    end else begin
      if (busy_q) cycles_q <= cycles_q + 64'd1;
      if (tile_done_i) tdone_q <= tdone_q + 32'd1;
      unique case (state_q)
        SIdle: begin
          if (start_i) begin
            state_q <= SFetch;
            busy_q <= 1'b1; done_q <= 1'b0; status_q <= 3'd0; errpc_q <= '0; cycles_q <= '0;
            inblk_q <= 1'b0;
          end
        end

        SFetch: begin
          if (f_end_i) begin
            status_q <= 3'd7; errpc_q <= f_pc_i; state_q <= SHalt;
          end else if (f_valid_i) begin
            errpc_q <= f_pc_i;
            if (derr != 2'd0) begin
              status_q <= {1'b0, derr}; state_q <= SHalt;
            end else if ((!inblk_q && op != 4'd0) || (inblk_q && op == 4'd0)) begin
              status_q <= 3'd5; state_q <= SHalt;
            end else begin
              unique case (op)
                4'd0: begin  // setup: latch fields, reset the block
                  inblk_q <= 1'b1;
                  acode_q <= spec[6:5]; asg_q <= spec[4]; wcode_q <= spec[3:2]; wsg_q <= spec[1];
                  requant_q <= imm[15]; ocode_q <= imm[14:13]; relu_q <= imm[12]; bias_q <= imm[11];
                  shift_q <= imm[10:6];
                  for (int t = 0; t < 8; t++) tm1_q[t] <= '0;
                  for (int k = 0; k < NC; k++) begin
                    cfull_q[k] <= 17'd1; cedge_q[k] <= 17'd1; celoop_q[k] <= '0; chas_q[k] <= 1'b0;
                  end
                  for (int i = 0; i < 4; i++) begin
                    gbase_q[i] <= '0; gplane_q[i] <= '0; wgrp_q[i] <= '0; wbase_q[i] <= '0;
                    ldp_q[i] <= 1'b0; ldl_q[i] <= '0; ldr_q[i] <= '0;
                  end
                  for (int i = 0; i < 32; i++) gtile_q[i] <= '0;
                  for (int i = 0; i < 16; i++) begin gdim_q[i] <= '0; wdim_q[i] <= '0; end
                  for (int i = 0; i < 18; i++) reng_q[i] <= '0;
                  for (int i = 0; i < 3; i++) begin rgrp_q[i] <= '0; rplane_q[i] <= '0; rbase_q[i] <= '0; end
                  stp_q <= 1'b0; cmp_q <= 1'b0; nred_q <= '0; stl_q <= '0; str_q <= '0;
                end
                4'd1: begin  // ld-mem
                  if (ldp_q[s]) begin
                    status_q <= 3'd5; state_q <= SHalt;
                  end else if (bad_run) begin
                    status_q <= 3'd6; state_q <= SHalt;
                  end else begin
                    ldp_q[s] <= 1'b1; ldl_q[s] <= id; ldr_q[s] <= n1;
                  end
                end
                4'd2: begin  // st-mem
                  if (stp_q) begin
                    status_q <= 3'd5; state_q <= SHalt;
                  end else begin
                    stp_q <= 1'b1; stl_q <= id; str_q <= n1;
                  end
                end
                4'd3: begin  // rd-buf
                  if (id == 5'd14)      rgrp_q[s] <= imm;
                  else if (id == 5'd15) rplane_q[s] <= imm;
                  else if (id == 5'd31) rbase_q[s] <= imm;
                  else                  reng_q[32'(s) * 6 + 32'(id) - 8] <= imm;
                end
                4'd4: begin  // wr-buf
                  if (id == 5'd14)      wgrp_q[s] <= imm;
                  else if (id == 5'd31) wbase_q[s] <= imm;
                  else                  wdim_q[32'(s) * 4 + 32'(id) - 16] <= imm;
                end
                4'd5, 4'd6: begin  // gen-addr-hi / gen-addr-lo
                  if (id < 5'd8) begin
                    gtile_q[32'(s) * 8 + 32'(id)] <= op == 4'd6 ? {16'd0, imm}
                                                    : {imm, gtile_q[32'(s) * 8 + 32'(id)][15:0]};
                  end else if (id == 5'd15) begin
                    gplane_q[s] <= op == 4'd6 ? {16'd0, imm} : {imm, gplane_q[s][15:0]};
                  end else if (id == 5'd31) begin
                    gbase_q[s] <= op == 4'd6 ? {16'd0, imm} : {imm, gbase_q[s][15:0]};
                  end else begin
                    gdim_q[32'(s) * 4 + 32'(id) - 16] <= op == 4'd6 ? {16'd0, imm}
                                                        : {imm, gdim_q[32'(s) * 4 + 32'(id) - 16][15:0]};
                  end
                end
                4'd7: begin  // loop
                  if (id < 5'd8) begin
                    tm1_q[id[2:0]] <= 17'(imm);
                  end else if (spec[6]) begin
                    cedge_q[ck] <= n1; celoop_q[ck] <= spec[5:3]; chas_q[ck] <= 1'b1;
                  end else begin
                    cfull_q[ck] <= n1;
                  end
                end
                4'd8: begin  // block-end
                  last_q  <= spec[0];
                  state_q <= SBStart;
                end
                4'd9: begin  // compute
                  if (cmp_q) begin
                    status_q <= 3'd5; state_q <= SHalt;
                  end else begin
                    cmp_q <= 1'b1; nred_q <= spec[2:0];
                  end
                end
                default: ;
              endcase
            end
          end
        end

        SBStart: begin
          for (int t = 0; t < 8; t++) idx_q[t] <= '0;
          for (int i = 0; i < 32; i++) ta_q[i] <= gbase_q[i / 8];
          hi_q <= 1'b1; hw_q <= 1'b1; ho_q <= 1'b1;
          state_q <= SStep;
        end

        SStep: begin
          first_q <= all_below(at_zero, out_level);
          if (all_below(at_zero, out_level)) ho_q <= !ho_q;
          lsel_q  <= 2'd0;
          state_q <= SLoad;
        end

        SLoad: begin
          if (unit_err != 3'd0) begin
            status_q <= unit_err; state_q <= SAbort;
          end else if (!ld_fire || ld_ok) begin
            if (ld_fire && ls == 2'd0) hi_q <= !hi_q;
            if (ld_fire && ls == 2'd2) hw_q <= !hw_q;
            if (lsel_q == 2'd2) begin
              state_q <= cmp_q ? SCheck : SStore;
              ck_q <= '0; exti_q <= '0; extw_q <= '0; exto_q <= '0;
            end else begin
              lsel_q <= lsel_q + 2'd1;
            end
          end
        end

        SCheck: begin
          if (unit_err != 3'd0) begin
            status_q <= unit_err; state_q <= SAbort;
          end else if (!ld_busy_i) begin
            ck_q <= ck_q + 3'd1;
            if (ck_q <= 3'd6) begin
              exti_q <= exti_q + 36'(pi);
              extw_q <= extw_q + 36'(pw);
              if (ck_q == 3'd6 || 32'(ck_q) < 6 - 32'(nred_q)) exto_q <= exto_q + 36'(po);
            end else begin
              if (maxi >= ilim || maxw >= wlim || maxo >= olim) begin
                status_q <= 3'd3; state_q <= SAbort;
              end else begin
                state_q <= SIssue;
                g_q <= '0; sa_q <= 1'b0; sw_q <= 1'b0; gofsi_q <= '0; gofsw_q <= '0; gofso_q <= '0;
              end
            end
          end
        end

        SIssue: begin
          if (unit_err != 3'd0) begin
            status_q <= unit_err; state_q <= SAbort;
          end else if (cmd_ready_i) begin
            issued_q <= issued_q + 32'd1;
            needi_q[hi_q] <= issued_q + 32'd1;
            needw_q[hw_q] <= issued_q + 32'd1;
            if (!last_sw) begin
              sw_q <= 1'b1;
            end else begin
              sw_q <= 1'b0;
              if (!last_sa) begin
                sa_q <= 1'b1;
              end else begin
                sa_q <= 1'b0;
                g_q <= g_q + 17'd1;
                gofsi_q <= gofsi_q + rgrp_q[0];
                gofso_q <= gofso_q + rgrp_q[1];
                gofsw_q <= gofsw_q + rgrp_q[2];
              end
            end
            if (last_cmd) state_q <= SStore;
          end
        end

        SStore: begin
          if (unit_err != 3'd0) begin
            status_q <= unit_err; state_q <= SAbort;
          end else if (!st_fire || !st_busy_i) begin
            state_q <= SAdv;
          end
        end

        SAdv: begin
          if (!t_found_q) begin
            state_q <= SBEnd;
          end else begin
            for (int t = 0; t < 8; t++) begin
              if (t == 32'(t_adv_q)) idx_q[t] <= idx_q[t] + 17'd1;
              else if (t > 32'(t_adv_q)) idx_q[t] <= '0;
            end
            for (int i = 0; i < 32; i++) begin
              if (i % 8 >= 32'(t_adv_q))
                ta_q[i] <= ta_q[(i / 8) * 8 + 32'(t_adv_q)] + gtile_q[(i / 8) * 8 + 32'(t_adv_q)];
            end
            state_q <= SStep;
          end
        end

        SBEnd: begin
          if (unit_err != 3'd0) begin
            status_q <= unit_err; state_q <= SAbort;
          end else if (!ld_busy_i && !st_busy_i && issued_q == tdone_q) begin
            inblk_q <= 1'b0;
            state_q <= last_q ? SHalt : SFetch;
          end
        end

        SAbort: begin
          if (!ld_busy_i && !st_busy_i && issued_q == tdone_q) state_q <= SHalt;
        end

        SHalt: begin
          busy_q  <= 1'b0;
          done_q  <= 1'b1;
          state_q <= SIdle;
        end

        default: state_q <= SIdle;
      endcase
    end
  end

  // ------------------------------------------------------------ outputs
  assign busy_o   = busy_q;
  assign done_o   = done_q;
  assign status_o = status_q;
  assign err_pc_o = errpc_q;
  assign cycles_o = cycles_q;
  assign tiles_o  = issued_q;
  assign state_o  = state_q;
  assign abort_o  = state_q == SAbort;
  assign issued_o = issued_q;
  assign tdone_o  = tdone_q;
  assign f_req_o  = state_q == SFetch;
  assign f_take_o = state_q == SFetch && f_valid_i && !f_end_i && derr == 2'd0 &&
                    !((!inblk_q && op != 4'd0) || (inblk_q && op == 4'd0));

  // Load descriptor (the unit latches it on ld_start_o).
  assign ld_start_o  = state_q == SLoad && unit_err == 3'd0 && ld_fire && ld_ok;
  assign ld_stream_o = ls;
  assign ld_half_o   = ls == 2'd0 ? !hi_q : ls == 2'd2 ? !hw_q : ho_q;
  assign ld_dram_o   = ldram_q;
  assign ld_row_o    = wbase_q[ls];
  assign ld_run_o    = ldr_q[ls];
  for (genvar d = 0; d < 4; d++) begin : g_ld
    assign ld_ddim_o[32*d +: 32] = lddim_q[d];
    assign ld_rdim_o[16*d +: 16] = wdim_q[ls * 4 + d];
    assign ld_cnt_o[17*d +: 17]  = cnt[7 + ls * 4 + d];
    assign st_ddim_o[32*d +: 32] = gdim_q[4 + d];
    assign st_padim_o[16*d +: 16] = wdim_q[4 + d];
    assign st_cnt_o[17*d +: 17]  = cnt[11 + d];
  end

  // Store descriptor.
  assign st_start_o    = state_q == SStore && unit_err == 3'd0 && st_fire && !st_busy_i;
  assign st_half_o     = ho_q;
  assign st_dram_o     = ta_q[8 + 7];
  assign st_plane_o    = gplane_q[1];
  assign st_pa_o       = wbase_q[1];
  assign st_grp_o      = wgrp_q[1];
  assign st_bbase_o    = wbase_q[3];
  assign st_groups_o   = cnt[6];
  assign st_run_o      = str_q;
  assign st_need_o     = issued_q;
  assign st_requant_o  = requant_q;
  assign st_out_code_o = ocode_q;
  assign st_relu_o     = relu_q;
  assign st_bias_o     = bias_q;
  assign st_shift_o    = shift_q;

  // Tile command.
  assign cmd_valid_o    = state_q == SIssue && unit_err == 3'd0;
  assign cmd_prec_a_o   = pa_eff;
  assign cmd_prec_w_o   = pw_eff;
  assign cmd_a_signed_o = asg_q && (acode_q != 2'd3 || sa_q);
  assign cmd_w_signed_o = wsg_q && (wcode_q != 2'd3 || sw_q);
  assign cmd_shift_o    = 2'(sa_q) + 2'(sw_q);
  assign cmd_obuf_acc_o = !(first_q && !sa_q && !sw_q);
  assign cmd_n_red_o    = nred_q;
  assign cmd_ibuf_base_o = (hi_q ? 16'(IH << pw_eff) : 16'd0) + rbase_q[0] +
                           (sa_q ? rplane_q[0] : 16'd0) + gofsi_q;
  assign cmd_wbuf_base_o = (hw_q ? 16'(WH << pa_eff) : 16'd0) + rbase_q[2] +
                           (sw_q ? rplane_q[2] : 16'd0) + gofsw_q;
  assign cmd_obuf_base_o = (ho_q ? 16'(OH) : 16'd0) + rbase_q[1] + gofso_q;
  for (genvar l = 0; l < 6; l++) begin : g_cmd
    assign cmd_count_o[16*l +: 16]       = cnt[l][15:0];
    assign cmd_ibuf_stride_o[16*l +: 16] = reng_q[l];
    assign cmd_obuf_stride_o[16*l +: 16] = reng_q[6 + l];
    assign cmd_wbuf_stride_o[16*l +: 16] = reng_q[12 + l];
  end
endmodule
