"""Recorded producer: run a package's benchmarks/tests and build a trace from the memory profile.

`go test -c` builds the test binary; it is run with `-test.memprofilerate=1` (every
allocation recorded) and `GODEBUG=gctrace=1` (every GC cycle reported). The memory
profile gives exact slot bytes and slot counts per call stack; it carries no order,
so the trace interleaves each stack's allocations uniformly over the run (each
allocation is followed by its FREE unless the profile still holds it live), which is
exact for bytes and objects and approximates *which* allocation crosses each GC
trigger. Tiny sub-allocations are invisible to the profile (it shows 16-byte blocks).
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import pprof
from . import schema as S
from .trace import FuncTable, Trace

TEST_FLAGS = {"bench", "benchtime", "benchmem", "count", "cpu", "run", "timeout", "short", "v",
              "memprofilerate", "skip", "failfast", "shuffle"}
BENCH_RE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$", re.M)
GCTRACE_RE = re.compile(r"^gc (\d+) @\S+ \S+: .*?(\d+)->(\d+)->(\d+) MB, (\d+) MB goal.*?(\(forced\))?$", re.M)


class RecordError(Exception):
    pass


@dataclass
class Bench:
    name: str
    n: int
    metrics: dict[str, float]


@dataclass
class Run:
    workdir: Path
    memprofile: Path
    binary: Path
    stdout: str
    stderr: str
    benchmarks: list[Bench] = field(default_factory=list)
    gc_auto: int = 0
    gc_forced: int = 0
    env: dict = field(default_factory=dict)


def go_flag(a: str) -> str:
    """`-benchtime=1x` -> `-test.benchtime=1x`; other arguments unchanged."""
    m = re.match(r"^--?([a-z]+)(=.*)?$", a)
    if m and m.group(1) in TEST_FLAGS:
        return f"-test.{m.group(1)}{m.group(2) or ''}"
    return a


def globals_bytes(binary: Path) -> int:
    """Size of .data + .bss of an ELF64 binary: what the GC scans as globals."""
    with open(binary, "rb") as f:
        hdr = f.read(64)
        if hdr[:4] != b"\x7fELF" or hdr[4] != 2:
            return 0
        shoff, = struct.unpack_from("<Q", hdr, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", hdr, 0x3A)
        f.seek(shoff)
        secs = [struct.unpack_from("<IIQQQQ", f.read(shentsize)) for _ in range(shnum)]
        stroff, strsize = secs[shstrndx][4], secs[shstrndx][5]
        f.seek(stroff)
        names = f.read(strsize)
    total = 0
    for name_off, _, _, _, _, size in secs:
        name = names[name_off:names.index(b"\0", name_off)].decode()
        if name in (".data", ".bss"):
            total += size
    return total


def run(pkg: str = ".", bench: str | None = None, run_re: str | None = None, extra: list[str] = (),
        env: dict | None = None, workdir: Path | None = None, cwd: str | None = None,
        timeout: float = 600) -> Run:
    wd = Path(workdir or tempfile.mkdtemp(prefix="goperf-record-"))
    wd.mkdir(parents=True, exist_ok=True)
    binary = wd / "pkg.test"
    base = Path(cwd or ".")
    if (base / pkg).is_dir():               # a directory: build it as its own module/package
        base, pkg = (base / pkg).resolve(), "."
    pkg_dir = base
    b = subprocess.run(["go", "test", "-c", "-o", str(binary), pkg], cwd=pkg_dir,
                       capture_output=True, text=True, timeout=timeout)
    if b.returncode != 0 or not binary.exists():
        raise RecordError(f"go test -c {pkg} failed:\n{b.stderr.strip() or b.stdout.strip()}")
    mem = wd / "mem.pprof"
    args = [str(binary), "-test.memprofile", str(mem), "-test.memprofilerate", "1"]
    if bench is not None:
        args += ["-test.run", run_re or "^$", "-test.bench", bench, "-test.benchmem"]
    else:
        args += ["-test.run", run_re or "."]
    args += [go_flag(a) for a in extra]
    e = dict(os.environ)
    e.update(env or {})
    godebug = [x for x in e.get("GODEBUG", "").split(",") if x]
    if not any(x.startswith("gctrace=") for x in godebug):
        godebug.append("gctrace=1")
    if not any(x.startswith("memprofilerate=") for x in godebug):
        godebug.append("memprofilerate=1")     # from process start: package init allocations too
    e["GODEBUG"] = ",".join(godebug)
    # The test binary runs in the package directory, as `go test` does.
    p = subprocess.run(args, cwd=_pkg_dir(pkg, pkg_dir), capture_output=True, text=True,
                       env=e, timeout=timeout)
    if p.returncode != 0:
        raise RecordError(f"test binary failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    if not mem.exists():
        raise RecordError("the test binary wrote no memory profile")
    r = Run(wd, mem, binary, p.stdout, p.stderr, env={k: e[k] for k in ("GODEBUG", "GOGC", "GOMEMLIMIT") if k in e})
    for m in BENCH_RE.finditer(p.stdout):
        metrics = {}
        for val, unit in re.findall(r"([\d.]+) (\S+)", m.group(3)):
            metrics[unit] = float(val)
        r.benchmarks.append(Bench(m.group(1), int(m.group(2)), metrics))
    for m in GCTRACE_RE.finditer(p.stderr):
        if m.group(6):
            r.gc_forced += 1
        else:
            r.gc_auto += 1
    return r


def _pkg_dir(pkg: str, base: Path) -> Path:
    if pkg.startswith((".", "/")):
        return (base / pkg).resolve()
    out = subprocess.run(["go", "list", "-f", "{{.Dir}}", pkg], cwd=base, capture_output=True, text=True)
    return Path(out.stdout.strip() or base)


def trace_from_profile(prof: pprof.Profile, benchmark: str | None = None, ops: int | None = None,
                       total_ops: int | None = None, meta: dict | None = None) -> Trace:
    """Build a trace from a memory profile.

    With `benchmark`, only stacks running inside that benchmark function are used and scaled
    from `total_ops` recorded calls (probe runs included) to `ops` replayed ones.
    """
    ia, ib = prof.index("alloc_objects"), prof.index("alloc_space")
    iio, iis = prof.index("inuse_objects"), prof.index("inuse_space")
    names: dict[str, int] = {}
    pos: list[str] = []
    rows = []                                   # (func id, slot size, count, live count)
    inuse_total = 0
    for s in prof.samples:
        inuse_total += s.values[iis]
        objs, space = s.values[ia], s.values[ib]
        if objs <= 0:
            continue
        fr = prof.frames(s)
        if benchmark is not None and not any(f[0].endswith("." + benchmark) for f in fr):
            continue
        name = fr[0][0] if fr else "?"
        if name not in names:
            names[name] = len(names)
            pos.append(f"{fr[0][1]}:{fr[0][2]}" if fr else "")
        live = s.values[iio]
        if benchmark is not None and ops is not None and total_ops:
            objs = round(objs * ops / total_ops)
            live = 0
        if objs > 0:
            rows.append((names[name], space // s.values[ia], objs, min(live, objs)))
    fid = np.array([r[0] for r in rows], np.int32)
    size = np.array([r[1] for r in rows], np.int64)
    count = np.array([r[2] for r in rows], np.int64)
    live = np.array([r[3] for r in rows], np.int64)
    n = int(count.sum())
    which = np.repeat(np.arange(len(rows)), count)
    j = np.arange(n) - np.repeat(np.cumsum(count) - count, count)     # index within its stack
    order = np.argsort((j + 0.5) / count[which], kind="stable")       # uniform interleave
    which, j = which[order], j[order]
    freed = j >= live[which]
    m = n + int(freed.sum())
    kind = np.full(m, S.EV_ALLOC, np.uint8)
    at = np.arange(n) + np.cumsum(freed) - freed                       # alloc positions
    kind[at[freed] + 1] = S.EV_FREE
    func = np.full(m, -1, np.int32)
    func[at] = fid[which]
    sz = np.zeros(m, np.int64)
    sz[at] = size[which]
    sz[at[freed] + 1] = size[which][freed]
    flags = np.zeros(m, np.uint8)
    # Sizes are slot sizes already. Replay them as pointerful up to 512 B (no tiny packing,
    # no header) and pointer-free above (no header): each maps to its own class again.
    flags[at] = np.where(size[which] > 512, S.F_NOSCAN, 0).astype(np.uint8)
    funcs = FuncTable.make(list(names), pos)
    md = {"producer": "memprofile", "n_goroutines": 1, "init_marked": int(inuse_total),
          "memprofile_inuse_bytes": int(inuse_total), **(meta or {})}
    if benchmark:
        md.update(benchmark=benchmark, ops=ops, recorded_ops=total_ops)
        md["init_marked"] = int(inuse_total - sum(r[1] * r[3] for r in rows))
    return Trace.from_columns(funcs, md, kind=kind, func=func, size=sz, flags=flags)


def run_meta(r: Run) -> dict:
    gogc = r.env.get("GOGC", "100")
    meta = {"go_version": subprocess.run(["go", "env", "GOVERSION"], capture_output=True,
                                         text=True).stdout.strip(),
            "gogc": -1 if gogc == "off" else int(gogc), "globals_bytes": globals_bytes(r.binary),
            "runtime_gc_automatic": r.gc_auto, "runtime_gc_forced": r.gc_forced,
            "godebug": r.env.get("GODEBUG", "")}
    if "GOMEMLIMIT" in r.env:
        from .units import parse_bytes
        meta["memlimit"] = parse_bytes(r.env["GOMEMLIMIT"])
    return meta


def benchmark_ops(prof: pprof.Profile, b: Bench) -> int:
    """Calls of the benchmark body the profile holds (probe runs included): its bytes / B/op."""
    ib = prof.index("alloc_space")
    total = sum(s.values[ib] for s in prof.samples
                if any(f[0].endswith("." + b.name) for f in prof.frames(s)))
    per_op = b.metrics.get("B/op", 0)
    return max(b.n, round(total / per_op)) if per_op else b.n


def trace_for_benchmark(prof: pprof.Profile, b: Bench, meta: dict | None = None) -> Trace:
    """The timed loop of one benchmark: b.n ops, starting from the live heap of the profile."""
    return trace_from_profile(prof, benchmark=b.name, ops=b.n, total_ops=benchmark_ops(prof, b),
                              meta={**(meta or {}), "bench_metrics": b.metrics})
