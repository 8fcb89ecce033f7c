ld-mem wbuf block 65536
ld-mem bias t2 1
st-mem obuf t7 12
