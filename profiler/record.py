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
from typing import Callable

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
        timeout: float = 600, progress: Callable[[str], None] | None = None) -> Run:
    """Build and run the test binary; `progress(stage)` is told when each step starts."""
    progress = progress or (lambda stage: None)
    wd = Path(workdir or tempfile.mkdtemp(prefix="goperf-record-"))
    wd.mkdir(parents=True, exist_ok=True)
    binary = wd / "pkg.test"
    base = Path(cwd or ".")
    if (base / pkg).is_dir():               # a directory: build it as its own module/package
        base, pkg = (base / pkg).resolve(), "."
    pkg_dir = base
    progress(f"building the test binary of {pkg}")
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
    progress("running the " + ("benchmarks" if bench is not None else "tests") + " (memprofilerate=1)")
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


def package_dir(pkg: str = ".", cwd: str | None = None) -> Path:
    """The directory of PKG (a directory, relative to `cwd`, or an import path) as `run` resolves it."""
    base = Path(cwd or ".")
    if (base / pkg).is_dir():
        return (base / pkg).resolve()
    return _pkg_dir(pkg, base)


def fixed_copy(pkg_dir: Path, dest: Path, unsafe: bool = True) -> tuple[Path, list[str], list]:
    """Copy the module holding `pkg_dir` to `dest` and apply goperf's quick fixes (safe, and unsafe
    unless told otherwise) to the package's files in the copy, as `goperf lint --fix [--unsafe-fixes]`
    does. Returns the package directory in the copy, the fixes applied and their `fixsites.FixLink`s
    (the lines each fix covers in the original and in the copy)."""
    import shutil
    from .fixsites import link_fixes
    from .instrument import module_root
    pkg_dir = Path(pkg_dir).resolve()
    mod = module_root(pkg_dir)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(mod, dest, ignore=shutil.ignore_patterns(".git", "*.test", "*.out", "*.pprof"))
    target = dest / pkg_dir.relative_to(mod)
    sources, applied, links = link_fixes(pkg_dir, unsafe=unsafe)
    for path, src in sources.items():
        out = target / Path(path).name
        if out.read_bytes() != src:
            out.write_bytes(src)
    return target, applied, links


# --- call order from an instrumented copy (GODEBUG=traceallocfree=1 execution trace) -------------

INLINE_RE = re.compile(r"^(?:\./)?(\S+?\.go):(\d+):\d+: inlining call to (\S+)$", re.M)


@dataclass
class Compiled:
    """What the compiler did to the uninstrumented package (tests included)."""
    frames: dict[str, tuple[int, bool]]          # function -> (locals, nosplit)
    inlined: set[tuple[str, int, str]]           # (file base name, line, callee as -m prints it)


def compiled(pkg_dir: Path, timeout: float = 600) -> Compiled:
    from .frames import parse as parse_frames
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["go", "test", "-c", "-o", str(Path(d) / "x.test"), "-gcflags=-S -m", "."],
                           cwd=pkg_dir, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RecordError(f"go test -c -gcflags='-S -m' failed:\n{p.stderr[-2000:]}")
    text = p.stderr + p.stdout
    return Compiled(parse_frames(text),
                    {(Path(f).name, int(ln), callee) for f, ln, callee in INLINE_RE.findall(text)})


def import_path(pkg_dir: Path) -> str:
    p = subprocess.run(["go", "list", "-f", "{{.ImportPath}}", "."], cwd=pkg_dir, capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise RecordError(f"go list failed in {pkg_dir}: {p.stderr.strip()}")
    return p.stdout.strip()


@dataclass
class CallRun:
    exec_trace_path: Path
    instrumented: object                         # instrument.Instrumented
    compiled: Compiled
    import_path: str
    stdout: str = ""


def run_calls(pkg: str = ".", bench: str | None = None, run_re: str | None = None, extra: list[str] = (),
              env: dict | None = None, workdir: Path | None = None, cwd: str | None = None,
              timeout: float = 600, progress: Callable[[str], None] | None = None) -> CallRun:
    """Instrument a copy of the package, run its tests/benchmarks with the execution trace on."""
    from .instrument import instrument
    progress = progress or (lambda stage: None)
    wd = Path(workdir or tempfile.mkdtemp(prefix="goperf-calls-"))
    wd.mkdir(parents=True, exist_ok=True)
    base = Path(cwd or ".")
    pkg_dir = (base / pkg).resolve() if (base / pkg).is_dir() else _pkg_dir(pkg, base)
    ipath = import_path(pkg_dir)
    progress("compiling for frames and inlining (-gcflags='-S -m')")
    comp = compiled(pkg_dir, timeout)
    progress("instrumenting a copy (runtime/trace regions)")
    ins = instrument(pkg_dir, ipath, wd / "src")
    binary = wd / "instrumented.test"
    b = subprocess.run(["go", "test", "-c", "-o", str(binary), "."], cwd=ins.pkg_dir, capture_output=True,
                       text=True, timeout=timeout)
    if b.returncode != 0:
        raise RecordError(f"building the instrumented copy failed:\n{b.stderr.strip()[-2000:]}")
    out = wd / "exec.trace"
    args = [str(binary), "-test.trace", str(out)]
    if bench is not None:
        args += ["-test.run", run_re or "^$", "-test.bench", bench]
    else:
        args += ["-test.run", run_re or "."]
    args += [go_flag(a) for a in extra]
    e = dict(os.environ)
    e.update(env or {})
    godebug = [x for x in e.get("GODEBUG", "").split(",") if x and not x.startswith("traceallocfree=")]
    e["GODEBUG"] = ",".join(godebug + ["traceallocfree=1"])
    progress("running the instrumented copy (GODEBUG=traceallocfree=1)")
    p = subprocess.run(args, cwd=ins.pkg_dir, capture_output=True, text=True, env=e, timeout=timeout)
    if p.returncode != 0 or not out.exists():
        raise RecordError(f"instrumented test binary failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return CallRun(out, ins, comp, ipath, p.stdout)


def _short(name: str, ipath: str) -> str:
    """A function as -m names inlined callees: package-local names without the import path."""
    return name[len(ipath) + 1:] if name.startswith(ipath + ".") else name.rsplit("/", 1)[-1]


def trace_from_calls(cr: CallRun, meta: dict | None = None, prof: pprof.Profile | None = None):
    """A goperf Trace from the instrumented run: ENTER/EXIT per region (skipping calls the
    uninstrumented build inlined), ALLOC (slot bytes) charged to the innermost open region,
    goroutine starts from package code (with the compiler's go-statement wrapper as entry frame).

    `prof`, the uninstrumented run's memory profile: its in-use bytes (live at the run's last GC,
    package init and the testing framework included) become `init_marked`, as for memory-profile
    traces. The runtime's marked heap holds these objects at every cycle, the trace does not see
    them, and which allocation crosses the trigger depends on the marked heap to within a few KB.

    Also returns facts of the instrumented run itself: the GC-start function of each cycle and
    each stack growth charged to the function whose RegionBegin follows it on that goroutine.
    """
    from .exectrace import events as XE, read, wire as W
    et = read(cr.exec_trace_path)
    slots, sclass, _ = XE.alloc_slots(et)
    old, new = XE.stack_copies(et)
    ipath = cr.import_path
    frames = cr.compiled.frames
    names = list(dict.fromkeys(list(cr.instrumented.functions) + [f for f in frames if f.startswith(ipath + ".")]))
    fid = {n: i for i, n in enumerate(names)}
    region_type = {i for i, n in enumerate(et.type_name) if n.endswith("trace.Region")}
    lmaps = cr.instrumented.line_maps

    rel = np.flatnonzero(np.isin(et.typ, (W.EV_USER_REGION_BEGIN, W.EV_USER_REGION_END, W.EV_HEAP_OBJECT_ALLOC,
                                          W.EV_GO_CREATE, W.EV_GO_DESTROY, W.EV_GC_BEGIN,
                                          W.EV_GOROUTINE_STACK_ALLOC, W.EV_HEAP_OBJECT_FREE)))
    typ, g_all = et.typ[rel], et.g[rel]
    rname = np.full(len(rel), -1, np.int64)
    rb = np.isin(typ, (W.EV_USER_REGION_BEGIN, W.EV_USER_REGION_END))
    rname[rb] = et.string_rows(rel[rb], 1)
    trow = np.full(len(rel), -1, np.int64)
    ha = typ == W.EV_HEAP_OBJECT_ALLOC
    trow[ha] = et.type_rows(rel[ha])
    new_stack = np.full(len(rel), -1, np.int64)
    gc_ = typ == W.EV_GO_CREATE
    new_stack[gc_] = et.stack_ids.map(et.gi[rel[gc_]], et.args[rel[gc_], 1])
    str_fid = {r: fid.get(s, -1) for r, s in enumerate(et.strings) if s in fid}

    dense: dict[int, int] = {}
    stacks: dict[int, list] = {}      # goroutine -> [(fid, entered)]
    started: set[int] = set()
    inline_cache: dict[int, bool] = {}
    kind, func, size, gor, flags = [], [], [], [], []
    tiny = np.zeros(len(names) + 1, np.int64)
    gc_funcs: list[str] = []
    growth_pending: dict[int, int] = {}     # goroutine -> growths waiting for the next RegionBegin
    growths: dict[str, int] = {}
    alloc_at: dict[int, int] = {}           # heap object id -> row of its ALLOC
    freed: list[int] = []

    def d(g):
        if g not in dense:
            dense[g] = len(dense)
        return dense[g]

    def inlined_here(stack_row: int, callee: str) -> bool:
        if stack_row in inline_cache:
            return inline_cache[stack_row]
        fr = et.stack_frames(stack_row)
        ok = False
        if len(fr) >= 2:
            f, file, line = fr[1]
            base = Path(file).name
            orig = lmaps.get(base, {}).get(line, line)
            ok = (base, orig, _short(callee, ipath)) in cr.compiled.inlined
        inline_cache[stack_row] = ok
        return ok

    for j, i in enumerate(rel):
        t = typ[j]
        g = int(g_all[j])
        if t == W.EV_USER_REGION_BEGIN:
            f = str_fid.get(int(rname[j]), -1)
            if f < 0 or g < 0:
                continue
            st = stacks.setdefault(g, [])
            entered = not inlined_here(int(et.stack[i]), names[f])
            st.append((f, entered))
            if growth_pending.get(g):
                growths[names[f]] = growths.get(names[f], 0) + growth_pending.pop(g)
            if entered:
                kind.append(S.EV_ENTER); func.append(f); size.append(0); gor.append(d(g)); flags.append(0)
        elif t == W.EV_USER_REGION_END:
            f = str_fid.get(int(rname[j]), -1)
            st = stacks.get(g)
            if f < 0 or not st:
                continue
            pf, entered = st.pop()
            if entered:
                kind.append(S.EV_EXIT); func.append(pf); size.append(0); gor.append(d(g)); flags.append(0)
        elif t == W.EV_HEAP_OBJECT_ALLOC:
            if int(trow[j]) in region_type:
                continue
            st = stacks.get(g)
            f = st[-1][0] if st else -1
            b = int(slots[i])
            if b == 0:
                tiny[f] += 1
                continue
            alloc_at[int(et.args[i, 0])] = len(kind)
            kind.append(S.EV_ALLOC); func.append(f); size.append(b); gor.append(d(g) if g >= 0 else 0)
            flags.append(S.F_NOSCAN if b > 512 else 0)
        elif t == W.EV_HEAP_OBJECT_FREE:
            k = alloc_at.pop(int(et.args[i, 0]), -1)
            if k >= 0:
                freed.append(k)
        elif t == W.EV_GO_CREATE:
            ns = int(new_stack[j])
            entry = et.stack_funcs(ns)[:1] if ns >= 0 else []
            creator = et.stack_funcs(int(et.stack[i]))[:1]
            if entry and entry[0].startswith(ipath + ".") and creator:
                ng = int(et.args[i, 0])
                kind.append(S.EV_GO_START); func.append(-1); size.append(0); gor.append(d(ng)); flags.append(0)
                started.add(ng)
                wraps = sorted(n for n in fid if n.startswith(creator[0] + ".gowrap"))
                if wraps:
                    kind.append(S.EV_ENTER); func.append(fid[wraps[0]]); size.append(0); gor.append(d(ng))
                    flags.append(0)
                    stacks[ng] = [(fid[wraps[0]], True)]
        elif t == W.EV_GO_DESTROY:
            if g in started:
                for pf, entered in reversed(stacks.pop(g, [])):
                    if entered:
                        kind.append(S.EV_EXIT); func.append(pf); size.append(0); gor.append(d(g)); flags.append(0)
                kind.append(S.EV_GO_END); func.append(-1); size.append(0); gor.append(d(g)); flags.append(0)
                started.discard(g)
        elif t == W.EV_GC_BEGIN:
            fs = [f for f in et.stack_funcs(int(et.stack[i])) if f.startswith(ipath + ".")]
            gc_funcs.append(fs[0] if fs else "")
        elif t == W.EV_GOROUTINE_STACK_ALLOC and new[i] > old[i] and g >= 0:
            growth_pending[g] = growth_pending.get(g, 0) + 1

    # An object the runtime freed later is taken as dead right after its allocation (the
    # trace only shows the sweep that freed it); the others stay live to the end.
    kind, func, size, gor, flags = (np.array(x, dt) for x, dt in ((kind, np.uint8), (func, np.int32),
                                    (size, np.int64), (gor, np.int32), (flags, np.uint8)))
    if freed:
        fr = np.sort(np.array(freed, np.int64))
        at = np.arange(len(kind)) + np.searchsorted(fr, np.arange(len(kind)), side="left")
        n = len(kind) + len(fr)
        cols = []
        for a, fill in ((kind, S.EV_FREE), (func, None), (size, None), (gor, None), (flags, 0)):
            out = np.zeros(n, a.dtype)
            out[at] = a
            pos = at[fr] + 1
            out[pos] = a[fr] if fill is None else fill
            cols.append(out)
        kind, func, size, gor, flags = cols
    ft = FuncTable.make(names, frame=[frames.get(n, (0, True))[0] for n in names],
                        nosplit=[int(frames.get(n, (0, True))[1]) for n in names])
    md = {"producer": "calls", "n_goroutines": max(len(dense), 1), **(meta or {})}
    if prof is not None and "init_marked" not in md:
        iis = prof.index("inuse_space")
        md["init_marked"] = md["memprofile_inuse_bytes"] = int(sum(s.values[iis] for s in prof.samples))
    t = Trace.from_columns(ft, md, kind=kind, func=func, size=size, goroutine=gor, flags=flags)
    facts = {"runtime_gc_start_functions": gc_funcs, "instrumented_growths": growths,
             "instrumented_growths_total": int((new > old).sum()),
             "tiny_allocs": {names[k]: int(v) for k, v in enumerate(tiny[:-1]) if v},
             "exec_trace_events": len(et)}
    return t, facts


def apply_profile_truth(res, prof: pprof.Profile) -> None:
    """Heap bytes and slots per function from the uninstrumented run's memory profile (the
    instrumented run gives order only); the replayed figures are kept in res.meta."""
    flat_b, flat_o = prof.flat("alloc_space"), prof.flat("alloc_objects")
    replayed = {}
    for i, name in enumerate(res.funcs.name):
        name = str(name)
        if name in flat_b:
            replayed[name] = {"heap_bytes": int(res.out[i, S.O_HEAP_BYTES]), "slots": int(res.out[i, S.O_SLOTS])}
            res.out[i, S.O_HEAP_BYTES] = flat_b[name]
            res.out[i, S.O_SLOTS] = flat_o.get(name, 0)
            res.out[i, S.O_OBJECTS] = res.out[i, S.O_SLOTS] + res.out[i, S.O_TINY]
    res.meta["order_trace_replayed"] = replayed
    res.meta["heap_figures"] = "memory profile of the uninstrumented run"
