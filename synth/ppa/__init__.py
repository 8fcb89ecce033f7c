"""The synthesis flow's modules (synth/flow.py is the entry point).

  common  paths, logging, running tools, Liberty parsing, blocks.json and
          configuration resolution
  yosys   Yosys runs: flat and hierarchical synthesis, `stat` parsing,
          black-box sub-blocks, SRAM macro cells, the flat power netlist
  sta     the SDC and OpenSTA timing
  power   activity-based power runs (bf_activity, vcd2activity.py, OpenSTA)
  report  ppa.json, ppa.csv, power.csv, summary.md and the gnuplot charts
"""
