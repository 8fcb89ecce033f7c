// bf_pkg_probe: exposes the values of rtl/bf_pkg.sv on output ports so
// tests/pkg/test_pkg.cpp can compare them with the C++ side (golden/isa.hpp,
// golden/machine.hpp): the opcodes, status codes, stream ids, id-field
// values, precision codes and the bank-group rule cannot drift apart.
module bf_pkg_probe (
  output logic [11*4-1:0] ops_o,       // opcode k at [4k +: 4], OpSetup .. OpRequant
  output logic [8*3-1:0]  status_o,    // status k at [3k +: 3], Done .. ProgramEnd
  output logic [4*2-1:0]  streams_o,   // Ibuf, Obuf, Wbuf, Bias
  output logic [4*2-1:0]  precs_o,     // Prec2, Prec4, Prec8, Prec16
  output logic [5*5-1:0]  ids_o,       // IdEng0, IdGroup, IdPlane, IdDim0, IdBase
  output logic [7:0]      tile_loops_o,
  output logic [7:0]      eng_loops_o,
  output logic [7:0]      dims_o,
  output logic [7:0]      num_ops_o,
  output logic [5*8-1:0]  groups_o,    // dram_group(32, 64, 128, 192, 4096)
  output logic [4*8-1:0]  drain_o,     // drain_group(2, 8, 32, 256)
  output logic [5*5-1:0]  rq_o         // RqMult .. RqHi
);
  assign ops_o = {bf_pkg::OpRequant, bf_pkg::OpCompute, bf_pkg::OpBlockEnd, bf_pkg::OpLoop, bf_pkg::OpGenAddrLo,
                  bf_pkg::OpGenAddrHi, bf_pkg::OpWrBuf, bf_pkg::OpRdBuf, bf_pkg::OpStMem,
                  bf_pkg::OpLdMem, bf_pkg::OpSetup};
  assign status_o = {bf_pkg::StatusProgramEnd, bf_pkg::StatusBadRun, bf_pkg::StatusBadBlock,
                     bf_pkg::StatusDramAddress, bf_pkg::StatusBufferAddress, bf_pkg::StatusBadField,
                     bf_pkg::StatusIllegalOpcode, bf_pkg::StatusDone};
  assign streams_o = {bf_pkg::StreamBias, bf_pkg::StreamWbuf, bf_pkg::StreamObuf, bf_pkg::StreamIbuf};
  assign precs_o = {bf_pkg::Prec16, bf_pkg::Prec8, bf_pkg::Prec4, bf_pkg::Prec2};
  assign ids_o = {bf_pkg::IdBase, bf_pkg::IdDim0, bf_pkg::IdPlane, bf_pkg::IdGroup, bf_pkg::IdEng0};
  assign tile_loops_o = 8'(bf_pkg::TileLoops);
  assign eng_loops_o  = 8'(bf_pkg::EngLoops);
  assign dims_o       = 8'(bf_pkg::Dims);
  assign num_ops_o    = 8'(bf_pkg::NumOps);
  assign groups_o = {8'(bf_pkg::dram_group(4096)), 8'(bf_pkg::dram_group(192)), 8'(bf_pkg::dram_group(128)),
                     8'(bf_pkg::dram_group(64)), 8'(bf_pkg::dram_group(32))};
  assign drain_o = {8'(bf_pkg::drain_group(256)), 8'(bf_pkg::drain_group(32)), 8'(bf_pkg::drain_group(8)),
                    8'(bf_pkg::drain_group(2))};
  assign rq_o = {bf_pkg::RqHi, bf_pkg::RqLo, bf_pkg::RqZero, bf_pkg::RqShift, bf_pkg::RqMult};
endmodule
