// bf_sram: one synthesizable SRAM bank with one read and one write port.
//
// The model every on-chip buffer (IBUF, WBUF, OBUF) is built from. Reads
// are synchronous: the word at raddr_i is on rdata_o in the cycle after
// re_i, and rdata_o holds its value while re_i is low. A read and a write
// of the same address in the same cycle return the old word (the caller
// bypasses if it needs the new one). No reset: contents start undefined in
// silicon; Verilator and Icarus start them at 0.
//
// Parameters:
//   Depth  words (>= 2, a power of two)
//   Width  bits per word (>= 1)
// Latency: 1 cycle read; a write is visible to reads of the next cycle.
module bf_sram #(
  parameter int Depth = 256,
  parameter int Width = 32,
  localparam int Aw = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [Aw-1:0]    waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             re_i,
  input  logic [Aw-1:0]    raddr_i,
  output logic [Width-1:0] rdata_o
);
  initial begin
    if (Depth < 2 || (Depth & (Depth - 1)) != 0) $fatal(1, "bf_sram: Depth must be a power of two >= 2");
    if (Width < 1) $fatal(1, "bf_sram: Width must be >= 1");
  end

  logic [Width-1:0] mem [Depth];
  logic [Width-1:0] rdata_q;

  always_ff @(posedge clk_i) begin
    if (we_i) mem[waddr_i] <= wdata_i;
  end
  always_ff @(posedge clk_i) begin
    if (re_i) rdata_q <= mem[raddr_i];
  end
  assign rdata_o = rdata_q;
endmodule
