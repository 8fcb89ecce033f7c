// bench_pkg: the stimulus generator and the checksum shared by the
// simulator benchmarks (bench/icarus/). Plain SystemVerilog that Verilator
// 5.006 and Icarus Verilog 11 (-g2012) both accept.
//
// The generator is xorshift64 (Marsaglia 2003, shifts 13/7/17): a linear
// feedback generator over GF(2) with period 2^64 - 1 from any non-zero
// state. The stimulus is a pure function of the seed, so both simulators
// see the same operands, modes and tile commands cycle by cycle.
package bench_pkg;
  // One xorshift64 step.
  function automatic logic [63:0] xs64(input logic [63:0] x);
    logic [63:0] y;
    y = x ^ (x << 13);
    y = y ^ (y >> 7);
    y = y ^ (y << 17);
    return y;
  endfunction

  // Seed -> non-zero generator state (one splitmix-style scramble so
  // small seeds 1, 2, 3 give unrelated streams).
  function automatic logic [63:0] seed_state(input logic [63:0] seed);
    logic [63:0] z;
    z = seed + 64'h9e3779b97f4a7c15;
    z = (z ^ (z >> 30)) * 64'hbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 64'h94d049bb133111eb;
    z = z ^ (z >> 31);
    return (z == 64'd0) ? 64'd1 : z;
  endfunction

  // Order-sensitive checksum of a stream of 64-bit words (FNV-1a style,
  // one word at a time).
  function automatic logic [63:0] fold(input logic [63:0] chk, input logic [63:0] word);
    return (chk ^ word) * 64'h0000_0100_0000_01b3;
  endfunction

  localparam logic [63:0] ChkInit = 64'hcbf2_9ce4_8422_2325;
endpackage
