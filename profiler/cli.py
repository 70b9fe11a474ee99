"""`goperf profile …`: replay a trace, or record one from a package's benchmarks/tests.

The CLI owner calls `add_parser(subparsers)` and dispatches to `run(args)`. Nothing
here imports numba at module import time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("profile", help="per-function heap bytes, objects, GC cycles and "
                              "stack growth, replayed through a model of the Go runtime")
    sub = p.add_subparsers(dest="profile_cmd", required=True)

    def common(sp):
        sp.add_argument("--gogc", type=str, default=None, help="GOGC to replay with (percent or 'off')")
        sp.add_argument("--memlimit", type=str, default=None, help="GOMEMLIMIT to replay with (e.g. 64MiB)")
        sp.add_argument("--stack-start", type=int, default=None, help="pin the starting goroutine stack size")
        sp.add_argument("--format", choices=("table", "json"), default="table")
        sp.add_argument("--sort", choices=("heap_bytes", "objects", "gc_cycles", "morestack",
                                           "stack_copy_bytes"), default="heap_bytes")
        sp.add_argument("--chunk", type=int, default=1 << 20, help="events per replay chunk")
        sp.add_argument("-o", "--output", default=None, help="write the report here instead of stdout")

    r = sub.add_parser("replay", help="replay a trace file (.npz)")
    r.add_argument("trace", metavar="TRACE.npz")
    common(r)
    _outputs(r)

    est = sub.add_parser("estimate", help="static estimate from the source: the analyzer's allocation sites "
                         "and call graph, replayed through the same model (no Go toolchain needed)")
    est.add_argument("target", metavar="FILE[:FUNC]")
    est.add_argument("--param", action="append", default=[], metavar="NAME=N",
                     help="a length or loop trip count (e.g. items=500, n=1000, ops=1000, depth=32, "
                          "'len(x.Name)=12', 'if:COND=0.5'); unknown ones default to 100 and are listed")
    est.add_argument("--apply-fixes", action="store_true",
                     help="also estimate the code after goperf's quick fixes and print the saving per function")
    est.add_argument("--safe-fixes-only", action="store_true", help="with --apply-fixes: skip unsafe fixes")
    est.add_argument("--save-trace", default=None, metavar="FILE.npz")
    common(est)
    _outputs(est)

    rec = sub.add_parser("run", help="run a package's benchmarks (or tests) and replay what they allocated",
                         usage="goperf profile run [PKG] [-bench RE | -run RE] [options] [-- test binary flags]")
    _run_options(rec)
    # Everything after the first positional (PKG, options, `--`, test flags) is parsed in
    # _record, since argparse cannot mix an optional positional with a trailing `--` list.
    rec.add_argument("argv", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    common(rec)
    _outputs(rec)
    p.set_defaults(run=run)


def _outputs(sp) -> None:
    sp.add_argument("--pprof", default=None, metavar="FILE.pb.gz",
                    help="also write a profile.proto (go tool pprof -top FILE) of the figures")
    sp.add_argument("--plot", default=None, metavar="FILE[.png|.html]",
                    help="heap over time with GC cycles marked, and stack size (no suffix: both files)")
    sp.add_argument("--report", nargs="?", const="", default=None, metavar="PATH",
                    help="write the language server's report (default: goperf-profile.json in the module root)")


def _run_options(sp, positional: bool = False) -> None:
    if positional:
        sp.add_argument("pkg", nargs="?", default=None, metavar="PKG")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("-bench", "--bench", dest="bench", default=None, metavar="RE")
    g.add_argument("-run", "--run", dest="run_re", default=None, metavar="RE")
    sp.add_argument("--stw", action="store_true", default=None,
                    help="run with GODEBUG=gcstoptheworld=1 (reproducible GC counts)")
    sp.add_argument("--save-trace", default=None, metavar="FILE.npz")
    sp.add_argument("--calls", action="store_true", default=None,
                    help="also run an instrumented copy (runtime/trace regions, GODEBUG=traceallocfree=1) "
                         "for the call order: morestack, stack copy bytes and GC cycles per function")
    sp.add_argument("--apply-fixes", action="store_true", default=None,
                    help="also record a copy with goperf's quick fixes applied (safe and unsafe, as "
                         "lint --fix --unsafe-fixes) and print the measured saving per function")
    sp.add_argument("--safe-fixes-only", action="store_true", default=None,
                    help="with --apply-fixes: skip unsafe fixes")


def _parse_run_argv(args) -> None:
    """Fill args.pkg/bench/… from args.argv: `[PKG] [options] [-- test flags]`."""
    argv = list(args.argv or [])
    go_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, go_args = argv[:i], argv[i + 1:]
    inner = argparse.ArgumentParser(prog="goperf profile run", add_help=False)
    _run_options(inner, positional=True)
    for opt, kw in (("--gogc", {}), ("--memlimit", {}), ("--stack-start", {"type": int}),
                    ("--format", {"choices": ("table", "json")}), ("--sort", {}), ("--chunk", {"type": int}),
                    ("-o", {"dest": "output"}), ("--pprof", {}), ("--plot", {})):
        inner.add_argument(opt, default=None, **kw)
    inner.add_argument("--report", nargs="?", const="", default=None)
    ns = inner.parse_args(argv)
    for k, v in vars(ns).items():
        if v is not None:
            setattr(args, k, v)
    args.pkg = getattr(args, "pkg", None) or "."
    args.go_args = go_args


def _config(args):
    from .replay import ReplayConfig
    from .units import parse_bytes
    gogc = None
    if args.gogc is not None:
        gogc = -1 if args.gogc.lower() == "off" else int(args.gogc)
    return ReplayConfig(gogc=gogc,
                        memlimit=parse_bytes(args.memlimit) if args.memlimit is not None else None,
                        stack_start=args.stack_start)


def _emit(args, results: list) -> None:
    from rich.console import Console
    from . import report
    out = open(args.output, "w") if args.output else sys.stdout
    try:
        if args.format == "json":
            if len(results) == 1:
                out.write(report.dumps(results[0][1], args.sort, results[0][2]) + "\n")
            else:
                import json
                out.write(json.dumps({"runs": [report.to_json(r, args.sort, m) for _, r, m in results]},
                                     indent=2, default=str) + "\n")
        else:
            con = Console(file=out) if args.output else Console()
            for title, res, extra in results:
                if title:
                    con.rule(title)
                report.print_table(res, con, args.sort)
                for k, v in (extra or {}).items():
                    con.print(f"{k}: {v}", markup=False)
    finally:
        if args.output:
            out.close()


def _replay_file(args) -> int:
    from rich.progress import Progress
    from .replay import replay
    with Progress(transient=True, disable=args.format == "json" or not sys.stderr.isatty()) as prog:
        task = prog.add_task("replaying", total=None)
        res = replay(Path(args.trace), _config(args), chunk=args.chunk,
                     progress=lambda done, total: prog.update(task, completed=done, total=total))
    _emit(args, [("", res, None)])
    _write_outputs(args, res, None, Path(args.trace).resolve().parent, trace_path=Path(args.trace))
    return 0


def _write_outputs(args, res, ops, root: Path, trace=None, trace_path=None, report_meta=None,
                   report_benchmarks=None) -> None:
    """--pprof / --plot / --report for replay, estimate and run."""
    from rich.console import Console
    err = Console(stderr=True)
    if getattr(args, "pprof", None):
        from . import pprof_out
        pprof_out.write(args.pprof, res, None)
        err.print(f"pprof profile: {args.pprof} (go tool pprof -top {args.pprof})")
    if getattr(args, "plot", None):
        from . import plots
        from .trace import Trace
        t = trace if trace is not None else Trace.load(trace_path)
        for p in plots.write(args.plot, t, _config(args), title=f"goperf profile: {res.meta.get('source', '')}"):
            err.print(f"plot: {p}")
    if getattr(args, "report", None) is not None:
        from . import report
        path = Path(args.report) if args.report else root / report.REPORT_FILE
        report.write_lsp_report(path, res, ops, report_meta, report_benchmarks)
        err.print(f"report for the language server: {path}")


def _estimate(args) -> int:
    from rich.console import Console
    from rich.progress import Progress
    from . import estimate as E
    from . import report
    from .replay import replay
    target = args.target
    func = None
    if ":" in target and not target.endswith(".go"):
        target, func = target.rsplit(":", 1)
    params = E.parse_params(args.param)
    path = Path(target)
    err = Console(stderr=True)
    with err.status(f"estimating {args.target}"):
        est = E.estimate(str(path), func or None, params)
    if args.save_trace:
        est.trace.save(args.save_trace)
    quiet = args.format == "json" or not sys.stderr.isatty()
    with Progress(transient=True, disable=quiet) as prog:
        task = prog.add_task("replaying", total=len(est.trace))
        res = replay(est.trace, _config(args), chunk=args.chunk,
                     progress=lambda done, total: prog.update(task, completed=done))
    extra = {"ops": est.ops, "assumed": est.assumed, "unmodelled": est.unmodelled}
    root = E.module_root(path.parent)
    if not args.apply_fixes:
        _emit(args, [(f"static estimate, {est.ops} ops", res, extra)])
        _write_outputs(args, res, est.ops, root, trace=est.trace)
        return 0
    sources, applied = E.fixed_sources(path.parent, unsafe=not args.safe_fixes_only)
    fixed = E.estimate(str(path), func or None, params, sources=sources)
    res_fixed = replay(fixed.trace, _config(args), chunk=args.chunk)
    rows = report.savings(res, res_fixed, est.ops)
    if args.format == "json":
        import json
        doc = {"before": report.to_json(res, args.sort, extra), "after": report.to_json(res_fixed, args.sort),
               "savings_per_op": rows, "fixes_applied": applied, "ops": est.ops}
        out = open(args.output, "w") if args.output else sys.stdout
        out.write(json.dumps(doc, indent=2, default=str) + "\n")
        if args.output:
            out.close()
    else:
        con = Console(file=open(args.output, "w")) if args.output else Console()
        report.print_savings(rows, res, res_fixed, est.ops, applied, con)
    _write_outputs(args, res, est.ops, root, trace=est.trace)
    return 0


def _progress(args):
    """Progress bars on stderr (indeterminate while Go runs, counted while replaying); off for JSON
    or when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn)
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                    disable=args.format == "json" or not sys.stderr.isatty())


def _replay_with(prog, label: str, trace, args):
    from .replay import replay
    task = prog.add_task(f"replaying {label}", total=len(trace))
    res = replay(trace, _config(args), chunk=args.chunk,
                 progress=lambda done, total: prog.update(task, completed=done))
    prog.remove_task(task)
    return res


def _record_once(args, pkg: str, prog, label: str = "") -> dict:
    """Record PKG and replay it: per benchmark (timed loop) and for the whole run."""
    from . import pprof, record
    env = {"GODEBUG": "gcstoptheworld=1"} if args.stw else {}
    what = f" ({label})" if label else ""
    task = prog.add_task(f"recording{what}", total=None)

    def stage(s):
        prog.update(task, description=f"{s}{what}")
    r = record.run(pkg, bench=args.bench, run_re=args.run_re, extra=args.go_args, env=env, progress=stage)
    prog.remove_task(task)
    prof = pprof.load(r.memprofile)
    meta = record.run_meta(r)
    out = {"results": [], "benchmarks": {}, "run": r, "prof": prof, "pkg_dir": record.package_dir(pkg)}
    for b in r.benchmarks:
        res = _replay_with(prog, b.name + what, record.trace_for_benchmark(prof, b, meta), args)
        out["benchmarks"][b.name] = (res, b.n)
        out["results"].append((f"{b.name} ({b.n} ops)", res, {"runtime": b.metrics}))
    if args.calls:
        task = prog.add_task(f"recording the call order{what}", total=None)
        cr = record.run_calls(pkg, bench=args.bench, run_re=args.run_re, extra=args.go_args, env=env,
                              progress=stage)
        prog.remove_task(task)
        t, facts = record.trace_from_calls(cr, meta=meta, prof=prof)
        res = _replay_with(prog, "whole run" + what, t, args)
        record.apply_profile_truth(res, prof)
        out["results"].append(("whole run (call order from an instrumented copy)", res,
                               {"runtime_gc_automatic": r.gc_auto, "runtime_gc_forced": r.gc_forced,
                                "runtime_gc_start_functions": facts["runtime_gc_start_functions"]}))
    else:
        t = record.trace_from_profile(prof, meta=meta)
        res = _replay_with(prog, "whole run" + what, t, args)
        out["results"].append(("whole run", res, {"runtime_gc_automatic": r.gc_auto,
                                                  "runtime_gc_forced": r.gc_forced}))
    out["whole"], out["trace"] = res, t
    return out


def _record(args) -> int:
    import tempfile
    from . import record
    _parse_run_argv(args)
    with _progress(args) as prog:
        before = _record_once(args, args.pkg, prog)
        if args.save_trace:
            before["trace"].save(args.save_trace)
        after = applied = None
        if args.apply_fixes:
            task = prog.add_task("applying goperf's quick fixes to a copy", total=None)
            with tempfile.TemporaryDirectory(prefix="goperf-fixed-") as d:
                pkg_dir, applied, links = record.fixed_copy(record.package_dir(args.pkg), Path(d) / "src",
                                                            unsafe=not args.safe_fixes_only)
                prog.remove_task(task)
                after = _record_once(args, str(pkg_dir), prog, label="fixed copy")
                after["links"] = _fix_sites(before, after, links)
    pkg_root = record.package_dir(args.pkg)
    if after is None:
        _emit(args, before["results"])
    else:
        _emit_fixed(args, before, after, applied)
    benches = {name: n for name, (_, n) in before["benchmarks"].items()}
    _write_outputs(args, before["whole"], None, _module_root(pkg_root), trace=before["trace"],
                   report_meta={"benchmarks": benches} if benches else None,
                   report_benchmarks=before["benchmarks"])
    return 0


def _module_root(folder: Path) -> Path:
    from .estimate.glue import module_root
    return module_root(folder)


def _fix_sites(before: dict, after: dict, links: list) -> dict:
    """Per benchmark (or the whole run): each fix's saving at the recorded allocation sites it covers."""
    from . import record
    from .fixsites import fix_savings, sites
    out = {}
    rb = {b.name: b for b in before["run"].benchmarks}
    ra = {b.name: b for b in after["run"].benchmarks}
    for name in rb:
        if name in ra:
            sb = sites(before["prof"], before["pkg_dir"], name, record.benchmark_ops(before["prof"], rb[name]))
            sa = sites(after["prof"], after["pkg_dir"], name, record.benchmark_ops(after["prof"], ra[name]))
            out[name] = fix_savings(links, sb, sa)
    if not out:
        out["whole run"] = fix_savings(links, sites(before["prof"], before["pkg_dir"]),
                                       sites(after["prof"], after["pkg_dir"]))
    return out


def _print_fix_sites(con, name: str, fs: dict) -> None:
    from rich.table import Table
    from .report import _human
    t = Table(title=f"{name}: per fix, at the recorded allocation sites it covers (per op)")
    for col in ("fix", "sites (original → fixed)", "heap before", "after", "saved", "slots saved"):
        t.add_column(col, justify="left" if col in ("fix", "sites (original → fixed)") else "right",
                     overflow="fold")
    for r in fs["fixes"]:
        if not (r["heap_bytes"] or r["heap_bytes_after"]):
            continue
        t.add_row(r["fix"], f"{', '.join(r['sites_before']) or '-'} → {', '.join(r['sites_after']) or '-'}",
                  _human(r["heap_bytes"]), _human(r["heap_bytes_after"]), _human(r["heap_bytes_saved"]),
                  f"{r['slots_saved']:g}")
    t.add_section()
    for fn, d in sorted(fs["functions"].items(), key=lambda kv: -kv[1]["heap_bytes_saved"]):
        if d["heap_bytes_saved"] or d["slots_saved"]:
            t.add_row(f"function {fn}", "", "", "", _human(d["heap_bytes_saved"]), f"{d['slots_saved']:g}")
    u = fs["unlinked"]
    t.add_row("sites no fix covers", "", "", "", _human(u["heap_bytes_saved"]), f"{u['slots_saved']:g}")
    con.print(t)


def _emit_fixed(args, before: dict, after: dict, applied: list[str]) -> None:
    """Measured saving per function: per benchmark (per op) when benchmarks ran, else for the whole run."""
    from . import report
    pairs = []
    for name, (res, n) in before["benchmarks"].items():
        if name in after["benchmarks"]:
            res_a, n_a = after["benchmarks"][name]
            pairs.append((name, res, n, res_a, n_a))
    if not pairs:
        pairs.append(("whole run", before["whole"], 1, after["whole"], 1))
    if args.format == "json":
        import json
        doc = {"before": [report.to_json(r, args.sort, m) for _, r, m in before["results"]],
               "after": [report.to_json(r, args.sort, m) for _, r, m in after["results"]],
               "savings_per_op": {name: {"ops": n, "ops_after": n_a, "functions": report.savings(r, ra, n, n_a)}
                                  for name, r, n, ra, n_a in pairs},
               "fixes_applied": applied, "fix_sites_per_op": after.get("links", {})}
        out = open(args.output, "w") if args.output else sys.stdout
        out.write(json.dumps(doc, indent=2, default=str) + "\n")
        if args.output:
            out.close()
        return
    from rich.console import Console
    con = Console(file=open(args.output, "w")) if args.output else Console()
    for name, r, n, ra, n_a in pairs:
        report.print_savings(report.savings(r, ra, n, n_a), r, ra, n, None, con,
                             title=f"{name}: measured per op, before ({n} ops) / after goperf's fixes ({n_a} ops)",
                             ops_after=n_a)
        if name in after.get("links", {}):
            _print_fix_sites(con, name, after["links"][name])
    if "whole run" in after.get("links", {}) and len(after["links"]) == 1:
        _print_fix_sites(con, "whole run", after["links"]["whole run"])
    con.print(f"fixes applied: {', '.join(applied) or 'none'}", markup=False)


def run(args) -> int:
    from .trace import TraceError
    try:
        if args.profile_cmd == "estimate":
            from .estimate import EstimateError
            try:
                return _estimate(args)
            except EstimateError as e:
                print(f"goperf profile estimate: {e}", file=sys.stderr)
                return 2
        if args.profile_cmd == "replay":
            return _replay_file(args)
        if args.profile_cmd == "run":
            return _record(args)
    except TraceError as e:
        print(f"goperf profile: bad trace: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:                 # the inner argument parser already printed why
        return int(e.code or 2)
    except (ValueError, OSError) as e:
        print(f"goperf profile: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # record/pprof errors carry their own message
        from .pprof import ProfileError
        from .record import RecordError
        if isinstance(e, (RecordError, ProfileError)):
            print(f"goperf profile: {e}", file=sys.stderr)
            return 1
        raise
    return 2


def main(argv=None) -> int:
    """Standalone entry (`python -m goperf.profiler.cli …`) until the CLI wires it in."""
    ap = argparse.ArgumentParser(prog="goperf")
    add_parser(ap.add_subparsers(dest="cmd", required=True))
    args = ap.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
