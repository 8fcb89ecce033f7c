// bf_ctrl_divw: splits a 32-bit DRAM word address into the memory-port beat
// index and the word offset inside the beat, for a beat of Words 32-bit
// words (Words = DramBits / 32, not necessarily a power of two: 192 bits
// is 6 words).
//
//   beat = addr / Words,  off = addr mod Words
//
// A power of two is a shift. Otherwise the quotient is an exact reciprocal
// multiplication: with l = ceil(log2 Words) and m = ceil(2^(32+l) / Words),
// floor(addr * m / 2^(32+l)) = floor(addr / Words) for every 32-bit addr
// (the error term addr * (m*Words - 2^(32+l)) / (Words * 2^(32+l)) is below
// 1/Words). tests/ctrl checks it against C++ division at random addresses.
//
// Parameters:
//   Words  words per beat, 1..256
// Latency: combinational.
module bf_ctrl_divw #(
  parameter int Words = 6,
  localparam int Ow = (Words > 1) ? $clog2(Words) : 1
) (
  input  logic [31:0]   addr_i,
  output logic [31:0]   beat_o,
  output logic [Ow-1:0] off_o
);
  initial begin
    if (Words < 1 || Words > 256) $fatal(1, "bf_ctrl_divw: Words must be in 1..256");
  end

  localparam int L = (Words > 1) ? $clog2(Words) : 0;

  if (Words == 1) begin : g_one
    assign beat_o = addr_i;
    assign off_o  = 1'b0;
  end else if ((Words & (Words - 1)) == 0) begin : g_pow2
    assign beat_o = addr_i >> L;
    assign off_o  = addr_i[Ow-1:0];
  end else begin : g_magic
    localparam logic [64:0] One   = 65'd1;
    localparam logic [64:0] Magic = ((One << (32 + L)) + 65'(Words) - One) / 65'(Words);
    logic [64:0] prod;
    logic [31:0] back;
    assign prod   = 65'(addr_i) * Magic;
    assign beat_o = 32'(prod >> (32 + L));
    assign back   = beat_o * 32'(Words);
    assign off_o  = Ow'(addr_i - back);
  end
endmodule
