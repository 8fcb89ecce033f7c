ld-mem obuf t0 4
