// Memory-port and word-FIFO properties of the store unit (formal only).
//
// bf_ctrl_store sends the output words of each OBUF read (one or more
// words) through a 16-entry read FIFO (u_words, a bf_fifo) to the beat
// assembler, which fills the beat being built (b) and moves it to the
// write port (o; mem_req_valid_o is the register send_q), where it is held
// until accepted. Its header and comments promise: the walker reads only
// while the FIFO has room for every read in flight, so a push never meets
// a full FIFO; a beat is sent when its run ends or it is full; a run
// beyond mem_words is refused (error 4) before its first word. This
// wrapper checks, from reset:
//   * no write request while the reset is asserted;
//   * a request not accepted (valid && !ready) is held: next cycle valid is
//     still high and address, data and strobes are unchanged (abort does
//     not withdraw a pending beat: no exception for abort_i);
//   * a request carries at least one word (strobe not zero);
//   * every strobed word lies below mem_words_i (beat * Words + offset);
//   * read FIFO: never a push into a full FIFO without a pop in the same
//     cycle (overflow), never a pop from an empty one (underflow), usage
//     at most its 16 entries;
//   * beat assembly: an entry popped into a beat being built (b's strobes
//     not zero) has that beat's address and only free slots of it.
// Assumed (the documented environment): reset in the first cycle; start_i
// only while busy_o is low, with every count >= 1 and run >= 1 (the ISA
// encodes run - 1); mem_words_i constant after reset. Everything else is
// free: the memory port may hold ready low for any time, abort_i and the
// tile counters (issued_i, done_i) are arbitrary, the OBUF drain port may
// refuse any read and return any data and rvalid (the properties do not
// depend on the values).
// formal/run.sh cuts the write-back lanes (cutpoint bf_ctrl_wb: their
// outputs are free values every cycle, the multipliers are not in the
// model); every behaviour of the real lanes is one of these, so a PASS
// holds for the RTL as written. Parameters: Cols 2, ObufDepth 16, DramBits
// 64 (two words per beat, so beats are filled and sent part-full; a raw
// 32-bit output reads two words at a time, which may span two beats).
module store_port_props #(
  // 1: only the word-FIFO properties and their helper invariant (the
  // k-induction check store.fifo.ind); 0: every property (store.port).
  parameter bit FifoOnly = 1'b0
) (
  input logic                clk_i,
  input logic                rst_ni,
  input logic                abort_i,
  input logic [31:0]         mem_words_i,
  input logic                start_i,
  input logic                half_i,
  input logic                whole_i,
  input logic [31:0]         dram_i,
  input logic [4*32-1:0]     ddim_i,
  input logic [31:0]         plane_i,
  input logic [4*17-1:0]     cnt_i,
  input logic [15:0]         pa_i,
  input logic [4*16-1:0]     padim_i,
  input logic [15:0]         grp_i,
  input logic [15:0]         bbase_i,
  input logic [16:0]         groups_i,
  input logic [16:0]         run_i,
  input logic [31:0]         need_i,
  input bf_pkg::wb_cfg_t     wb_i,
  input logic [31:0]         issued_i,
  input logic [31:0]         done_i,
  input logic                rd_ready_i,
  input logic                rd_rvalid_i,
  input logic [2*32-1:0]     rd_data_i,
  input logic                mem_req_ready_i
);
  localparam int Cols     = 2;
  localparam int DramBits = 64;
  localparam int Words    = DramBits / 32;
  localparam int FD       = 16;   // bf_ctrl_store's word FIFO entries

  bf_pkg::st_desc_t desc;
  assign desc.half   = half_i;
  assign desc.whole  = whole_i;
  assign desc.dram   = dram_i;
  assign desc.ddim   = ddim_i;
  assign desc.plane  = plane_i;
  assign desc.cnt    = cnt_i;
  assign desc.pa     = pa_i;
  assign desc.padim  = padim_i;
  assign desc.grp    = grp_i;
  assign desc.bbase  = bbase_i;
  assign desc.groups = groups_i;
  assign desc.run    = run_i;
  assign desc.need   = need_i;
  assign desc.wb     = wb_i;

  logic                busy, valid;
  logic [2:0]          err;
  logic [31:0]         addr;
  logic [DramBits-1:0] data;
  logic [Words-1:0]    strb;

  bf_ctrl_store #(.Cols (Cols), .ObufDepth (16), .DramBits (DramBits)) u_dut (
    .clk_i, .rst_ni, .abort_i, .mem_words_i,
    .start_i, .desc_i (desc), .issued_i, .done_i, .busy_o (busy), .reading_o (), .err_o (err),
    .rd_valid_o (), .rd_ready_i, .rd_group_o (), .rd_addr_o (), .rd_rvalid_i, .rd_data_i,
    .mem_req_valid_o (valid), .mem_req_ready_i, .mem_req_addr_o (addr), .mem_req_data_o (data),
    .mem_req_strb_o (strb)
  );

  // Internal signals of the read FIFO's user (connected by formal/run.sh to
  // u_dut.push, u_dut.pop, u_dut.fifo_full, u_dut.fifo_used, and the beat
  // assembler's u_dut.h_beat, u_dut.h_pos, u_dut.h_nw (the head entry's
  // beat, first offset and word count), u_dut.bbeat_q, u_dut.bstrb_q (the
  // beat being built);
  // free if left unconnected, which can only make the check fail).
  logic             peek_push, peek_pop, peek_full;
  logic [4:0]       peek_used;
  logic [31:0]      peek_f_beat, peek_f_bbeat;
  logic             peek_f_pos;
  logic [1:0]       peek_f_nw;
  logic [Words-1:0] peek_f_bstrb, h_slots;
  // The head entry's slots in its first beat: offsets pos .. pos + nw - 1.
  always_comb begin
    for (int i = 0; i < Words; i++) h_slots[i] = i >= 32'(peek_f_pos) && i < 32'(peek_f_pos) + 32'(peek_f_nw);
  end
  // Valid bits of the reads between an accepted OBUF read and the FIFO:
  // stage B (u_dut.t_valid_q) and the six write-back tag stages
  // (bit TagW-1 of u_dut.tag_pipe_q[0..5]).
  logic        peek_tv, peek_tp0, peek_tp1, peek_tp2, peek_tp3, peek_tp4, peek_tp5;
  logic [3:0]  in_flight;
  assign in_flight = 4'(peek_tv) + 4'(peek_tp0) + 4'(peek_tp1) + 4'(peek_tp2) + 4'(peek_tp3) + 4'(peek_tp4) +
                     4'(peek_tp5);

  logic init_q = 1'b1;
  always_ff @(posedge clk_i) init_q <= 1'b0;

  logic [31:0] mw_q;
  always_ff @(posedge clk_i) mw_q <= mem_words_i;

  // Previous cycle's request.
  logic                pv_q, pready_q;
  logic [31:0]         paddr_q;
  logic [DramBits-1:0] pdata_q;
  logic [Words-1:0]    pstrb_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pv_q <= 1'b0; pready_q <= 1'b0; paddr_q <= '0; pdata_q <= '0; pstrb_q <= '0;
    end else begin
      pv_q <= valid; pready_q <= mem_req_ready_i; paddr_q <= addr; pdata_q <= data; pstrb_q <= strb;
    end
  end

  // A strobed word of the request at or beyond mem_words_i.
  logic beyond;
  always_comb begin
    beyond = 1'b0;
    for (int i = 0; i < Words; i++) begin
      if (strb[i] && 34'(addr) * 34'(Words) + 34'(i) >= 34'(mem_words_i)) beyond = 1'b1;
    end
  end

  always_comb begin
    if (init_q) assume (!rst_ni);
    if (!init_q) assume (mem_words_i == mw_q);
    if (start_i) begin
      assume (!busy);
      for (int d = 0; d < 4; d++) assume (cnt_i[17*d +: 17] != 17'd0);
      assume (run_i != 17'd0);
    end
  end

  always_comb begin
    if (!init_q) begin
      if (!rst_ni && !FifoOnly) no_req_in_reset: assert (!valid);
      if (rst_ni && pv_q && !pready_q && !FifoOnly) begin
        req_held_valid: assert (valid);
        req_held_addr:  assert (addr == paddr_q);
        req_held_data:  assert (data == pdata_q);
        req_held_strb:  assert (strb == pstrb_q);
      end
      if (valid && !FifoOnly) req_has_word: assert (strb != '0);
      if (valid && !FifoOnly) req_below_mem_words: assert (!beyond);
      fifo_used_le_depth: assert (peek_used <= 5'(FD));
      fifo_full_is_used:  assert (peek_full == (peek_used == 5'(FD)));
      // Helper invariant behind the walker's room check: the FIFO's entries
      // plus every read that may still reach it fit its FD entries (a read
      // is accepted only while fifo_used + InFlight <= FD). It makes
      // fifo_no_overflow inductive: a push needs a read in stage C, i.e.
      // in_flight >= 1, so fifo_used <= FD - 1 and the FIFO is not full.
      if (rst_ni) fifo_room_inv: assert (6'(peek_used) + 6'(in_flight) <= 6'(FD));
      if (rst_ni && !abort_i) begin
        fifo_no_overflow:  assert (!(peek_push && peek_full && !peek_pop));
        fifo_no_underflow: assert (!(peek_pop && peek_used == 5'd0));
      end
      if (rst_ni && peek_pop && peek_f_bstrb != '0 && !FifoOnly) begin
        beat_same_addr: assert (peek_f_beat == peek_f_bbeat);
        beat_free_slot: assert ((h_slots & peek_f_bstrb) == '0);
      end
    end
  end
endmodule
