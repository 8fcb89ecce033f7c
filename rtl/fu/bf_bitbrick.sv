// bf_bitbrick: the 2-bit x 2-bit multiplier Bit Fusion is built from.
//
// Each operand has its own sign control: signed extends the 2 bits to a
// 3-bit two's-complement value (range -2..1), unsigned prepends a zero
// (range 0..3). The 3-bit x 3-bit signed product is returned as a 6-bit
// signed value (range -6..9).
//
// Parameters: none.
// Latency:    0 (combinational).
//
// Test hook: defining BF_MUTANT flips the product LSB for one operand pair
// (a=3, b=2, both unsigned) so the test suite can prove it detects a
// single wrong bit (see tests/test_mutant.cpp).
module bf_bitbrick (
  input  logic [1:0]        a_i,         // operand a (2 bits)
  input  logic              a_signed_i,  // 1: a is signed
  input  logic [1:0]        b_i,         // operand b (2 bits)
  input  logic              b_signed_i,  // 1: b is signed
  output logic signed [5:0] p_o          // a * b, 6-bit two's complement
);
  // a = a0 + 2*a1*(signed ? -1 : 1), likewise b, so the product is four
  // one-bit partial products with signed weights:
  //   a0b0 + 2*a1b0*(+-1) + 2*a0b1*(+-1) + 4*a1b1*(+-1)
  logic signed [5:0] t0, t1, t2, t3, prod;
  assign t0   = {5'b0, a_i[0] & b_i[0]};
  assign t1   = (a_i[1] & b_i[0]) ? (a_signed_i ? -6'sd2 : 6'sd2) : 6'sd0;
  assign t2   = (a_i[0] & b_i[1]) ? (b_signed_i ? -6'sd2 : 6'sd2) : 6'sd0;
  assign t3   = (a_i[1] & b_i[1]) ? ((a_signed_i ^ b_signed_i) ? -6'sd4 : 6'sd4) : 6'sd0;
  assign prod = (t0 + t1) + (t2 + t3);

`ifdef BF_MUTANT
  assign p_o = prod ^ {5'b0, (a_i == 2'b11) & (b_i == 2'b10) & ~a_signed_i & ~b_signed_i};
`else
  assign p_o = prod;
`endif
endmodule
