# Worked example of docs/isa.md: conv 3->4 channels, 6x6, 3x3 kernel, stride 1, pad 1,
# s8 x s8, bias, ReLU, >>4, 8-bit output, on bf2x2 with output rows tiled by 4 (tiles of 4 and 2 rows).
# example: tiles b1 h4 w6 oc4 kh3 icw1 (counts 1x2x1x1x1x1, order h); per-bank words IBUF 48 WBUF 18 OBUF 50; DRAM read 960 B, write 144 B
setup a=s8 w=s8 out=8 relu=1 shift=4 bias=1
loop t0 2
gen-addr-lo ibuf t0 64
gen-addr-lo ibuf d0 2
wr-buf ibuf d0 1
loop ibuf.d1 8
gen-addr-lo ibuf d1 2
wr-buf ibuf d1 1
loop ibuf.d2 6
loop ibuf.d2 4 last=t0
gen-addr-lo ibuf d2 16
wr-buf ibuf d2 8
gen-addr-lo ibuf d3 128
wr-buf ibuf d3 48
gen-addr-lo wbuf base 128
loop wbuf.d0 18
gen-addr-lo wbuf d0 4
wr-buf wbuf d0 1
gen-addr-lo bias base 256
wr-buf bias base 48
gen-addr-lo obuf base 320
gen-addr-lo obuf t0 48
loop obuf.d0 6
gen-addr-lo obuf d0 2
wr-buf obuf d0 1
loop obuf.d1 4
loop obuf.d1 2 last=t0
gen-addr-lo obuf d1 12
wr-buf obuf d1 6
gen-addr-lo obuf d2 72
wr-buf obuf d2 24
wr-buf obuf grp 24
loop e1 4
loop e1 2 last=t0
loop e2 6
loop e3 3
loop e4 3
loop e5 3
loop grp 2
rd-buf ibuf e0 192
rd-buf ibuf e1 32
rd-buf ibuf e2 4
rd-buf ibuf e3 32
rd-buf ibuf e4 4
rd-buf ibuf e5 1
rd-buf wbuf e3 12
rd-buf wbuf e4 4
rd-buf wbuf e5 1
rd-buf wbuf grp 36
rd-buf obuf e0 24
rd-buf obuf e1 6
rd-buf obuf e2 1
rd-buf obuf grp 24
ld-mem ibuf t0 2
ld-mem wbuf block 4
ld-mem bias t0 4
compute red=3
st-mem obuf t0 1
block-end last
