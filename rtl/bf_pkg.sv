// bf_pkg: constants shared by every Bit Fusion RTL module.
//
// Yosys 0.23 reads packages but not `import`: refer to items as
// bf_pkg::NAME. Precision codes are log2(bits) - 1 for the widths the
// spatial hardware supports; 16-bit operands are temporal (see docs/).
package bf_pkg;
  // Operand precision codes (2-bit field).
  localparam logic [1:0] Prec2 = 2'd0;  // 2-bit lanes (also 1-bit layers)
  localparam logic [1:0] Prec4 = 2'd1;  // 4-bit lanes
  localparam logic [1:0] Prec8 = 2'd2;  // 8-bit lanes
  // 2'd3 is reserved; the datapath treats it as Prec8 and assertions flag it.

  // Fusion Unit geometry.
  localparam int NumBricks   = 16;  // BitBricks per Fusion Unit
  localparam int PortBits    = 32;  // dense operand port width (max distinct bits)
  localparam int FuSumBits   = 17;  // exact signed width of one FU cycle's sum
  localparam int GroupBits   = 9;   // exact signed width of a 4-brick group sum
endpackage
