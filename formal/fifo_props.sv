// fifo_props: formal properties of rtl/common/bf_fifo.sv (Depth 4, Width 4).
//
// A shadow model of the documented contract (the header of bf_fifo.sv)
// runs beside the FIFO: a queue held as a shift register (entry 0 is the
// oldest) and an entry count. Every cycle the FIFO's outputs must agree:
//   usage_o == count, empty_o == (count == 0), full_o == (count == Depth),
//   usage_o <= Depth, and data_o == the oldest entry while not empty
// (FIFO order and data integrity: whatever sequence of values is pushed
// comes out in that order, unchanged, none lost, none duplicated); after a
// flush the FIFO is empty.
//
// Env = 0: the environment is free (push when full, pop when empty, flush
//   at any time); the contract says such a push or pop is ignored.
// Env = 1: a well-behaved environment (assumed): no push into a full FIFO
//   unless it pops in the same cycle, no pop from an empty one. Then also
//   usage_o == (pushes - pops since the last flush), counted from the raw
//   push_i / pop_i inputs: nothing overflows or underflows.
//
// Induction helpers: peek_* are the FIFO's internal pointers and storage.
// Yosys 0.23 has no hierarchical references, so these wires are left
// undriven here and formal/run.sh connects them to the flattened FIFO's
// registers (`connect -set`). They only strengthen the induction (the
// visible properties above do not depend on them); if a connection were
// missing, the peek wires would be free and the proof would fail, not pass.
module fifo_props #(
  parameter int Env = 0
) (
  input logic       clk_i,
  input logic       rst_ni,
  input logic       flush_i,
  input logic       push_i,
  input logic [3:0] data_i,
  input logic       pop_i
);
  localparam int Depth = 4;
  localparam int Width = 4;

  logic             full, empty;
  logic [Width-1:0] data_o;
  logic [2:0]       usage;

  bf_fifo #(.Depth(Depth), .Width(Width)) u_dut (
    .clk_i, .rst_ni, .flush_i, .push_i, .data_i, .full_o (full),
    .pop_i, .data_o, .empty_o (empty), .usage_o (usage)
  );

  // Start in reset.
  logic init_q = 1'b1;
  always_ff @(posedge clk_i) init_q <= 1'b0;
  always_comb if (init_q) assume (!rst_ni);

  // ---- Shadow model of the contract ----
  logic [2:0]       cnt_q;           // entries
  logic [Width-1:0] q_q [Depth];     // q_q[0] is the oldest entry
  logic [Width-1:0] q_d [Depth];
  logic             pop_ok, push_ok;
  assign pop_ok  = !flush_i && pop_i && cnt_q != 3'd0;
  assign push_ok = !flush_i && push_i && (cnt_q != 3'(Depth) || pop_ok);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cnt_q <= 3'd0;
    end else if (flush_i) begin
      cnt_q <= 3'd0;
    end else begin
      cnt_q <= cnt_q + 3'(push_ok) - 3'(pop_ok);
    end
  end
  // A pop shifts every entry one place towards the head; a push writes
  // the first free place (after the shift).
  always_comb begin
    for (int i = 0; i < Depth; i++) begin
      q_d[i] = q_q[i];
      if (pop_ok && i < Depth - 1) q_d[i] = q_q[i+1];
      if (push_ok && 3'(i) == cnt_q - 3'(pop_ok)) q_d[i] = data_i;
    end
  end
  always_ff @(posedge clk_i) begin
    for (int i = 0; i < Depth; i++) q_q[i] <= q_d[i];
  end

  // Raw count of pushes minus pops since the last flush (Env = 1 only).
  logic [2:0] raw_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)      raw_q <= 3'd0;
    else if (flush_i) raw_q <= 3'd0;
    else              raw_q <= raw_q + 3'(push_i) - 3'(pop_i);
  end

  logic flushed_q;  // a flush was applied in the previous cycle
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) flushed_q <= 1'b0;
    else         flushed_q <= flush_i;
  end

  // ---- Environment ----
  if (Env == 1) begin : g_env
    always_comb begin
      if (!flush_i) begin
        assume (!(push_i && full && !pop_i));
        assume (!(pop_i && empty));
      end
    end
  end

  // ---- Properties ----
  always_comb begin
    assert (usage == cnt_q);
    assert (usage <= 3'(Depth));
    assert (empty == (cnt_q == 3'd0));
    assert (full == (cnt_q == 3'(Depth)));
    if (cnt_q != 3'd0) assert (data_o == q_q[0]);
    if (flushed_q) assert (empty);
    if (Env == 1) assert (usage == raw_q);
  end

  // ---- Induction helpers (connected by formal/run.sh) ----
  logic [2:0]             peek_wr, peek_rd;
  logic [Depth*Width-1:0] peek_mem;   // entry i at [i*Width +: Width]
  always_comb begin
    assert (3'(peek_wr - peek_rd) == cnt_q);
    for (int i = 0; i < Depth; i++) begin
      if (3'(i) < cnt_q) assert (peek_mem[2'(peek_rd + 3'(i))*Width +: Width] == q_q[i]);
    end
  end
endmodule
