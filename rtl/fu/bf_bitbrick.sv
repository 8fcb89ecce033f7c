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
  logic signed [2:0] a_ext, b_ext;
  logic signed [5:0] prod;

  assign a_ext = {a_signed_i & a_i[1], a_i};
  assign b_ext = {b_signed_i & b_i[1], b_i};
  assign prod  = a_ext * b_ext;

`ifdef BF_MUTANT
  assign p_o = prod ^ {5'b0, (a_i == 2'b11) & (b_i == 2'b10) & ~a_signed_i & ~b_signed_i};
`else
  assign p_o = prod;
`endif
endmodule
