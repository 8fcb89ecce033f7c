// bf_opsel: selects one dense operand word from a 32-bit buffer word.
//
// Operand words are packed densely in the buffers (docs/architecture.md,
// "Buffers"): an activation operand word is 64/W bits, a weight operand
// word 64/A bits, so a buffer word holds 4 (8-bit words), 2 (16-bit) or 1
// (32-bit) of them, lowest first. `prec_other_i` is the precision code of
// the *other* operand, which sets the operand word width:
//   code 2 (other is 8 bits): 8-bit word  sel_i[1:0] of the buffer word
//   code 1 (other is 4 bits): 16-bit word sel_i[0]
//   code 0 (other is 2 bits): the whole 32-bit word
// The result is zero-extended to 32 bits (bf_spread ignores the high bits).
//
// Parameters: none.
// Latency: 0 (combinational).
module bf_opsel (
  input  logic [31:0] word_i,
  input  logic [1:0]  sel_i,
  input  logic [1:0]  prec_other_i,
  output logic [31:0] dense_o
);
  logic [7:0]  byte_sel;
  logic [15:0] half_sel;
  assign byte_sel = sel_i == 2'd0 ? word_i[7:0]
                  : sel_i == 2'd1 ? word_i[15:8]
                  : sel_i == 2'd2 ? word_i[23:16] : word_i[31:24];
  assign half_sel = sel_i[0] ? word_i[31:16] : word_i[15:0];
  assign dense_o  = prec_other_i == 2'd0 ? word_i
                  : prec_other_i == 2'd1 ? {16'd0, half_sel} : {24'd0, byte_sel};
endmodule
