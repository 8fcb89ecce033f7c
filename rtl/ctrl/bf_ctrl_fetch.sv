// bf_ctrl_fetch: instruction fetch through the memory port.
//
// Instruction pc (word index in the program) lives at DRAM word
// start_addr + pc. The unit keeps the last fetched beat; an instruction in
// it is available at once, otherwise the beat is requested (one request
// at a time) and the instruction is available the cycle after the
// response. pc >= prog_words raises end_o instead (status 7, program end).
// The DRAM position of pc, (beat, word) = divmod(start_addr + pc, Words),
// is kept in registers: divided once at start (start_addr_i is sampled
// there) and stepped with pc, so no divider sits between pc and the
// instruction the sequencer decodes in the same cycle.
//
// Parameters:
//   DramBits  memory port width (multiple of 32)
// Latency: a hit is combinational (valid_o in the cycle pc moves into the
//   beat); a miss costs the request cycle plus the memory latency.
module bf_ctrl_fetch #(
  parameter int DramBits = 192,
  localparam int Words = DramBits / 32,
  localparam int Ow = (Words > 1) ? $clog2(Words) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                start_i,        // pc = 0, cache dropped
  input  logic [31:0]         start_addr_i,   // DRAM word address of instruction 0
  input  logic [31:0]         prog_words_i,   // program length in words
  input  logic                req_i,          // the sequencer wants the instruction at pc
  input  logic                take_i,         // consumes it: pc = pc + 1
  output logic                valid_o,
  output logic [31:0]         instr_o,
  output logic [31:0]         pc_o,
  output logic                end_o,          // pc is past the program
  // Memory port (read requests only).
  output logic                mem_req_valid_o,
  input  logic                mem_req_ready_i,
  output logic [31:0]         mem_req_addr_o,
  input  logic                mem_rsp_valid_i,
  input  logic [DramBits-1:0] mem_rsp_data_i
);
  initial begin
    if (DramBits < 32 || DramBits % 32 != 0) $fatal(1, "bf_ctrl_fetch: DramBits must be a multiple of 32");
  end

  logic [31:0]         pc_q, beat_q, pbeat_q, start_beat;
  logic                have_q, wait_q;
  logic [DramBits-1:0] data_q;
  logic [Ow-1:0]       poff_q, start_off;
  logic                hit;

  bf_ctrl_divw #(.Words(Words)) u_div (.addr_i (start_addr_i), .beat_o (start_beat), .off_o (start_off));

  assign hit             = have_q && beat_q == pbeat_q;
  assign end_o           = pc_q >= prog_words_i;
  assign valid_o         = hit && !end_o;
  assign instr_o         = data_q[32*poff_q +: 32];
  assign pc_o            = pc_q;
  assign mem_req_valid_o = req_i && !hit && !wait_q && !end_o;
  assign mem_req_addr_o  = pbeat_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pc_q      <= '0;
      pbeat_q   <= '0;
      poff_q    <= '0;
      beat_q    <= '0;
      have_q    <= 1'b0;
      wait_q <= 1'b0;
      data_q <= '0;
    end else begin
      if (start_i) begin
        pc_q      <= '0;
        pbeat_q   <= start_beat;
        poff_q    <= start_off;
        have_q    <= 1'b0;
      end else if (take_i) begin
        pc_q <= pc_q + 32'd1;
        if (32'(poff_q) == Words - 1) begin
          poff_q  <= '0;
          pbeat_q <= pbeat_q + 32'd1;
        end else begin
          poff_q <= poff_q + 1'b1;
        end
      end
      if (mem_req_valid_o && mem_req_ready_i) begin
        wait_q <= 1'b1;
        beat_q <= pbeat_q;
        have_q <= 1'b0;
      end
      if (wait_q && mem_rsp_valid_i) begin
        wait_q <= 1'b0;
        data_q <= mem_rsp_data_i;
        have_q <= !start_i;
      end
    end
  end
endmodule
