// bf_ctrl_wb: the write-back function of one output channel, the RTL of
// golden/requant.hpp (bf::write_back), as a pipeline:
//
//   sum = acc + (bias ? bias_i : 0)                            (32-bit wrap)
//   raw:      out = sum
//   requant:  p   = sum * mult                                 (48-bit signed)
//             s   = round ? (p + 2^(shift-1)) >>> shift : p >>> shift
//             out = clamp(zero + s, lo, hi)
//
// mult (16 bits), shift (0..47) and round come from the layer's requant
// registers, or, with `channel`, from this channel's parameter word
// param_i ([15:0] mult, [21:16] shift, [22] round). zero, lo and hi are
// 17-bit signed values (-65536..65535). out_o is the 32-bit two's
// complement value; the store unit packs its low bits.
//
// Stages (one register each, no stall: every stage moves every cycle):
//   1  sum, and the multiplier / shift / rounding of the channel
//   2  the four 32x4 partial products of sum * mult, the rounding constant
//   3  two pair sums (sum * mult[7:0], sum * mult[15:8])
//   4  the 48-bit product plus the rounding constant
//   5  the arithmetic shift, saturated to 18 bits (beyond the clamp range)
//   6  + zero point, clamp
// (Four 4-bit partial products instead of two 8-bit ones: the 32x8
// multiply did not fit a 2 ns cycle in the Nangate 45 nm flow.)
//
// Parameters: none.
// Latency: out_o holds the result of the inputs of cycle t in cycle
//   t + Latency (6).
module bf_ctrl_wb `BF_IMPORT (
  input  logic           clk_i,
  input  logic [31:0]    acc_i,
  input  logic [31:0]    bias_i,
  input  logic [31:0]    param_i,
  input  `BF_T(wb_cfg_t) cfg_i,
  output logic [31:0]    out_o
);
  localparam int Latency = 6;

  logic        requant, bias_en, channel, round;
  logic [15:0] mult;
  logic [5:0]  shift;
  logic [16:0] zero, lo, hi;
  assign requant = cfg_i.requant;
  assign bias_en = cfg_i.bias;
  assign channel = cfg_i.channel;
  assign mult    = cfg_i.mult;
  assign shift   = cfg_i.shift;
  assign round   = cfg_i.round;
  assign zero    = cfg_i.zero;
  assign lo      = cfg_i.lo;
  assign hi      = cfg_i.hi;

  logic unused;
  assign unused = ^{cfg_i.out_prec, param_i[31:23], Latency[0]};

  // ---------------------------------------------------------- stage 1
  logic [31:0] sum_q;
  logic [15:0] m1_q;
  logic [5:0]  sh1_q;
  logic        rnd1_q, req1_q;
  always_ff @(posedge clk_i) begin
    sum_q  <= acc_i + (bias_en ? bias_i : 32'd0);
    m1_q   <= channel ? param_i[15:0] : mult;
    sh1_q  <= channel ? ((param_i[21:16] > 6'd47) ? 6'd47 : param_i[21:16]) : shift;
    rnd1_q <= channel ? param_i[22] : round;
    req1_q <= requant;
  end

  // ---------------------------------------------------------- stage 2
  logic [4*37-1:0]    pp_q;  // four signed 37-bit products, mult[3:0] lowest
  logic signed [48:0] rc2_q;
  logic [31:0] sum2_q;
  logic [5:0]  sh2_q;
  logic        req2_q;
  always_ff @(posedge clk_i) begin
    for (int i = 0; i < 4; i++) pp_q[37*i +: 37] <= 37'($signed(sum_q)) * $signed({1'b0, m1_q[4*i +: 4]});
    rc2_q  <= (rnd1_q && sh1_q != 6'd0) ? 49'sd1 <<< (sh1_q - 6'd1) : 49'sd0;
    sum2_q <= sum_q;
    sh2_q  <= sh1_q;
    req2_q <= req1_q;
  end

  // ---------------------------------------------------------- stage 3
  logic signed [40:0] plo_q, phi_q;
  logic signed [48:0] rc3_q;
  logic [31:0] sum3_q;
  logic [5:0]  sh3_q;
  logic        req3_q;
  always_ff @(posedge clk_i) begin
    plo_q  <= 41'($signed(pp_q[0 +: 37])) + (41'($signed(pp_q[37 +: 37])) <<< 4);
    phi_q  <= 41'($signed(pp_q[74 +: 37])) + (41'($signed(pp_q[111 +: 37])) <<< 4);
    rc3_q  <= rc2_q;
    sum3_q <= sum2_q;
    sh3_q  <= sh2_q;
    req3_q <= req2_q;
  end

  // ---------------------------------------------------------- stage 4
  logic signed [48:0] p_q;
  logic [31:0] sum4_q;
  logic [5:0]  sh4_q;
  logic        req4_q;
  always_ff @(posedge clk_i) begin
    p_q    <= 49'(plo_q) + (49'(phi_q) <<< 8) + rc3_q;
    sum4_q <= sum3_q;
    sh4_q  <= sh3_q;
    req4_q <= req3_q;
  end

  // ---------------------------------------------------------- stage 5
  // s = p >>> shift, saturated to [-2^17, 2^17 - 1]: the clamp range is
  // 17 bits, so a larger magnitude clamps the same way.
  logic signed [48:0] s_full;
  logic               s_hi, s_lo;
  logic signed [17:0] s_q;
  logic [31:0] sum5_q;
  logic        req5_q;
  assign s_full = p_q >>> sh4_q;
  assign s_hi   = !s_full[48] && |s_full[47:17];
  assign s_lo   = s_full[48] && !(&s_full[47:17]);
  always_ff @(posedge clk_i) begin
    s_q    <= s_hi ? 18'sh1ffff : s_lo ? -18'sh20000 : s_full[17:0];
    sum5_q <= sum4_q;
    req5_q <= req4_q;
  end

  // ---------------------------------------------------------- stage 6
  logic signed [18:0] v;
  logic [31:0] out_q;
  assign v = 19'(s_q) + 19'($signed(zero));
  always_ff @(posedge clk_i) begin
    if (!req5_q)                    out_q <= sum5_q;
    else if (v < 19'($signed(lo)))  out_q <= 32'($signed(lo));
    else if (v > 19'($signed(hi)))  out_q <= 32'($signed(hi));
    else                            out_q <= 32'(v);
  end
  assign out_o = out_q;
endmodule
