setup a=s8 w=s8 out=raw bias=1
block-end last
