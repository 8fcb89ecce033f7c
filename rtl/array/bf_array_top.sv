// bf_array_top: the Bit Fusion compute core: a Rows x Cols systolic array of
// Fusion Units, its IBUF / WBUF / OBUF banks and the tile engine.
//
// GEMM view (docs/array.md): one step = one array cycle = one pixel times
// one reduction chunk of Rows*L elements (L = 64/(A*W) lanes per FU) for
// Cols output channels. Row r takes its activation operand word from IBUF
// bank r, FU(r,c) its weight operand word from WBUF bank r*Cols+c, column c
// accumulates (32 bits, wrap-around) and writes OBUF bank c. The FUs of
// row r and their WBUF banks are one bf_array_row (structural).
//
// Data and control move together, so tiles stream back to back:
//   * the tile engine emits one step per cycle (addresses + mode) at T;
//   * left edge: row r reads IBUF at T+r (shift register down the edge),
//     selects the operand word, spreads it to the bricks (one activation
//     bf_spread per row) and registers it into FU(r,0) at T+r+2;
//     activations then move one FU to the right per cycle;
//   * FU(r,c) reads WBUF at T+r+c+1 using the step of anti-diagonal r+c
//     (one shift register with a tap per diagonal): operands meet at
//     T+r+c+2, the FU sum is registered at T+r+c+3;
//   * partial sums move down the columns through registered adders:
//     the column sum of FU column c is at the bottom at T+Rows+c+3;
//   * the accumulator of column c adds it (control from a shift register
//     along the bottom edge) and, on the last step of a reduction, writes
//     OBUF at T+Rows+c+4 (overwrite or accumulate-into; accumulate-into
//     reads the old word at T+Rows+c+2, from the stage before, bf_col_out).
// A tile accepted at cycle h with S steps runs steps at h+1 .. h+S and
// pulses done_o at h + S + Rows + Cols + 4 (all its OBUF writes visible).
//
// Buffers are arrays of 32-bit banks (bf_sram), written by the loader in
// aligned groups of G banks (G = smallest power of two with 32*G >=
// DramBits, at most the bank count); the OBUF is read (drained) in groups
// of bf_pkg::drain_group(Cols) banks (every column up to 32 columns, half
// of them beyond). The WBUF write port goes through
// one register per row (fan-out to Rows*Cols banks), so a WBUF write lands
// one cycle after it is presented; IBUF and OBUF writes land in the cycle
// they are presented. IBUF/WBUF reads by the array never conflict with
// writes (1R1W);
// on the OBUF the array has priority: the OBUF write and read ports of the
// loader/drain side have a ready that is low while a column of the group
// uses that bank port in the same cycle.
//
// Parameters (ranges checked at elaboration; a named configuration,
// configs/*.json, sets them; the defaults are only the smallest array):
//   Rows, Cols  array size (powers of two, 1..64 rows, 1..512 columns)
//   WbufKb, IbufKb, ObufKb  buffer sizes in KB (bank depths must come out
//               as powers of two >= 2 words)
//   DramBits    loader width in bits (multiple of 32), sets the group size
// Latency: see above and docs/array.md.
module bf_array_top #(
  parameter int Rows     = 2,
  parameter int Cols     = 2,
  parameter int WbufKb   = 1,
  parameter int IbufKb   = 1,
  parameter int ObufKb   = 1,
  parameter int DramBits = 64,
  // Derived (not to be overridden).
  localparam int Loops      = 6,
  localparam int AddrBits   = 16,
  localparam int CountBits  = 16,
  localparam int RedBits    = 3,
  localparam int IbufBanks  = Rows,
  localparam int WbufBanks  = Rows * Cols,
  localparam int ObufBanks  = Cols,
  localparam int IbufDepth  = IbufKb * 256 / IbufBanks,
  localparam int WbufDepth  = WbufKb * 256 / WbufBanks,
  localparam int ObufDepth  = ObufKb * 256 / ObufBanks,
  localparam int IDw        = $clog2(IbufDepth),
  localparam int WDw        = $clog2(WbufDepth),
  localparam int ODw        = $clog2(ObufDepth),
  localparam int IbufG      = bf_pkg::bank_group(DramBits, IbufBanks),
  localparam int WbufG      = bf_pkg::bank_group(DramBits, WbufBanks),
  localparam int ObufG      = bf_pkg::bank_group(DramBits, ObufBanks),
  localparam int IGw        = bf_pkg::index_bits(IbufBanks / IbufG),
  localparam int WGw        = bf_pkg::index_bits(WbufBanks / WbufG),
  localparam int OGw        = bf_pkg::index_bits(ObufBanks / ObufG),
  localparam int DrainG     = bf_pkg::drain_group(Cols),       // OBUF banks per drain read
  localparam int DGw        = bf_pkg::index_bits(ObufBanks / DrainG),
  localparam int PsumBits   = 17 + $clog2(Rows)
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  // ---- Tile commands (valid/ready; see bf_tile_engine and docs/array.md).
  input  logic                        cmd_valid_i,
  output logic                        cmd_ready_o,
  input  logic [1:0]                  cmd_prec_a_i,     // bf_pkg::Prec*
  input  logic [1:0]                  cmd_prec_w_i,
  input  logic                        cmd_a_signed_i,
  input  logic                        cmd_w_signed_i,
  input  logic [1:0]                  cmd_shift_i,      // value << 8*code (0, 8, 16)
  input  logic                        cmd_obuf_acc_i,   // 0 overwrite, 1 accumulate into OBUF
  input  logic [RedBits-1:0]          cmd_n_red_i,      // innermost reduction levels (0..6)
  input  logic [AddrBits-1:0]         cmd_ibuf_base_i,  // operand words
  input  logic [AddrBits-1:0]         cmd_wbuf_base_i,  // operand words
  input  logic [AddrBits-1:0]         cmd_obuf_base_i,  // 32-bit words
  input  logic [Loops*CountBits-1:0]  cmd_count_i,      // level l (0 outermost) at [16l +: 16]
  input  logic [Loops*AddrBits-1:0]   cmd_ibuf_stride_i,
  input  logic [Loops*AddrBits-1:0]   cmd_wbuf_stride_i,
  input  logic [Loops*AddrBits-1:0]   cmd_obuf_stride_i,
  output logic                        done_o,           // one pulse per tile, in order
  output logic                        busy_o,           // a tile is in flight
  output logic [31:0]                 stat_steps_o,     // steps issued since reset (wraps)
  // ---- IBUF write port: group g = banks g*IbufG .. g*IbufG+IbufG-1.
  input  logic                        ibuf_wr_valid_i,
  input  logic [IGw-1:0]              ibuf_wr_group_i,
  input  logic [IDw-1:0]              ibuf_wr_addr_i,
  input  logic [IbufG-1:0]            ibuf_wr_mask_i,   // per bank of the group
  input  logic [IbufG*32-1:0]         ibuf_wr_data_i,   // bank j of the group at [32j +: 32]
  // ---- WBUF write port (bank r*Cols+c feeds FU(r,c)).
  input  logic                        wbuf_wr_valid_i,
  input  logic [WGw-1:0]              wbuf_wr_group_i,
  input  logic [WDw-1:0]              wbuf_wr_addr_i,
  input  logic [WbufG-1:0]            wbuf_wr_mask_i,
  input  logic [WbufG*32-1:0]         wbuf_wr_data_i,
  // ---- OBUF write port (preload: bias, partial sums), array has priority.
  input  logic                        obuf_wr_valid_i,
  output logic                        obuf_wr_ready_o,
  input  logic [OGw-1:0]              obuf_wr_group_i,
  input  logic [ODw-1:0]              obuf_wr_addr_i,
  input  logic [ObufG-1:0]            obuf_wr_mask_i,
  input  logic [ObufG*32-1:0]         obuf_wr_data_i,
  // ---- OBUF read port (drain), array has priority; data 1 cycle later.
  input  logic                        obuf_rd_valid_i,
  output logic                        obuf_rd_ready_o,
  input  logic [DGw-1:0]              obuf_rd_group_i,
  input  logic [ODw-1:0]              obuf_rd_addr_i,
  output logic                        obuf_rd_rvalid_o,
  output logic [DrainG*32-1:0]        obuf_rd_data_o
);
  initial begin
    if (Rows < 1 || Rows > 64 || (Rows & (Rows - 1)) != 0)
      $fatal(1, "bf_array_top: Rows must be a power of two in 1..64");
    if (Cols < 1 || Cols > 512 || (Cols & (Cols - 1)) != 0)
      $fatal(1, "bf_array_top: Cols must be a power of two in 1..512");
    if (WbufKb < 1 || IbufKb < 1 || ObufKb < 1)
      $fatal(1, "bf_array_top: buffer sizes must be >= 1 KB");
    if (IbufDepth < 2 || (IbufDepth & (IbufDepth - 1)) != 0 || IbufDepth * IbufBanks != IbufKb * 256)
      $fatal(1, "bf_array_top: IBUF bank depth must be a power of two >= 2");
    if (WbufDepth < 2 || (WbufDepth & (WbufDepth - 1)) != 0 || WbufDepth * WbufBanks != WbufKb * 256)
      $fatal(1, "bf_array_top: WBUF bank depth must be a power of two >= 2");
    if (ObufDepth < 2 || (ObufDepth & (ObufDepth - 1)) != 0 || ObufDepth * ObufBanks != ObufKb * 256)
      $fatal(1, "bf_array_top: OBUF bank depth must be a power of two >= 2");
    if (IbufDepth > 16384 || WbufDepth > 16384 || ObufDepth > 65536)
      $fatal(1, "bf_array_top: bank too deep for 16-bit operand addresses");
    if (DramBits < 32 || DramBits > 8192 || DramBits % 32 != 0)
      $fatal(1, "bf_array_top: DramBits must be a multiple of 32 in 32..8192");
  end

  // ---------------------------------------------------------------- engine
  logic                s_valid, s_rf, s_rl, s_tl, s_as, s_ws, s_acc;
  logic [AddrBits-1:0] s_ia, s_wa, s_oa;
  logic [1:0]          s_pa, s_pw, s_shift;

  bf_tile_engine #(.Loops(Loops), .AddrBits(AddrBits), .CountBits(CountBits)) u_engine (
    .clk_i, .rst_ni,
    .cmd_valid_i, .cmd_ready_o,
    .cmd_prec_a_i, .cmd_prec_w_i, .cmd_a_signed_i, .cmd_w_signed_i,
    .cmd_shift_i, .cmd_obuf_acc_i, .cmd_n_red_i,
    .cmd_ibuf_base_i, .cmd_wbuf_base_i, .cmd_obuf_base_i,
    .cmd_count_i, .cmd_ibuf_stride_i, .cmd_wbuf_stride_i, .cmd_obuf_stride_i,
    .step_valid_o (s_valid), .step_ibuf_addr_o (s_ia), .step_wbuf_addr_o (s_wa),
    .step_obuf_addr_o (s_oa), .step_red_first_o (s_rf), .step_red_last_o (s_rl),
    .step_tile_last_o (s_tl), .step_prec_a_o (s_pa), .step_prec_w_o (s_pw),
    .step_a_signed_o (s_as), .step_w_signed_o (s_ws), .step_shift_o (s_shift),
    .step_obuf_acc_o (s_acc)
  );

  // Operand address -> (buffer word, operand word within it). The operand
  // word width is set by the other operand's precision (bf_opsel).
  logic [AddrBits-1:0] s_iword, s_wword;
  logic [1:0]          s_isel, s_wsel;
  assign s_iword = s_pw == 2'd0 ? s_ia : s_pw == 2'd1 ? s_ia >> 1 : s_ia >> 2;
  assign s_isel  = s_pw == 2'd0 ? 2'd0 : s_pw == 2'd1 ? {1'b0, s_ia[0]} : s_ia[1:0];
  assign s_wword = s_pa == 2'd0 ? s_wa : s_pa == 2'd1 ? s_wa >> 1 : s_wa >> 2;
  assign s_wsel  = s_pa == 2'd0 ? 2'd0 : s_pa == 2'd1 ? {1'b0, s_wa[0]} : s_wa[1:0];

  // ------------------------------------------------ control shift registers
  // Left edge: L[k] = step of cycle T at cycle T+k; L[0] is the engine
  // output, L[k] (k >= 1) is held in lq_*[k-1].
  logic           lq_valid [Rows];
  logic [IDw-1:0] lq_word  [Rows];
  logic [1:0]     lq_sel   [Rows];
  logic [1:0]     lq_pa    [Rows];
  logic [1:0]     lq_pw    [Rows];

  // Anti-diagonals: D[d] = step of cycle T at cycle T+d+1. The WBUF read
  // (valid, word) of every diagonal comes from here; the FU mode (operand
  // select, precisions, signs) only for column 0 (stages 0..Rows): each
  // cell registers it for its right neighbour, so no register drives a
  // whole diagonal of cells.
  localparam int NDiag = Rows + Cols;
  localparam int NMode = Rows + 1;
  logic           d_valid [NDiag];
  logic [WDw-1:0] d_word  [NDiag];
  logic [1:0]     d_sel   [NMode];
  logic [1:0]     d_pa    [NMode];
  logic [1:0]     d_pw    [NMode];
  logic           d_as    [NMode];
  logic           d_ws    [NMode];

  // Output control: E[k] = step of cycle T at cycle T+k+1; column c uses
  // E[Rows+2+c] (its column sum arrives at T+Rows+c+3).
  localparam int NOut = Rows + Cols + 2;
  logic           e_valid [NOut];
  logic           e_rf    [NOut];
  logic           e_rl    [NOut];
  logic           e_tl    [NOut];
  logic [ODw-1:0] e_addr  [NOut];
  logic           e_acc   [NOut];
  logic [1:0]     e_shift [NOut];
  logic           done1_q, done2_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int k = 0; k < Rows; k++) begin
        lq_valid[k] <= 1'b0; lq_word[k] <= '0; lq_sel[k] <= '0; lq_pa[k] <= '0; lq_pw[k] <= '0;
      end
      for (int k = 0; k < NDiag; k++) begin
        d_valid[k] <= 1'b0; d_word[k] <= '0;
      end
      for (int k = 0; k < NMode; k++) begin
        d_sel[k] <= '0; d_pa[k] <= '0; d_pw[k] <= '0; d_as[k] <= 1'b0; d_ws[k] <= 1'b0;
      end
      for (int k = 0; k < NOut; k++) begin
        e_valid[k] <= 1'b0; e_rf[k] <= 1'b0; e_rl[k] <= 1'b0; e_tl[k] <= 1'b0;
        e_addr[k] <= '0; e_acc[k] <= 1'b0; e_shift[k] <= '0;
      end
      done1_q <= 1'b0;
      done2_q <= 1'b0;
    end else begin
      lq_valid[0] <= s_valid; lq_word[0] <= s_iword[IDw-1:0]; lq_sel[0] <= s_isel;
      lq_pa[0] <= s_pa; lq_pw[0] <= s_pw;
      for (int k = 1; k < Rows; k++) begin
        lq_valid[k] <= lq_valid[k-1]; lq_word[k] <= lq_word[k-1]; lq_sel[k] <= lq_sel[k-1];
        lq_pa[k] <= lq_pa[k-1]; lq_pw[k] <= lq_pw[k-1];
      end
      d_valid[0] <= s_valid; d_word[0] <= s_wword[WDw-1:0]; d_sel[0] <= s_wsel;
      d_pa[0] <= s_pa; d_pw[0] <= s_pw; d_as[0] <= s_as; d_ws[0] <= s_ws;
      for (int k = 1; k < NDiag; k++) begin
        d_valid[k] <= d_valid[k-1]; d_word[k] <= d_word[k-1];
      end
      for (int k = 1; k < NMode; k++) begin
        d_sel[k] <= d_sel[k-1]; d_pa[k] <= d_pa[k-1]; d_pw[k] <= d_pw[k-1];
        d_as[k] <= d_as[k-1]; d_ws[k] <= d_ws[k-1];
      end
      e_valid[0] <= s_valid; e_rf[0] <= s_rf; e_rl[0] <= s_rl; e_tl[0] <= s_tl;
      e_addr[0] <= s_oa[ODw-1:0]; e_acc[0] <= s_acc; e_shift[0] <= s_shift;
      for (int k = 1; k < NOut; k++) begin
        e_valid[k] <= e_valid[k-1]; e_rf[k] <= e_rf[k-1]; e_rl[k] <= e_rl[k-1];
        e_tl[k] <= e_tl[k-1]; e_addr[k] <= e_addr[k-1]; e_acc[k] <= e_acc[k-1];
        e_shift[k] <= e_shift[k-1];
      end
      done1_q <= e_valid[NOut-1] & e_tl[NOut-1];
      done2_q <= done1_q;
    end
  end
  assign done_o = done2_q;

  logic busy;
  always_comb begin
    busy = s_valid | done1_q;
    for (int k = 0; k < NOut; k++) busy = busy | e_valid[k];
  end
  assign busy_o = busy;

  logic [31:0] steps_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)      steps_q <= '0;
    else if (s_valid) steps_q <= steps_q + 32'd1;
  end
  assign stat_steps_o = steps_q;

  // ------------------------------------------------------- IBUF + left edge
  logic [31:0] act_edge_q [Rows];
  for (genvar r = 0; r < Rows; r++) begin : g_row
    logic [31:0]    rdata, dense, fields;
    logic           we, re;
    logic [IDw-1:0] raddr;
    // Read with L[r], select and spread with L[r+1] = lq[r].
    if (r == 0) begin : g_head
      assign re    = s_valid;
      assign raddr = s_iword[IDw-1:0];
    end else begin : g_tap
      assign re    = lq_valid[r-1];
      assign raddr = lq_word[r-1];
    end
    assign we = ibuf_wr_valid_i && 32'(ibuf_wr_group_i) == r / IbufG && ibuf_wr_mask_i[r % IbufG];
    bf_sram #(.Depth(IbufDepth), .Width(32)) u_ibuf (
      .clk_i,
      .we_i (we), .waddr_i (ibuf_wr_addr_i), .wdata_i (ibuf_wr_data_i[32*(r % IbufG) +: 32]),
      .re_i (re), .raddr_i (raddr), .rdata_o (rdata)
    );
    bf_opsel u_sel (
      .word_i (rdata), .sel_i (lq_sel[r]), .prec_other_i (lq_pw[r]), .dense_o (dense)
    );
    bf_spread #(.IsWeight(0)) u_spread_a (
      .dense_i (dense), .prec_a_i (lq_pa[r]), .prec_w_i (lq_pw[r]), .fields_o (fields)
    );
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) act_edge_q[r] <= '0;
      else         act_edge_q[r] <= fields;
    end
  end

  // ------------------------------------------------------- WBUF + the cells
  // The WBUF write port is registered once per row (loaded only when the
  // group touches the row), so the port drives Rows registers and each
  // register drives the Cols banks of its row instead of the port driving
  // all Rows*Cols banks. A write presented in cycle x is in its bank from
  // cycle x+2 on; the earliest array read of a bank is 2 cycles after its
  // tile command is accepted, so a tile accepted in or after the cycle of
  // the load's last write sees every word (docs/array.md).
  // Row r (bf_array_row) holds the cells (r, 0..Cols-1) and their WBUF
  // banks; psum[r] is the column partial sums into row r (column c at
  // [PsumBits*c +: PsumBits]), psum[Rows] those at the bottom.
  logic [Cols*PsumBits-1:0] psum [Rows+1];
  assign psum[0] = '0;
  for (genvar r = 0; r < Rows; r++) begin : g_r
    // Group g covers banks g*G .. g*G+G-1: Cols/G groups per row when
    // Cols >= G, else one group spans G/Cols rows.
    logic                 hit, wq_valid_q;
    logic [WGw-1:0]       wq_group_q;
    logic [WDw-1:0]       wq_addr_q;
    logic [WbufG-1:0]     wq_mask_q;
    logic [WbufG*32-1:0]  wq_data_q;
    if (Cols >= WbufG) begin : g_hit_row
      assign hit = wbuf_wr_valid_i && 32'(wbuf_wr_group_i) / (Cols / WbufG) == r;
    end else begin : g_hit_span
      assign hit = wbuf_wr_valid_i && 32'(wbuf_wr_group_i) == r / (WbufG / Cols);
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) wq_valid_q <= 1'b0;
      else         wq_valid_q <= hit;
    end
    // Data registers without reset, loaded only on a write to this row.
    always_ff @(posedge clk_i) begin
      if (hit) begin
        wq_group_q <= wbuf_wr_group_i;
        wq_addr_q  <= wbuf_wr_addr_i;
        wq_mask_q  <= wbuf_wr_mask_i;
        wq_data_q  <= wbuf_wr_data_i;
      end
    end
    logic unused_wq;  // slices of banks outside this row (Cols < G)
    assign unused_wq = ^{wq_mask_q, wq_data_q};
    // Bank B = r*Cols+c: its write enable and data slice; it is read with
    // the step of anti-diagonal r+c.
    logic [Cols-1:0]     wb_we, wb_re;
    logic [Cols*32-1:0]  wb_wdata;
    logic [Cols*WDw-1:0] wb_raddr;
    for (genvar c = 0; c < Cols; c++) begin : g_c
      localparam int B = r * Cols + c;
      assign wb_we[c]                = wq_valid_q && 32'(wq_group_q) == B / WbufG && wq_mask_q[B % WbufG];
      assign wb_wdata[32*c +: 32]    = wq_data_q[32*(B % WbufG) +: 32];
      assign wb_re[c]                = d_valid[r+c];
      assign wb_raddr[WDw*c +: WDw]  = d_word[r+c];
    end
    // The row's clock runs only in the cycles whose rising edge a row
    // register needs: a step of cycle T uses row r's edges at the ends of
    // cycles T+r+1 (WBUF read of cell 0) .. T+r+Cols+2 (psum of the last
    // cell), where E[k] (k = r .. r+Cols+1) holds it; and the edge after a
    // WBUF write of the row (wq_valid_q). Every other edge would only move
    // values no step uses (docs/array.md, Clock gating).
    logic win, row_en, row_clk;
    always_comb begin
      win = 1'b0;
      for (int k = 0; k < Cols + 2; k++) win = win | e_valid[r + k];
    end
    assign row_en = win | wq_valid_q;
    bf_clk_gate u_cg (.clk_i, .en_i (row_en), .gclk_o (row_clk));
    bf_array_row #(.Cols(Cols), .WbufDepth(WbufDepth), .PsumBits(PsumBits)) u_row (
      .clk_i (row_clk), .rst_ni,
      .wbuf_we_i (wb_we), .wbuf_waddr_i (wq_addr_q), .wbuf_wdata_i (wb_wdata),
      .wbuf_re_i (wb_re), .wbuf_raddr_i (wb_raddr),
      .act_f_i (act_edge_q[r]),
      .wgt_sel_i (d_sel[r+1]), .prec_a_i (d_pa[r+1]), .prec_w_i (d_pw[r+1]),
      .a_signed_i (d_as[r+1]), .w_signed_i (d_ws[r+1]),
      .psum_i (psum[r]), .psum_o (psum[r+1])
    );
  end

  // ------------------------------------------- accumulators + OBUF + drain
  logic [Cols-1:0] arr_re, arr_we;
  logic [Cols*32-1:0] obuf_rdata;   // bank c at [32c +: 32] (packed: Yosys keeps the banks)
  logic [DGw-1:0]  rd_group_q;
  logic            rd_rvalid_q;

  for (genvar c = 0; c < Cols; c++) begin : g_col
    localparam int K = Rows + 2 + c;
    logic [ODw-1:0] a_raddr, a_waddr;
    logic [31:0]    a_wdata;
    logic           in_rd_group, in_wr_group, x_re, x_we;
    bf_col_out #(.PsumBits(PsumBits), .Aw(ODw)) u_out (
      .clk_i, .rst_ni,
      .psum_i (psum[Rows][PsumBits*c +: PsumBits]), .valid_i (e_valid[K]), .red_first_i (e_rf[K]),
      .red_last_i (e_rl[K]), .addr_i (e_addr[K]), .acc_i (e_acc[K]), .shift_i (e_shift[K]),
      .pre_valid_i (e_valid[K-1]), .pre_red_last_i (e_rl[K-1]), .pre_acc_i (e_acc[K-1]),
      .pre_addr_i (e_addr[K-1]),
      .rd_en_o (arr_re[c]), .rd_addr_o (a_raddr), .rd_data_i (obuf_rdata[32*c +: 32]),
      .wr_en_o (arr_we[c]), .wr_addr_o (a_waddr), .wr_data_o (a_wdata)
    );
    assign in_rd_group = 32'(obuf_rd_group_i) == c / DrainG;
    assign in_wr_group = 32'(obuf_wr_group_i) == c / ObufG;
    assign x_re = obuf_rd_valid_i & obuf_rd_ready_o & in_rd_group;
    assign x_we = obuf_wr_valid_i & obuf_wr_ready_o & in_wr_group & obuf_wr_mask_i[c % ObufG];
    bf_sram #(.Depth(ObufDepth), .Width(32)) u_obuf (
      .clk_i,
      .we_i    (arr_we[c] | x_we),
      .waddr_i (arr_we[c] ? a_waddr : obuf_wr_addr_i),
      .wdata_i (arr_we[c] ? a_wdata : obuf_wr_data_i[32*(c % ObufG) +: 32]),
      .re_i    (arr_re[c] | x_re),
      .raddr_i (arr_re[c] ? a_raddr : obuf_rd_addr_i),
      .rdata_o (obuf_rdata[32*c +: 32])
    );
  end

  // The loader/drain side may use a group's bank ports when no column of
  // the group uses them in this cycle.
  always_comb begin
    obuf_rd_ready_o = 1'b1;
    obuf_wr_ready_o = 1'b1;
    for (int c = 0; c < Cols; c++) begin
      if (c / DrainG == 32'(obuf_rd_group_i) && arr_re[c]) obuf_rd_ready_o = 1'b0;
      if (c / ObufG == 32'(obuf_wr_group_i) && arr_we[c]) obuf_wr_ready_o = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_rvalid_q <= 1'b0;
      rd_group_q  <= '0;
    end else begin
      rd_rvalid_q <= obuf_rd_valid_i & obuf_rd_ready_o;
      if (obuf_rd_valid_i & obuf_rd_ready_o) rd_group_q <= obuf_rd_group_i;
    end
  end
  assign obuf_rd_rvalid_o = rd_rvalid_q;
  for (genvar j = 0; j < DrainG; j++) begin : g_drain
    logic [31:0] word [ObufBanks / DrainG];
    for (genvar g = 0; g < ObufBanks / DrainG; g++) begin : g_grp
      assign word[g] = obuf_rdata[32*(g * DrainG + j) +: 32];
    end
    if (ObufBanks / DrainG > 1) begin : g_mux
      assign obuf_rd_data_o[32*j +: 32] = word[rd_group_q];
    end else begin : g_one
      assign obuf_rd_data_o[32*j +: 32] = word[0];
    end
  end

  // The upper address bits beyond the bank depth are unused (asserted 0).
  logic unused_addr;
  assign unused_addr = ^{s_iword, s_wword, s_oa, rd_group_q};

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  always @(posedge clk_i) begin
    if (s_valid) begin
      if ((s_iword >> IDw) != '0) $error("bf_array_top: IBUF address %0d out of range", s_ia);
      if ((s_wword >> WDw) != '0) $error("bf_array_top: WBUF address %0d out of range", s_wa);
      if ((s_oa >> ODw) != '0)    $error("bf_array_top: OBUF address %0d out of range", s_oa);
    end
  end
`endif
`endif
endmodule
