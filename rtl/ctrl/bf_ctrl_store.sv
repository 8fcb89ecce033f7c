// bf_ctrl_store: the store / write-back unit. Runs one `st-mem` store
// (docs/isa.md, "Write-back") once the tile commands it depends on are done
// (done count reaches the descriptor's need):
//   for every index vector of the store's dims (i0 innermost), pixel row
//   pa = pa + sum_d i_d * padim[d], DRAM address da = dram + sum_d i_d *
//   ddim[d]; for each plane p: `run` words to da + p*plane. Word w packs
//   channels ch = w*E + e (E = 32/bits, lowest bits first); channel ch
//   (group g = ch div Cols, column c = ch mod Cols) is write_back(OBUF[c]
//   [pa + g*grp], bias OBUF[c][bbase + g], parameters OBUF[c][bbase +
//   groups*bias + g]) (bf_ctrl_wb), its byte p for a 16-bit output, and 0
//   when ch >= groups*Cols.
// Checks: a run beyond mem_words -> error 4 (before its first word), an
// OBUF row at or beyond the half (the whole OBUF with setup whole=o) -> error 3.
//
// Pipeline: the walker reads DrainG OBUF banks (bf_pkg::drain_group) per
// cycle through the drain port (the array has priority). One read covers
// S = min(DrainG, E * MM) channels, MM = the largest power of two <=
// min(DrainG, Words): the S / E >= 1 whole words of a narrow output, or
// one of the E / S reads of a word of a wide one (E > DrainG, small
// arrays). Before each read of accumulators come the bias row (with bias)
// and the parameter row (per-channel requantization). One cycle later
// (stage B) the bias / parameter values are kept per lane and the
// accumulator row enters the write-back lanes (bf_ctrl_wb, Latency 6);
// their outputs are packed into the read's words (stage C). Each read's
// words go as one entry through a 16-entry read FIFO (bf_fifo) to the beat
// assembler, which fills the beat being built (the words at their
// offsets, per-word write strobe), moves it to the write port when it is
// full or the run ends, and starts the next beat with the entry's words
// beyond it: up to MM words per cycle, one beat per cycle. The address of a
// run (da + p*plane) is computed when the previous run ends, so its first
// cycle only divides it into (beat, offset).
//
// Parameters:
//   Cols       array columns (OBUF banks)
//   ObufDepth  OBUF bank depth in 32-bit words
//   DramBits   memory port width
// Latency: per run one cycle, then per read of S channels one OBUF read
//   (each preceded by a bias and a parameter read when those are on); a
//   read's words are pushed into the FIFO 7 cycles after it (B, then the
//   6 write-back stages); a beat reaches the port the cycle after its last
//   entry is popped
//   (one more when a run's last read spills into a beat of its own).
module bf_ctrl_store `BF_IMPORT #(
  parameter int Cols      = 2,
  parameter int ObufDepth = 128,
  parameter int DramBits  = 64,
  localparam int Words    = DramBits / 32,
  localparam int DrainG   = bf_pkg::drain_group(Cols),
  localparam int DGw      = bf_pkg::index_bits(Cols / DrainG),
  localparam int ODw      = $clog2(ObufDepth)
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  abort_i,
  input  logic [31:0]           mem_words_i,
  // Store descriptor (start_i while busy_o is low).
  input  logic                  start_i,
  input  `BF_T(st_desc_t)       desc_i,
  // Tile command counters of the sequencer.
  input  logic [31:0]           issued_i,
  input  logic [31:0]           done_i,
  output logic                  busy_o,
  output logic                  reading_o,  // walking the store's runs (reading the OBUF); for assertions
  output logic [2:0]            err_o,
  // OBUF drain port of bf_array_top.
  output logic                  rd_valid_o,
  input  logic                  rd_ready_i,
  output logic [DGw-1:0]        rd_group_o,
  output logic [ODw-1:0]        rd_addr_o,
  input  logic                  rd_rvalid_i,
  input  logic [DrainG*32-1:0]  rd_data_i,
  // Memory port (writes).
  output logic                  mem_req_valid_o,
  input  logic                  mem_req_ready_i,
  output logic [31:0]           mem_req_addr_o,
  output logic [DramBits-1:0]   mem_req_data_o,
  output logic [Words-1:0]      mem_req_strb_o
);
  localparam int Ow  = (Words > 1) ? $clog2(Words) : 1;
  localparam int LgD = $clog2(DrainG);
  localparam int LnO = $clog2(Cols);
  localparam int Cw  = LnO + 1;
  localparam int OH  = ObufDepth / 2;
  localparam int Lw  = (DrainG > 1) ? $clog2(DrainG) : 1;
  localparam int WbLatency = 6;              // bf_ctrl_wb
  localparam int FD = 16;                    // word FIFO entries
  localparam int InFlight = WbLatency + 3;   // reads between a read and the FIFO (read, B, wb, C)
  // Words per read at most: the largest power of two <= min(DrainG, Words),
  // so that the words of one read span at most two beats.
  localparam int LgMM = $clog2(((DrainG < Words) ? DrainG : Words) + 1) - 1;
  localparam int MM   = 1 << LgMM;
  localparam int NwW  = LgMM + 1;                 // a count 1..MM
  localparam int Mw   = (LgMM > 0) ? LgMM : 1;    // a word index 0..MM-1

  initial begin
    if (Cols < 1 || (Cols & (Cols - 1)) != 0) $fatal(1, "bf_ctrl_store: Cols must be a power of two");
    if (DramBits < 32 || DramBits % 32 != 0) $fatal(1, "bf_ctrl_store: DramBits must be a multiple of 32");
  end

  // ------------------------------------------------------------ descriptor
  `BF_T(wb_cfg_t) wb_i, wb_q;
  logic [31:0]  dram_i, plane_i, need_i;
  logic [127:0] ddim_i;
  logic [67:0]  cnt_i;
  logic [15:0]  pa_i, grp_i, bbase_i;
  logic [63:0]  padim_i;
  logic [16:0]  groups_i, run_i;
  assign dram_i   = desc_i.dram;
  assign ddim_i   = desc_i.ddim;
  assign plane_i  = desc_i.plane;
  assign cnt_i    = desc_i.cnt;
  assign pa_i     = desc_i.pa;
  assign padim_i  = desc_i.padim;
  assign grp_i    = desc_i.grp;
  assign bbase_i  = desc_i.bbase;
  assign groups_i = desc_i.groups;
  assign run_i    = desc_i.run;
  assign need_i   = desc_i.need;
  assign wb_i     = desc_i.wb;

  logic        wait_q, walk_q, rfirst_q, half_q, whole_q, p_q;
  logic [32:0] olim;  // OBUF rows the store may read: a half, or the whole buffer
  assign olim = whole_q ? 33'(2 * OH) : 33'(OH);
  logic [1:0]  phase_q;        // reads of the current chunk: 0 bias, 1 parameters, 2 accumulators
  logic [31:0] ddim_q [4];
  logic [31:0] da_q [4];
  logic [15:0] padim_q [4];
  logic [31:0] pa_q [4];
  logic [31:0] plane_q;
  logic [15:0] grp_q, bbase_q;
  logic [16:0] groups_q, run_q, w_q;
  logic [31:0] need_q, ch_q, g_q, gofs_q, beat_q;
  logic [31:0] dp_q;           // DRAM address of the next run (da + p * plane)
  logic [Cw-1:0] c0_q;
  logic [4:0]  k_q;
  logic [Ow-1:0] pos_q;
  logic [2:0]  err_q;

  // Packing geometry: log2 of the field bits, channels per word, channels
  // per read, the field mask; from the descriptor, registered at start.
  logic [2:0]  lpb_q, ls_q, lm_q, n_lpb, n_le, n_ls, n_lm;
  logic [4:0]  subs_q, n_subs;
  logic        two_planes_q;
  logic [31:0] pmask_q, n_pmask;
  always_comb begin
    if (!wb_i.requant)                         n_lpb = 3'd5;
    else if (wb_i.out_prec == bf_pkg::Prec16)  n_lpb = 3'd3;
    else                                       n_lpb = 3'(wb_i.out_prec) + 3'd1;
    n_le    = 3'd5 - n_lpb;
    n_ls    = (n_le + 3'(LgMM) < 3'(LgD)) ? n_le + 3'(LgMM) : 3'(LgD);
    n_lm    = (n_ls > n_le) ? n_ls - n_le : 3'd0;
    n_subs  = 5'd1 << (n_le - ((n_le < n_ls) ? n_le : n_ls));
    n_pmask = (n_lpb == 3'd5) ? 32'hffff_ffff : ((32'd1 << (32'd1 << n_lpb)) - 32'd1);
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lpb_q <= 3'd5; ls_q <= '0; lm_q <= '0; subs_q <= 5'd1; two_planes_q <= 1'b0; pmask_q <= '1; wb_q <= '0;
    end else if (start_i) begin
      lpb_q <= n_lpb; ls_q <= n_ls; lm_q <= n_lm; subs_q <= n_subs; pmask_q <= n_pmask; wb_q <= wb_i;
      two_planes_q <= wb_i.requant && wb_i.out_prec == bf_pkg::Prec16;
    end
  end
  logic bias_q, chan_q;
  assign bias_q = wb_q.bias;
  assign chan_q = wb_q.requant && wb_q.channel;

  logic [31:0] nch;
  assign nch = 32'(groups_q) << LnO;

  // The run's address is set when the previous run ends (dp_q), so the
  // run-first cycle only divides it by Words.
  logic [31:0] beat0;
  logic [Ow-1:0] pos0;
  bf_ctrl_divw #(.Words(Words)) u_div (.addr_i (dp_q), .beat_o (beat0), .off_o (pos0));

  logic computes_done;
  assign computes_done = (issued_i - need_q) >= (issued_i - done_i);

  // ------------------------------------------------------------ walker
  logic [$clog2(FD):0] fifo_used;  // words in the word FIFO
  logic        in_range, e_dram, e_buf, room, accept, acc_phase, last_sub, last_word;
  logic [1:0]  first_phase, next_phase;
  logic [32:0] oa, ba, pra, ra;
  assign in_range    = ch_q < nch;
  assign oa          = {1'b0, pa_q[0]} + {1'b0, gofs_q};
  assign ba          = {17'b0, bbase_q} + {1'b0, g_q};
  assign pra         = ba + (bias_q ? 33'(groups_q) : 33'd0);
  assign first_phase = bias_q ? 2'd0 : chan_q ? 2'd1 : 2'd2;
  assign next_phase  = (phase_q == 2'd0 && chan_q) ? 2'd1 : 2'd2;
  assign acc_phase   = !in_range || phase_q == 2'd2;
  assign ra          = (phase_q == 2'd0) ? ba : (phase_q == 2'd1) ? pra : oa;
  assign e_dram      = walk_q && rfirst_q && ({1'b0, dp_q} + 33'(run_q) > {1'b0, mem_words_i});
  assign e_buf       = walk_q && !rfirst_q && in_range && ra >= olim;
  assign room        = 32'(fifo_used) + InFlight <= FD;
  assign rd_valid_o  = walk_q && !rfirst_q && !abort_i && in_range && room && !e_buf;
  assign rd_group_o  = DGw'(c0_q >> LgD);
  assign rd_addr_o   = ODw'((half_q ? 33'(OH) : 33'd0) + ra);
  assign accept      = walk_q && !rfirst_q && !abort_i && room && !e_buf && (!in_range || rd_ready_i);
  assign last_sub    = k_q + 5'd1 == subs_q;
  // Words of the current read (1 << lm_q of them; the run's last read may
  // hold fewer): the run's words w_q .. w_q + nw - 1.
  logic [17:0]    wpr, wleft;
  logic [NwW-1:0] nw;
  assign wpr         = 18'd1 << lm_q;
  assign wleft       = {1'b0, run_q} - {1'b0, w_q};
  assign last_word   = wleft <= wpr;
  assign nw          = last_word ? NwW'(wleft) : NwW'(wpr);
  // Offset of the next read's first word in its beat (one carry at most:
  // 1 << lm_q <= Words).
  logic [31:0] npos;
  assign npos        = 32'(pos_q) + 32'(wpr);

  // Index vector of the run (d0 innermost); it moves when a run's last
  // word is read (of its last plane).
  logic        found, run_end;
  logic [1:0]  adv;
  assign run_end = !wait_q && accept && acc_phase && last_sub && last_word && !(two_planes_q && !p_q);
  bf_ctrl_dims u_dims (
    .clk_i, .rst_ni, .start_i, .cnt_i, .step_i (run_end), .found_o (found), .adv_o (adv)
  );

  // Stage B tag: what the read of the previous cycle brings.
  logic          t_valid_q, t_bias_q, t_param_q, t_acc_q, t_last_sub_q, t_last_run_q, t_p_q;
  logic [4:0]    t_k_q;
  logic [Lw-1:0] t_lane_q;
  logic [NwW-1:0] t_nw_q;
  logic [31:0]   t_beat_q;
  logic [Ow-1:0] t_pos_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wait_q <= 1'b0; walk_q <= 1'b0; rfirst_q <= 1'b0; half_q <= 1'b0; whole_q <= 1'b0; p_q <= 1'b0;
      phase_q <= 2'd0;
      plane_q <= '0; grp_q <= '0; bbase_q <= '0; groups_q <= '0; run_q <= '0; w_q <= '0;
      need_q <= '0; ch_q <= '0; g_q <= '0; gofs_q <= '0; beat_q <= '0; c0_q <= '0; k_q <= '0; pos_q <= '0;
      dp_q <= '0; err_q <= 3'd0;
      for (int d = 0; d < 4; d++) begin
        ddim_q[d] <= '0; da_q[d] <= '0; padim_q[d] <= '0; pa_q[d] <= '0;
      end
      t_valid_q <= 1'b0; t_bias_q <= 1'b0; t_param_q <= 1'b0; t_acc_q <= 1'b0; t_last_sub_q <= 1'b0;
      t_last_run_q <= 1'b0; t_p_q <= 1'b0; t_k_q <= '0; t_lane_q <= '0; t_nw_q <= '0; t_beat_q <= '0;
      t_pos_q <= '0;
    end else begin
      t_valid_q <= 1'b0;
      if (start_i) begin
        wait_q <= 1'b1; walk_q <= 1'b0; rfirst_q <= 1'b1; half_q <= desc_i.half; whole_q <= desc_i.whole;
        p_q <= 1'b0;
        plane_q <= plane_i; grp_q <= grp_i; bbase_q <= bbase_i; groups_q <= groups_i; run_q <= run_i;
        need_q <= need_i; err_q <= 3'd0; dp_q <= dram_i;
        for (int d = 0; d < 4; d++) begin
          ddim_q[d] <= ddim_i[32*d +: 32]; da_q[d] <= dram_i;
          padim_q[d] <= padim_i[16*d +: 16]; pa_q[d] <= 32'(pa_i);
        end
      end else if (abort_i) begin
        wait_q <= 1'b0;
        walk_q <= 1'b0;
      end else if (wait_q) begin
        if (computes_done) begin
          wait_q <= 1'b0;
          walk_q <= 1'b1;
        end
      end else if (e_dram) begin
        walk_q <= 1'b0;
        err_q  <= bf_pkg::StatusDramAddress;
      end else if (e_buf) begin
        walk_q <= 1'b0;
        err_q  <= bf_pkg::StatusBufferAddress;
      end else if (walk_q && rfirst_q) begin
        rfirst_q <= 1'b0;
        beat_q   <= beat0;
        pos_q    <= pos0;
        ch_q <= '0; c0_q <= '0; g_q <= '0; gofs_q <= '0; w_q <= '0; k_q <= '0; phase_q <= first_phase;
      end else if (accept) begin
        t_valid_q    <= 1'b1;
        t_bias_q     <= in_range && phase_q == 2'd0;
        t_param_q    <= in_range && phase_q == 2'd1;
        t_acc_q      <= in_range && phase_q == 2'd2;
        t_last_sub_q <= last_sub && acc_phase;
        t_last_run_q <= last_sub && last_word && acc_phase;
        t_p_q        <= p_q;
        t_k_q        <= k_q;
        t_lane_q     <= Lw'(c0_q & Cw'(DrainG - 1));
        t_nw_q       <= nw;
        t_beat_q     <= beat_q;
        t_pos_q      <= pos_q;
        if (!acc_phase) begin
          phase_q <= next_phase;
        end else begin
          // Next sub-chunk of channels.
          phase_q <= first_phase;
          ch_q <= ch_q + (32'd1 << ls_q);
          if (32'(c0_q) + (32'd1 << ls_q) >= 32'(Cols)) begin
            c0_q   <= '0;
            g_q    <= g_q + 32'd1;
            gofs_q <= gofs_q + 32'(grp_q);
          end else begin
            c0_q <= c0_q + (Cw'(1) << ls_q);
          end
          if (!last_sub) begin
            k_q <= k_q + 5'd1;
          end else begin
            k_q <= '0;
            w_q <= w_q + 17'(wpr);
            if (npos >= Words) begin
              pos_q  <= Ow'(npos - Words);
              beat_q <= beat_q + 32'd1;
            end else begin
              pos_q <= Ow'(npos);
            end
            if (last_word) begin
              rfirst_q <= 1'b1;
              if (two_planes_q && !p_q) begin
                p_q  <= 1'b1;
                dp_q <= da_q[0] + plane_q;
              end else begin
                p_q <= 1'b0;
                if (!found) begin
                  walk_q <= 1'b0;
                end else begin
                  dp_q <= da_q[adv] + ddim_q[adv];
                  for (int d = 0; d < 4; d++) begin
                    if (d <= 32'(adv)) begin
                      da_q[d] <= da_q[adv] + ddim_q[adv];
                      pa_q[d] <= pa_q[adv] + 32'(padim_q[adv]);
                    end
                  end
                end
              end
            end
          end
        end
      end
    end
  end

  // ------------------------------------------------------------ stage B
  // The OBUF row arrives: bias and parameter rows are kept per lane for the
  // accumulator row of the same chunk, which enters the write-back lanes.
  logic [DrainG*32-1:0] biasw_q, paramw_q;
  logic [31:0]          wbv [DrainG];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      biasw_q <= '0; paramw_q <= '0;
    end else begin
      if (t_valid_q && t_bias_q && rd_rvalid_i) biasw_q <= rd_data_i;
      if (t_valid_q && t_param_q && rd_rvalid_i) paramw_q <= rd_data_i;
    end
  end
  for (genvar j = 0; j < DrainG; j++) begin : g_wb
    bf_ctrl_wb u_wb (
      .clk_i, .acc_i (rd_data_i[32*j +: 32]), .bias_i (biasw_q[32*j +: 32]), .param_i (paramw_q[32*j +: 32]),
      .cfg_i (wb_q), .out_o (wbv[j])
    );
  end

  // Tags of the accumulator rows, delayed by the write-back latency.
  localparam int TagW = 1 + 1 + 1 + 1 + 1 + 5 + Lw + NwW + 32 + Ow;
  logic [TagW-1:0] tag_b, tag_c;
  logic [TagW-1:0] tag_pipe_q [WbLatency];
  assign tag_b = {t_valid_q && !t_bias_q && !t_param_q && !abort_i, t_acc_q, t_last_sub_q, t_last_run_q, t_p_q,
                  t_k_q, t_lane_q, t_nw_q, t_beat_q, t_pos_q};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < WbLatency; i++) tag_pipe_q[i] <= '0;
    end else begin
      tag_pipe_q[0] <= tag_b;
      for (int i = 1; i < WbLatency; i++) tag_pipe_q[i] <= abort_i ? '0 : tag_pipe_q[i-1];
      if (abort_i) tag_pipe_q[0] <= '0;
    end
  end
  assign tag_c = tag_pipe_q[WbLatency-1];

  // ------------------------------------------------------------ stage C
  // The write-back values of the lanes are packed into the words of the
  // read (lane j of the read's 1 << ls lanes into word ((j - lane) << lpb)
  // div 32 at bit ((k << ls) + j - lane) << lpb mod 32).
  logic           c_valid, c_acc, c_last_sub, c_last_run, c_p;
  logic [4:0]     c_k;
  logic [Lw-1:0]  c_lane;
  logic [NwW-1:0] c_nw;
  logic [31:0]    c_beat;
  logic [Ow-1:0]  c_pos;
  logic [31:0]    word_q;
  logic [31:0]    fields [MM];
  logic [MM*32-1:0] words_d;
  assign {c_valid, c_acc, c_last_sub, c_last_run, c_p, c_k, c_lane, c_nw, c_beat, c_pos} = tag_c;

  // Which lanes go into which word and at which bit: computed one cycle
  // ahead from the tag before stage C (the tag of the last write-back
  // stage), so that stage C is only the lane shifts and their OR.
  logic [Lw-1:0]     pre_lane;
  logic [4:0]        pre_k;
  logic [DrainG-1:0] lane_en_q;
  logic [4:0]        lane_at_q [DrainG];
  logic [Mw-1:0]     lane_wd_q [DrainG];
  assign pre_lane = tag_pipe_q[WbLatency-2][Ow+32+NwW +: Lw];
  assign pre_k    = tag_pipe_q[WbLatency-2][Ow+32+NwW+Lw +: 5];
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      lane_en_q <= '0;
      for (int j = 0; j < DrainG; j++) begin
        lane_at_q[j] <= '0;
        lane_wd_q[j] <= '0;
      end
    end else begin
      for (int j = 0; j < DrainG; j++) begin
        lane_en_q[j] <= j >= 32'(pre_lane) && j < 32'(pre_lane) + (32'd1 << ls_q);
        lane_at_q[j] <= 5'((((32'(pre_k) << ls_q) + 32'(j) - 32'(pre_lane)) << lpb_q));
        lane_wd_q[j] <= Mw'(((32'(j) - 32'(pre_lane)) << lpb_q) >> 5);
      end
    end
  end

  always_comb begin
    for (int m = 0; m < MM; m++) fields[m] = '0;
    for (int j = 0; j < DrainG; j++) begin
      for (int m = 0; m < MM; m++) begin
        if (lane_en_q[j] && 32'(lane_wd_q[j]) == m)
          fields[m] = fields[m] | (((c_p ? wbv[j] >> 8 : wbv[j]) & pmask_q) << lane_at_q[j]);
      end
    end
    // Word 0 collects the sub-chunks of a word (several reads per word);
    // the other words are whole in one read.
    words_d[31:0] = word_q | (c_acc ? fields[0] : 32'd0);
    for (int m = 1; m < MM; m++) words_d[32*m +: 32] = c_acc ? fields[m] : 32'd0;
  end

  // Read FIFO: one entry per read, {words, count, beat and offset of the
  // first word, last of run}. The walker reads only while the FIFO has room
  // for every read in flight.
  localparam int FW = MM * 32 + NwW + 32 + Ow + 1;
  logic           push, pop, fifo_full, fifo_empty;
  logic [FW-1:0]  fifo_head;
  logic [MM*32-1:0] h_words;
  logic [NwW-1:0] h_nw;
  logic [31:0]    h_beat;
  logic [Ow-1:0]  h_pos;
  logic           h_last;
  assign push = c_valid && c_last_sub && !abort_i;
  bf_fifo #(.Depth (FD), .Width (FW)) u_words (
    .clk_i, .rst_ni, .flush_i (abort_i),
    .push_i (push), .data_i ({words_d, c_nw, c_beat, c_pos, c_last_run}), .full_o (fifo_full),
    .pop_i (pop), .data_o (fifo_head), .empty_o (fifo_empty), .usage_o (fifo_used)
  );
  assign {h_words, h_nw, h_beat, h_pos, h_last} = fifo_head;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)        word_q <= '0;
    else if (abort_i)   word_q <= '0;
    else if (c_valid)   word_q <= c_last_sub ? 32'd0 : words_d[31:0];
  end

  // ------------------------------------------------------------ beat assembler
  // The beat being built (b: slots, strobes, beat address) and the beat on
  // the write port (o). A popped entry fills its slots of b from its offset
  // on; when it reaches the beat's last slot or ends the run, the merged
  // beat moves to o and the entry's remaining words start b at slot 0 of
  // the next beat (sent on its own, flush, when they end the run). One
  // entry per cycle, a pop that completes a beat only while o is free or
  // being accepted.
  logic [31:0]      bbeat_q, obeat_q;
  logic [31:0]      bdata_q [Words];
  logic [31:0]      odata_q [Words];
  logic [Words-1:0] bstrb_q, ostrb_q;
  logic             bflush_q, send_q;
  logic [31:0]      mdata [Words];
  logic [31:0]      vdata [Words];
  logic [Words-1:0] mstrb, vstrb;
  logic             completes, crosses, ofree;
  logic [31:0]      h_end;
  assign h_end     = 32'(h_pos) + 32'(h_nw);
  assign completes = h_last || h_end >= Words;
  assign crosses   = h_end > Words;
  always_comb begin
    for (int s = 0; s < Words; s++) begin
      mdata[s] = bdata_q[s];
      mstrb[s] = bstrb_q[s];
      vdata[s] = '0;
      vstrb[s] = 1'b0;
      for (int m = 0; m < MM; m++) begin
        if (m < 32'(h_nw) && 32'(h_pos) + m == s) begin
          mdata[s] = h_words[32*m +: 32];
          mstrb[s] = 1'b1;
        end
        if (m < 32'(h_nw) && 32'(h_pos) + m == s + Words) begin
          vdata[s] = h_words[32*m +: 32];
          vstrb[s] = 1'b1;
        end
      end
    end
  end
  assign ofree = !send_q || mem_req_ready_i;
  assign pop   = !abort_i && !fifo_empty && !bflush_q && (!completes || ofree);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      bbeat_q <= '0; obeat_q <= '0; bstrb_q <= '0; ostrb_q <= '0; bflush_q <= 1'b0; send_q <= 1'b0;
      for (int i = 0; i < Words; i++) begin
        bdata_q[i] <= '0;
        odata_q[i] <= '0;
      end
    end else begin
      if (send_q && mem_req_ready_i) begin
        send_q  <= 1'b0;
        ostrb_q <= '0;
      end
      if (abort_i) begin
        bstrb_q  <= '0;
        bflush_q <= 1'b0;
      end else if (bflush_q && ofree) begin
        send_q   <= 1'b1;
        obeat_q  <= bbeat_q;
        ostrb_q  <= bstrb_q;
        for (int i = 0; i < Words; i++) odata_q[i] <= bdata_q[i];
        bstrb_q  <= '0;
        bflush_q <= 1'b0;
      end else if (pop) begin
        if (completes) begin
          send_q   <= 1'b1;
          obeat_q  <= h_beat;
          ostrb_q  <= mstrb;
          for (int i = 0; i < Words; i++) odata_q[i] <= mdata[i];
          bbeat_q  <= h_beat + 32'd1;
          bstrb_q  <= vstrb;
          for (int i = 0; i < Words; i++) bdata_q[i] <= vdata[i];
          bflush_q <= h_last && crosses;
        end else begin
          bbeat_q <= h_beat;
          bstrb_q <= mstrb;
          for (int i = 0; i < Words; i++) bdata_q[i] <= mdata[i];
        end
      end
    end
  end
  assign mem_req_valid_o = send_q;
  assign mem_req_addr_o  = obeat_q;
  assign mem_req_strb_o  = ostrb_q;
  for (genvar i = 0; i < Words; i++) begin : g_wdata
    assign mem_req_data_o[32*i +: 32] = odata_q[i];
  end

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // Assertions (docs/verification-rtl.md): an OBUF read lies inside the
  // half of the tile (or the whole OBUF) (the port is truncated to the bank's address width).
  logic a_on_q;  // out of reset (the checks' enable; rst_ni is only an asynchronous reset)
  always @(posedge clk_i or negedge rst_ni) a_on_q <= !rst_ni ? 1'b0 : 1'b1;
  always @(posedge clk_i) begin
    if (a_on_q && rd_valid_o && ra >= olim)
      $error("bf_ctrl_store: OBUF read row %0d beyond the half or whole buffer (%0d rows)", ra, olim);
  end
`endif
`endif

  logic in_pipe;
  always_comb begin
    in_pipe = t_valid_q;
    for (int i = 0; i < WbLatency; i++) in_pipe = in_pipe | tag_pipe_q[i][TagW-1];
  end

  logic unused;
  // fifo_full: the walker's room check keeps the FIFO from filling;
  // c_k / c_lane: used one stage earlier (lane_en_q, lane_at_q).
  assign unused = fifo_full ^ (^c_k) ^ (^c_lane);

  assign busy_o = wait_q || walk_q || in_pipe || !fifo_empty || send_q || bstrb_q != '0 || bflush_q;
  assign reading_o = walk_q;
  assign err_o  = err_q;
endmodule
