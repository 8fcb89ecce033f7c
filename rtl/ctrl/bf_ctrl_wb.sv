// bf_ctrl_wb: the write-back function of one output channel
// (docs/isa.md, "Write-back"; bf::write_back):
//
//   sum = acc + (bias_en ? bias : 0)                   (32-bit wrap)
//   raw:      out = sum
//   requant:  s = sum >>> shift                        (arithmetic)
//             relu: out = clamp(max(s, 0), 0, 2^bits - 1)
//             else: out = clamp(s, -2^(bits-1), 2^(bits-1) - 1)
// with bits = 2 << out_code (2, 4, 8, 16). out_o is the 32-bit two's
// complement value; the caller keeps the bits it packs.
//
// Implementation: the clamp needs no comparator on the shifted value. With
// k = bits (relu) or bits - 1 (signed) and m = shift + k, s lies in the
// range [-2^k, 2^k - 1] exactly when bits m..31 of sum all equal its sign
// bit; so the overflow tests are OR-reductions of sum under a mask that
// depends only on the configuration, computed beside the adder, and the
// barrel shift runs in parallel with them. The 32-bit add, one reduction
// and one multiplexer are the critical path.
//
// Parameters: none.
// Latency: combinational.
module bf_ctrl_wb (
  input  logic [31:0] acc_i,
  input  logic [31:0] bias_i,
  input  logic        bias_en_i,
  input  logic        requant_i,
  input  logic [1:0]  out_code_i,
  input  logic        relu_i,
  input  logic [4:0]  shift_i,
  output logic [31:0] out_o
);
  logic        [31:0] sum, sh, hi, lo, mask;
  logic        [4:0]  k;
  logic        [5:0]  m;
  logic               neg, over_hi, over_lo;

  assign sum = acc_i + (bias_en_i ? bias_i : 32'd0);
  assign sh  = 32'($signed(sum) >>> shift_i);
  assign neg = sum[31];

  // Configuration-only terms (off the data path).
  always_comb begin
    unique case (out_code_i)
      2'd0:    begin hi = relu_i ? 32'd3     : 32'd1;     lo = relu_i ? 32'd0 : 32'hFFFF_FFFE; end
      2'd1:    begin hi = relu_i ? 32'd15    : 32'd7;     lo = relu_i ? 32'd0 : 32'hFFFF_FFF8; end
      2'd2:    begin hi = relu_i ? 32'd255   : 32'd127;   lo = relu_i ? 32'd0 : 32'hFFFF_FF80; end
      default: begin hi = relu_i ? 32'd65535 : 32'd32767; lo = relu_i ? 32'd0 : 32'hFFFF_8000; end
    endcase
  end
  assign k    = (5'd2 << out_code_i) - (relu_i ? 5'd0 : 5'd1);
  assign m    = 6'(shift_i) + 6'(k);
  assign mask = m[5] ? 32'd0 : 32'hFFFF_FFFF << m[4:0];

  // s > hi: s >= 0 with a set bit at or above k; s < lo: s < 0 and (relu,
  // or a clear bit at or above k).
  assign over_hi = !neg && |(sum & mask);
  assign over_lo = neg && (relu_i || |(~sum & mask));

  assign out_o = !requant_i ? sum : over_hi ? hi : over_lo ? lo : sh;
endmodule
