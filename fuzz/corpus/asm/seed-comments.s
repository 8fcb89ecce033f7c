# only a comment

   	
setup a=s1 w=u16 out=16 # tail
