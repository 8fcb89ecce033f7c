// bf_fifo: a small synchronous FIFO in registers, the one every unit uses
// instead of hand-written pointer FIFOs (after PULP common_cells fifo_v3).
//
//   push_i with data_i writes the tail (ignored, and flagged by an
//   assertion, when full_o is high and pop_i is low); pop_i removes the
//   head (ignored, and flagged, when empty_o is high). data_o is the head
//   entry, valid while empty_o is low. Push and pop in one cycle are
//   allowed in every state, full included (the pop frees the slot).
//   flush_i empties the FIFO; a push in the same cycle is dropped.
//   usage_o counts the entries (0..Depth).
//
// Parameters:
//   Depth  entries, a power of two >= 2
//   Width  bits per entry (>= 1)
// Latency: an entry pushed in cycle t is on data_o (empty_o low) in t+1;
//   full_o / empty_o / usage_o are registered-state functions (no input
//   to output path).
module bf_fifo #(
  parameter int Depth = 8,
  parameter int Width = 32,
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
    if (Depth < 2 || (Depth & (Depth - 1)) != 0) $fatal(1, "bf_fifo: Depth must be a power of two >= 2");
    if (Width < 1) $fatal(1, "bf_fifo: Width must be >= 1");
  end

  logic [Width-1:0] mem_q [Depth];
  logic [Aw:0]      wr_q, wr_d, rd_q, rd_d;  // pointers with one wrap bit
  logic             do_push, do_pop;

  assign usage_o = wr_q - rd_q;
  assign full_o  = usage_o == (Aw+1)'(Depth);
  assign empty_o = wr_q == rd_q;
  assign data_o  = mem_q[rd_q[Aw-1:0]];
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

  // Storage: no reset (the pointers say what is valid).
  always_ff @(posedge clk_i) begin
    if (do_push) mem_q[wr_q[Aw-1:0]] <= data_i;
  end

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  always @(posedge clk_i) begin
    if (!flush_i) begin
      if (push_i && full_o && !pop_i) $error("bf_fifo: push while full");
      if (pop_i && empty_o) $error("bf_fifo: pop while empty");
    end
  end
`endif
`endif
endmodule
