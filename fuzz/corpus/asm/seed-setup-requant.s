setup a=u2 w=s4 out=4 relu=1 shift=3 bias=0
compute red=2
block-end
