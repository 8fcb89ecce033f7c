// bf_array_cell: one Fusion Unit of the systolic array with its column adder.
//
// Per cycle the cell
//   * selects its weight operand word from the 32-bit word its WBUF bank
//     returned (bf_opsel; the operand word is 64/A bits),
//   * routes it to the bricks (weight bf_spread) and multiplies it with
//     the per-brick activation slices arriving from the left (the row's
//     activation bf_spread sits at the left edge),
//   * forwards the activation slices one cell to the right (registered),
//   * adds its registered Fusion Unit sum to the partial sum arriving
//     from the cell above and passes the registered result down.
//
// Timing (t = cycle the operands are on act_f_i / wgt_word_i):
//   act_f_o = act_f_i at t+1;  FU sum at t+1;  psum_o = psum_i(t+1) + sum at t+2.
//
// Parameters:
//   PsumBits  width of the column partial sum (>= 17)
// Latency: activation 1 cycle, product to psum_o 2 cycles, psum_i to psum_o 1.
module bf_array_cell #(
  parameter int PsumBits = 21
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [31:0]                act_f_i,     // per-brick activation slices
  output logic [31:0]                act_f_o,     // the same, one cycle later
  input  logic [31:0]                wgt_word_i,  // WBUF bank read data
  input  logic [1:0]                 wgt_sel_i,   // operand word within it
  input  logic [1:0]                 prec_a_i,
  input  logic [1:0]                 prec_w_i,
  input  logic                       a_signed_i,
  input  logic                       w_signed_i,
  input  logic [PsumBits-1:0]        psum_i,
  output logic [PsumBits-1:0]        psum_o
);
  initial begin
    if (PsumBits < 17 || PsumBits > 32)  // 17 = bf_pkg::FuSumBits
      $fatal(1, "bf_array_cell: PsumBits must be in 17..32");
  end

  logic [31:0] wgt_dense, wgt_f;
  bf_opsel u_sel (
    .word_i (wgt_word_i), .sel_i (wgt_sel_i), .prec_other_i (prec_a_i), .dense_o (wgt_dense)
  );
  bf_spread #(.IsWeight(1)) u_spread_w (
    .dense_i (wgt_dense), .prec_a_i (prec_a_i), .prec_w_i (prec_w_i), .fields_o (wgt_f)
  );

  logic signed [16:0] sum;
  bf_fu_core u_core (
    .clk_i, .rst_ni,
    .act_f_i, .wgt_f_i (wgt_f),
    .prec_a_i, .prec_w_i, .a_signed_i, .w_signed_i,
    .sum_o (sum)
  );

  logic [31:0]                act_q;
  logic signed [PsumBits-1:0] psum_d, psum_q;
  assign psum_d = psum_i + PsumBits'(sum);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q  <= '0;
      psum_q <= '0;
    end else begin
      act_q  <= act_f_i;
      psum_q <= psum_d;
    end
  end
  assign act_f_o = act_q;
  assign psum_o  = psum_q;
endmodule
