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
            return f"{n} B" if unit == "B" else f"{n:.1f} {unit}"
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
