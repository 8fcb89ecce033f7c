// icarus_bug: the smallest design that shows the Icarus Verilog 11 bug the
// benchmark works around (bench/icarus/run.sh, docs/sim-speed.md).
//
// When the design contains an automatic function or task with a loop
// variable declared in its for statement (or any named block with local
// declarations inside it), Icarus 11 stops propagating nonblocking writes
// of unpacked-array words to the continuous assignments that read them:
// `o` below stays X although q[1] is 8. Nothing calls the function; it
// only has to exist (here in another module, as bias_of does in
// bf_fu_core). Declaring the loop variable with the function's other
// locals, `int i; for (i = 0; ...)`, makes the bug go away.
//
// Prints "icarus_bug: present" or "icarus_bug: absent".
module icarus_bug_fn;
  function automatic int sum_below(input int n);
    int s;
    s = 0;
    for (int i = 0; i < n; i++) s = s + i;
    return s;
  endfunction
endmodule

module icarus_bug;
  logic        clk = 1'b0;
  logic [15:0] q [2];
  logic [15:0] o;
  assign o = q[1];
  icarus_bug_fn u_fn ();
  always @(posedge clk) begin
    q[0] <= 16'd7;
    q[1] <= 16'd8;
  end
  initial begin
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    #1 clk = 1'b1;
    #1;
    if (o === 16'd8) $display("icarus_bug: absent");
    else             $display("icarus_bug: present (o = %h, q[1] = %h)", o, q[1]);
    $finish;
  end
endmodule
