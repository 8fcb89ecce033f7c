// bf_mac8_array: Rows x Cols grid of fixed 8-bit PEs with a 32-bit
// accumulator under every column (the fixed-precision baseline array).
//
// Activations enter row r on the left (act_i[r]) and move one PE per cycle
// to the right; PE (r, c) takes its weight from wgt_i[r*Cols + c] (its
// WBUF bank) and adds its product to the partial sum from the PE above;
// the partial sums leave the bottom row into the column accumulators:
//   acc[c] = (acc_clr ? 0 : acc[c]) + psum_bottom[c]   when acc_en
// As in the Bit Fusion array, the caller skews row r by r cycles (and
// column c by c cycles) so each column sum meets its operands.
// w_signed_i is a per-layer setting that travels with the column skew:
// a register chain along the top edge hands it to column c c+1 cycles
// after it is driven (one flip-flop drives the Rows PEs of a column, as
// the Bit Fusion array's per-diagonal mode registers do); a global net to
// all Rows x Cols PEs would not meet timing.
//
// Parameters:
//   Rows, Cols  array size (1..64 and 1..512)
//   PsumBits    width of the column partial sums (17..32)
// Latency: act_i of row r at PE (r, c) after c cycles; products reach the
//          bottom of the column 2 + (Rows - 1 - r) cycles after the operands;
//          w_signed_i applies to column c after c+1 cycles.
module bf_mac8_array #(
  parameter int Rows     = 16,
  parameter int Cols     = 32,
  parameter int PsumBits = 21
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic [Rows*8-1:0]    act_i,       // 8-bit activation per row
  input  logic [Rows-1:0]      a_signed_i,
  input  logic [Rows*Cols*8-1:0] wgt_i,     // 8-bit weight per PE
  input  logic                 w_signed_i,
  input  logic                 acc_en_i,    // add the bottom psums this cycle
  input  logic                 acc_clr_i,   // start a new accumulation
  output logic [Cols*32-1:0]   acc_o        // column accumulators
);
  initial begin
    if (Rows < 1 || Rows > 64)    $fatal(1, "bf_mac8_array: Rows must be in 1..64");
    if (Cols < 1 || Cols > 512)   $fatal(1, "bf_mac8_array: Cols must be in 1..512");
    if (PsumBits < 17 || PsumBits > 32) $fatal(1, "bf_mac8_array: PsumBits must be in 17..32");
  end

  // Horizontal (activation) and vertical (psum) links between the PEs.
  logic [7:0]          act_h [Rows][Cols+1];
  logic                asg_h [Rows][Cols+1];
  logic [PsumBits-1:0] psum_v [Rows+1][Cols];

  logic [Cols-1:0] w_signed_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) w_signed_q <= '0;
    else begin
      w_signed_q[0] <= w_signed_i;
      for (int c = 1; c < Cols; c++) w_signed_q[c] <= w_signed_q[c-1];
    end
  end

  for (genvar r = 0; r < Rows; r++) begin : g_row
    assign act_h[r][0] = act_i[8*r +: 8];
    assign asg_h[r][0] = a_signed_i[r];
    for (genvar c = 0; c < Cols; c++) begin : g_col
      bf_mac8_pe #(.PsumBits(PsumBits)) u_pe (
        .clk_i, .rst_ni,
        .act_i      (act_h[r][c]),
        .a_signed_i (asg_h[r][c]),
        .act_o      (act_h[r][c+1]),
        .a_signed_o (asg_h[r][c+1]),
        .wgt_i      (wgt_i[8*(r*Cols+c) +: 8]),
        .w_signed_i (w_signed_q[c]),
        .psum_i     (psum_v[r][c]),
        .psum_o     (psum_v[r+1][c])
      );
    end
  end

  for (genvar c = 0; c < Cols; c++) begin : g_acc
    assign psum_v[0][c] = '0;
    logic [31:0] acc_d, acc_q;
    always_comb begin
      acc_d = acc_q;
      if (acc_en_i) acc_d = (acc_clr_i ? 32'd0 : acc_q) + 32'($signed(psum_v[Rows][c]));
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) acc_q <= '0;
      else         acc_q <= acc_d;
    end
    assign acc_o[32*c +: 32] = acc_q;
  end

  // The activations leaving the right edge are not used.
  logic unused_edge;
  always_comb begin
    unused_edge = 1'b0;
    for (int r = 0; r < Rows; r++) unused_edge = unused_edge ^ (^act_h[r][Cols]) ^ asg_h[r][Cols];
  end
endmodule
