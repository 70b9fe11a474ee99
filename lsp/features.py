"""Code actions, hovers and code lenses, built from one document's analysis.

Pure functions over `Analysis` values and the loaded profile `Report` (no I/O, no server
state), so that the handlers in server.py stay glue and these can be unit-tested without a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec

from goperf.analyzer import fixes as fixing
from goperf.analyzer.model import Applicability, Finding

from . import convert
from .convert import Lines
from .documents import Analysis
from .profile import Report

FUNC_TYPES = ("function_declaration", "method_declaration")


def overlapping(analysis: Analysis, start: int, end: int) -> list[Finding]:
    return [f for f in analysis.findings if f.start <= end and start <= f.end]


def _kind_allowed(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(
    analysis: Analysis,
    uri: str,
    start: int,
    end: int,
    only: Sequence[str] | None,
    codec: PositionCodec,
    document_changes: bool,
    lines_of: Callable[[str], tuple[Lines, str, int | None] | None],
) -> list[lsp.CodeAction]:
    """Quick fixes and ignore-comments for findings in [start, end]; fix-all for the file.

    `lines_of(path)` gives another file's (lines, uri, version) for fixes that edit it.
    """
    lines = analysis.lines
    out: list[lsp.CodeAction] = []
    if _kind_allowed(lsp.CodeActionKind.QuickFix, only):
        for index, finding in enumerate(analysis.findings):
            if not (finding.start <= end and start <= finding.end):
                continue
            diag = analysis.diagnostics[index]
            for i, fix in enumerate(finding.fixes):
                if fix.applicability is Applicability.DISPLAY_ONLY:
                    continue
                per_uri: dict[str, tuple[list[lsp.TextEdit], int | None]] = {}
                ok = True
                for path, edits in _group(finding, fix).items():
                    if path == finding.path:
                        per_uri[uri] = (convert.text_edits(edits, lines, codec), analysis.version)
                        continue
                    other = lines_of(path)
                    if other is None:
                        ok = False
                        break
                    olines, ouri, oversion = other
                    per_uri[ouri] = (convert.text_edits(edits, olines, codec), oversion)
                if not ok:
                    continue
                title = fix.title if fix.applicability is Applicability.SAFE else f"{fix.title} (unsafe)"
                out.append(lsp.CodeAction(
                    title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                    edit=convert.workspace_edit(per_uri, document_changes),
                    is_preferred=convert.fix_kind_preferred(fix, i) or None,
                ))
            ignore = convert.ignore_edit(finding, lines)
            out.append(lsp.CodeAction(
                title=f"Ignore {finding.rule} here", kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                edit=convert.workspace_edit({uri: (convert.text_edits([ignore], lines, codec), analysis.version)},
                                            document_changes),
            ))
    if _kind_allowed(convert.FIX_ALL_KIND, only):
        action = fix_all(analysis, uri, codec, document_changes)
        if action is not None:
            out.append(action)
    return out


def fix_all(analysis: Analysis, uri: str, codec: PositionCodec, document_changes: bool) -> lsp.CodeAction | None:
    """All SAFE fixes of the file that edit only this file, non-overlapping (analyzer/fixes.apply)."""
    path = next((f.path for f in analysis.findings), None)
    if path is None:
        return None
    chosen = [
        (f, next(x for x in f.fixes if x.applicability is Applicability.SAFE))
        for f in analysis.findings
        if any(x.applicability is Applicability.SAFE for x in f.fixes)
    ]
    _, applied = fixing.apply({path: analysis.lines.text}, chosen)
    if not applied:
        return None
    edits = [e for f, fix in applied for e in fix.edits]
    n = len(applied)
    return lsp.CodeAction(
        title=f"goperf: apply {n} safe fix{'es' if n != 1 else ''}",
        kind=convert.FIX_ALL_KIND,
        edit=convert.workspace_edit({uri: (convert.text_edits(edits, analysis.lines, codec), analysis.version)},
                                    document_changes),
    )


def _group(finding: Finding, fix) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in fix.edits:
        out.setdefault(e.path or finding.path, []).append(e)
    return out


def hover(analysis: Analysis, at: int, codec: PositionCodec, report: Report | None = None) -> lsp.Hover | None:
    """The findings at `at`, then the enclosing function's figures in each benchmark of `report`
    that names it; None when there is neither."""
    here = [f for f in analysis.findings if f.start <= at <= f.end]
    parts = [convert.hover_markdown(here)] if here else []
    if report is not None and report.benchmarks and (name := function_at(analysis, at)) is not None:
        found = report.lookup_benchmarks(name, package_name(analysis))
        if found:
            rows = [(bench.name, row, bench.totals) for bench, row in found]
            parts.append(convert.profile_hover_markdown(name, rows, convert.age_text(report.age())))
    if not parts:
        return None
    rng = convert.range_(analysis.lines, min(f.start for f in here), max(f.end for f in here), codec) if here else None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=rng,
    )


@dataclass
class FunctionFindings:
    name: str  # "Name" or "Recv.Name"
    start: int  # byte offset of the declaration
    name_start: int
    findings: list[Finding]


def functions_with_findings(analysis: Analysis) -> list[FunctionFindings]:
    if analysis.tree is None or not analysis.findings:
        return []
    text = analysis.lines.text
    out = []
    for decl in analysis.tree.root_node.named_children:
        if decl.type not in FUNC_TYPES:
            continue
        inside = [f for f in analysis.findings if decl.start_byte <= f.start < decl.end_byte]
        if not inside:
            continue
        name_node = decl.child_by_field_name("name")
        out.append(FunctionFindings(_function_name(decl, text, inside), decl.start_byte,
                                    name_node.start_byte if name_node else decl.start_byte, inside))
    return out


def function_at(analysis: Analysis, at: int) -> str | None:
    """The name of the function or method declared around byte `at`, as its lens names it."""
    if analysis.tree is None:
        return None
    for decl in analysis.tree.root_node.named_children:
        if decl.type in FUNC_TYPES and decl.start_byte <= at < decl.end_byte:
            inside = [f for f in analysis.findings if decl.start_byte <= f.start < decl.end_byte]
            return _function_name(decl, analysis.lines.text, inside)
    return None


def _function_name(decl, text: bytes, inside: Sequence[Finding]) -> str:
    """The declaration's name as lenses show it ("Name" or "Recv.Name"), or the analyzer's name for
    it when a finding inside gives one."""
    given = next((f.function for f in inside if f.function), None)
    if given:
        return given
    name_node = decl.child_by_field_name("name")
    name = text[name_node.start_byte:name_node.end_byte].decode("utf-8", "replace") if name_node else "?"
    if decl.type == "method_declaration":
        recv = _receiver(decl, text)
        if recv:
            name = f"{recv}.{name}"
    return name


def _receiver(decl, text: bytes) -> str | None:
    recv = decl.child_by_field_name("receiver")
    if recv is None:
        return None
    for param in recv.named_children:
        t = param.child_by_field_name("type")
        if t is not None:
            raw = text[t.start_byte:t.end_byte].decode("utf-8", "replace")
            return raw.lstrip("*").split("[", 1)[0].strip()
    return None


def lenses(analysis: Analysis, uri: str, codec: PositionCodec) -> list[lsp.CodeLens]:
    out = []
    for fn in functions_with_findings(analysis):
        pos = convert.position(analysis.lines, fn.start, codec)
        out.append(lsp.CodeLens(
            range=lsp.Range(pos, pos),
            data={"uri": uri, "version": analysis.version, "function": fn.name, "start": fn.start},
        ))
    return out


def package_name(analysis: Analysis) -> str | None:
    if analysis.tree is None:
        return None
    for node in analysis.tree.root_node.named_children:
        if node.type == "package_clause":
            for c in node.named_children:
                return analysis.lines.text[c.start_byte:c.end_byte].decode("utf-8", "replace")
    return None


def path_folder(path: str) -> str:
    return Path(path).parent.name
