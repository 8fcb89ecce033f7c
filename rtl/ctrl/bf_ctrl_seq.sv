// bf_ctrl_seq: the controller's sequencer (docs/isa.md, "Controller
// model"; docs/controller.md): the state machine that fetches and applies
// a block's instructions, then runs its steps, handing loads to
// bf_ctrl_load, tile commands to the array (through bf_ctrl_issue) and
// stores to bf_ctrl_store. Its parts:
//   bf_ctrl_decode  field split and static legality of an instruction
//   bf_ctrl_regs    the block registers (bf::BlockRegs)
//   bf_ctrl_walk    the tile-loop walk and DRAM address generators (bf::TileWalk)
//   bf_ctrl_issue   the step's buffer-address check and tile commands
//
// Fetch phase (SFetch): one instruction per cycle from bf_ctrl_fetch;
// configuration instructions are applied to the block registers (setup
// resets them); `block-end` runs the block.
// Block phase, per step (every index combination of tile loops t0..t7):
//   SStep   output tile start: the OBUF half flips (not with a whole OBUF,
//           setup whole=o);
//   SLoad   the loads ibuf, wbuf, bias that fire at this step, one slot per
//           cycle (wbuf first when the IBUF half the ibuf load overwrites
//           is still read at SStep and the WBUF half is free); each is
//           dispatched as soon as the load unit's walker is
//           free (the load before it may still be landing) and (IBUF/WBUF)
//           no tile command in flight still reads the half it overwrites;
//           a bias load into a whole OBUF also waits until the store unit
//           is idle (the previous output tile's store has read the OBUF),
//           into an OBUF half until no store is pending (the store two
//           tiles back, the last reader of that half, has finished);
//   SCheck  the address check (8 cycles), while the step's loads land;
//   SIssue  the step goes into bf_ctrl_issue's step queue with its load
//           need (the count of loads dispatched so far); the queue's
//           engine sends one tile command per (group, act plane, weight
//           plane) to the array once the load unit's count of landed loads
//           has reached the step's need, while the sequencer goes on;
//   SStore  the store, handed to the store unit (which waits for the
//           step's tile commands by itself): with OBUF halves into a
//           one-entry pending slot while the unit still runs the previous
//           store (the pending store starts the cycle the unit is idle),
//           so the sequencer waits only while the slot is full; with a
//           whole OBUF once the previous store is finished;
//   SAdv    next step, or SBEnd: wait until every unit is idle.
// The sequencer never waits for the array or for a landing load between
// steps: step n+1's loads are dispatched right after step n is queued, so
// they follow step n's on the memory port without a gap, overlap step n's
// tile commands, and a store overlaps the next output tile. Hazards are
// tracked by tile-command sequence numbers: the commands queued ("issued")
// and done (the array's in-order done_o) are counted;
// each IBUF / WBUF half has a free flag, cleared when a step reading the
// half is queued and set in the cycle the done count reaches the issue
// count of its last reader (need). Stores are counted too (handed over /
// finished): a queued step carries the count handed over so far (whole
// OBUF) or one fewer (OBUF halves), and its commands wait until that many
// stores have finished, so an output tile never writes the OBUF before the
// previous tile's store has read it (whole OBUF), or its half before the
// store two tiles back, the last reader of that half, has (halves).
// Errors abort the units, wait for them to drain (SAbort) and
// halt with the status.
//
// Parameters:
//   Rows, Cols  array size
//   IbufDepth, WbufDepth, ObufDepth  bank depths in 32-bit words
// Latency: 1 cycle per configuration instruction (plus fetch misses);
//   per step 1 cycle + 1 per load slot + 8 for the check (with a compute;
//   a failing check also waits for the landing loads, whose errors win)
//   + 1 to queue the step (when the step queue has room) + 1 for the store
//   slot (while the pending store slot is full: until it starts) + 1 to
//   advance.
module bf_ctrl_seq `BF_IMPORT #(
  parameter int Rows      = 2,
  parameter int Cols      = 2,
  parameter int IbufDepth = 128,
  parameter int WbufDepth = 64,
  parameter int ObufDepth = 128
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 start_i,
  output logic                 busy_o,
  output logic                 done_o,
  output logic [2:0]           status_o,    // bf_pkg::status_e
  output logic [31:0]          err_pc_o,
  output logic [63:0]          cycles_o,
  output logic [31:0]          tiles_o,
  output logic [3:0]           state_o,
  // Instruction fetch.
  output logic                 f_req_o,
  output logic                 f_take_o,
  input  logic                 f_valid_i,
  input  logic [31:0]          f_instr_i,
  input  logic [31:0]          f_pc_i,
  input  logic                 f_end_i,
  // Load unit.
  output logic                 ld_start_o,
  output `BF_T(ld_desc_t)      ld_desc_o,
  input  logic                 ld_ready_i,  // the load unit takes a new load
  input  logic                 ld_busy_i,   // a load is still landing
  input  logic                 ld_landed_i, // a load has landed (in dispatch order)
  input  logic [2:0]           ld_err_i,
  // Store unit.
  output logic                 st_start_o,
  output `BF_T(st_desc_t)      st_desc_o,
  input  logic                 st_busy_i,
  input  logic [2:0]           st_err_i,
  output logic                 abort_o,
  output logic [31:0]          issued_o,
  output logic [31:0]          tdone_o,
  // Tile commands to bf_array_top.
  output logic                 cmd_valid_o,
  input  logic                 cmd_ready_i,
  output `BF_T(tile_cmd_t)     cmd_o,
  input  logic                 tile_done_i
);
  initial begin
    if (Rows < 1 || Cols < 1) $fatal(1, "bf_ctrl_seq: bad array size");
  end

  // States (plain constants: Icarus 11 rejects some assignments of an enum
  // type inside always_comb; state_o carries these codes).
  localparam logic [3:0] SIdle = 4'd0, SFetch = 4'd1, SBStart = 4'd2, SStep = 4'd3, SLoad = 4'd4,
                         SCheck = 4'd5, SIssue = 4'd6, SStore = 4'd7, SAdv = 4'd8, SBEnd = 4'd9,
                         SAbort = 4'd10, SHalt = 4'd11;
  logic [3:0] state_q, state_d;

  // ------------------------------------------------------------ decode
  logic [3:0]  op;
  logic [6:0]  spec;
  logic [4:0]  id;
  logic [15:0] imm;
  logic [1:0]  derr, dec_err;
  bf_ctrl_decode u_dec (
    .instr_i (f_instr_i), .op_o (op), .spec_o (spec), .id_o (id), .imm_o (imm), .err_o (dec_err)
  );
`ifdef BF_MUTANT_CTRL
  // Test hook (tests/ctrl/test_ctrl_mutant.cpp; never in a real build):
  // +bf_mutant=N breaks one property the assertions below check.
  int mutant;
  initial if (!$value$plusargs("bf_mutant=%d", mutant)) mutant = 0;
  assign derr = (mutant == 3 && op == 4'd11) ? 2'd0 : dec_err;  // illegal opcode 11 passes silently
`else
  assign derr = dec_err;
`endif

  // ------------------------------------------------------------ block registers
  logic                                 inblk_q, inblk_d;
  logic                                 order_bad, f_legal, apply;
  logic [2:0]                           apply_check;
  logic [bf_pkg::TileLoops-1:0]         at_last, at_first;
  `BF_T(setup_t)                        setup;
  `BF_T(wb_cfg_t)                       wb;
  logic [bf_pkg::TileLoops*17-1:0]      tile_m1;
  logic [bf_pkg::NumCounts*17-1:0]      count;
  logic [4*32-1:0]                      dram_base, dram_plane;
  logic [4*bf_pkg::TileLoops*32-1:0]    dram_tile;
  logic [4*bf_pkg::Dims*32-1:0]         dram_dim;
  logic [3*bf_pkg::EngLoops*16-1:0]     rd_eng;
  logic [3*16-1:0]                      rd_grp, rd_plane, rd_base;
  logic [bf_pkg::TileLoops*16-1:0]      rd_tile;
  logic [4*bf_pkg::Dims*16-1:0]         wr_dim;
  logic [4*16-1:0]                      wr_grp, wr_base;
  logic [3:0]                           ld_present;
  logic [4*5-1:0]                       ld_level;
  logic [4*17-1:0]                      ld_run;
  logic                                 st_present, compute;
  logic [4:0]                           st_level;
  logic [16:0]                          st_run;
  logic [2:0]                           n_red;

  // The block structure: setup opens a block, every other instruction
  // belongs inside one.
  assign order_bad = (!inblk_q && op != bf_pkg::OpSetup) || (inblk_q && op == bf_pkg::OpSetup);
  assign f_legal   = state_q == SFetch && f_valid_i && !f_end_i && derr == 2'd0 && !order_bad;
  assign apply     = f_legal && apply_check == bf_pkg::StatusDone;

  bf_ctrl_regs #(.Rows (Rows), .Cols (Cols)) u_regs (
    .clk_i, .rst_ni, .apply_i (apply), .instr_i (f_instr_i), .at_last_i (at_last), .check_o (apply_check),
    .setup_o (setup), .wb_o (wb), .tile_m1_o (tile_m1), .count_o (count),
    .dram_base_o (dram_base), .dram_plane_o (dram_plane), .dram_tile_o (dram_tile), .dram_dim_o (dram_dim),
    .rd_eng_o (rd_eng), .rd_grp_o (rd_grp), .rd_plane_o (rd_plane), .rd_base_o (rd_base), .rd_tile_o (rd_tile),
    .wr_dim_o (wr_dim), .wr_grp_o (wr_grp), .wr_base_o (wr_base),
    .ld_present_o (ld_present), .ld_level_o (ld_level), .ld_run_o (ld_run),
    .st_present_o (st_present), .st_level_o (st_level), .st_run_o (st_run),
    .compute_o (compute), .n_red_o (n_red)
  );

  // ------------------------------------------------------------ tile-loop walk
  // Generators 0..3: the streams' DRAM addresses; 4: the IBUF tile-loop
  // offset of the step's tile commands (sum_t idx[t] * ENG[ibuf].tile[t]).
  logic                                has_next;
  logic [5*32-1:0]                     walk_addr;
  logic [4*32-1:0]                     step_addr;
  logic [31:0]                         itile;
  logic [bf_pkg::TileLoops*32-1:0]     itile_stride;
  for (genvar t = 0; t < bf_pkg::TileLoops; t++) begin : g_itile
    assign itile_stride[32*t +: 32] = 32'(rd_tile[16*t +: 16]);
  end
  bf_ctrl_walk #(.Streams (5)) u_walk (
    .clk_i, .rst_ni, .start_i (state_q == SBStart), .adv_i (state_q == SAdv && has_next),
    .tile_m1_i (tile_m1), .dram_base_i ({32'd0, dram_base}), .dram_tile_i ({itile_stride, dram_tile}),
    .at_last_o (at_last), .at_first_o (at_first), .has_next_o (has_next), .addr_o (walk_addr)
  );
  assign step_addr = walk_addr[0 +: 4*32];
  assign itile     = walk_addr[4*32 +: 32];

  logic [4:0] out_level;
  assign out_level = st_present ? st_level : bf_pkg::IdBase;

  // ------------------------------------------------------------ state
  logic        busy_q, busy_d, done_q, done_d, last_q, last_d;
  logic [2:0]  status_q, status_d;
  logic [31:0] errpc_q, errpc_d;
  logic [63:0] cycles_q, cycles_d;
  logic [31:0] issued_q, issued_d, tdone_q, tdone_d;
  logic        hi_q, hi_d, hw_q, hw_d, ho_q, ho_d, first_q, first_d;
  logic [1:0]  lsel_q, lsel_d;
  logic [31:0] needi_q [2];
  logic [31:0] needw_q [2];
  logic [7:0]  ldisp_q, lland_q;  // loads dispatched / landed (wrapping; few are ever outstanding)
  logic [7:0]  sdisp_q, sdone_q;  // stores handed over / finished (wrapping; one runs, one may be pending)
  logic        stbusy_q;          // st_busy_i a cycle ago (a store finishes when it falls)
  logic        stpend_q;          // a store handed over waits in the pending slot (OBUF halves only)
  `BF_T(st_desc_t) stpdesc_q;     // its descriptor

  // Unit errors (load first).
  logic [2:0] unit_err;
  assign unit_err = (ld_err_i != bf_pkg::StatusDone) ? ld_err_i : st_err_i;

  // Load slot lsel (0 ibuf, 1 wbuf, 2 bias; with wfirst 0 wbuf, 1 ibuf):
  // its stream, whether it fires at this step, whether it may be
  // dispatched now.
  function automatic logic [1:0] slot_stream(input logic [1:0] slot, input logic wfirst);
    slot_stream = (slot == 2'd2) ? bf_pkg::StreamBias
                : ((slot == 2'd0) != wfirst) ? bf_pkg::StreamIbuf : bf_pkg::StreamWbuf;
  endfunction
  logic [1:0] ls;
  logic       ld_fire, ld_ok, st_fire;
  logic       freei_q [2];
  logic       freew_q [2];
  // SStep orders the step's loads: the WBUF slot goes first when the IBUF
  // half that the step's IBUF load overwrites is still read by a tile
  // command and the WBUF half is free, so that a weight load runs while
  // the IBUF half drains instead of after it (the order changes no data:
  // each load writes its own half and the step waits for all of them).
  logic wfirst_q, wfirst_d;
  assign wfirst_d = (state_q == SStep) ? !freei_q[setup.ibuf_whole ? hi_q : !hi_q] &&
                                         freew_q[setup.wbuf_whole ? hw_q : !hw_q]
                                       : wfirst_q;
  assign ls      = slot_stream(lsel_q, wfirst_q);
  assign ld_fire = ld_present[ls] && bf_pkg::loops_below(at_first, ld_level[5*ls +: 5]);
  // A load overwrites the other half, or the whole buffer (the half its
  // readers use) for a whole-buffer stream.
  // A bias load into a whole OBUF waits for the running store.
`ifdef BF_MUTANT_CTRL
  assign ld_ok   = ld_ready_i && (mutant == 6 ||  // loads ignore the half-free flags
                                  (ls == bf_pkg::StreamIbuf ? freei_q[setup.ibuf_whole ? hi_q : !hi_q]
                                 : ls == bf_pkg::StreamWbuf ? freew_q[setup.wbuf_whole ? hw_q : !hw_q]
                                 : !(setup.obuf_whole ? st_busy_i : stpend_q) || mutant == 9));
`else
  assign ld_ok   = ld_ready_i && (ls == bf_pkg::StreamIbuf ? freei_q[setup.ibuf_whole ? hi_q : !hi_q]
                                : ls == bf_pkg::StreamWbuf ? freew_q[setup.wbuf_whole ? hw_q : !hw_q]
                                : !(setup.obuf_whole ? st_busy_i : stpend_q));
`endif
  assign st_fire = st_present && bf_pkg::loops_below(at_last, st_level);
  // SStore hands the step's store over: to the idle store unit, or (OBUF
  // halves) into the empty pending slot.
  logic st_hand;
  assign st_hand = state_q == SStore && unit_err == bf_pkg::StatusDone && st_fire &&
                   (setup.obuf_whole ? !st_busy_i : !stpend_q);

  // The tile commands of the step: checked, then queued (issue_fire) when
  // the step queue has room; `cmds` of them.
  logic        chk_ok, chk_err, enq_ready, issue_fire;
  logic [31:0] cmds;
  assign issue_fire = state_q == SIssue && unit_err == bf_pkg::StatusDone && enq_ready;
  assign cmds = 32'(count[17*bf_pkg::CountGroup +: 17]) << ((setup.act_prec == bf_pkg::Prec16 ? 1 : 0) +
                                                           (setup.wgt_prec == bf_pkg::Prec16 ? 1 : 0));
  bf_ctrl_issue #(.IbufDepth (IbufDepth), .WbufDepth (WbufDepth), .ObufDepth (ObufDepth)) u_issue (
    .clk_i, .rst_ni,
    .check_i (state_q == SCheck), .go_i (unit_err == bf_pkg::StatusDone), .ld_busy_i,
    .check_ok_o (chk_ok), .check_err_o (chk_err),
    .enq_i (issue_fire), .enq_ready_o (enq_ready),
    .setup_i (setup), .eng_count_i (count[0 +: bf_pkg::EngLoops*17]),
    .groups_i (count[17*bf_pkg::CountGroup +: 17]), .n_red_i (n_red),
    .rd_eng_i (rd_eng), .rd_grp_i (rd_grp), .rd_plane_i (rd_plane), .rd_base_i (rd_base), .itile_i (itile),
    .hi_i (hi_q), .hw_i (hw_q), .ho_i (ho_q), .first_i (first_q),
    .need_i (ldisp_q), .landed_i (lland_q), .sneed_i (setup.obuf_whole ? sdisp_q : sdisp_q - 8'd1),
    .sdone_i (sdone_q),
    .abort_i (state_q == SAbort),
    .cmd_valid_o (cmd_valid_o), .cmd_ready_i, .cmd_o
  );

  logic units_idle;
  assign units_idle = !ld_busy_i && !st_busy_i && !stpend_q && issued_q == tdone_q;

  // ------------------------------------------------------------ next state
  always_comb begin
    state_d  = state_q;
    busy_d   = busy_q;
    done_d   = done_q;
    status_d = status_q;
    errpc_d  = errpc_q;
    cycles_d = busy_q ? cycles_q + 64'd1 : cycles_q;
    inblk_d  = inblk_q;
    last_d   = last_q;
    issued_d = issued_q;
    tdone_d  = tile_done_i ? tdone_q + 32'd1 : tdone_q;
    hi_d     = hi_q;
    hw_d     = hw_q;
    ho_d     = ho_q;
    first_d  = first_q;
    lsel_d   = lsel_q;
    unique case (state_q)
      SIdle: begin
        if (start_i) begin
          state_d = SFetch;
          busy_d = 1'b1; done_d = 1'b0; status_d = bf_pkg::StatusDone; errpc_d = '0; cycles_d = '0;
          inblk_d = 1'b0;
        end
      end
      SFetch: begin
        if (f_end_i) begin
          status_d = bf_pkg::StatusProgramEnd; errpc_d = f_pc_i; state_d = SHalt;
        end else if (f_valid_i) begin
          errpc_d = f_pc_i;
          if (derr != 2'd0) begin
            status_d = {1'b0, derr}; state_d = SHalt;
          end else if (order_bad) begin
            status_d = bf_pkg::StatusBadBlock; state_d = SHalt;
          end else if (apply_check != bf_pkg::StatusDone) begin
            status_d = apply_check; state_d = SHalt;
          end else if (op == bf_pkg::OpSetup) begin
            inblk_d = 1'b1;
          end else if (op == bf_pkg::OpBlockEnd) begin
            last_d  = spec[0];
            state_d = SBStart;
          end
        end
      end
      SBStart: begin
        // Whole-buffer streams stay on half 0 (base 0, twice the range).
        hi_d = !setup.ibuf_whole; hw_d = !setup.wbuf_whole; ho_d = !setup.obuf_whole;
        state_d = SStep;
`ifdef BF_MUTANT_CTRL
        if (mutant == 2) state_d = 4'd13;  // an unused state code (default: to SIdle)
`endif
      end
      SStep: begin
        first_d = bf_pkg::loops_below(at_first, out_level);
        if (bf_pkg::loops_below(at_first, out_level) && !setup.obuf_whole) ho_d = !ho_q;
        lsel_d  = 2'd0;
        state_d = SLoad;
      end
      SLoad: begin
        if (unit_err != bf_pkg::StatusDone) begin
          status_d = unit_err; state_d = SAbort;
        end else if (!ld_fire || ld_ok) begin
          if (ld_fire && ls == bf_pkg::StreamIbuf && !setup.ibuf_whole) hi_d = !hi_q;
          if (ld_fire && ls == bf_pkg::StreamWbuf && !setup.wbuf_whole) hw_d = !hw_q;
          if (lsel_q != 2'd2) lsel_d = lsel_q + 2'd1;
          else if (compute)   state_d = SCheck;
          else                state_d = SStore;
        end
      end
      SCheck: begin
        if (unit_err != bf_pkg::StatusDone) begin
          status_d = unit_err; state_d = SAbort;
        end else if (chk_err) begin
          status_d = bf_pkg::StatusBufferAddress; state_d = SAbort;
        end else if (chk_ok) begin
          state_d = SIssue;
        end
      end
      SIssue: begin
        if (unit_err != bf_pkg::StatusDone) begin
          status_d = unit_err; state_d = SAbort;
        end else if (issue_fire) begin
          issued_d = issued_q + cmds;
          state_d  = SStore;
        end
      end
      SStore: begin
        if (unit_err != bf_pkg::StatusDone) begin
          status_d = unit_err; state_d = SAbort;
        end else if (!st_fire || st_hand) begin
          state_d = SAdv;
        end
      end
      SAdv: begin
        if (has_next) state_d = SStep;
        else          state_d = SBEnd;
      end
      SBEnd: begin
        if (unit_err != bf_pkg::StatusDone) begin
          status_d = unit_err; state_d = SAbort;
        end else if (units_idle) begin
          inblk_d = 1'b0;
          if (last_q) state_d = SHalt;
          else        state_d = SFetch;
        end
      end
      SAbort: begin
        if (units_idle) state_d = SHalt;
      end
      SHalt: begin
        busy_d  = 1'b0;
        done_d  = 1'b1;
        state_d = SIdle;
      end
      default: state_d = SIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      busy_q <= 1'b0; done_q <= 1'b0; status_q <= bf_pkg::StatusDone; errpc_q <= '0; cycles_q <= '0;
      inblk_q <= 1'b0; last_q <= 1'b0; issued_q <= '0; tdone_q <= '0;
      hi_q <= 1'b1; hw_q <= 1'b1; ho_q <= 1'b1; first_q <= 1'b0; lsel_q <= '0; wfirst_q <= 1'b0;
    end else begin
      state_q <= state_d;
      busy_q <= busy_d; done_q <= done_d; status_q <= status_d; errpc_q <= errpc_d; cycles_q <= cycles_d;
      inblk_q <= inblk_d; last_q <= last_d; issued_q <= issued_d; tdone_q <= tdone_d;
      hi_q <= hi_d; hw_q <= hw_d; ho_q <= ho_d; first_q <= first_d; lsel_q <= lsel_d; wfirst_q <= wfirst_d;
    end
  end

  // ------------------------------------------------------------ load and store counts
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ldisp_q <= '0; lland_q <= '0; sdisp_q <= '0; sdone_q <= '0; stbusy_q <= 1'b0;
    end else begin
      if (ld_start_o)  ldisp_q <= ldisp_q + 8'd1;
      if (ld_landed_i) lland_q <= lland_q + 8'd1;
      if (st_hand)     sdisp_q <= sdisp_q + 8'd1;
`ifdef BF_MUTANT_CTRL
      // +bf_mutant=10: a store counts as finished when it is handed over.
      if (mutant == 10 ? st_start_o : stbusy_q && !st_busy_i) sdone_q <= sdone_q + 8'd1;
`else
      if (stbusy_q && !st_busy_i) sdone_q <= sdone_q + 8'd1;
`endif
      stbusy_q <= st_busy_i;
    end
  end

  // ------------------------------------------------------------ hazards
  // need[h]: issue count of the last tile command that reads half h; the
  // free flag is cleared when a command reads the half and set in the
  // cycle the done count reaches need (equal to the wrap-safe test
  // (issued - need) >= (issued - done), without subtractors in front of
  // the load dispatch).
  for (genvar h = 0; h < 2; h++) begin : g_half
    logic [31:0] needi_d, needw_d;
    logic        freei_d, freew_d;
    always_comb begin
      needi_d = needi_q[h];
      needw_d = needw_q[h];
      freei_d = freei_q[h];
      freew_d = freew_q[h];
      if (issue_fire && hi_q == 1'(h)) begin
        needi_d = issued_q + cmds;
        freei_d = 1'b0;
      end else if (tile_done_i && tdone_q + 32'd1 == needi_q[h]) begin
        freei_d = 1'b1;
      end
      if (issue_fire && hw_q == 1'(h)) begin
        needw_d = issued_q + cmds;
        freew_d = 1'b0;
      end else if (tile_done_i && tdone_q + 32'd1 == needw_q[h]) begin
        freew_d = 1'b1;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        needi_q[h] <= '0; needw_q[h] <= '0; freei_q[h] <= 1'b1; freew_q[h] <= 1'b1;
      end else begin
        needi_q[h] <= needi_d; needw_q[h] <= needw_d; freei_q[h] <= freei_d; freew_q[h] <= freew_d;
      end
    end
  end

  // ------------------------------------------------------------ load descriptor
  // The DRAM address and strides (divided by the load unit in its start
  // cycle) come from registers: selected one cycle ahead for the next
  // cycle's load slot (addresses move only in SAdv, strides in SFetch).
  logic [1:0]   lsel_nx, ls_nx;
  logic [31:0]  ldram_q;
  logic [127:0] lddim_q;
  assign lsel_nx = (state_q == SStep) ? 2'd0 :
                   (state_q == SLoad && unit_err == bf_pkg::StatusDone && (!ld_fire || ld_ok) && lsel_q != 2'd2)
                   ? lsel_q + 2'd1 : lsel_q;
  assign ls_nx   = slot_stream(lsel_nx, wfirst_d);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ldram_q <= '0;
      lddim_q <= '0;
    end else begin
      ldram_q <= step_addr[32*ls_nx +: 32];
      lddim_q <= dram_dim[128*ls_nx +: 128];
    end
  end
  logic [67:0] ld_cnt;
  for (genvar d = 0; d < 4; d++) begin : g_ld_cnt
    assign ld_cnt[17*d +: 17] = count[17*(bf_pkg::CountDim0 + 4*32'(ls) + d) +: 17];
  end
  assign ld_start_o     = state_q == SLoad && unit_err == bf_pkg::StatusDone && ld_fire && ld_ok;
  assign ld_desc_o.stream = ls;
  assign ld_desc_o.half = ls == bf_pkg::StreamIbuf ? (!hi_q && !setup.ibuf_whole)
                        : ls == bf_pkg::StreamWbuf ? (!hw_q && !setup.wbuf_whole) : ho_q;
  assign ld_desc_o.whole = ls == bf_pkg::StreamIbuf ? setup.ibuf_whole
                         : ls == bf_pkg::StreamWbuf ? setup.wbuf_whole : setup.obuf_whole;
  assign ld_desc_o.dram = ldram_q;
  assign ld_desc_o.ddim = lddim_q;
  assign ld_desc_o.cnt  = ld_cnt;
  assign ld_desc_o.row  = wr_base[16*ls +: 16];
  assign ld_desc_o.rdim = wr_dim[64*ls +: 64];
  assign ld_desc_o.run  = ld_run[17*ls +: 17];

  // ------------------------------------------------------------ store descriptor
  // The step's store (st_now); handed over to the idle unit directly, or
  // kept in the pending slot (OBUF halves), which starts the cycle the unit
  // is idle and is dropped on an error.
  `BF_T(st_desc_t) st_now;
  assign st_now.half    = ho_q;
  assign st_now.whole   = setup.obuf_whole;
  assign st_now.dram    = step_addr[32*bf_pkg::StreamObuf +: 32];
  assign st_now.ddim    = dram_dim[128*bf_pkg::StreamObuf +: 128];
  assign st_now.plane   = dram_plane[32*bf_pkg::StreamObuf +: 32];
  assign st_now.cnt     = count[17*(bf_pkg::CountDim0 + 4*bf_pkg::StreamObuf) +: 68];
  assign st_now.pa      = wr_base[16*bf_pkg::StreamObuf +: 16];
  assign st_now.padim   = wr_dim[64*bf_pkg::StreamObuf +: 64];
  assign st_now.grp     = wr_grp[16*bf_pkg::StreamObuf +: 16];
  assign st_now.bbase   = wr_base[16*bf_pkg::StreamBias +: 16];
  assign st_now.groups  = count[17*bf_pkg::CountGroup +: 17];
  assign st_now.run     = st_run;
  assign st_now.need    = issued_q;  // every command of the steps queued so far
  assign st_now.wb      = wb;
  assign st_start_o = unit_err == bf_pkg::StatusDone && !st_busy_i && (stpend_q || st_hand);
  assign st_desc_o  = stpend_q ? stpdesc_q : st_now;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stpend_q <= 1'b0;
    end else if (unit_err != bf_pkg::StatusDone || state_q == SAbort) begin
      stpend_q <= 1'b0;
    end else if (st_hand && st_busy_i) begin
      stpend_q <= 1'b1;
    end else if (st_start_o) begin
      stpend_q <= 1'b0;
    end
  end
  // (no reset: read only while stpend_q is set)
  always_ff @(posedge clk_i) begin
    if (st_hand && st_busy_i) stpdesc_q <= st_now;
  end

  // ------------------------------------------------------------ outputs
  assign busy_o   = busy_q;
  assign done_o   = done_q;
  assign status_o = status_q;
  assign err_pc_o = errpc_q;
  assign cycles_o = cycles_q;
  assign tiles_o  = issued_q;
  assign state_o  = state_q;
  assign abort_o  = state_q == SAbort;
  assign issued_o = issued_q;
  assign tdone_o  = tdone_q;
  assign f_req_o  = state_q == SFetch;
  assign f_take_o = f_legal;

`ifndef SYNTHESIS
`ifndef BF_NO_ASSERT
  // Assertions (docs/verification-rtl.md). Simulation only; Verilator
  // checks them with --assert.
  //  - the state register holds one of the twelve state codes;
  //  - a fetched instruction with an illegal opcode (11..15) is reported:
  //    the sequencer halts with status 1 (never applied, never skipped);
  //  - an IBUF / WBUF load is dispatched only into a half whose free flag
  //    is set (no queued or running tile command reads it);
  //  - the load unit never reports more loads landed than were dispatched;
  //  - a bias load into a whole OBUF is dispatched only while no store runs,
  //    and stores finish one at a time, never more than were handed over.
  // (That no load writes a half while a tile command reading it runs, the
  // step queue's wait for its loads included, is checked in bf_top from
  // the buffers' side.)
  // a_on_q: out of reset (the checks' enable; rst_ni itself is only an
  // asynchronous reset here).
  logic a_on_q;
  always @(posedge clk_i or negedge rst_ni) a_on_q <= !rst_ni ? 1'b0 : 1'b1;
  always @(posedge clk_i) begin
    if (a_on_q) begin
      if (state_q > SHalt) $error("bf_ctrl_seq: illegal state code %0d", state_q);
      if (state_q == SFetch && f_valid_i && !f_end_i && 32'(op) >= bf_pkg::NumOps &&
          (state_d != SHalt || status_d != bf_pkg::StatusIllegalOpcode || f_take_o))
        $error("bf_ctrl_seq: illegal opcode %0d at pc %0d not reported", op, f_pc_i);
      if (ld_start_o && ls == bf_pkg::StreamIbuf && !freei_q[ld_desc_o.half])
        $error("bf_ctrl_seq: IBUF load into half %0d while a tile command reads it", ld_desc_o.half);
      if (ld_start_o && ls == bf_pkg::StreamWbuf && !freew_q[ld_desc_o.half])
        $error("bf_ctrl_seq: WBUF load into half %0d while a tile command reads it", ld_desc_o.half);
      if (ld_landed_i && lland_q == ldisp_q)
        $error("bf_ctrl_seq: a load landed that was never dispatched (%0d dispatched)", ldisp_q);
      if (ld_start_o && ls == bf_pkg::StreamBias && setup.obuf_whole && st_busy_i)
        $error("bf_ctrl_seq: bias load into the whole OBUF while a store reads it");
      if (stbusy_q && !st_busy_i && sdone_q == sdisp_q)
        $error("bf_ctrl_seq: a store finished that was never handed over (%0d handed over)", sdisp_q);
    end
  end
`endif
`endif

  logic unused;
  assign unused = ^{imm, id, spec[6:1], dram_plane[127:64], dram_plane[31:0], wr_grp[63:32], wr_grp[15:0],
                    ld_present[1], ld_level[9:5], ld_run[33:17]};
endmodule
