#!/usr/bin/env python3
"""Estimate vs runtime for the Go programs in tests/testdata/profiler.

    python bench/profiler_accuracy.py [--ops 2000] [--default-runs 3] [--json]

Per benchmark of tests/testdata/profiler/allocs:
  B/op      runtime (-benchmem)  vs replay of the memory-profile trace, and vs the allocator
            model fed the source-level requests (requests.json), where listed
  allocs/op runtime (Mallocs, tiny included) vs the model
  GCs       ΔNumGC under GODEBUG=gcstoptheworld=1 vs replay, and ΔNumGC of untraced default
            (concurrent) runs, which the model does not predict (reported as measured)
Per configuration of tests/testdata/profiler/stacks: morestack and copy bytes, gdb
(runtime.copystack) vs the stack model.

    python bench/profiler_accuracy.py --gc-attribution 15 [--json]

GC-cycle attribution on tests/testdata/profiler/calls, N recordings: per cycle, the function the
replayed call-order trace (`--calls`) charges vs the uninstrumented STW run's GC-start stack (gdb),
with init_marked from the memory profile (as `goperf profile run --calls`) and without it (0).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "profiler"))
TESTDATA = ROOT / "tests" / "testdata" / "profiler"


def alloc_rows(ops: int, default_runs: int) -> list[dict]:
    from goperf.profiler import pprof, record
    from goperf.profiler import schema as S
    from goperf.profiler.replay import replay
    from goperf.profiler.trace import FuncTable, Trace
    pkg = TESTDATA / "allocs"
    spec = {k: v for k, v in json.loads((pkg / "requests.json").read_text()).items() if not k.startswith("_")}
    r = record.run(str(pkg), bench=".", extra=[f"-benchtime={ops}x"], env={"GODEBUG": "gcstoptheworld=1"})
    prof, meta = pprof.load(r.memprofile), record.run_meta(r)
    conc = {}
    for _ in range(default_runs):
        rd = record.run(str(pkg), bench=".", extra=[f"-benchtime={ops}x"])
        for b in rd.benchmarks:
            conc.setdefault(b.name, []).append(int(b.metrics["gcs"]))
    rows = []
    for b in r.benchmarks:
        res = replay(record.trace_for_benchmark(prof, b, meta))
        tot = res.totals()
        row = {"benchmark": b.name, "runtime_B_op": b.metrics["B/op"],
               "replay_B_op": round(tot["heap_bytes"] / b.n, 1),
               "runtime_allocs_op": b.metrics["allocs/op"],
               "runtime_gc_stw": int(b.metrics["gcs"]), "replay_gc": tot["gc_cycles"],
               "runtime_gc_default": conc.get(b.name, [])}
        fn = b.name.removeprefix("Benchmark")
        if fn in spec:
            k, sz, fl = [], [], []
            for _ in range(b.n):
                for size, noscan, count in spec[fn]:
                    k += [S.EV_ALLOC] * count
                    sz += [size] * count
                    fl += [S.F_NOSCAN if noscan else 0] * count
            t = Trace.from_columns(FuncTable.make([fn]), {}, kind=k, func=[0] * len(k), size=sz, flags=fl)
            mt = replay(t).totals()
            row["model_B_op"] = round(mt["heap_bytes"] / b.n, 1)
            row["model_allocs_op"] = round(mt["objects"] / b.n, 2)
        rows.append(row)
    return rows


def stack_rows() -> list[dict]:
    from gdb_oracle import available, copy_bytes_by_function, copystacks, growths_by_function
    from test_stacks_gdb import PKG, program_trace
    from goperf.profiler.frames import frame_sizes
    from goperf.profiler.replay import ReplayConfig, replay
    if not available():
        return []
    frames = frame_sizes(PKG)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        binary = Path(d) / "stacks"
        subprocess.run(["go", "build", "-o", str(binary), "."], cwd=PKG, check=True)
        for g, depth, big in [(1, 18, True), (3, 100, True), (10, 18, True), (4, 300, False), (2, 1000, False)]:
            c = copystacks(binary, [str(g), str(depth), "big" if big else "small"],
                           "asyncpreemptoff=1,adaptivestackstart=0")
            gm = sum(v for k, v in growths_by_function(c).items() if k.startswith("main"))
            gb = sum(v for k, v in copy_bytes_by_function(c).items() if k.startswith("main"))
            tot = replay(program_trace(frames, g, depth, big), ReplayConfig(adaptive_stack=False)).totals()
            rows.append({"program": f"stacks {g} {depth} {'big' if big else 'small'}",
                         "gdb_copystack": gm, "model_morestack": tot["morestack"],
                         "gdb_copy_bytes": gb, "model_copy_bytes": tot["stack_copy_bytes"]})
    return rows


def gc_attribution(n: int) -> dict:
    from collections import Counter
    from gdb_oracle import gc_starts
    from goperf.profiler import pprof, record
    from goperf.profiler import schema as S
    from goperf.profiler.replay import ReplayConfig, replay
    pkg, ip, godebug = TESTDATA / "calls", "example.com/calls.", "adaptivestackstart=0,gcstoptheworld=1"
    runs, agree, agree0, total = [], 0, 0, 0
    for _ in range(n):
        with tempfile.TemporaryDirectory() as d:
            r = record.run(str(pkg), env={"GODEBUG": godebug}, workdir=Path(d) / "plain")
            cr = record.run_calls(str(pkg), env={"GODEBUG": godebug}, workdir=Path(d) / "instr")
            prof = pprof.load(r.memprofile)
            t, _ = record.trace_from_calls(cr, meta=record.run_meta(r), prof=prof)
            rt = Counter(f for f, _, _ in gc_starts(r.binary, ["-test.run", "."], ip, "asyncpreemptoff=1," + godebug,
                                                    cwd=pkg))
            row = {"numgc": r.gc_auto, "runtime": dict(rt), "init_marked": t.meta["init_marked"]}
            for key, im in (("replay", None), ("replay_init_marked_0", 0)):
                res = replay(t, ReplayConfig(adaptive_stack=False, init_marked=im))
                row[key] = {str(nm): int(res.out[i, S.O_GC_CYCLES]) for i, nm in enumerate(res.funcs.name)
                            if res.out[i, S.O_GC_CYCLES]}
            agree += sum(min(row["replay"].get(f, 0), c) for f, c in rt.items())
            agree0 += sum(min(row["replay_init_marked_0"].get(f, 0), c) for f, c in rt.items())
            total += sum(rt.values())
            runs.append(row)
    return {"runs": runs, "cycles": total, "agree": agree, "agree_init_marked_0": agree0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--default-runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--gc-attribution", type=int, default=0, metavar="N",
                    help="only the GC-cycle attribution check, over N recordings")
    a = ap.parse_args()
    if a.gc_attribution:
        g = gc_attribution(a.gc_attribution)
        if a.json:
            print(json.dumps(g, indent=2))
        else:
            for r in g["runs"]:
                print(r)
            print(f"cycles charged as the runtime charges them: {g['agree']}/{g['cycles']} "
                  f"(init_marked 0: {g['agree_init_marked_0']}/{g['cycles']})")
        return 0
    allocs, stacks = alloc_rows(a.ops, a.default_runs), stack_rows()
    if a.json:
        print(json.dumps({"allocs": allocs, "stacks": stacks}, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table
    con = Console()
    t = Table(title=f"allocations and GC cycles ({a.ops} ops per benchmark)")
    for c in ("benchmark", "B/op rt", "B/op replay", "B/op model", "allocs/op rt", "allocs/op model",
              "GCs STW rt", "GCs replay", "GCs default rt"):
        t.add_column(c, justify="left" if c == "benchmark" else "right")
    for r in allocs:
        t.add_row(r["benchmark"], f'{r["runtime_B_op"]:g}', f'{r["replay_B_op"]:g}', str(r.get("model_B_op", "")),
                  f'{r["runtime_allocs_op"]:g}', str(r.get("model_allocs_op", "")), str(r["runtime_gc_stw"]),
                  str(r["replay_gc"]), ",".join(map(str, r["runtime_gc_default"])))
    con.print(t)
    if stacks:
        t = Table(title="goroutine stack growth (gdb runtime.copystack vs model)")
        for c in ("program", "copystack gdb", "morestack model", "copy bytes gdb", "copy bytes model"):
            t.add_column(c, justify="left" if c == "program" else "right")
        for r in stacks:
            t.add_row(r["program"], str(r["gdb_copystack"]), str(r["model_morestack"]),
                      str(r["gdb_copy_bytes"]), str(r["model_copy_bytes"]))
        con.print(t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
