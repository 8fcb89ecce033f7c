// bf_tile_engine: turns tile commands into one array step per cycle.
//
// A tile command (valid/ready) holds the layer mode (precisions, signs,
// psum shift, OBUF mode), a base address per buffer and a loop nest of
// Loops levels, level 0 outermost. Level l runs count[l] >= 1 times and
// adds stride[l] (one per buffer, two's complement, modulo 2^AddrBits) to
// that buffer's address per iteration:
//   addr = base + sum_l idx[l] * stride[l]
// The innermost n_red levels are reduction levels: the column accumulators
// sum over them (first step of a reduction: red_first, last: red_last).
// Unused outer levels have count 1.
//
// One step leaves per cycle while a tile is active; cmd_ready_o is high on
// the last step of a tile, so consecutive tiles stream with no bubble.
// Step outputs are a function of registered state (no input-to-output
// combinational path).
//
// Parameters:
//   Loops     loop levels (1..8)
//   AddrBits  width of addresses and strides (operand-word units)
//   CountBits width of the loop counts
// Latency: the first step of a command is on step_* in the cycle after
//   the handshake; a tile of S steps occupies S consecutive cycles.
module bf_tile_engine #(
  parameter int Loops     = 6,
  parameter int AddrBits  = 16,
  parameter int CountBits = 16,
  localparam int RedBits  = $clog2(Loops + 1)
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // Tile command.
  input  logic                      cmd_valid_i,
  output logic                      cmd_ready_o,
  input  logic [1:0]                cmd_prec_a_i,
  input  logic [1:0]                cmd_prec_w_i,
  input  logic                      cmd_a_signed_i,
  input  logic                      cmd_w_signed_i,
  input  logic [1:0]                cmd_shift_i,      // psum shift = 8 * code
  input  logic                      cmd_obuf_acc_i,   // 1: accumulate into OBUF
  input  logic [RedBits-1:0]        cmd_n_red_i,      // innermost reduction levels
  input  logic [AddrBits-1:0]       cmd_ibuf_base_i,
  input  logic [AddrBits-1:0]       cmd_wbuf_base_i,
  input  logic [AddrBits-1:0]       cmd_obuf_base_i,
  input  logic [Loops*CountBits-1:0] cmd_count_i,     // level l at [l*CountBits +: CountBits]
  input  logic [Loops*AddrBits-1:0] cmd_ibuf_stride_i,
  input  logic [Loops*AddrBits-1:0] cmd_wbuf_stride_i,
  input  logic [Loops*AddrBits-1:0] cmd_obuf_stride_i,
  // Step stream.
  output logic                      step_valid_o,
  output logic [AddrBits-1:0]       step_ibuf_addr_o,
  output logic [AddrBits-1:0]       step_wbuf_addr_o,
  output logic [AddrBits-1:0]       step_obuf_addr_o,
  output logic                      step_red_first_o,
  output logic                      step_red_last_o,
  output logic                      step_tile_last_o,
  output logic [1:0]                step_prec_a_o,
  output logic [1:0]                step_prec_w_o,
  output logic                      step_a_signed_o,
  output logic                      step_w_signed_o,
  output logic [1:0]                step_shift_o,
  output logic                      step_obuf_acc_o
);
  initial begin
    if (Loops < 1 || Loops > 8) $fatal(1, "bf_tile_engine: Loops must be in 1..8");
    if (AddrBits < 2 || AddrBits > 32) $fatal(1, "bf_tile_engine: AddrBits must be in 2..32");
    if (CountBits < 1 || CountBits > 32) $fatal(1, "bf_tile_engine: CountBits must be in 1..32");
  end

  // Command registers (loaded on the handshake, held for the whole tile).
  logic                 active_q, active_d;
  logic [1:0]           prec_a_q, prec_w_q, shift_q;
  logic                 a_signed_q, w_signed_q, obuf_acc_q;
  logic [RedBits-1:0]   n_red_q;
  logic [CountBits-1:0] count_q  [Loops];
  logic [AddrBits-1:0]  istr_q   [Loops];
  logic [AddrBits-1:0]  wstr_q   [Loops];
  logic [AddrBits-1:0]  ostr_q   [Loops];
  // Loop state: index per level and, per level, the addresses of the
  // current iteration of that level (the innermost level's are the step's).
  logic [CountBits-1:0] idx_q [Loops], idx_d [Loops];
  logic [AddrBits-1:0]  ia_q  [Loops], ia_d  [Loops];
  logic [AddrBits-1:0]  wa_q  [Loops], wa_d  [Loops];
  logic [AddrBits-1:0]  oa_q  [Loops], oa_d  [Loops];

  // Per level: at its last index; is a reduction level.
  logic [Loops-1:0] at_last, is_red, at_first;
  for (genvar l = 0; l < Loops; l++) begin : g_flags
    assign at_last[l]  = idx_q[l] == count_q[l] - CountBits'(1);
    assign at_first[l] = idx_q[l] == '0;
    assign is_red[l]   = 32'(l) >= 32'(Loops) - 32'(n_red_q);
  end

  logic tile_last, accept;
  assign tile_last   = &at_last;
  assign cmd_ready_o = ~active_q | tile_last;
  assign accept      = cmd_valid_i & cmd_ready_o;

  // Innermost level that can still advance: level `adv` increments, every
  // level inside it restarts from the new address of level `adv`.
  logic                found;
  logic [AddrBits-1:0] ni, nw, no;
  always_comb begin
    active_d = active_q;
    for (int l = 0; l < Loops; l++) begin
      idx_d[l] = idx_q[l];
      ia_d[l]  = ia_q[l];
      wa_d[l]  = wa_q[l];
      oa_d[l]  = oa_q[l];
    end
    found = 1'b0;
    ni = '0;
    nw = '0;
    no = '0;
    if (accept) begin
      active_d = 1'b1;
      for (int l = 0; l < Loops; l++) begin
        idx_d[l] = '0;
        ia_d[l]  = cmd_ibuf_base_i;
        wa_d[l]  = cmd_wbuf_base_i;
        oa_d[l]  = cmd_obuf_base_i;
      end
    end else if (active_q) begin
      if (tile_last) active_d = 1'b0;
      for (int l = Loops - 1; l >= 0; l--) begin
        if (!found && !at_last[l]) begin
          found    = 1'b1;
          idx_d[l] = idx_q[l] + CountBits'(1);
          ni = ia_q[l] + istr_q[l];
          nw = wa_q[l] + wstr_q[l];
          no = oa_q[l] + ostr_q[l];
          for (int k = 0; k < Loops; k++) begin
            if (k >= l) begin
              ia_d[k] = ni;
              wa_d[k] = nw;
              oa_d[k] = no;
            end
            if (k > l) idx_d[k] = '0;
          end
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      active_q <= 1'b0;
      for (int l = 0; l < Loops; l++) begin
        idx_q[l] <= '0;
        ia_q[l]  <= '0;
        wa_q[l]  <= '0;
        oa_q[l]  <= '0;
      end
    end else begin
      active_q <= active_d;
      for (int l = 0; l < Loops; l++) begin
        idx_q[l] <= idx_d[l];
        ia_q[l]  <= ia_d[l];
        wa_q[l]  <= wa_d[l];
        oa_q[l]  <= oa_d[l];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      prec_a_q   <= 2'd2;  // bf_pkg::Prec8
      prec_w_q   <= 2'd2;  // bf_pkg::Prec8
      shift_q    <= '0;
      a_signed_q <= 1'b0;
      w_signed_q <= 1'b0;
      obuf_acc_q <= 1'b0;
      n_red_q    <= '0;
      for (int l = 0; l < Loops; l++) begin
        count_q[l] <= CountBits'(1);
        istr_q[l]  <= '0;
        wstr_q[l]  <= '0;
        ostr_q[l]  <= '0;
      end
    end else if (accept) begin
      prec_a_q   <= cmd_prec_a_i;
      prec_w_q   <= cmd_prec_w_i;
      shift_q    <= cmd_shift_i;
      a_signed_q <= cmd_a_signed_i;
      w_signed_q <= cmd_w_signed_i;
      obuf_acc_q <= cmd_obuf_acc_i;
      n_red_q    <= cmd_n_red_i;
      for (int l = 0; l < Loops; l++) begin
        count_q[l] <= cmd_count_i[l*CountBits +: CountBits];
        istr_q[l]  <= cmd_ibuf_stride_i[l*AddrBits +: AddrBits];
        wstr_q[l]  <= cmd_wbuf_stride_i[l*AddrBits +: AddrBits];
        ostr_q[l]  <= cmd_obuf_stride_i[l*AddrBits +: AddrBits];
      end
    end
  end

  assign step_valid_o     = active_q;
  assign step_ibuf_addr_o = ia_q[Loops-1];
  assign step_wbuf_addr_o = wa_q[Loops-1];
  assign step_obuf_addr_o = oa_q[Loops-1];
  assign step_red_first_o = &(at_first | ~is_red);
  assign step_red_last_o  = &(at_last | ~is_red);
  assign step_tile_last_o = tile_last;
  assign step_prec_a_o    = prec_a_q;
  assign step_prec_w_o    = prec_w_q;
  assign step_a_signed_o  = a_signed_q;
  assign step_w_signed_o  = w_signed_q;
  assign step_shift_o     = shift_q;
  assign step_obuf_acc_o  = obuf_acc_q;

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  always @(posedge clk_i) begin
    if (accept) begin
      for (int l = 0; l < Loops; l++)
        if (cmd_count_i[l*CountBits +: CountBits] == '0)
          $error("bf_tile_engine: loop level %0d has count 0", l);
      if (32'(cmd_n_red_i) > 32'(Loops)) $error("bf_tile_engine: n_red > Loops");
      if (cmd_prec_a_i == 2'd3 || cmd_prec_w_i == 2'd3)
        $error("bf_tile_engine: reserved precision code 3");
      if (cmd_shift_i == 2'd3) $error("bf_tile_engine: reserved shift code 3");
    end
  end
`endif
`endif
endmodule
