// spec_bitbrick: behavioural specification of one BitBrick (formal only).
//
// Written from the contract in rtl/fu/bf_bitbrick.sv's header, not from its
// structure: each 2-bit operand is read as a number (two's complement when
// its sign control is set, plain binary otherwise), the two numbers are
// multiplied with the `*` operator, and with Biased = 1 the documented bias
// (4 if both operands are signed, 6 if exactly one is, 0 otherwise) is
// added. Same ports as bf_bitbrick, so `miter -equiv` can pair them.
module spec_bitbrick #(
  parameter int Biased = 0
) (
  input  logic [1:0]        a_i,
  input  logic              a_signed_i,
  input  logic [1:0]        b_i,
  input  logic              b_signed_i,
  output logic signed [5:0] p_o
);
  logic signed [7:0] a_val, b_val, prod, bias;
  always_comb begin
    a_val = a_signed_i ? {{6{a_i[1]}}, a_i} : {6'b0, a_i};  // -2..1 or 0..3
    b_val = b_signed_i ? {{6{b_i[1]}}, b_i} : {6'b0, b_i};
    prod  = a_val * b_val;                               // -6..9
    if (Biased == 0)                     bias = 8'sd0;
    else if (a_signed_i && b_signed_i)   bias = 8'sd4;
    else if (a_signed_i || b_signed_i)   bias = 8'sd6;
    else                                 bias = 8'sd0;
    p_o = prod[5:0] + bias[5:0];
  end
endmodule
