// Lemma "lane" of the decomposed Fusion Unit proof, checked by exhaustive
// enumeration (Icarus Verilog): for every width pair A x W in {2,4,8}^2,
// every activation lane value (2^A), every weight lane value (2^W) and
// both sign controls, spec_lane_mul (the specification's `*`) equals
// digit_lane_mul (the sum of the 2-bit digit products). The domain is
// finite and every point of it is evaluated, so this is a complete proof
// of the identity (at most 2^18 points, for 8x8). formal/run.sh runs it.
module lane_exhaustive_tb;
  int errors = 0;
  int points = 0;
  for (genvar pa = 0; pa < 3; pa++) begin : g_a
    for (genvar pw = 0; pw < 3; pw++) begin : g_w
      localparam int A = 2 << pa, W = 2 << pw;
      logic [A-1:0] a;
      logic [W-1:0] w;
      logic sa, sw;
      logic signed [A+W+1:0] p_spec, p_dig;
      spec_lane_mul  #(.A(A), .W(W)) u_spec (.a_i (a), .w_i (w), .a_signed_i (sa), .w_signed_i (sw), .p_o (p_spec));
      digit_lane_mul #(.A(A), .W(W)) u_dig  (.a_i (a), .w_i (w), .a_signed_i (sa), .w_signed_i (sw), .p_o (p_dig));
      initial begin
        for (int s = 0; s < 4; s++) begin
          for (int x = 0; x < (1 << A); x++) begin
            for (int y = 0; y < (1 << W); y++) begin
              a = A'(x); w = W'(y); sa = s[1]; sw = s[0];
              #1;
              points++;
              if (p_spec !== p_dig) begin
                errors++;
                if (errors < 10) $display("lane %0dx%0d: a=%0d w=%0d sa=%0d sw=%0d spec=%0d digits=%0d",
                                          A, W, x, y, sa, sw, p_spec, p_dig);
              end
            end
          end
        end
      end
    end
  end
  initial begin
    #300000;
    $display("lane: %0d points, %0d mismatches", points, errors);
    if (errors == 0 && points == 4 * (4*4 + 4*16 + 4*256 + 16*4 + 16*16 + 16*256 + 256*4 + 256*16 + 256*256))
      $display("LANE PASS");
    else
      $display("LANE FAIL");
    $finish;
  end
endmodule
