"""Applying fixes: non-overlapping edit sets, merged like commits on one base."""

from __future__ import annotations

from typing import Iterable

from .model import Edit, Finding, Fix


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
