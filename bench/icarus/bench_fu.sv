// bench_fu: simulator benchmark of one Fusion Unit (bf_fusion_unit).
//
// Every cycle the Fusion Unit gets a random activation word, a random
// weight word and a random mode (precision pair from {2,4,8} x {2,4,8},
// signedness of each operand), all drawn from xorshift64 seeded by +seed.
// Every FU sum is folded into a checksum; the sum of all FU sums is printed
// too. The run is N clock edges in total (+cycles=N), the first two in
// reset. The last line is
//   BENCH design=fu cycles=N seed=S checksum=<16 hex> total=<signed sum> xouts=<n>
// and must be identical on every simulator (bench/icarus/run.sh). xouts
// counts the edges after reset at which the sum holds an X or Z bit: on a
// four-state simulator (Icarus, every register starting at X) it must be 0.
//
// bench_fu is a clocked top without delays (clk_i driven by the simulator
// loop: bench/icarus/verilator_main.cpp); bench_fu_top wraps it with a
// delay-based clock for Verilator --binary --timing and Icarus.
// Plusargs: +cycles=N (default 100000), +seed=S (default 1).
module bench_fu (
  input logic clk_i
);
  logic [63:0] cyc = 64'd0;  // clock edges seen so far
  logic [63:0] n_cycles, seed, rng, chk;
  logic signed [63:0] total, s64;
  int                 xouts;

  logic               rst_nq = 1'b0;
  logic [31:0]        act_q = '0, wgt_q = '0;
  logic [1:0]         pa_q = '0, pw_q = '0;
  logic               as_q = 1'b0, ws_q = 1'b0;
  logic signed [16:0] sum;

  bf_fusion_unit u_dut (
    .clk_i, .rst_ni (rst_nq),
    .act_i (act_q), .wgt_i (wgt_q), .prec_a_i (pa_q), .prec_w_i (pw_q),
    .a_signed_i (as_q), .w_signed_i (ws_q),
    .sum_o (sum)
  );

  // Testbench state (n_cycles, rng, chk, total) is private to this block:
  // blocking assignments; DUT inputs are driven with nonblocking ones, so
  // the DUT samples them at the next edge on every simulator.
  always @(posedge clk_i) begin
    cyc = cyc + 64'd1;
    if (cyc == 64'd1) begin
      if (!$value$plusargs("cycles=%d", n_cycles)) n_cycles = 64'd100000;
      if (!$value$plusargs("seed=%d", seed)) seed = 64'd1;
      rng   = bench_pkg::seed_state(seed);
      chk   = bench_pkg::ChkInit;
      total = 64'sd0;
      xouts = 0;
    end
    if (cyc >= 64'd3) begin
      // The sum of the operands presented at the previous edge.
      if ($isunknown(sum)) xouts = xouts + 1;
      s64   = 64'(sum);
      chk   = bench_pkg::fold(chk, s64);
      total = total + s64;
    end
    if (cyc >= 64'd2) begin
      rst_nq <= 1'b1;
      rng    = bench_pkg::xs64(rng);
      act_q  <= rng[31:0];
      wgt_q  <= rng[63:32];
      rng    = bench_pkg::xs64(rng);
      pa_q   <= 2'(rng[15:0] % 16'd3);
      pw_q   <= 2'(rng[31:16] % 16'd3);
      as_q   <= rng[32];
      ws_q   <= rng[33];
    end
    if (cyc >= n_cycles) begin
      $display("BENCH design=fu cycles=%0d seed=%0d checksum=%016h total=%0d xouts=%0d", cyc, seed, chk, total,
               xouts);
      $finish;
    end
  end
endmodule

// Delay-based clock around bench_fu (Verilator --binary --timing, Icarus).
module bench_fu_top;
  logic clk = 1'b0;
  always #5 clk = ~clk;
  bench_fu u_bench (.clk_i (clk));
endmodule
