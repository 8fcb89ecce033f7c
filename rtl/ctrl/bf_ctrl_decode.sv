// bf_ctrl_decode: field split and legality check of one instruction word
// (docs/isa.md, "Encoding"; the same rules as bf::isa::check).
//
//   err_o = 1  illegal opcode (11..15)
//   err_o = 2  bad field: a reserved bit set, a stream or target the
//              opcode does not allow (rd-buf t0..t7: ibuf only), n_red > 6, a raw setup with
//              out bits / relu / shift
//   err_o = 0  legal
//
// Parameters: none.
// Latency: combinational.
module bf_ctrl_decode (
  input  logic [31:0] instr_i,
  output logic [3:0]  op_o,
  output logic [6:0]  spec_o,
  output logic [4:0]  id_o,
  output logic [15:0] imm_o,
  output logic [1:0]  err_o
);
  logic [3:0]  op;
  logic [6:0]  spec;
  logic [4:0]  id;
  logic [15:0] imm;
  logic [1:0]  s;
  assign op   = instr_i[31:28];
  assign spec = instr_i[27:21];
  assign id   = instr_i[20:16];
  assign imm  = instr_i[15:0];
  assign s    = spec[1:0];
  assign op_o   = op;
  assign spec_o = spec;
  assign id_o   = id;
  assign imm_o  = imm;

  logic is_tile, is_eng, is_dim, is_grp, is_plane, is_base;
  assign is_tile  = id < 5'd8;
  assign is_eng   = id >= 5'd8 && id <= 5'd13;
  assign is_grp   = id == 5'd14;
  assign is_plane = id == 5'd15;
  assign is_dim   = id >= 5'd16 && id <= 5'd19;
  assign is_base  = id == 5'd31;

  logic bad;
  always_comb begin
    bad = 1'b0;
    unique case (op)
      4'd0: bad = spec[0] || id != 5'd0 || imm[5:3] != 3'd0 ||
                  (!imm[15] && (imm & 16'h77c0) != 16'd0);
      4'd1: bad = spec[6:2] != 5'd0 || s == 2'd1 || !(is_tile || is_base);
      4'd2: bad = spec != 7'd1 || !(is_tile || is_base);
      4'd3: bad = spec[6:2] != 5'd0 || s == 2'd3 ||
                  !(is_eng || is_grp || is_plane || is_base || (is_tile && s == 2'd0));
      4'd4: bad = spec[6:2] != 5'd0 || !(is_dim || is_grp || is_base);
      4'd5, 4'd6: bad = spec[6:2] != 5'd0 || !(is_tile || is_dim || is_plane || is_base);
      4'd7: begin
        if (spec[2])                bad = 1'b1;
        else if (is_tile)           bad = spec != 7'd0;
        else if (is_eng || is_grp)  bad = s != 2'd0 || (!spec[6] && spec[5:3] != 3'd0);
        else if (is_dim)            bad = !spec[6] && spec[5:3] != 3'd0;
        else                        bad = 1'b1;
      end
      4'd8: bad = spec[6:1] != 6'd0 || id != 5'd0 || imm != 16'd0;
      4'd9: bad = spec > 7'd6 || id != 5'd0 || imm != 16'd0;
      bf_pkg::OpRequant: begin
        unique case (id)
          bf_pkg::RqMult:  bad = spec[6:1] != 6'd0 || (spec[0] ? imm != 16'd0 : imm == 16'd0);
          bf_pkg::RqShift: bad = spec != 7'd0 || imm[15:7] != 9'd0 || imm[5:0] > 6'(bf_pkg::RqMaxShift);
          bf_pkg::RqZero, bf_pkg::RqLo, bf_pkg::RqHi: bad = spec[6:1] != 6'd0;
          default: bad = 1'b1;
        endcase
      end
      default: bad = 1'b0;
    endcase
  end
  assign err_o = (op >= 4'(bf_pkg::NumOps)) ? 2'd1 : bad ? 2'd2 : 2'd0;
endmodule
