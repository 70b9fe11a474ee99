"""Applying fixes: non-overlapping edit sets, merged like commits on one base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .model import Applicability, Edit, Finding, Fix

MAX_ROUNDS = 10


def _edits_by_path(finding: Finding, fix: Fix) -> dict[str, list[Edit]]:
    out: dict[str, list[Edit]] = {}
    for e in fix.edits:
        out.setdefault(e.path or finding.path, []).append(e)
    return out


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end == b.start == b.end:
        return True  # two insertions at one point: order would be arbitrary
    return a.start < b.end and b.start < a.end


def apply(sources: dict[str, bytes], chosen: Iterable[tuple[Finding, Fix]]) -> tuple[dict[str, bytes], list[tuple[Finding, Fix]]]:
    """Apply each fix whose edits overlap none already taken; return (new sources, applied).

    A fix is all-or-nothing: if any of its edits conflicts, none are applied (the
    caller re-lints and tries again on the new text).
    """
    taken: dict[str, list[Edit]] = {}
    applied = []
    for finding, fix in chosen:
        edits = _edits_by_path(finding, fix)
        if any(p not in sources for p in edits):
            continue
        if any(_overlaps(e, t) for p, es in edits.items() for e in es for t in taken.get(p, [])):
            continue
        if any(_overlaps(a, b) for es in edits.values() for i, a in enumerate(es) for b in es[i + 1:]):
            continue
        for p, es in edits.items():
            taken.setdefault(p, []).extend(es)
        applied.append((finding, fix))
    out = dict(sources)
    for path, edits in taken.items():
        out[path] = apply_edits(sources[path], edits)
    return out, applied


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    result = source
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        result = result[: e.start] + e.new_text.encode() + result[e.end :]
    return result


@dataclass
class FixResult:
    sources: dict[str, bytes]  # every file's content after the fixes
    findings: list[Finding]  # what the fixed code still has
    applied: list[tuple[Finding, Fix]]  # in the order they were applied, over all rounds


def fix_until_stable(sources: dict[str, bytes], lint_paths: set[str], config,
                     levels: set[Applicability], max_rounds: int = MAX_ROUNDS) -> FixResult:
    """Apply the first fix (of an allowed applicability) of every finding, in rounds:
    overlapping fixes wait for the next round, on the re-analysed text, until nothing
    changes. In memory only; writing files is the caller's business."""
    from .context import Package, SourceFile
    from .driver import analyze_package

    def analyze(srcs: dict[str, bytes]) -> list[Finding]:
        return analyze_package(Package([SourceFile.parse(p, s) for p, s in srcs.items()]), config, lint_paths)

    findings, applied_all = analyze(sources), []
    for _ in range(max_rounds):
        chosen = [(f, fix) for f in findings
                  if (fix := next((x for x in f.fixes if x.applicability in levels), None))]
        if not chosen:
            break
        sources, applied = apply(sources, chosen)
        if not applied:
            break
        applied_all += applied
        findings = analyze(sources)
    return FixResult(sources, findings, applied_all)
