// bench_array: simulator benchmark of the array with its buffers and tile
// engine (bf_array_top), driven as the controller drives it.
//
//   1. Reset, then load every word of the IBUF, WBUF and OBUF through the
//      write ports (random data; the OBUF preload is what accumulate-into
//      tiles add to).
//   2. Until clock edge N (+cycles=N): a stream of random tile commands,
//      back to back (valid/ready). Each command draws a mode (precision
//      pair from {2,4,8}^2, signs, psum shift 0/8/16, overwrite or
//      accumulate-into, n_red 0..6) and a 6-level loop nest (counts >= 1,
//      at most MaxSteps steps) whose IBUF, WBUF and OBUF addresses, with
//      random signed strides, stay inside one half of each buffer.
//      Double buffering as on the chip: the tiles of an epoch read half h;
//      meanwhile the loader rewrites the other half with fresh random
//      words, but only after the done pulse of the last tile that read it;
//      the next epoch moves to that half once its load is complete.
//      The OBUF read port scans the whole OBUF all the time (drain).
//   3. After edge N: no new command; wait until every tile is done and the
//      array is idle, then read the whole OBUF back.
// Every OBUF word read (scan and final read-back) and the edge number of
// every done pulse are folded into the checksum. The last line is
//   BENCH design=array<R>x<C> cycles=<edges> seed=S checksum=<16 hex>
//         tiles=<n> steps=<n> loads=<n> xouts=<n>
// and must be identical on every simulator (bench/icarus/run.sh). xouts
// counts the edges after reset at which an output holds an X or Z bit (the
// handshake and status outputs at every edge, the OBUF read data when
// valid): on a four-state simulator (Icarus) it must be 0.
//
// bench_array is a clocked top without delays (clk_i driven by the
// simulator loop: bench/icarus/verilator_main.cpp); bench_array_top adds a
// delay-based clock for Verilator --binary --timing and Icarus.
// Plusargs: +cycles=N (default 20000), +seed=S (default 1).
// Parameters: the bf_array_top configuration (defaults: bf2x2).
module bench_array #(
  parameter int Rows     = 2,
  parameter int Cols     = 2,
  parameter int WbufKb   = 1,
  parameter int IbufKb   = 1,
  parameter int ObufKb   = 1,
  parameter int DramBits = 64,
  parameter int MaxSteps = 128,
  // Derived exactly as in bf_array_top (not to be overridden).
  localparam int IbufBanks = Rows,
  localparam int WbufBanks = Rows * Cols,
  localparam int ObufBanks = Cols,
  localparam int IbufDepth = IbufKb * 256 / IbufBanks,
  localparam int WbufDepth = WbufKb * 256 / WbufBanks,
  localparam int ObufDepth = ObufKb * 256 / ObufBanks,
  localparam int IDw       = $clog2(IbufDepth),
  localparam int WDw       = $clog2(WbufDepth),
  localparam int ODw       = $clog2(ObufDepth),
  localparam int DramG     = (DramBits <= 32) ? 1 : (1 << $clog2((DramBits + 31) / 32)),
  localparam int IbufG     = (DramG < IbufBanks) ? DramG : IbufBanks,
  localparam int WbufG     = (DramG < WbufBanks) ? DramG : WbufBanks,
  localparam int ObufG     = (DramG < ObufBanks) ? DramG : ObufBanks,
  localparam int IGroups   = IbufBanks / IbufG,
  localparam int WGroups   = WbufBanks / WbufG,
  localparam int OGroups   = ObufBanks / ObufG,
  localparam int IGw       = (IGroups > 1) ? $clog2(IGroups) : 1,
  localparam int WGw       = (WGroups > 1) ? $clog2(WGroups) : 1,
  localparam int OGw       = (OGroups > 1) ? $clog2(OGroups) : 1
) (
  input logic clk_i
);
  // ------------------------------------------------------------ DUT ports
  logic                 rst_nq = 1'b0;
  logic                 cmd_valid = 1'b0, cmd_ready;
  logic [1:0]           cmd_pa = '0, cmd_pw = '0, cmd_shift = '0;
  logic                 cmd_as = 1'b0, cmd_ws = 1'b0, cmd_acc = 1'b0;
  logic [2:0]           cmd_n_red = '0;
  logic [15:0]          cmd_ibase = '0, cmd_wbase = '0, cmd_obase = '0;
  logic [95:0]          cmd_count = '0, cmd_istr = '0, cmd_wstr = '0, cmd_ostr = '0;
  logic                 done, busy;
  logic [31:0]          stat_steps;
  logic                 iw_valid = 1'b0;
  logic [IGw-1:0]       iw_group = '0;
  logic [IDw-1:0]       iw_addr = '0;
  logic [IbufG*32-1:0]  iw_data = '0;
  logic                 ww_valid = 1'b0;
  logic [WGw-1:0]       ww_group = '0;
  logic [WDw-1:0]       ww_addr = '0;
  logic [WbufG*32-1:0]  ww_data = '0;
  logic                 ow_valid = 1'b0, ow_ready;
  logic [OGw-1:0]       ow_group = '0;
  logic [ODw-1:0]       ow_addr = '0;
  logic [ObufG*32-1:0]  ow_data = '0;
  logic                 or_valid = 1'b0, or_ready, or_rvalid;
  logic [OGw-1:0]       or_group = '0;
  logic [ODw-1:0]       or_addr = '0;
  logic [ObufG*32-1:0]  or_data;

  bf_array_top #(
    .Rows (Rows), .Cols (Cols), .WbufKb (WbufKb), .IbufKb (IbufKb), .ObufKb (ObufKb),
    .DramBits (DramBits)
  ) u_dut (
    .clk_i, .rst_ni (rst_nq),
    .cmd_valid_i (cmd_valid), .cmd_ready_o (cmd_ready),
    .cmd_prec_a_i (cmd_pa), .cmd_prec_w_i (cmd_pw),
    .cmd_a_signed_i (cmd_as), .cmd_w_signed_i (cmd_ws),
    .cmd_shift_i (cmd_shift), .cmd_obuf_acc_i (cmd_acc), .cmd_n_red_i (cmd_n_red),
    .cmd_ibuf_base_i (cmd_ibase), .cmd_wbuf_base_i (cmd_wbase), .cmd_obuf_base_i (cmd_obase),
    .cmd_count_i (cmd_count), .cmd_ibuf_stride_i (cmd_istr), .cmd_wbuf_stride_i (cmd_wstr),
    .cmd_obuf_stride_i (cmd_ostr),
    .done_o (done), .busy_o (busy), .stat_steps_o (stat_steps),
    .ibuf_wr_valid_i (iw_valid), .ibuf_wr_group_i (iw_group), .ibuf_wr_addr_i (iw_addr),
    .ibuf_wr_mask_i ({IbufG{1'b1}}), .ibuf_wr_data_i (iw_data),
    .wbuf_wr_valid_i (ww_valid), .wbuf_wr_group_i (ww_group), .wbuf_wr_addr_i (ww_addr),
    .wbuf_wr_mask_i ({WbufG{1'b1}}), .wbuf_wr_data_i (ww_data),
    .obuf_wr_valid_i (ow_valid), .obuf_wr_ready_o (ow_ready), .obuf_wr_group_i (ow_group),
    .obuf_wr_addr_i (ow_addr), .obuf_wr_mask_i ({ObufG{1'b1}}), .obuf_wr_data_i (ow_data),
    .obuf_rd_valid_i (or_valid), .obuf_rd_ready_o (or_ready), .obuf_rd_group_i (or_group),
    .obuf_rd_addr_i (or_addr), .obuf_rd_rvalid_o (or_rvalid), .obuf_rd_data_o (or_data)
  );

  // ------------------------------------------------------ testbench state
  // Private to the clocked block below (blocking assignments); the DUT
  // inputs above are driven with nonblocking assignments only.
  localparam int PhInit = 0, PhRun = 1, PhFlush = 2, PhRead = 3;
  logic [63:0] cyc = 64'd0;
  logic [63:0] n_cycles, seed, rng, chk;
  int          phase;
  int          i_ptr, w_ptr, o_ptr, r_ptr, r_got;     // load / read-back pointers
  int          ch, epoch_tiles, epoch_len;            // compute half, tiles in this epoch
  int          issued, dones, loads;
  int          last_use [2];                          // `issued` after the last tile on a half
  logic        loaded [2];                            // half holds data for a coming epoch
  logic        ld_active, stop;
  int          ld_half, ld_i, ld_w;                   // half load in progress
  int          scan;                                  // OBUF scan position
  int          xouts;                                 // edges with an X output after reset

  // Scratch of the command generator.
  int cnt [6];
  int str [6];

  // The generator is used only through these tasks, one draw per call
  // statement, so the order of the draws is the statement order on every
  // simulator (a side-effecting function inside an expression, e.g. in
  // both arms of ?:, may be evaluated differently by different tools).

  // Next xorshift64 word.
  task automatic draw(output logic [63:0] v);
    rng = bench_pkg::xs64(rng);
    v = rng;
  endtask

  // Random value in 0 .. n-1 (n >= 1).
  task automatic below(input int n, output int v);
    logic [63:0] r;
    draw(r);
    v = int'(r[47:16] % 32'(n));
  endtask

  // Strides and base of one buffer for the loop nest in cnt[]: every
  // address base + sum_l i_l * stride_l (0 <= i_l < cnt[l]) lies in
  // [lo_addr, lo_addr + size - 1]. Strides go to str[].
  task automatic place(input int lo_addr, input int size, output int base);
    int smax, lo, hi, k, v;
    smax = (size / 4 > 1) ? size / 4 : 1;
    for (k = 0; k < 6; k++) begin
      below(2 * smax + 1, v);
      str[k] = v - smax;
    end
    lo = 0;
    hi = size;
    while (hi - lo >= size) begin  // halve the strides until the span fits
      lo = 0;
      hi = 0;
      for (k = 0; k < 6; k++) begin
        if (str[k] < 0) lo = lo + (cnt[k] - 1) * str[k];
        else            hi = hi + (cnt[k] - 1) * str[k];
      end
      if (hi - lo >= size)
        for (k = 0; k < 6; k++) str[k] = str[k] / 2;
    end
    below(size - (hi - lo), v);
    base = lo_addr - lo + v;
  endtask

  // Random data for one write group of g banks (g <= 8).
  task automatic words(input int g, output logic [255:0] v);
    logic [63:0] r;
    int k;
    v = '0;
    for (k = 0; k < (g + 1) / 2; k++) begin
      draw(r);
      v[64*k +: 64] = r;
    end
  endtask

  always @(posedge clk_i) begin : tb
    logic        cmd_hs, rd_hs;
    logic [255:0] d;
    int          steps, c, hi, hw, ho, b, v;
    logic [1:0]  pa, pw;
    cyc = cyc + 64'd1;
    if (cyc == 64'd1) begin
      if (!$value$plusargs("cycles=%d", n_cycles)) n_cycles = 64'd20000;
      if (!$value$plusargs("seed=%d", seed)) seed = 64'd1;
      rng = bench_pkg::seed_state(seed);
      chk = bench_pkg::ChkInit;
      phase = PhInit;
      i_ptr = 0; w_ptr = 0; o_ptr = 0; r_ptr = 0; r_got = 0;
      ch = 0; epoch_tiles = 0; epoch_len = 1;
      issued = 0; dones = 0; loads = 0;
      last_use[0] = 0; last_use[1] = 0;
      loaded[0] = 1'b1; loaded[1] = 1'b1;
      ld_active = 1'b0; stop = 1'b0; ld_half = 0; ld_i = 0; ld_w = 0;
      scan = 0;
      xouts = 0;
    end
    if (cyc == 64'd3) rst_nq <= 1'b1;

    // One $isunknown per output: Icarus 11 reported X for the concatenation
    // of these outputs while every one of them was known.
    if (cyc >= 64'd4 && ($isunknown(cmd_ready) || $isunknown(done) || $isunknown(busy) || $isunknown(stat_steps) ||
                         $isunknown(ow_ready) || $isunknown(or_ready) || $isunknown(or_rvalid) ||
                         (or_rvalid && $isunknown(or_data))))
      xouts = xouts + 1;
    // What the DUT sampled at this edge.
    cmd_hs = cmd_valid & cmd_ready;
    rd_hs  = or_valid & or_ready;
    if (done) begin
      dones = dones + 1;
      chk = bench_pkg::fold(chk, cyc);
    end
    if (or_rvalid) begin
      for (int k = 0; k < ObufG; k++) chk = bench_pkg::fold(chk, {32'd0, or_data[32*k +: 32]});
      if (phase == PhRead) r_got = r_got + 1;
    end
    if (cmd_hs) begin
      issued = issued + 1;
      last_use[ch] = issued;
      epoch_tiles = epoch_tiles + 1;
    end
    if (cyc >= n_cycles) stop = 1'b1;

    if (cyc >= 64'd4) begin
      case (phase)
        PhInit: begin
          // Whole buffers: IBUF, WBUF and OBUF ports in parallel.
          if (ow_valid && ow_ready) o_ptr = o_ptr + 1;
          if (iw_valid) i_ptr = i_ptr + 1;
          if (ww_valid) w_ptr = w_ptr + 1;
          if (i_ptr < IGroups * IbufDepth) begin
            words(IbufG, d);
            iw_valid <= 1'b1; iw_group <= IGw'(i_ptr % IGroups); iw_addr <= IDw'(i_ptr / IGroups);
            iw_data <= d[IbufG*32-1:0];
          end else iw_valid <= 1'b0;
          if (w_ptr < WGroups * WbufDepth) begin
            words(WbufG, d);
            ww_valid <= 1'b1; ww_group <= WGw'(w_ptr % WGroups); ww_addr <= WDw'(w_ptr / WGroups);
            ww_data <= d[WbufG*32-1:0];
          end else ww_valid <= 1'b0;
          if (o_ptr < OGroups * ObufDepth) begin
            words(ObufG, d);
            ow_valid <= 1'b1; ow_group <= OGw'(o_ptr % OGroups); ow_addr <= ODw'(o_ptr / OGroups);
            ow_data <= d[ObufG*32-1:0];
          end else ow_valid <= 1'b0;
          if (i_ptr == IGroups * IbufDepth && w_ptr == WGroups * WbufDepth &&
              o_ptr == OGroups * ObufDepth)
            phase = PhRun;  // every write sampled; the first command goes out next edge
        end
        PhRun: begin
          // OBUF scan (drain port).
          if (rd_hs) scan = (scan + 1) % (OGroups * ObufDepth);
          or_valid <= !stop;
          or_group <= OGw'(scan % OGroups);
          or_addr  <= ODw'(scan / OGroups);

          // Loader: rewrite the half the current epoch does not read (a
          // load cut short by the end of the run is abandoned).
          if (stop) ld_active = 1'b0;
          if (ld_active) begin
            if (iw_valid) ld_i = ld_i + 1;
            if (ww_valid) ld_w = ld_w + 1;
            if (ld_i == IGroups * IbufDepth / 2 && ld_w == WGroups * WbufDepth / 2) begin
              ld_active = 1'b0;  // its last writes were sampled at this edge
              loaded[ld_half] = 1'b1;
              loads = loads + 1;
            end
          end else if (!stop && !loaded[1 - ch] && dones >= last_use[1 - ch]) begin
            ld_active = 1'b1;
            ld_half = 1 - ch;
            ld_i = 0;
            ld_w = 0;
          end
          if (ld_active && !stop && ld_i < IGroups * IbufDepth / 2) begin
            words(IbufG, d);
            iw_valid <= 1'b1; iw_group <= IGw'(ld_i % IGroups);
            iw_addr <= IDw'(ld_half * IbufDepth / 2 + ld_i / IGroups);
            iw_data <= d[IbufG*32-1:0];
          end else iw_valid <= 1'b0;
          if (ld_active && !stop && ld_w < WGroups * WbufDepth / 2) begin
            words(WbufG, d);
            ww_valid <= 1'b1; ww_group <= WGw'(ld_w % WGroups);
            ww_addr <= WDw'(ld_half * WbufDepth / 2 + ld_w / WGroups);
            ww_data <= d[WbufG*32-1:0];
          end else ww_valid <= 1'b0;
          ow_valid <= 1'b0;

          // Commands: a new one after each handshake (and the first).
          if (cmd_hs || !cmd_valid) begin
            if (stop) begin
              cmd_valid <= 1'b0;
              if (!busy && dones == issued) begin
                phase = PhFlush;
                or_valid <= 1'b0;
              end
            end else begin
              if (epoch_tiles >= epoch_len && loaded[1 - ch]) begin
                loaded[ch] = 1'b0;  // to be reloaded once its tiles are done
                ch = 1 - ch;
                epoch_tiles = 0;
                below(8, v);
                epoch_len = 1 + v;
              end
              // Loop nest: about half the levels iterate, <= MaxSteps steps.
              steps = 1;
              for (int l = 0; l < 6; l++) begin
                below(2, v);
                if (v == 0) c = 1;
                else begin
                  below(7, v);
                  c = 2 + v;
                end
                if (steps * c > MaxSteps) c = 1;
                cnt[l] = c;
                steps = steps * c;
              end
              below(3, v);
              pa = 2'(v);
              below(3, v);
              pw = 2'(v);
              // Half sizes in address units: operand words (IBUF: 64/W bits,
              // WBUF: 64/A bits, 32 / that many per buffer word), OBUF words.
              hi = (IbufDepth / 2) << pw;
              hw = (WbufDepth / 2) << pa;
              ho = ObufDepth / 2;
              cmd_valid <= 1'b1;
              cmd_pa <= pa;
              cmd_pw <= pw;
              below(2, v);
              cmd_as <= v == 1;
              below(2, v);
              cmd_ws <= v == 1;
              below(3, v);
              cmd_shift <= 2'(v);
              below(2, v);
              cmd_acc <= v == 1;
              below(7, v);
              cmd_n_red <= 3'(v);
              for (int l = 0; l < 6; l++) cmd_count[16*l +: 16] <= 16'(cnt[l]);
              place(ch * hi, hi, b);
              cmd_ibase <= 16'(b);
              for (int l = 0; l < 6; l++) cmd_istr[16*l +: 16] <= 16'(str[l]);
              place(ch * hw, hw, b);
              cmd_wbase <= 16'(b);
              for (int l = 0; l < 6; l++) cmd_wstr[16*l +: 16] <= 16'(str[l]);
              place(ch * ho, ho, b);
              cmd_obase <= 16'(b);
              for (int l = 0; l < 6; l++) cmd_ostr[16*l +: 16] <= 16'(str[l]);
            end
          end
        end
        PhFlush: begin
          // The last scan read (if any) returned at this edge.
          phase = PhRead;
          or_valid <= 1'b1;
          or_group <= '0;
          or_addr  <= '0;
        end
        default: begin  // PhRead: the whole OBUF, group-major
          if (rd_hs) r_ptr = r_ptr + 1;
          if (r_ptr < OGroups * ObufDepth) begin
            or_valid <= 1'b1;
            or_group <= OGw'(r_ptr / ObufDepth);
            or_addr  <= ODw'(r_ptr % ObufDepth);
          end else or_valid <= 1'b0;
          if (r_got == OGroups * ObufDepth) begin
            $display("BENCH design=array%0dx%0d cycles=%0d seed=%0d checksum=%016h tiles=%0d steps=%0d loads=%0d xouts=%0d",
                     Rows, Cols, cyc, seed, chk, issued, stat_steps, loads, xouts);
            $finish;
          end
        end
      endcase
    end
  end
endmodule

// Delay-based clock around bench_array (Verilator --binary --timing, Icarus).
module bench_array_top #(
  parameter int Rows     = 2,
  parameter int Cols     = 2,
  parameter int WbufKb   = 1,
  parameter int IbufKb   = 1,
  parameter int ObufKb   = 1,
  parameter int DramBits = 64
);
  logic clk = 1'b0;
  always #5 clk = ~clk;
  bench_array #(
    .Rows (Rows), .Cols (Cols), .WbufKb (WbufKb), .IbufKb (IbufKb), .ObufKb (ObufKb),
    .DramBits (DramBits)
  ) u_bench (.clk_i (clk));
endmodule
