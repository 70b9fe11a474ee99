"""The profiler's JSON report, read for code lenses and hovers.

`goperf profile` writes `goperf-profile.json` in the workspace root (the name can be changed
with the `profileReport` setting): `{"functions": [{"function": "import/path.(*T).Method",
"heap_bytes", "objects", "gc_cycles", "morestack", "stack_copy_bytes", ...}], "totals": {...},
"meta": {...}}`. The report is re-read when its mtime changes; a missing or broken report
means lenses fall back to the static estimates of the findings. `goperf profile run` adds a
`benchmarks` section (per benchmark: `ops`, `functions`, `totals`, `meta`) beside the whole-run
figures; a lens shows a function's per-op figures from the benchmark it allocates most in, as
`-benchmem` would, and the whole-run figures when no benchmark names it; a hover inside the
function lists its per-op figures in every benchmark that names it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Benchmark:
    name: str
    by_name: dict[str, list[dict]]
    totals: dict


@dataclass
class Report:
    path: str
    mtime: float
    by_name: dict[str, list[dict]]  # "T.Method" / "Func" → rows (several packages may share a name)
    totals: dict
    meta: dict
    benchmarks: list[Benchmark] = field(default_factory=list)

    def lookup(self, function: str, package: str | None) -> dict | None:
        return _pick(self.by_name, function, package)

    def lookup_benchmark(self, function: str, package: str | None) -> tuple[Benchmark, dict] | None:
        """The benchmark in which `function` allocates the most bytes per op, with its row."""
        found = self.lookup_benchmarks(function, package)
        return found[0] if found else None

    def lookup_benchmarks(self, function: str, package: str | None) -> list[tuple[Benchmark, dict]]:
        """Every benchmark that names `function`, with its row, most bytes per op first (ties keep
        the report's order)."""
        found = [(b, row) for b in self.benchmarks if (row := _pick(b.by_name, function, package)) is not None]
        return sorted(found, key=lambda br: _bytes_per_op(br[1]), reverse=True)

    def age(self) -> float:
        """Seconds since the profile ran: the report's `meta.time` (a Unix time; `meta.created` is the
        same instant as ISO text), else the file's modification time."""
        created = self.meta.get("time")
        if isinstance(created, (int, float)) and not isinstance(created, bool):
            return time.time() - float(created)
        return time.time() - self.mtime


_GENERIC = re.compile(r"\[[^\]]*\]")


def normalize(name: str) -> str:
    """'example.com/m/pkg.(*T).Method' and 'T.Method' and '*T.Method' → 'T.Method'."""
    name = _GENERIC.sub("", name)
    tail = name.rsplit("/", 1)[-1]
    return tail.replace("(*", "").replace("(", "").replace(")", "").replace("*", "")


def _bytes_per_op(row: dict) -> float:
    return row.get("heap_bytes", 0) / (row.get("ops") or 1)


def _pick(by_name: dict[str, list[dict]], function: str, package: str | None) -> dict | None:
    rows = by_name.get(normalize(function))
    if not rows:
        return None
    if package:
        for row in rows:
            if row.get("_package") == package:
                return row
    return rows[0] if len(rows) == 1 or not package else None


def _index(rows) -> dict[str, list[dict]]:
    """Rows by normalized function name, each tagged with its package's last path element."""
    by_name: dict[str, list[dict]] = {}
    for row in rows if isinstance(rows, list) else ():
        if not isinstance(row, dict) or not isinstance(row.get("function"), str):
            continue
        pkg, name = _split(row["function"])
        by_name.setdefault(name, []).append({**row, "_package": pkg})
    return by_name


def _split(function: str) -> tuple[str | None, str]:
    tail = _GENERIC.sub("", function).rsplit("/", 1)[-1]
    if "." in tail:
        pkg, rest = tail.split(".", 1)
        return pkg, normalize(rest)
    return None, normalize(tail)


class Reports:
    def __init__(self):
        self._cache: dict[str, Report | None] = {}
        self._mtimes: dict[str, float] = {}

    def load(self, path: str) -> Report | None:
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            self._cache.pop(path, None)
            return None
        if self._mtimes.get(path) == mtime:
            return self._cache.get(path)
        self._mtimes[path] = mtime
        report = None
        try:
            with open(path, "rb") as fh:
                data = json.load(fh)
            benches = data.get("benchmarks") or {}
            report = Report(path, mtime, _index(data.get("functions", [])), data.get("totals") or {},
                            data.get("meta") or {},
                            [Benchmark(name, _index(b.get("functions")), b.get("totals") or {})
                             for name, b in benches.items() if isinstance(b, dict)])
        except (OSError, ValueError, AttributeError, TypeError) as e:
            log.warning("goperf: cannot read profile report %s: %s", path, e)
        self._cache[path] = report
        return report
