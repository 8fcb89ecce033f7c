"""Reports of a flow run: OUT/ppa.json (every figure), ppa.csv (one row per
block), power.csv (one row per power run), summary.md (the tables of
docs/ppa.md) and the gnuplot charts (OUT/charts/: area breakdown, energy
per MAC, array area per Fusion Unit / PE)."""
import csv
import json
import os
import shutil
import subprocess

from ppa.common import WIDTHS, log


def write_reports(out, results, period_ns, elapsed, nand2, subs):
    keep = ("area_um2", "cells", "breakdown_um2", "wns_ns", "fmax_mhz", "meets", "params", "module")
    json.dump({"clock_mhz": round(1000 / period_ns, 3), "nand2_um2": nand2, "run_seconds": round(elapsed, 1),
               "blocks": results,
               "sub_blocks": {k: {x: v.get(x) for x in keep} for k, v in sorted(subs.items())}},
              open(os.path.join(out, "ppa.json"), "w"), indent=1)
    cats = sorted({c for r in results.values() for c in r.get("breakdown_um2", {})})
    write_ppa_csv(os.path.join(out, "ppa.csv"), results, cats)
    write_power_csv(os.path.join(out, "power.csv"), results)
    md = summary_area(results, period_ns, cats) + summary_hier(results) + summary_power(results)
    md += ["", f"Flow run time: {elapsed:.0f} s."]
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")


def write_ppa_csv(path, results, cats):
    with open(path, "w", newline="") as f:
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


def write_power_csv(path, results):
    with open(path, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["block", "workload", "a", "w", "macs_per_cycle", "internal_mw", "switching_mw",
                     "leakage_mw", "total_mw", "energy_per_mac_pj", "sram_mw"])
        for name, r in results.items():
            for p in r.get("power", []):
                wr.writerow([name, p["workload"], p["a"], p["w"], f"{p['macs_per_cycle']:.3f}",
                             f"{p['internal_mw']:.4f}", f"{p['switching_mw']:.4f}", f"{p['leakage_mw']:.5f}",
                             f"{p['total_mw']:.4f}", f"{p['energy_per_mac_pj']:.4f}",
                             f"{p['sram_mw']:.4f}" if "sram_mw" in p else ""])


def summary_area(results, period_ns, cats):
    """summary.md: the area/timing table, one row per block."""
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
    return md


def summary_hier(results):
    """summary.md: the parts of the hierarchical blocks (if any)."""
    hier = [(n, r) for n, r in results.items() if r.get("sub_blocks")]
    if not hier:
        return []
    md = ["", "Hierarchical blocks: logic area = top + sum of instances x sub-block; SRAM macros "
          "(synth/sram45.json) listed apart.", "",
          "| block | part | instances | area um^2 each | worst slack ns (alone) |", "|---|---|---|---|---|"]
    for n, r in hier:
        md.append(f"| {n} | top (edges, control, shift registers) | 1 | {r['area_top_um2']:.1f} | |")
        for k, v in r["sub_blocks"].items():
            md.append(f"| {n} | {k} | {v['instances']} | {v['area_um2']:.1f} | {v['wns_ns']} |")
        if r.get("sram_banks"):
            md.append(f"| {n} | SRAM macros ({r['sram_kb']:g} KB) | {r['sram_banks']} | "
                      f"{r['sram_area_um2'] / r['sram_banks']:.1f} | |")
    return md


def summary_power(results):
    """summary.md: the power table, one row per power run (if any)."""
    pw = [(n, p) for n, r in results.items() for p in r.get("power", [])]
    if not pw:
        return []
    md = ["", "| block | workload | A x W | MAC/cycle | internal mW | switching mW | leakage mW | SRAM mW | "
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
    return md


# ---------------------------------------------------------------- charts
def charts(out, results):
    """OUT/charts/: the .dat files, charts.gp and gnuplot's SVGs."""
    if not shutil.which("gnuplot"):
        log("gnuplot not found: no charts")
        return
    cdir = os.path.join(out, "charts")
    os.makedirs(cdir, exist_ok=True)
    gp = chart_area(cdir, results) + chart_energy(cdir, results) + chart_array_area(cdir, results)
    open(os.path.join(cdir, "charts.gp"), "w").write(gp)
    subprocess.run(["gnuplot", os.path.join(cdir, "charts.gp")], check=False)


def chart_area(cdir, results):
    """Area breakdown: ours vs the paper's Fusion Unit split."""
    cats = ["bitbricks", "shift_add", "control", "registers", "multiplier"]
    rows = [("paper FU", {"bitbricks": 369.2, "shift_add": 933.7, "registers": 90.8})]
    for n in ("fusion_unit", "temporal_fu", "mul8"):
        if n in results and "breakdown_um2" in results[n]:
            rows.append((n, results[n]["breakdown_um2"]))
    with open(os.path.join(cdir, "area.dat"), "w") as f:
        f.write("block " + " ".join(cats) + "\n")
        for n, b in rows:
            f.write(f"\"{n}\" " + " ".join(f"{b.get(c, 0.0):.1f}" for c in cats) + "\n")
    return f"""set terminal svg size 720,420 font "Sans,11"
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


def chart_energy(cdir, results):
    """Energy per MAC by width pair (random operands)."""
    series = [n for n in ("fusion_unit", "temporal_fu", "mul8") if results.get(n, {}).get("power")]
    with open(os.path.join(cdir, "energy.dat"), "w") as f:
        f.write("pair " + " ".join(series) + "\n")
        for a, w in WIDTHS:
            vals = []
            for n in series:
                p = [x for x in results[n]["power"] if x["workload"] == "random" and x["a"] == a and x["w"] == w]
                vals.append(f"{p[0]['energy_per_mac_pj']:.4f}" if p else "NaN")
            f.write(f"{a}x{w} " + " ".join(vals) + "\n")
    if not series:
        return ""
    return f"""
set output '{cdir}/energy_per_mac.svg'
set title 'Energy per MAC, random operands, 500 MHz (pJ, log scale)'
set style histogram clustered gap 1
set logscale y
set ylabel 'pJ / MAC'
set xlabel 'activation x weight bits'
plot for [i=2:{len(series) + 1}] '{cdir}/energy.dat' using i:xtic(1) title columnhead(i)
"""


def chart_array_area(cdir, results):
    """Array area per Fusion Unit / PE: logic by category and SRAM macros."""
    arrays = [(n, r) for n, r in results.items() if "breakdown_um2" in r and r.get("params", {}).get("Rows")]
    if not arrays:
        return ""
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
    return f"""
unset logscale y
unset xlabel
set output '{cdir}/array_area.svg'
set title 'Array area per Fusion Unit / PE at 45 nm (um^2; SRAM from the macro table)'
set style histogram rowstacked
set ylabel 'um^2 per FU'
plot for [i=2:{len(acats) + 2}] '{cdir}/array_area.dat' using i:xtic(1) title columnhead(i)
"""
