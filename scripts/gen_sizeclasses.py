#!/usr/bin/env python3
"""Generate profiler/sizeclasses.json from the Go toolchain's own size-class source.

Reads ``$(go env GOROOT)/src/internal/runtime/gc/sizeclasses.go`` (the file the
runtime's allocator is compiled from) and writes the constants and tables the
replayer needs. Usage::

    python scripts/gen_sizeclasses.py [--goroot DIR] [--out profiler/sizeclasses.json]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

REL = "src/internal/runtime/gc/sizeclasses.go"
TABLES = ("SizeClassToSize", "SizeClassToNPages", "SizeToSizeClass8", "SizeToSizeClass128")
CONSTS = ("MinHeapAlign", "MaxSmallSize", "SmallSizeDiv", "SmallSizeMax", "LargeSizeDiv",
          "NumSizeClasses", "PageShift", "MaxObjsPerSpan", "MaxSizeClassNPages", "TinySize",
          "TinySizeClass")


def goroot() -> Path:
    out = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def go_version(root: Path) -> str:
    vf = root / "VERSION"
    return vf.read_text().splitlines()[0].strip() if vf.exists() else "unknown"


def parse(src: str) -> dict:
    consts = {}
    for name in CONSTS:
        m = re.search(rf"^\s*{name}\s*=\s*(\d+)\s*$", src, re.M)
        if not m:
            raise SystemExit(f"constant {name} not found in sizeclasses.go")
        consts[name] = int(m.group(1))
    tables = {}
    for name in TABLES:
        m = re.search(rf"^var {name} = \[[^\]]*\]\w+\{{([^}}]*)\}}", src, re.M)
        if not m:
            raise SystemExit(f"table {name} not found in sizeclasses.go")
        tables[name] = [int(x) for x in m.group(1).replace(" ", "").split(",") if x]
    n = consts["NumSizeClasses"]
    if len(tables["SizeClassToSize"]) != n or len(tables["SizeClassToNPages"]) != n:
        raise SystemExit("size-class tables do not have NumSizeClasses entries")
    page = 1 << consts["PageShift"]
    sizes, npages = tables["SizeClassToSize"], tables["SizeClassToNPages"]
    objects = [0] + [npages[c] * page // sizes[c] for c in range(1, n)]
    return {"constants": consts, **tables, "ObjectsPerSpan": objects}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goroot", type=Path, default=None)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent.parent / "profiler" / "sizeclasses.json")
    a = ap.parse_args(argv)
    root = a.goroot or goroot()
    data = parse((root / REL).read_text())
    data = {"source": REL, "go_version": go_version(root), **data}
    lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in data.items()]
    a.out.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {a.out} from {root / REL} ({data['go_version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
