// Behavioural specification of the Fusion Unit (formal only).
//
// Written from the contract (docs/packing.md, the header of
// rtl/fu/bf_fusion_unit.sv), not from the RTL's structure: no BitBricks,
// no routing table, no shift-add tree, no bias. For activation width A and
// weight width W, lane k of an operand of width b is bits [k*b +: b] of its
// port, read as two's complement when the operand is signed and as plain
// binary otherwise; the result is the sum over the L = 64 / (A*W) lanes of
// the products, summed in 32-bit integer arithmetic (no overflow is
// possible: |sum| <= 65025), registered, and returned as its low 17 bits.
// docs/verification.md shows that the exact sum always fits in 17 signed
// bits (|sum| <= 65025), so the low 17 bits are the exact value.

// spec_lane_mul: one lane product: each operand read as a number (one
// extra bit on top: a copy of its top bit when signed, 0 when unsigned),
// the two numbers multiplied with `*`.
module spec_lane_mul #(
  parameter int A = 8,
  parameter int W = 8
) (
  input  logic [A-1:0]          a_i,
  input  logic [W-1:0]          w_i,
  input  logic                  a_signed_i,
  input  logic                  w_signed_i,
  output logic signed [A+W+1:0] p_o
);
  logic signed [A:0] a_val;
  logic signed [W:0] w_val;
  assign a_val = a_signed_i ? $signed({a_i[A-1], a_i}) : $signed({1'b0, a_i});
  assign w_val = w_signed_i ? $signed({w_i[W-1], w_i}) : $signed({1'b0, w_i});
  assign p_o   = a_val * w_val;
endmodule

// spec_fu_dot: the exact sum of the lane products for one width pair.
module spec_fu_dot #(
  parameter int A = 8,       // activation width: 2, 4 or 8
  parameter int W = 8,       // weight width: 2, 4 or 8
  parameter bit Digits = 0   // 1: lane products as digit sums (proof step)
) (
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [31:0] dot_o
);
  localparam int L = 64 / (A * W);  // lanes
  // Lane k as a number: one extra bit on top, a copy of the lane's top bit
  // when the operand is signed (two's complement), 0 when it is unsigned
  // (spec_lane_mul). The product of an (A+1)-bit and a (W+1)-bit number
  // fits A+W+2 bits. Digits = 1 (decomposed proof only) computes the same
  // product as the sum of its 2-bit digit products (digit_lane_mul in
  // fu_digits.sv; check fu.lane.* proves the two equal).
  logic signed [A+W+1:0]   prod  [L];
  for (genvar k = 0; k < L; k++) begin : g_lane
    if (Digits == 0) begin : g_mul
      spec_lane_mul #(.A(A), .W(W)) u_mul (
        .a_i (act_i[k*A +: A]), .w_i (wgt_i[k*W +: W]), .a_signed_i, .w_signed_i, .p_o (prod[k])
      );
    end else begin : g_dig
      digit_lane_mul #(.A(A), .W(W)) u_mul (
        .a_i (act_i[k*A +: A]), .w_i (wgt_i[k*W +: W]), .a_signed_i, .w_signed_i, .p_o (prod[k])
      );
    end
  end
  always_comb begin
    dot_o = 32'sd0;
    for (int k = 0; k < L; k++) dot_o = dot_o + 32'(prod[k]);
  end
endmodule

// spec_fu_exact: the exact (32-bit) sum for the mode given by the
// precision codes (0: 2 bits, 1: 4 bits, 2: 8 bits). The reserved code 3
// is given the behaviour bf_pkg documents for it (treated as 8 bits); the
// proofs never drive it (code 3 is outside the proven input space).
module spec_fu_exact #(
  parameter bit Digits = 0
) (
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic [1:0]         prec_a_i,
  input  logic [1:0]         prec_w_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [31:0] exact_o
);
  logic signed [31:0] dot [9];  // dot[3*pa + pw]
  for (genvar pa = 0; pa < 3; pa++) begin : g_a
    for (genvar pw = 0; pw < 3; pw++) begin : g_w
      spec_fu_dot #(.A(2 << pa), .W(2 << pw), .Digits(Digits)) u_dot (
        .act_i, .wgt_i, .a_signed_i, .w_signed_i, .dot_o (dot[3*pa + pw])
      );
    end
  end
  logic [1:0] pa, pw;
  assign pa      = (prec_a_i == 2'd3) ? 2'd2 : prec_a_i;
  assign pw      = (prec_w_i == 2'd3) ? 2'd2 : prec_w_i;
  assign exact_o = dot[3*pa + pw];
endmodule

// spec_fusion_unit: same ports as bf_fusion_unit: the exact sum,
// registered (asynchronous active-low reset to 0, like the RTL).
module spec_fusion_unit #(
  parameter bit Digits = 0
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic [1:0]         prec_a_i,
  input  logic [1:0]         prec_w_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [16:0] sum_o
);
  logic signed [31:0] exact;
  spec_fu_exact #(.Digits(Digits)) u_exact (
    .act_i, .wgt_i, .prec_a_i, .prec_w_i, .a_signed_i, .w_signed_i, .exact_o (exact)
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sum_o <= 17'sd0;
    else         sum_o <= exact[16:0];
  end
endmodule

// fu_mode_gold / fu_mode_gate: the specification and the RTL with the
// precision codes tied to the parameters PA, PW (signs and operands stay
// free). formal/run.sh proves gold == gate for each of the 9 legal pairs;
// since the 9 pairs partition the legal input space, the 9 proofs together
// cover every legal input (see docs/verification.md).
//
// fu_mode_gold is spec_fusion_unit with prec_a_i = PA, prec_w_i = PW
// written out: with constant codes in {0, 1, 2}, spec_fu_exact's
// pa = PA, pw = PW (the code-3 mapping does not apply) and its output is
// dot[3*PA + PW], the output of its instance spec_fu_dot #(A = 2 << PA,
// W = 2 << PW); the other eight dot products do not reach the output. So
// fu_mode_gold instantiates that one spec_fu_dot and the same output
// register (asynchronous reset to 0, low 17 bits of the 32-bit sum); it is
// the same function of (state, inputs) as spec_fusion_unit with the codes
// tied, without making Yosys elaborate eight unused dot products.
module fu_mode_gold #(
  parameter int PA = 2,
  parameter int PW = 2,
  parameter bit Digits = 0
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [16:0] sum_o
);
  logic signed [31:0] exact;
  spec_fu_dot #(.A(2 << PA), .W(2 << PW), .Digits(Digits)) u_dot (
    .act_i, .wgt_i, .a_signed_i, .w_signed_i, .dot_o (exact)
  );
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sum_o <= 17'sd0;
    else         sum_o <= exact[16:0];
  end
endmodule

module fu_mode_gate #(
  parameter int PA = 2,
  parameter int PW = 2
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [16:0] sum_o
);
  bf_fusion_unit u_rtl (
    .clk_i, .rst_ni, .act_i, .wgt_i, .prec_a_i (2'(PA)), .prec_w_i (2'(PW)),
    .a_signed_i, .w_signed_i, .sum_o
  );
endmodule
