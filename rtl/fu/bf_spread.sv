// bf_spread: routes a dense operand word to the 16 BitBricks of a Fusion Unit.
//
// A dense word holds the lanes of one operand back to back: lane k of a
// b-bit operand occupies bits [k*b +: b] (see docs/packing.md). Brick n of
// the Fusion Unit needs one 2-bit slice of one lane; which slice of which
// lane depends on both operand precisions. This module is the fixed
// routing table for all 9 precision pairs: field n of fields_o (bits
// [2n +: 2]) is the slice brick n multiplies.
//
// Brick numbering (n = {n3 n2 n1 n0}):
//   n0 = low/high 2-bit half of a 4-bit activation slice (used when A >= 4)
//   n2 = low/high 4-bit half of an 8-bit activation     (used when A == 8)
//   n1 = low/high 2-bit half of a 4-bit weight slice     (used when W >= 4)
//   n3 = low/high 4-bit half of an 8-bit weight          (used when W == 8)
//   the bits not used as slice bits number the lane, taken in the order
//   n1, n3, n2, n0 (least significant first). That order keeps the weight
//   routing to 16 extra 2-bit mux inputs in all (the activation routing is
//   shared by a whole array row, so its cost is amortised).
//
// Parameters:
//   IsWeight  0: fields_o are activation slices; 1: weight slices.
// Latency: 0 (combinational).
module bf_spread #(
  parameter int IsWeight = 0
) (
  input  logic [31:0] dense_i,    // dense lanes of one operand
  input  logic [1:0]  prec_a_i,   // activation precision code (bf_pkg::Prec*)
  input  logic [1:0]  prec_w_i,   // weight precision code
  output logic [31:0] fields_o    // 2-bit slice per brick
);
  initial begin
    if (IsWeight != 0 && IsWeight != 1) $fatal(1, "bf_spread: IsWeight must be 0 or 1");
  end

  // Bit position in the dense word of brick n's slice for precision codes
  // pa, pw (0: 2 bits, 1: 4 bits, 2: 8 bits).
  function automatic int slice_pos(input int n, input int pa, input int pw, input int is_w);
    int lane, nl, k, bi, ie, je;
    bit is_slice;
    lane = 0;
    nl   = 0;
    for (k = 0; k < 4; k++) begin
      bi = (k == 0) ? 1 : (k == 1) ? 3 : (k == 2) ? 2 : 0;
      is_slice = ((bi == 0) && (pa >= 1)) || ((bi == 2) && (pa == 2)) ||
                 ((bi == 1) && (pw >= 1)) || ((bi == 3) && (pw == 2));
      if (!is_slice) begin
        lane = lane | (((n >> bi) & 1) << nl);
        nl   = nl + 1;
      end
    end
    ie = ((pa >= 1) ? (n & 1) : 0) | ((pa == 2) ? (((n >> 2) & 1) << 1) : 0);
    je = ((pw >= 1) ? ((n >> 1) & 1) : 0) | ((pw == 2) ? (((n >> 3) & 1) << 1) : 0);
    if (is_w != 0) slice_pos = lane * (2 << pw) + 2 * je;
    else           slice_pos = lane * (2 << pa) + 2 * ie;
  endfunction

  // Code 3 is reserved and routed as 8 bits, like the rest of the datapath.
  logic [1:0] pa, pw;
  assign pa = (prec_a_i == 2'd3) ? 2'd2 : prec_a_i;
  assign pw = (prec_w_i == 2'd3) ? 2'd2 : prec_w_i;

  for (genvar n = 0; n < 16; n++) begin : g_brick
    logic [1:0] cand [9];
    for (genvar m = 0; m < 9; m++) begin : g_mode
      localparam int Pos = slice_pos(n, m / 3, m % 3, IsWeight);
      assign cand[m] = dense_i[Pos +: 2];
    end
    always_comb begin
      case ({pa, pw})
        4'b00_00: fields_o[2*n +: 2] = cand[0];
        4'b00_01: fields_o[2*n +: 2] = cand[1];
        4'b00_10: fields_o[2*n +: 2] = cand[2];
        4'b01_00: fields_o[2*n +: 2] = cand[3];
        4'b01_01: fields_o[2*n +: 2] = cand[4];
        4'b01_10: fields_o[2*n +: 2] = cand[5];
        4'b10_00: fields_o[2*n +: 2] = cand[6];
        4'b10_01: fields_o[2*n +: 2] = cand[7];
        default:  fields_o[2*n +: 2] = cand[8];
      endcase
    end
  end
endmodule
