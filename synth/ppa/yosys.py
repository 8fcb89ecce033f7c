"""Yosys synthesis of one block (steps 1 and 2 of the flow).

  1. Flat synthesis to library cells -> area (um^2), cell counts, the netlist
     OpenSTA reads, and a power netlist in which every register output is
     cut into a port pair (`expose -cut`). ABC gets the SDC's drive and load
     (abc.constr). Hierarchical blocks (`hier`): those modules stay black
     boxes; each distinct (module, parameters) in the netlist is synthesized
     once (OUT/_sub/) and counted per instance; SRAM banks (`macros`) become
     Liberty macro cells (OUT/<block>/macros.lib) from synth/sram45.json;
     `exclude`d modules are dropped from the timing netlist.
  2. Hierarchical synthesis of the same block -> area breakdown by module
     category (flip-flops always count as registers).
Also the flat power netlist of hierarchical blocks with a power driver
(synth_power_flat) and the `stat` parser.
"""
import math
import os
import re
import time

from ppa.common import REPO, log, run, sram_table
from ppa.sta import timing_block

# ABC script: the Yosys default mapping for delay, then buffering of high
# fanout nets and gate sizing, as a placement-free stand-in for a
# commercial flow's timing repair. No delay target: ABC sources this file
# itself, so Yosys's delay placeholder would not be substituted (earlier
# versions had it; checked: identical netlists without it); &nf, upsize
# and dnsize minimise delay, with area recovery (-R) off the critical paths.
ABC_SCRIPT = """strash
&get -n
&fraig -x
&put
scorr
dc2
dretime
strash
&get -n
&dch -f
&nf -R 1000
&put
buffer -p
upsize
dnsize
"""

# For very large flat blocks (the controller at the default configuration,
# ~100k gates): one delay mapping pass without choice computation/fraiging.
ABC_SCRIPT_FAST = """strash
&get -n
&nf
&put
buffer -p
upsize
dnsize
"""


def hier_modules(block):
    """Modules kept as black boxes: `hier` (synthesized once per distinct
    parameter set) and `macros` (SRAM banks from synth/sram45.json)."""
    return list(block.get("hier", [])) + list(block.get("macros", [])) + list(block.get("exclude", []))


def yosys_read(block, hier_subs, defines=""):
    files = " ".join(os.path.join(REPO, f) for f in block["files"])
    # BF_ICG_NANGATE45: bf_clk_gate uses the library's clock-gating cell.
    lines = [f"read_verilog -sv -DSYNTHESIS -DBF_ICG_NANGATE45 {defines}{files}"]
    if block.get("params"):
        # One chparam for all: Yosys 0.23 loses a module after a second
        # chparam when the derived name is hashed.
        sets = " ".join(f"-set {k} {v}" for k, v in block["params"].items())
        lines.append(f"chparam {sets} {block['top']}")
    for sub in hier_subs:
        lines.append(f"blackbox {sub}")
    lines.append(f"hierarchy -check -top {block['top']}")
    # hierarchy may leave a parameterised top as $paramod$<hash>\top.
    lines.append(f"rename -top {block['top']}")
    return lines


def parse_stat(text):
    """Per module: {cells: {type: count}} from `stat` output."""
    mods, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^=== (.*) ===$", line.strip())
        if m:
            cur = m.group(1)
            mods[cur] = {}
            continue
        if cur and cur != "design hierarchy":
            m = re.match(r"^\s+(\S+)\s+(\d+)$", line)
            if m and not line.strip().startswith("Number"):
                mods[cur][m.group(1).lstrip("\\")] = int(m.group(2))
    mods.pop("design hierarchy", None)
    return {k.lstrip("\\"): v for k, v in mods.items()}


def module_base(name):
    # $paramod\bf_spread\IsWeight=... or $paramod$hash\bf_spread -> bf_spread
    if name.startswith("$paramod"):
        parts = name.split("\\")
        return parts[1] if len(parts) > 1 else name
    return name


def write_abc_constr(outdir, libcells):
    """ABC timing constraints matching the SDC (write_sdc): inputs driven by
    an X1 cell (BUF_X1 stands for the DFF_X1 Q pin, which ABC cannot use as
    a driver), outputs loaded by a DFF_X1 D pin. Without them ABC treats
    inputs as ideal and leaves a high-fanout input (an operand select or
    precision bit fanning out to ~60 gates) unbuffered."""
    path = os.path.join(outdir, "abc.constr")
    open(path, "w").write(f"set_driving_cell BUF_X1\nset_load {libcells['DFF_X1']['pins']['D'][1]:.4f}\n")
    return path


def write_abc_script(path, mode):
    """The ABC script file: the single-pass one for mode 'fast'."""
    open(path, "w").write(ABC_SCRIPT_FAST if mode == "fast" else ABC_SCRIPT)
    return path


def yosys_noabc(block):
    # `synth` ends with a generic area-oriented ABC pass; "yosys_abc": false
    # skips it so our ABC run starts from Yosys's Brent-Kung adders (the
    # array blocks: their 32-bit accumulators sit between SRAM macros).
    return "" if block.get("yosys_abc", True) else " -noabc"


def run_yosys(outdir, script, lines, log_name, out_name):
    """Write a Yosys script OUTDIR/SCRIPT and run it (log, output files)."""
    open(f"{outdir}/{script}", "w").write("\n".join(lines) + "\n")
    run(["yosys", "-q", "-l", f"{outdir}/{log_name}", "-s", f"{outdir}/{script}"], f"{outdir}/{out_name}")


# ---------------------------------------------------------------- black boxes
INST_RE = re.compile(r"^(\s*)(\w+)\s+(?:#\((.*?)\)\s+)?(\\\S+|\w+)\s+\(", re.S | re.M)


def parse_param(v):
    m = re.fullmatch(r"(\d+)'(s?)([bdh])([0-9a-fA-F_]+)", v.strip())
    if not m:
        return int(v.strip())
    width, signed, base, digits = int(m.group(1)), m.group(2), m.group(3), m.group(4).replace("_", "")
    val = int(digits, {"b": 2, "d": 10, "h": 16}[base])
    if signed and val >> (width - 1):
        val -= 1 << width
    return val


def hier_instances(netlist, modules):
    """[(module, {param: int}, instance, match span)] of black-box instances."""
    text = open(netlist).read()
    out = []
    for m in INST_RE.finditer(text):
        if m.group(2) in modules:
            params = {}
            for pm in re.finditer(r"\.(\w+)\(([^()]*)\)", m.group(3) or ""):
                params[pm.group(1)] = parse_param(pm.group(2))
            out.append((m.group(2), params, m.group(4), m.span()))
    return text, out


def sub_key(module, params):
    return module + "".join(f"_{k}{v}" for k, v in sorted(params.items()))


def sram_macro(params, table):
    """Liberty name, area, KB of one bf_sram shape (macro from sram45.json)."""
    depth, width = params.get("Depth", 256), params.get("Width", 32)
    kb = depth * width / 8192.0
    return f"bf_sram_d{depth}_w{width}", kb * table["area_um2_per_kb"], kb


def write_macro_lib(path, shapes, table):
    """A Liberty library with one cell per SRAM bank shape: area from the
    macro table, a clock-to-output arc and setup/hold checks from its
    (assumed) timing figures. Pins as bf_sram."""
    t = table["timing_ns"]
    lines = ["library (bf_sram_macros) {", "  delay_model : table_lookup;", '  time_unit : "1ns";',
             '  voltage_unit : "1V";', '  current_unit : "1mA";', "  capacitive_load_unit (1, ff);",
             '  pulling_resistance_unit : "1kohm";', '  leakage_power_unit : "1nW";',
             "  nom_process : 1.0;", "  nom_voltage : 1.1;", "  nom_temperature : 25.0;",
             "  input_threshold_pct_rise : 50;", "  input_threshold_pct_fall : 50;",
             "  output_threshold_pct_rise : 50;", "  output_threshold_pct_fall : 50;",
             "  slew_lower_threshold_pct_rise : 30;", "  slew_lower_threshold_pct_fall : 30;",
             "  slew_upper_threshold_pct_rise : 70;", "  slew_upper_threshold_pct_fall : 70;"]
    widths = sorted({w for (_, p) in shapes for w in (p["aw"], p["width"])})
    for w in widths:
        lines.append(f"  type (bus{w}) {{ base_type : array; data_type : bit; bit_width : {w}; "
                     f"bit_from : {w - 1}; bit_to : 0; downto : true; }}")
    for name, p in shapes:
        lines += macro_cell(name, p, t)
    lines.append("}")
    open(path, "w").write("\n".join(lines) + "\n")


def macro_cell(name, p, t):
    """Liberty lines of one SRAM macro cell (shape p, timing figures t)."""
    def scalar(name, v):
        return f'{name} (scalar) {{ values ("{v}"); }}'

    def inp(pin, bus=None):
        hdr = f"bus ({pin}) {{ bus_type : bus{bus};" if bus else f"pin ({pin}) {{"
        return [f"    {hdr} direction : input; capacitance : {t['input_cap_ff']};",
                f'      timing () {{ related_pin : "clk_i"; timing_type : setup_rising; '
                f"{scalar('rise_constraint', t['setup'])} {scalar('fall_constraint', t['setup'])} }}",
                f'      timing () {{ related_pin : "clk_i"; timing_type : hold_rising; '
                f"{scalar('rise_constraint', t['hold'])} {scalar('fall_constraint', t['hold'])} }}",
                "    }"]

    lines = [f"  cell ({name}) {{", f"    area : {p['area']:.3f};",
             f"    pin (clk_i) {{ direction : input; clock : true; capacitance : {t['clk_cap_ff']}; }}"]
    lines += inp("we_i") + inp("re_i") + inp("waddr_i", p["aw"]) + inp("raddr_i", p["aw"])
    lines += inp("wdata_i", p["width"])
    lines += [f"    bus (rdata_o) {{ bus_type : bus{p['width']}; direction : output;",
              f'      timing () {{ related_pin : "clk_i"; timing_type : rising_edge; '
              f"{scalar('cell_rise', t['clk_to_q'])} {scalar('cell_fall', t['clk_to_q'])} "
              f"{scalar('rise_transition', t['output_transition'])} "
              f"{scalar('fall_transition', t['output_transition'])} }}",
              "    }", "  }"]
    return lines


# ---------------------------------------------------------------- synth_block
def synth_block(block, lib, libcells, outdir, period_ns, sub_areas):
    """Synthesize a block (flat, black boxes composed, then hierarchical for
    the breakdown); returns its area/cell figures. sub_areas caches the
    sub-blocks of hierarchical blocks by sub_key."""
    os.makedirs(outdir, exist_ok=True)
    hier_subs = hier_modules(block)
    abc = write_abc_script(os.path.join(outdir, "map.abc"), block.get("abc"))
    dps = int(round(period_ns * 1000))
    constr = write_abc_constr(outdir, libcells)
    mapping = [f"dfflibmap -liberty {lib}", f"abc -liberty {lib} -D {dps} -constr {constr} -script {abc}",
               "opt_clean"]
    synth_flat(block, lib, outdir, hier_subs, mapping)
    result, counts = flat_area(block["top"], outdir, libcells)
    cats = block.get("categories", {"*": "logic"})
    sub_breakdown = {}
    if hier_subs:
        sub_breakdown = compose_hier(block, lib, libcells, outdir, period_ns, sub_areas, result, counts)
    breakdown = synth_breakdown(block, lib, libcells, outdir, hier_subs, mapping, cats, sub_breakdown)
    result["breakdown_um2"] = {k: round(v, 3) for k, v in sorted(breakdown.items())}
    result["area_hier_um2"] = sum(breakdown.values())
    return result


def synth_flat(block, lib, outdir, hier_subs, mapping):
    """Step 1: flat synthesis -> stat.txt, netlist.v, netlist_power.v."""
    top = block["top"]
    ys = [f"read_liberty -lib {lib}"] + yosys_read(block, hier_subs) + [
        f"synth -top {top} -flatten{yosys_noabc(block)}"] + mapping + [
        "hilomap -singleton -hicell LOGIC1_X1 Z -locell LOGIC0_X1 Z",
        "splitnets",
        "opt_clean",
        f"tee -q -o {outdir}/stat.txt stat -liberty {lib}",
        f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist.v",
        "select -set qnets t:DFF* %x:+[Q] t:DFF* %d",
        "expose -cut @qnets",
        f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist_power.v",
    ]
    run_yosys(outdir, "synth.ys", ys, "yosys.log", "yosys.out")


def flat_area(top, outdir, libcells):
    """(result, cell counts) of the flat netlist: area, cells, registers."""
    stat = parse_stat(open(f"{outdir}/stat.txt").read())
    cells = stat.get(top) or next(iter(stat.values()))
    area, regs, counts, n_cells = 0.0, 0.0, {}, 0
    for ctype, n in cells.items():
        if ctype in libcells:
            a = libcells[ctype]["area"] * n
            area += a
            n_cells += n
            counts[ctype] = n
            if libcells[ctype]["flop"]:
                regs += a
    result = {"cells": n_cells, "cell_counts": counts, "area_top_um2": area,
              "area_um2": area, "area_registers_flat_um2": regs}
    return result, counts


def compose_hier(block, lib, libcells, outdir, period_ns, sub_areas, result, counts):
    """Step 1b. Black boxes: each distinct (module, parameters) synthesized
    once (sub_areas caches them), SRAM banks as macros; the netlist OpenSTA
    reads (netlist_hier.v) names each instance's own netlist module / macro
    cell. Adds the sub-blocks and SRAM to result; returns the sub-blocks'
    area breakdown (x instances)."""
    text, insts = hier_instances(f"{outdir}/netlist.v", set(hier_modules(block)))
    table = sram_table()
    shapes, subs_used = {}, {}
    sram = {"area_um2": 0.0, "kb": 0.0, "banks": 0}
    pieces, last = [], 0
    for mod, params, inst, (a, b) in insts:
        if mod in block.get("exclude", []):
            # Left out: drop the instance (up to its closing ");").
            end = text.index(");", b) + 2
            pieces.append(text[last:a])
            last = end
            bump(counts, f"{mod} (excluded)")
            continue
        if mod in block.get("macros", []):
            name = add_macro(params, table, shapes, sram)
            bump(counts, f"{name} (SRAM macro)")
        else:
            key = sub_key(mod, params)
            if key not in sub_areas:
                sub_areas[key] = synth_sub_block(block, mod, params, key, lib, libcells, outdir, period_ns,
                                                 sub_areas)
            name = sub_areas[key]["module"]
            bump(subs_used, key)
            bump(counts, f"{key} (sub-block)")
        pieces += [text[last:a], text[a:b].split(mod, 1)[0] + f"{name} {inst} ("]
        last = b
    pieces.append(text[last:])
    open(f"{outdir}/netlist_hier.v", "w").write("".join(pieces))
    if shapes:
        write_macro_lib(f"{outdir}/macros.lib", sorted(shapes.items()), table)
    return add_hier_totals(result, sub_areas, subs_used, sram)


def bump(counts, key):
    counts[key] = counts.get(key, 0) + 1


def add_macro(params, table, shapes, sram):
    """Record one SRAM bank instance (its macro shape, area, KB); its name."""
    name, marea, kb = sram_macro(params, table)
    aw = max(1, math.ceil(math.log2(params.get("Depth", 256))))
    shapes[name] = {"area": marea, "aw": aw, "width": params.get("Width", 32)}
    sram["area_um2"] += marea
    sram["kb"] += kb
    sram["banks"] += 1
    return name


def synth_sub_block(block, mod, params, key, lib, libcells, outdir, period_ns, sub_areas):
    """Synthesize and time one distinct (module, parameters) of a
    hierarchical block in OUT/_sub/<key>; its netlist_sub.v renames the
    module to a unique bfsub_<key>."""
    sub = {"name": key, "top": mod, "files": block["files"], "params": params,
           "categories": block.get("categories", {"*": "logic"})}
    if "yosys_abc" in block:
        sub["yosys_abc"] = block["yosys_abc"]
    sdir = os.path.join(os.path.dirname(outdir), "_sub", key)
    log(f"{block['name']}: sub-block {key}")
    t_sub = time.time()
    r = synth_block(sub, lib, libcells, sdir, period_ns, sub_areas)
    r.update(timing_block(sub, lib, sdir, period_ns, libcells["DFF_X1"]["pins"]["D"][1], r))
    log(f"{block['name']}: sub-block {key}: {r['area_um2']:.1f} um^2, slack {r['wns_ns']} ns "
        f"({time.time() - t_sub:.0f} s)")
    # A unique module name, so differently parameterised
    # copies of one module can sit in one OpenSTA design.
    uniq = "bfsub_" + key
    net = open(os.path.join(sdir, "netlist.v")).read()
    net, n = re.subn(rf"^module\s+\\?\S*{re.escape(mod)}\S*\s*\(", f"module {uniq}(", net, count=1,
                     flags=re.M)
    if n != 1:
        raise RuntimeError(f"module {mod} not found in {sdir}/netlist.v")
    open(os.path.join(sdir, "netlist_sub.v"), "w").write(net)
    r["netlist_sub"] = os.path.join(sdir, "netlist_sub.v")
    r["module"] = uniq
    r["params"] = params
    return r


def add_hier_totals(result, sub_areas, subs_used, sram):
    """Add the sub-block instances and SRAM banks to a hierarchical block's
    result; returns the sub-blocks' breakdown x instances."""
    sub_breakdown = {}
    for key, n in subs_used.items():
        r = sub_areas[key]
        result["area_um2"] += r["area_um2"] * n
        result["cells"] += r["cells"] * n
        for k, v in r["breakdown_um2"].items():
            sub_breakdown[k] = sub_breakdown.get(k, 0.0) + v * n
    result["sub_blocks"] = {k: {"instances": n, "area_um2": round(sub_areas[k]["area_um2"], 3),
                                "wns_ns": sub_areas[k].get("wns_ns")} for k, n in sorted(subs_used.items())}
    if sram["banks"]:
        result["sram_area_um2"] = round(sram["area_um2"], 1)
        result["sram_kb"] = round(sram["kb"], 3)
        result["sram_banks"] = sram["banks"]
    return sub_breakdown


def synth_breakdown(block, lib, libcells, outdir, hier_subs, mapping, cats, sub_breakdown):
    """Step 2: hierarchical synthesis -> area by module category (um^2),
    starting from the black-box sub-blocks' breakdown."""
    top = block["top"]
    ys = [f"read_liberty -lib {lib}"] + yosys_read(block, hier_subs) + [
        f"synth -top {top}{yosys_noabc(block)}"] + mapping + [
        f"tee -q -o {outdir}/stat_hier.txt stat -liberty {lib}",
    ]
    run_yosys(outdir, "breakdown.ys", ys, "yosys_hier.log", "yosys_hier.out")
    hstat = parse_stat(open(f"{outdir}/stat_hier.txt").read())
    breakdown = dict(sub_breakdown)

    def add(mod, mult, inherited):
        base = module_base(mod)
        cat = cats.get(base, inherited if inherited else cats.get("*", "logic"))
        for ctype, n in hstat.get(mod, {}).items():
            if ctype in libcells:
                c = "registers" if libcells[ctype]["flop"] else cat
                breakdown[c] = breakdown.get(c, 0.0) + libcells[ctype]["area"] * n * mult
            elif ctype in hstat and module_base(ctype) not in hier_subs:
                add(ctype, mult * n, cats.get(module_base(ctype)) or (cat if base != top else None))
    add(top, 1, None)
    return breakdown


# ---------------------------------------------------------------- power netlist
def synth_power_flat(block, lib, outdir, period_ns):
    """Power netlist of a hierarchical block (blocks with `hier` and a power
    driver): the whole block synthesized flat (sub-blocks inlined, only the
    `macros` kept as SRAM macro cells of OUT/<block>/macros.lib), register
    outputs and SRAM read-data outputs cut into port pairs like the other
    power netlists, so the hierarchical names of the simulated VCD map onto
    it. Written over OUT/<block>/netlist_power.v (the hierarchical top's own
    power netlist is not used). ABC: the block's `power_abc` ('fast' = the
    single-pass script; default the normal script)."""
    top = block["top"]
    macros = list(block.get("macros", []))
    abc = write_abc_script(os.path.join(outdir, "map_power.abc"), block.get("power_abc", block.get("abc")))
    constr = os.path.join(outdir, "abc.constr")
    # The row clock gates as wires (BF_CLK_GATE_OFF, rtl/common/bf_clk_gate.sv):
    # power.py checks that the workload's gate enables are always 1.
    ys = [f"read_liberty -lib {lib}"] + yosys_read(block, macros, "-DBF_CLK_GATE_OFF ") + [
        f"synth -top {top} -flatten{yosys_noabc(block)}",
        f"dfflibmap -liberty {lib}",
        f"abc -liberty {lib} -D {int(round(period_ns * 1000))} -constr {constr} -script {abc}",
        "opt_clean",
        "hilomap -singleton -hicell LOGIC1_X1 Z -locell LOGIC0_X1 Z",
        "splitnets",
        "opt_clean",
        f"tee -q -o {outdir}/stat_power.txt stat -liberty {lib}",
    ] + power_cuts(macros) + [f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist_power_flat.v"]
    run_yosys(outdir, "synth_power.ys", ys, "yosys_power.log", "yosys_power.out")
    # SRAM banks -> their macro cells (as in the timing netlist).
    text, insts = hier_instances(f"{outdir}/netlist_power_flat.v", set(macros))
    table = sram_table()
    pieces, last = [], 0
    for mod, params, inst, (a, b) in insts:
        name = sram_macro(params, table)[0]
        pieces += [text[last:a], text[a:b].split(mod, 1)[0] + f"{name} {inst} ("]
        last = b
    pieces.append(text[last:])
    open(f"{outdir}/netlist_power.v", "w").write("".join(pieces))
    cells = parse_stat(open(f"{outdir}/stat_power.txt").read())
    return sum(n for c in cells.values() for n in c.values())


def power_cuts(macros):
    """Yosys commands that cut register outputs (and SRAM read data) into
    port pairs."""
    cut = ["select -set qnets t:DFF* %x:+[Q] t:DFF* %d"]
    if macros:
        # SRAM read data (bf_sram rdata_o): OpenSTA propagates no activity
        # through a macro without a function, so these are cut as well.
        ms = " ".join(f"t:{m}" for m in macros) + " %u" * (len(macros) - 1)
        cut += [f"select -set snets {ms} %x:+[rdata_o] {ms} %d",
                "select -set cutnets @qnets @snets", "expose -cut @cutnets"]
    else:
        cut += ["expose -cut @qnets"]
    return cut
