// bf_mac8_pe: one processing element of the fixed 8-bit baseline array.
//
// The fixed-precision counterpart of bf_array_cell: an 8-bit multiplier
// (bf_mul8) with its product register, a registered column adder and the
// registered forwarding of the activation (and its sign) to the right.
//
// Timing (t = cycle the operands are on act_i / wgt_i):
//   act_o = act_i at t+1;  product at t+1;  psum_o = psum_i(t+1) + product at t+2.
//
// Parameters:
//   PsumBits  width of the column partial sum (17..32)
// Latency: activation 1 cycle, product to psum_o 2 cycles, psum_i to psum_o 1.
module bf_mac8_pe #(
  parameter int PsumBits = 21
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [7:0]                 act_i,
  input  logic                       a_signed_i,
  output logic [7:0]                 act_o,        // act_i, one cycle later
  output logic                       a_signed_o,   // a_signed_i, one cycle later
  input  logic [7:0]                 wgt_i,        // from this PE's WBUF bank
  input  logic                       w_signed_i,
  input  logic signed [PsumBits-1:0] psum_i,
  output logic signed [PsumBits-1:0] psum_o
);
  initial begin
    if (PsumBits < 17 || PsumBits > 32) $fatal(1, "bf_mac8_pe: PsumBits must be in 17..32");
  end

  logic signed [16:0] prod;
  bf_mul8 u_mul (
    .clk_i, .rst_ni,
    .act_i, .wgt_i, .a_signed_i, .w_signed_i,
    .prod_o (prod)
  );

  logic [7:0]                 act_q;
  logic                       a_signed_q;
  logic signed [PsumBits-1:0] psum_d, psum_q;
  assign psum_d = psum_i + PsumBits'(prod);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q      <= '0;
      a_signed_q <= 1'b0;
      psum_q     <= '0;
    end else begin
      act_q      <= act_i;
      a_signed_q <= a_signed_i;
      psum_q     <= psum_d;
    end
  end
  assign act_o      = act_q;
  assign a_signed_o = a_signed_q;
  assign psum_o     = psum_q;
endmodule
