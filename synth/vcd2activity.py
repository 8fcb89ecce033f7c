#!/usr/bin/env python3
"""Turns a VCD file from bf_activity into per-bit switching activities.

Output lines: `<name> <activity> <duty>`, one per signal bit of the top
module's scope and below, where
  name      the hierarchical name as Yosys writes it after flattening:
            scopes below the top module joined with '.', then `[bit]` for
            vectors (e.g. `u_core.sum_q[3]`, `act_i[0]`)
  activity  transitions per clock cycle (OpenSTA's unit)
  duty      fraction of the recorded time the bit was 1
The clock (clk_i) is skipped: OpenSTA derives its activity from the SDC.
Only the Python standard library is used.
"""
import sys


def parse(path, clock="clk_i"):
    scopes = []
    sigs = {}      # id -> list of (name, width, msb, lsb)
    values = {}    # id -> current value string
    toggles = {}   # (id, bit) -> count
    high = {}      # (id, bit) -> time units at 1
    last_t = {}    # id -> time of last change
    t = 0
    t0 = None
    clk_rises = 0
    clk_id = None
    with open(path) as f:
        in_defs = True
        for line in f:
            tok = line.split()
            if not tok:
                continue
            if in_defs:
                if tok[0] == "$scope":
                    scopes.append(tok[2])
                elif tok[0] == "$upscope":
                    scopes.pop()
                elif tok[0] == "$var":
                    width, ident, ref = int(tok[2]), tok[3], tok[4]
                    rng = tok[5] if len(tok) > 6 and tok[5].startswith("[") else ""
                    # scopes[0] is TOP, scopes[1] the top module: keep what is below.
                    if len(scopes) < 2:
                        continue
                    name = ".".join(scopes[2:] + [ref])
                    msb, lsb = 0, 0
                    if rng:
                        parts = rng.strip("[]").split(":")
                        msb = int(parts[0])
                        lsb = int(parts[1]) if len(parts) > 1 else msb
                    sigs.setdefault(ident, []).append((name, width, msb, lsb, bool(rng)))
                    if len(scopes) == 2 and ref == clock:
                        clk_id = ident
                elif tok[0] == "$enddefinitions":
                    in_defs = False
                continue
            c = tok[0][0]
            if c == "#":
                t = int(tok[0][1:])
                if t0 is None:
                    t0 = t
                continue
            if c in "01xz" and len(tok) == 1:
                val, ident = tok[0][0], tok[0][1:]
            elif c == "b":
                val, ident = tok[0][1:], tok[1]
            else:
                continue
            if ident not in sigs:
                continue
            width = sigs[ident][0][1]
            val = val.replace("x", "0").replace("z", "0").rjust(width, "0")[-width:]
            old = values.get(ident)
            if ident == clk_id and old == "0" and val == "1":
                clk_rises += 1
            if old is not None:
                dt = t - last_t[ident]
                for b in range(width):
                    ob = old[width - 1 - b]
                    if ob == "1":
                        high[(ident, b)] = high.get((ident, b), 0) + dt
                    if ob != val[width - 1 - b]:
                        toggles[(ident, b)] = toggles.get((ident, b), 0) + 1
            values[ident] = val
            last_t[ident] = t
    t_end = t + 1  # the last dump lasts one time unit (half a cycle)
    for ident, val in values.items():
        dt = t_end - last_t[ident]
        width = len(val)
        for b in range(width):
            if val[width - 1 - b] == "1":
                high[(ident, b)] = high.get((ident, b), 0) + dt
    total = t_end - (t0 or 0)
    cycles = max(1, total // 2)
    out = {}
    for ident, names in sigs.items():
        if ident == clk_id:
            continue
        width = names[0][1]
        for name, _, msb, lsb, is_vec in names:
            for b in range(width):
                bit = lsb + b if msb >= lsb else lsb - b
                full = f"{name}[{bit}]" if is_vec else name
                out[full] = (toggles.get((ident, b), 0) / cycles, high.get((ident, b), 0) / total)
                if is_vec and width == 1:
                    # A [0:0] vector: Yosys names the bit without an index.
                    out[name] = out[full]
    return out, cycles


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: vcd2activity.py IN.vcd OUT.act")
    acts, cycles = parse(sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write(f"# {len(acts)} bits, {cycles} cycles, from {sys.argv[1]}\n")
        for name in sorted(acts):
            a, d = acts[name]
            f.write(f"{name} {a:.6f} {d:.6f}\n")


if __name__ == "__main__":
    main()
