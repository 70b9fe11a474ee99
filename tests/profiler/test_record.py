"""Recorded runs of tests/testdata/profiler/allocs validated against the runtime itself.

One STW run (GODEBUG=gcstoptheworld=1, -benchtime=2000x) is shared by the tests:
- GC cycles replayed from the memory-profile trace vs ΔNumGC each benchmark reports;
- the stdlib pprof reader vs `go tool pprof -top`;
- the allocator model fed the source-level requests (requests.json) vs the memory profile
  per function and vs -benchmem allocs/op (tiny sub-allocations included).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from goperf.profiler import pprof, record
from goperf.profiler import schema as S
from goperf.profiler.replay import replay
from goperf.profiler.trace import FuncTable, Trace

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("go") is None, reason="needs the Go toolchain")]
PKG = Path(__file__).resolve().parents[1] / "testdata" / "profiler" / "allocs"
N = 2000


@pytest.fixture(scope="module")
def stw(tmp_path_factory):
    r = record.run(str(PKG), bench=".", extra=[f"-benchtime={N}x"],
                   env={"GODEBUG": "gcstoptheworld=1"}, workdir=tmp_path_factory.mktemp("rec"))
    return r, pprof.load(r.memprofile), record.run_meta(r)


def test_benchmarks_ran(stw):
    r, _, meta = stw
    assert len(r.benchmarks) >= 15 and all(b.n == N for b in r.benchmarks)
    assert meta["globals_bytes"] > 50_000 and r.gc_auto > 0


def test_gc_cycles_match_stw_numgc(stw):
    r, prof, meta = stw
    rows = []
    for b in r.benchmarks:
        res = replay(record.trace_for_benchmark(prof, b, meta))
        rows.append((b.name, int(b.metrics["gcs"]), res.totals()["gc_cycles"]))
    assert sum(g for _, g, _ in rows) >= 40, rows       # the suite really drives the GC
    for name, want, got in rows:
        assert abs(got - want) <= 1, (name, want, got)


def test_gc_cycles_are_charged_to_allocations_that_test_the_trigger(stw):
    """Only large objects and span refills test the trigger; tiny/small-only loops start none."""
    r, prof, meta = stw
    b = next(b for b in r.benchmarks if b.name == "BenchmarkMixed")
    res = replay(record.trace_for_benchmark(prof, b, meta))
    by = {str(n).rsplit(".", 1)[-1]: int(res.out[i, S.O_GC_CYCLES]) for i, n in enumerate(res.funcs.name)}
    assert sum(by.values()) == res.totals()["gc_cycles"]
    assert by.get("Large40k", 0) + by.get("Bytes5000", 0) >= res.totals()["gc_cycles"] - 1


def test_pprof_reader_matches_go_tool_pprof(stw):
    r, prof, _ = stw
    out = subprocess.run(["go", "tool", "pprof", "-sample_index=alloc_space", "-top", "-unit=B",
                          "-nodecount=100000", "-nodefraction=0", "-edgefraction=0", str(r.binary), str(r.memprofile)],
                         capture_output=True, text=True, check=True).stdout
    theirs = {m.group(2).removesuffix(" (inline)"): int(m.group(1)) for m in
              re.finditer(r"^\s*(\d+)B?\s+\S+%\s+\S+%\s+\d+B?\s+\S+%\s+(\S.*)$", out, re.M)}
    ours = {}
    for k, v in prof.flat("alloc_space").items():    # pprof prints "()" of generic shapes as ""
        k = k.replace("()", "")
        ours[k] = ours.get(k, 0) + v
    assert len(theirs) > 15
    for name, v in theirs.items():
        if v:
            assert ours.get(name) == v, name


def test_memprofile_trace_reproduces_profile(stw):
    _, prof, _ = stw
    res = replay(record.trace_from_profile(prof))
    flat_b, flat_o = prof.flat("alloc_space"), prof.flat("alloc_objects")
    for i, name in enumerate(res.funcs.name):
        assert res.out[i, S.O_HEAP_BYTES] == flat_b[name]
        assert res.out[i, S.O_SLOTS] == flat_o[name]


def test_allocator_model_vs_runtime(stw):
    """Requests from the source -> replayer -> compare with what the runtime recorded."""
    r, prof, _ = stw
    spec = {k: v for k, v in json.loads((PKG / "requests.json").read_text()).items()
            if not k.startswith("_")}
    benches = {b.name.removeprefix("Benchmark"): b for b in r.benchmarks}
    for fn, reqs in spec.items():
        full = f"example.com/allocs.{fn}"
        b = benches[fn]
        calls = record.benchmark_ops(prof, b)
        k, sz, fl = [], [], []
        for _ in range(calls):
            for size, noscan, count in reqs:
                k += [S.EV_ALLOC] * count
                sz += [size] * count
                fl += [S.F_NOSCAN if noscan else 0] * count
        t = Trace.from_columns(FuncTable.make([full]), {}, kind=k, func=[0] * len(k), size=sz, flags=fl)
        tot = replay(t).totals()
        flat_b, flat_o = flat_in(prof, b.name)       # flat may sit in a callee (strconv…)
        assert tot["heap_bytes"] == pytest.approx(sum(flat_b.values()), rel=0.02), fn
        assert tot["slots"] == pytest.approx(sum(flat_o.values()), rel=0.02), fn
        assert tot["objects"] / calls == pytest.approx(b.metrics["allocs/op"], rel=0.02), fn
        assert tot["heap_bytes"] / calls == pytest.approx(b.metrics["B/op"], rel=0.02), fn


def flat_in(prof, bench):
    """Flat bytes and objects per function, over the stacks of one benchmark only."""
    ib, io = prof.index("alloc_space"), prof.index("alloc_objects")
    fb, fo = {}, {}
    for s in prof.samples:
        fr = prof.frames(s)
        if fr and any(f[0].endswith("." + bench) for f in fr):
            fb[fr[0][0]] = fb.get(fr[0][0], 0) + s.values[ib]
            fo[fr[0][0]] = fo.get(fr[0][0], 0) + s.values[io]
    return fb, fo
