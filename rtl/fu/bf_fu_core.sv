// bf_fu_core: 16 BitBricks and the two-level shift-add tree of a Fusion Unit.
//
// Takes operands already routed to the bricks (one 2-bit slice per brick,
// see bf_spread) and returns, one cycle later, the exact signed sum of all
// the products of that cycle: one 8x8 product, or the dot product of the
// 2..16 lanes of a narrower precision pair.
//
// Brick n = {n3 n2 n1 n0}; level 1 fuses bricks 4g..4g+3 into group g,
// level 2 fuses the four groups. Per level the precision selects the shift
// of each term (in units of that level's slice width K = 2, then 4):
//   brick n in its group: K*(n0 if A>=4) + K*(n1 if W>=4)
//   group g:              K*(g0 if A==8) + K*(g1 if W==8)
// A slice is signed only if its operand is signed and it is the operand's
// top slice; all lower slices are unsigned.
//
// Sign handling: every brick returns its product plus a bias (4 if both of
// its slices are signed, 6 if one is, 0 if none: bf_bitbrick Biased = 1),
// a value in [0, 9]. The tree therefore adds non-negative terms only, and
// the total bias of the mode, sum over bricks of bias << shift (a constant
// of prec_a/prec_w/a_signed/w_signed, at most 32640, table bias_tab), is
// subtracted once in the last adder. Without it, at 2x2 all 16 products
// are signed and their sign extension toggles the upper bits of every
// adder each cycle; with it those bits stay 0 and only the last adder
// and the output register see the sign of the result.
//
// Widths: every node is at most the value it has when all its brick terms
// are 9 (that is, when every slice is unsigned 3), the u x u maximum: a
// brick pair is within [0, 45] (6 bits), a group within [0, 225] (8 bits),
// a half (groups 0+1 or 2+3) within [0, 3825] (12 bits), the tree total
// within [0, 65025] (16 bits). The FU sum, total - bias, is within
// [-32640, 65025] and computed modulo 2^17, which is exact. (The bounds of
// the signed sums are checked against closed forms by
// tests/fu/test_golden_fu.cpp; the RTL against the golden model by
// tests/fu/test_rtl_fu.cpp.)
//
// Parameters:
//   LateSum  0: the register holds the finished sum (sum_o is a register
//              output; the standalone Fusion Unit, bf_fusion_unit).
//            1: the register sits after level 2's half sums (half0, half1)
//              and the mode; the shift of half1, the bias and the last adder
//              follow the register (sum_o is combinational from it). Same
//              values in the same cycles; the last adder moves into the next
//              stage. bf_array_cell uses it: its operands come from a WBUF
//              SRAM macro late in the cycle, and the stage after the
//              register (psum_i + sum) is short. 7 flip-flops more (two
//              12-bit halves and the 6 mode bits instead of the 17-bit sum).
// Latency: 1 cycle (sum_o holds the sum of the previous cycle's operands in
//   both variants); the precision may change every cycle.
module bf_fu_core #(
  parameter bit LateSum = 1'b0
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_f_i,     // activation slice per brick
  input  logic [31:0]        wgt_f_i,     // weight slice per brick
  input  logic [1:0]         prec_a_i,    // bf_pkg::Prec* of the activations
  input  logic [1:0]         prec_w_i,    // bf_pkg::Prec* of the weights
  input  logic               a_signed_i,  // activations are signed
  input  logic               w_signed_i,  // weights are signed
  output logic signed [16:0] sum_o        // exact sum, one cycle after the operands
);
  logic a_ge4, a_eq8, w_ge4, w_eq8;
  assign a_ge4 = prec_a_i != 2'd0;
  assign a_eq8 = prec_a_i[1];
  assign w_ge4 = prec_w_i != 2'd0;
  assign w_eq8 = prec_w_i[1];

  // Total bias of the bricks (see bf_bitbrick, Biased = 1) for every mode
  // {prec_a, prec_w, a_signed, w_signed}: brick n adds bias(n) << shift(n),
  // where its slices are (i, j) of a lane and shift = 2*(i + j). Code 3
  // counts as 8 bits, like the rest of the datapath.
  function automatic logic [16:0] bias_of(input int pa, input int pw, input int sa, input int sw);
    // The loop variables are declared here, not in the for statements:
    // Icarus 11 mis-simulates a design with a loop-scoped variable in an
    // automatic function (bench/icarus/icarus_bug.sv).
    int na, nw, lanes, total, ta, tw, i, j;
    na    = (pa == 0) ? 1 : (pa == 1) ? 2 : 4;
    nw    = (pw == 0) ? 1 : (pw == 1) ? 2 : 4;
    lanes = 16 / (na * nw);
    total = 0;
    for (i = 0; i < na; i++) begin
      for (j = 0; j < nw; j++) begin
        ta    = (sa != 0 && i == na - 1) ? 1 : 0;
        tw    = (sw != 0 && j == nw - 1) ? 1 : 0;
        total = total + (((ta != 0 && tw != 0) ? 4 : (ta != 0 || tw != 0) ? 6 : 0) << (2 * (i + j)));
      end
    end
    bias_of = 17'(lanes * total);
  endfunction
  logic [16:0] bias_tab [64];
  for (genvar m = 0; m < 64; m++) begin : g_bias
    assign bias_tab[m] = bias_of(m >> 4, (m >> 2) & 3, (m >> 1) & 1, m & 1);
  end

  // Level 1: the four bricks of each group. Bricks m and m+1 differ in n0
  // (activation half) and are fused first; then the two pairs, which differ
  // in n1 (weight half). Every brick term is unsigned (0..9), so each
  // adder is only as wide as its exact unsigned range.
  logic [7:0] grp [4];
  for (genvar g = 0; g < 4; g++) begin : g_group
    logic [5:0] prod [4];
    for (genvar m = 0; m < 4; m++) begin : g_brick
      localparam int N = 4 * g + m;
      logic a_top, w_top;
      // Top slice of the activation: brick bit 0 (A >= 4) and bit 2 (A == 8).
      assign a_top = (~a_ge4 | N[0]) & (~a_eq8 | N[2]);
      assign w_top = (~w_ge4 | N[1]) & (~w_eq8 | N[3]);
      bf_bitbrick #(.Biased(1)) u_bb (
        .a_i        (act_f_i[2*N +: 2]),
        .a_signed_i (a_signed_i & a_top),
        .b_i        (wgt_f_i[2*N +: 2]),
        .b_signed_i (w_signed_i & w_top),
        .p_o        (prod[m])
      );
    end
    // Pairs: a 4-bit activation x 2-bit weight slice at most, in [0, 45].
    logic [5:0] hi0, hi1, pair0, pair1;
    assign hi0   = a_ge4 ? {prod[1][3:0], 2'b0} : prod[1];
    assign hi1   = a_ge4 ? {prod[3][3:0], 2'b0} : prod[3];
    assign pair0 = prod[0] + hi0;
    assign pair1 = prod[2] + hi1;
    logic [7:0] hi_sh;
    assign hi_sh  = w_ge4 ? {pair1, 2'b0} : {2'b0, pair1};
    assign grp[g] = {2'b0, pair0} + hi_sh;
  end

  // Level 2: groups 0/1 and 2/3 differ in n2 (activation half): fused
  // first (8-bit x 4-bit at most: [0, 3825], 12 bits); then the two
  // halves, which differ in n3 (weight half), at 16 bits; the total bias
  // is subtracted in the same 17-bit sum.
  logic [11:0] half0, half1, g1_sh, g3_sh;
  assign g1_sh = a_eq8 ? {grp[1], 4'b0} : {4'b0, grp[1]};
  assign g3_sh = a_eq8 ? {grp[3], 4'b0} : {4'b0, grp[3]};
  assign half0 = {4'b0, grp[0]} + g1_sh;
  assign half1 = {4'b0, grp[2]} + g3_sh;

  // The values after the register (LateSum) or before it (LateSum = 0).
  logic [11:0] h0, h1;
  logic [1:0]  m_pa, m_pw;
  logic        m_as, m_ws;
  logic signed [16:0] sum_d;
  if (LateSum) begin : g_late
    logic [11:0] h0_q, h1_q;
    logic [1:0]  pa_q, pw_q;
    logic        as_q, ws_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        h0_q <= '0; h1_q <= '0; pa_q <= '0; pw_q <= '0; as_q <= 1'b0; ws_q <= 1'b0;
      end else begin
        h0_q <= half0; h1_q <= half1; pa_q <= prec_a_i; pw_q <= prec_w_i; as_q <= a_signed_i; ws_q <= w_signed_i;
      end
    end
    assign h0 = h0_q;
    assign h1 = h1_q;
    assign m_pa = pa_q;
    assign m_pw = pw_q;
    assign m_as = as_q;
    assign m_ws = ws_q;
    assign sum_o = sum_d;
  end else begin : g_early
    logic signed [16:0] sum_q;
    assign h0 = half0;
    assign h1 = half1;
    assign m_pa = prec_a_i;
    assign m_pw = prec_w_i;
    assign m_as = a_signed_i;
    assign m_ws = w_signed_i;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) sum_q <= '0;
      else         sum_q <= sum_d;
    end
    assign sum_o = sum_q;
  end

  logic [15:0] half1_sh;
  logic [16:0] bias;
  assign half1_sh = m_pw[1] ? {h1, 4'b0} : {4'b0, h1};  // W == 8
  assign bias     = bias_tab[{m_pa, m_pw, m_as, m_ws}];
  // total - bias = half0 + half1_sh + ~bias + 1: one carry-save (3:2)
  // layer, then a single carry-propagate adder with carry-in (the bias is
  // an early, mode-only operand; two chained adders would lengthen the
  // critical path).
  logic [16:0] ta, tb, nb, cs_s, cs_c;
  logic [15:0] maj;
  assign ta       = 17'(h0);
  assign tb       = 17'(half1_sh);
  assign nb       = ~bias;
  assign cs_s     = ta ^ tb ^ nb;
  assign maj      = (ta[15:0] & tb[15:0]) | (ta[15:0] & nb[15:0]) | (tb[15:0] & nb[15:0]);
  assign cs_c     = {maj, 1'b0};
  assign sum_d    = $signed(cs_s + cs_c + 17'd1);
endmodule
