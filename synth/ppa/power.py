"""Activity-based power (step 4 of the flow, blocks with a power driver):
bf_activity records a VCD of a named workload, synth/vcd2activity.py turns
it into per-bit activities, OpenSTA's report_power (synth/power.tcl applies
the activities) gives internal/switching/leakage -> energy per MAC.
Hierarchical blocks (array tiles) get a flat power netlist first
(yosys.synth_power_flat) and SRAM power from the driver's buffer access
counts x synth/sram45.json energies (docs/ppa_array_power.md)."""
import os
import re
import shutil
import sys
import time

from ppa.common import SYNTH, WIDTHS, log, run, sram_table
from ppa.sta import sta_netlists, sta_read
from ppa.yosys import synth_power_flat


def power_block(block, lib, libcells, bdir, period, cycles, act_bin, r):
    """All power runs of a block (random operands at every width pair, then
    LeNet conv1 at 2x2) into r["power"]; logs each."""
    name = block["name"]
    if block.get("hier"):
        tp = time.time()
        r["power_netlist_cells"] = synth_power_flat(block, lib, bdir, period)
        r["power_synth_seconds"] = round(time.time() - tp, 1)
        log(f"{name}: flat power netlist, {r['power_netlist_cells']} cells ({r['power_synth_seconds']} s)")
        shutil.rmtree(os.path.join(bdir, "power"), ignore_errors=True)   # stale loads.tcl
    r["power"] = []
    runs = [("random", a, w) for a, w in WIDTHS] + [("lenet_conv1", 2, 2)]
    for i, (wl, a, w) in enumerate(runs):
        p = power_run(block, lib, libcells, bdir, period, wl, a, w, cycles, 1000 + i, act_bin)
        r["power"].append(p)
        extra = ""
        if "sram_mw" in p:
            extra = (f" (logic {p['logic_mw']:.3f} + SRAM {p['sram_mw']:.3f}; registers annotated "
                     f"{p.get('cut_matched')}/{p.get('cut_ports')})")
        log(f"{name}: {wl} {a}x{w}: {p['total_mw']:.3f} mW{extra}, {p['energy_per_mac_pj']:.3f} pJ/MAC")


def cut_loads(netlist, libcells):
    """Load capacitance of each cut register net (`X.i`) of a power netlist."""
    text = open(netlist).read()
    loads = {}
    for m in re.finditer(r"^\s*(\w+)\s+\S+\s*\((.*?)\);", text, re.S | re.M):
        ctype = m.group(1)
        if ctype not in libcells:
            continue
        for pm in re.finditer(r"\.(\w+)\(([^()]*)\)", m.group(2)):
            net = pm.group(2).strip().lstrip("\\").strip()
            if net.endswith(".i"):
                d, c = libcells[ctype]["pins"].get(pm.group(1), ("", 0.0))
                if d == "input":
                    loads[net[:-2]] = loads.get(net[:-2], 0.0) + c
    return loads


def write_loads_tcl(outdir, pdir, libcells):
    """power/loads.tcl (once per block): the load of each cut register
    output, i.e. the input pins it drove."""
    loads_tcl = os.path.join(pdir, "loads.tcl")
    if not os.path.exists(loads_tcl):
        loads = cut_loads(os.path.join(outdir, "netlist_power.v"), libcells)
        with open(loads_tcl, "w") as f:
            f.write("# Load of each cut register output: the input pins it drove.\n")
            for k, v in sorted(loads.items()):
                f.write(f"set BF_LOAD({{{k}}}) {v:.6f}\n")
    return loads_tcl


def simulate(block, pdir, tag, workload, a, w, cycles, seed, act_bin):
    """Record the workload's VCD with bf_activity and convert it to the
    activity file <tag>.act (the VCD is removed); returns (simulator
    output, cycles, MACs, activity file)."""
    vcd = os.path.join(pdir, f"{tag}.vcd")
    act = os.path.join(pdir, f"{tag}.act")
    out = run([act_bin, block["power"]["driver"], workload, str(a), str(w), str(cycles), str(seed), vcd],
              os.path.join(pdir, f"{tag}.sim.log"))
    m = re.search(r"cycles=(\d+) macs=(\d+)", out)
    sim_cycles, macs = int(m.group(1)), int(m.group(2))
    run([sys.executable, os.path.join(SYNTH, "vcd2activity.py"), vcd, act], os.path.join(pdir, f"{tag}.conv.log"))
    os.remove(vcd)   # large; the .act file keeps what the flow uses
    return out, sim_cycles, macs, act


def check_gates_on(act, tag):
    """The power netlists have the row clock gates always on (bf_clk_gate
    with BF_CLK_GATE_OFF): exact only when every gate's enable was 1 in
    every simulated cycle (activity 0, duty 1). Raises otherwise."""
    for line in open(act):
        f = line.split()
        if len(f) == 3 and f[0].endswith("u_cg.en_i") and not (float(f[1]) == 0.0 and float(f[2]) == 1.0):
            raise RuntimeError(f"power {tag}: clock-gate enable {f[0]} is not 1 in every cycle "
                               f"(activity {f[1]}, duty {f[2]}); the power netlist models the gates as always on")


def power_run(block, lib, libcells, outdir, period_ns, workload, a, w, cycles, seed, act_bin):
    """One power run: simulate, report_power with the activities; returns
    the power figures (mW) and energy per MAC (pJ)."""
    tag = f"{workload}_{a}x{w}"
    pdir = os.path.join(outdir, "power")
    os.makedirs(pdir, exist_ok=True)
    out, sim_cycles, macs, act = simulate(block, pdir, tag, workload, a, w, cycles, seed, act_bin)
    check_gates_on(act, tag)
    loads_tcl = write_loads_tcl(outdir, pdir, libcells)
    libs, nets = sta_netlists(block, outdir, {}, power=True)
    tcl = sta_read(block, lib, outdir, libs, nets) + [
        f"source {loads_tcl}",
        f"source {os.path.join(SYNTH, 'power.tcl')}",
        f"bf_apply_activity {act}",
        "report_power -digits 6"]
    ptcl = os.path.join(pdir, f"{tag}.tcl")
    open(ptcl, "w").write("\n".join(tcl) + "\n")
    rep = run(["sta", "-no_splash", "-exit", ptcl], os.path.join(pdir, f"{tag}.rpt"))
    res = parse_power(rep, f"{pdir}/{tag}.rpt", workload, a, w, sim_cycles, macs / sim_cycles)
    s = re.search(r"^sram (.*)$", out, re.M)
    if s:
        add_sram_power(res, s.group(1), act, sim_cycles, period_ns, res["macs_per_cycle"])
    res["energy_per_mac_pj"] = res["total_mw"] * period_ns / res["macs_per_cycle"]
    return res


def parse_power(rep, rpt_path, workload, a, w, sim_cycles, macs_per_cycle):
    """The figures of an OpenSTA power report (W -> mW) and the activity
    annotation counts of synth/power.tcl."""
    m = re.search(r"BF_ACT matched (\d+) missing (\d+)", rep)
    t = re.search(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", rep, re.M)
    if not t:
        raise RuntimeError(f"no power total in {rpt_path}")
    internal, switching, leakage, total = (float(x) for x in t.groups())
    res = {"workload": workload, "a": a, "w": w, "cycles": sim_cycles, "macs_per_cycle": macs_per_cycle,
           "internal_mw": internal * 1e3, "switching_mw": switching * 1e3, "leakage_mw": leakage * 1e3,
           "total_mw": total * 1e3,
           "inputs_annotated": int(m.group(1)) if m else None,
           "inputs_missing": int(m.group(2)) if m else None}
    c = re.search(r"BF_ACT_CUT matched (\d+) of (\d+)", rep)
    if c:
        res["cut_matched"], res["cut_ports"] = int(c.group(1)), int(c.group(2))
    return res


def add_sram_power(res, sram_line, act, sim_cycles, period_ns, macs_per_cycle):
    """Array tiles: buffer energy from the access counts of the window
    (32-bit words) x the CACTI energies per bit of synth/sram45.json,
    spread over the window: mW = pJ / ns; total = logic + SRAM."""
    counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", sram_line)}
    epb = sram_table()["energy_pj_per_bit"]
    window_ns = sim_cycles * period_ns
    split = {}
    for buf in ("ibuf", "wbuf", "obuf"):
        e = 32 * (counts.get(f"{buf}_rd", 0) * epb[buf]["read"] + counts.get(f"{buf}_wr", 0) * epb[buf]["write"])
        split[f"{buf}_mw"] = e / window_ns
    res["sram_counts"] = counts
    res["sram_split_mw"] = split
    res["sram_mw"] = sum(split.values())
    res["logic_mw"] = res["total_mw"]
    res["total_mw"] = res["logic_mw"] + res["sram_mw"]
    res["logic_pj_per_mac"] = res["logic_mw"] * period_ns / macs_per_cycle
    # Cross-check with the simulated enables of the bf_sram banks (VCD:
    # cycles with re_i / we_i high), when the RTL has buffers.
    seen = {}
    for line in open(act):
        mm = re.match(r"(\S*u_(ibuf|wbuf|obuf))\.(re_i|we_i) \S+ (\S+)", line)
        if mm:
            k = f"{mm.group(2)}_{'rd' if mm.group(3) == 're_i' else 'wr'}"
            seen[k] = seen.get(k, 0.0) + float(mm.group(4)) * sim_cycles
    if seen:
        res["sram_counts_vcd"] = {k: round(v) for k, v in sorted(seen.items())}
