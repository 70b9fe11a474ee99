#!/usr/bin/env python3
"""Static estimates (`goperf profile estimate`) beside a recorded run of the same benchmarks.

    python bench/static_vs_recorded.py [--benchtime 300x] [--json]

For examples/inventory: `go test -bench . -benchmem` on a copy, before and after
`goperf lint --fix --unsafe-fixes`; the static estimate of each benchmark on the original
source and on the fixed source (`--apply-fixes` computes the same thing in memory); and the
predicted vs measured saving per benchmark. Needs the Go toolchain.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "inventory"
LINE = re.compile(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op", re.M)


def bench(folder: Path, benchtime: str) -> dict[str, tuple[int, int]]:
    p = subprocess.run(["go", "test", "-run", "^$", "-bench", ".", "-benchmem", f"-benchtime={benchtime}"],
                       cwd=folder, capture_output=True, text=True, check=True)
    return {m[1]: (int(m[2]), int(m[3])) for m in LINE.finditer(p.stdout)}


def static(sources=None, ops=50) -> dict[str, dict]:
    from goperf.profiler.estimate import estimate
    from goperf.profiler.replay import replay
    out = {}
    for name in ("SKUs", "Index", "CSV", "Labels", "ValidSKUs", "Normalize"):
        e = estimate(str(EXAMPLE / "inventory_test.go"), f"Benchmark{name}", {"ops": ops}, sources=sources)
        t = replay(e.trace).totals()
        out[name] = {"B/op": t["heap_bytes"] / e.ops, "allocs/op": t["objects"] / e.ops,
                     "assumed": e.assumed, "unmodelled": e.unmodelled}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchtime", default="300x")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from goperf.profiler.estimate import fixed_sources
    t0 = time.perf_counter()
    st_before = static()
    src, applied = fixed_sources(EXAMPLE)
    st_after = static(src)
    static_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        work = Path(d) / "inventory"
        shutil.copytree(EXAMPLE, work)
        rt_before = bench(work, a.benchtime)
        subprocess.run([sys.executable, "-m", "goperf.cli.main", "lint", "--fix", "--unsafe-fixes", "."],
                       cwd=work, capture_output=True, text=True)
        rt_after = bench(work, a.benchtime)
    rows = []
    for name in st_before:
        (rb0, ra0), (rb1, ra1) = rt_before[name], rt_after[name]
        sb, sa = st_before[name], st_after[name]
        rows.append({"benchmark": name, "runtime_B_op": rb0, "static_B_op": sb["B/op"],
                     "runtime_allocs_op": ra0, "static_allocs_op": sb["allocs/op"],
                     "runtime_B_op_fixed": rb1, "static_B_op_fixed": sa["B/op"],
                     "runtime_allocs_op_fixed": ra1, "static_allocs_op_fixed": sa["allocs/op"],
                     "allocs_saved_runtime": ra0 - ra1, "allocs_saved_predicted": sb["allocs/op"] - sa["allocs/op"],
                     "B_saved_runtime": rb0 - rb1, "B_saved_predicted": sb["B/op"] - sa["B/op"],
                     "assumed": sb["assumed"]})
    if a.json:
        print(json.dumps({"rows": rows, "fixes": applied, "static_seconds": round(static_s, 1)}, indent=1))
        return 0
    print("| benchmark | B/op runtime | B/op static | allocs/op runtime | allocs/op static | fixed: B/op runtime "
          "| static | fixed: allocs/op runtime | static | allocs saved runtime | predicted | B saved runtime | predicted |")
    print("|---|" + "---:|" * 12)
    for r in rows:
        print(f"| {r['benchmark']} | {r['runtime_B_op']} | {r['static_B_op']:.0f} | {r['runtime_allocs_op']} | "
              f"{r['static_allocs_op']:g} | {r['runtime_B_op_fixed']} | {r['static_B_op_fixed']:.0f} | "
              f"{r['runtime_allocs_op_fixed']} | {r['static_allocs_op_fixed']:g} | {r['allocs_saved_runtime']} | "
              f"{r['allocs_saved_predicted']:g} | {r['B_saved_runtime']} | {r['B_saved_predicted']:.0f} |")
    print(f"\nassumed lengths: { {r['benchmark']: r['assumed'] for r in rows if r['assumed']} }")
    print(f"static estimates (both versions, 6 benchmarks): {static_s:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
