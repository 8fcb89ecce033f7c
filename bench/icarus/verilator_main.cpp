// Clock loop for a clocked benchmark top without delays (bench_fu,
// bench_array), Verilated with --prefix Vtop: one eval per clock edge,
// until the testbench calls $finish. Plusargs are passed through.
#include <memory>

#include "Vtop.h"
#include "verilated.h"

int main(int argc, char** argv) {
  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(argc, argv);
  auto top = std::make_unique<Vtop>(ctx.get(), "TOP");
  top->clk_i = 0;
  top->eval();
  while (!ctx->gotFinish()) {
    ctx->timeInc(5);
    top->clk_i = 1;
    top->eval();
    if (ctx->gotFinish()) break;
    ctx->timeInc(5);
    top->clk_i = 0;
    top->eval();
  }
  top->final();
  return 0;
}
