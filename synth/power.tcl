# bf_apply_activity FILE: applies simulated switching activity (lines
# "name activity duty" from synth/vcd2activity.py) to a power netlist.
#
# Debian's OpenSTA ignores activities set on internal pins, but honours
# them on input ports (set_power_activity -input_ports). The power netlist
# therefore has every register output cut into a port pair by Yosys
# (expose -cut): output port X is driven by the flip-flop, input port X.i
# drives the logic the register fed. X.i gets the register's simulated
# activity; X gets the load the register drove (BF_LOAD, from loads.tcl).
# Unannotated inputs get activity 0.
proc bf_apply_activity {file} {
  global BF_LOAD
  set f [open $file]
  while {[gets $f line] >= 0} {
    if {[string index $line 0] eq "#"} continue
    lassign $line n a d
    set ACT($n) [list $a $d]
  }
  close $f
  set_power_activity -input -activity 0.0 -duty 0.0
  set matched 0
  set missing {}
  set cut 0
  set cut_matched 0
  foreach p [all_inputs] {
    set n [get_full_name $p]
    if {$n eq "clk_i"} continue
    set key $n
    if {[string match {*.i} $n]} { set key [string range $n 0 end-2]; incr cut }
    if {[info exists ACT($key)]} {
      if {$key ne $n} { incr cut_matched }
      lassign $ACT($key) a d
      set_power_activity -input_ports $p -activity $a -duty $d
      incr matched
    } else {
      lappend missing $n
    }
  }
  foreach p [all_outputs] {
    set n [get_full_name $p]
    if {[info exists BF_LOAD($n)]} { set_load $BF_LOAD($n) $p }
  }
  puts "BF_ACT matched $matched missing [llength $missing] [lrange $missing 0 9]"
  puts "BF_ACT_CUT matched $cut_matched of $cut"
}
