// bf_clk_gate: an integrated clock gate (latch and AND), glitch-free.
//
// gclk_o = clk_i & en_l, where the latch en_l follows en_i while clk_i is
// low and holds while it is high. A rising edge of clk_i therefore reaches
// gclk_o exactly when en_i was 1 before that edge: en_i is sampled like
// the D input of a flip-flop on clk_i, and a register on gclk_o behaves as
// a register on clk_i with en_i as its load enable. en_i must come from
// registers on clk_i (it may change only while clk_i is high, after the
// rising edge), which is what the latch needs to keep gclk_o free of
// glitches.
//
// bf_array_top gates each array row with one (the row's clock runs only
// while a step is in the row's pipeline or its WBUF banks are written):
// fewer clock and register toggles on the chip, and far fewer evaluations
// of the cells in a Verilator simulation of a mostly idle array.
//
// Synthesis: the Nangate 45 nm flow (synth/, which defines
// BF_ICG_NANGATE45) uses the library's integrated clock-gating cell
// CLKGATE_X1, so that latch and gate are one characterised cell and
// OpenSTA checks the enable's setup on it; every other tool (Verilator,
// Icarus, the lint) reads the behavioural latch below. The flow's power
// netlist defines BF_CLK_GATE_OFF (the gate is a wire: with the gating
// cell in the netlist, OpenSTA 2.0.17 reported twice the registers'
// internal power for the same activities; the cause is not found), and the
// flow checks that every gate's simulated enable was 1 in every cycle of
// the workload, so that the figure is that of the gated design.
//
// Parameters: none. Latency: none (the gated clock is combinational from
// clk_i); the enable acts on the next rising edge.
module bf_clk_gate (
  input  logic clk_i,
  input  logic en_i,
  output logic gclk_o
);
`ifdef BF_CLK_GATE_OFF
  logic unused_en;  // the gate always on: the power netlist (synth/ppa/power.py)
  assign unused_en = en_i;
  assign gclk_o = clk_i;
`elsif BF_ICG_NANGATE45
  CLKGATE_X1 u_icg (.CK (clk_i), .E (en_i), .GCK (gclk_o));
`else
  logic en_l;
  always_latch begin
    if (!clk_i) en_l = en_i;
  end
  assign gclk_o = clk_i & en_l;
`endif
endmodule
