setup a=s8 a=u4 w=s8 out=8
