// bf_ctrl_walk: the walk of a block's tile-loop nest (docs/isa.md,
// "Running a block"), the RTL twin of bf::TileWalk: the index vector of
// the current step (t0 outermost, t7 innermost; a loop of count 1 is
// always on its first and last index), which loops are on their first /
// last iteration, and each stream's DRAM address generator.
//
//   start_i  the block's first step: every index 0, every stream at its
//            base address.
//   adv_i    the next step (only when has_next_o): the innermost loop not
//            on its last index counts up, the loops inside it restart.
//   addr_o   DRAM address of each stream's first run at this step:
//            base + sum_t idx[t] * tile[t] (modulo 2^32), kept per loop
//            level so an advance is one add (no multiplier). The
//            sequencer adds a fifth generator, the IBUF tile-loop offset
//            (base 0, tile[t] = ENG[ibuf].tile[t]).
//   has_next_o and the advancing loop are registered from the flags of
//   the cycle before (the indices move only on adv_i, which the sequencer
//   raises at least one cycle after the step's flags settle).
//
// Parameters:
//   Streams  address generators (1..8; the sequencer uses 5).
// Latency: indices and addresses move on the clock edge after start_i /
//   adv_i; the flags are combinational from the indices.
module bf_ctrl_walk #(
  parameter int Streams = 4
) (
  input  logic                                clk_i,
  input  logic                                rst_ni,
  input  logic                                start_i,
  input  logic                                adv_i,
  input  logic [bf_pkg::TileLoops*17-1:0]     tile_m1_i,   // count - 1 of loop t at [17t +: 17]
  input  logic [Streams*32-1:0]               dram_base_i, // stream s at [32s +: 32]
  input  logic [Streams*bf_pkg::TileLoops*32-1:0] dram_tile_i, // stream s, loop t at [32(8s+t) +: 32]
  output logic [bf_pkg::TileLoops-1:0]        at_last_o,
  output logic [bf_pkg::TileLoops-1:0]        at_first_o,
  output logic                                has_next_o,
  output logic [Streams*32-1:0]               addr_o       // stream s at [32s +: 32]
);
  localparam int NT = bf_pkg::TileLoops;

  initial begin
    if (Streams < 1 || Streams > 8) $fatal(1, "bf_ctrl_walk: Streams must be in [1, 8]");
  end

  logic [16:0] idx_q [NT];
  for (genvar t = 0; t < NT; t++) begin : g_flags
    assign at_last_o[t]  = idx_q[t] == tile_m1_i[17*t +: 17];
    assign at_first_o[t] = idx_q[t] == 17'd0;
  end

  // Innermost loop that can advance, registered.
  logic       found, found_q;
  logic [2:0] adv, adv_q;
  always_comb begin
    found = 1'b0;
    adv   = 3'd0;
    for (int t = NT - 1; t >= 0; t--) begin
      if (!found && !at_last_o[t]) begin
        found = 1'b1;
        adv   = 3'(t);
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      found_q <= 1'b0;
      adv_q   <= '0;
    end else begin
      found_q <= found;
      adv_q   <= adv;
    end
  end
  assign has_next_o = found_q;
  // Loops at (ge) / inside (gt) the advancing one.
  logic [NT-1:0] ge_mask, gt_mask;
  assign ge_mask = {NT{1'b1}} << adv_q;
  assign gt_mask = {{(NT-1){1'b1}}, 1'b0} << adv_q;

  // Indices.
  for (genvar t = 0; t < NT; t++) begin : g_idx
    logic [16:0] d;
    always_comb begin
      d = idx_q[t];
      if (start_i)                         d = '0;
      else if (adv_i && adv_q == 3'(t))    d = idx_q[t] + 17'd1;
      else if (adv_i && gt_mask[t])        d = '0;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) idx_q[t] <= '0;
      else         idx_q[t] <= d;
    end
  end

  // Address generators: a[s][t] is stream s's address at the current
  // iteration of loop t (a[s][7] is the step's); an advance of loop k sets
  // a[s][t] = a[s][k] + tile[s][k] for every t >= k.
  logic [31:0] a_q [Streams*NT];
  logic [31:0] tile [Streams*NT];
  for (genvar i = 0; i < Streams * NT; i++) begin : g_addr
    logic [31:0] d;
    assign tile[i] = dram_tile_i[32*i +: 32];
    always_comb begin
      d = a_q[i];
      if (start_i)                                  d = dram_base_i[32*(i/NT) +: 32];
      else if (adv_i && ge_mask[i % NT])            d = a_q[(i/NT)*NT + 32'(adv_q)] + tile[(i/NT)*NT + 32'(adv_q)];
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) a_q[i] <= '0;
      else         a_q[i] <= d;
    end
  end
  for (genvar s = 0; s < Streams; s++) begin : g_out
    assign addr_o[32*s +: 32] = a_q[s*NT + NT - 1];
  end
endmodule
