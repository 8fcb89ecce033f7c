#!/usr/bin/env python3
"""Synthesis, timing and power flow: Yosys + OpenSTA on a Liberty library.

Called by synth/run.sh (`make synth`). For every block of synth/blocks.json:
  1. Yosys: flat synthesis to library cells -> area (um^2, NAND2-equivalents),
     cell counts, a netlist OpenSTA reads, and a power netlist in which every
     register output is cut into a port pair (`expose -cut`) so simulated
     register activity can be applied to the logic the register drives.
     ABC gets the SDC's drive and load (abc.constr) so it buffers inputs.
     Hierarchical blocks (`hier`): those modules stay black boxes; each
     distinct (module, parameters) found in the netlist is synthesized once
     (OUT/_sub/) and counted per instance; SRAM banks (`macros`) become
     Liberty macro cells (OUT/<block>/macros.lib) from synth/sram45.json;
     `exclude`d modules are dropped from the timing netlist.
  2. Yosys: hierarchical synthesis of the same block -> area breakdown by
     module category (flip-flops always count as registers).
  3. OpenSTA: a generated SDC at the target clock -> worst slack, highest
     clock; hierarchical blocks are timed as a whole (top + sub-block
     netlists + macros).
  4. Power (blocks with a driver): bf_activity records a VCD of a named
     workload, vcd2activity.py turns it into per-bit activities, OpenSTA's
     report_power gives internal/switching/leakage -> energy per MAC.
     Hierarchical blocks (array tiles) get a flat power netlist (SRAM banks
     as macros, their read data cut like register outputs) and SRAM power
     from the driver's buffer access counts x synth/sram45.json energies.
With --config FILE, --blocks names templates of blocks.json ("array": the
array_16x32 block's settings), synthesized for that configuration as blocks
array_<shape> (`bitfusion sweep --synth` runs one per array shape).
Results: OUT/ppa.json, OUT/ppa.csv, OUT/power.csv, OUT/summary.md, per-block
folders with logs, netlists, SDC and reports. Python standard library only.
"""
import argparse
import csv
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNTH = os.path.join(REPO, "synth")
sys.path.insert(0, os.path.join(REPO, "scripts"))
import rtl_files  # noqa: E402  the RTL manifest (rtl/files.json)

# Verilog parameters of the array / top level from a named configuration
# (configs/<name>.json), the one source of the numbers.
CONFIG_PARAMS = {"Rows": "rows", "Cols": "cols", "WbufKb": "wbuf_kb", "IbufKb": "ibuf_kb",
                 "ObufKb": "obuf_kb", "DramBits": "dram_bits"}


def resolve_block(b):
    """A block of blocks.json with its file sets (rtl/files.json) and named
    configuration resolved: files -> paths, config -> params."""
    sets = b["files"] if isinstance(b["files"], list) else [b["files"]]
    b["files"] = rtl_files.resolve(rtl_files.load(), sets)
    if "config" in b:
        cfg = b.get("config_values") or json.load(open(os.path.join(REPO, "configs", b["config"] + ".json")))
        params = {k: cfg[v] for k, v in CONFIG_PARAMS.items()}
        if b["top"] == "bf_top":
            params["RspDepth"] = cfg["rsp_depth"]
        if b.get("params_keys"):
            params = {k: params[k] for k in b["params_keys"]}
        params.update(b.get("params", {}))
        b["params"] = params
    return b


def shape_name(cfg):
    """The array shape of a configuration, as `bitfusion sweep` names it:
    r<rows>c<cols>_w<wbuf_kb>i<ibuf_kb>o<obuf_kb>_d<dram_bits>."""
    return (f"r{cfg['rows']}c{cfg['cols']}_w{cfg['wbuf_kb']}i{cfg['ibuf_kb']}o{cfg['obuf_kb']}"
            f"_d{cfg['dram_bits']}")


def config_blocks(raw, config, wanted):
    """--config: each name of --blocks is a template of blocks.json
    ("templates": name -> block whose settings it reuses), instantiated for
    the configuration `config` (a configs/ name or a .json file) as a block
    named <name>_<shape> (power runs left out: they need a named driver)."""
    path = config if (os.sep in config or config.endswith(".json")) else \
        os.path.join(REPO, "configs", config + ".json")
    try:
        cfg = json.load(open(path))
        missing = [v for v in CONFIG_PARAMS.values() if not isinstance(cfg.get(v), int)]
    except (ValueError, OSError) as e:
        sys.exit(f"synth: error: --config {config}: {e}")
    if missing:
        sys.exit(f"synth: error: --config {config}: missing or non-integer {', '.join(missing)}")
    templates = raw.get("templates", {})
    if not wanted:
        sys.exit(f"synth: error: --config needs --blocks with template names ({', '.join(sorted(templates))})")
    by_name = {b["name"]: b for b in raw["blocks"]}
    blocks = []
    for n in wanted:
        if n not in templates:
            sys.exit(f"synth: error: --config: '{n}' is not a template of synth/blocks.json "
                     f"(templates: {', '.join(sorted(templates))})")
        b = json.loads(json.dumps(by_name[templates[n]]))
        b["name"] = f"{n}_{shape_name(cfg)}"
        b["config"] = os.path.splitext(os.path.basename(path))[0]
        b["config_values"] = cfg
        b.pop("power", None)
        b.pop("on_request", None)
        blocks.append(resolve_block(b))
    return blocks


WIDTHS = [(a, w) for a in (2, 4, 8) for w in (2, 4, 8)]

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


def log(msg):
    print(f"[synth] {msg}", flush=True)


def run(cmd, logfile, cwd=None):
    with open(logfile, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if r.returncode != 0:
        tail = open(logfile).read()[-2000:]
        raise RuntimeError(f"{cmd[0]} failed (see {logfile}):\n{tail}")
    return open(logfile).read()


# ---------------------------------------------------------------- Liberty
def parse_liberty(path):
    """cell -> {area, flop, pins: {pin: (direction, capacitance)}}."""
    text = open(path).read()
    cells = {}
    for m in re.finditer(r"\bcell\s*\(\s*\"?(\w+)\"?\s*\)\s*\{", text):
        start, depth, i = m.end(), 1, m.end()
        while depth:
            c = text[i]
            depth += (c == "{") - (c == "}")
            i += 1
        body = text[start:i]
        area = re.search(r"\barea\s*:\s*([\d.]+)", body)
        pins = {}
        for pm in re.finditer(r"\bpin\s*\(\s*\"?(\w+)\"?\s*\)\s*\{", body):
            seg = body[pm.end():pm.end() + 400]
            d = re.search(r"direction\s*:\s*(\w+)", seg)
            c = re.search(r"\bcapacitance\s*:\s*([\d.]+)", seg)
            pins[pm.group(1)] = (d.group(1) if d else "", float(c.group(1)) if c else 0.0)
        cells[m.group(1)] = {"area": float(area.group(1)) if area else 0.0,
                             "flop": re.search(r"\b(ff|latch)\s*\(", body) is not None,
                             "pins": pins}
    return cells


# ---------------------------------------------------------------- Yosys
def hier_modules(block):
    """Modules kept as black boxes: `hier` (synthesized once per distinct
    parameter set) and `macros` (SRAM banks from synth/sram45.json)."""
    return list(block.get("hier", [])) + list(block.get("macros", [])) + list(block.get("exclude", []))


def yosys_read(block, hier_subs):
    files = " ".join(os.path.join(REPO, f) for f in block["files"])
    lines = [f"read_verilog -sv -DSYNTHESIS {files}"]
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

    def scalar(name, v):
        return f'{name} (scalar) {{ values ("{v}"); }}'

    for name, p in shapes:
        lines += [f"  cell ({name}) {{", f"    area : {p['area']:.3f};",
                  f"    pin (clk_i) {{ direction : input; clock : true; capacitance : {t['clk_cap_ff']}; }}"]

        def inp(pin, bus=None):
            hdr = f"bus ({pin}) {{ bus_type : bus{bus};" if bus else f"pin ({pin}) {{"
            return [f"    {hdr} direction : input; capacitance : {t['input_cap_ff']};",
                    f'      timing () {{ related_pin : "clk_i"; timing_type : setup_rising; '
                    f"{scalar('rise_constraint', t['setup'])} {scalar('fall_constraint', t['setup'])} }}",
                    f'      timing () {{ related_pin : "clk_i"; timing_type : hold_rising; '
                    f"{scalar('rise_constraint', t['hold'])} {scalar('fall_constraint', t['hold'])} }}",
                    "    }"]
        lines += inp("we_i") + inp("re_i") + inp("waddr_i", p["aw"]) + inp("raddr_i", p["aw"])
        lines += inp("wdata_i", p["width"])
        lines += [f"    bus (rdata_o) {{ bus_type : bus{p['width']}; direction : output;",
                  f'      timing () {{ related_pin : "clk_i"; timing_type : rising_edge; '
                  f"{scalar('cell_rise', t['clk_to_q'])} {scalar('cell_fall', t['clk_to_q'])} "
                  f"{scalar('rise_transition', t['output_transition'])} "
                  f"{scalar('fall_transition', t['output_transition'])} }}",
                  "    }", "  }"]
    lines.append("}")
    open(path, "w").write("\n".join(lines) + "\n")


def synth_block(block, lib, libcells, outdir, period_ns, sub_areas):
    os.makedirs(outdir, exist_ok=True)
    top = block["top"]
    hier_subs = hier_modules(block)
    abc = os.path.join(outdir, "map.abc")
    open(abc, "w").write(ABC_SCRIPT_FAST if block.get("abc") == "fast" else ABC_SCRIPT)
    dps = int(round(period_ns * 1000))
    # `synth` ends with a generic area-oriented ABC pass; "yosys_abc": false
    # skips it so our ABC run starts from Yosys's Brent-Kung adders (the
    # array blocks: their 32-bit accumulators sit between SRAM macros).
    noabc = "" if block.get("yosys_abc", True) else " -noabc"
    constr = write_abc_constr(outdir, libcells)
    # 1. Flat synthesis (area, timing netlist, power netlist).
    ys = [f"read_liberty -lib {lib}"] + yosys_read(block, hier_subs) + [
        f"synth -top {top} -flatten{noabc}",
        f"dfflibmap -liberty {lib}",
        f"abc -liberty {lib} -D {dps} -constr {constr} -script {abc}",
        "opt_clean",
        "hilomap -singleton -hicell LOGIC1_X1 Z -locell LOGIC0_X1 Z",
        "splitnets",
        "opt_clean",
        f"tee -q -o {outdir}/stat.txt stat -liberty {lib}",
        f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist.v",
        "select -set qnets t:DFF* %x:+[Q] t:DFF* %d",
        "expose -cut @qnets",
        f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist_power.v",
    ]
    open(f"{outdir}/synth.ys", "w").write("\n".join(ys) + "\n")
    run(["yosys", "-q", "-l", f"{outdir}/yosys.log", "-s", f"{outdir}/synth.ys"], f"{outdir}/yosys.out")
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
    cats = block.get("categories", {"*": "logic"})
    # 1b. Black boxes: each distinct (module, parameters) synthesized once
    # (sub_areas caches them), SRAM banks as macros; the netlist OpenSTA
    # reads names each instance's own netlist module / macro cell.
    sub_breakdown, subs_used, sram = {}, {}, {"area_um2": 0.0, "kb": 0.0, "banks": 0}
    if hier_subs:
        text, insts = hier_instances(f"{outdir}/netlist.v", set(hier_subs))
        table = json.load(open(os.path.join(SYNTH, "sram45.json")))
        shapes = {}
        pieces, last = [], 0
        for mod, params, inst, (a, b) in insts:
            if mod in block.get("exclude", []):
                # Left out: drop the instance (up to its closing ");").
                end = text.index(");", b) + 2
                pieces.append(text[last:a])
                last = end
                counts[f"{mod} (excluded)"] = counts.get(f"{mod} (excluded)", 0) + 1
                continue
            if mod in block.get("macros", []):
                name, marea, kb = sram_macro(params, table)
                aw = max(1, math.ceil(math.log2(params.get("Depth", 256))))
                shapes[name] = {"area": marea, "aw": aw, "width": params.get("Width", 32)}
                sram["area_um2"] += marea
                sram["kb"] += kb
                sram["banks"] += 1
                counts[f"{name} (SRAM macro)"] = counts.get(f"{name} (SRAM macro)", 0) + 1
            else:
                key = sub_key(mod, params)
                if key not in sub_areas:
                    sub = {"name": key, "top": mod, "files": block["files"], "params": params,
                           "categories": cats}
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
                    sub_areas[key] = r
                name = sub_areas[key]["module"]
                subs_used[key] = subs_used.get(key, 0) + 1
                counts[f"{key} (sub-block)"] = counts.get(f"{key} (sub-block)", 0) + 1
            pieces += [text[last:a], text[a:b].split(mod, 1)[0] + f"{name} {inst} ("]
            last = b
        pieces.append(text[last:])
        open(f"{outdir}/netlist_hier.v", "w").write("".join(pieces))
        if shapes:
            write_macro_lib(f"{outdir}/macros.lib", sorted(shapes.items()), table)
        for key, n in subs_used.items():
            r = sub_areas[key]
            result["area_um2"] += r["area_um2"] * n
            result["cells"] += r["cells"] * n
            for k, v in r["breakdown_um2"].items():
                sub_breakdown[k] = sub_breakdown.get(k, 0.0) + v * n
        result["sub_blocks"] = {k: {"instances": n, "area_um2": round(sub_areas[k]["area_um2"], 3),
                                    "wns_ns": sub_areas[k].get("wns_ns")} for k, n in sorted(subs_used.items())}
        n_cells = result["cells"]
        if sram["banks"]:
            result["sram_area_um2"] = round(sram["area_um2"], 1)
            result["sram_kb"] = round(sram["kb"], 3)
            result["sram_banks"] = sram["banks"]
    # 2. Hierarchical synthesis for the breakdown.
    ys = yosys_read(block, hier_subs) + [
        f"synth -top {top}{noabc}",
        f"dfflibmap -liberty {lib}",
        f"abc -liberty {lib} -D {dps} -constr {constr} -script {abc}",
        "opt_clean",
        f"tee -q -o {outdir}/stat_hier.txt stat -liberty {lib}",
    ]
    open(f"{outdir}/breakdown.ys", "w").write("\n".join(ys) + "\n")
    run(["yosys", "-q", "-l", f"{outdir}/yosys_hier.log", "-s", f"{outdir}/breakdown.ys"], f"{outdir}/yosys_hier.out")
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
    result["breakdown_um2"] = {k: round(v, 3) for k, v in sorted(breakdown.items())}
    result["area_hier_um2"] = sum(breakdown.values())
    return result


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
    abc = os.path.join(outdir, "map_power.abc")
    open(abc, "w").write(ABC_SCRIPT_FAST if block.get("power_abc", block.get("abc")) == "fast" else ABC_SCRIPT)
    noabc = "" if block.get("yosys_abc", True) else " -noabc"
    constr = os.path.join(outdir, "abc.constr")
    cut = ["select -set qnets t:DFF* %x:+[Q] t:DFF* %d"]
    if macros:
        # SRAM read data (bf_sram rdata_o): OpenSTA propagates no activity
        # through a macro without a function, so these are cut as well.
        ms = " ".join(f"t:{m}" for m in macros) + " %u" * (len(macros) - 1)
        cut += [f"select -set snets {ms} %x:+[rdata_o] {ms} %d",
                "select -set cutnets @qnets @snets", "expose -cut @cutnets"]
    else:
        cut += ["expose -cut @qnets"]
    ys = [f"read_liberty -lib {lib}"] + yosys_read(block, macros) + [
        f"synth -top {top} -flatten{noabc}",
        f"dfflibmap -liberty {lib}",
        f"abc -liberty {lib} -D {int(round(period_ns * 1000))} -constr {constr} -script {abc}",
        "opt_clean",
        "hilomap -singleton -hicell LOGIC1_X1 Z -locell LOGIC0_X1 Z",
        "splitnets",
        "opt_clean",
        f"tee -q -o {outdir}/stat_power.txt stat -liberty {lib}",
    ] + cut + [f"write_verilog -noattr -noexpr -nohex -nodec {outdir}/netlist_power_flat.v"]
    open(f"{outdir}/synth_power.ys", "w").write("\n".join(ys) + "\n")
    run(["yosys", "-q", "-l", f"{outdir}/yosys_power.log", "-s", f"{outdir}/synth_power.ys"],
        f"{outdir}/yosys_power.out")
    # SRAM banks -> their macro cells (as in the timing netlist).
    text, insts = hier_instances(f"{outdir}/netlist_power_flat.v", set(macros))
    table = json.load(open(os.path.join(SYNTH, "sram45.json")))
    pieces, last = [], 0
    for mod, params, inst, (a, b) in insts:
        name = sram_macro(params, table)[0]
        pieces += [text[last:a], text[a:b].split(mod, 1)[0] + f"{name} {inst} ("]
        last = b
    pieces.append(text[last:])
    open(f"{outdir}/netlist_power.v", "w").write("".join(pieces))
    cells = parse_stat(open(f"{outdir}/stat_power.txt").read())
    return sum(n for c in cells.values() for n in c.values())


# ---------------------------------------------------------------- OpenSTA
def write_sdc(path, period_ns, has_clock, dff_d_cap):
    clk = "[get_ports clk_i]" if has_clock else ""
    lines = [
        "# Generated by synth/flow.py: every block sits between flip-flops.",
        f"create_clock -name clk -period {period_ns:.4f} {clk}",
        "set clk_port [get_ports -quiet clk_i]",
        "set rst_port [get_ports -quiet rst_ni]",
        "set ins [all_inputs]",
        "if {[llength $clk_port]} { set ins [delete_from_list $ins $clk_port] }",
        "if {[llength $rst_port]} { set ins [delete_from_list $ins $rst_port] }",
        "# Inputs come from flip-flops (clock-to-Q of a DFF_X1), outputs go to one.",
        "# The cut register outputs of a power netlist (X.i) get the drive but no",
        "# input delay: OpenSTA 2.0.17 rejects one there ('invalid command name",
        "# \"NULL\"'), which used to abort the rest of this file in power runs.",
        "set ins_d {}",
        "foreach p $ins { if {![string match {*.i} [get_full_name $p]]} { lappend ins_d $p } }",
        "if {[llength $ins_d]} { set_input_delay 0 -clock clk $ins_d }",
        "set_driving_cell -lib_cell DFF_X1 -from_pin CK -pin Q $ins",
        "set_output_delay 0 -clock clk [all_outputs]",
        f"set_load {dff_d_cap} [all_outputs]",
        "# The asynchronous reset, like the clock, is distributed by a buffer tree",
        "# built in physical design: ideal here (0 ns, 0 slew at the port; the",
        "# recovery/removal checks of the flip-flops still apply).",
        "if {[llength $rst_port]} {",
        "  set_input_delay 0 -clock clk $rst_port",
        "  set_input_transition 0 $rst_port",
        "}",
    ]
    open(path, "w").write("\n".join(lines) + "\n")


def sta_netlists(block, outdir, results, power=False):
    """Liberty macro files and netlists OpenSTA reads for a block."""
    libs, nets = [], []
    if power and block.get("hier"):
        # Flat power netlist (synth_power_flat) with the SRAM macro cells.
        if os.path.exists(os.path.join(outdir, "macros.lib")):
            libs.append(os.path.join(outdir, "macros.lib"))
        return libs, [os.path.join(outdir, "netlist_power.v")]
    if os.path.exists(os.path.join(outdir, "netlist_hier.v")):
        for key in sorted(results.get("sub_blocks", {})):
            nets.append(os.path.join(os.path.dirname(outdir), "_sub", key, "netlist_sub.v"))
        if os.path.exists(os.path.join(outdir, "macros.lib")):
            libs.append(os.path.join(outdir, "macros.lib"))
        nets.append(os.path.join(outdir, "netlist_hier.v"))
    else:
        nets.append(os.path.join(outdir, "netlist_power.v" if power else "netlist.v"))
    return libs, nets


def timing_block(block, lib, outdir, period_ns, dff_d_cap, result):
    has_clock = "clk_i" in open(os.path.join(outdir, "netlist.v")).read()
    write_sdc(f"{outdir}/constraints.sdc", period_ns, has_clock, dff_d_cap)
    libs, nets = sta_netlists(block, outdir, result)
    tcl = [f"read_liberty {lib}"] + [f"read_liberty {m}" for m in libs]
    tcl += [f"read_verilog {n}" for n in nets]
    tcl += [f"link_design {block['top']}", f"read_sdc {outdir}/constraints.sdc",
            "report_checks -path_delay max -digits 3 -fields {fanout cap slew}",
            "puts \"BF_WNS [sta::worst_slack -max]\""]
    open(f"{outdir}/timing.tcl", "w").write("\n".join(tcl) + "\n")
    out = run(["sta", "-no_splash", "-exit", f"{outdir}/timing.tcl"], f"{outdir}/timing.rpt")
    err = re.search(r"^Error.*$", out, re.M)
    if err:
        raise RuntimeError(f"OpenSTA: {err.group(0)} (see {outdir}/timing.rpt)")
    m = re.search(r"BF_WNS (\S+)", out)
    if not m:
        raise RuntimeError(f"no worst slack in {outdir}/timing.rpt")
    wns = float(m.group(1))
    if wns > 1e30:   # no constrained path
        return {"wns_ns": None, "fmax_mhz": None, "meets": True}
    return {"wns_ns": round(wns, 4), "fmax_mhz": round(1000.0 / (period_ns - wns), 1),
            "meets": wns >= 0.0}


# ---------------------------------------------------------------- power
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


def power_run(block, lib, libcells, outdir, period_ns, workload, a, w, cycles, seed, act_bin):
    tag = f"{workload}_{a}x{w}"
    pdir = os.path.join(outdir, "power")
    os.makedirs(pdir, exist_ok=True)
    vcd = os.path.join(pdir, f"{tag}.vcd")
    act = os.path.join(pdir, f"{tag}.act")
    out = run([act_bin, block["power"]["driver"], workload, str(a), str(w), str(cycles), str(seed), vcd],
              os.path.join(pdir, f"{tag}.sim.log"))
    m = re.search(r"cycles=(\d+) macs=(\d+)", out)
    sim_cycles, macs = int(m.group(1)), int(m.group(2))
    run([sys.executable, os.path.join(SYNTH, "vcd2activity.py"), vcd, act], os.path.join(pdir, f"{tag}.conv.log"))
    os.remove(vcd)   # large; the .act file keeps what the flow uses
    loads_tcl = os.path.join(pdir, "loads.tcl")
    if not os.path.exists(loads_tcl):
        loads = cut_loads(os.path.join(outdir, "netlist_power.v"), libcells)
        with open(loads_tcl, "w") as f:
            f.write("# Load of each cut register output: the input pins it drove.\n")
            for k, v in sorted(loads.items()):
                f.write(f"set BF_LOAD({{{k}}}) {v:.6f}\n")
    libs, nets = sta_netlists(block, outdir, {}, power=True)
    tcl = [f"read_liberty {lib}"] + [f"read_liberty {m}" for m in libs]
    tcl += [f"read_verilog {n}" for n in nets]
    tcl += [f"link_design {block['top']}", f"read_sdc {outdir}/constraints.sdc",
            f"source {loads_tcl}",
            f"source {os.path.join(SYNTH, 'power.tcl')}",
            f"bf_apply_activity {act}",
            "report_power -digits 6"]
    ptcl = os.path.join(pdir, f"{tag}.tcl")
    open(ptcl, "w").write("\n".join(tcl) + "\n")
    rep = run(["sta", "-no_splash", "-exit", ptcl], os.path.join(pdir, f"{tag}.rpt"))
    m = re.search(r"BF_ACT matched (\d+) missing (\d+)", rep)
    t = re.search(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", rep, re.M)
    if not t:
        raise RuntimeError(f"no power total in {pdir}/{tag}.rpt")
    internal, switching, leakage, total = (float(x) for x in t.groups())
    macs_per_cycle = macs / sim_cycles
    res = {"workload": workload, "a": a, "w": w, "cycles": sim_cycles, "macs_per_cycle": macs_per_cycle,
           "internal_mw": internal * 1e3, "switching_mw": switching * 1e3, "leakage_mw": leakage * 1e3,
           "total_mw": total * 1e3,
           "inputs_annotated": int(m.group(1)) if m else None,
           "inputs_missing": int(m.group(2)) if m else None}
    c = re.search(r"BF_ACT_CUT matched (\d+) of (\d+)", rep)
    if c:
        res["cut_matched"], res["cut_ports"] = int(c.group(1)), int(c.group(2))
    s = re.search(r"^sram (.*)$", out, re.M)
    if s:
        # Array tiles: buffer energy from the access counts of the window
        # (32-bit words) x the CACTI energies per bit of synth/sram45.json,
        # spread over the window: mW = pJ / ns.
        counts = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", s.group(1))}
        epb = json.load(open(os.path.join(SYNTH, "sram45.json")))["energy_pj_per_bit"]
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
    res["energy_per_mac_pj"] = res["total_mw"] * period_ns / macs_per_cycle
    return res


# ---------------------------------------------------------------- reports
def sram_area(config):
    table = json.load(open(os.path.join(SYNTH, "sram45.json")))
    cfg = json.load(open(os.path.join(REPO, "configs", f"{config}.json")))
    kb = cfg["wbuf_kb"] + cfg["ibuf_kb"] + cfg["obuf_kb"]
    return kb * table["area_um2_per_kb"], kb


def write_reports(out, results, period_ns, elapsed, nand2, subs):
    keep = ("area_um2", "cells", "breakdown_um2", "wns_ns", "fmax_mhz", "meets", "params", "module")
    json.dump({"clock_mhz": round(1000 / period_ns, 3), "nand2_um2": nand2, "run_seconds": round(elapsed, 1),
               "blocks": results,
               "sub_blocks": {k: {x: v.get(x) for x in keep} for k, v in sorted(subs.items())}},
              open(os.path.join(out, "ppa.json"), "w"), indent=1)
    cats = sorted({c for r in results.values() for c in r.get("breakdown_um2", {})})
    with open(os.path.join(out, "ppa.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["block", "top", "area_um2", "nand2_eq", "cells", "wns_ns", "fmax_mhz", "meets_clock"] +
                    [f"{c}_um2" for c in cats] + ["sram_kb", "sram_area_um2"])
        for name, r in results.items():
            if "area_um2" not in r:
                continue
            wr.writerow([name, r["top"], f"{r['area_um2']:.1f}", f"{r['nand2_eq']:.0f}", r["cells"],
                         r.get("wns_ns"), r.get("fmax_mhz"), r.get("meets")] +
                        [f"{r['breakdown_um2'].get(c, 0.0):.1f}" for c in cats] +
                        [r.get("sram_kb", ""), r.get("sram_area_um2", "")])
    with open(os.path.join(out, "power.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["block", "workload", "a", "w", "macs_per_cycle", "internal_mw", "switching_mw",
                     "leakage_mw", "total_mw", "energy_per_mac_pj", "sram_mw"])
        for name, r in results.items():
            for p in r.get("power", []):
                wr.writerow([name, p["workload"], p["a"], p["w"], f"{p['macs_per_cycle']:.3f}",
                             f"{p['internal_mw']:.4f}", f"{p['switching_mw']:.4f}", f"{p['leakage_mw']:.5f}",
                             f"{p['total_mw']:.4f}", f"{p['energy_per_mac_pj']:.4f}",
                             f"{p['sram_mw']:.4f}" if "sram_mw" in p else ""])
    md = [f"# Synthesis summary ({round(1000 / period_ns)} MHz, typical corner)", "",
          "| block | logic area um^2 | NAND2-eq | cells | worst slack ns | fmax MHz | meets | " +
          " | ".join(cats) + " | SRAM um^2 |", "|---" * (8 + len(cats)) + "|"]
    for name, r in results.items():
        if "area_um2" not in r:
            md.append(f"| {name} | skipped: {r.get('skipped', '')} |")
            continue
        sram = f"{r['sram_area_um2']:.0f}" if r.get("sram_area_um2") else ""
        md.append(f"| {name} | {r['area_um2']:.1f} | {r['nand2_eq']:.0f} | {r['cells']} | {r.get('wns_ns')} | "
                  f"{r.get('fmax_mhz')} | {'yes' if r.get('meets') else 'NO'} | " +
                  " | ".join(f"{r['breakdown_um2'].get(c, 0.0):.1f}" for c in cats) + f" | {sram} |")
    hier = [(n, r) for n, r in results.items() if r.get("sub_blocks")]
    if hier:
        md += ["", "Hierarchical blocks: logic area = top + sum of instances x sub-block; SRAM macros "
               "(synth/sram45.json) listed apart.", "",
               "| block | part | instances | area um^2 each | worst slack ns (alone) |", "|---|---|---|---|---|"]
        for n, r in hier:
            md.append(f"| {n} | top (edges, control, shift registers) | 1 | {r['area_top_um2']:.1f} | |")
            for k, v in r["sub_blocks"].items():
                md.append(f"| {n} | {k} | {v['instances']} | {v['area_um2']:.1f} | {v['wns_ns']} |")
            if r.get("sram_banks"):
                md.append(f"| {n} | SRAM macros ({r['sram_kb']:g} KB) | {r['sram_banks']} | "
                          f"{r['sram_area_um2'] / r['sram_banks']:.1f} | |")
    pw = [(n, p) for n, r in results.items() for p in r.get("power", [])]
    if pw:
        md += ["", "| block | workload | A x W | MAC/cycle | internal mW | switching mW | leakage mW | SRAM mW | "
               "total mW | pJ/MAC |", "|---|---|---|---|---|---|---|---|---|---|"]
        for n, p in pw:
            sram = f"{p['sram_mw']:.3f}" if "sram_mw" in p else ""
            md.append(f"| {n} | {p['workload']} | {p['a']}x{p['w']} | {p['macs_per_cycle']:.0f} | "
                      f"{p['internal_mw']:.3f} | {p['switching_mw']:.3f} | {p['leakage_mw']:.4f} | {sram} | "
                      f"{p['total_mw']:.3f} | {p['energy_per_mac_pj']:.3f} |")
        if any("sram_mw" in p for _, p in pw):
            md += ["", "Array tiles: internal/switching/leakage are the logic (OpenSTA, flat power netlist); "
                   "SRAM mW = buffer accesses in the window x synth/sram45.json energies / window time; "
                   "total = logic + SRAM (docs/ppa_array_power.md)."]
    md += ["", f"Flow run time: {elapsed:.0f} s."]
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")


def charts(out, results):
    if not shutil.which("gnuplot"):
        log("gnuplot not found: no charts")
        return
    cdir = os.path.join(out, "charts")
    os.makedirs(cdir, exist_ok=True)
    # Area breakdown: ours vs the paper's Fusion Unit split.
    cats = ["bitbricks", "shift_add", "control", "registers", "multiplier"]
    rows = [("paper FU", {"bitbricks": 369.2, "shift_add": 933.7, "registers": 90.8})]
    for n in ("fusion_unit", "temporal_fu", "mul8"):
        if n in results and "breakdown_um2" in results[n]:
            rows.append((n, results[n]["breakdown_um2"]))
    with open(os.path.join(cdir, "area.dat"), "w") as f:
        f.write("block " + " ".join(cats) + "\n")
        for n, b in rows:
            f.write(f"\"{n}\" " + " ".join(f"{b.get(c, 0.0):.1f}" for c in cats) + "\n")
    gp = f"""set terminal svg size 720,420 font "Sans,11"
set output '{cdir}/area_breakdown.svg'
set title 'Area breakdown at 45 nm (um^2)'
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set ylabel 'um^2'
set key outside right
plot for [i=2:{len(cats) + 1}] '{cdir}/area.dat' using i:xtic(1) title columnhead(i)
"""
    # Energy per MAC by width pair.
    series = [n for n in ("fusion_unit", "temporal_fu", "mul8") if results.get(n, {}).get("power")]
    with open(os.path.join(cdir, "energy.dat"), "w") as f:
        f.write("pair " + " ".join(series) + "\n")
        for a, w in WIDTHS:
            vals = []
            for n in series:
                p = [x for x in results[n]["power"] if x["workload"] == "random" and x["a"] == a and x["w"] == w]
                vals.append(f"{p[0]['energy_per_mac_pj']:.4f}" if p else "NaN")
            f.write(f"{a}x{w} " + " ".join(vals) + "\n")
    if series:
        gp += f"""
set output '{cdir}/energy_per_mac.svg'
set title 'Energy per MAC, random operands, 500 MHz (pJ, log scale)'
set style histogram clustered gap 1
set logscale y
set ylabel 'pJ / MAC'
set xlabel 'activation x weight bits'
plot for [i=2:{len(series) + 1}] '{cdir}/energy.dat' using i:xtic(1) title columnhead(i)
"""
    # Array area per Fusion Unit / PE: logic by category and SRAM macros.
    arrays = [(n, r) for n, r in results.items() if "breakdown_um2" in r and r.get("params", {}).get("Rows")]
    if arrays:
        acats = ["bitbricks", "multiplier", "shift_add", "accumulators", "control", "registers"]
        with open(os.path.join(cdir, "array_area.dat"), "w") as f:
            f.write("block " + " ".join(acats) + " sram\n")
            for n, r in arrays:
                k = r["params"]["Rows"] * r["params"]["Cols"]
                b = r["breakdown_um2"]
                # The breakdown comes from a hierarchical run; scale it to
                # the flat/composed logic area so the bars add up to it.
                scale = r["area_um2"] / max(sum(b.values()), 1e-9)
                f.write(f"\"{n}\" " + " ".join(f"{b.get(c, 0.0) * scale / k:.1f}" for c in acats) +
                        f" {r.get('sram_area_um2', 0.0) / k:.1f}\n")
        gp += f"""
unset logscale y
unset xlabel
set output '{cdir}/array_area.svg'
set title 'Array area per Fusion Unit / PE at 45 nm (um^2; SRAM from the macro table)'
set style histogram rowstacked
set ylabel 'um^2 per FU'
plot for [i=2:{len(acats) + 2}] '{cdir}/array_area.dat' using i:xtic(1) title columnhead(i)
"""
    open(os.path.join(cdir, "charts.gp"), "w").write(gp)
    subprocess.run(["gnuplot", os.path.join(cdir, "charts.gp")], check=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", required=True, help="Liberty file (.lib or .lib.gz)")
    ap.add_argument("--out", required=True, help="output folder (e.g. build/synth)")
    ap.add_argument("--blocks", default="", help="comma-separated block names (default: all)")
    ap.add_argument("--quick", action="store_true", help="only the blocks marked quick, no power")
    ap.add_argument("--freq-mhz", type=float, default=0.0, help="clock (default: configs/bf16x32.json)")
    ap.add_argument("--cycles", type=int, default=2000, help="simulated cycles per power run")
    ap.add_argument("--activity-bin", default="", help="bf_activity program (no power without it)")
    ap.add_argument("--config", default="",
                    help="a configuration (configs/ name or .json file): --blocks then names templates of "
                         "blocks.json (e.g. 'array': bf_array_top with array_16x32's settings), synthesized "
                         "for it as blocks named <template>_<shape>, e.g. array_r16c32_w64i32o16_d192")
    args = ap.parse_args()
    t0 = time.time()
    if not os.path.exists(args.lib):
        sys.exit(f"synth: error: Liberty file not found: {args.lib} (set LIB=...; see docs/ppa.md)")
    freq = args.freq_mhz or json.load(open(os.path.join(REPO, "configs", "bf16x32.json")))["freq_mhz"]
    period = 1000.0 / freq
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    lib = os.path.join(out, "lib", os.path.basename(args.lib).removesuffix(".gz"))
    os.makedirs(os.path.dirname(lib), exist_ok=True)
    if not os.path.exists(lib) or os.path.getmtime(lib) < os.path.getmtime(args.lib):
        opener = gzip.open if args.lib.endswith(".gz") else open
        with opener(args.lib, "rb") as src, open(lib, "wb") as dst:
            shutil.copyfileobj(src, dst)
    libcells = parse_liberty(lib)
    nand2 = libcells["NAND2_X1"]["area"]
    dff_d_cap = libcells["DFF_X1"]["pins"]["D"][1]
    try:
        raw = json.load(open(os.path.join(SYNTH, "blocks.json")))
        blocks = [resolve_block(b) for b in json.loads(json.dumps(raw["blocks"]))]
    except (ValueError, KeyError, OSError) as e:
        sys.exit(f"synth: error: synth/blocks.json: {e}")
    wanted = [b for b in args.blocks.split(",") if b]
    if args.config:
        blocks = config_blocks(raw, args.config, wanted)
    elif wanted:
        names = {b["name"] for b in blocks}
        for n in wanted:
            if n not in names:
                sys.exit(f"synth: error: unknown block '{n}' (see synth/blocks.json)")
        need = set(wanted)
        blocks = [b for b in blocks if b["name"] in need]
    elif args.quick:
        blocks = [b for b in blocks if b.get("quick")]
    else:
        # Blocks that take many minutes run only when named (--blocks).
        for b in blocks:
            if b.get("on_request"):
                log(f"{b['name']}: not in the default run (synth/run.sh --blocks {b['name']})")
        blocks = [b for b in blocks if not b.get("on_request")]
    results = {}
    subcache = {}   # distinct (module, parameters) of hierarchical blocks
    failed = []
    for b in blocks:
        name = b["name"]
        bdir = os.path.join(out, name)
        r = {"top": b["top"], "params": b.get("params", {}), "baseline": b.get("baseline", False)}
        missing = [f for f in b["files"] if not os.path.exists(os.path.join(REPO, f))]
        if missing:
            if b.get("optional"):
                r["skipped"] = "missing " + ", ".join(missing)
                results[name] = r
                log(f"{name}: skipped ({r['skipped']})")
                continue
            sys.exit(f"synth: error: {name}: missing {missing}")
        tb = time.time()
        try:
            r.update(synth_block(b, lib, libcells, bdir, period, subcache))
            r.update(timing_block(b, lib, bdir, period, dff_d_cap, r))
        except RuntimeError as e:
            if b.get("optional"):
                r = {"top": b["top"], "params": b.get("params", {}), "baseline": b.get("baseline", False),
                     "skipped": "synthesis failed: " + str(e).splitlines()[0]}
                results[name] = r
                log(f"{name}: skipped ({r['skipped']})")
                continue
            failed.append(name)
            log(f"{name}: FAILED: {e}")
            continue
        r["nand2_eq"] = r["area_um2"] / nand2
        if b.get("buffers"):
            a, kb = sram_area(b["buffers"])
            r["sram_kb"] = kb
            r["sram_area_um2"] = a
        r["synth_seconds"] = round(time.time() - tb, 1)
        log(f"{name}: {r['area_um2']:.1f} um^2 ({r['nand2_eq']:.0f} NAND2), {r['cells']} cells, "
            f"slack {r['wns_ns']} ns, fmax {r['fmax_mhz']} MHz ({r['synth_seconds']} s)")
        if b.get("power") and args.activity_bin and not args.quick:
            if b.get("hier"):
                tp = time.time()
                r["power_netlist_cells"] = synth_power_flat(b, lib, bdir, period)
                r["power_synth_seconds"] = round(time.time() - tp, 1)
                log(f"{name}: flat power netlist, {r['power_netlist_cells']} cells ({r['power_synth_seconds']} s)")
                shutil.rmtree(os.path.join(bdir, "power"), ignore_errors=True)   # stale loads.tcl
            r["power"] = []
            runs = [("random", a, w) for a, w in WIDTHS] + [("lenet_conv1", 2, 2)]
            for i, (wl, a, w) in enumerate(runs):
                p = power_run(b, lib, libcells, bdir, period, wl, a, w, args.cycles, 1000 + i, args.activity_bin)
                r["power"].append(p)
                extra = ""
                if "sram_mw" in p:
                    extra = (f" (logic {p['logic_mw']:.3f} + SRAM {p['sram_mw']:.3f}; registers annotated "
                             f"{p.get('cut_matched')}/{p.get('cut_ports')})")
                log(f"{name}: {wl} {a}x{w}: {p['total_mw']:.3f} mW{extra}, {p['energy_per_mac_pj']:.3f} pJ/MAC")
        results[name] = r
    elapsed = time.time() - t0
    write_reports(out, results, period, elapsed, nand2, subcache)
    if not args.quick and not args.config:
        charts(out, results)
    log(f"done in {elapsed:.0f} s: {out}/summary.md, ppa.json, ppa.csv, power.csv")
    if failed:
        sys.exit(f"synth: error: failed blocks: {', '.join(failed)}")


if __name__ == "__main__":
    main()
