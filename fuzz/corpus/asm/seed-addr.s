gen-addr-hi obuf plane 0xffff
gen-addr-lo ibuf base 0
rd-buf wbuf grp 3
wr-buf bias d2 07
rd-buf obuf e4 1
