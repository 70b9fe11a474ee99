"""The profiler's JSON report, read for code lenses.

`goperf profile` writes `goperf-profile.json` in the workspace root (the name can be changed
with the `profileReport` setting): `{"functions": [{"function": "import/path.(*T).Method",
"heap_bytes", "objects", "gc_cycles", "morestack", "stack_copy_bytes", ...}], "totals": {...},
"meta": {...}}`. The report is re-read when its mtime changes; a missing or broken report
means lenses fall back to the static estimates of the findings. `goperf profile run` adds a
`benchmarks` section (per benchmark: `ops`, `functions`, `totals`, `meta`) beside the whole-run
figures; lenses read the whole-run `functions` only.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Report:
    path: str
    mtime: float
    by_name: dict[str, list[dict]]  # "T.Method" / "Func" → rows (several packages may share a name)
    totals: dict
    meta: dict

    def lookup(self, function: str, package: str | None) -> dict | None:
        rows = self.by_name.get(normalize(function))
        if not rows:
            return None
        if package:
            for row in rows:
                if row.get("_package") == package:
                    return row
        return rows[0] if len(rows) == 1 or not package else None

    def age(self) -> float:
        created = self.meta.get("created") or self.meta.get("time")
        if isinstance(created, (int, float)):
            return time.time() - float(created)
        return time.time() - self.mtime


_GENERIC = re.compile(r"\[[^\]]*\]")


def normalize(name: str) -> str:
    """'example.com/m/pkg.(*T).Method' and 'T.Method' and '*T.Method' → 'T.Method'."""
    name = _GENERIC.sub("", name)
    tail = name.rsplit("/", 1)[-1]
    return tail.replace("(*", "").replace("(", "").replace(")", "").replace("*", "")


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
            by_name: dict[str, list[dict]] = {}
            for row in data.get("functions", []):
                if not isinstance(row, dict) or not isinstance(row.get("function"), str):
                    continue
                pkg, name = _split(row["function"])
                by_name.setdefault(name, []).append({**row, "_package": pkg})
            report = Report(path, mtime, by_name, data.get("totals") or {}, data.get("meta") or {})
        except (OSError, ValueError, AttributeError, TypeError) as e:
            log.warning("goperf: cannot read profile report %s: %s", path, e)
        self._cache[path] = report
        return report
