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
// Widths: a group sum is always within [-120, 225] (9 bits signed); the FU
// sum within [-32640, 65025] (17 bits signed). The adders work modulo
// those widths, which is exact (tests/test_golden_fu.cpp checks the bounds).
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

  // Level 1: the bricks of each group, shifted by 0/2/4 and summed.
  logic signed [8:0] grp [4];
  for (genvar g = 0; g < 4; g++) begin : g_group
    logic signed [8:0] term [4];
    for (genvar m = 0; m < 4; m++) begin : g_brick
      localparam int N = 4 * g + m;
      logic a_top, w_top;
      logic signed [5:0] prod;
      // Top slice of the activation: brick bit 0 (A >= 4) and bit 2 (A == 8).
      assign a_top = (~a_ge4 | N[0]) & (~a_eq8 | N[2]);
      assign w_top = (~w_ge4 | N[1]) & (~w_eq8 | N[3]);
      bf_bitbrick u_bb (
        .a_i        (act_f_i[2*N +: 2]),
        .a_signed_i (a_signed_i & a_top),
        .b_i        (wgt_f_i[2*N +: 2]),
        .b_signed_i (w_signed_i & w_top),
        .p_o        (prod)
      );
      logic [1:0] sh;  // shift in units of 2 bits
      assign sh = {1'b0, a_ge4 & N[0]} + {1'b0, w_ge4 & N[1]};
      always_comb begin
        case (sh)
          2'd0:    term[m] = 9'(prod);
          2'd1:    term[m] = 9'(prod) <<< 2;
          default: term[m] = 9'(prod) <<< 4;
        endcase
      end
    end
    assign grp[g] = (term[0] + term[1]) + (term[2] + term[3]);
  end

  // Level 2: the four groups, shifted by 0/4/8 and summed.
  logic signed [16:0] gterm [4];
  for (genvar g = 0; g < 4; g++) begin : g_level2
    logic [1:0] sh;  // shift in units of 4 bits
    assign sh = {1'b0, a_eq8 & g[0]} + {1'b0, w_eq8 & g[1]};
    always_comb begin
      case (sh)
        2'd0:    gterm[g] = 17'(grp[g]);
        2'd1:    gterm[g] = 17'(grp[g]) <<< 4;
        default: gterm[g] = 17'(grp[g]) <<< 8;
      endcase
    end
  end

  logic signed [16:0] sum_d, sum_q;
  assign sum_d = (gterm[0] + gterm[1]) + (gterm[2] + gterm[3]);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sum_q <= '0;
    else         sum_q <= sum_d;
  end
  assign sum_o = sum_q;
endmodule
