// Techmap (formal only): every $dff becomes a wire, Q = D. Applied by
// formal/run.sh to the Fusion Unit miter after async2sync and dffunmap, on
// both sides alike: the miter's output then compares the two designs'
// next-state values (reset mux included) as a combinational function of
// the inputs, which is what `sat -seq 2 -prove-skip 1` proves from a free
// state. Used to hand the miter to an external SAT solver (AIGER -> CNF).
module \$dff (CLK, D, Q);
  parameter WIDTH = 1;
  parameter CLK_POLARITY = 1'b1;
  input CLK;
  input [WIDTH-1:0] D;
  output [WIDTH-1:0] Q;
  assign Q = D;
endmodule
