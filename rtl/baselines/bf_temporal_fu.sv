// bf_temporal_fu: the temporal (bit-serial) baseline with the Fusion
// Unit's capability: 16 bf_temporal_units sharing one slice sequencer,
// and a registered sum of their 16 products.
//
// Each unit u computes one product act_u * wgt_u of A-bit x W-bit operands
// (A, W in {2, 4, 8}, each signed or unsigned) over C = (A/2)*(W/2)
// cycles; the 16 products are then summed. Throughput therefore equals a
// Fusion Unit's at every width pair (16 / C products per cycle).
//
// Input schedule: in cycle c = 0..C-1 of a product (each with valid_i = 1),
// act_i[2u +: 2] carries activation slice i = c mod (A/2) of unit u's
// operand and wgt_i[2u +: 2] weight slice j = c / (A/2) (slice 0 = bits
// [1:0]). Precision and signedness must be held during a product.
//
// Output: sum_o = sum_u act_u * wgt_u (21 bits signed, exact), with
// valid_o high for one cycle, 2 cycles after the last slice cycle.
//
// Parameters: none.
// Latency: 2 cycles after the last slice pair of a product.
module bf_temporal_fu (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               valid_i,
  input  logic [31:0]        act_i,       // one 2-bit slice per unit
  input  logic [31:0]        wgt_i,       // one 2-bit slice per unit
  input  logic [1:0]         prec_a_i,    // bf_pkg::Prec* of the activations
  input  logic [1:0]         prec_w_i,    // bf_pkg::Prec* of the weights
  input  logic               a_signed_i,
  input  logic               w_signed_i,
  output logic signed [20:0] sum_o,
  output logic               valid_o
);
  // Last slice index per operand: 0 (code 0, 2 bits), 1 (code 1, 4 bits),
  // 3 (code 2, 8 bits; also the reserved code 3, as in the Fusion Unit).
  logic [1:0] a_last, w_last;
  assign a_last = (prec_a_i == 2'd0) ? 2'd0 : (prec_a_i == 2'd1) ? 2'd1 : 2'd3;
  assign w_last = (prec_w_i == 2'd0) ? 2'd0 : (prec_w_i == 2'd1) ? 2'd1 : 2'd3;

  // Slice sequencer: i over activation slices (inner), j over weight slices.
  logic [1:0] i_d, i_q, j_d, j_q;
  logic       first, last, done_d, done_q;
  assign first = (i_q == 2'd0) && (j_q == 2'd0);
  assign last  = (i_q == a_last) && (j_q == w_last);
  always_comb begin
    i_d = i_q;
    j_d = j_q;
    if (valid_i) begin
      if (last) begin
        i_d = 2'd0;
        j_d = 2'd0;
      end else if (i_q == a_last) begin
        i_d = 2'd0;
        j_d = j_q + 2'd1;
      end else begin
        i_d = i_q + 2'd1;
      end
    end
  end
  assign done_d = valid_i & last;

  logic       a_top, w_top;
  logic [2:0] shift;
  assign a_top = a_signed_i & (i_q == a_last);
  assign w_top = w_signed_i & (j_q == w_last);
  assign shift = {1'b0, i_q} + {1'b0, j_q};

  logic signed [16:0] acc [16];
  for (genvar u = 0; u < 16; u++) begin : g_unit
    bf_temporal_unit u_unit (
      .clk_i, .rst_ni,
      .valid_i,
      .first_i    (first),
      .a_i        (act_i[2*u +: 2]),
      .a_signed_i (a_top),
      .b_i        (wgt_i[2*u +: 2]),
      .b_signed_i (w_top),
      .shift_i    (shift),
      .acc_o      (acc[u])
    );
  end

  // Sum of the 16 finished products (exact in 21 bits).
  logic signed [20:0] tree_sum, sum_d, sum_q;
  always_comb begin
    tree_sum = '0;
    for (int u = 0; u < 16; u++) tree_sum = tree_sum + 21'(acc[u]);
  end
  assign sum_d = done_q ? tree_sum : sum_q;

  logic valid_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      i_q     <= '0;
      j_q     <= '0;
      done_q  <= 1'b0;
      valid_q <= 1'b0;
      sum_q   <= '0;
    end else begin
      i_q     <= i_d;
      j_q     <= j_d;
      done_q  <= done_d;
      valid_q <= done_q;
      sum_q   <= sum_d;
    end
  end
  assign sum_o   = sum_q;
  assign valid_o = valid_q;
endmodule
