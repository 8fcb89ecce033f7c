#!/usr/bin/env python3
"""Resolves file sets of the RTL manifest (rtl/files.json).

    scripts/rtl_files.py SET [SET ...]          paths, one per line, in compile order
    scripts/rtl_files.py --cmake SET [SET ...]  the same as a CMake list (a;b;c)
    scripts/rtl_files.py --abs ...              absolute paths
    scripts/rtl_files.py --list                 the set names

Every tool reads the RTL file lists through this script (or the
bf_rtl_files() CMake function, which calls it), so a file is listed once.
Errors (unknown set, cycle, missing file) are one line on stderr, exit 2.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "rtl", "files.json")


def load(path=MANIFEST):
    with open(path) as f:
        return json.load(f)["sets"]


def resolve(sets, names):
    out, seen = [], set()

    def visit(name, stack):
        if name not in sets:
            raise ValueError(f"rtl/files.json: unknown file set '{name}'")
        if name in stack:
            raise ValueError(f"rtl/files.json: file set '{name}' includes itself")
        for item in sets[name]:
            if item.startswith("@"):
                visit(item[1:], stack + [name])
            elif item not in seen:
                if not os.path.isfile(os.path.join(ROOT, item)):
                    raise ValueError(f"rtl/files.json: set '{name}' lists missing file '{item}'")
                seen.add(item)
                out.append(item)

    for n in names:
        visit(n, [])
    return out


def main(argv):
    cmake = "--cmake" in argv
    absolute = "--abs" in argv
    names = [a for a in argv if not a.startswith("--")]
    try:
        sets = load()
        if "--list" in argv:
            print("\n".join(sorted(sets)))
            return 0
        if not names:
            raise ValueError("usage: rtl_files.py [--cmake] [--abs] SET [SET ...]")
        files = resolve(sets, names)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        print(f"rtl_files: error: {e}", file=sys.stderr)
        return 2
    if absolute:
        files = [os.path.join(ROOT, f) for f in files]
    print(";".join(files) if cmake else "\n".join(files))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
