loop t0 65537
