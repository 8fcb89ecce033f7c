// bf_bitbrick replaced by its specification (formal only). Used by the
// decomposed Fusion Unit proof in place of rtl/fu/bf_bitbrick.sv: the
// checks bb.signed / bb.biased prove bf_bitbrick == spec_bitbrick for every
// input and both parameter values, so substituting one for the other inside
// the Fusion Unit does not change its function (docs/verification.md).
module bf_bitbrick #(
  parameter int Biased = 0
) (
  input  logic [1:0]        a_i,
  input  logic              a_signed_i,
  input  logic [1:0]        b_i,
  input  logic              b_signed_i,
  output logic signed [5:0] p_o
);
  spec_bitbrick #(.Biased(Biased)) u_spec (.a_i, .a_signed_i, .b_i, .b_signed_i, .p_o);
endmodule
