// The RTL vocabulary (rtl/bf_pkg.sv, read out of the Verilated probe
// tests/pkg/bf_pkg_probe.sv) against the C++ side: opcodes (isa::Op),
// device status (MachineStatus), stream ids, id-field values, precision
// codes and the bank-group rule (BufferGeometry). A change on one side
// only fails here.
#include <gtest/gtest.h>

#include <memory>

#include "Vbf_pkg_probe.h"
#include "golden/isa.hpp"
#include "golden/machine.hpp"
#include "golden/precision.hpp"

namespace {

uint32_t field(uint32_t v, int i, int w) { return (v >> (i * w)) & ((1u << w) - 1); }

struct Probe {
  Probe() : ctx(std::make_unique<VerilatedContext>()), m(std::make_unique<Vbf_pkg_probe>(ctx.get())) { m->eval(); }
  ~Probe() { m->final(); }
  std::unique_ptr<VerilatedContext> ctx;
  std::unique_ptr<Vbf_pkg_probe> m;
};

TEST(Pkg, OpcodesMatchIsaOp) {
  Probe p;
  const uint64_t ops = p.m->ops_o;
  const bf::isa::Op cpp[] = {bf::isa::Op::Setup,    bf::isa::Op::LdMem,     bf::isa::Op::StMem,     bf::isa::Op::RdBuf,
                             bf::isa::Op::WrBuf,    bf::isa::Op::GenAddrHi, bf::isa::Op::GenAddrLo, bf::isa::Op::Loop,
                             bf::isa::Op::BlockEnd, bf::isa::Op::Compute,   bf::isa::Op::Requant};
  for (int k = 0; k < 11; ++k) EXPECT_EQ(uint32_t((ops >> (4 * k)) & 15), uint32_t(cpp[k])) << "opcode " << k;
  const bf::isa::RequantTarget rq[] = {bf::isa::kRqMult, bf::isa::kRqShift, bf::isa::kRqZero, bf::isa::kRqLo,
                                       bf::isa::kRqHi};
  for (int k = 0; k < 5; ++k) EXPECT_EQ(field(p.m->rq_o, k, 5), uint32_t(rq[k])) << "requant target " << k;
  EXPECT_EQ(int(p.m->num_ops_o), bf::isa::kNumOps);
}

TEST(Pkg, StatusCodesMatchMachineStatus) {
  Probe p;
  const bf::MachineStatus cpp[] = {bf::MachineStatus::Done,        bf::MachineStatus::IllegalOpcode,
                                   bf::MachineStatus::BadField,    bf::MachineStatus::BufferAddress,
                                   bf::MachineStatus::DramAddress, bf::MachineStatus::BadBlock,
                                   bf::MachineStatus::BadRun,      bf::MachineStatus::ProgramEnd};
  for (int k = 0; k < 8; ++k) EXPECT_EQ(field(p.m->status_o, k, 3), uint32_t(cpp[k])) << "status " << k;
}

TEST(Pkg, StreamsIdsAndPrecisionsMatchTheIsa) {
  Probe p;
  EXPECT_EQ(field(p.m->streams_o, 0, 2), uint32_t(bf::isa::kIbuf));
  EXPECT_EQ(field(p.m->streams_o, 1, 2), uint32_t(bf::isa::kObuf));
  EXPECT_EQ(field(p.m->streams_o, 2, 2), uint32_t(bf::isa::kWbuf));
  EXPECT_EQ(field(p.m->streams_o, 3, 2), uint32_t(bf::isa::kBias));
  EXPECT_EQ(field(p.m->ids_o, 0, 5), uint32_t(bf::isa::kEngLoop0));
  EXPECT_EQ(field(p.m->ids_o, 1, 5), uint32_t(bf::isa::kIdGroup));
  EXPECT_EQ(field(p.m->ids_o, 2, 5), uint32_t(bf::isa::kIdPlane));
  EXPECT_EQ(field(p.m->ids_o, 3, 5), uint32_t(bf::isa::kDim0));
  EXPECT_EQ(field(p.m->ids_o, 4, 5), uint32_t(bf::isa::kIdBase));
  EXPECT_EQ(int(p.m->tile_loops_o), bf::isa::kTileLoops);
  EXPECT_EQ(int(p.m->eng_loops_o), bf::isa::kEngLoops);
  EXPECT_EQ(int(p.m->dims_o), bf::isa::kDims);
  const int bits[] = {2, 4, 8, 16};
  for (int k = 0; k < 4; ++k) EXPECT_EQ(field(p.m->precs_o, k, 2), uint32_t(bf::isa::prec_code_of(bits[k])));
  for (int k = 0; k < 3; ++k) EXPECT_EQ(field(p.m->precs_o, k, 2), bf::prec_code(bits[k]));
}

TEST(Pkg, BankGroupRuleMatchesBufferGeometry) {
  Probe p;
  const int dram_bits[] = {32, 64, 128, 192, 4096};
  for (int k = 0; k < 5; ++k) {
    const uint64_t v = p.m->groups_o;
    EXPECT_EQ(int((v >> (8 * k)) & 255), bf::BufferGeometry::dram_group(dram_bits[k])) << dram_bits[k] << " bits";
  }
  const int cols[] = {2, 8, 32, 256};
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(int(field(p.m->drain_o, k, 8)), bf::BufferGeometry::drain_group(cols[k])) << cols[k] << " columns";
}

}  // namespace
