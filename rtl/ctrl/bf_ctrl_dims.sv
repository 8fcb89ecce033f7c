// bf_ctrl_dims: the index vector (i3, i2, i1, i0) of a memory walk over
// four nested dims (i0 innermost), as the load and store units walk their
// runs (docs/isa.md, "Running a block"). start_i loads the four counts
// (count - 1 is kept, so "dim d is on its last index" is one equality);
// step_i moves to the next vector: dim adv_o (the innermost dim not on its
// last index) counts up and the dims inside it restart at 0. found_o is low
// on the last vector (every dim on its last index); step_i is then ignored.
// The units move their addresses with adv_o in the same cycle
// (address[d] := address[adv] + stride[adv] for every d <= adv).
//
// Parameters: none (4 dims of 17-bit counts, 1..65536 each).
// Latency: found_o / adv_o combinational from the registered vector; the
//   vector moves on the clock edge after step_i.
module bf_ctrl_dims (
  input  logic          clk_i,
  input  logic          rst_ni,
  input  logic          start_i,
  input  logic [4*17-1:0] cnt_i,    // count of dim d at [17d +: 17] (>= 1)
  input  logic          step_i,
  output logic          found_o,
  output logic [1:0]    adv_o
);
  logic [16:0] cm1_q [4];  // count - 1 of each dim
  logic [16:0] idx_q [4];

  always_comb begin
    found_o = 1'b0;
    adv_o   = 2'd0;
    for (int d = 0; d < 4; d++) begin
      if (!found_o && idx_q[d] != cm1_q[d]) begin
        found_o = 1'b1;
        adv_o   = 2'(d);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int d = 0; d < 4; d++) begin
        cm1_q[d] <= '0; idx_q[d] <= '0;
      end
    end else if (start_i) begin
      for (int d = 0; d < 4; d++) begin
        cm1_q[d] <= cnt_i[17*d +: 17] - 17'd1;
        idx_q[d] <= '0;
      end
    end else if (step_i && found_o) begin
      for (int d = 0; d < 4; d++) begin
        if (d == 32'(adv_o))     idx_q[d] <= idx_q[d] + 17'd1;
        else if (d < 32'(adv_o)) idx_q[d] <= '0;
      end
    end
  end
endmodule
