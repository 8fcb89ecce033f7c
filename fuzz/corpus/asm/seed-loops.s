loop t3 7
loop e5 2 last=t1
loop grp 4
loop wbuf.d3 9 last=t7
loop ibuf.d0 65536
