"""Shared pieces of the synthesis flow: repository paths, logging, running
a tool with its output in a log file, Liberty parsing, and resolving the
blocks of synth/blocks.json (RTL file sets of rtl/files.json, named
configurations of configs/, `--config` templates)."""
import json
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYNTH = os.path.join(REPO, "synth")
sys.path.insert(0, os.path.join(REPO, "scripts"))
import rtl_files  # noqa: E402  the RTL manifest (rtl/files.json)

# Verilog parameters of the array / top level from a named configuration
# (configs/<name>.json), the one source of the numbers.
CONFIG_PARAMS = {"Rows": "rows", "Cols": "cols", "WbufKb": "wbuf_kb", "IbufKb": "ibuf_kb",
                 "ObufKb": "obuf_kb", "DramBits": "dram_bits"}

# Activation x weight widths of the power runs and the energy chart.
WIDTHS = [(a, w) for a in (2, 4, 8) for w in (2, 4, 8)]


def log(msg):
    print(f"[synth] {msg}", flush=True)


def run(cmd, logfile, cwd=None):
    with open(logfile, "w") as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if r.returncode != 0:
        tail = open(logfile).read()[-2000:]
        raise RuntimeError(f"{cmd[0]} failed (see {logfile}):\n{tail}")
    return open(logfile).read()


def sram_table():
    """The SRAM macro table, synth/sram45.json."""
    return json.load(open(os.path.join(SYNTH, "sram45.json")))


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


# ---------------------------------------------------------------- blocks
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


def load_config_file(config):
    """(path, values) of a --config argument (a configs/ name or a .json
    file); exits with a message when it lacks an integer array setting."""
    path = config if (os.sep in config or config.endswith(".json")) else \
        os.path.join(REPO, "configs", config + ".json")
    try:
        cfg = json.load(open(path))
        missing = [v for v in CONFIG_PARAMS.values() if not isinstance(cfg.get(v), int)]
    except (ValueError, OSError) as e:
        sys.exit(f"synth: error: --config {config}: {e}")
    if missing:
        sys.exit(f"synth: error: --config {config}: missing or non-integer {', '.join(missing)}")
    return path, cfg


def config_blocks(raw, config, wanted):
    """--config: each name of --blocks is a template of blocks.json
    ("templates": name -> block whose settings it reuses), instantiated for
    the configuration `config` (a configs/ name or a .json file) as a block
    named <name>_<shape> (power runs left out: they need a named driver)."""
    path, cfg = load_config_file(config)
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


def load_blocks():
    """(blocks.json as read, its blocks resolved); exits on a broken file."""
    try:
        raw = json.load(open(os.path.join(SYNTH, "blocks.json")))
        blocks = [resolve_block(b) for b in json.loads(json.dumps(raw["blocks"]))]
    except (ValueError, KeyError, OSError) as e:
        sys.exit(f"synth: error: synth/blocks.json: {e}")
    return raw, blocks


def select_blocks(raw, blocks, wanted, config, quick):
    """The blocks a run synthesizes: --config templates, --blocks names,
    the quick ones, or all but those marked on_request."""
    if config:
        return config_blocks(raw, config, wanted)
    if wanted:
        names = {b["name"] for b in blocks}
        for n in wanted:
            if n not in names:
                sys.exit(f"synth: error: unknown block '{n}' (see synth/blocks.json)")
        need = set(wanted)
        return [b for b in blocks if b["name"] in need]
    if quick:
        return [b for b in blocks if b.get("quick")]
    # Blocks that take many minutes run only when named (--blocks).
    for b in blocks:
        if b.get("on_request"):
            log(f"{b['name']}: not in the default run (synth/run.sh --blocks {b['name']})")
    return [b for b in blocks if not b.get("on_request")]


def sram_area(config):
    """(area um^2, KB) of the three buffers of a named configuration, from
    the macro table (baseline blocks with `buffers`)."""
    table = sram_table()
    cfg = json.load(open(os.path.join(REPO, "configs", f"{config}.json")))
    kb = cfg["wbuf_kb"] + cfg["ibuf_kb"] + cfg["obuf_kb"]
    return kb * table["area_um2_per_kb"], kb
