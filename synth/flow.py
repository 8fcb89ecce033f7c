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
# The flow lives in synth/ppa/: common.py (paths, logging, running tools,
# Liberty parsing, blocks.json and configurations), yosys.py (synthesis,
# `stat` parsing, hierarchy, SRAM macros), sta.py (SDC, OpenSTA timing),
# power.py (activity-based power runs), report.py (summary.md, ppa.json,
# ppa.csv, power.csv, charts). This file: the command line and the loop
# over the blocks.
import argparse
import gzip
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ppa.common import REPO, load_blocks, log, parse_liberty, select_blocks, sram_area  # noqa: E402
from ppa.power import power_block  # noqa: E402
from ppa.report import charts, write_reports  # noqa: E402
from ppa.sta import timing_block  # noqa: E402
from ppa.yosys import synth_block  # noqa: E402


def parse_args():
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
    return ap.parse_args()


def prepare_lib(lib_arg, out):
    """The Liberty file, uncompressed into OUT/lib/ (again when the source
    is newer)."""
    lib = os.path.join(out, "lib", os.path.basename(lib_arg).removesuffix(".gz"))
    os.makedirs(os.path.dirname(lib), exist_ok=True)
    if not os.path.exists(lib) or os.path.getmtime(lib) < os.path.getmtime(lib_arg):
        opener = gzip.open if lib_arg.endswith(".gz") else open
        with opener(lib_arg, "rb") as src, open(lib, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return lib


def block_entry(b, **extra):
    return {"top": b["top"], "params": b.get("params", {}), "baseline": b.get("baseline", False), **extra}


def run_block(b, args, lib, libcells, out, period, subcache):
    """Synthesis, timing and (with --activity-bin) power of one block:
    (result, failed). Optional blocks with missing files or a failed run
    are skipped with a note; a missing file of another block exits."""
    name = b["name"]
    bdir = os.path.join(out, name)
    r = block_entry(b)
    missing = [f for f in b["files"] if not os.path.exists(os.path.join(REPO, f))]
    if missing:
        if b.get("optional"):
            r["skipped"] = "missing " + ", ".join(missing)
            log(f"{name}: skipped ({r['skipped']})")
            return r, False
        sys.exit(f"synth: error: {name}: missing {missing}")
    tb = time.time()
    try:
        r.update(synth_block(b, lib, libcells, bdir, period, subcache))
        r.update(timing_block(b, lib, bdir, period, libcells["DFF_X1"]["pins"]["D"][1], r))
    except RuntimeError as e:
        if b.get("optional"):
            r = block_entry(b, skipped="synthesis failed: " + str(e).splitlines()[0])
            log(f"{name}: skipped ({r['skipped']})")
            return r, False
        log(f"{name}: FAILED: {e}")
        return None, True
    r["nand2_eq"] = r["area_um2"] / libcells["NAND2_X1"]["area"]
    if b.get("buffers"):
        a, kb = sram_area(b["buffers"])
        r["sram_kb"] = kb
        r["sram_area_um2"] = a
    r["synth_seconds"] = round(time.time() - tb, 1)
    log(f"{name}: {r['area_um2']:.1f} um^2 ({r['nand2_eq']:.0f} NAND2), {r['cells']} cells, "
        f"slack {r['wns_ns']} ns, fmax {r['fmax_mhz']} MHz ({r['synth_seconds']} s)")
    if b.get("power") and args.activity_bin and not args.quick:
        power_block(b, lib, libcells, bdir, period, args.cycles, args.activity_bin, r)
    return r, False


def main():
    args = parse_args()
    t0 = time.time()
    if not os.path.exists(args.lib):
        sys.exit(f"synth: error: Liberty file not found: {args.lib} (set LIB=...; see docs/ppa.md)")
    freq = args.freq_mhz or json.load(open(os.path.join(REPO, "configs", "bf16x32.json")))["freq_mhz"]
    period = 1000.0 / freq
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    lib = prepare_lib(args.lib, out)
    libcells = parse_liberty(lib)
    raw, blocks = load_blocks()
    wanted = [b for b in args.blocks.split(",") if b]
    blocks = select_blocks(raw, blocks, wanted, args.config, args.quick)
    results = {}
    subcache = {}   # distinct (module, parameters) of hierarchical blocks
    failed = []
    for b in blocks:
        r, fail = run_block(b, args, lib, libcells, out, period, subcache)
        if fail:
            failed.append(b["name"])
        else:
            results[b["name"]] = r
    elapsed = time.time() - t0
    write_reports(out, results, period, elapsed, libcells["NAND2_X1"]["area"], subcache)
    if not args.quick and not args.config:
        charts(out, results)
    log(f"done in {elapsed:.0f} s: {out}/summary.md, ppa.json, ppa.csv, power.csv")
    if failed:
        sys.exit(f"synth: error: failed blocks: {', '.join(failed)}")


if __name__ == "__main__":
    main()
