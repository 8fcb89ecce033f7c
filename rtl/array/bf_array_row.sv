// bf_array_row: one row of the systolic array: Cols Fusion Unit cells
// (bf_array_cell) and the Cols WBUF banks (bf_sram) that feed them.
//
// Purely structural: the row adds no logic and no registers of its own;
// it groups what bf_array_top used to instantiate per row, so that the
// row is one module. The large Verilator builds use it as their
// hierarchical block (tb/ctrl/hier.vlt): one model of Cols cells,
// instantiated Rows times, instead of one model per cell (Rows*Cols
// instances, each crossing the DPI boundary several times per cycle).
// Inside the row the activations and the FU mode move from cell c to
// cell c+1 (each cell registers them); every WBUF bank is read into its
// own cell. Only column 0's inputs come from outside the row.
//
// Ports: the WBUF write port of the row (bank c written when
// wbuf_we_i[c], with wbuf_wdata_i[32c +: 32]; the decode of the array's
// write groups stays in bf_array_top), the WBUF reads (bank c at
// wbuf_raddr_i[WDw*c +: WDw] when wbuf_re_i[c]: the anti-diagonal taps
// of bf_array_top), the row edge (activation slices and FU mode into
// cell 0) and the column partial sums (column c at [PsumBits*c +:
// PsumBits]: from the row above in psum_i, to the row below in psum_o).
// The last cell's forwarded activation and mode are not used.
//
// Parameters:
//   Cols       cells in the row (>= 1)
//   WbufDepth  words per WBUF bank (power of two >= 2, as bf_sram)
//   PsumBits   width of the column partial sums (17..32, as bf_array_cell)
// Latency: that of its parts: a WBUF write is in its bank from the next
//   cycle on; a WBUF read is on the cell's weight input one cycle later;
//   cell c sees the row edge's activation and mode c cycles later;
//   psum_i to psum_o 1 cycle, the product of cell c to psum_o 2 cycles
//   after its operands meet (bf_array_cell).
module bf_array_row #(
  parameter int Cols      = 2,
  parameter int WbufDepth = 2,
  parameter int PsumBits  = 18,
  localparam int WDw      = $clog2(WbufDepth)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // ---- WBUF write port of the row.
  input  logic [Cols-1:0]          wbuf_we_i,
  input  logic [WDw-1:0]           wbuf_waddr_i,
  input  logic [Cols*32-1:0]       wbuf_wdata_i,
  // ---- WBUF reads (one per bank).
  input  logic [Cols-1:0]          wbuf_re_i,
  input  logic [Cols*WDw-1:0]      wbuf_raddr_i,
  // ---- Row edge: activation slices and FU mode of cell 0.
  input  logic [31:0]              act_f_i,
  input  logic [1:0]               wgt_sel_i,
  input  logic [1:0]               prec_a_i,
  input  logic [1:0]               prec_w_i,
  input  logic                     a_signed_i,
  input  logic                     w_signed_i,
  // ---- Column partial sums.
  input  logic [Cols*PsumBits-1:0] psum_i,
  output logic [Cols*PsumBits-1:0] psum_o
);
  initial begin
    if (Cols < 1) $fatal(1, "bf_array_row: Cols must be >= 1");
  end

  // Cell c takes [c] and drives [c+1].
  logic [31:0] act   [Cols+1];
  logic [1:0]  m_sel [Cols+1];
  logic [1:0]  m_pa  [Cols+1];
  logic [1:0]  m_pw  [Cols+1];
  logic        m_as  [Cols+1];
  logic        m_ws  [Cols+1];
  assign act[0]   = act_f_i;
  assign m_sel[0] = wgt_sel_i;
  assign m_pa[0]  = prec_a_i;
  assign m_pw[0]  = prec_w_i;
  assign m_as[0]  = a_signed_i;
  assign m_ws[0]  = w_signed_i;

  for (genvar c = 0; c < Cols; c++) begin : g_c
    logic [31:0] wword;
    bf_sram #(.Depth(WbufDepth), .Width(32)) u_wbuf (
      .clk_i,
      .we_i (wbuf_we_i[c]), .waddr_i (wbuf_waddr_i), .wdata_i (wbuf_wdata_i[32*c +: 32]),
      .re_i (wbuf_re_i[c]), .raddr_i (wbuf_raddr_i[WDw*c +: WDw]), .rdata_o (wword)
    );
    bf_array_cell #(.PsumBits(PsumBits)) u_cell (
      .clk_i, .rst_ni,
      .act_f_i (act[c]), .act_f_o (act[c+1]),
      .wgt_word_i (wword), .wgt_sel_i (m_sel[c]),
      .prec_a_i (m_pa[c]), .prec_w_i (m_pw[c]),
      .a_signed_i (m_as[c]), .w_signed_i (m_ws[c]),
      .wgt_sel_o (m_sel[c+1]), .prec_a_o (m_pa[c+1]), .prec_w_o (m_pw[c+1]),
      .a_signed_o (m_as[c+1]), .w_signed_o (m_ws[c+1]),
      .psum_i (psum_i[PsumBits*c +: PsumBits]), .psum_o (psum_o[PsumBits*c +: PsumBits])
    );
  end

  logic unused_last;  // the last cell's forwarded activation and mode
  assign unused_last = ^{act[Cols], m_sel[Cols], m_pa[Cols], m_pw[Cols], m_as[Cols], m_ws[Cols]};
endmodule
