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
// Widths: a brick pair is within [-30, 45] (7 bits signed), a group within
// [-120, 225] (9 bits), a half (groups 0+1 or 2+3) within [-2040, 3825]
// (13 bits), the FU sum within [-32640, 65025] (17 bits). The adders work
// modulo those widths, which is exact (tests/fu/test_golden_fu.cpp checks
// the bounds against closed forms).
//
// Parameters: none (the Fusion Unit is 8-bit maximum by construction).
// Latency: 1 cycle (registered output); the precision may change every cycle.
module bf_fu_core (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_f_i,     // activation slice per brick
  input  logic [31:0]        wgt_f_i,     // weight slice per brick
  input  logic [1:0]         prec_a_i,    // bf_pkg::Prec* of the activations
  input  logic [1:0]         prec_w_i,    // bf_pkg::Prec* of the weights
  input  logic               a_signed_i,  // activations are signed
  input  logic               w_signed_i,  // weights are signed
  output logic signed [16:0] sum_o        // registered exact sum
);
  logic a_ge4, a_eq8, w_ge4, w_eq8;
  assign a_ge4 = prec_a_i != 2'd0;
  assign a_eq8 = prec_a_i[1];
  assign w_ge4 = prec_w_i != 2'd0;
  assign w_eq8 = prec_w_i[1];

  // Level 1: the four bricks of each group. Bricks m and m+1 differ in n0
  // (activation half) and are fused first; then the two pairs, which differ
  // in n1 (weight half). Each adder is only as wide as its exact range.
  logic signed [8:0] grp [4];
  for (genvar g = 0; g < 4; g++) begin : g_group
    logic signed [5:0] prod [4];
    for (genvar m = 0; m < 4; m++) begin : g_brick
      localparam int N = 4 * g + m;
      logic a_top, w_top;
      // Top slice of the activation: brick bit 0 (A >= 4) and bit 2 (A == 8).
      assign a_top = (~a_ge4 | N[0]) & (~a_eq8 | N[2]);
      assign w_top = (~w_ge4 | N[1]) & (~w_eq8 | N[3]);
      bf_bitbrick u_bb (
        .a_i        (act_f_i[2*N +: 2]),
        .a_signed_i (a_signed_i & a_top),
        .b_i        (wgt_f_i[2*N +: 2]),
        .b_signed_i (w_signed_i & w_top),
        .p_o        (prod[m])
      );
    end
    // Pairs: a 4-bit activation x 2-bit weight slice at most, in [-30, 45].
    logic signed [6:0] hi0, hi1, pair0, pair1;
    assign hi0   = a_ge4 ? (7'(prod[1]) <<< 2) : 7'(prod[1]);
    assign hi1   = a_ge4 ? (7'(prod[3]) <<< 2) : 7'(prod[3]);
    assign pair0 = 7'(prod[0]) + hi0;
    assign pair1 = 7'(prod[2]) + hi1;
    logic signed [8:0] hi_sh;
    assign hi_sh  = w_ge4 ? (9'(pair1) <<< 2) : 9'(pair1);
    assign grp[g] = 9'(pair0) + hi_sh;
  end

  // Level 2: groups 0/1 and 2/3 differ in n2 (activation half): fused
  // first (8-bit x 4-bit at most: [-2040, 3825], 13 bits); then
  // the two halves, which differ in n3 (weight half), at 17 bits.
  logic signed [12:0] half0, half1, g1_sh, g3_sh;
  assign g1_sh = a_eq8 ? (13'(grp[1]) <<< 4) : 13'(grp[1]);
  assign g3_sh = a_eq8 ? (13'(grp[3]) <<< 4) : 13'(grp[3]);
  assign half0 = 13'(grp[0]) + g1_sh;
  assign half1 = 13'(grp[2]) + g3_sh;

  logic signed [16:0] half1_sh, sum_d, sum_q;
  assign half1_sh = w_eq8 ? (17'(half1) <<< 4) : 17'(half1);
  assign sum_d    = 17'(half0) + half1_sh;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sum_q <= '0;
    else         sum_q <= sum_d;
  end
  assign sum_o = sum_q;
endmodule
