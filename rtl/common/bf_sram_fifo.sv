// bf_sram_fifo: a FIFO whose storage is one bf_sram bank (an SRAM macro in
// synthesis), for entries too wide or too many for registers (the load
// unit's response beats). Same interface and timing as bf_fifo: an entry
// pushed in cycle t is on data_o (empty_o low) in t+1. The bank is read
// every cycle at the next cycle's head, and an entry written to that very
// slot in the same cycle is bypassed, so data_o is always the head.
//
// Parameters:
//   Depth  entries, a power of two >= 2
//   Width  bits per entry (>= 1)
// Latency: as bf_fifo (1 cycle from push to data_o).
module bf_sram_fifo #(
  parameter int Depth = 16,
  parameter int Width = 64,
  localparam int Aw = $clog2(Depth)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             flush_i,
  input  logic             push_i,
  input  logic [Width-1:0] data_i,
  output logic             full_o,
  input  logic             pop_i,
  output logic [Width-1:0] data_o,
  output logic             empty_o,
  output logic [Aw:0]      usage_o
);
  initial begin
    if (Depth < 2 || (Depth & (Depth - 1)) != 0) $fatal(1, "bf_sram_fifo: Depth must be a power of two >= 2");
  end

  logic [Aw:0] wr_q, wr_d, rd_q, rd_d;  // pointers with one wrap bit
  logic        do_push, do_pop;
  assign usage_o = wr_q - rd_q;
  assign full_o  = usage_o == (Aw+1)'(Depth);
  assign empty_o = wr_q == rd_q;
  assign do_pop  = pop_i && !empty_o && !flush_i;
  assign do_push = push_i && (!full_o || do_pop) && !flush_i;

  always_comb begin
    wr_d = wr_q;
    rd_d = rd_q;
    if (flush_i) begin
      rd_d = wr_q;
    end else begin
      if (do_push) wr_d = wr_q + 1'b1;
      if (do_pop)  rd_d = rd_q + 1'b1;
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q <= '0;
      rd_q <= '0;
    end else begin
      wr_q <= wr_d;
      rd_q <= rd_d;
    end
  end

  // Read the next cycle's head; bypass a write to it in the same cycle.
  logic [Width-1:0] ram_rdata, byp_data_q;
  logic             byp, byp_q;
  bf_sram #(.Depth (Depth), .Width (Width)) u_ram (
    .clk_i,
    .we_i (do_push), .waddr_i (wr_q[Aw-1:0]), .wdata_i (data_i),
    .re_i (1'b1), .raddr_i (rd_d[Aw-1:0]), .rdata_o (ram_rdata)
  );
  assign byp = do_push && wr_q[Aw-1:0] == rd_d[Aw-1:0];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) byp_q <= 1'b0;
    else         byp_q <= byp;
  end
  always_ff @(posedge clk_i) begin
    if (byp) byp_data_q <= data_i;
  end
  assign data_o = byp_q ? byp_data_q : ram_rdata;

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  always @(posedge clk_i) begin
    if (!flush_i) begin
      if (push_i && full_o && !pop_i) $error("bf_sram_fifo: push while full");
      if (pop_i && empty_o) $error("bf_sram_fifo: pop while empty");
    end
  end
`endif
`endif
endmodule
