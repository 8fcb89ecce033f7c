// bf_col_out: the 32-bit accumulator at the bottom of one array column and
// its OBUF write stage.
//
// Each valid step brings the column sum of one array cycle (PsumBits,
// sign-extended here to 32 bits). The accumulator adds the column sums of
// a reduction, modulo 2^32 (two's complement wrap-around):
//   acc = (red_first ? 0 : acc) + column_sum
// On the step marked red_last the value v = acc << (8 * shift) (mod 2^32)
// goes to the OBUF bank of the column, at obuf_addr, in the next cycle:
//   overwrite mode:  OBUF[addr] = v
//   accumulate mode: OBUF[addr] = OBUF[addr] + v (mod 2^32).
//
// Accumulate-into reads the old word one cycle ahead, when the step is
// one stage before the column (pre_* inputs: the same step one cycle
// earlier), and registers it, so the bank's read data (SRAM access time)
// never meets the 32-bit adder in one cycle. The old word is registered
// with the writes the early read cannot see: the write of the read cycle
// (lastw) and the write of the current cycle (wr_*), both bypassed, so
// back-to-back accumulations into one address are exact.
//
// Parameters:
//   PsumBits  width of the column sum (17..32)
//   Aw        OBUF bank address width
// Latency: OBUF read 1 cycle before the red_last step reaches the column
//   (accumulate mode only); OBUF write 1 cycle after it.
//
// Test hook: defining BF_ARRAY_MUTANT removes the bypasses, so the suite
// can prove it catches back-to-back accumulation errors (tests/array).
module bf_col_out #(
  parameter int PsumBits = 21,
  parameter int Aw       = 7
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic signed [PsumBits-1:0] psum_i,      // column sum of this step
  input  logic                       valid_i,     // a step reaches the column
  input  logic                       red_first_i,
  input  logic                       red_last_i,
  input  logic [Aw-1:0]              addr_i,      // OBUF word address
  input  logic                       acc_i,       // 1: accumulate into OBUF
  input  logic [1:0]                 shift_i,     // value << 8*shift
  // The step one stage before the column (it reaches the column next cycle).
  input  logic                       pre_valid_i,
  input  logic                       pre_red_last_i,
  input  logic                       pre_acc_i,
  input  logic [Aw-1:0]              pre_addr_i,
  // OBUF bank (the caller gives this column priority on the bank).
  output logic                       rd_en_o,
  output logic [Aw-1:0]              rd_addr_o,
  input  logic [31:0]                rd_data_i,   // 1 cycle after rd_en_o
  output logic                       wr_en_o,
  output logic [Aw-1:0]              wr_addr_o,
  output logic [31:0]                wr_data_o
);
  initial begin
    if (PsumBits < 17 || PsumBits > 32) $fatal(1, "bf_col_out: PsumBits must be in 17..32");
    if (Aw < 1) $fatal(1, "bf_col_out: Aw must be >= 1");
  end

  logic [31:0] acc_q, acc_d, acc_sum, shifted;
  assign acc_sum = (red_first_i ? 32'd0 : acc_q) + 32'($signed(psum_i));
  assign acc_d   = valid_i ? acc_sum : acc_q;
  always_comb begin
    case (shift_i)
      2'd1:    shifted = acc_sum << 8;
      2'd2:    shifted = acc_sum << 16;
      default: shifted = acc_sum;
    endcase
  end

  logic emit;
  assign emit      = valid_i & red_last_i;
  assign rd_en_o   = pre_valid_i & pre_red_last_i & pre_acc_i;
  assign rd_addr_o = pre_addr_i;

  // Write stage: the value, its address and mode, one cycle after emit.
  logic          pend_q, pacc_q;
  logic [Aw-1:0] paddr_q;
  logic [31:0]   pval_q, old_q, old_d;
  // The write of the previous cycle (the cycle of the early read).
  logic          lastw_q;
  logic [Aw-1:0] lastw_addr_q;
  logic [31:0]   lastw_data_q;

`ifdef BF_ARRAY_MUTANT
  assign old_d     = rd_data_i;  // test hook: the bypasses removed on purpose
  logic unused_bypass;
  assign unused_bypass = ^{lastw_q, lastw_addr_q, lastw_data_q};
`else
  assign old_d     = (wr_en_o && wr_addr_o == addr_i)       ? wr_data_o
                   : (lastw_q && lastw_addr_q == addr_i)    ? lastw_data_q
                   :                                          rd_data_i;
`endif
  assign wr_en_o   = pend_q;
  assign wr_addr_o = paddr_q;
  assign wr_data_o = pacc_q ? old_q + pval_q : pval_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q        <= '0;
      pend_q       <= 1'b0;
      pacc_q       <= 1'b0;
      paddr_q      <= '0;
      pval_q       <= '0;
      old_q        <= '0;
      lastw_q      <= 1'b0;
      lastw_addr_q <= '0;
      lastw_data_q <= '0;
    end else begin
      acc_q        <= acc_d;
      pend_q       <= emit;
      pacc_q       <= acc_i;
      paddr_q      <= addr_i;
      pval_q       <= shifted;
      if (emit && acc_i) old_q <= old_d;
      lastw_q      <= pend_q;
      lastw_addr_q <= paddr_q;
      lastw_data_q <= wr_data_o;
    end
  end
endmodule
