// Lane-induction lemmas of the Fusion Unit proof (formal only; see
// docs/verification.md, "Fusion Unit: lane induction").
//
// For one width pair (A, W) with L = 64 / (A*W) lanes, let F(act, wgt) be
// the RTL Fusion Unit's next sum (bf_fusion_unit, its own BitBricks, reset
// released, the output register read as a wire) and act^(j) the activation
// word with lanes j .. L-1 set to zero and the port bits above the lanes
// (if any) kept, so act^(L) = act. The
// lemmas, each a combinational miter proven by a SAT solver, are
//   K = 0 (base):   F(act^(0), wgt) == 0, and the output is 0 in reset
//   K = 1 .. L:     F(act^(K), wgt) - F(act^(K-1), wgt) == P_(K-1)   (mod 2^17)
// for every act, wgt and both sign controls, where P_j is spec_lane_mul of
// lane j (the behavioural product of spec_fusion_unit). Summing the L+1
// lemmas (a telescoping sum) gives F(act, wgt) == sum over lanes j of P_j
// (mod 2^17), which is spec_fusion_unit's sum: the complete proof for the
// pair, with no lemma about the order of the additions. Each lemma's two
// copies of the RTL differ only in the bricks of lane K-1, so the solver
// follows one lane's contribution through the adder tree instead of
// re-associating all L products at once (the 16-lane 2x2 miter of that
// kind does not finish in two CPU hours; its 17 lemmas take seconds).
//
// Parameters: PA, PW: precision codes (0/1/2 = 2/4/8 bits); K: the lemma
// (0 = base, K >= 1: lane K-1). The clock is a free input: formal/run.sh
// turns the output registers into wires (formal/dff_to_wire.v); a constant
// clock would let Yosys remove them as never-clocked. Output bad = 1 iff the lemma fails for
// this input (the SAT problem is "bad can be 1").
module fu_lane_step #(
  parameter int PA = 0,
  parameter int PW = 0,
  parameter int K  = 0
) (
  input  logic        clk_i,
  input  logic [31:0] act_i,
  input  logic [31:0] wgt_i,
  input  logic        a_signed_i,
  input  logic        w_signed_i,
  output logic        bad_o
);
  localparam int A = 2 << PA;
  localparam int W = 2 << PW;
  localparam int L = 64 / (A * W);
  initial begin
    if (PA < 0 || PA > 2 || PW < 0 || PW > 2) $fatal(1, "fu_lane_step: PA and PW must be 0, 1 or 2");
    if (K < 0 || K > L) $fatal(1, "fu_lane_step: K must be in [0, L]");
  end

  // act^(K) (lanes >= K zeroed) and act^(K-1) (lanes >= K-1 zeroed). The
  // port bits above the lanes (A*L < 32 when W >= 4) are no lane's; they
  // stay as they are in both copies, so that act^(L) = act and the base
  // lemma also proves that they do not change the sum. (Left undriven they
  // would be x, which Yosys may simplify at will: a review showed an RTL
  // mutant that reads act_i[31] passing every 2x4 lemma that way.)
  logic [31:0] act_hi, act_lo;
  for (genvar k = 0; k < L; k++) begin : g_lane
    assign act_hi[k*A +: A] = (k < K) ? act_i[k*A +: A] : '0;
    assign act_lo[k*A +: A] = (k < K - 1) ? act_i[k*A +: A] : '0;
  end
  if (L * A < 32) begin : g_above
    assign act_hi[31:L*A] = act_i[31:L*A];
    assign act_lo[31:L*A] = act_i[31:L*A];
  end

  logic signed [16:0] s_hi, s_lo;
  bf_fusion_unit u_hi (
    .clk_i, .rst_ni (1'b1), .act_i (act_hi), .wgt_i, .prec_a_i (2'(PA)), .prec_w_i (2'(PW)),
    .a_signed_i, .w_signed_i, .sum_o (s_hi)
  );
  bf_fusion_unit u_lo (
    .clk_i, .rst_ni (1'b1), .act_i (act_lo), .wgt_i, .prec_a_i (2'(PA)), .prec_w_i (2'(PW)),
    .a_signed_i, .w_signed_i, .sum_o (s_lo)
  );

  if (K == 0) begin : g_base
    // Also the reset: with rst_ni low the RTL's register holds 0, like the
    // specification's (any operands).
    logic signed [16:0] s_rst;
    bf_fusion_unit u_rst (
      .clk_i, .rst_ni (1'b0), .act_i, .wgt_i, .prec_a_i (2'(PA)), .prec_w_i (2'(PW)),
      .a_signed_i, .w_signed_i, .sum_o (s_rst)
    );
    assign bad_o = (s_lo != 17'sd0) || (s_hi != 17'sd0) || (s_rst != 17'sd0);  // act = 0 in u_lo, u_hi
  end else begin : g_step
    logic signed [A+W+1:0] p;
    spec_lane_mul #(.A(A), .W(W)) u_mul (
      .a_i (act_i[(K-1)*A +: A]), .w_i (wgt_i[(K-1)*W +: W]), .a_signed_i, .w_signed_i, .p_o (p)
    );
    logic signed [31:0] p32;   // sign-extended: assignment of a signed value
    logic [16:0] diff, p17;
    assign p32   = p;
    assign diff  = s_hi - s_lo;
    assign p17   = p32[16:0];
    assign bad_o = diff != p17;
  end
endmodule
