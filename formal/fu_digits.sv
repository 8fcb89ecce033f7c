// Cut-point decomposition of the Fusion Unit proof (formal only; see
// docs/verification.md, "Fusion Unit: decomposed proof").
//
// digit_lane_mul: the same lane product written as the sum of its 2-bit
// digit products, digit i of the activation (bits [2i +: 2], signed only
// if the operand is signed and i is its top digit) times digit j of the
// weight, shifted by 2*(i+j). Each digit product is spec_bitbrick
// (Biased = 1) minus the bias it documents, i.e. the behavioural 2x2
// product: the same function the RTL's bricks are proven equal to.
module digit_lane_mul #(
  parameter int A = 8,
  parameter int W = 8
) (
  input  logic [A-1:0]          a_i,
  input  logic [W-1:0]          w_i,
  input  logic                  a_signed_i,
  input  logic                  w_signed_i,
  output logic signed [A+W+1:0] p_o
);
  localparam int NA = A / 2, NW = W / 2;
  logic signed [A+W+1:0] term [NA*NW];
  for (genvar i = 0; i < NA; i++) begin : g_i
    for (genvar j = 0; j < NW; j++) begin : g_j
      logic sa, sw;
      logic signed [5:0] pb;
      logic signed [5:0] bias;
      logic signed [A+W+1:0] pe;  // the digit product, sign-extended
      assign sa = a_signed_i && (i == NA - 1);
      assign sw = w_signed_i && (j == NW - 1);
      spec_bitbrick #(.Biased(1)) u_bb (
        .a_i (a_i[2*i +: 2]), .a_signed_i (sa), .b_i (w_i[2*j +: 2]), .b_signed_i (sw), .p_o (pb)
      );
      assign bias = (sa && sw) ? 6'sd4 : (sa || sw) ? 6'sd6 : 6'sd0;
      assign pe = pb - bias;
      assign term[i*NW + j] = pe <<< (2 * (i + j));
    end
  end
  always_comb begin
    p_o = '0;
    for (int t = 0; t < NA*NW; t++) p_o = p_o + term[t];
  end
endmodule

// lane_mul_miter: lemma "lane": spec_lane_mul == digit_lane_mul for every
// lane value and both sign controls (distributivity of the lane product
// over its 2-bit digits), one proof per width pair.
module lane_mul_gold #(parameter int A = 8, parameter int W = 8) (
  input  logic [A-1:0] a_i, input logic [W-1:0] w_i,
  input  logic a_signed_i, input logic w_signed_i,
  output logic signed [A+W+1:0] p_o
);
  spec_lane_mul #(.A(A), .W(W)) u (.a_i, .w_i, .a_signed_i, .w_signed_i, .p_o);
endmodule
module lane_mul_gate #(parameter int A = 8, parameter int W = 8) (
  input  logic [A-1:0] a_i, input logic [W-1:0] w_i,
  input  logic a_signed_i, input logic w_signed_i,
  output logic signed [A+W+1:0] p_o
);
  digit_lane_mul #(.A(A), .W(W)) u (.a_i, .w_i, .a_signed_i, .w_signed_i, .p_o);
endmodule
