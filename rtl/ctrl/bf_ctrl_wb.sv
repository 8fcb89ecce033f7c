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
  logic        [31:0] sum;
  logic signed [31:0] sh, hi, lo, v;
  assign sum = acc_i + (bias_en_i ? bias_i : 32'd0);
  assign sh  = $signed(sum) >>> shift_i;
  always_comb begin
    unique case (out_code_i)
      2'd0:    begin hi = relu_i ? 32'sd3     : 32'sd1;     lo = relu_i ? 32'sd0 : -32'sd2;     end
      2'd1:    begin hi = relu_i ? 32'sd15    : 32'sd7;     lo = relu_i ? 32'sd0 : -32'sd8;     end
      2'd2:    begin hi = relu_i ? 32'sd255   : 32'sd127;   lo = relu_i ? 32'sd0 : -32'sd128;   end
      default: begin hi = relu_i ? 32'sd65535 : 32'sd32767; lo = relu_i ? 32'sd0 : -32'sd32768; end
    endcase
    v = sh;
    if (v > hi) v = hi;
    if (v < lo) v = lo;
  end
  assign out_o = requant_i ? 32'(v) : sum;
endmodule
