// bf_mul8: fixed-precision 8-bit multiplier, the datapath of the fixed 8-bit
// baseline PE (the like-for-like counterpart of one Fusion Unit).
//
// Multiplies one 8-bit activation by one 8-bit weight, each signed or
// unsigned, and registers the exact 17-bit signed product. Narrower operands
// (2 or 4 bits) are sign- or zero-extended to 8 bits by the caller: this
// design does one multiply per cycle at every width pair.
//
// Parameters: none.
// Latency: 1 cycle (registered product).
module bf_mul8 (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [7:0]         act_i,
  input  logic [7:0]         wgt_i,
  input  logic               a_signed_i,  // 1: act_i is signed
  input  logic               w_signed_i,  // 1: wgt_i is signed
  output logic signed [16:0] prod_o       // act * wgt, registered
);
  logic signed [8:0]  a_ext, w_ext;
  logic signed [17:0] prod_full;
  logic signed [16:0] prod_d, prod_q;

  assign a_ext = {a_signed_i & act_i[7], act_i};
  assign w_ext = {w_signed_i & wgt_i[7], wgt_i};
  assign prod_full = a_ext * w_ext;
  // The product lies in [-32640, 65025]: 17 bits signed are exact.
  assign prod_d = prod_full[16:0];

  logic unused_prod;
  assign unused_prod = prod_full[17];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) prod_q <= '0;
    else         prod_q <= prod_d;
  end
  assign prod_o = prod_q;
endmodule
