"""Formatting of replay results: JSON document and a rich table."""

from __future__ import annotations

import json

from . import schema as S
from .replay import ReplayResult

SORT_KEYS = ("heap_bytes", "objects", "gc_cycles", "morestack", "stack_copy_bytes")


def rows(res: ReplayResult, sort: str = "heap_bytes") -> list[dict]:
    names = list(res.funcs.name) + ["(unknown)"]
    pos = list(res.funcs.pos) + [""]
    out = []
    for i, name in enumerate(names):
        r = res.out[i]
        if not r.any():
            continue
        d = {"function": str(name)}
        if pos[i]:
            d["pos"] = str(pos[i])
        d.update({k: int(r[j]) for j, k in enumerate(S.OUT_NAMES)})
        out.append(d)
    out.sort(key=lambda d: (-d[sort], d["function"]))
    return out


def to_json(res: ReplayResult, sort: str = "heap_bytes", extra_meta: dict | None = None) -> dict:
    meta = {**res.meta, "config": res.config, **(extra_meta or {})}
    return {"functions": rows(res, sort), "totals": res.totals(), "meta": meta}


def dumps(res: ReplayResult, sort: str = "heap_bytes", extra_meta: dict | None = None) -> str:
    return json.dumps(to_json(res, sort, extra_meta), indent=2, default=str)


def _human(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:g} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def print_table(res: ReplayResult, console=None, sort: str = "heap_bytes", limit: int = 30) -> None:
    from rich.console import Console
    from rich.table import Table
    console = console or Console()
    t = Table(title="goperf profile (replayed)", show_lines=False)
    for col, just in (("function", "left"), ("heap", "right"), ("objects", "right"),
                      ("slots", "right"), ("GC cycles", "right"), ("morestack", "right"),
                      ("stack copy", "right")):
        t.add_column(col, justify=just, overflow="fold", min_width=24 if col == "function" else None)
    for d in rows(res, sort)[:limit]:
        t.add_row(d["function"], _human(d["heap_bytes"]), str(d["objects"]), str(d["slots"]),
                  str(d["gc_cycles"]), str(d["morestack"]), _human(d["stack_copy_bytes"]))
    tot = res.totals()
    t.add_section()
    t.add_row("total", _human(tot["heap_bytes"]), str(tot["objects"]), str(tot["slots"]),
              str(tot["gc_cycles"]), str(tot["morestack"]), _human(tot["stack_copy_bytes"]))
    console.print(t)
    c = res.config
    console.print(f"GOGC={c['gogc']} GOMEMLIMIT={c['memlimit']} stack start={c['stack_start']}"
                  f"{' (adaptive)' if c['adaptive_stack'] else ''}; {tot['events']} events; "
                  f"stack shrinks {tot['stack_shrinks']}; final heap goal {_human(tot['heap_goal'])}")


# ---------------------------------------------------------------------- LSP report file

REPORT_FILE = "goperf-profile.json"   # lsp/options.py PROFILE_REPORT: read for code lenses


def lsp_report(res: ReplayResult, ops: int | None = None, extra_meta: dict | None = None,
               benchmarks: dict | None = None) -> dict:
    """The document `lsp/profile.py` reads: rows keyed by "import/path.(*T).Method", per-run figures
    plus `ops` (the lens divides by it to show per-op values).

    `benchmarks` (name -> (ReplayResult of its timed loop, b.N)) adds a `benchmarks` section beside
    the whole-run `functions` / `totals`: `{"BenchmarkX": {"ops", "functions", "totals", "meta"}}`,
    each row carrying `ops` = b.N, so per-op figures are `value / ops` per benchmark."""
    import time
    from datetime import datetime, timezone
    doc = to_json(res, "heap_bytes", extra_meta)
    for row in doc["functions"]:
        if ops:
            row["ops"] = int(ops)
    now = time.time()
    doc["meta"] = {**doc["meta"], "created": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds"),
                   "time": now, "ops": int(ops) if ops else None}
    if benchmarks:
        doc["benchmarks"] = {}
        for name, (bres, n) in benchmarks.items():
            rows_ = rows(bres, "heap_bytes")
            for row in rows_:
                row["ops"] = int(n)
            doc["benchmarks"][name] = {"ops": int(n), "functions": rows_, "totals": bres.totals(),
                                       "meta": {k: bres.meta[k] for k in ("benchmark", "recorded_ops")
                                                if k in bres.meta}}
    return doc


def write_lsp_report(path, res: ReplayResult, ops: int | None = None, extra_meta: dict | None = None,
                     benchmarks: dict | None = None) -> None:
    """Write atomically: the language server re-reads the file when its mtime changes."""
    import os
    import tempfile
    doc = lsp_report(res, ops, extra_meta, benchmarks)
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".goperf-profile-", dir=d)
    with os.fdopen(fd, "w") as fh:
        json.dump(doc, fh, indent=1, default=str)
    os.replace(tmp, path)


def savings(before: ReplayResult, after: ReplayResult, ops: int = 1, ops_after: int | None = None) -> list[dict]:
    """Per function (by name): before, after and saved figures, per op (`ops_after`: when the
    fixed version ran a different number of ops, as a recorded benchmark may)."""
    ops_after = ops_after or ops
    def by_name(res):
        return {str(n): res.out[i] for i, n in enumerate(res.funcs.name)}
    b, a = by_name(before), by_name(after)
    out = []
    for name in sorted(set(b) | set(a)):
        rb = b.get(name)
        ra = a.get(name)
        row = {"function": name}
        for j, k in enumerate(S.OUT_NAMES):
            vb = int(rb[j]) if rb is not None else 0
            va = int(ra[j]) if ra is not None else 0
            row[k] = vb / ops
            row[f"{k}_after"] = va / ops_after
            row[f"{k}_saved"] = (vb - va) / ops if ops_after == ops else vb / ops - va / ops_after
        if any(row[f"{k}_saved"] or row[k] for k in S.OUT_NAMES):
            out.append(row)
    out.sort(key=lambda r: (-r["heap_bytes_saved"], r["function"]))
    return out


def print_savings(rows: list[dict], before: ReplayResult, after: ReplayResult, ops: int, applied: list[str],
                  console=None, title: str | None = None, ops_after: int | None = None) -> None:
    """Before / after / saved per function and per op; GC cycles saved over `ops` ops."""
    from rich.console import Console
    from rich.table import Table
    console = console or Console()
    ops_after = ops_after or ops
    t = Table(title=title or f"goperf profile --apply-fixes (per op, {ops} ops)")
    for col in ("function", "heap before", "after", "saved", "objects before", "after", "saved", "GC saved"):
        t.add_column(col, justify="left" if col == "function" else "right")
    for r in rows:
        t.add_row(r["function"], _human(r["heap_bytes"]), _human(r["heap_bytes_after"]),
                  _human(r["heap_bytes_saved"]), f"{r['objects']:g}", f"{r['objects_after']:g}",
                  f"{r['objects_saved']:g}", f"{r['gc_cycles_saved'] * ops:g}")
    tb, ta = before.totals(), after.totals()
    t.add_section()

    def saved(k):
        return (tb[k] - ta[k]) / ops if ops_after == ops else tb[k] / ops - ta[k] / ops_after
    gc_saved = tb["gc_cycles"] - ta["gc_cycles"] if ops_after == ops else \
        f"{tb['gc_cycles'] - ta['gc_cycles'] * ops / ops_after:g}"
    t.add_row("total", _human(tb["heap_bytes"] / ops), _human(ta["heap_bytes"] / ops_after),
              _human(saved("heap_bytes")), f"{tb['objects'] / ops:g}",
              f"{ta['objects'] / ops_after:g}", f"{saved('objects'):g}", f"{gc_saved}")
    console.print(t)
    if applied is not None:
        console.print(f"fixes applied: {', '.join(applied) or 'none'}")
