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
// formal/run.sh proves separately (check fu.range) that the exact sum
// always fits in 17 signed bits, so the low 17 bits are the exact value.

// spec_fu_dot: the exact sum of the lane products for one width pair.
module spec_fu_dot #(
  parameter int A = 8,  // activation width: 2, 4 or 8
  parameter int W = 8   // weight width: 2, 4 or 8
) (
  input  logic [31:0]        act_i,
  input  logic [31:0]        wgt_i,
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [31:0] dot_o
);
  localparam int L = 64 / (A * W);  // lanes
  // Lane k as a number: one extra bit on top, a copy of the lane's top bit
  // when the operand is signed (two's complement), 0 when it is unsigned.
  // The product of an (A+1)-bit and a (W+1)-bit number fits A+W+2 bits.
  logic signed [A:0]       a_val [L];
  logic signed [W:0]       w_val [L];
  logic signed [A+W+1:0]   prod  [L];
  for (genvar k = 0; k < L; k++) begin : g_lane
    logic [A-1:0] a_raw;
    logic [W-1:0] w_raw;
    assign a_raw    = act_i[k*A +: A];
    assign w_raw    = wgt_i[k*W +: W];
    assign a_val[k] = a_signed_i ? $signed({a_raw[A-1], a_raw}) : $signed({1'b0, a_raw});
    assign w_val[k] = w_signed_i ? $signed({w_raw[W-1], w_raw}) : $signed({1'b0, w_raw});
    assign prod[k]  = a_val[k] * w_val[k];
  end
  always_comb begin
    dot_o = 32'sd0;
    for (int k = 0; k < L; k++) dot_o = dot_o + 32'(prod[k]);
  end
endmodule

// spec_fu_exact: the exact (32-bit) sum for the mode given by the
// precision codes (0: 2 bits, 1: 4 bits, 2: 8 bits). The reserved code 3
// is given the behaviour bf_pkg documents for it (treated as 8 bits); the
// main proofs never drive it (check fu.reserved covers it separately).
module spec_fu_exact (
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
      spec_fu_dot #(.A(2 << pa), .W(2 << pw)) u_dot (
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
module spec_fusion_unit (
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
  spec_fu_exact u_exact (
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
module fu_mode_gold #(
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
  spec_fusion_unit u_spec (
    .clk_i, .rst_ni, .act_i, .wgt_i, .prec_a_i (2'(PA)), .prec_w_i (2'(PW)),
    .a_signed_i, .w_signed_i, .sum_o
  );
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
