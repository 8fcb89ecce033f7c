// bf_temporal_unit: one bit-serial (temporal) multiplier slice: a BitBrick,
// a shifter and an accumulator.
//
// The temporal design the Bit Fusion paper compares the Fusion Unit with
// builds an up-to-8x8 product over time: each cycle it multiplies one 2-bit
// slice of the activation by one 2-bit slice of the weight, shifts the
// 6-bit product left by 2*shift_i bits and adds it to the accumulator:
//   acc = (first_i ? 0 : acc) + (bitbrick(a_i, b_i) << 2*shift_i)
// The slice order and signedness come from the shared control
// (bf_temporal_fu). The accumulator works modulo 2^17, which is exact for
// every product of two operands of at most 8 bits.
//
// Parameters: none.
// Latency: 1 cycle (registered accumulator).
module bf_temporal_unit (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               valid_i,     // a slice pair is on a_i / b_i
  input  logic               first_i,     // first slice pair of a product
  input  logic [1:0]         a_i,         // activation slice
  input  logic               a_signed_i,  // slice is the activation's signed top slice
  input  logic [1:0]         b_i,         // weight slice
  input  logic               b_signed_i,  // slice is the weight's signed top slice
  input  logic [2:0]         shift_i,     // shift in units of 2 bits (0..6)
  output logic signed [16:0] acc_o
);
  logic signed [5:0]  prod;
  logic signed [16:0] term, acc_d, acc_q;

  bf_bitbrick u_bb (
    .a_i, .a_signed_i, .b_i, .b_signed_i, .p_o (prod)
  );

  assign term = 17'(prod) <<< {shift_i, 1'b0};

  always_comb begin
    acc_d = acc_q;
    if (valid_i) acc_d = (first_i ? 17'sd0 : acc_q) + term;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) acc_q <= '0;
    else         acc_q <= acc_d;
  end
  assign acc_o = acc_q;
endmodule
