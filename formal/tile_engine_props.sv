// tile_engine_props: formal properties of rtl/array/bf_tile_engine.sv.
//
// Small parameters (Loops 3, AddrBits 4 as run by formal/run.sh, CountBits 2: every tile has at
// most 27 steps), so a bounded check from reset covers whole tiles and
// tiles back to back. A shadow model runs beside the engine: on every
// accepted command it latches the command and walks its own loop nest as
// an odometer (level Loops-1 innermost: it counts up; a level at its last
// index restarts at 0 and carries into the next outer level; the tile ends
// when every level is at its last index). Checked every cycle:
//   * step_valid_o exactly while a tile is active (the model's busy flag);
//   * exactly prod(count) steps per accepted command: counting step_valid_o
//     cycles since the handshake, step_tile_last_o comes with step number
//     prod(count) - 1 and never earlier, and the count never exceeds it;
//   * cmd_ready_o == idle or on the last step of a tile;
//   * the three addresses == base + sum_l idx[l] * stride[l] (modulo
//     2^AddrBits), with idx the model's odometer (closed form, no
//     incremental update);
//   * step_red_first_o / step_red_last_o == every reduction level (the
//     innermost n_red) at index 0 / at its last index; step_tile_last_o ==
//     every level at its last index;
//   * the mode outputs (precisions, signs, shift, OBUF mode) are the
//     accepted command's for the whole tile;
//   * while idle (and not just reset or accepting), no step output changes.
// Assumed (legal commands, as the RTL's header requires): every count >= 1
// and n_red <= Loops on an accepted command; the run starts in reset.
//
// Helpers: peek_* are the engine's state registers (active flag, n_red,
// per-level count, strides, index and addresses; Yosys 0.23 has no
// hierarchical references: formal/run.sh connects these undriven wires to
// the flattened engine's registers). Once a command has been accepted,
// they must equal the model's, and each level's addresses the closed form
// over the levels up to it. These are extra claims about
// internal state; they are there because the BMC adds every proven
// assertion as a fact for the later steps, which keeps the solver's
// arithmetic local to one step instead of a chain of 20 additions. A
// missing connection leaves a peek wire free, which fails, never passes.
module tile_engine_props #(
  parameter int Loops     = 3,
  parameter int AddrBits  = 8,
  parameter int CountBits = 2,
  localparam int RedBits  = $clog2(Loops + 1)
) (
  input logic                       clk_i,
  input logic                       rst_ni,
  input logic                       cmd_valid_i,
  input logic [1:0]                 cmd_prec_a_i,
  input logic [1:0]                 cmd_prec_w_i,
  input logic                       cmd_a_signed_i,
  input logic                       cmd_w_signed_i,
  input logic [1:0]                 cmd_shift_i,
  input logic                       cmd_obuf_acc_i,
  input logic [RedBits-1:0]         cmd_n_red_i,
  input logic [AddrBits-1:0]        cmd_ibuf_base_i,
  input logic [AddrBits-1:0]        cmd_wbuf_base_i,
  input logic [AddrBits-1:0]        cmd_obuf_base_i,
  input logic [Loops*CountBits-1:0] cmd_count_i,
  input logic [Loops*AddrBits-1:0]  cmd_ibuf_stride_i,
  input logic [Loops*AddrBits-1:0]  cmd_wbuf_stride_i,
  input logic [Loops*AddrBits-1:0]  cmd_obuf_stride_i
);
  localparam int StepBits = Loops * CountBits + 1;  // holds prod(count)

  logic                cmd_ready;
  logic                step_valid, red_first, red_last, tile_last;
  logic [AddrBits-1:0] ia, wa, oa;
  logic [1:0]          prec_a, prec_w, shift;
  logic                a_signed, w_signed, obuf_acc;

  bf_tile_engine #(.Loops(Loops), .AddrBits(AddrBits), .CountBits(CountBits)) u_dut (
    .clk_i, .rst_ni,
    .cmd_valid_i, .cmd_ready_o (cmd_ready),
    .cmd_prec_a_i, .cmd_prec_w_i, .cmd_a_signed_i, .cmd_w_signed_i,
    .cmd_shift_i, .cmd_obuf_acc_i, .cmd_n_red_i,
    .cmd_ibuf_base_i, .cmd_wbuf_base_i, .cmd_obuf_base_i,
    .cmd_count_i, .cmd_ibuf_stride_i, .cmd_wbuf_stride_i, .cmd_obuf_stride_i,
    .step_valid_o (step_valid),
    .step_ibuf_addr_o (ia), .step_wbuf_addr_o (wa), .step_obuf_addr_o (oa),
    .step_red_first_o (red_first), .step_red_last_o (red_last),
    .step_tile_last_o (tile_last),
    .step_prec_a_o (prec_a), .step_prec_w_o (prec_w),
    .step_a_signed_o (a_signed), .step_w_signed_o (w_signed),
    .step_shift_o (shift), .step_obuf_acc_o (obuf_acc)
  );

  logic accept;
  assign accept = cmd_valid_i && cmd_ready;

  // ---- Environment ----
  logic init_q = 1'b1;
  always_ff @(posedge clk_i) init_q <= 1'b0;
  always_comb begin
    if (init_q) assume (!rst_ni);
    if (accept) begin
      for (int l = 0; l < Loops; l++) assume (cmd_count_i[l*CountBits +: CountBits] != '0);
      assume (32'(cmd_n_red_i) <= Loops);
    end
  end

  // ---- Shadow model ----
  logic                 busy_q;
  logic [CountBits-1:0] cnt_q [Loops];
  logic [CountBits-1:0] idx_q [Loops];
  logic [AddrBits-1:0]  ib_q, wb_q, ob_q;
  logic [AddrBits-1:0]  is_q [Loops], ws_q [Loops], os_q [Loops];
  logic [RedBits-1:0]   nred_q;
  logic [1:0]           pa_q, pw_q, sh_q;
  logic                 as_q, wsg_q, acc_q;
  logic [StepBits-1:0]  steps_q;      // step_valid_o cycles since the handshake

  logic [Loops-1:0] lvl_last, lvl_first, lvl_red;
  logic             all_last;
  for (genvar l = 0; l < Loops; l++) begin : g_lvl
    assign lvl_last[l]  = idx_q[l] == cnt_q[l] - CountBits'(1);
    assign lvl_first[l] = idx_q[l] == '0;
    assign lvl_red[l]   = l >= Loops - 32'(nred_q);
  end
  assign all_last = &lvl_last;

  // Odometer step: increment the innermost level, carrying outwards.
  logic [CountBits-1:0] idx_next [Loops];
  logic                 carry;
  always_comb begin
    carry = 1'b1;
    for (int l = Loops - 1; l >= 0; l--) begin
      idx_next[l] = idx_q[l];
      if (carry) begin
        if (lvl_last[l]) idx_next[l] = '0;
        else begin
          idx_next[l] = idx_q[l] + CountBits'(1);
          carry = 1'b0;
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q  <= 1'b0;
      steps_q <= '0;
      for (int l = 0; l < Loops; l++) begin
        idx_q[l] <= '0;
        cnt_q[l] <= CountBits'(1);
      end
    end else if (accept) begin
      busy_q  <= 1'b1;
      steps_q <= '0;
      for (int l = 0; l < Loops; l++) begin
        idx_q[l] <= '0;
        cnt_q[l] <= cmd_count_i[l*CountBits +: CountBits];
      end
    end else begin
      if (step_valid) steps_q <= steps_q + StepBits'(1);
      if (busy_q) begin
        if (all_last) busy_q <= 1'b0;
        for (int l = 0; l < Loops; l++) idx_q[l] <= all_last ? idx_q[l] : idx_next[l];
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (accept) begin
      ib_q  <= cmd_ibuf_base_i;
      wb_q  <= cmd_wbuf_base_i;
      ob_q  <= cmd_obuf_base_i;
      nred_q <= cmd_n_red_i;
      pa_q  <= cmd_prec_a_i;
      pw_q  <= cmd_prec_w_i;
      sh_q  <= cmd_shift_i;
      as_q  <= cmd_a_signed_i;
      wsg_q <= cmd_w_signed_i;
      acc_q <= cmd_obuf_acc_i;
      for (int l = 0; l < Loops; l++) begin
        is_q[l] <= cmd_ibuf_stride_i[l*AddrBits +: AddrBits];
        ws_q[l] <= cmd_wbuf_stride_i[l*AddrBits +: AddrBits];
        os_q[l] <= cmd_obuf_stride_i[l*AddrBits +: AddrBits];
      end
    end
  end

  // Closed-form addresses and the step count of the tile.
  logic [AddrBits-1:0] exp_ia, exp_wa, exp_oa;
  logic [StepBits-1:0] n_steps;
  always_comb begin
    exp_ia  = ib_q;
    exp_wa  = wb_q;
    exp_oa  = ob_q;
    n_steps = StepBits'(1);
    for (int l = 0; l < Loops; l++) begin
      exp_ia  = exp_ia + AddrBits'(idx_q[l]) * is_q[l];
      exp_wa  = exp_wa + AddrBits'(idx_q[l]) * ws_q[l];
      exp_oa  = exp_oa + AddrBits'(idx_q[l]) * os_q[l];
      n_steps = n_steps * StepBits'(cnt_q[l]);
    end
  end

  // Outputs of the previous cycle, for the idle-stability check.
  logic                prev_ok_q;  // previous cycle: out of reset, no handshake
  logic [AddrBits-1:0] prev_ia, prev_wa, prev_oa;
  logic [10:0]         prev_misc, misc;
  assign misc = {red_first, red_last, tile_last, prec_a, prec_w, a_signed, w_signed, shift, obuf_acc};
  always_ff @(posedge clk_i) begin
    prev_ok_q <= rst_ni && !accept && !init_q;
    prev_ia   <= ia;
    prev_wa   <= wa;
    prev_oa   <= oa;
    prev_misc <= misc;
  end

  // ---- Helpers (connected by formal/run.sh) ----
  logic                       seen_q;  // a command was accepted since reset
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)     seen_q <= 1'b0;
    else if (accept) seen_q <= 1'b1;
  end
  logic                       peek_active;
  logic [RedBits-1:0]         peek_n_red;
  logic [Loops*CountBits-1:0] peek_idx, peek_count;
  logic [Loops*AddrBits-1:0]  peek_ia, peek_wa, peek_oa, peek_istr, peek_wstr, peek_ostr;
  logic [AddrBits-1:0]        lvl_ia [Loops], lvl_wa [Loops], lvl_oa [Loops];
  always_comb begin
    for (int l = 0; l < Loops; l++) begin
      lvl_ia[l] = (l == 0) ? ib_q : lvl_ia[l-1];
      lvl_wa[l] = (l == 0) ? wb_q : lvl_wa[l-1];
      lvl_oa[l] = (l == 0) ? ob_q : lvl_oa[l-1];
      lvl_ia[l] = lvl_ia[l] + AddrBits'(idx_q[l]) * is_q[l];
      lvl_wa[l] = lvl_wa[l] + AddrBits'(idx_q[l]) * ws_q[l];
      lvl_oa[l] = lvl_oa[l] + AddrBits'(idx_q[l]) * os_q[l];
    end
  end
  always_comb begin
    if (rst_ni && !init_q) assert (peek_active == busy_q);
    if (rst_ni && !init_q && seen_q) begin
      assert (peek_n_red == nred_q);
      for (int l = 0; l < Loops; l++) begin
        assert (peek_count[l*CountBits +: CountBits] == cnt_q[l]);
        assert (peek_istr[l*AddrBits +: AddrBits] == is_q[l]);
        assert (peek_wstr[l*AddrBits +: AddrBits] == ws_q[l]);
        assert (peek_ostr[l*AddrBits +: AddrBits] == os_q[l]);
        assert (peek_idx[l*CountBits +: CountBits] == idx_q[l]);
        assert (peek_ia[l*AddrBits +: AddrBits] == lvl_ia[l]);
        assert (peek_wa[l*AddrBits +: AddrBits] == lvl_wa[l]);
        assert (peek_oa[l*AddrBits +: AddrBits] == lvl_oa[l]);
      end
    end
  end

  // ---- Invariants for the induction (formal/run.sh tile.ind) ----
  // Reachable-state facts of the shadow model: a busy engine has accepted a
  // command; counts are >= 1 and every index within its count; the step
  // counter is the odometer's mixed-radix value while busy. With them (and
  // the peeks above) the properties are inductive: k-induction proves them
  // for every reachable state, not only up to the BMC depth.
  logic [StepBits-1:0] odo;
  always_comb begin
    odo = '0;
    for (int l = 0; l < Loops; l++) odo = odo * StepBits'(cnt_q[l]) + StepBits'(idx_q[l]);
  end
  always_comb begin
    if (rst_ni && !init_q) begin
      assert (!busy_q || seen_q);
      for (int l = 0; l < Loops; l++) begin
        assert (cnt_q[l] != '0);
        assert (idx_q[l] < cnt_q[l]);
      end
      if (busy_q) assert (steps_q == odo);
    end
  end

  // ---- Properties ----
  always_comb begin
    if (rst_ni && !init_q) begin
      assert (step_valid == busy_q);
      assert (cmd_ready == (!busy_q || all_last));
      if (step_valid) begin
        assert (ia == exp_ia);
        assert (wa == exp_wa);
        assert (oa == exp_oa);
        assert (tile_last == all_last);
        assert (red_first == &(lvl_first | ~lvl_red));
        assert (red_last == &(lvl_last | ~lvl_red));
        assert ({prec_a, prec_w, shift} == {pa_q, pw_q, sh_q});
        assert ({a_signed, w_signed, obuf_acc} == {as_q, wsg_q, acc_q});
        assert (steps_q < n_steps);
        if (tile_last) assert (steps_q == n_steps - StepBits'(1));
      end
      if (!step_valid && prev_ok_q) begin
        assert ({ia, wa, oa} == {prev_ia, prev_wa, prev_oa});
        assert (misc == prev_misc);
      end
    end
  end
endmodule
