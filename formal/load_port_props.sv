// Memory-port request-side properties of the load unit (formal only).
//
// bf_ctrl_load owns the controller's read requests and the response FIFO
// they fill (Depth beats, with credits). Its header promises: requests are
// limited by credits so the response FIFO never overflows, and the memory
// port's responses are always accepted. This wrapper checks, from reset:
//   * no request while the reset is asserted;
//   * a request not accepted (valid && !ready) is held: next cycle valid is
//     still high and the address is unchanged, unless abort_i is raised
//     (abort withdraws the request; documented: "stop issuing");
//   * requests without a response (counted at the ports) never exceed
//     Depth, the response FIFO depth;
//   * the unit's own count of awaited responses (req_ptr_q - rsp_ptr_q,
//     peeked) equals the port count: every response is accepted.
// Assumed (the documented environment): reset in the first cycle; start_i
// only while busy_o is low, with every count >= 1; mem_words_i constant
// after reset; a response only for an outstanding request.
module load_port_props (
  input logic           clk_i,
  input logic           rst_ni,
  input logic           abort_i,
  input logic [31:0]    mem_words_i,
  input logic           start_i,
  input logic [1:0]     stream_i,
  input logic           half_i,
  input logic [31:0]    dram_i,
  input logic [4*32-1:0] ddim_i,
  input logic [4*17-1:0] cnt_i,
  input logic [15:0]    row_i,
  input logic [4*16-1:0] rdim_i,
  input logic [16:0]    run_i,
  input logic           mem_req_ready_i,
  input logic           mem_rsp_valid_i,
  input logic [31:0]    mem_rsp_data_i,
  input logic           obuf_wr_ready_i
);
  localparam int Depth = 4;
  localparam int Pw    = 2;

  logic        busy, valid;
  logic [2:0]  err;
  logic [31:0] addr;

  bf_ctrl_load #(
    .Rows (2), .Cols (2), .IbufDepth (8), .WbufDepth (8), .ObufDepth (8),
    .DramBits (32), .Depth (Depth)
  ) u_dut (
    .clk_i, .rst_ni, .abort_i, .mem_words_i,
    .start_i, .stream_i, .half_i, .dram_i, .ddim_i, .cnt_i, .row_i, .rdim_i, .run_i,
    .busy_o (busy), .err_o (err),
    .mem_req_valid_o (valid), .mem_req_ready_i, .mem_req_addr_o (addr),
    .mem_rsp_valid_i, .mem_rsp_data_i,
    .ibuf_wr_valid_o (), .ibuf_wr_group_o (), .ibuf_wr_addr_o (), .ibuf_wr_mask_o (), .ibuf_wr_data_o (),
    .wbuf_wr_valid_o (), .wbuf_wr_group_o (), .wbuf_wr_addr_o (), .wbuf_wr_mask_o (), .wbuf_wr_data_o (),
    .obuf_wr_valid_o (), .obuf_wr_ready_i, .obuf_wr_group_o (), .obuf_wr_addr_o (), .obuf_wr_mask_o (),
    .obuf_wr_data_o ()
  );

  // Internal pointers (connected by formal/run.sh; free if left unconnected,
  // which can only make the check fail).
  logic [Pw:0] peek_req, peek_rsp;

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
      assume (!busy);
      for (int d = 0; d < 4; d++) assume (cnt_i[17*d +: 17] != 17'd0);
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
      if (rst_ni) assert (6'(peek_req - peek_rsp) == out_q);
    end
  end
endmodule
