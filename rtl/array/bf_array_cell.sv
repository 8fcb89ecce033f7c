// bf_array_cell: one Fusion Unit of the systolic array with its column adder.
//
// Per cycle the cell
//   * selects its weight operand word from the 32-bit word its WBUF bank
//     returned (bf_opsel; the operand word is 64/A bits),
//   * routes it to the bricks (weight bf_spread) and multiplies it with
//     the per-brick activation slices arriving from the left (the row's
//     activation bf_spread sits at the left edge),
//   * forwards the activation slices one cell to the right (registered),
//   * forwards its FU mode (operand select, precisions, signs) to the right
//     neighbour (registered: the next anti-diagonal uses it one cycle
//     later), so no single register drives a whole diagonal of cells,
//   * adds its registered Fusion Unit sum to the partial sum arriving
//     from the cell above and passes the registered result down.
//
// Timing (t = cycle the operands are on act_f_i / wgt_word_i):
//   act_f_o = act_f_i at t+1;  mode outputs = mode inputs at t+1;
//   FU sum at t+1;  psum_o = psum_i(t+1) + sum at t+2.
//
// Parameters:
//   PsumBits  width of the column partial sum (>= 17)
// Latency: activation and mode 1 cycle, product to psum_o 2 cycles,
//   psum_i to psum_o 1.
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
  output logic [PsumBits-1:0]        psum_o,
  // The mode inputs, one cycle later (for the cell to the right).
  output logic [1:0]                 wgt_sel_o,
  output logic [1:0]                 prec_a_o,
  output logic [1:0]                 prec_w_o,
  output logic                       a_signed_o,
  output logic                       w_signed_o
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
  bf_fu_core #(.LateSum(1'b1)) u_core (  // the last adder after the register: the weights come late (SRAM)
    .clk_i, .rst_ni,
    .act_f_i, .wgt_f_i (wgt_f),
    .prec_a_i, .prec_w_i, .a_signed_i, .w_signed_i,
    .sum_o (sum)
  );

  logic [31:0]                act_q;
  logic signed [PsumBits-1:0] psum_d, psum_q;
  logic [1:0]                 sel_q, pa_q, pw_q;
  logic                       as_q, ws_q;
  assign psum_d = psum_i + PsumBits'(sum);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_q  <= '0;
      psum_q <= '0;
      sel_q  <= '0;
      pa_q   <= '0;
      pw_q   <= '0;
      as_q   <= 1'b0;
      ws_q   <= 1'b0;
    end else begin
      act_q  <= act_f_i;
      psum_q <= psum_d;
      sel_q  <= wgt_sel_i;
      pa_q   <= prec_a_i;
      pw_q   <= prec_w_i;
      as_q   <= a_signed_i;
      ws_q   <= w_signed_i;
    end
  end
  assign wgt_sel_o  = sel_q;
  assign prec_a_o   = pa_q;
  assign prec_w_o   = pw_q;
  assign a_signed_o = as_q;
  assign w_signed_o = ws_q;
  assign act_f_o = act_q;
  assign psum_o  = psum_q;
endmodule
