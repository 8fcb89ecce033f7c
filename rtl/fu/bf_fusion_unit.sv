// bf_fusion_unit: a complete Fusion Unit with dense operand ports.
//
// Each cycle it multiplies the lanes of act_i by the lanes of wgt_i and
// returns the exact signed sum one cycle later:
//   sum_o(t+1) = sum_{k < L} act_k(t) * wgt_k(t),  L = 64 / (A * W)
// for activation width A and weight width W in {2, 4, 8}, each signed or
// unsigned. Lane k of a b-bit operand is bits [k*b +: b] of its port;
// unused high bits are ignored (docs/packing.md).
//
// Structure: bf_spread (activations) + bf_spread (weights) + bf_fu_core.
// In the array, the activation spread sits once per row instead (it
// depends only on data shared by the row).
//
// Parameters: none.
// Latency: 1 cycle; precision and signedness may change every cycle.
module bf_fusion_unit (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [31:0]        act_i,       // dense activation lanes
  input  logic [31:0]        wgt_i,       // dense weight lanes
  input  logic [1:0]         prec_a_i,    // bf_pkg::Prec* of the activations
  input  logic [1:0]         prec_w_i,    // bf_pkg::Prec* of the weights
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [16:0] sum_o
);
  logic [31:0] act_f, wgt_f;

  bf_spread #(.IsWeight(0)) u_spread_a (
    .dense_i (act_i), .prec_a_i (prec_a_i), .prec_w_i (prec_w_i), .fields_o (act_f)
  );
  bf_spread #(.IsWeight(1)) u_spread_w (
    .dense_i (wgt_i), .prec_a_i (prec_a_i), .prec_w_i (prec_w_i), .fields_o (wgt_f)
  );
  bf_fu_core u_core (
    .clk_i, .rst_ni,
    .act_f_i (act_f), .wgt_f_i (wgt_f),
    .prec_a_i, .prec_w_i, .a_signed_i, .w_signed_i,
    .sum_o
  );

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // The reserved precision code must never reach the datapath.
  always @(posedge clk_i) begin
    if (prec_a_i == 2'd3 || prec_w_i == 2'd3)
      $error("bf_fusion_unit: reserved precision code 3");
  end
`endif
`endif
endmodule
