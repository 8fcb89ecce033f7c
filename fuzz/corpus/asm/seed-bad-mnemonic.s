frobnicate t0
