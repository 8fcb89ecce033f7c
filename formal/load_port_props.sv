// Memory-port properties of the load unit (formal only).
//
// bf_ctrl_load owns the controller's read requests and the response queue
// they fill (Depth beats). Its header promises: requests are limited by
// credits (the Depth entries of its per-beat queue u_meta, pushed with each
// request) so the response FIFO (u_beats) never overflows, and the memory
// port's responses are always accepted. This wrapper checks, from reset:
//   * no request while the reset is asserted;
//   * a request not accepted (valid && !ready) is held: next cycle valid is
//     still high and the address is unchanged, unless abort_i is high in
//     either cycle (abort withdraws the request: mem_req_valid_o contains
//     !abort_i combinationally, the documented "stop issuing");
//   * requests without a response (counted at the ports) never exceed
//     Depth;
//   * every response is accepted: the unit's own count of awaited
//     responses, meta_used - beat_used (peeked), equals the port count,
//     and the beat FIFO is never full when a response arrives.
// Assumed (the documented environment): reset in the first cycle; start_i
// only while ready_o is high, with every count >= 1, a stream IBUF, WBUF
// or bias, and a run that is a multiple of the stream's bank count nb
// (Rows = 2 for IBUF, Rows*Cols = 4 for WBUF, Cols = 2 for the bias);
// mem_words_i constant after reset; a response only for an outstanding
// request (port count > 0), not in reset.
module load_port_props (
  input logic             clk_i,
  input logic             rst_ni,
  input logic             abort_i,
  input logic [31:0]      mem_words_i,
  input logic             start_i,
  input logic [1:0]       stream_i,
  input logic             half_i,
  input logic             whole_i,
  input logic [31:0]      dram_i,
  input logic [4*32-1:0]  ddim_i,
  input logic [4*17-1:0]  cnt_i,
  input logic [15:0]      row_i,
  input logic [4*16-1:0]  rdim_i,
  input logic [16:0]      run_i,
  input logic             mem_req_ready_i,
  input logic             mem_rsp_valid_i,
  input logic [31:0]      mem_rsp_data_i,
  input logic             obuf_wr_ready_i
);
  localparam int Depth = 4;
  localparam int Pw    = 2;

  bf_pkg::ld_desc_t desc;
  assign desc.stream = stream_i;
  assign desc.half   = half_i;
  assign desc.whole  = whole_i;
  assign desc.dram   = dram_i;
  assign desc.ddim   = ddim_i;
  assign desc.cnt    = cnt_i;
  assign desc.row    = row_i;
  assign desc.rdim   = rdim_i;
  assign desc.run    = run_i;

  logic        ready, busy, valid;
  logic [2:0]  err;
  logic [31:0] addr;

  bf_ctrl_load #(
    .Rows (2), .Cols (2), .IbufDepth (8), .WbufDepth (8), .ObufDepth (8),
    .DramBits (32), .Depth (Depth)
  ) u_dut (
    .clk_i, .rst_ni, .abort_i, .mem_words_i,
    .start_i, .desc_i (desc), .ready_o (ready), .busy_o (busy), .landed_o (), .err_o (err),
    .mem_req_valid_o (valid), .mem_req_ready_i, .mem_req_addr_o (addr),
    .mem_rsp_valid_i, .mem_rsp_data_i,
    .ibuf_wr_valid_o (), .ibuf_wr_group_o (), .ibuf_wr_addr_o (), .ibuf_wr_mask_o (), .ibuf_wr_data_o (),
    .wbuf_wr_valid_o (), .wbuf_wr_group_o (), .wbuf_wr_addr_o (), .wbuf_wr_mask_o (), .wbuf_wr_data_o (),
    .obuf_wr_valid_o (), .obuf_wr_ready_i, .obuf_wr_group_o (), .obuf_wr_addr_o (), .obuf_wr_mask_o (),
    .obuf_wr_data_o ()
  );

  // Internal counts (connected by formal/run.sh to u_dut.meta_used,
  // u_dut.beat_used, u_dut.beat_full; free if left unconnected, which can
  // only make the check fail).
  logic [Pw:0] peek_meta, peek_beat;
  logic        peek_beat_full;

  logic init_q = 1'b1;
  always_ff @(posedge clk_i) init_q <= 1'b0;

  logic [31:0] mw_q;
  always_ff @(posedge clk_i) mw_q <= mem_words_i;

  // Port-level count of requests without a response.
  logic [5:0] out_q;
  logic       grant;
  assign grant = valid && mem_req_ready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) out_q <= '0;
    else         out_q <= out_q + 6'(grant) - 6'(mem_rsp_valid_i);
  end

  // Previous cycle's request.
  logic        pv_q, pready_q, pabort_q;
  logic [31:0] paddr_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pv_q <= 1'b0; pready_q <= 1'b0; pabort_q <= 1'b0; paddr_q <= '0;
    end else begin
      pv_q <= valid; pready_q <= mem_req_ready_i; pabort_q <= abort_i; paddr_q <= addr;
    end
  end

  always_comb begin
    if (init_q) assume (!rst_ni);
    if (!init_q) assume (mem_words_i == mw_q);
    if (start_i) begin
      assume (ready);
      assume (stream_i != bf_pkg::StreamObuf);
      for (int d = 0; d < 4; d++) assume (cnt_i[17*d +: 17] != 17'd0);
      if (stream_i == bf_pkg::StreamWbuf) assume (run_i[1:0] == 2'd0);
      else                                assume (run_i[0] == 1'b0);
    end
    if (mem_rsp_valid_i) assume (rst_ni && out_q != 6'd0);
  end

  always_comb begin
    if (!init_q) begin
      if (!rst_ni) assert (!valid);
      if (rst_ni && pv_q && !pready_q && !pabort_q && !abort_i) begin
        assert (valid);
        assert (addr == paddr_q);
      end
      assert (out_q <= 6'(Depth));
      if (rst_ni) begin
        assert (6'(peek_meta - peek_beat) == out_q);
        if (mem_rsp_valid_i) assert (!peek_beat_full);
      end
    end
  end
endmodule
