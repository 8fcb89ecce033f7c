// bf_bitbrick: the 2-bit x 2-bit multiplier Bit Fusion is built from.
//
// Each operand has its own sign control: signed extends the 2 bits to a
// 3-bit two's-complement value (range -2..1), unsigned prepends a zero
// (range 0..3). The product is returned in one of two encodings:
//   Biased = 0: a * b as a 6-bit two's-complement value (range -6..9).
//   Biased = 1: a * b + bias, bias = 4 if both operands are signed, 6 if
//     exactly one is, 0 if neither: a non-negative value in 0..9 (bits
//     [5:4] are always 0). The Fusion Unit adds these unsigned terms and
//     subtracts the known total bias once (bf_fu_core), so its adders see
//     no sign extension.
//
// Parameters: Biased (0 or 1, see above; default 0).
// Latency:    0 (combinational).
//
// Test hook: defining BF_MUTANT flips the product LSB for one operand pair
// (a=3, b=2, both unsigned) so the test suite can prove it detects a
// single wrong bit (see tests/test_mutant.cpp).
module bf_bitbrick #(
  parameter int Biased = 0
) (
  input  logic [1:0]        a_i,         // operand a (2 bits)
  input  logic              a_signed_i,  // 1: a is signed
  input  logic [1:0]        b_i,         // operand b (2 bits)
  input  logic              b_signed_i,  // 1: b is signed
  output logic signed [5:0] p_o          // a * b (+ bias if Biased)
);
  initial begin
    if (Biased != 0 && Biased != 1) $fatal(1, "bf_bitbrick: Biased must be 0 or 1");
  end

  // a = a0 + 2*a1*(signed ? -1 : 1), likewise b, so the product is four
  // one-bit partial products with signed weights:
  //   a0b0 + 2*a1b0*(+-1) + 2*a0b1*(+-1) + 4*a1b1*(+-1)
  logic signed [5:0] prod;
  if (Biased == 0) begin : g_signed
    logic signed [5:0] t0, t1, t2, t3;
    assign t0   = {5'b0, a_i[0] & b_i[0]};
    assign t1   = (a_i[1] & b_i[0]) ? (a_signed_i ? -6'sd2 : 6'sd2) : 6'sd0;
    assign t2   = (a_i[0] & b_i[1]) ? (b_signed_i ? -6'sd2 : 6'sd2) : 6'sd0;
    assign t3   = (a_i[1] & b_i[1]) ? ((a_signed_i ^ b_signed_i) ? -6'sd4 : 6'sd4) : 6'sd0;
    assign prod = (t0 + t1) + (t2 + t3);
  end else begin : g_biased
    // A negative weight -k*x is written k*(1 - x) - k = k*~x - k: each
    // partial product of negative weight is inverted, and the -k terms
    // add up to -bias. What is left is an unsigned sum in 0..9.
    logic pp0, pp1, pp2, pp3;
    assign pp0  = a_i[0] & b_i[0];
    assign pp1  = (a_i[1] & b_i[0]) ^ a_signed_i;
    assign pp2  = (a_i[0] & b_i[1]) ^ b_signed_i;
    assign pp3  = (a_i[1] & b_i[1]) ^ a_signed_i ^ b_signed_i;
    assign prod = {3'b0, pp3, pp1, pp0} + {4'b0, pp2, 1'b0};
  end

`ifdef BF_MUTANT
  assign p_o = prod ^ {5'b0, (a_i == 2'b11) & (b_i == 2'b10) & ~a_signed_i & ~b_signed_i};
`else
  assign p_o = prod;
`endif
endmodule
