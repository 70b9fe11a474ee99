"""Which recorded allocation sites each of goperf's quick fixes touches, and what it saved there.

`link_fixes` applies the fixes in rounds exactly as `estimate.glue.fixed_sources` (and so
`goperf lint --fix [--unsafe-fixes]`) does, one round at a time, and keeps for every applied fix
the lines it covers: the finding's lines and its edits' lines in the original files (later rounds
are mapped back through the earlier ones), and the lines those became in the fixed files (line
diff: unchanged lines map one to one, changed or inserted ones belong to the edit that touched
them). `sites` reads a memory profile (memprofilerate=1) into bytes and slots per (file, line) of
the innermost frame in the package's own files, per benchmark op. `fix_savings` then charges each
fix with what its original lines allocated in the original run minus what its fixed lines
allocated in the fixed copy's run; what no fix covers stays apart (`unlinked`), so the per-fix
figures add up to the measured difference per benchmark.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from . import pprof


@dataclass
class FixLink:
    rule: str
    function: str | None
    title: str
    file: str                        # base name of the finding's file
    line: int                        # finding's first line, original coordinates
    orig_lines: dict[str, set[int]] = field(default_factory=dict)    # file -> lines, original
    fixed_lines: dict[str, set[int]] = field(default_factory=dict)   # file -> lines, fixed copy
    finding_lines: set[int] = field(default_factory=set)              # in `file`, original

    def label(self) -> str:
        return f"{self.rule} {self.file}:{self.line}" + (f" ({self.function})" if self.function else "")


class LineMap:
    """Line correspondence between two versions of a file (1-based lines)."""

    def __init__(self, a: bytes, b: bytes):
        self.ops = difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False).get_opcodes()

    def forward(self, lines: set[int]) -> set[int]:
        return self._map(lines, False)

    def backward(self, lines: set[int]) -> set[int]:
        return self._map(lines, True)

    def _map(self, lines: set[int], back: bool) -> set[int]:
        out: set[int] = set()
        idx = {x - 1 for x in lines}
        for tag, i1, i2, j1, j2 in self.ops:
            if back:
                i1, i2, j1, j2 = j1, j2, i1, i2
            if tag == "equal":
                out.update(j1 + (i - i1) + 1 for i in idx if i1 <= i < i2)
            elif any(i1 <= i < i2 for i in idx) or (i1 == i2 and i1 in idx):
                out.update(range(j1 + 1, j2 + 1))
        return out


def _lines(src: bytes, start: int, end: int) -> set[int]:
    a = src.count(b"\n", 0, start) + 1
    b = src.count(b"\n", 0, max(end - 1, start)) + 1
    return set(range(a, b + 1))


def link_fixes(folder: Path, unsafe: bool = True, max_rounds: int = 10) -> tuple[dict[str, bytes], list[str], list[FixLink]]:
    """(fixed sources, applied fix names as `fixed_sources` gives them, one FixLink per applied fix)."""
    from goperf.analyzer.config import Config
    from goperf.analyzer.fixes import fix_until_stable
    from goperf.analyzer.model import Applicability
    levels = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe else set())
    original = {str(p): p.read_bytes() for p in sorted(Path(folder).glob("*.go"))}
    lint = {p for p in original if not p.endswith("_test.go")}
    cur = dict(original)
    rounds: list[tuple[dict[str, bytes], dict[str, bytes], list]] = []
    for _ in range(max_rounds):
        r = fix_until_stable(cur, lint, Config(), levels, max_rounds=1)
        if not r.applied:
            break
        rounds.append((cur, r.sources, r.applied))
        cur = r.sources
    maps = [{p: LineMap(a[p], b[p]) for p in a} for a, b, _ in rounds]
    links, applied_names = [], []
    for k, (before, after, applied) in enumerate(rounds):
        placed = _placed_edits(before, applied)
        for n, (finding, fix) in enumerate(applied):
            applied_names.append(f"{finding.rule} {finding.function or ''}".strip())
            at = _lines(before[finding.path], finding.start, finding.end)
            here: dict[str, set[int]] = {finding.path: set(at)}
            there: dict[str, set[int]] = {finding.path: _equal_forward(maps[k][finding.path], at)}
            for e in fix.edits:
                p = e.path or finding.path
                here.setdefault(p, set()).update(_lines(before[p], e.start, e.end))
                ns, ne = placed[(n, id(e))]
                if ne > ns:                              # where the new text landed
                    text = after[p][ns:ne]
                    there.setdefault(p, set()).update(_lines(after[p], ns, ne - (1 if text.endswith(b"\n") else 0)))
            orig, fixed = {}, {}
            for p in set(here) | set(there):
                o = set(here.get(p, ()))
                for m in reversed(maps[:k]):           # back to the original files
                    o = m[p].backward(o)
                f = set(there.get(p, ()))
                for m in maps[k + 1:]:                  # on to the final fixed files
                    f = m[p].forward(f)
                orig[Path(p).name], fixed[Path(p).name] = o, f
            for m in reversed(maps[:k]):
                at = m[finding.path].backward(at)
            links.append(FixLink(finding.rule, finding.function, fix.title, Path(finding.path).name,
                                 min(at or {0}), orig, fixed, set(at)))
    return cur, applied_names, links


def _equal_forward(m: LineMap, lines: set[int]) -> set[int]:
    """Lines that did not change, in the new file (a finding's own unchanged lines)."""
    out = set()
    for tag, i1, i2, j1, _ in m.ops:
        if tag == "equal":
            out.update(j1 + (x - 1 - i1) + 1 for x in lines if i1 <= x - 1 < i2)
    return out


def _placed_edits(before: dict[str, bytes], applied: list) -> dict:
    """(fix index, id(edit)) -> (start, end) of the edit's new text in the round's output, as
    analyzer.fixes.apply_edits lays the non-overlapping edits of one round out per file."""
    per_file: dict[str, list] = {}
    for n, (finding, fix) in enumerate(applied):
        for e in fix.edits:
            per_file.setdefault(e.path or finding.path, []).append((e.start, e.end, n, e))
    out = {}
    for p, edits in per_file.items():
        delta = 0
        for start, end, n, e in sorted(edits, key=lambda x: (x[0], x[1])):
            new = len(e.new_text.encode())
            out[(n, id(e))] = (start + delta, start + delta + new)
            delta += new - (end - start)
    return out


def sites(prof: pprof.Profile, pkg_dir: Path, benchmark: str | None = None, ops: int = 1) -> dict:
    """(file base name, line) -> [bytes per op, slots per op, function] at the innermost frame in
    `pkg_dir`'s own files; with `benchmark`, only samples under that benchmark function."""
    ib, io = prof.index("alloc_space"), prof.index("alloc_objects")
    here = str(Path(pkg_dir).resolve())
    out: dict[tuple[str, int], list] = {}
    for s in prof.samples:
        if s.values[io] <= 0:
            continue
        fr = prof.frames(s)
        if benchmark is not None and not any(f[0].endswith("." + benchmark) for f in fr):
            continue
        site = next(((f, file, line) for f, file, line in fr if str(Path(file).parent) == here), None)
        if site is None:
            continue
        key = (Path(site[1]).name, site[2])
        row = out.setdefault(key, [0.0, 0.0, site[0]])
        row[0] += s.values[ib] / ops
        row[1] += s.values[io] / ops
    return out


def fix_savings(links: list[FixLink], before: dict, after: dict) -> dict:
    """Per fix: bytes/slots per op at its sites before and after, and the saving; the rest of the
    difference (sites no fix covers) as `unlinked`. An original site two fixes cover goes to the fix
    whose finding is on that line, else to the first of them; a fixed site to the first."""
    def owners(key_lines, table, own):
        got: dict[int, set] = {i: set() for i in range(len(links))}
        for key in table:
            cands = [i for i, lk in enumerate(links) if key[1] in key_lines(lk).get(key[0], ())]
            if cands:
                best = next((i for i in cands if own(links[i], key)), cands[0])
                got[best].add(key)
        return got
    ob = owners(lambda lk: lk.orig_lines, before, lambda lk, k: k[0] == lk.file and k[1] in lk.finding_lines)
    oa = owners(lambda lk: lk.fixed_lines, after, lambda lk, k: False)
    rows = []
    for i, lk in enumerate(links):
        kb, ka = ob[i], oa[i]
        bb, bo = sum(before[k][0] for k in kb), sum(before[k][1] for k in kb)
        ab, ao = sum(after[k][0] for k in ka), sum(after[k][1] for k in ka)
        rows.append({"fix": lk.label(), "rule": lk.rule, "function": lk.function, "title": lk.title,
                     "sites_before": sorted(f"{f}:{ln}" for f, ln in kb),
                     "sites_after": sorted(f"{f}:{ln}" for f, ln in ka),
                     "heap_bytes": bb, "heap_bytes_after": ab, "heap_bytes_saved": bb - ab,
                     "slots": bo, "slots_after": ao, "slots_saved": bo - ao})
    used_b = set().union(*ob.values()) if ob else set()
    used_a = set().union(*oa.values()) if oa else set()
    rb = [v for k, v in before.items() if k not in used_b]
    ra = [v for k, v in after.items() if k not in used_a]
    unlinked = {"heap_bytes_saved": sum(v[0] for v in rb) - sum(v[0] for v in ra),
                "slots_saved": sum(v[1] for v in rb) - sum(v[1] for v in ra)}
    by_function: dict[str, dict] = {}
    for r in rows:
        d = by_function.setdefault(r["function"] or "(package level)", {"heap_bytes_saved": 0.0, "slots_saved": 0.0})
        d["heap_bytes_saved"] += r["heap_bytes_saved"]
        d["slots_saved"] += r["slots_saved"]
    return {"fixes": rows, "functions": by_function, "unlinked": unlinked}
